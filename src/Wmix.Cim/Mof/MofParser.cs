using System.Runtime.CompilerServices;

namespace Wmix.Cim;

/// <summary>
/// The recursive-descent parser of one MOF file (DSP0221 2.x plus Microsoft's extensions). It builds model objects
/// directly as it reads — no syntax tree — and records into the shared <see cref="MofCompilation"/>. Split by
/// concern: this file holds the token plumbing and the top level; the other parts hold directives, qualifiers,
/// classes, instances and values.
/// </summary>
internal sealed partial class MofParser
{
    private readonly MofCompilation _c;
    private readonly MofSource _src;
    private readonly MofLexer _lex;
    private readonly int _includeDepth;
    private readonly System.Text.StringBuilder _concat = new();
    private MofToken _tok;
    private string _ns;
    private int _depth;

    public MofParser(MofCompilation compilation, MofSource source, string @namespace, int includeDepth)
    {
        _c = compilation;
        _src = source;
        _lex = new MofLexer(source);
        _ns = @namespace;
        _includeDepth = includeDepth;
    }

    /// <summary>Parses the whole file; the namespace set by its pragmas stays with the file.</summary>
    public void ParseFile()
    {
        Advance();
        while (_tok.Kind != MofTokenKind.End)
        {
            ParseProduction();
        }
    }

    private void ParseProduction()
    {
        var start = _tok.Start;
        if (_tok.Kind == MofTokenKind.Directive)
        {
            ParseDirective();
            return;
        }
        List<ParsedQualifier>? qualifiers = null;
        if (IsPunct('['))
        {
            qualifiers = ParseQualifierList();
        }
        if (IsKeyword("class"))
        {
            ParseClass(qualifiers, start);
        }
        else if (IsKeyword("instance"))
        {
            var instance = ParseInstance(qualifiers, start, embedded: false, out var alias);
            ExpectPunct(';', "after the closing '}' of an instance");
            _c.InstancesToFreeze.Add(instance);
            _c.Definitions.Add(new MofInstanceDefinition(_ns, _src.Locate(start), instance, alias, _c.InstanceFlags, _c.Locale));
        }
        else if (IsKeyword("qualifier") && qualifiers is null)
        {
            ParseQualifierDeclaration(start);
        }
        else if (qualifiers is not null)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start,
                $"A qualifier list must be followed by 'class' or 'instance of', not {Describe(_tok)}.");
        }
        else
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start,
                $"Expected 'class', 'instance of', 'qualifier', a qualifier list '[...]' or '#pragma', not {Describe(_tok)}.");
        }
    }

    // ---- token plumbing ----

    private void Advance() => _tok = _lex.Next();

    private bool IsPunct(char c) => _tok.Kind == MofTokenKind.Punctuation && (char)_tok.Value! == c;

    private bool IsKeyword(string keyword) => IsKeyword(_tok, keyword);

    private bool IsKeyword(MofToken token, string keyword) =>
        token.Kind == MofTokenKind.Identifier && token.Length == keyword.Length &&
        _lex.Text.AsSpan(token.Start, token.Length).Equals(keyword, StringComparison.OrdinalIgnoreCase);

    private string TokenText(MofToken token) => _lex.Text.Substring(token.Start, token.Length);

    private MofToken PeekNext()
    {
        var save = _lex.Position;
        try
        {
            return _lex.Next();
        }
        finally
        {
            _lex.Position = save;
        }
    }

    private void ExpectPunct(char c, string where)
    {
        if (!IsPunct(c))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"Expected '{c}' {where}, not {Describe(_tok)}.");
        }
        Advance();
    }

    private void ExpectKeyword(string keyword, string where)
    {
        if (!IsKeyword(keyword))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"Expected '{keyword}' {where}, not {Describe(_tok)}.");
        }
        Advance();
    }

    private string ExpectIdentifier(string what)
    {
        if (_tok.Kind != MofTokenKind.Identifier)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"Expected {what}, not {Describe(_tok)}.");
        }
        var text = TokenText(_tok);
        if (text.Length > CimNames.MaxNameLength)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"The name is longer than {CimNames.MaxNameLength} characters.");
        }
        Advance();
        return text;
    }

    private string Describe(MofToken token) => token.Kind switch
    {
        MofTokenKind.End => "the end of the file",
        MofTokenKind.String => "a string",
        MofTokenKind.Integer or MofTokenKind.Real => $"the number {Clip(TokenText(token))}",
        MofTokenKind.Char => "a char16 literal",
        MofTokenKind.Alias => $"the alias {Clip(TokenText(token))}",
        MofTokenKind.Directive => $"'{TokenText(token)}'",
        MofTokenKind.Punctuation => $"'{token.Punct}'",
        _ => $"'{Clip(TokenText(token))}'",
    };

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private WbemException Error(WbemErrorEnum code, int offset, string message) => _src.Error(code, offset, message);

    /// <summary>Gives a model error (which has no position) the position of the construct that caused it.</summary>
    private WbemException At(int offset, WbemException inner) =>
        inner.Line > 0 ? inner : Error(inner.ErrorCode, offset, inner.Message);

    private void Enter(int offset)
    {
        if (++_depth > _c.Options.MaxNestingDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, offset,
                $"Embedded instances are nested more than {_c.Options.MaxNestingDepth} deep.");
        }
    }

    private void Leave() => _depth--;
}

using System.Globalization;
using System.Text;

namespace Wmix.Cim;

/// <summary>The kinds of MOF token.</summary>
internal enum MofTokenKind
{
    End,
    Identifier,
    Integer,
    Real,
    String,
    Char,
    Alias,
    Directive,
    Punctuation,
}

/// <summary>
/// One MOF token. <see cref="Start"/>/<see cref="Length"/> locate it in the source; literals carry their decoded
/// <see cref="Value"/> (string, char, <see cref="long"/> or <see cref="ulong"/>, <see cref="double"/>).
/// </summary>
internal readonly record struct MofToken(MofTokenKind Kind, int Start, int Length, object? Value = null)
{
    public char Punct => Kind == MofTokenKind.Punctuation ? (char)Value! : '\0';
}

/// <summary>
/// The MOF lexer of DSP0221 with Microsoft's extensions: comments, identifiers (keywords are identifiers the
/// parser recognises in context), decimal/hex/octal/binary integers, reals, strings and chars with escapes,
/// <c>$alias</c>, <c>#pragma</c>/<c>#include</c>. Every call consumes at least one character or reports the end,
/// so the parser cannot loop forever on bad input.
/// </summary>
internal sealed class MofLexer
{
    private readonly string _text;
    private readonly MofSource _source;
    private readonly StringBuilder _sb = new();
    private int _pos;

    public MofLexer(MofSource source)
    {
        _source = source;
        _text = source.Text;
    }

    public int Position
    {
        get => _pos;
        set => _pos = value;
    }

    public string Text => _text;

    public MofToken Next()
    {
        SkipTrivia();
        var start = _pos;
        if (_pos >= _text.Length)
        {
            return new MofToken(MofTokenKind.End, _text.Length, 0);
        }
        var c = _text[_pos];
        if (IsIdentifierStart(c))
        {
            _pos++;
            while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
            {
                _pos++;
            }
            return new MofToken(MofTokenKind.Identifier, start, _pos - start);
        }
        if (char.IsAsciiDigit(c) || ((c == '-' || c == '+' || c == '.') && _pos + 1 < _text.Length && (char.IsAsciiDigit(_text[_pos + 1]) ||
            (c != '.' && _text[_pos + 1] == '.' && _pos + 2 < _text.Length && char.IsAsciiDigit(_text[_pos + 2])))))
        {
            return Number();
        }
        switch (c)
        {
            case '"':
                return StringLiteral();
            case '\'':
                return CharLiteral();
            case '$':
                _pos++;
                if (_pos >= _text.Length || !IsIdentifierStart(_text[_pos]))
                {
                    throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "'$' must be followed by an alias name, as in '$MyAlias'.");
                }
                while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
                {
                    _pos++;
                }
                return new MofToken(MofTokenKind.Alias, start, _pos - start, _text.Substring(start + 1, _pos - start - 1));
            case '#':
                _pos++;
                while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
                {
                    _pos++;
                }
                var word = _text.AsSpan(start + 1, _pos - start - 1);
                if (word.Equals("pragma", StringComparison.OrdinalIgnoreCase) || word.Equals("include", StringComparison.OrdinalIgnoreCase))
                {
                    return new MofToken(MofTokenKind.Directive, start, _pos - start, word.ToString().ToLowerInvariant());
                }
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start,
                    $"Unknown preprocessor directive '#{word}'; MOF knows '#pragma' and '#include'.");
            case '{' or '}' or '[' or ']' or '(' or ')' or ';' or ',' or ':' or '=':
                _pos++;
                return new MofToken(MofTokenKind.Punctuation, start, 1, c);
            default:
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start,
                    $"Unexpected character '{Printable(c)}'.");
        }
    }

    internal static string Printable(char c) =>
        c < ' ' || c == '\u007f' || char.IsSurrogate(c) ? "\\x" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();

    internal static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 0x7f && char.IsLetter(c));

    internal static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 0x7f && char.IsLetterOrDigit(c));

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v' or '\uFEFF' or '\u00A0' || (c > 0x7f && char.IsWhiteSpace(c)))
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                var end = _text.IndexOf('\n', _pos);
                _pos = end < 0 ? _text.Length : end + 1;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '*')
            {
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, _pos, "The comment starting here is never closed; end it with '*/'.");
                }
                _pos = end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private MofToken Number()
    {
        var start = _pos;
        var negative = false;
        if (_text[_pos] is '-' or '+')
        {
            negative = _text[_pos] == '-';
            _pos++;
        }
        var digitsStart = _pos;
        // Hexadecimal: 0x1F.
        if (_pos + 1 < _text.Length && _text[_pos] == '0' && (_text[_pos + 1] is 'x' or 'X'))
        {
            _pos += 2;
            var hexStart = _pos;
            while (_pos < _text.Length && char.IsAsciiHexDigit(_text[_pos]))
            {
                _pos++;
            }
            if (_pos == hexStart)
            {
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "'0x' must be followed by hexadecimal digits.");
            }
            EnsureSeparated(start);
            if (!ulong.TryParse(_text.AsSpan(hexStart, _pos - hexStart), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                throw _source.Error(WbemErrorEnum.wbemErrValueOutOfRange, start, "The hexadecimal value does not fit in 64 bits.");
            }
            return Integer(start, negative, hex);
        }
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }
        var intEnd = _pos;
        var isReal = false;
        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            var fracStart = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
            if (_pos == fracStart)
            {
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "A real value needs digits after the '.', as in '1.0'.");
            }
            isReal = true;
        }
        if (_pos < _text.Length && (_text[_pos] is 'e' or 'E') && _pos > digitsStart)
        {
            var save = _pos;
            _pos++;
            if (_pos < _text.Length && _text[_pos] is '+' or '-')
            {
                _pos++;
            }
            var expStart = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
            if (_pos == expStart)
            {
                _pos = save;
            }
            else
            {
                isReal = true;
            }
        }
        if (isReal)
        {
            EnsureSeparated(start);
            if (!double.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var real) || !double.IsFinite(real))
            {
                throw _source.Error(WbemErrorEnum.wbemErrValueOutOfRange, start, "The real value is out of range for real64.");
            }
            return new MofToken(MofTokenKind.Real, start, _pos - start, real);
        }
        var digits = _text.AsSpan(digitsStart, intEnd - digitsStart);
        // Binary: 1011b.
        if (_pos < _text.Length && _text[_pos] is 'b' or 'B' && (_pos + 1 >= _text.Length || !IsIdentifierPart(_text[_pos + 1])))
        {
            _pos++;
            ulong bin = 0;
            foreach (var d in digits)
            {
                if (d is not ('0' or '1'))
                {
                    throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "A binary value may only contain the digits 0 and 1 before its 'b'.");
                }
                if (bin > (ulong.MaxValue >> 1))
                {
                    throw _source.Error(WbemErrorEnum.wbemErrValueOutOfRange, start, "The binary value does not fit in 64 bits.");
                }
                bin = (bin << 1) | (uint)(d - '0');
            }
            return Integer(start, negative, bin);
        }
        EnsureSeparated(start);
        ulong value = 0;
        // Octal: a leading 0 followed by more digits (DSP0221).
        var radix = digits.Length > 1 && digits[0] == '0' ? 8u : 10u;
        foreach (var d in digits)
        {
            var digit = (uint)(d - '0');
            if (digit >= radix)
            {
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, $"'{d}' is not an octal digit; octal values start with 0 (write the decimal value without a leading zero).");
            }
            if (value > (ulong.MaxValue - digit) / radix)
            {
                throw _source.Error(WbemErrorEnum.wbemErrValueOutOfRange, start, "The integer value does not fit in 64 bits.");
            }
            value = value * radix + digit;
        }
        return Integer(start, negative, value);
    }

    private void EnsureSeparated(int start)
    {
        if (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
        {
            throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start,
                $"Malformed number '{_text.AsSpan(start, Math.Min(_pos - start + 1, 40))}'.");
        }
    }

    private MofToken Integer(int start, bool negative, ulong magnitude)
    {
        object value;
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                throw _source.Error(WbemErrorEnum.wbemErrValueOutOfRange, start, "The negative value is below the sint64 range.");
            }
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
        }
        else
        {
            value = magnitude <= long.MaxValue ? (long)magnitude : magnitude;
        }
        return new MofToken(MofTokenKind.Integer, start, _pos - start, value);
    }

    private MofToken StringLiteral()
    {
        var start = _pos;
        _pos++;
        var runStart = _pos;
        // Fast path: no escapes, the common case for Description text.
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '"')
            {
                var s = _text.Substring(runStart, _pos - runStart);
                _pos++;
                return new MofToken(MofTokenKind.String, start, _pos - start, s);
            }
            if (c == '\\' || c == '\n' || c == '\r')
            {
                break;
            }
            _pos++;
        }
        _sb.Clear();
        _sb.Append(_text, runStart, _pos - runStart);
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "The string starting here is not closed on its line; end it with '\"' (join long strings by writing several literals).");
            }
            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return new MofToken(MofTokenKind.String, start, _pos - start, _sb.ToString());
            }
            if (c == '\\')
            {
                _sb.Append(Escape());
            }
            else
            {
                _sb.Append(c);
                _pos++;
            }
        }
    }

    private MofToken CharLiteral()
    {
        var start = _pos;
        _pos++;
        if (_pos >= _text.Length || _text[_pos] is '\'' or '\n' or '\r')
        {
            throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "A char16 literal holds exactly one character, as in 'a' or '\\x0041'.");
        }
        char value;
        if (_text[_pos] == '\\')
        {
            value = Escape();
        }
        else
        {
            value = _text[_pos++];
        }
        if (_pos >= _text.Length || _text[_pos] != '\'')
        {
            throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "A char16 literal holds exactly one character and ends with \"'\".");
        }
        _pos++;
        return new MofToken(MofTokenKind.Char, start, _pos - start, value);
    }

    private char Escape()
    {
        var start = _pos;
        _pos++;
        if (_pos >= _text.Length)
        {
            throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "The escape '\\' ends the input.");
        }
        var c = _text[_pos++];
        switch (c)
        {
            case 'b': return '\b';
            case 't': return '\t';
            case 'n': return '\n';
            case 'f': return '\f';
            case 'r': return '\r';
            case '"': return '"';
            case '\'': return '\'';
            case '\\': return '\\';
            case 'x' or 'X':
                var hexStart = _pos;
                while (_pos < _text.Length && _pos - hexStart < 4 && char.IsAsciiHexDigit(_text[_pos]))
                {
                    _pos++;
                }
                if (_pos == hexStart)
                {
                    throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start, "'\\x' must be followed by 1 to 4 hexadecimal digits, as in '\\x00A9'.");
                }
                return (char)ushort.Parse(_text.AsSpan(hexStart, _pos - hexStart), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            default:
                throw _source.Error(WbemErrorEnum.wbemErrInvalidSyntax, start,
                    $"Unknown escape '\\{Printable(c)}'; MOF knows \\b \\t \\n \\f \\r \\\" \\' \\\\ and \\xHHHH.");
        }
    }
}

/// <summary>One MOF text being compiled: its file name and line/column lookup for definitions and errors.</summary>
internal sealed class MofSource
{
    // Definitions are located in increasing offset order, so the lookup continues from the last place it
    // reached (a vectorized newline count) instead of building a line table per file.
    private int _lastOffset;
    private int _lastLine = 1;
    private int _lastLineStart;

    public MofSource(string text, string? file)
    {
        Text = text;
        File = file;
    }

    public string Text { get; }

    public string? File { get; }

    public MofSourceLocation Locate(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        if (offset < _lastOffset)
        {
            _lastOffset = 0;
            _lastLine = 1;
            _lastLineStart = 0;
        }
        var span = Text.AsSpan(_lastOffset, offset - _lastOffset);
        var newLines = span.Count('\n');
        if (newLines > 0)
        {
            _lastLine += newLines;
            _lastLineStart = _lastOffset + span.LastIndexOf('\n') + 1;
        }
        _lastOffset = offset;
        return new MofSourceLocation(File, _lastLine, offset - _lastLineStart + 1);
    }

    public WbemException Error(WbemErrorEnum code, int offset, string message)
    {
        var where = Locate(offset);
        return new WbemException(code, message, where.Line, where.Column, File);
    }
}

namespace Wmix.Wql.Internal;

/// <summary>Words the lexer recognises (case-insensitively) in identifier tokens.</summary>
internal enum WqlKeyword : byte
{
    None,

    // Reserved: never identifiers.
    Select,
    From,
    Where,
    And,
    Or,
    Not,
    Null,
    True,
    False,
    Is,
    Isa,
    Like,

    // Contextual: keywords only where the grammar expects them, identifiers elsewhere.
    Within,
    Group,
    By,
    Having,
    Associators,
    References,
    Of,
}

/// <summary>Identifier and keyword rules shared by the lexer, the parser, the AST constructors and the formatter.</summary>
internal static class WqlSyntax
{
    /// <summary>The class name that makes a SELECT a schema query.</summary>
    public const string MetaClass = "meta_class";

    /// <summary>The only property HAVING may test.</summary>
    public const string NumberOfEvents = "NumberOfEvents";

    public static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    public static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    public static bool IsReserved(WqlKeyword keyword) => keyword is >= WqlKeyword.Select and <= WqlKeyword.Like;

    /// <summary>Classifies an identifier-shaped word.</summary>
    public static WqlKeyword Classify(ReadOnlySpan<char> word)
    {
        switch (word.Length)
        {
            case 2:
                if (Eq(word, "OR")) return WqlKeyword.Or;
                if (Eq(word, "IS")) return WqlKeyword.Is;
                if (Eq(word, "BY")) return WqlKeyword.By;
                if (Eq(word, "OF")) return WqlKeyword.Of;
                break;
            case 3:
                if (Eq(word, "AND")) return WqlKeyword.And;
                if (Eq(word, "NOT")) return WqlKeyword.Not;
                if (Eq(word, "ISA")) return WqlKeyword.Isa;
                break;
            case 4:
                if (Eq(word, "FROM")) return WqlKeyword.From;
                if (Eq(word, "NULL")) return WqlKeyword.Null;
                if (Eq(word, "TRUE")) return WqlKeyword.True;
                if (Eq(word, "LIKE")) return WqlKeyword.Like;
                break;
            case 5:
                if (Eq(word, "WHERE")) return WqlKeyword.Where;
                if (Eq(word, "FALSE")) return WqlKeyword.False;
                if (Eq(word, "GROUP")) return WqlKeyword.Group;
                break;
            case 6:
                if (Eq(word, "SELECT")) return WqlKeyword.Select;
                if (Eq(word, "WITHIN")) return WqlKeyword.Within;
                if (Eq(word, "HAVING")) return WqlKeyword.Having;
                break;
            case 10:
                if (Eq(word, "REFERENCES")) return WqlKeyword.References;
                break;
            case 11:
                if (Eq(word, "ASSOCIATORS")) return WqlKeyword.Associators;
                break;
        }
        return WqlKeyword.None;

        static bool Eq(ReadOnlySpan<char> a, string b) => a.Equals(b, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="name"/> lexes as one identifier token that is not a reserved word.</summary>
    public static bool IsValidIdentifier(string? name)
    {
        if (string.IsNullOrEmpty(name) || !IsIdentifierStart(name[0]))
        {
            return false;
        }
        for (var i = 1; i < name.Length; i++)
        {
            if (!IsIdentifierPart(name[i]))
            {
                return false;
            }
        }
        return !IsReserved(Classify(name));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid identifier.</summary>
    public static string RequireIdentifier(string? name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidIdentifier(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a WQL identifier: use [A-Za-z_][A-Za-z0-9_]* and avoid the reserved words SELECT, FROM, WHERE, AND, OR, NOT, NULL, TRUE, FALSE, IS, ISA and LIKE.",
                paramName);
        }
        return name;
    }

    /// <summary>
    /// True for a string that looks like a DMTF datetime with <c>*</c> fields, e.g. <c>19980416******.000000+***</c>
    /// (shape <c>[0-9*]{14}\.[0-9*]{6}[+\-:][0-9*]{3}</c> with at least one <c>*</c>).
    /// </summary>
    public static bool IsStarredDateTime(string value)
    {
        if (value.Length != 25 || !value.Contains('*', StringComparison.Ordinal))
        {
            return false;
        }
        for (var i = 0; i < 25; i++)
        {
            var c = value[i];
            var ok = i switch
            {
                14 => c == '.',
                21 => c is '+' or '-' or ':',
                _ => char.IsAsciiDigit(c) || c == '*',
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    public static bool IsOrdering(WqlComparisonOperator op) => op is not (WqlComparisonOperator.Equal or WqlComparisonOperator.NotEqual);
}

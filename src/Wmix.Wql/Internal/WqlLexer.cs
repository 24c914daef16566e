using System.Globalization;
using Wmix.Cim;

namespace Wmix.Wql.Internal;

internal enum TokenKind : byte
{
    End,
    Identifier,
    String,
    Integer,
    UnsignedInteger,
    Real,
    Braced,
    Star,
    Comma,
    Dot,
    LeftParen,
    RightParen,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>
/// Turns WQL text into tokens on demand. Strings take <c>\\</c>, <c>\"</c> and <c>\'</c> escapes; any other backslash is
/// kept as a literal backslash together with the character after it. Numbers may carry a sign, be hex (<c>0x1F</c>) or
/// real (<c>1.5</c>, <c>.5</c>, <c>1e3</c>). A <c>{</c> starts a raw object path that ends at the matching <c>}</c>
/// outside quotes.
/// </summary>
internal struct WqlLexer
{
    private readonly string _text;
    private int _pos;

    public WqlLexer(string text)
    {
        _text = text;
        _pos = 0;
    }

    // The current token.
    public TokenKind Kind;
    public int Start;
    public int End;
    public WqlKeyword Keyword;
    public string? StringValue;
    public long IntegerValue;
    public ulong UnsignedValue;
    public double RealValue;

    /// <summary>1-based column of the current token.</summary>
    public readonly int Column => Start + 1;

    public readonly ReadOnlySpan<char> Span => _text.AsSpan(Start, End - Start);

    public void Next()
    {
        var text = _text;
        var pos = _pos;
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
        Start = pos;
        Keyword = WqlKeyword.None;
        StringValue = null;
        if (pos >= text.Length)
        {
            Kind = TokenKind.End;
            End = _pos = pos;
            return;
        }
        var c = text[pos];
        switch (c)
        {
            case '*': Single(TokenKind.Star); return;
            case ',': Single(TokenKind.Comma); return;
            case '(': Single(TokenKind.LeftParen); return;
            case ')': Single(TokenKind.RightParen); return;
            case '=': Single(TokenKind.Equal); return;
            case '<':
                if (At(pos + 1) == '=') { Double(TokenKind.LessOrEqual); return; }
                if (At(pos + 1) == '>') { Double(TokenKind.NotEqual); return; }
                Single(TokenKind.Less);
                return;
            case '>':
                if (At(pos + 1) == '=') { Double(TokenKind.GreaterOrEqual); return; }
                Single(TokenKind.Greater);
                return;
            case '!':
                if (At(pos + 1) == '=') { Double(TokenKind.NotEqual); return; }
                throw Error(pos, "'!' must be followed by '=' (use != or <> for 'not equal').");
            case '"' or '\'':
                LexString(c);
                return;
            case '{':
                LexBraced();
                return;
            case '.':
                if (char.IsAsciiDigit(At(pos + 1))) { LexNumber(); return; }
                Single(TokenKind.Dot);
                return;
            case '+' or '-':
                if (char.IsAsciiDigit(At(pos + 1)) || (At(pos + 1) == '.' && char.IsAsciiDigit(At(pos + 2)))) { LexNumber(); return; }
                throw Error(pos, $"'{c}' is not a WQL operator: WQL has no arithmetic.");
        }
        if (char.IsAsciiDigit(c))
        {
            LexNumber();
            return;
        }
        if (WqlSyntax.IsIdentifierStart(c))
        {
            var end = pos + 1;
            while (end < text.Length && WqlSyntax.IsIdentifierPart(text[end]))
            {
                end++;
            }
            Kind = TokenKind.Identifier;
            End = _pos = end;
            Keyword = WqlSyntax.Classify(text.AsSpan(pos, end - pos));
            return;
        }
        throw Error(pos, $"Unexpected character '{c}'.");
    }

    private readonly char At(int index) => index < _text.Length ? _text[index] : '\0';

    private void Single(TokenKind kind)
    {
        Kind = kind;
        End = _pos = Start + 1;
    }

    private void Double(TokenKind kind)
    {
        Kind = kind;
        End = _pos = Start + 2;
    }

    private void LexString(char quote)
    {
        var text = _text;
        var i = Start + 1;
        var runStart = i;
        System.Text.StringBuilder? builder = null;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                StringValue = builder is null
                    ? text.Substring(runStart, i - runStart)
                    : builder.Append(text, runStart, i - runStart).ToString();
                Kind = TokenKind.String;
                End = _pos = i + 1;
                return;
            }
            if (c == '\\' && i + 1 < text.Length)
            {
                var next = text[i + 1];
                if (next is '\\' or '"' or '\'')
                {
                    builder ??= new System.Text.StringBuilder(i - Start + 16);
                    builder.Append(text, runStart, i - runStart).Append(next);
                    i += 2;
                    runStart = i;
                    continue;
                }
                // Any other escape is not one: the backslash stays, as does the character after it.
                i += 2;
                continue;
            }
            i++;
        }
        throw Error(Start, "Unterminated string constant.");
    }

    private void LexBraced()
    {
        var close = FindClosingBrace(_text, Start + 1);
        if (close < 0)
        {
            throw Error(Start, "'{' without a matching '}'.");
        }
        StringValue = _text.AsSpan(Start + 1, close - Start - 1).Trim().ToString();
        Kind = TokenKind.Braced;
        End = _pos = close + 1;
    }

    /// <summary>
    /// The index of the <c>}</c> that closes a brace whose content starts at <paramref name="from"/>, skipping quoted
    /// text (with backslash escapes) and nested braces; -1 when there is none.
    /// </summary>
    public static int FindClosingBrace(string text, int from)
    {
        var depth = 0;
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"' or '\'':
                    i++;
                    while (i < text.Length && text[i] != c)
                    {
                        if (text[i] == '\\')
                        {
                            i++;
                        }
                        i++;
                    }
                    if (i >= text.Length)
                    {
                        return -1;
                    }
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    if (depth == 0)
                    {
                        return i;
                    }
                    depth--;
                    break;
            }
        }
        return -1;
    }

    private void LexNumber()
    {
        var text = _text;
        var i = Start;
        var negative = false;
        if (text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }
        var digitsStart = i;
        if (text[i] == '0' && (At(i + 1) is 'x' or 'X') && char.IsAsciiHexDigit(At(i + 2)))
        {
            i += 2;
            var hexStart = i;
            while (i < text.Length && char.IsAsciiHexDigit(text[i]))
            {
                i++;
            }
            if (!ulong.TryParse(text.AsSpan(hexStart, i - hexStart), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                throw Error(Start, "Hex constant out of range (more than 64 bits).");
            }
            End = _pos = i;
            SetInteger(negative, hex);
            return;
        }
        var isReal = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (At(i) == '.')
        {
            isReal = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (At(i) is 'e' or 'E')
        {
            var j = i + 1;
            if (At(j) is '+' or '-')
            {
                j++;
            }
            if (!char.IsAsciiDigit(At(j)))
            {
                throw Error(Start, "Malformed exponent in numeric constant.");
            }
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }
            isReal = true;
            i = j;
        }
        End = _pos = i;
        if (isReal)
        {
            var value = double.Parse(text.AsSpan(Start, i - Start), NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsFinite(value))
            {
                throw Error(Start, "Real constant out of range.");
            }
            Kind = TokenKind.Real;
            RealValue = value;
            return;
        }
        if (!ulong.TryParse(text.AsSpan(digitsStart, i - digitsStart), NumberStyles.None, CultureInfo.InvariantCulture, out var magnitude))
        {
            throw Error(Start, "Integer constant out of range (more than 64 bits).");
        }
        SetInteger(negative, magnitude);
    }

    private void SetInteger(bool negative, ulong magnitude)
    {
        if (!negative)
        {
            if (magnitude <= long.MaxValue)
            {
                Kind = TokenKind.Integer;
                IntegerValue = (long)magnitude;
            }
            else
            {
                Kind = TokenKind.UnsignedInteger;
                UnsignedValue = magnitude;
            }
            return;
        }
        if (magnitude > (ulong)long.MaxValue + 1)
        {
            throw Error(Start, "Negative integer constant out of range.");
        }
        Kind = TokenKind.Integer;
        IntegerValue = unchecked(-(long)magnitude);
    }

    /// <summary>The current number token as decimal, exactly (used for time intervals).</summary>
    public readonly decimal NumberAsDecimal()
    {
        switch (Kind)
        {
            case TokenKind.Integer:
                return IntegerValue;
            case TokenKind.UnsignedInteger:
                return UnsignedValue;
            default:
                decimal.TryParse(Span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value);
                return value;
        }
    }

    public static WbemException Error(int index, string message) =>
        new(WbemErrorEnum.wbemErrInvalidQuery, message, 1, index + 1);
}

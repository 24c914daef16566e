using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Wmix.Cim;

// Reading path text. One forward pass over a span, no regex, no exceptions inside; Parse throws at the end.
//
// Decisions (spec §6.1, §8.11):
// * Text starting with two slashes (either kind, mixed) has a server; the server runs to the next slash and is
//   kept as written. IPv6 addresses are accepted plain (\\fe80::1\root) or in brackets (\\[::1]\root): the server
//   ends at a slash, so its colons are unambiguous. '%' is allowed there for zone ids and is not decoded.
// * Without a server, a leading run of name characters and slashes ending in ':' is the namespace; such a run
//   with a slash and nothing after it is a namespace path (root\cimv2); anything else is a relative path, so
//   a bare name (Win32_Process, and also root) is a class path.
// * Integers are signed decimal or 0x hexadecimal, stored as long (ulong above long.MaxValue), i.e. decimal.
//   A number with a fraction or exponent is a double, so float and double keys round-trip.
// * URL escapes: inside quoted values %XX with XX below 0x80 is decoded (that is how non-printing characters
//   are written); any other '%' is literal, so "100%" reads as written. Names never contain '%'.
// * Inside quotes a backslash takes the next character literally (\" \' \\ and also \x for any x).
public sealed partial class CimObjectPath
{
    private const string WhitespaceMessage = "whitespace is not allowed in an object path outside quoted strings; remove it";
    private const string ValueMessage = "expected a key value: a quoted string, an integer, TRUE or FALSE";

    /// <summary>Reads a namespace, class or instance path.</summary>
    /// <param name="text">The path text, at most <see cref="MaxLength"/> characters.</param>
    /// <returns>The path.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="WbemException">
    /// <see cref="WbemErrorEnum.wbemErrInvalidObjectPath"/>: the text is empty, too long, or not path syntax;
    /// <see cref="WbemException.Line"/> is 1 and <see cref="WbemException.Column"/> the 1-based column of the fault.
    /// </exception>
    public static CimObjectPath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParseCore(text, out var path, out int errorIndex, out var error))
        {
            return path;
        }
        throw new WbemException(WbemErrorEnum.wbemErrInvalidObjectPath, "invalid object path: " + error, 1, errorIndex + 1);
    }

    /// <summary>Reads a path like <see cref="Parse"/>, returning false instead of throwing.</summary>
    /// <param name="text">The path text; null gives false.</param>
    /// <param name="path">The path, when the result is true.</param>
    /// <returns>True when <paramref name="text"/> is a valid path.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CimObjectPath? path)
    {
        if (text is null)
        {
            path = null;
            return false;
        }
        return TryParseCore(text, out path, out _, out _);
    }

    private static bool TryParseCore(string text, [NotNullWhen(true)] out CimObjectPath? path, out int errorIndex, [NotNullWhen(false)] out string? error)
    {
        path = null;
        ReadOnlySpan<char> s = text;
        if (s.Length == 0)
        {
            return Fail(0, "the path is empty; give a namespace, class or instance path", out errorIndex, out error);
        }
        if (s.Length > MaxLength)
        {
            return Fail(MaxLength, $"the path is longer than {MaxLength} characters (WBEM_MAX_PATH)", out errorIndex, out error);
        }

        int pos = 0;
        string? server = null;
        string? ns = null;
        if (s.Length >= 2 && IsSlash(s[0]) && IsSlash(s[1]))
        {
            pos = 2;
            while (pos < s.Length && !IsSlash(s[pos]))
            {
                pos++;
            }
            int bad = ValidateServer(s[2..pos]);
            if (bad >= 0)
            {
                return Fail(2 + bad, pos == 2 ? "expected a server name after the two slashes; use '.' for the local computer"
                    : CharMessage(s[2 + bad], "not allowed in a server name"), out errorIndex, out error);
            }
            if (pos == s.Length)
            {
                return Fail(pos, "expected '\\' and a namespace after the server name", out errorIndex, out error);
            }
            server = text[2..pos];
            pos++;
            int nsStart = pos;
            if (!ScanNamespace(s, ref pos, out errorIndex, out error))
            {
                return false;
            }
            ns = NormaliseNamespace(text[nsStart..pos]);
            if (pos == s.Length)
            {
                path = new CimObjectPath(server, ns, null, s_noKeys, false, trusted: true);
                return true;
            }
            pos++; // ':'
        }
        else
        {
            int j = 0;
            bool slash = false;
            while (j < s.Length && (IsNamespaceChar(s[j]) || IsSlash(s[j])))
            {
                slash |= IsSlash(s[j]);
                j++;
            }
            if ((j < s.Length && s[j] == ':') || slash)
            {
                if (!ScanNamespace(s, ref pos, out errorIndex, out error))
                {
                    return false;
                }
                ns = NormaliseNamespace(text[..pos]);
                if (pos == s.Length)
                {
                    path = new CimObjectPath(null, ns, null, s_noKeys, false, trusted: true);
                    return true;
                }
                pos++; // ':'
            }
        }

        return ParseRelative(text, pos, server, ns, out path, out errorIndex, out error);
    }

    private static bool ParseRelative(string text, int pos, string? server, string? ns, [NotNullWhen(true)] out CimObjectPath? path, out int errorIndex, [NotNullWhen(false)] out string? error)
    {
        path = null;
        errorIndex = 0;
        error = null;
        ReadOnlySpan<char> s = text;
        int start = pos;
        if (!ScanIdentifier(s, ref pos))
        {
            return Fail(pos, pos < s.Length ? CharMessage(s[pos], "expected a class name") : "expected a class name", out errorIndex, out error);
        }
        string className = text[start..pos];
        if (pos == s.Length)
        {
            path = new CimObjectPath(server, ns, className, s_noKeys, false, trusted: true);
            return true;
        }

        if (s[pos] == '=')
        {
            pos++;
            if (pos < s.Length && s[pos] == '@')
            {
                pos++;
                if (pos != s.Length)
                {
                    return Fail(pos, CharMessage(s[pos], "expected the end of the path after '=@'"), out errorIndex, out error);
                }
                path = new CimObjectPath(server, ns, className, s_noKeys, true, trusted: true);
                return true;
            }
            if (!ParseValue(text, ref pos, out var value, out errorIndex, out error))
            {
                return false;
            }
            if (pos != s.Length)
            {
                return Fail(pos, s[pos] == ','
                    ? "an unnamed key (Class=value) must be the only key; name each key: Class.Key1=value,Key2=value"
                    : CharMessage(s[pos], "expected the end of the path after the key value"), out errorIndex, out error);
            }
            path = new CimObjectPath(server, ns, className, [new CimKeyBinding(string.Empty, value)], false, trusted: true);
            return true;
        }
        if (s[pos] != '.')
        {
            return Fail(pos, CharMessage(s[pos], "expected '.', '=' or the end of the path after the class name"), out errorIndex, out error);
        }

        var keys = new CimKeyBinding[2];
        int count = 0;
        while (true)
        {
            pos++; // '.' or ','
            int nameStart = pos;
            if (!ScanIdentifier(s, ref pos))
            {
                return Fail(pos, pos < s.Length ? CharMessage(s[pos], "expected a key property name") : "expected a key property name", out errorIndex, out error);
            }
            var name = s[nameStart..pos];
            for (int i = 0; i < count; i++)
            {
                if (name.Equals(keys[i].Name, StringComparison.OrdinalIgnoreCase))
                {
                    return Fail(nameStart, $"the key '{name}' is given twice", out errorIndex, out error);
                }
            }
            if (pos == s.Length || s[pos] != '=')
            {
                return Fail(pos, pos < s.Length ? CharMessage(s[pos], "expected '=' after the key name") : "expected '=' after the key name", out errorIndex, out error);
            }
            pos++;
            if (pos < s.Length && s[pos] == '@')
            {
                return Fail(pos, "'@' is only valid as Class=@ for a singleton", out errorIndex, out error);
            }
            if (!ParseValue(text, ref pos, out var value, out errorIndex, out error))
            {
                return false;
            }
            if (count == keys.Length)
            {
                Array.Resize(ref keys, count * 2);
            }
            keys[count++] = new CimKeyBinding(text[nameStart..(nameStart + name.Length)], value);
            if (pos == s.Length)
            {
                break;
            }
            if (s[pos] != ',')
            {
                return Fail(pos, CharMessage(s[pos], "expected ',' or the end of the path after the key value"), out errorIndex, out error);
            }
        }
        if (count != keys.Length)
        {
            Array.Resize(ref keys, count);
        }
        path = new CimObjectPath(server, ns, className, keys, false, trusted: true);
        return true;
    }

    private static bool ParseValue(string text, ref int pos, [NotNullWhen(true)] out object? value, out int errorIndex, [NotNullWhen(false)] out string? error)
    {
        value = null;
        ReadOnlySpan<char> s = text;
        if (pos == s.Length)
        {
            return Fail(pos, ValueMessage, out errorIndex, out error);
        }
        char c = s[pos];
        if (c is '"' or '\'')
        {
            return ParseQuoted(text, ref pos, out value, out errorIndex, out error);
        }
        if (c == '-' || char.IsAsciiDigit(c))
        {
            return ParseNumber(s, ref pos, out value, out errorIndex, out error);
        }
        if (char.IsAsciiLetter(c))
        {
            int start = pos;
            while (pos < s.Length && char.IsAsciiLetter(s[pos]))
            {
                pos++;
            }
            var word = s[start..pos];
            if (word.Equals("TRUE", StringComparison.OrdinalIgnoreCase))
            {
                value = s_true;
            }
            else if (word.Equals("FALSE", StringComparison.OrdinalIgnoreCase))
            {
                value = s_false;
            }
            else
            {
                return Fail(start, ValueMessage, out errorIndex, out error);
            }
            errorIndex = 0;
            error = null;
            return true;
        }
        return Fail(pos, CharMessage(c, ValueMessage), out errorIndex, out error);
    }

    private static readonly object s_true = true;
    private static readonly object s_false = false;

    private static bool ParseQuoted(string text, ref int pos, [NotNullWhen(true)] out object? value, out int errorIndex, [NotNullWhen(false)] out string? error)
    {
        value = null;
        ReadOnlySpan<char> s = text;
        char quote = s[pos];
        int open = pos++;
        int contentStart = pos;
        bool plain = true;
        while (pos < s.Length)
        {
            char c = s[pos];
            if (c == quote)
            {
                break;
            }
            if (c == '\\')
            {
                plain = false;
                pos += 2;
                continue;
            }
            if (c == '%')
            {
                plain = false;
            }
            pos++;
        }
        if (pos >= s.Length)
        {
            pos = s.Length;
            return Fail(open, $"unterminated string; close it with {quote} and escape quotes inside it as \\{quote}", out errorIndex, out error);
        }
        value = plain ? text[contentStart..pos] : Unescape(s[contentStart..pos]);
        pos++;
        errorIndex = 0;
        error = null;
        return true;
    }

    private static string Unescape(ReadOnlySpan<char> content)
    {
        char[]? rented = null;
        Span<char> buffer = content.Length <= 256 ? stackalloc char[256] : (rented = ArrayPool<char>.Shared.Rent(content.Length));
        int n = 0;
        for (int i = 0; i < content.Length; i++)
        {
            char c = content[i];
            if (c == '\\')
            {
                c = content[++i]; // the scan guarantees a character follows
            }
            else if (c == '%' && TryDecodePercent(content, i, out char decoded))
            {
                c = decoded;
                i += 2;
            }
            buffer[n++] = c;
        }
        var result = new string(buffer[..n]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
        return result;
    }

    // %XX with XX below 0x80; anything else leaves '%' literal.
    internal static bool TryDecodePercent(ReadOnlySpan<char> s, int i, out char decoded)
    {
        decoded = '\0';
        if (i + 2 >= s.Length)
        {
            return false;
        }
        int hi = HexValue(s[i + 1]);
        int lo = HexValue(s[i + 2]);
        if (hi < 0 || lo < 0 || hi >= 8)
        {
            return false;
        }
        decoded = (char)((hi << 4) | lo);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool ParseNumber(ReadOnlySpan<char> s, ref int pos, [NotNullWhen(true)] out object? value, out int errorIndex, [NotNullWhen(false)] out string? error)
    {
        value = null;
        int start = pos;
        bool negative = s[pos] == '-';
        if (negative)
        {
            pos++;
        }
        if (pos + 1 < s.Length && s[pos] == '0' && (s[pos + 1] | 0x20) == 'x')
        {
            pos += 2;
            int hexStart = pos;
            while (pos < s.Length && char.IsAsciiHexDigit(s[pos]))
            {
                pos++;
            }
            if (pos == hexStart)
            {
                return Fail(pos, "expected hexadecimal digits after 0x", out errorIndex, out error);
            }
            if (!ulong.TryParse(s[hexStart..pos], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong magnitude)
                || (negative && magnitude > 1UL << 63))
            {
                return Fail(start, "the integer is out of range for a 64-bit key", out errorIndex, out error);
            }
            value = negative ? unchecked(-(long)magnitude) : magnitude <= long.MaxValue ? (long)magnitude : magnitude;
            errorIndex = 0;
            error = null;
            return true;
        }

        int digits = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }
        if (pos == digits)
        {
            return Fail(pos, "expected digits after '-'", out errorIndex, out error);
        }
        bool real = false;
        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            int fraction = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
            if (pos == fraction)
            {
                return Fail(pos, "expected digits after the decimal point", out errorIndex, out error);
            }
            real = true;
        }
        if (pos < s.Length && (s[pos] | 0x20) == 'e')
        {
            pos++;
            if (pos < s.Length && s[pos] is '+' or '-')
            {
                pos++;
            }
            int exponent = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
            if (pos == exponent)
            {
                return Fail(pos, "expected exponent digits", out errorIndex, out error);
            }
            real = true;
        }

        var number = s[start..pos];
        if (real)
        {
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
            {
                return Fail(start, "the number is out of range", out errorIndex, out error);
            }
            value = d;
        }
        else if (negative)
        {
            if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                return Fail(start, "the integer is out of range for a 64-bit key", out errorIndex, out error);
            }
            value = l;
        }
        else
        {
            if (!ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u))
            {
                return Fail(start, "the integer is out of range for a 64-bit key", out errorIndex, out error);
            }
            value = u <= long.MaxValue ? (long)u : u;
        }
        errorIndex = 0;
        error = null;
        return true;
    }

    // Namespace elements separated by single slashes; stops at ':' or the end. Error index is absolute.
    private static bool ScanNamespace(ReadOnlySpan<char> s, ref int pos, out int errorIndex, [NotNullWhen(false)] out string? error)
    {
        while (true)
        {
            int start = pos;
            while (pos < s.Length && IsNamespaceChar(s[pos]))
            {
                pos++;
            }
            if (pos == start)
            {
                return Fail(pos, pos < s.Length && !IsSlash(s[pos]) && s[pos] != ':'
                    ? CharMessage(s[pos], "not allowed in a namespace name")
                    : "empty namespace element; separate names with a single '\\'", out errorIndex, out error);
            }
            if (pos == s.Length || s[pos] == ':')
            {
                errorIndex = 0;
                error = null;
                return true;
            }
            if (!IsSlash(s[pos]))
            {
                return Fail(pos, CharMessage(s[pos], "not allowed in a namespace name"), out errorIndex, out error);
            }
            pos++;
        }
    }

    private static bool ScanIdentifier(ReadOnlySpan<char> s, ref int pos)
    {
        if (pos == s.Length || !IsIdentifierStart(s[pos]))
        {
            return false;
        }
        pos++;
        while (pos < s.Length && IsIdentifierPart(s[pos]))
        {
            pos++;
        }
        return true;
    }

    // Index of the first character that makes the name invalid, or -1.
    private static int ValidateIdentifier(ReadOnlySpan<char> name)
    {
        int pos = 0;
        if (!ScanIdentifier(name, ref pos))
        {
            return 0;
        }
        return pos == name.Length ? -1 : pos;
    }

    // Index of the first bad character, 0 for empty, or -1. Brackets only around a whole (IPv6) address.
    private static int ValidateServer(ReadOnlySpan<char> server)
    {
        if (server.IsEmpty)
        {
            return 0;
        }
        bool bracketed = server[0] == '[';
        for (int i = 0; i < server.Length; i++)
        {
            char c = server[i];
            bool ok = c switch
            {
                '[' => i == 0,
                ']' => bracketed && i == server.Length - 1 && i > 1,
                '-' or '_' or '.' or ':' or '%' => true,
                _ => char.IsAsciiLetterOrDigit(c) || (c >= 0x80 && char.IsLetterOrDigit(c)),
            };
            if (!ok)
            {
                return i;
            }
        }
        return bracketed && server[^1] != ']' ? server.Length - 1 : -1;
    }

    private static bool IsSlash(char c) => c is '\\' or '/';

    private static bool IsIdentifierStart(char c) =>
        char.IsAsciiLetter(c) || c == '_' || (c >= 0x80 && char.IsLetter(c));

    private static bool IsIdentifierPart(char c) =>
        char.IsAsciiLetterOrDigit(c) || c == '_' || (c >= 0x80 && char.IsLetterOrDigit(c));

    private static bool IsNamespaceChar(char c) => IsIdentifierPart(c) || c == '-';

    private static string NormaliseNamespace(string ns) => ns.Contains('/', StringComparison.Ordinal) ? ns.Replace('/', '\\') : ns;

    private static string CharMessage(char c, string message) =>
        char.IsWhiteSpace(c) ? WhitespaceMessage : $"'{c}' is unexpected here: {message}";

    private static bool Fail(int index, string message, out int errorIndex, out string error)
    {
        errorIndex = index;
        error = message;
        return false;
    }
}

using System.Buffers;
using System.Globalization;

namespace Wmix.Cim;

// Writing path text, the canonical form and equality.
//
// Display text uses '\' separators, double quotes, decimal integers, TRUE/FALSE and "R" for reals. In a string
// value '\' and '"' are escaped with '\'; control characters are written %XX, and '%' is written %25 only when
// it would otherwise read back as an escape, so ordinary text such as "100%" stays as WMI shows it.
//
// The canonical text lower-cases everything (char.ToLowerInvariant, one code unit at a time), strips IPv6
// brackets from the server, sorts keys by lower-cased name, writes integral reals as integers, and writes a
// string value that parses as a path as that path's canonical text, so a reference key compares as a path.
public sealed partial class CimObjectPath
{
    /// <summary>
    /// The full display text: <c>\\server\namespace:RelativePath</c>, <c>namespace:RelativePath</c>,
    /// <c>RelativePath</c>, or for a namespace path <c>\\server\namespace</c> or <c>namespace</c>.
    /// </summary>
    public override string ToString() => _text ??= FormatFull();

    /// <summary>
    /// The normalised text equality is defined on: names lower-cased, <c>\</c> separators, keys sorted by name,
    /// numbers in decimal, booleans <c>true</c>/<c>false</c>, reference-looking strings normalised as paths.
    /// </summary>
    public string ToCanonicalString() => _canonical ??= FormatCanonical();

    /// <summary>True when both paths name the same thing by WMI's rules; see <see cref="ToCanonicalString"/>.</summary>
    public bool Equals(CimObjectPath? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || other._keys.Length != _keys.Length || other.IsSingleton != IsSingleton
            || other.ClassName?.Length != ClassName?.Length)
        {
            return false;
        }
        return string.Equals(ToCanonicalString(), other.ToCanonicalString(), StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CimObjectPath);

    /// <summary>A hash of <see cref="ToCanonicalString"/>, consistent with <see cref="Equals(CimObjectPath)"/>.</summary>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToCanonicalString());

    /// <summary>True when both are null or both name the same thing.</summary>
    public static bool operator ==(CimObjectPath? left, CimObjectPath? right) => left is null ? right is null : left.Equals(right);

    /// <summary>True unless both are null or both name the same thing.</summary>
    public static bool operator !=(CimObjectPath? left, CimObjectPath? right) => !(left == right);

    private string FormatFull()
    {
        var relative = RelativePath;
        if (Namespace is null)
        {
            return relative;
        }
        var builder = new TextBuilder(stackalloc char[256]);
        AppendLocation(ref builder, canonical: false);
        if (ClassName is not null)
        {
            builder.Append(':');
            builder.Append(relative);
        }
        return builder.ToStringAndDispose();
    }

    private string FormatRelative()
    {
        if (ClassName is null)
        {
            return string.Empty;
        }
        if (_keys.Length == 0 && !IsSingleton)
        {
            return ClassName;
        }
        var builder = new TextBuilder(stackalloc char[256]);
        AppendRelative(ref builder, canonical: false);
        return builder.ToStringAndDispose();
    }

    private string FormatCanonical()
    {
        var builder = new TextBuilder(stackalloc char[256]);
        if (Namespace is not null)
        {
            AppendLocation(ref builder, canonical: true);
            if (ClassName is not null)
            {
                builder.Append(':');
            }
        }
        AppendRelative(ref builder, canonical: true);
        return builder.ToStringAndDispose();
    }

    private void AppendLocation(ref TextBuilder builder, bool canonical)
    {
        if (Server is not null)
        {
            builder.Append('\\');
            builder.Append('\\');
            ReadOnlySpan<char> server = Server;
            if (canonical)
            {
                if (server.Length > 2 && server[0] == '[' && server[^1] == ']')
                {
                    server = server[1..^1];
                }
                builder.AppendLower(server);
            }
            else
            {
                builder.Append(server);
            }
            builder.Append('\\');
        }
        if (canonical)
        {
            builder.AppendLower(Namespace);
        }
        else
        {
            builder.Append(Namespace);
        }
    }

    private void AppendRelative(ref TextBuilder builder, bool canonical)
    {
        if (ClassName is null)
        {
            return;
        }
        AppendName(ref builder, ClassName, canonical);
        if (IsSingleton)
        {
            builder.Append("=@");
            return;
        }
        if (_keys.Length == 0)
        {
            return;
        }
        if (HasUnnamedKey)
        {
            builder.Append('=');
            AppendValue(ref builder, _keys[0].Value, canonical);
            return;
        }

        var keys = _keys;
        if (canonical && keys.Length > 1)
        {
            keys = (CimKeyBinding[])keys.Clone();
            Array.Sort(keys, static (a, b) => CompareLowered(a.Name, b.Name));
        }
        builder.Append('.');
        for (int i = 0; i < keys.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }
            AppendName(ref builder, keys[i].Name, canonical);
            builder.Append('=');
            AppendValue(ref builder, keys[i].Value, canonical);
        }
    }

    private static int CompareLowered(string a, string b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            int d = char.ToLowerInvariant(a[i]) - char.ToLowerInvariant(b[i]);
            if (d != 0)
            {
                return d;
            }
        }
        return a.Length - b.Length;
    }

    private static void AppendName(ref TextBuilder builder, string name, bool canonical)
    {
        if (canonical)
        {
            builder.AppendLower(name);
        }
        else
        {
            builder.Append(name);
        }
    }

    private static void AppendValue(ref TextBuilder builder, object value, bool canonical)
    {
        switch (value)
        {
            case string s:
                if (canonical)
                {
                    AppendCanonicalString(ref builder, s);
                }
                else
                {
                    AppendQuoted(ref builder, s, lower: false);
                }
                break;
            case char c:
                if (canonical)
                {
                    AppendCanonicalString(ref builder, c.ToString());
                }
                else
                {
                    AppendQuoted(ref builder, [c], lower: false);
                }
                break;
            case CimObjectPath p:
                AppendQuoted(ref builder, canonical ? p.ToCanonicalString() : p.ToString(), lower: false);
                break;
            case bool b:
                builder.Append(canonical ? (b ? "true" : "false") : (b ? "TRUE" : "FALSE"));
                break;
            case double d:
                AppendReal(ref builder, d, canonical);
                break;
            case float f:
                // Written as the double its shortest text reads back as, so formatting is stable across a round trip
                // (float "R" would switch to exponent form sooner than double does).
                AppendReal(ref builder, double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), canonical);
                break;
            case long l:
                builder.AppendFormatted(l, null);
                break;
            case ulong u:
                builder.AppendFormatted(u, null);
                break;
            case int i:
                builder.AppendFormatted(i, null);
                break;
            case uint ui:
                builder.AppendFormatted(ui, null);
                break;
            case short sh:
                builder.AppendFormatted(sh, null);
                break;
            case ushort us:
                builder.AppendFormatted(us, null);
                break;
            case sbyte sb:
                builder.AppendFormatted(sb, null);
                break;
            case byte by:
                builder.AppendFormatted(by, null);
                break;
            default:
                // The constructor admits only the types above.
                throw new InvalidOperationException($"Unsupported key value type {value.GetType()}.");
        }
    }

    private static void AppendReal(ref TextBuilder builder, double d, bool canonical)
    {
        // An integral real is written as its exact integer, in display text too: its shortest "R" text can drop
        // digits above 2^53 (1.844674407370955E+16 for 18446744073709552), and that text reads back as a different
        // integer, so a round trip would change the key.
        if (double.IsInteger(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
        {
            builder.AppendFormatted((long)d, null);
        }
        else
        {
            // -0 would read back as the integer 0, so it is written as 0 to keep formatting stable.
            builder.AppendFormatted(d == 0 ? 0d : d, "R");
        }
    }

    private static void AppendCanonicalString(ref TextBuilder builder, string s)
    {
        // Only text with path punctuation can canonicalise differently from its lower-cased self.
        if (s.AsSpan().IndexOfAny(PathPunctuation) >= 0 && TryParseCore(s, out var path, out _, out _))
        {
            AppendQuoted(ref builder, path.ToCanonicalString(), lower: false);
        }
        else
        {
            AppendQuoted(ref builder, s, lower: true);
        }
    }

    private static readonly SearchValues<char> PathPunctuation = SearchValues.Create(".=:\\/");

    private static void AppendQuoted(ref TextBuilder builder, scoped ReadOnlySpan<char> s, bool lower)
    {
        builder.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '"' or '\\')
            {
                builder.Append('\\');
                builder.Append(c);
            }
            else if (c < 0x20 || c == 0x7F || (c == '%' && TryDecodePercent(s, i, out _)))
            {
                builder.Append('%');
                builder.Append(HexDigit(c >> 4));
                builder.Append(HexDigit(c & 0xF));
            }
            else
            {
                builder.Append(lower ? char.ToLowerInvariant(c) : c);
            }
        }
        builder.Append('"');
    }

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);

    /// <summary>A growable character buffer that starts on the stack and rents from the pool beyond it.</summary>
    private ref struct TextBuilder
    {
        private Span<char> _buffer;
        private char[]? _rented;
        private int _length;

        public TextBuilder(Span<char> initial)
        {
            _buffer = initial;
            _rented = null;
            _length = 0;
        }

        public void Append(char c)
        {
            if (_length == _buffer.Length)
            {
                Grow(1);
            }
            _buffer[_length++] = c;
        }

        public void Append(ReadOnlySpan<char> s)
        {
            if (_length + s.Length > _buffer.Length)
            {
                Grow(s.Length);
            }
            s.CopyTo(_buffer[_length..]);
            _length += s.Length;
        }

        public void AppendLower(ReadOnlySpan<char> s)
        {
            if (_length + s.Length > _buffer.Length)
            {
                Grow(s.Length);
            }
            var target = _buffer.Slice(_length, s.Length);
            for (int i = 0; i < s.Length; i++)
            {
                target[i] = char.ToLowerInvariant(s[i]);
            }
            _length += s.Length;
        }

        public void AppendFormatted<T>(T value, string? format)
            where T : ISpanFormattable
        {
            int written;
            while (!value.TryFormat(_buffer[_length..], out written, format, CultureInfo.InvariantCulture))
            {
                Grow(64);
            }
            _length += written;
        }

        public string ToStringAndDispose()
        {
            var result = new string(_buffer[.._length]);
            if (_rented is not null)
            {
                ArrayPool<char>.Shared.Return(_rented);
                _rented = null;
            }
            return result;
        }

        private void Grow(int needed)
        {
            var next = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
            _buffer[.._length].CopyTo(next);
            if (_rented is not null)
            {
                ArrayPool<char>.Shared.Return(_rented);
            }
            _rented = next;
            _buffer = next;
        }
    }
}

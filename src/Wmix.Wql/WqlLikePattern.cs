using Wmix.Cim;

namespace Wmix.Wql;

/// <summary>
/// A compiled WQL LIKE pattern: <c>%</c> any run of characters, <c>_</c> one character, <c>[a-f]</c> / <c>[abc]</c>
/// one character in the range or set, <c>[^…]</c> one character outside it. Matching is case-insensitive
/// (ordinal, invariant upper/lower case) and never backtracks exponentially.
/// </summary>
/// <remarks>
/// Inside brackets a <c>]</c> right after <c>[</c> or <c>[^</c> is a member, and so is a <c>-</c> at either end.
/// A range whose ends are reversed (<c>[z-a]</c>) matches nothing. A <c>^</c> outside the first bracket position is an
/// ordinary character. Instances compare equal when their pattern text is equal (ordinal).
/// </remarks>
public sealed class WqlLikePattern : IEquatable<WqlLikePattern>
{
    private readonly Element[] _elements;
    private readonly int _minLength;

    private WqlLikePattern(string pattern, Element[] elements)
    {
        Pattern = pattern;
        _elements = elements;
        foreach (var e in elements)
        {
            if (e.Kind != ElementKind.AnyRun)
            {
                _minLength++;
            }
        }
    }

    /// <summary>The pattern text as written (unescaped WQL string).</summary>
    public string Pattern { get; }

    /// <summary>Compiles <paramref name="pattern"/>.</summary>
    /// <exception cref="WbemException"><c>wbemErrInvalidQuery</c> for an unclosed <c>[</c>; the column is the 1-based position of that <c>[</c> in the pattern.</exception>
    public static WqlLikePattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (!TryParse(pattern, out var result, out var errorIndex))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "LIKE pattern has a '[' without a closing ']'.", 1, errorIndex + 1);
        }
        return result;
    }

    /// <summary>Compiles <paramref name="pattern"/>, or reports the index of the unclosed <c>[</c>.</summary>
    internal static bool TryParse(string pattern, out WqlLikePattern result, out int errorIndex)
    {
        var elements = new List<Element>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '%':
                    // A run of %s is one %: keeps the matcher's work bounded.
                    if (elements.Count == 0 || elements[^1].Kind != ElementKind.AnyRun)
                    {
                        elements.Add(new Element(ElementKind.AnyRun));
                    }
                    break;
                case '_':
                    elements.Add(new Element(ElementKind.AnyOne));
                    break;
                case '[':
                    var close = ParseSet(pattern, i, out var set);
                    if (close < 0)
                    {
                        result = null!;
                        errorIndex = i;
                        return false;
                    }
                    elements.Add(set);
                    i = close;
                    break;
                default:
                    elements.Add(new Element(ElementKind.Literal) { Upper = char.ToUpperInvariant(c), Lower = char.ToLowerInvariant(c) });
                    break;
            }
        }
        result = new WqlLikePattern(pattern, [.. elements]);
        errorIndex = -1;
        return true;
    }

    /// <summary>Parses the bracket expression opening at <paramref name="open"/>; returns the index of its <c>]</c>, or -1.</summary>
    private static int ParseSet(string pattern, int open, out Element set)
    {
        var i = open + 1;
        var negated = i < pattern.Length && pattern[i] == '^';
        if (negated)
        {
            i++;
        }
        var first = i;
        var ranges = new List<(char Low, char High)>();
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == ']' && i > first)
            {
                set = Element.Set(negated, [.. ranges]);
                return i;
            }
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                ranges.Add((c, pattern[i + 2]));
                i += 3;
            }
            else
            {
                ranges.Add((c, c));
                i++;
            }
        }
        set = default;
        return -1;
    }

    /// <summary>True when the whole of <paramref name="text"/> matches the pattern.</summary>
    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (text.Length < _minLength)
        {
            return false;
        }
        var elements = _elements;
        int t = 0, p = 0, starP = -1, starT = 0;
        // Greedy scan; on a mismatch, retry from the last % one character further on. Each % restarts the retry
        // point, so the work is O(|text| * |pattern|) at worst, never exponential.
        while (t < text.Length)
        {
            if (p < elements.Length)
            {
                ref readonly var e = ref elements[p];
                if (e.Kind == ElementKind.AnyRun)
                {
                    if (p == elements.Length - 1)
                    {
                        // A trailing % takes whatever is left.
                        return true;
                    }
                    starP = p++;
                    starT = t;
                    continue;
                }
                if (e.Matches(text[t]))
                {
                    p++;
                    t++;
                    continue;
                }
            }
            if (starP < 0)
            {
                return false;
            }
            p = starP + 1;
            t = ++starT;
        }
        while (p < elements.Length && elements[p].Kind == ElementKind.AnyRun)
        {
            p++;
        }
        return p == elements.Length;
    }

    /// <summary>The pattern text.</summary>
    public override string ToString() => Pattern;

    /// <inheritdoc />
    public bool Equals(WqlLikePattern? other) => other is not null && string.Equals(Pattern, other.Pattern, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WqlLikePattern other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Pattern);

    private enum ElementKind : byte
    {
        Literal,
        AnyOne,
        AnyRun,
        InSet,
        NotInSet,
    }

    private readonly struct Element(ElementKind kind)
    {
        public ElementKind Kind { get; } = kind;

        public char Upper { get; init; }

        public char Lower { get; init; }

        public (char Low, char High)[]? Ranges { get; init; }

        // Membership of the ASCII characters (case variants folded in), precomputed so most tests are one bit test.
        private ulong AsciiLow { get; init; }

        private ulong AsciiHigh { get; init; }

        public static Element Set(bool negated, (char Low, char High)[] ranges)
        {
            var element = new Element(negated ? ElementKind.NotInSet : ElementKind.InSet) { Ranges = ranges };
            ulong low = 0, high = 0;
            for (var c = (char)0; c < 128; c++)
            {
                if (element.InSetSlow(c))
                {
                    if (c < 64)
                    {
                        low |= 1UL << c;
                    }
                    else
                    {
                        high |= 1UL << (c - 64);
                    }
                }
            }
            return element with { AsciiLow = low, AsciiHigh = high };
        }

        public bool Matches(char c)
        {
            switch (Kind)
            {
                case ElementKind.Literal:
                    return c == Upper || c == Lower || char.ToUpperInvariant(c) == Upper;
                case ElementKind.AnyOne:
                    return true;
                default:
                    var inSet = c < 64 ? (AsciiLow & (1UL << c)) != 0
                        : c < 128 ? (AsciiHigh & (1UL << (c - 64))) != 0
                        : InSetSlow(c);
                    return inSet == (Kind == ElementKind.InSet);
            }
        }

        private bool InSetSlow(char c) => InRanges(c) || InRanges(char.ToUpperInvariant(c)) || InRanges(char.ToLowerInvariant(c));

        private bool InRanges(char c)
        {
            foreach (var (low, high) in Ranges!)
            {
                if (c >= low && c <= high)
                {
                    return true;
                }
            }
            return false;
        }
    }
}

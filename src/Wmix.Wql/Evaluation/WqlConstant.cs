using System.Globalization;
using Wmix.Cim;

namespace Wmix.Wql.Evaluation;

/// <summary>How a constant reads as a number.</summary>
internal enum WqlNumberKind : byte
{
    /// <summary>Not a number (a non-numeric string).</summary>
    None,

    /// <summary>An integer, held exactly in <see cref="WqlConstant.Integer"/>.</summary>
    Integer,

    /// <summary>A real, in <see cref="WqlConstant.Real"/>.</summary>
    Real,
}

/// <summary>
/// A WHERE constant converted, once, to every CIM type it can stand for, so evaluation never parses or boxes.
/// </summary>
/// <remarks>
/// Conversions (WMI coerces the constant to the property's type; these are our exact rules):
/// <list type="bullet">
/// <item>Numbers: integer literals exactly (<see cref="Int128"/> holds both sint64 and uint64); reals as doubles; a
/// string that reads as a decimal (or <c>0x</c> hex) integer or an invariant-culture real counts as that number;
/// TRUE and FALSE are 1 and 0.</item>
/// <item>Booleans: TRUE/FALSE; any number is true unless zero (so <c>= 1</c> and <c>= -1</c> both mean TRUE, spec
/// §8.5); the strings "TRUE"/"FALSE" (any case) or a numeric string.</item>
/// <item>Strings, datetimes and references accept only string literals; char16 accepts a one-character string or an
/// integer literal (the UTF-16 code).</item>
/// </list>
/// </remarks>
internal sealed class WqlConstant
{
    private static readonly double s_twoTo127 = Math.Pow(2, 127);

    public WqlConstant(WqlLiteral literal)
    {
        Literal = literal;
        switch (literal.Kind)
        {
            case WqlLiteralKind.String:
                var text = (string)literal.Value!;
                Text = text;
                SetNumber(text);
                Boolean = ParseBoolean(text, Number, Integer, Real);
                HasDateTime = CimDateTime.TryParseWqlLiteral(text, out DateTime);
                if (CimObjectPath.TryParseReference(text, out var path))
                {
                    Path = path;
                    PathIsRelative = path.IsRelative;
                }
                break;
            case WqlLiteralKind.Integer:
                Number = WqlNumberKind.Integer;
                Integer = (long)literal.Value!;
                IsIntegerLiteral = true;
                Boolean = Integer != 0;
                break;
            case WqlLiteralKind.UnsignedInteger:
                Number = WqlNumberKind.Integer;
                Integer = (ulong)literal.Value!;
                IsIntegerLiteral = true;
                Boolean = true;
                break;
            case WqlLiteralKind.Real:
                Number = WqlNumberKind.Real;
                Real = (double)literal.Value!;
                Boolean = Real != 0;
                break;
            case WqlLiteralKind.Boolean:
                Number = WqlNumberKind.Integer;
                Boolean = (bool)literal.Value!;
                Integer = Boolean.Value ? 1 : 0;
                break;
            default:
                break;
        }
        switch (Number)
        {
            case WqlNumberKind.Integer:
                Real = (double)Integer;
                Real32 = (float)Integer;
                break;
            case WqlNumberKind.Real:
                Real32 = (float)Real;
                break;
            default:
                break;
        }
    }

    /// <summary>The literal as parsed.</summary>
    public WqlLiteral Literal { get; }

    /// <summary>The string, for string literals only.</summary>
    public string? Text { get; }

    /// <summary>Whether the constant reads as a number, and which kind.</summary>
    public WqlNumberKind Number { get; private set; }

    /// <summary>The exact integer when <see cref="Number"/> is <see cref="WqlNumberKind.Integer"/>.</summary>
    public Int128 Integer { get; private set; }

    /// <summary>The value as a real64 (rounded to nearest from an integer).</summary>
    public double Real { get; private set; }

    /// <summary>The value as a real32 (rounded to nearest; may be infinite when out of range).</summary>
    public float Real32 { get; private set; }

    /// <summary>True for integer literals (not numeric strings, not booleans): the only numbers char16 takes.</summary>
    public bool IsIntegerLiteral { get; }

    /// <summary>The boolean the constant stands for, or null.</summary>
    public bool? Boolean { get; }

    /// <summary>True when the constant is a datetime literal (DMTF or a WQL date/time form).</summary>
    public bool HasDateTime { get; }

#pragma warning disable CA1051 // A public field so TryParseWqlLiteral can write it with 'out' in the constructor.
    /// <summary>The datetime when <see cref="HasDateTime"/>.</summary>
    public readonly CimDateTime DateTime;
#pragma warning restore CA1051

    /// <summary>The constant as an object path naming a class or instance, or null.</summary>
    public CimObjectPath? Path { get; }

    /// <summary>True when <see cref="Path"/> has neither server nor namespace.</summary>
    public bool PathIsRelative { get; }

    /// <summary>Compares an integer with a finite double exactly (no rounding of either side).</summary>
    public static int CompareExact(Int128 value, double real)
    {
        if (real >= s_twoTo127)
        {
            return -1;
        }
        if (real < -s_twoTo127)
        {
            return 1;
        }
        var floor = Math.Floor(real);
        var c = value.CompareTo((Int128)floor);
        if (c != 0)
        {
            // value < floor(real) <= real, or value >= floor(real) + 1 > real.
            return c;
        }
        return floor == real ? 0 : -1;
    }

    private void SetNumber(string text)
    {
        var s = text.AsSpan().Trim();
        if (s.Length == 0)
        {
            return;
        }
        if (Int128.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            Number = WqlNumberKind.Integer;
            Integer = integer;
            return;
        }
        if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) == 'x' &&
            ulong.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            Number = WqlNumberKind.Integer;
            Integer = hex;
            return;
        }
        if (double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            Number = WqlNumberKind.Real;
            Real = real;
        }
    }

    private static bool? ParseBoolean(string text, WqlNumberKind number, Int128 integer, double real)
    {
        var s = text.AsSpan().Trim();
        if (s.Equals("TRUE", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (s.Equals("FALSE", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return number switch
        {
            WqlNumberKind.Integer => integer != 0,
            WqlNumberKind.Real => real != 0,
            _ => null,
        };
    }
}

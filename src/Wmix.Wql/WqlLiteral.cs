using System.Globalization;

namespace Wmix.Wql;

/// <summary>The type of a <see cref="WqlLiteral"/>, fixed at parse time.</summary>
public enum WqlLiteralKind
{
    /// <summary>A quoted string; <see cref="WqlLiteral.Value"/> is the unescaped <see cref="string"/>.</summary>
    String,

    /// <summary>An integer that fits <see cref="long"/> (decimal or <c>0x</c> hex); the value is a <see cref="long"/>.</summary>
    Integer,

    /// <summary>An integer above <see cref="long.MaxValue"/>; the value is a <see cref="ulong"/>.</summary>
    UnsignedInteger,

    /// <summary>A number with a fraction or exponent; the value is a finite <see cref="double"/>.</summary>
    Real,

    /// <summary>TRUE or FALSE; the value is a <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>NULL; the value is null.</summary>
    Null,
}

/// <summary>A typed WQL constant. Create one with the <c>From…</c> factories or <see cref="Null"/>.</summary>
public sealed record WqlLiteral
{
    private WqlLiteral(WqlLiteralKind kind, object? value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>The NULL constant.</summary>
    public static WqlLiteral Null { get; } = new(WqlLiteralKind.Null, null);

    /// <summary>TRUE.</summary>
    public static WqlLiteral True { get; } = new(WqlLiteralKind.Boolean, true);

    /// <summary>FALSE.</summary>
    public static WqlLiteral False { get; } = new(WqlLiteralKind.Boolean, false);

    /// <summary>What the constant is.</summary>
    public WqlLiteralKind Kind { get; }

    /// <summary>The value, of the CLR type <see cref="Kind"/> names (boxed once, at parse time).</summary>
    public object? Value { get; }

    /// <summary>A string constant holding <paramref name="value"/> (already unescaped).</summary>
    public static WqlLiteral FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(WqlLiteralKind.String, value);
    }

    /// <summary>An integer constant.</summary>
    public static WqlLiteral FromInt64(long value) => new(WqlLiteralKind.Integer, value);

    /// <summary>An unsigned integer constant; values up to <see cref="long.MaxValue"/> become <see cref="WqlLiteralKind.Integer"/>.</summary>
    public static WqlLiteral FromUInt64(ulong value) =>
        value <= long.MaxValue ? new(WqlLiteralKind.Integer, (long)value) : new(WqlLiteralKind.UnsignedInteger, value);

    /// <summary>A real constant.</summary>
    /// <exception cref="ArgumentOutOfRangeException">NaN or an infinity, which WQL cannot spell.</exception>
    public static WqlLiteral FromDouble(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "WQL has no spelling for NaN or infinities.");
        }
        return new(WqlLiteralKind.Real, value);
    }

    /// <summary>TRUE or FALSE.</summary>
    public static WqlLiteral FromBoolean(bool value) => value ? True : False;

    /// <summary>The string value; throws unless <see cref="Kind"/> is <see cref="WqlLiteralKind.String"/>.</summary>
    public string AsString() => Value as string ?? throw WrongKind(WqlLiteralKind.String);

    /// <summary>The value as a double for any numeric kind (and booleans as 1 or 0).</summary>
    public double AsDouble() => Value switch
    {
        long l => l,
        ulong u => u,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw WrongKind(WqlLiteralKind.Real),
    };

    /// <summary>The constant in canonical WQL: double-quoted escaped string, decimal integer, round-trip real, TRUE/FALSE/NULL.</summary>
    public string ToWql() => Kind switch
    {
        WqlLiteralKind.String => Quote((string)Value!),
        WqlLiteralKind.Integer => ((long)Value!).ToString(CultureInfo.InvariantCulture),
        WqlLiteralKind.UnsignedInteger => ((ulong)Value!).ToString(CultureInfo.InvariantCulture),
        WqlLiteralKind.Real => FormatReal((double)Value!),
        WqlLiteralKind.Boolean => (bool)Value! ? "TRUE" : "FALSE",
        _ => "NULL",
    };

    /// <summary>Same as <see cref="ToWql"/>.</summary>
    public override string ToString() => ToWql();

    /// <summary>Quotes <paramref name="value"/> as a WQL string: double quotes, with <c>\</c> and <c>"</c> escaped by a backslash.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', '"') < 0)
        {
            return string.Concat("\"", value, "\"");
        }
        var builder = new System.Text.StringBuilder(value.Length + 8);
        builder.Append('"');
        foreach (var c in value)
        {
            if (c is '\\' or '"')
            {
                builder.Append('\\');
            }
            builder.Append(c);
        }
        return builder.Append('"').ToString();
    }

    private static string FormatReal(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        // Keep the token a real on the way back in: "100" would re-parse as an integer.
        return text.AsSpan().IndexOfAny('.', 'E') >= 0 ? text : text + ".0";
    }

    private InvalidOperationException WrongKind(WqlLiteralKind wanted) =>
        new($"The literal is {Kind}, not {wanted}.");
}

using Wmix.Cim;

namespace Wmix.Wql.Evaluation;

/// <summary>Why a constant or operator cannot be used with a property type (found at compile time).</summary>
internal enum WqlTypeProblem : byte
{
    /// <summary>Fine.</summary>
    None,

    /// <summary>The constant cannot be converted to the property's type.</summary>
    ConstantDoesNotFit,

    /// <summary>The operator is not defined for the property's type.</summary>
    InvalidOperator,
}

/// <summary>
/// Compares a property value with a <see cref="WqlConstant"/> under WMI's rules. One code path serves both
/// compile-time checking (<see cref="Check"/>) and evaluation (<see cref="TryCompare"/>), so a predicate compiled
/// against a class and one compiled without it agree wherever the first compiles.
/// </summary>
internal static class WqlValueComparer
{
    /// <summary>The type a value of unknown declaration (system properties, embedded objects) is compared as.</summary>
    public static CimType InferType(object value) => value switch
    {
        string => CimType.String,
        int => CimType.SInt32,
        uint => CimType.UInt32,
        long => CimType.SInt64,
        ulong => CimType.UInt64,
        short => CimType.SInt16,
        ushort => CimType.UInt16,
        sbyte => CimType.SInt8,
        byte => CimType.UInt8,
        float => CimType.Real32,
        double => CimType.Real64,
        bool => CimType.Boolean,
        char => CimType.Char16,
        CimObject => CimType.Object,
        _ => CimType.None,
    };

    /// <summary>Whether <paramref name="constant"/> can be compared with a <paramref name="type"/> property.</summary>
    public static WqlTypeProblem Check(CimType type, bool ordering, WqlConstant constant)
    {
        switch (type)
        {
            case CimType.None:
                return WqlTypeProblem.None;
            case CimType.SInt8 or CimType.UInt8 or CimType.SInt16 or CimType.UInt16 or CimType.SInt32 or CimType.UInt32
                or CimType.SInt64 or CimType.UInt64 or CimType.Real32 or CimType.Real64:
                return constant.Number != WqlNumberKind.None ? WqlTypeProblem.None : WqlTypeProblem.ConstantDoesNotFit;
            case CimType.Boolean:
                return ordering ? WqlTypeProblem.InvalidOperator
                    : constant.Boolean is not null ? WqlTypeProblem.None : WqlTypeProblem.ConstantDoesNotFit;
            case CimType.Char16:
                return constant.Text is { Length: 1 } || constant.IsIntegerLiteral ? WqlTypeProblem.None : WqlTypeProblem.ConstantDoesNotFit;
            case CimType.String:
                return constant.Text is not null ? WqlTypeProblem.None : WqlTypeProblem.ConstantDoesNotFit;
            case CimType.DateTime:
                return constant.HasDateTime ? WqlTypeProblem.None : WqlTypeProblem.ConstantDoesNotFit;
            case CimType.Reference:
                return ordering ? WqlTypeProblem.InvalidOperator
                    : constant.Text is not null ? WqlTypeProblem.None : WqlTypeProblem.ConstantDoesNotFit;
            default:
                // Embedded objects take only IS [NOT] NULL and ISA.
                return WqlTypeProblem.InvalidOperator;
        }
    }

    /// <summary>
    /// Compares a non-null <paramref name="value"/> of a <paramref name="type"/> property with the constant.
    /// </summary>
    /// <param name="value">The property value (not null).</param>
    /// <param name="type">The declared type, or <see cref="CimType.None"/> to infer it from the value.</param>
    /// <param name="constant">The constant.</param>
    /// <param name="ordering">True for &lt; &lt;= &gt; &gt;=: types with equality only are then incomparable.</param>
    /// <param name="result">Negative, zero or positive as the value is below, equal to or above the constant; for
    /// equality-only types zero or one.</param>
    /// <returns>False when the two cannot be compared (the comparison is UNKNOWN, so neither it nor its negation holds).</returns>
    public static bool TryCompare(object value, CimType type, WqlConstant constant, bool ordering, out int result)
    {
        if (type == CimType.None)
        {
            type = InferType(value);
        }
        result = 0;
        switch (type)
        {
            case CimType.SInt8 or CimType.UInt8 or CimType.SInt16 or CimType.UInt16 or CimType.SInt32 or CimType.UInt32
                or CimType.SInt64 or CimType.UInt64:
                return TryGetInteger(value, out var integer) && CompareInteger(integer, constant, out result);
            case CimType.Real64:
                if (value is not double d || double.IsNaN(d) || constant.Number == WqlNumberKind.None)
                {
                    return false;
                }
                result = d.CompareTo(constant.Real);
                return true;
            case CimType.Real32:
                if (value is not float f || float.IsNaN(f) || constant.Number == WqlNumberKind.None)
                {
                    return false;
                }
                result = f.CompareTo(constant.Real32);
                return true;
            case CimType.Boolean:
                if (ordering || value is not bool b || constant.Boolean is not { } cb)
                {
                    return false;
                }
                result = b == cb ? 0 : 1;
                return true;
            case CimType.Char16:
                return value is char c && CompareChar(c, constant, out result);
            case CimType.String:
                if (value is not string s || constant.Text is null)
                {
                    return false;
                }
                result = string.Compare(s, constant.Text, StringComparison.OrdinalIgnoreCase);
                return true;
            case CimType.DateTime:
                return value is string dt && CompareDateTime(dt, constant, ordering, out result);
            case CimType.Reference:
                if (ordering || value is not string r || constant.Text is null)
                {
                    return false;
                }
                result = ReferencesEqual(r, constant) ? 0 : 1;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads any CLR integer as an <see cref="Int128"/>.</summary>
    public static bool TryGetInteger(object value, out Int128 integer)
    {
        switch (value)
        {
            case int v: integer = v; return true;
            case uint v: integer = v; return true;
            case long v: integer = v; return true;
            case ulong v: integer = v; return true;
            case short v: integer = v; return true;
            case ushort v: integer = v; return true;
            case sbyte v: integer = v; return true;
            case byte v: integer = v; return true;
            default: integer = 0; return false;
        }
    }

    /// <summary>Compares an integer property value with a numeric constant, exactly.</summary>
    public static bool CompareInteger(Int128 value, WqlConstant constant, out int result)
    {
        switch (constant.Number)
        {
            case WqlNumberKind.Integer:
                result = value.CompareTo(constant.Integer);
                return true;
            case WqlNumberKind.Real:
                result = WqlConstant.CompareExact(value, constant.Real);
                return true;
            default:
                result = 0;
                return false;
        }
    }

    private static bool CompareChar(char c, WqlConstant constant, out int result)
    {
        if (constant.Text is { Length: 1 } text)
        {
            result = new ReadOnlySpan<char>(in c).CompareTo(text, StringComparison.OrdinalIgnoreCase);
            return true;
        }
        if (constant.IsIntegerLiteral)
        {
            result = ((Int128)c).CompareTo(constant.Integer);
            return true;
        }
        result = 0;
        return false;
    }

    private static bool CompareDateTime(string stored, WqlConstant constant, bool ordering, out int result)
    {
        result = 0;
        if (!constant.HasDateTime || !CimDateTime.TryParse(stored.AsSpan(), out var value))
        {
            return false;
        }
        if (CimDateTime.TryCompareChronologically(value, constant.DateTime, out result))
        {
            return true;
        }
        if (ordering)
        {
            // A wildcard or a point against an interval has no order (spec §8.15).
            return false;
        }
        // Starred values compare literally, field by field: "…+***" never equals a stored "…+000" (§8.15).
        result = value.Equals(constant.DateTime) ? 0 : 1;
        return true;
    }

    private static bool ReferencesEqual(string stored, WqlConstant constant)
    {
        if (string.Equals(stored, constant.Text, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (constant.Path is null || !CimObjectPath.TryParseReference(stored, out var path))
        {
            return false;
        }
        // A relative constant names the object wherever the reference points from: compare class and keys only.
        if (constant.PathIsRelative && !path.IsRelative)
        {
            path = path.WithLocation(null, null);
        }
        return path.Equals(constant.Path);
    }
}

using System.Globalization;

namespace Wmix.Cim;

/// <summary>
/// WMI's rules for values: conversion of a CLR value to a declared CIM type, equality, and ordering.
/// </summary>
/// <remarks>
/// Conversion follows what WMI does with a VARIANT assigned to a property: integers of any width convert
/// when they fit (else <see cref="WbemErrorEnum.wbemErrValueOutOfRange"/>); numeric strings convert to numbers
/// (WMI hands 64-bit integers to scripts as strings); integral reals convert to integers; booleans accept
/// numbers (0 is false) and "true"/"false"; strings accept any scalar in invariant form; char16 accepts a
/// one-character string or a code point; datetime accepts DMTF text and .NET date and time values;
/// references accept path text or a <see cref="CimObjectPath"/>. Anything else is
/// <see cref="WbemErrorEnum.wbemErrTypeMismatch"/>. <c>null</c> always converts to null.
/// </remarks>
public static class CimValue
{
    /// <summary>
    /// Converts <paramref name="value"/> to the CLR form of <paramref name="type"/> (an array of it when
    /// <paramref name="isArray"/>). Throws <see cref="WbemException"/> when it cannot.
    /// </summary>
    public static object? Convert(object? value, CimType type, bool isArray)
    {
        if (value is null)
        {
            return null;
        }
        if (!isArray)
        {
            if (value is Array and not byte[] || (value is byte[] && type != CimType.UInt8))
            {
                throw Mismatch(value, type, isArray);
            }
            return ConvertScalar(value, type);
        }
        if (value is not System.Collections.IEnumerable items || value is string)
        {
            throw Mismatch(value, type, isArray);
        }
        var elementType = type.ClrType();
        if (value.GetType().IsArray && value.GetType().GetElementType() == elementType && type != CimType.DateTime
            && type != CimType.Reference && type != CimType.Object)
        {
            return ((Array)value).Clone();
        }
        var list = new List<object?>();
        foreach (var item in items)
        {
            list.Add(item);
        }
        var result = CreateArray(type, list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new WbemException(WbemErrorEnum.wbemErrTypeMismatch, "An array element may not be NULL.");
            }
            result.SetValue(ConvertScalar(list[i]!, type), i);
        }
        return result;
    }

    /// <summary>A new array of the CLR element type of <paramref name="type"/>.</summary>
    public static Array CreateArray(CimType type, int length) => type switch
    {
        CimType.SInt8 => new sbyte[length],
        CimType.UInt8 => new byte[length],
        CimType.SInt16 => new short[length],
        CimType.UInt16 => new ushort[length],
        CimType.SInt32 => new int[length],
        CimType.UInt32 => new uint[length],
        CimType.SInt64 => new long[length],
        CimType.UInt64 => new ulong[length],
        CimType.Real32 => new float[length],
        CimType.Real64 => new double[length],
        CimType.Boolean => new bool[length],
        CimType.Char16 => new char[length],
        CimType.Object => new CimObject[length],
        _ => new string[length],
    };

    /// <summary>Converts a non-null scalar to the CLR form of <paramref name="type"/>.</summary>
    public static object ConvertScalar(object value, CimType type)
    {
        switch (type)
        {
            case CimType.SInt8:
                return (sbyte)ToInteger(value, type, sbyte.MinValue, sbyte.MaxValue);
            case CimType.UInt8:
                return (byte)ToInteger(value, type, byte.MinValue, byte.MaxValue);
            case CimType.SInt16:
                return (short)ToInteger(value, type, short.MinValue, short.MaxValue);
            case CimType.UInt16:
                return (ushort)ToInteger(value, type, ushort.MinValue, ushort.MaxValue);
            case CimType.SInt32:
                return (int)ToInteger(value, type, int.MinValue, int.MaxValue);
            case CimType.UInt32:
                return (uint)ToInteger(value, type, uint.MinValue, uint.MaxValue);
            case CimType.SInt64:
                return (long)ToInteger(value, type, long.MinValue, long.MaxValue);
            case CimType.UInt64:
                return ToUInt64(value);
            case CimType.Real32:
                return (float)ToReal(value, type);
            case CimType.Real64:
                return ToReal(value, type);
            case CimType.Boolean:
                return ToBoolean(value);
            case CimType.String:
                return ToText(value) ?? throw Mismatch(value, type, false);
            case CimType.Char16:
                return value switch
                {
                    char c => c,
                    string { Length: 1 } s => s[0],
                    _ when IsIntegral(value) => (char)ToInteger(value, type, char.MinValue, char.MaxValue),
                    _ => throw Mismatch(value, type, false),
                };
            case CimType.DateTime:
                return ToDateTimeText(value);
            case CimType.Reference:
                return value switch
                {
                    string s => s,
                    CimObjectPath p => p.ToString(),
                    CimObject o when o.Path is { } p => p.ToString(),
                    _ => throw Mismatch(value, type, false),
                };
            case CimType.Object:
                return value as CimObject ?? throw Mismatch(value, type, false);
            default:
                throw Mismatch(value, type, false);
        }
    }

    /// <summary>Infers the CIM type of a CLR value (used for qualifiers and untyped values).</summary>
    public static CimType InferType(object? value, out bool isArray)
    {
        isArray = value is Array and not byte[] || value is byte[];
        var scalar = value;
        if (value is Array array)
        {
            var element = array.GetType().GetElementType()!;
            return element == typeof(object) && array.Length > 0 ? InferType(array.GetValue(0), out _) : InferClrType(element);
        }
        return scalar is null ? CimType.None : InferClrType(scalar.GetType());
    }

    private static CimType InferClrType(Type t) =>
        t == typeof(sbyte) ? CimType.SInt8 :
        t == typeof(byte) ? CimType.UInt8 :
        t == typeof(short) ? CimType.SInt16 :
        t == typeof(ushort) ? CimType.UInt16 :
        t == typeof(int) ? CimType.SInt32 :
        t == typeof(uint) ? CimType.UInt32 :
        t == typeof(long) ? CimType.SInt64 :
        t == typeof(ulong) ? CimType.UInt64 :
        t == typeof(float) ? CimType.Real32 :
        t == typeof(double) ? CimType.Real64 :
        t == typeof(bool) ? CimType.Boolean :
        t == typeof(char) ? CimType.Char16 :
        t == typeof(string) ? CimType.String :
        t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(TimeSpan) || t == typeof(CimDateTime) ? CimType.DateTime :
        t == typeof(CimObjectPath) ? CimType.Reference :
        typeof(CimObject).IsAssignableFrom(t) ? CimType.Object :
        CimType.None;

    /// <summary>
    /// WMI value equality: same type family and equal value; strings compare ordinally, or ignoring case
    /// when <paramref name="ignoreCase"/>; arrays element by element; embedded objects by content.
    /// </summary>
    public static bool AreEqual(object? a, object? b, bool ignoreCase = false)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }
        if (a is string sa && b is string sb)
        {
            return string.Equals(sa, sb, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }
        if (a is Array aa && b is Array ab)
        {
            if (aa.Length != ab.Length)
            {
                return false;
            }
            for (var i = 0; i < aa.Length; i++)
            {
                if (!AreEqual(aa.GetValue(i), ab.GetValue(i), ignoreCase))
                {
                    return false;
                }
            }
            return true;
        }
        if (a is CimObject oa && b is CimObject ob)
        {
            return oa.CompareTo(ob, ignoreCase ? CimComparisonFlags.IgnoreCase : CimComparisonFlags.IncludeAll);
        }
        if (IsIntegral(a) && IsIntegral(b))
        {
            return ToDecimal(a) == ToDecimal(b);
        }
        if (IsNumber(a) && IsNumber(b))
        {
            // NaN equals NaN here: this is value identity (Clone_ then CompareTo_ is true), not IEEE arithmetic.
            var x = System.Convert.ToDouble(a, CultureInfo.InvariantCulture);
            var y = System.Convert.ToDouble(b, CultureInfo.InvariantCulture);
            return x == y || (double.IsNaN(x) && double.IsNaN(y));
        }
        return a.Equals(b);
    }

    /// <summary>A hash consistent with <see cref="AreEqual"/> for scalars (case-insensitive for strings).</summary>
    public static int GetHashCode(object? value) => value switch
    {
        null => 0,
        string s => StringComparer.OrdinalIgnoreCase.GetHashCode(s),
        _ when IsIntegral(value) => ToDecimal(value).GetHashCode(),
        float f => ((double)f).GetHashCode(),
        Array a => a.Length,
        CimObject o => StringComparer.OrdinalIgnoreCase.GetHashCode(o.ClassName),
        _ => value.GetHashCode(),
    };

    /// <summary>Formats a value as a MOF literal (strings quoted and escaped, arrays in braces).</summary>
    public static string ToMofLiteral(object? value, CimType type = CimType.None)
    {
        switch (value)
        {
            case null:
                return "NULL";
            case string s:
                return QuoteMofString(s);
            case char c:
                return "'" + EscapeMof(c.ToString(), '\'') + "'";
            case bool b:
                return b ? "TRUE" : "FALSE";
            case float f:
                return f.ToString("R", CultureInfo.InvariantCulture);
            case double d:
                return d.ToString("R", CultureInfo.InvariantCulture);
            case CimObject o:
                return o.GetObjectText().TrimEnd().TrimEnd(';');
            case Array a:
                var parts = new string[a.Length];
                for (var i = 0; i < a.Length; i++)
                {
                    parts[i] = ToMofLiteral(a.GetValue(i), type);
                }
                return "{" + string.Join(", ", parts) + "}";
            case IFormattable f2:
                return f2.ToString(null, CultureInfo.InvariantCulture);
            default:
                return QuoteMofString(value.ToString() ?? "");
        }
    }

    /// <summary>Quotes a string for MOF with the escapes DSP0221 defines.</summary>
    public static string QuoteMofString(string s) => "\"" + EscapeMof(s, '"') + "\"";

    private static string EscapeMof(string s, char quote)
    {
        var needs = false;
        foreach (var c in s)
        {
            if (c == quote || c == '\\' || c < ' ')
            {
                needs = true;
                break;
            }
        }
        if (!needs)
        {
            return s;
        }
        var sb = new System.Text.StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < ' ')
                    {
                        sb.Append("\\x").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    internal static bool IsIntegral(object v) =>
        v is sbyte or byte or short or ushort or int or uint or long or ulong;

    internal static bool IsNumber(object v) => IsIntegral(v) || v is float or double or decimal;

    private static decimal ToDecimal(object v) => v switch
    {
        ulong u => u,
        _ => System.Convert.ToInt64(v, CultureInfo.InvariantCulture),
    };

    private static long ToInteger(object value, CimType type, long min, long max)
    {
        long result;
        switch (value)
        {
            case ulong u:
                if (u > long.MaxValue)
                {
                    throw OutOfRange(value, type);
                }
                result = (long)u;
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                result = System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
                break;
            case char c:
                result = c;
                break;
            case bool b:
                result = b ? 1 : 0;
                break;
            case float or double or decimal:
                var d = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || Math.Floor(d) != d)
                {
                    throw Mismatch(value, type, false);
                }
                if (d < min || d > max)
                {
                    throw OutOfRange(value, type);
                }
                result = (long)d;
                break;
            case string s:
                if (!TryParseInteger(s, out var parsed, out var unsignedParsed))
                {
                    throw Mismatch(value, type, false);
                }
                if (unsignedParsed is not null)
                {
                    throw OutOfRange(value, type);
                }
                result = parsed;
                break;
            default:
                throw Mismatch(value, type, false);
        }
        if (result < min || result > max)
        {
            throw OutOfRange(value, type);
        }
        return result;
    }

    private static ulong ToUInt64(object value)
    {
        switch (value)
        {
            case ulong u:
                return u;
            case string s:
                if (!TryParseInteger(s, out var parsed, out var unsignedParsed))
                {
                    throw Mismatch(value, CimType.UInt64, false);
                }
                if (unsignedParsed is { } big)
                {
                    return big;
                }
                return parsed >= 0 ? (ulong)parsed : throw OutOfRange(value, CimType.UInt64);
            case float or double or decimal:
                var d = System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsNaN(d) || Math.Floor(d) != d)
                {
                    throw Mismatch(value, CimType.UInt64, false);
                }
                return d is >= 0 and < 18446744073709551616.0 ? (ulong)d : throw OutOfRange(value, CimType.UInt64);
            default:
                return (ulong)ToInteger(value, CimType.UInt64, 0, long.MaxValue);
        }
    }

    /// <summary>Parses decimal or 0x-hex integer text; values above <see cref="long.MaxValue"/> come back unsigned.</summary>
    internal static bool TryParseInteger(string s, out long value, out ulong? unsignedValue)
    {
        unsignedValue = null;
        var t = s.AsSpan().Trim();
        var negative = false;
        if (t.Length > 0 && (t[0] == '-' || t[0] == '+'))
        {
            negative = t[0] == '-';
            t = t[1..];
        }
        ulong magnitude;
        if (t.Length > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
        {
            if (!ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude))
            {
                value = 0;
                return false;
            }
        }
        else if (t.Length == 0 || !char.IsAsciiDigit(t[0]) ||
            !ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude))
        {
            value = 0;
            return false;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                value = 0;
                return false;
            }
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude > long.MaxValue)
        {
            value = 0;
            unsignedValue = magnitude;
            return true;
        }
        value = (long)magnitude;
        return true;
    }

    private static double ToReal(object value, CimType type) => value switch
    {
        float f => f,
        double d => d,
        decimal m => (double)m,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ when IsIntegral(value) => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
        _ => throw Mismatch(value, type, false),
    };

    private static bool ToBoolean(object value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        string s when TryParseInteger(s, out var n, out var u) => n != 0 || u is not null,
        _ when IsNumber(value) => System.Convert.ToDouble(value, CultureInfo.InvariantCulture) != 0,
        _ => throw Mismatch(value, CimType.Boolean, false),
    };

    private static string? ToText(object value) => value switch
    {
        string s => s,
        bool b => b ? "TRUE" : "FALSE",
        char c => c.ToString(),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        CimObjectPath p => p.ToString(),
        CimDateTime t => t.ToString(),
        DateTimeOffset or DateTime or TimeSpan => ToDateTimeText(value),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    private static string ToDateTimeText(object value) => value switch
    {
        string s => CimDateTime.TryParse(s, out var parsed)
            ? parsed.ToString()
            : throw new WbemException(WbemErrorEnum.wbemErrTypeMismatch, $"'{s}' is not a CIM datetime or interval (yyyymmddHHMMSS.mmmmmmsUUU or ddddddddHHMMSS.mmmmmm:000)."),
        CimDateTime t => t.ToString(),
        DateTimeOffset o => CimDateTime.FromDateTimeOffset(o).ToString(),
        DateTime d => CimDateTime.FromDateTime(d).ToString(),
        TimeSpan ts => CimDateTime.FromTimeSpan(ts).ToString(),
        _ => throw Mismatch(value, CimType.DateTime, false),
    };

    private static WbemException Mismatch(object value, CimType type, bool isArray) =>
        new(WbemErrorEnum.wbemErrTypeMismatch,
            $"A value of type {value.GetType().Name} cannot be stored as {type.MofName()}{(isArray ? "[]" : "")}.");

    private static WbemException OutOfRange(object value, CimType type) =>
        new(WbemErrorEnum.wbemErrValueOutOfRange,
            $"The value {System.Convert.ToString(value, CultureInfo.InvariantCulture)} is out of range for {type.MofName()}.");
}

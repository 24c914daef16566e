using System.Globalization;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>
/// Text forms of CIM scalar values on the wire (§1.6): decimal numbers, <c>true</c>/<c>false</c>, xs:float/xs:double
/// text, one-character char16, and datetimes as xs:dateTime / xs:duration (or the raw DMTF string).
/// </summary>
public static class CimXmlValues
{
    /// <summary>The WS-CIM type name (<c>cimUnsignedInt</c>…) written in <c>xsi:type</c> when types are requested.</summary>
    public static string WsCimTypeName(CimType type) => type switch
    {
        CimType.SInt8 => "cimByte",
        CimType.UInt8 => "cimUnsignedByte",
        CimType.SInt16 => "cimShort",
        CimType.UInt16 => "cimUnsignedShort",
        CimType.SInt32 => "cimInt",
        CimType.UInt32 => "cimUnsignedInt",
        CimType.SInt64 => "cimLong",
        CimType.UInt64 => "cimUnsignedLong",
        CimType.Real32 => "cimFloat",
        CimType.Real64 => "cimDouble",
        CimType.Boolean => "cimBoolean",
        CimType.Char16 => "cimChar16",
        CimType.DateTime => "cimDateTime",
        CimType.Reference => "cimReference",
        _ => "cimString",
    };

    /// <summary>The CIM type of a WS-CIM type name, or <see cref="CimType.None"/>.</summary>
    public static CimType FromWsCimTypeName(string name) => name switch
    {
        "cimByte" => CimType.SInt8,
        "cimUnsignedByte" => CimType.UInt8,
        "cimShort" => CimType.SInt16,
        "cimUnsignedShort" => CimType.UInt16,
        "cimInt" => CimType.SInt32,
        "cimUnsignedInt" => CimType.UInt32,
        "cimLong" => CimType.SInt64,
        "cimUnsignedLong" => CimType.UInt64,
        "cimFloat" => CimType.Real32,
        "cimDouble" => CimType.Real64,
        "cimBoolean" => CimType.Boolean,
        "cimChar16" => CimType.Char16,
        "cimDateTime" => CimType.DateTime,
        "cimReference" => CimType.Reference,
        "cimString" => CimType.String,
        _ => CimType.None,
    };

    /// <summary>The wire text of a scalar of a non-datetime, non-reference, non-object type.</summary>
    public static string FormatScalar(object value, CimType type)
    {
        ArgumentNullException.ThrowIfNull(value);
        return type switch
        {
            CimType.Boolean => (bool)CimValue.ConvertScalar(value, CimType.Boolean) ? "true" : "false",
            CimType.Real32 => FormatReal((float)CimValue.ConvertScalar(value, CimType.Real32)),
            CimType.Real64 => FormatReal((double)CimValue.ConvertScalar(value, CimType.Real64)),
            CimType.Char16 => ((char)CimValue.ConvertScalar(value, CimType.Char16)).ToString(),
            CimType.String or CimType.DateTime or CimType.Reference => value.ToString() ?? "",
            CimType.None => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
            _ => Convert.ToString(CimValue.ConvertScalar(value, type), CultureInfo.InvariantCulture) ?? "",
        };
    }

    private static string FormatReal(double d) => double.IsNaN(d) ? "NaN"
        : double.IsPositiveInfinity(d) ? "INF"
        : double.IsNegativeInfinity(d) ? "-INF"
        : d.ToString("R", CultureInfo.InvariantCulture);

    private static string FormatReal(float f) => float.IsNaN(f) ? "NaN"
        : float.IsPositiveInfinity(f) ? "INF"
        : float.IsNegativeInfinity(f) ? "-INF"
        : f.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses the wire text of a scalar into the CLR type of <paramref name="type"/>.</summary>
    /// <exception cref="WsManProtocolException"><see cref="WsManProtocolError.InvalidValue"/> for text that is not of the type.</exception>
    public static object ParseScalar(string text, CimType type)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = type is CimType.String or CimType.Char16 ? text : text.Trim();
        const NumberStyles Int = NumberStyles.AllowLeadingSign;
        const NumberStyles Real = NumberStyles.Float;
        var c = CultureInfo.InvariantCulture;
        object? result = type switch
        {
            CimType.String or CimType.DateTime or CimType.Reference or CimType.None => text,
            CimType.Boolean => t switch
            {
                "true" or "1" or "TRUE" or "True" => true,
                "false" or "0" or "FALSE" or "False" => false,
                _ => null,
            },
            CimType.Char16 => t.Length == 1 ? t[0] : null,
            CimType.SInt8 => sbyte.TryParse(t, Int, c, out var v1) ? v1 : null,
            CimType.UInt8 => byte.TryParse(t, Int, c, out var v2) ? v2 : null,
            CimType.SInt16 => short.TryParse(t, Int, c, out var v3) ? v3 : null,
            CimType.UInt16 => ushort.TryParse(t, Int, c, out var v4) ? v4 : null,
            CimType.SInt32 => int.TryParse(t, Int, c, out var v5) ? v5 : null,
            CimType.UInt32 => uint.TryParse(t, Int, c, out var v6) ? v6 : null,
            CimType.SInt64 => long.TryParse(t, Int, c, out var v7) ? v7 : null,
            CimType.UInt64 => ulong.TryParse(t, Int, c, out var v8) ? v8 : null,
            CimType.Real32 => ParseFloat(t),
            CimType.Real64 => ParseDouble(t),
            _ => null,
        };
        return result ?? throw new WsManProtocolException(WsManProtocolError.InvalidValue,
            $"'{Truncate(text)}' is not a valid {type.MofName()} value.");

        static object? ParseDouble(string s) => s switch
        {
            "NaN" => double.NaN,
            "INF" => double.PositiveInfinity,
            "-INF" => double.NegativeInfinity,
            _ => double.TryParse(s, Real, CultureInfo.InvariantCulture, out var d) ? d : null,
        };

        static object? ParseFloat(string s) => s switch
        {
            "NaN" => float.NaN,
            "INF" => float.PositiveInfinity,
            "-INF" => float.NegativeInfinity,
            _ => float.TryParse(s, Real, CultureInfo.InvariantCulture, out var f) ? f : null,
        };
    }

    internal static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";

    /// <summary>
    /// The element and text a DMTF datetime travels as: <c>Datetime</c> (xs:dateTime) for an exact point in time,
    /// <c>Interval</c> (xs:duration) for an exact interval, else <c>CIM_DateTime</c> with the DMTF text (wildcards).
    /// </summary>
    public static (string Element, string Text) FormatDateTime(string dmtf)
    {
        ArgumentNullException.ThrowIfNull(dmtf);
        if (!CimDateTime.TryParse(dmtf, out var dt) || dt.HasWildcards || dt.MicrosecondDigits != 6)
        {
            return ("CIM_DateTime", dmtf);
        }
        var micro = dt.Microseconds!.Value;
        if (dt.IsInterval)
        {
            return ("Interval", string.Create(CultureInfo.InvariantCulture,
                $"P{dt.Days}DT{dt.Hours}H{dt.Minutes}M{dt.Seconds}.{micro:D6}S"));
        }
        var offset = dt.UtcOffset!.Value;
        if ((offset == 0 && dt.IsOffsetSignNegative) || Math.Abs(offset) > 14 * 60)
        {
            return ("CIM_DateTime", dmtf);
        }
        var sign = offset < 0 ? '-' : '+';
        var abs = Math.Abs(offset);
        return ("Datetime", string.Create(CultureInfo.InvariantCulture,
            $"{dt.Year:D4}-{dt.Month:D2}-{dt.Day:D2}T{dt.Hours:D2}:{dt.Minutes:D2}:{dt.Seconds:D2}.{micro:D6}{sign}{abs / 60:D2}:{abs % 60:D2}"));
    }

    /// <summary>
    /// Reads a datetime in any form the wire uses: xs:dateTime (<c>Datetime</c>), xs:duration (<c>Interval</c>),
    /// xs:date / xs:time, or a DMTF string; returns the DMTF text.
    /// </summary>
    /// <exception cref="WsManProtocolException"><see cref="WsManProtocolError.InvalidValue"/> for anything else.</exception>
    public static string ParseDateTime(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (CimDateTime.TryParse(t, out var dmtf))
        {
            return dmtf.ToString();
        }
        try
        {
            if (t.StartsWith('P') || t.StartsWith("-P", StringComparison.Ordinal))
            {
                return ParseDuration(t).ToString();
            }
            if (TryParseIsoDateTime(t, out var point))
            {
                return point.ToString();
            }
        }
        catch (WbemException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"'{Truncate(text)}' is not a valid datetime.", e);
        }
        catch (FormatException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"'{Truncate(text)}' is not a valid datetime.", e);
        }
        throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"'{Truncate(text)}' is not a valid datetime.");
    }

    /// <summary>
    /// Reads xs:dateTime, xs:date or xs:time text field by field (DateTimeOffset would reject year 0 and shift
    /// values near the ends of its range): <c>yyyy-MM-ddTHH:mm:ss[.fraction][Z|±hh:mm]</c>.
    /// </summary>
    private static bool TryParseIsoDateTime(string s, out CimDateTime value)
    {
        value = default;
        int? year = null, month = null, day = null, hour = null, minute = null, second = null, micro = null, offset = null;
        var i = 0;
        if (s.Length >= 10 && s[4] == '-' && s[7] == '-')
        {
            if (!Digits(s, 0, 4, out var y) || !Digits(s, 5, 2, out var mo) || !Digits(s, 8, 2, out var d))
            {
                return false;
            }
            (year, month, day) = (y, mo, d);
            i = 10;
            if (i < s.Length && s[i] == 'T')
            {
                i++;
            }
        }
        if (i + 8 <= s.Length && s[i + 2] == ':' && s[i + 5] == ':')
        {
            if (!Digits(s, i, 2, out var h) || !Digits(s, i + 3, 2, out var mi) || !Digits(s, i + 6, 2, out var sec))
            {
                return false;
            }
            (hour, minute, second) = (h, mi, sec);
            micro = 0;
            i += 8;
            if (i < s.Length && s[i] == '.')
            {
                var start = ++i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
                var fraction = s[start..i];
                if (fraction.Length == 0)
                {
                    return false;
                }
                micro = int.Parse(fraction.PadRight(6, '0')[..6], CultureInfo.InvariantCulture);
            }
        }
        if (year is null && hour is null)
        {
            return false;
        }
        if (i < s.Length)
        {
            if (s[i] == 'Z' && i == s.Length - 1)
            {
                offset = 0;
            }
            else if ((s[i] == '+' || s[i] == '-') && i + 6 == s.Length && s[i + 3] == ':'
                && Digits(s, i + 1, 2, out var oh) && Digits(s, i + 4, 2, out var om))
            {
                offset = (s[i] == '-' ? -1 : 1) * ((oh * 60) + om);
            }
            else
            {
                return false;
            }
        }
        else if (hour is not null)
        {
            offset = 0;
        }
        value = CimDateTime.CreatePoint(year, month, day, hour, minute, second, hour is null ? null : micro, offset);
        return true;

        static bool Digits(string text, int start, int count, out int result)
        {
            result = 0;
            if (start + count > text.Length)
            {
                return false;
            }
            for (var k = start; k < start + count; k++)
            {
                if (!char.IsAsciiDigit(text[k]))
                {
                    return false;
                }
                result = (result * 10) + (text[k] - '0');
            }
            return true;
        }
    }

    private static CimDateTime ParseDuration(string s)
    {
        // Intervals reach 99,999,999 days, past TimeSpan's range: split the exact decimal seconds instead.
        var total = ParseXsDurationSeconds(s);
        if (total < 0)
        {
            throw new FormatException("negative interval");
        }
        var micro = (int)decimal.Round((total - decimal.Floor(total)) * 1_000_000m);
        var whole = (long)decimal.Floor(total);
        if (micro == 1_000_000)
        {
            micro = 0;
            whole++;
        }
        return CimDateTime.CreateInterval((int)Math.Min(whole / 86400, int.MaxValue), (int)(whole / 3600 % 24), (int)(whole / 60 % 60), (int)(whole % 60), micro);
    }

    /// <summary>Parses an xs:duration (<c>PT60.000S</c>, <c>P1DT2H</c>); years and months are not accepted.</summary>
    /// <exception cref="FormatException">Not a duration.</exception>
    public static TimeSpan ParseXsDuration(string text)
    {
        var seconds = ParseXsDurationSeconds(text);
        if (Math.Abs(seconds) > (decimal)TimeSpan.MaxValue.TotalSeconds)
        {
            throw new FormatException($"'{text}' is too long a duration.");
        }
        return TimeSpan.FromTicks(decimal.ToInt64(decimal.Round(seconds * TimeSpan.TicksPerSecond)));
    }

    private static decimal ParseXsDurationSeconds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().AsSpan();
        var negative = false;
        if (s.StartsWith("-"))
        {
            negative = true;
            s = s[1..];
        }
        if (s.Length < 2 || s[0] != 'P')
        {
            throw new FormatException($"'{text}' is not an xs:duration.");
        }
        s = s[1..];
        decimal total = 0;
        var inTime = false;
        var any = false;
        while (!s.IsEmpty)
        {
            if (s[0] == 'T')
            {
                if (inTime)
                {
                    throw new FormatException($"'{text}' is not an xs:duration.");
                }
                inTime = true;
                s = s[1..];
                continue;
            }
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }
            if (i == 0 || i == s.Length)
            {
                throw new FormatException($"'{text}' is not an xs:duration.");
            }
            var n = decimal.Parse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            total += (s[i], inTime) switch
            {
                ('D', false) => n * 86400m,
                ('H', true) => n * 3600m,
                ('M', true) => n * 60m,
                ('S', true) => n,
                _ => throw new FormatException($"'{text}' is not a supported xs:duration (years and months have no fixed length)."),
            };
            any = true;
            s = s[(i + 1)..];
        }
        if (!any)
        {
            throw new FormatException($"'{text}' is not an xs:duration.");
        }
        return negative ? -total : total;
    }

    /// <summary>Formats a duration as xs:duration seconds with milliseconds (<c>PT60.000S</c>), as Windows writes it.</summary>
    public static string FormatXsDuration(TimeSpan value)
    {
        var sign = value < TimeSpan.Zero ? "-" : "";
        var abs = value.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{sign}PT{(long)abs.TotalSeconds}.{abs.Milliseconds:D3}S");
    }
}

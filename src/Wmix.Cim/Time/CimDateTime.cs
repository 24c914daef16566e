using System.Diagnostics;

namespace Wmix.Cim;

/// <summary>
/// A CIM <c>DATETIME</c> value: either a point in time (<c>yyyymmddHHMMSS.mmmmmmsUUU</c>) or an interval
/// (<c>ddddddddHHMMSS.mmmmmm:000</c>), both exactly 25 characters.
/// </summary>
/// <remarks>
/// <para>
/// A point in time may leave fields unspecified: a whole field written as <c>*</c>s (year, month, day, hour,
/// minute, second, the offset's <c>UUU</c> after its sign). A field is either all digits or all stars.
/// The microseconds field follows DMTF DSP0004 and may also be starred from the right only
/// (<c>.123***</c>, reduced precision); <see cref="MicrosecondDigits"/> tells how many digits are given.
/// Intervals never have stars and always end in <c>:000</c>.
/// </para>
/// <para>
/// Ranges: month 01–12; day 01–31 and valid for the month when the month is known (29 February only in leap years
/// when the year is known); hour 00–23; minute 00–59; second 00–59. Leap seconds (<c>60</c>) are rejected,
/// as Microsoft documents for WMI and because neither <see cref="DateTime"/> nor FILETIME can hold them.
/// The offset is <c>+</c> or <c>-</c> and 000–999 minutes; <c>-000</c> and <c>+000</c> are kept apart in the text.
/// </para>
/// <para>
/// <c>default(CimDateTime)</c> is <see cref="Default"/>, <c>00000101000000.000000+000</c>.
/// </para>
/// </remarks>
[DebuggerDisplay("{ToString(),nq}")]
public readonly partial struct CimDateTime : IEquatable<CimDateTime>, IComparable<CimDateTime>
{
    /// <summary>Length of every DMTF datetime and interval text.</summary>
    public const int TextLength = 25;

    /// <summary>Largest interval day count (eight digits).</summary>
    public const int MaxIntervalDays = 99_999_999;

    private const sbyte Star = -1;
    private const byte FlagInterval = 1;
    private const byte FlagNegative = 2;
    private const byte FlagOffsetStar = 4;

    // Encoding keeps default(CimDateTime) == 00000101000000.000000+000: month and day are stored minus one,
    // the microsecond precision as the number of starred digits. Star (-1) marks a starred field.
    private readonly int _yearOrDays;
    private readonly int _microseconds;
    private readonly short _offset;
    private readonly sbyte _month0;
    private readonly sbyte _day0;
    private readonly sbyte _hour;
    private readonly sbyte _minute;
    private readonly sbyte _second;
    private readonly byte _microStars;
    private readonly byte _flags;

    private CimDateTime(
        int yearOrDays, sbyte month0, sbyte day0, sbyte hour, sbyte minute, sbyte second,
        int microseconds, byte microStars, short offset, byte flags)
    {
        _yearOrDays = yearOrDays;
        _month0 = month0;
        _day0 = day0;
        _hour = hour;
        _minute = minute;
        _second = second;
        _microseconds = microseconds;
        _microStars = microStars;
        _offset = offset;
        _flags = flags;
    }

    /// <summary>The initial value of <c>SWbemDateTime</c>: <c>00000101000000.000000+000</c>; equal to <c>default</c>.</summary>
    public static CimDateTime Default => default;

    /// <summary>True for an interval (<c>ddddddddHHMMSS.mmmmmm:000</c>), false for a point in time.</summary>
    public bool IsInterval => (_flags & FlagInterval) != 0;

    /// <summary>True when any field of a point in time is starred, including a partly starred microseconds field.</summary>
    public bool HasWildcards =>
        !IsInterval && (_yearOrDays == Star || _month0 == Star || _day0 == Star || _hour == Star || _minute == Star
            || _second == Star || _microStars != 0 || (_flags & FlagOffsetStar) != 0);

    /// <summary>The year 0–9999, or null when starred or for an interval.</summary>
    public int? Year => IsInterval || _yearOrDays == Star ? null : _yearOrDays;

    /// <summary>The month 1–12, or null when starred or for an interval.</summary>
    public int? Month => IsInterval || _month0 == Star ? null : _month0 + 1;

    /// <summary>The day of the month 1–31, or null when starred or for an interval (see <see cref="Days"/>).</summary>
    public int? Day => IsInterval || _day0 == Star ? null : _day0 + 1;

    /// <summary>The interval's day count 0–99999999, or null for a point in time.</summary>
    public int? Days => IsInterval ? _yearOrDays : null;

    /// <summary>The hour 0–23, or null when starred.</summary>
    public int? Hours => _hour == Star ? null : _hour;

    /// <summary>The minute 0–59, or null when starred.</summary>
    public int? Minutes => _minute == Star ? null : _minute;

    /// <summary>The second 0–59, or null when starred.</summary>
    public int? Seconds => _second == Star ? null : _second;

    /// <summary>
    /// The microseconds 0–999999, or null when the whole field is starred. With a partly starred field
    /// (<c>.123***</c>) the given digits are scaled as written (123000); see <see cref="MicrosecondDigits"/>.
    /// </summary>
    public int? Microseconds => _microStars == 6 ? null : _microseconds;

    /// <summary>How many leading digits of the microseconds field are given (6 unless it is starred from the right).</summary>
    public int MicrosecondDigits => 6 - _microStars;

    /// <summary>
    /// The offset from UTC in minutes (−999 to 999, sign included), or null when starred (<c>+***</c>/<c>-***</c>)
    /// or for an interval.
    /// </summary>
    public int? UtcOffset => IsInterval || (_flags & FlagOffsetStar) != 0 ? null : _offset;

    /// <summary>True when the offset's sign character is <c>-</c> (also for <c>-000</c> and <c>-***</c>).</summary>
    public bool IsOffsetSignNegative => (_flags & FlagNegative) != 0;

    /// <summary>
    /// Creates a point in time from its fields; a null field is starred. A non-null <paramref name="microseconds"/>
    /// gives all six digits.
    /// </summary>
    /// <param name="year">0–9999 or null.</param>
    /// <param name="month">1–12 or null.</param>
    /// <param name="day">1–31 (valid for the month when known) or null.</param>
    /// <param name="hours">0–23 or null.</param>
    /// <param name="minutes">0–59 or null.</param>
    /// <param name="seconds">0–59 or null.</param>
    /// <param name="microseconds">0–999999 or null.</param>
    /// <param name="utcOffset">−999 to 999 minutes or null.</param>
    /// <param name="negativeSign">Writes the sign as <c>-</c> when the offset is zero or starred.</param>
    /// <exception cref="WbemException"><see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> when a field is out of range.</exception>
    public static CimDateTime CreatePoint(
        int? year, int? month, int? day, int? hours, int? minutes, int? seconds, int? microseconds, int? utcOffset,
        bool negativeSign = false)
    {
        RangeCheck(year, 0, 9999, nameof(year));
        RangeCheck(month, 1, 12, nameof(month));
        RangeCheck(day, 1, 31, nameof(day));
        RangeCheck(hours, 0, 23, nameof(hours));
        RangeCheck(minutes, 0, 59, nameof(minutes));
        RangeCheck(seconds, 0, 59, nameof(seconds));
        RangeCheck(microseconds, 0, 999_999, nameof(microseconds));
        RangeCheck(utcOffset, -999, 999, nameof(utcOffset));
        if (day is { } d && month is { } m && d > MaxDay(year ?? -1, m))
        {
            throw new WbemException(WbemErrorEnum.wbemErrValueOutOfRange, $"Day {d} does not exist in month {m}.");
        }

        var flags = (byte)0;
        if (utcOffset is null)
        {
            flags |= FlagOffsetStar;
        }
        if (utcOffset < 0 || (negativeSign && utcOffset is null or 0))
        {
            flags |= FlagNegative;
        }
        return new CimDateTime(
            year ?? Star,
            month is { } mo ? (sbyte)(mo - 1) : Star,
            day is { } dd ? (sbyte)(dd - 1) : Star,
            hours is { } h ? (sbyte)h : Star,
            minutes is { } mi ? (sbyte)mi : Star,
            seconds is { } s ? (sbyte)s : Star,
            microseconds ?? 0,
            microseconds is null ? (byte)6 : (byte)0,
            (short)(utcOffset ?? 0),
            flags);
    }

    /// <summary>Creates an interval of <paramref name="days"/> days and the given time of day.</summary>
    /// <exception cref="WbemException"><see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> when a field is out of range.</exception>
    public static CimDateTime CreateInterval(int days, int hours, int minutes, int seconds, int microseconds)
    {
        RangeCheck(days, 0, MaxIntervalDays, nameof(days));
        RangeCheck(hours, 0, 23, nameof(hours));
        RangeCheck(minutes, 0, 59, nameof(minutes));
        RangeCheck(seconds, 0, 59, nameof(seconds));
        RangeCheck(microseconds, 0, 999_999, nameof(microseconds));
        return Interval(days, hours, minutes, seconds, microseconds);
    }

    private static CimDateTime Interval(int days, int hours, int minutes, int seconds, int microseconds) =>
        new(days, 0, 0, (sbyte)hours, (sbyte)minutes, (sbyte)seconds, microseconds, 0, 0, FlagInterval);

    private static CimDateTime Point(int year, int month, int day, int hour, int minute, int second, int micro, int offset) =>
        new(year, (sbyte)(month - 1), (sbyte)(day - 1), (sbyte)hour, (sbyte)minute, (sbyte)second, micro, 0,
            (short)offset, offset < 0 ? FlagNegative : (byte)0);

    private static void RangeCheck(int? value, int min, int max, string name)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw new WbemException(
                WbemErrorEnum.wbemErrValueOutOfRange, $"{name} is {v}; it must be between {min} and {max}.");
        }
    }

    /// <summary>Writes the canonical 25-character DMTF text.</summary>
    public override string ToString() => string.Create(TextLength, this, static (span, value) => value.Format(span));

    /// <summary>Writes the canonical 25-character DMTF text into <paramref name="destination"/>.</summary>
    /// <returns>False, writing nothing, when <paramref name="destination"/> is shorter than 25 characters.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (destination.Length < TextLength)
        {
            charsWritten = 0;
            return false;
        }
        Format(destination);
        charsWritten = TextLength;
        return true;
    }

    private void Format(Span<char> d)
    {
        if (IsInterval)
        {
            WriteDigits(d[..8], _yearOrDays);
        }
        else
        {
            WriteField(d[..4], _yearOrDays);
            WriteField(d.Slice(4, 2), _month0 == Star ? Star : _month0 + 1);
            WriteField(d.Slice(6, 2), _day0 == Star ? Star : _day0 + 1);
        }
        WriteField(d.Slice(8, 2), _hour);
        WriteField(d.Slice(10, 2), _minute);
        WriteField(d.Slice(12, 2), _second);
        d[14] = '.';
        var micro = d.Slice(15, 6);
        WriteDigits(micro, _microseconds);
        micro[(6 - _microStars)..].Fill('*');
        if (IsInterval)
        {
            ":000".CopyTo(d[21..]);
            return;
        }
        d[21] = IsOffsetSignNegative ? '-' : '+';
        WriteField(d.Slice(22, 3), (_flags & FlagOffsetStar) != 0 ? Star : Math.Abs((int)_offset));
    }

    private static void WriteField(Span<char> d, int value)
    {
        if (value == Star)
        {
            d.Fill('*');
        }
        else
        {
            WriteDigits(d, value);
        }
    }

    private static void WriteDigits(Span<char> d, int value)
    {
        for (var i = d.Length - 1; i >= 0; i--)
        {
            d[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    /// <summary>True when every field is identical; stars equal only stars, and <c>+000</c> differs from <c>-000</c>.</summary>
    /// <remarks>Equal values have equal canonical text, and the other way round.</remarks>
    public bool Equals(CimDateTime other) =>
        _yearOrDays == other._yearOrDays && _microseconds == other._microseconds && _offset == other._offset
        && _month0 == other._month0 && _day0 == other._day0 && _hour == other._hour && _minute == other._minute
        && _second == other._second && _microStars == other._microStars && _flags == other._flags;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CimDateTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(_yearOrDays, _microseconds, _offset, _month0, _day0, _hour, _minute,
            HashCode.Combine(_second, _microStars, _flags));

    /// <summary>
    /// Orders values: fully specified points in time chronologically (after converting both to UTC), then intervals
    /// by duration, then values with wildcards by their canonical text (ordinal).
    /// </summary>
    /// <remarks>
    /// Those three groups are ranked in that order instead of comparing mixed pairs by their text, because text and
    /// time order disagree across offsets and a mixed rule would not be transitive (sorting needs it to be).
    /// Two points at the same instant with different offsets are ordered by their text, so
    /// <c>CompareTo</c> returns 0 exactly when <see cref="Equals(CimDateTime)"/> is true. For the pure question
    /// "which is earlier" use <see cref="TryCompareChronologically"/>.
    /// </remarks>
    public int CompareTo(CimDateTime other)
    {
        var rank = Rank.CompareTo(other.Rank);
        if (rank != 0)
        {
            return rank;
        }
        if (Rank < 2)
        {
            var byTime = ChronologicalKey().CompareTo(other.ChronologicalKey());
            if (byTime != 0)
            {
                return byTime;
            }
        }
        return CompareText(this, other);
    }

    // 0: fully specified point, 1: interval, 2: point with a wildcard.
    private int Rank => IsInterval ? 1 : HasWildcards ? 2 : 0;

    private static int CompareText(CimDateTime a, CimDateTime b)
    {
        Span<char> x = stackalloc char[TextLength];
        Span<char> y = stackalloc char[TextLength];
        a.Format(x);
        b.Format(y);
        return x.SequenceCompareTo(y);
    }

    /// <summary>
    /// Compares two points in time as instants (both converted to UTC) or two intervals by duration.
    /// </summary>
    /// <param name="a">The first value.</param>
    /// <param name="b">The second value.</param>
    /// <param name="result">Negative, zero or positive as <paramref name="a"/> is earlier, the same or later; 0 when not comparable.</param>
    /// <returns>False when either value has wildcards or one is an interval and the other a point in time.</returns>
    public static bool TryCompareChronologically(CimDateTime a, CimDateTime b, out int result)
    {
        if (a.IsInterval != b.IsInterval || a.HasWildcards || b.HasWildcards)
        {
            result = 0;
            return false;
        }
        result = a.ChronologicalKey().CompareTo(b.ChronologicalKey());
        return true;
    }

    /// <summary>Field-wise equality; see <see cref="Equals(CimDateTime)"/>.</summary>
    public static bool operator ==(CimDateTime left, CimDateTime right) => left.Equals(right);

    /// <summary>Field-wise inequality; see <see cref="Equals(CimDateTime)"/>.</summary>
    public static bool operator !=(CimDateTime left, CimDateTime right) => !left.Equals(right);

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator <(CimDateTime left, CimDateTime right) => left.CompareTo(right) < 0;

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator <=(CimDateTime left, CimDateTime right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator >(CimDateTime left, CimDateTime right) => left.CompareTo(right) > 0;

    /// <summary>Ordering by <see cref="CompareTo"/>.</summary>
    public static bool operator >=(CimDateTime left, CimDateTime right) => left.CompareTo(right) >= 0;

    // Microseconds since 1970-01-01T00:00Z for a fully specified point (offset subtracted); the duration for an interval.
    private long ChronologicalKey()
    {
        long timeOfDay = ((_hour * 60L) + _minute) * 60 + _second;
        if (IsInterval)
        {
            return (((long)_yearOrDays * 86_400) + timeOfDay) * 1_000_000 + _microseconds;
        }
        var days = DaysSinceUnixEpoch(_yearOrDays, _month0 + 1, _day0 + 1);
        return ((days * 86_400) + timeOfDay - (_offset * 60L)) * 1_000_000 + _microseconds;
    }

    internal static bool IsLeapYear(int year) => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    // Largest day of the month; an unknown year (-1) allows 29 February.
    internal static int MaxDay(int year, int month) => month switch
    {
        2 => year < 0 || IsLeapYear(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    // Proleptic Gregorian day count (year 0 included), after the well-known civil-from-days arithmetic.
    internal static long DaysSinceUnixEpoch(int year, int month, int day)
    {
        long y = month <= 2 ? year - 1 : year;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yearOfEra = y - (era * 400);
        var dayOfYear = ((153 * (month > 2 ? month - 3 : month + 9)) + 2) / 5 + day - 1;
        var dayOfEra = (yearOfEra * 365) + (yearOfEra / 4) - (yearOfEra / 100) + dayOfYear;
        return (era * 146_097) + dayOfEra - 719_468;
    }
}

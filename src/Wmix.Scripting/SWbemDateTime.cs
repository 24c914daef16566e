using System.Globalization;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// Helper for CIM <c>DATETIME</c> values (WMI's <c>SWbemDateTime</c>, creatable): parses and formats the
/// 25-character DMTF text, exposes each field with a <c>…Specified</c> flag (false = a <c>*</c> wildcard field),
/// and converts to and from <see cref="DateTime"/> (VT_DATE) and FILETIME.
/// </summary>
/// <remarks>
/// <para>A new object's <see cref="Value"/> is <c>00000101000000.000000+000</c>. With <see cref="IsInterval"/>
/// the value is <c>ddddddddHHMMSS.mmmmmm:000</c> and <see cref="Day"/> holds the day count (0–99999999);
/// intervals have no wildcards.</para>
/// <para>Conversions: <c>bIsLocal</c> true means the <see cref="DateTime"/> or FILETIME is the client's local wall
/// clock (the value then carries the local UTC offset); false means it is UTC (the value carries <c>+000</c>).
/// Values with wildcards, and intervals, do not convert (wbemErrFailed).</para>
/// </remarks>
public sealed class SWbemDateTime
{
    private const long FileTimeEpochTicks = 504_911_232_000_000_000;

    private int _year;
    private int _month = 1;
    private int _day = 1;
    private int _hours;
    private int _minutes;
    private int _seconds;
    private int _microseconds;
    private int _utc;
    private bool _yearSpecified = true;
    private bool _monthSpecified = true;
    private bool _daySpecified = true;
    private bool _hoursSpecified = true;
    private bool _minutesSpecified = true;
    private bool _secondsSpecified = true;
    private bool _microsecondsSpecified = true;
    private bool _utcSpecified = true;
    private bool _isInterval;
    private bool _negativeZeroOffset;

    // The exact parsed value, kept so that Value reads back what was written (e.g. "+***" vs "-***" or a partly
    // starred microseconds field); dropped as soon as a component changes.
    private CimDateTime? _exact = CimDateTime.Default;

    /// <summary>Creates a value of <c>00000101000000.000000+000</c>.</summary>
    public SWbemDateTime()
    {
    }

    /// <summary>
    /// The full DMTF value (the default member). Setting it parses the text.
    /// </summary>
    /// <exception cref="WbemException">wbemErrInvalidSyntax when the text is not a valid datetime or interval.</exception>
    public string Value
    {
        get => Compose().ToString();
        set
        {
            if (value is null)
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidSyntax, "SWbemDateTime.Value: a datetime value is required.");
            }
            CimDateTime parsed;
            try
            {
                parsed = CimDateTime.Parse(value);
            }
            catch (WbemException e) when (ScriptErrors.Record(e))
            {
                throw;
            }
            Load(parsed);
        }
    }

    /// <summary>The year (0–9999); ignored for intervals.</summary>
    public int Year { get => _year; set => SetField(ref _year, value, 0, 9999, nameof(Year)); }

    /// <summary>False when the year is a wildcard.</summary>
    public bool YearSpecified { get => _yearSpecified || _isInterval; set => SetSpecified(ref _yearSpecified, value); }

    /// <summary>The month (1–12); ignored for intervals.</summary>
    public int Month { get => _month; set => SetField(ref _month, value, 1, 12, nameof(Month)); }

    /// <summary>False when the month is a wildcard.</summary>
    public bool MonthSpecified { get => _monthSpecified || _isInterval; set => SetSpecified(ref _monthSpecified, value); }

    /// <summary>The day of the month (1–31), or the number of days (0–99999999) of an interval.</summary>
    public int Day
    {
        get => _day;
        set => SetField(ref _day, value, _isInterval ? 0 : 1, _isInterval ? CimDateTime.MaxIntervalDays : 31, nameof(Day));
    }

    /// <summary>False when the day is a wildcard.</summary>
    public bool DaySpecified { get => _daySpecified || _isInterval; set => SetSpecified(ref _daySpecified, value); }

    /// <summary>The hour (0–23).</summary>
    public int Hours { get => _hours; set => SetField(ref _hours, value, 0, 23, nameof(Hours)); }

    /// <summary>False when the hour is a wildcard.</summary>
    public bool HoursSpecified { get => _hoursSpecified || _isInterval; set => SetSpecified(ref _hoursSpecified, value); }

    /// <summary>The minutes (0–59).</summary>
    public int Minutes { get => _minutes; set => SetField(ref _minutes, value, 0, 59, nameof(Minutes)); }

    /// <summary>False when the minutes are a wildcard.</summary>
    public bool MinutesSpecified { get => _minutesSpecified || _isInterval; set => SetSpecified(ref _minutesSpecified, value); }

    /// <summary>The seconds (0–59).</summary>
    public int Seconds { get => _seconds; set => SetField(ref _seconds, value, 0, 59, nameof(Seconds)); }

    /// <summary>False when the seconds are a wildcard.</summary>
    public bool SecondsSpecified { get => _secondsSpecified || _isInterval; set => SetSpecified(ref _secondsSpecified, value); }

    /// <summary>The microseconds (0–999999).</summary>
    public int Microseconds { get => _microseconds; set => SetField(ref _microseconds, value, 0, 999_999, nameof(Microseconds)); }

    /// <summary>False when the microseconds are a wildcard.</summary>
    public bool MicrosecondsSpecified { get => _microsecondsSpecified || _isInterval; set => SetSpecified(ref _microsecondsSpecified, value); }

    /// <summary>The offset from UTC in minutes (−999 to 999); ignored for intervals.</summary>
    public int UTC
    {
        get => _utc;
        set
        {
            SetField(ref _utc, value, -999, 999, nameof(UTC));
            _negativeZeroOffset = false;
        }
    }

    /// <summary>False when the UTC offset is a wildcard (<c>+***</c>).</summary>
    public bool UTCSpecified { get => _utcSpecified || _isInterval; set => SetSpecified(ref _utcSpecified, value); }

    /// <summary>True for an interval (<c>ddddddddHHMMSS.mmmmmm:000</c>), false for a point in time.</summary>
    public bool IsInterval
    {
        get => _isInterval;
        set
        {
            if (value == _isInterval)
            {
                return;
            }
            _isInterval = value;
            if (!value)
            {
                _day = Math.Clamp(_day, 1, 31);
            }
            _exact = null;
        }
    }

    /// <summary>The value as a <see cref="DateTime"/> (VT_DATE).</summary>
    /// <param name="bIsLocal">True (default): the client's local wall clock (<see cref="DateTimeKind.Local"/>); false: UTC.</param>
    /// <exception cref="WbemException">wbemErrFailed for an interval or a value with wildcards; wbemErrValueOutOfRange outside <see cref="DateTime"/>'s range.</exception>
    public DateTime GetVarDate(bool bIsLocal = true)
    {
        try
        {
            var local = Compose().ToDateTime();
            return bIsLocal ? local : local.ToUniversalTime();
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <summary>Sets the value from a <see cref="DateTime"/> (VT_DATE).</summary>
    /// <param name="vdate">The date and time. A <see cref="DateTimeKind.Utc"/> or <see cref="DateTimeKind.Local"/> value is converted to the frame <paramref name="bIsLocal"/> names; an unspecified one is read in it.</param>
    /// <param name="bIsLocal">True (default): <paramref name="vdate"/> is local time and the value gets the local offset; false: it is UTC and the value gets <c>+000</c>.</param>
    public void SetVarDate(DateTime vdate, bool bIsLocal = true)
    {
        var wall = bIsLocal
            ? (vdate.Kind == DateTimeKind.Utc ? vdate.ToLocalTime() : vdate)
            : (vdate.Kind == DateTimeKind.Local ? vdate.ToUniversalTime() : vdate);
        Load(CimDateTime.FromDateTime(DateTime.SpecifyKind(wall, bIsLocal ? DateTimeKind.Local : DateTimeKind.Utc)));
    }

    /// <summary>The value as a FILETIME (100-ns units since 1601-01-01), written as a decimal string.</summary>
    /// <param name="bIsLocal">True (default): the FILETIME of the client's local wall clock; false: the UTC FILETIME.</param>
    /// <exception cref="WbemException">wbemErrFailed for an interval or a value with wildcards; wbemErrValueOutOfRange before 1601.</exception>
    public string GetFileTime(bool bIsLocal = true)
    {
        try
        {
            var utc = Compose().ToFileTime();
            if (!bIsLocal)
            {
                return utc.ToString(CultureInfo.InvariantCulture);
            }
            var local = DateTime.FromFileTimeUtc(utc).ToLocalTime();
            return (local.Ticks - FileTimeEpochTicks).ToString(CultureInfo.InvariantCulture);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <summary>Sets the value from a FILETIME written as a decimal string.</summary>
    /// <param name="strFileTime">100-ns units since 1601-01-01, as an unsigned decimal number.</param>
    /// <param name="bIsLocal">True (default): the FILETIME is the local wall clock and the value gets the local offset; false: it is UTC and the value gets <c>+000</c>.</param>
    /// <exception cref="WbemException">wbemErrInvalidParameter when the text is not a FILETIME.</exception>
    public void SetFileTime(string strFileTime, bool bIsLocal = true)
    {
        if (!long.TryParse(strFileTime, NumberStyles.None, CultureInfo.InvariantCulture, out var fileTime)
            || fileTime > DateTime.MaxValue.Ticks - FileTimeEpochTicks)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"SWbemDateTime.SetFileTime: '{strFileTime}' is not a FILETIME value.");
        }
        var wall = new DateTime(fileTime + FileTimeEpochTicks, bIsLocal ? DateTimeKind.Local : DateTimeKind.Utc);
        Load(CimDateTime.FromDateTime(wall));
    }

    /// <summary>The DMTF text (<see cref="Value"/>).</summary>
    public override string ToString() => Value;

    internal static SWbemDateTime Copy(SWbemDateTime source)
    {
        var copy = new SWbemDateTime();
        copy.Load(source.Compose());
        return copy;
    }

    private CimDateTime Compose()
    {
        if (_exact is { } exact)
        {
            return exact;
        }
        try
        {
            return _isInterval
                ? CimDateTime.CreateInterval(_day, _hours, _minutes, _seconds, _microseconds)
                : CimDateTime.CreatePoint(
                    _yearSpecified ? _year : null,
                    _monthSpecified ? _month : null,
                    _daySpecified ? _day : null,
                    _hoursSpecified ? _hours : null,
                    _minutesSpecified ? _minutes : null,
                    _secondsSpecified ? _seconds : null,
                    _microsecondsSpecified ? _microseconds : null,
                    _utcSpecified ? _utc : null,
                    negativeSign: _negativeZeroOffset);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    private void Load(CimDateTime value)
    {
        _isInterval = value.IsInterval;
        if (value.IsInterval)
        {
            _day = value.Days ?? 0;
            _year = 0;
            _month = 1;
        }
        else
        {
            (_year, _yearSpecified) = Field(value.Year, 0);
            (_month, _monthSpecified) = Field(value.Month, 1);
            (_day, _daySpecified) = Field(value.Day, 1);
        }
        (_hours, _hoursSpecified) = Field(value.Hours, 0);
        (_minutes, _minutesSpecified) = Field(value.Minutes, 0);
        (_seconds, _secondsSpecified) = Field(value.Seconds, 0);
        (_microseconds, _microsecondsSpecified) = Field(value.Microseconds, 0);
        (_utc, _utcSpecified) = Field(value.UtcOffset, 0);
        _negativeZeroOffset = value.IsOffsetSignNegative && _utc == 0;
        _exact = value;
    }

    private static (int Value, bool Specified) Field(int? value, int fallback) => value is { } v ? (v, true) : (fallback, false);

    private void SetField(ref int field, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"SWbemDateTime.{name}: {value} is outside {min}–{max}.");
        }
        field = value;
        _exact = null;
    }

    private void SetSpecified(ref bool field, bool value)
    {
        if (!value && _isInterval)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, "SWbemDateTime: an interval cannot have wildcard fields.");
        }
        field = value;
        _exact = null;
    }
}

namespace Wmix.Cim;

public readonly partial struct CimDateTime
{
    private const long TicksPerMicrosecond = 10;
    private const long UnixEpochTicks = 621_355_968_000_000_000;
    private const long FileTimeEpochTicks = 504_911_232_000_000_000;

    // 1601-01-01T00:00Z in microseconds since the Unix epoch.
    private const long FileTimeEpochMicroseconds = -11_644_473_600L * 1_000_000;

    /// <summary>
    /// Converts a <see cref="DateTimeOffset"/> to a point in time with its offset; ticks below one microsecond are dropped.
    /// </summary>
    public static CimDateTime FromDateTimeOffset(DateTimeOffset value) =>
        FromWallClock(value.DateTime, (int)(value.Offset.Ticks / TimeSpan.TicksPerMinute));

    /// <summary>
    /// Converts a <see cref="DateTime"/>: <see cref="DateTimeKind.Utc"/> gets offset <c>+000</c>;
    /// <see cref="DateTimeKind.Local"/> and <see cref="DateTimeKind.Unspecified"/> are read as local time and get the
    /// local time zone's offset at that moment (in whole minutes). Ticks below one microsecond are dropped.
    /// </summary>
    public static CimDateTime FromDateTime(DateTime value) =>
        FromWallClock(value, value.Kind == DateTimeKind.Utc ? 0 : LocalOffsetMinutes(value));

    private static CimDateTime FromWallClock(DateTime wallClock, int offsetMinutes)
    {
        var micro = (int)(wallClock.Ticks % TimeSpan.TicksPerSecond / TicksPerMicrosecond);
        return Point(wallClock.Year, wallClock.Month, wallClock.Day, wallClock.Hour, wallClock.Minute, wallClock.Second,
            micro, offsetMinutes);
    }

    /// <summary>
    /// Converts a FILETIME (100-nanosecond units since 1601-01-01 UTC) to a point in time, dropping ticks below one
    /// microsecond; with <paramref name="local"/> the result carries the local offset, otherwise <c>+000</c>.
    /// </summary>
    /// <exception cref="WbemException"><see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> for a negative value or one past 9999-12-31.</exception>
    public static CimDateTime FromFileTime(long fileTime, bool local = true)
    {
        if (fileTime < 0 || fileTime > DateTime.MaxValue.Ticks - FileTimeEpochTicks)
        {
            throw new WbemException(WbemErrorEnum.wbemErrValueOutOfRange, $"FILETIME {fileTime} is outside 1601-01-01 to 9999-12-31.");
        }
        var utc = new DateTime(fileTime + FileTimeEpochTicks, DateTimeKind.Utc);
        if (!local)
        {
            return FromWallClock(utc, 0);
        }
        var offset = (int)(TimeZoneInfo.Local.GetUtcOffset(utc).Ticks / TimeSpan.TicksPerMinute);
        var localTicks = utc.Ticks + (offset * TimeSpan.TicksPerMinute);
        // Near the ends of DateTime's range the local wall clock may not exist; report UTC there instead.
        return localTicks < 0 || localTicks > DateTime.MaxValue.Ticks
            ? FromWallClock(utc, 0)
            : FromWallClock(new DateTime(localTicks, DateTimeKind.Unspecified), offset);
    }

    /// <summary>Converts a non-negative duration to an interval; ticks below one microsecond are dropped.</summary>
    /// <exception cref="WbemException"><see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> when <paramref name="value"/> is negative.</exception>
    public static CimDateTime FromTimeSpan(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new WbemException(WbemErrorEnum.wbemErrValueOutOfRange, "A CIM interval cannot be negative.");
        }
        // TimeSpan.MaxValue is about 10.7 million days, well inside the eight-digit day field.
        return Interval(value.Days, value.Hours, value.Minutes, value.Seconds,
            (int)(value.Ticks % TimeSpan.TicksPerSecond / TicksPerMicrosecond));
    }

    /// <summary>Converts a fully specified point in time to a <see cref="DateTimeOffset"/> with the same offset.</summary>
    /// <exception cref="WbemException">
    /// <see cref="WbemErrorEnum.wbemErrFailed"/> for an interval or a value with wildcards (as <c>SWbemDateTime.GetVarDate</c>);
    /// <see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> when the year is 0, the offset exceeds 14 hours, or the instant
    /// falls outside <see cref="DateTimeOffset"/>'s range.
    /// </exception>
    public DateTimeOffset ToDateTimeOffset()
    {
        var utcTicks = UtcTicks();
        if (Math.Abs((int)_offset) > 14 * 60)
        {
            throw new WbemException(WbemErrorEnum.wbemErrValueOutOfRange, $"The offset {_offset} minutes is beyond the ±14 hours a DateTimeOffset allows.");
        }
        var localTicks = utcTicks + (_offset * TimeSpan.TicksPerMinute);
        if (_yearOrDays == 0 || localTicks < 0 || localTicks > DateTime.MaxValue.Ticks)
        {
            throw OutOfDateTimeRange();
        }
        return new DateTimeOffset(localTicks, TimeSpan.FromMinutes(_offset));
    }

    /// <summary>Converts a fully specified point in time to local time (<see cref="DateTimeKind.Local"/>).</summary>
    /// <exception cref="WbemException">As <see cref="ToDateTimeOffset"/>, except that any offset is accepted.</exception>
    public DateTime ToDateTime()
    {
        var utcTicks = UtcTicks();
        return new DateTime(utcTicks, DateTimeKind.Utc).ToLocalTime();
    }

    /// <summary>Converts a fully specified point in time to FILETIME (100-nanosecond units since 1601-01-01 UTC).</summary>
    /// <exception cref="WbemException">
    /// <see cref="WbemErrorEnum.wbemErrFailed"/> for an interval or a value with wildcards;
    /// <see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> for an instant before 1601-01-01 UTC.
    /// </exception>
    public long ToFileTime()
    {
        RequireConvertiblePoint();
        var micros = ChronologicalKey() - FileTimeEpochMicroseconds;
        if (micros < 0)
        {
            throw new WbemException(WbemErrorEnum.wbemErrValueOutOfRange, $"{this} is before 1601-01-01, the start of FILETIME.");
        }
        return micros * TicksPerMicrosecond;
    }

    /// <summary>Converts an interval to a <see cref="TimeSpan"/>.</summary>
    /// <exception cref="WbemException">
    /// <see cref="WbemErrorEnum.wbemErrFailed"/> for a point in time;
    /// <see cref="WbemErrorEnum.wbemErrValueOutOfRange"/> when the interval exceeds <see cref="TimeSpan.MaxValue"/>.
    /// </exception>
    public TimeSpan ToTimeSpan()
    {
        if (!IsInterval)
        {
            throw new WbemException(WbemErrorEnum.wbemErrFailed, $"{this} is a point in time, not an interval.");
        }
        var micros = ChronologicalKey();
        if (micros > TimeSpan.MaxValue.Ticks / TicksPerMicrosecond)
        {
            throw new WbemException(WbemErrorEnum.wbemErrValueOutOfRange, $"The interval {this} is longer than a TimeSpan can hold.");
        }
        return new TimeSpan(micros * TicksPerMicrosecond);
    }

    private long UtcTicks()
    {
        RequireConvertiblePoint();
        var ticks = (ChronologicalKey() * TicksPerMicrosecond) + UnixEpochTicks;
        if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
        {
            throw OutOfDateTimeRange();
        }
        return ticks;
    }

    private void RequireConvertiblePoint()
    {
        if (IsInterval)
        {
            throw new WbemException(WbemErrorEnum.wbemErrFailed, $"{this} is an interval, not a point in time.");
        }
        if (HasWildcards)
        {
            throw new WbemException(WbemErrorEnum.wbemErrFailed, $"{this} has wildcard fields; only a fully specified datetime converts.");
        }
    }

    private WbemException OutOfDateTimeRange() =>
        new(WbemErrorEnum.wbemErrValueOutOfRange, $"{this} is outside the range 0001-01-01 to 9999-12-31 of DateTime.");

    // The local zone's offset at a local wall-clock time, truncated to whole minutes (DMTF offsets are minutes).
    // Outside DateTime's range (year 0) the zone's base offset is used.
    internal static int LocalOffsetMinutes(DateTime localTime) =>
        (int)(TimeZoneInfo.Local.GetUtcOffset(localTime).Ticks / TimeSpan.TicksPerMinute);

    internal static int LocalOffsetMinutes(int year, int month, int day, int hour, int minute, int second) =>
        year is >= 1 and <= 9999
            ? LocalOffsetMinutes(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified))
            : (int)(TimeZoneInfo.Local.BaseUtcOffset.Ticks / TimeSpan.TicksPerMinute);
}

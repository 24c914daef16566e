using Wmix.Providers.Linux.Interop;

namespace Wmix.Providers.Linux.Sources;

/// <summary>
/// The machine's boot time and the conversions of the kernel's tick counts. Boot time is
/// <c>CLOCK_REALTIME − CLOCK_BOOTTIME</c>, read once: process start times in <c>/proc/[pid]/stat</c> count ticks of
/// the boot-time clock, so this gives start dates to the tick, and stable across calls (unlike <c>now − uptime</c>
/// re-read each time, or <c>btime</c>, which is whole seconds).
/// </summary>
public static class BootClock
{
    private static readonly Lazy<DateTimeOffset> s_bootTime = new(() => ReadEpoch(Libc.CLOCK_BOOTTIME));
    private static readonly Lazy<DateTimeOffset> s_monotonicEpoch = new(() => ReadEpoch(1 /* CLOCK_MONOTONIC */));

    /// <summary>When the machine booted (UTC).</summary>
    public static DateTimeOffset BootTime => s_bootTime.Value;

    /// <summary>USER_HZ, the unit of tick counts in <c>/proc</c> (usually 100).</summary>
    public static long TicksPerSecond => Libc.ClockTicksPerSecond;

    /// <summary>The bytes in one memory page.</summary>
    public static long PageSize => Libc.PageSize;

    /// <summary>The time since boot, from <c>CLOCK_BOOTTIME</c> (counts suspended time, as <c>/proc/uptime</c>).</summary>
    public static TimeSpan Uptime
    {
        get
        {
            Libc.clock_gettime(Libc.CLOCK_BOOTTIME, out var boot);
            return TimeSpan.FromTicks(boot.Seconds * TimeSpan.TicksPerSecond + boot.Nanoseconds / 100);
        }
    }

    /// <summary>The wall-clock time of a kernel tick count since boot (a process's <c>starttime</c>).</summary>
    public static DateTimeOffset FromBootTicks(ulong ticks) =>
        BootTime + TimeSpan.FromTicks((long)(ticks * (ulong)TimeSpan.TicksPerSecond / (ulong)TicksPerSecond));

    /// <summary>A kernel tick count as 100-ns units (WMI's unit for process times).</summary>
    public static ulong TicksTo100Ns(ulong ticks) => ticks * (10_000_000UL / (ulong)TicksPerSecond);

    /// <summary>The wall-clock time of a <c>CLOCK_MONOTONIC</c> reading (kernel event timestamps).</summary>
    public static DateTimeOffset FromMonotonicNs(long ns) => s_monotonicEpoch.Value + TimeSpan.FromTicks(ns / 100);

    /// <summary>Now on <c>CLOCK_MONOTONIC</c>, in ns (to measure event latency against kernel timestamps).</summary>
    public static long MonotonicNowNs
    {
        get
        {
            Libc.clock_gettime(1, out var t);
            return t.Seconds * 1_000_000_000 + t.Nanoseconds;
        }
    }

    private static DateTimeOffset ReadEpoch(int clock)
    {
        // Read the two clocks back to back; the pair with the smallest gap between realtime reads wins, so a
        // preemption between the calls does not skew the result.
        long best = long.MaxValue;
        long bootUnixTicks = 0;
        for (var i = 0; i < 3; i++)
        {
            Libc.clock_gettime(Libc.CLOCK_REALTIME, out var r1);
            Libc.clock_gettime(clock, out var b);
            Libc.clock_gettime(Libc.CLOCK_REALTIME, out var r2);
            var gap = (r2.Seconds - r1.Seconds) * 1_000_000_000 + (r2.Nanoseconds - r1.Nanoseconds);
            if (gap < best)
            {
                best = gap;
                var real = r1.Seconds * TimeSpan.TicksPerSecond + r1.Nanoseconds / 100;
                var boot = b.Seconds * TimeSpan.TicksPerSecond + b.Nanoseconds / 100;
                bootUnixTicks = real - boot;
            }
        }
        return DateTimeOffset.UnixEpoch.AddTicks(bootUnixTicks);
    }
}

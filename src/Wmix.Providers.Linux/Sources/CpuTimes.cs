using System.Globalization;

namespace Wmix.Providers.Linux.Sources;

/// <summary>
/// One CPU line of <c>/proc/stat</c>, in ticks: user (incl. nice), system (incl. irq and softirq), idle (incl.
/// iowait) and the rest (steal), so that <see cref="Total"/> is all the time that passed on the CPU.
/// </summary>
/// <param name="User">user + nice.</param>
/// <param name="System">system + irq + softirq.</param>
/// <param name="Idle">idle + iowait.</param>
/// <param name="Other">steal (time a hypervisor ran something else).</param>
/// <param name="Interrupt">irq + softirq (part of <paramref name="System"/>).</param>
/// <param name="SoftInterrupt">softirq alone (part of <paramref name="Interrupt"/>): Linux's deferred interrupt work, WMI's DPC time.</param>
public readonly record struct CpuTicks(ulong User, ulong System, ulong Idle, ulong Other, ulong Interrupt, ulong SoftInterrupt = 0)
{
    /// <summary>All the ticks.</summary>
    public ulong Total => User + System + Idle + Other;

    /// <summary>The ticks from <paramref name="earlier"/> to this sample (never negative: counters that went back count 0).</summary>
    public CpuTicks Since(CpuTicks earlier) => new(Sub(User, earlier.User), Sub(System, earlier.System), Sub(Idle, earlier.Idle),
        Sub(Other, earlier.Other), Sub(Interrupt, earlier.Interrupt), Sub(SoftInterrupt, earlier.SoftInterrupt));

    private static ulong Sub(ulong a, ulong b) => a >= b ? a - b : 0;
}

/// <summary>A reading of <c>/proc/stat</c>: the CPU lines (<c>""</c> for the all-CPU line, <c>"0"</c>, <c>"1"</c>, …) and when it was taken.</summary>
/// <param name="Cpus">Ticks per CPU name.</param>
/// <param name="Timestamp">When it was read (<see cref="Environment.TickCount64"/>, ms).</param>
public sealed record CpuSample(IReadOnlyDictionary<string, CpuTicks> Cpus, long Timestamp)
{
    /// <summary>Reads <c>/proc/stat</c> now.</summary>
    public static CpuSample Read()
    {
        var map = new Dictionary<string, CpuTicks>(StringComparer.Ordinal);
        foreach (var line in SystemSource.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal))
            {
                continue;
            }
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 5)
            {
                continue;
            }
            ulong N(int i) => i < f.Length && ulong.TryParse(f[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
            var irq = N(6) + N(7);
            map[f[0][3..]] = new CpuTicks(N(1) + N(2), N(3) + irq, N(4) + N(5), N(8), irq, N(7));
        }
        return new CpuSample(map, Environment.TickCount64);
    }
}

/// <summary>
/// Keeps the previous <c>/proc/stat</c> sample so that rates are computed between two readings, as WMI's formatted
/// performance counters are (see <see cref="IntervalSampler{T}"/> for the choice of interval).
/// </summary>
public sealed class CpuSampler
{
    /// <summary>The wait between the two samples of the first call.</summary>
    public static readonly TimeSpan FirstInterval = IntervalSampler<CpuSample>.DefaultFirstInterval;

    /// <summary>The shortest interval a rate is computed over.</summary>
    public static readonly TimeSpan MinimumInterval = IntervalSampler<CpuSample>.DefaultMinimumInterval;

    private readonly IntervalSampler<CpuSample> _sampler = new(CpuSample.Read);

    /// <summary>The ticks per CPU over the latest interval (at least <see cref="MinimumInterval"/>).</summary>
    public async ValueTask<IReadOnlyDictionary<string, CpuTicks>> DeltasAsync(CancellationToken cancellationToken)
    {
        var (baseline, now, _) = await _sampler.PairAsync(cancellationToken).ConfigureAwait(false);
        return Deltas(baseline, now);
    }

    /// <summary>The ticks per CPU from <paramref name="baseline"/> to <paramref name="now"/> (CPUs in both only).</summary>
    public static IReadOnlyDictionary<string, CpuTicks> Deltas(CpuSample baseline, CpuSample now)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(now);
        var deltas = new Dictionary<string, CpuTicks>(StringComparer.Ordinal);
        foreach (var (name, ticks) in now.Cpus)
        {
            if (baseline.Cpus.TryGetValue(name, out var before))
            {
                deltas[name] = ticks.Since(before);
            }
        }
        return deltas;
    }

    /// <summary>A share of <paramref name="delta"/>'s total, as a whole percentage (0–100); null over an empty interval.</summary>
    public static ulong? Percent(ulong part, CpuTicks delta) => delta.Total == 0 ? null : Math.Min(100, (part * 100 + delta.Total / 2) / delta.Total);
}

/// <summary>
/// Keeps the last two readings of a cumulative source so that rates are computed between samples, as WMI's formatted
/// performance counters are, without a background thread. The first call takes two samples
/// <see cref="DefaultFirstInterval"/> apart (so even the first query reports a real rate, at the cost of that wait);
/// later calls measure from the previous call, or — when that was less than <see cref="DefaultMinimumInterval"/> ago —
/// from the one before it, so a burst of queries does not divide by a few milliseconds.
/// </summary>
/// <typeparam name="T">The sample type.</typeparam>
public sealed class IntervalSampler<T>
    where T : class
{
    /// <summary>The wait between the two samples of the first call.</summary>
    public static readonly TimeSpan DefaultFirstInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The shortest interval a rate is computed over.</summary>
    public static readonly TimeSpan DefaultMinimumInterval = TimeSpan.FromMilliseconds(50);

    private readonly Func<T> _read;
    // Guards _previous/_current: concurrent queries from several sessions share one sampler.
    private readonly Lock _lock = new();
    private (T Sample, long At)? _previous;
    private (T Sample, long At)? _current;

    /// <summary>Samples with <paramref name="read"/>.</summary>
    public IntervalSampler(Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _read = read;
    }

    /// <summary>
    /// An earlier and a current sample at least <see cref="DefaultMinimumInterval"/> apart, and the time between them.
    /// Cancelling stops the first call's wait.
    /// </summary>
    public async ValueTask<(T Before, T After, TimeSpan Elapsed)> PairAsync(CancellationToken cancellationToken)
    {
        (T Sample, long At)? baseline;
        lock (_lock)
        {
            baseline = _current;
        }
        if (baseline is null)
        {
            baseline = (_read(), System.Diagnostics.Stopwatch.GetTimestamp());
            await Task.Delay(DefaultFirstInterval, cancellationToken).ConfigureAwait(false);
        }
        var now = (Sample: _read(), At: System.Diagnostics.Stopwatch.GetTimestamp());
        lock (_lock)
        {
            if (_current is { } current && System.Diagnostics.Stopwatch.GetElapsedTime(current.At, now.At) < DefaultMinimumInterval && _previous is { } previous)
            {
                // Too close to the last reading: measure from the one before it and keep the stored pair as it is.
                baseline = previous;
            }
            else if (_current is null || now.At > _current.Value.At)
            {
                // Concurrent first calls may finish out of order; only a newer reading replaces the stored one.
                _previous = _current ?? baseline;
                _current = now;
                baseline = _previous;
            }
        }
        var (before, at) = baseline.Value;
        return (before, now.Sample, System.Diagnostics.Stopwatch.GetElapsedTime(at, now.At));
    }
}

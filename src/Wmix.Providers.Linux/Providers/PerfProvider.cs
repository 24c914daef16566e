using System.Globalization;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Interop;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// <c>Win32_PerfFormattedData_PerfOS_Processor</c> and <c>Win32_PerfFormattedData_PerfOS_Memory</c>: rates computed
/// between two readings of the kernel's cumulative counters, as WMI's formatted classes are.
/// </summary>
/// <remarks>
/// <para><b>Sampling</b> (<see cref="IntervalSampler{T}"/>, no background thread): the provider keeps the last two
/// readings; a query measures from the previous query (or the one before it when that was under 50 ms ago). The very
/// first query of a provider takes two readings 100 ms apart, so it already reports a real rate over a short interval —
/// where WMI's first formatted sample is often 0.</para>
/// <para><b>Processor</b> (instances "0", "1", … per online CPU, then "_Total"), from <c>/proc/stat</c> ticks:
/// <c>PercentIdleTime</c> = idle + iowait; <c>PercentProcessorTime</c> = 100 − idle (as Windows derives it);
/// <c>PercentUserTime</c> = user + nice; <c>PercentPrivilegedTime</c> = system + irq + softirq (Windows' privileged time
/// includes interrupt and DPC time); <c>PercentInterruptTime</c> = irq; <c>PercentDPCTime</c> = softirq (Linux's
/// deferred interrupt work); <c>InterruptsPersec</c> from <c>/proc/interrupts</c> and <c>DPCsQueuedPersec</c> from
/// <c>/proc/softirqs</c> (per CPU; "_Total" sums them). Percentages are whole numbers in 0–100 (steal time counts as
/// neither idle nor user/privileged). <c>DPCRate</c> and the C-state counters are NULL: Linux's cpuidle states are not
/// ACPI C1/C2/C3 one to one, and many machines (VMs) expose none.</para>
/// <para><b>Memory</b> (singleton), from <c>/proc/meminfo</c> and <c>/proc/vmstat</c>: <c>AvailableBytes</c>/<c>KBytes</c>/<c>MBytes</c>
/// = MemAvailable; <c>CommittedBytes</c> = Committed_AS; <c>CommitLimit</c> = MemTotal + SwapTotal (what Windows counts:
/// RAM plus paging files), or meminfo's CommitLimit when <c>vm.overcommit_memory</c> = 2 (the limit the kernel then
/// enforces); <c>PercentCommittedBytesInUse</c> = their ratio (Linux may over-commit, so it can exceed 100);
/// <c>CacheBytes</c>/<c>SystemCacheResidentBytes</c> = Buffers + Cached; <c>FreeAndZeroPageListBytes</c> = MemFree;
/// <c>ModifiedPageListBytes</c> = Dirty + Writeback; <c>PoolNonpagedBytes</c> = SUnreclaim (kernel memory that can be
/// neither paged nor reclaimed). Rates per second between samples: <c>PageFaultsPersec</c> = pgfault;
/// <c>PageReadsPersec</c> = pgmajfault (hard faults, each a read); <c>PagesInputPersec</c>/<c>PagesOutputPersec</c> =
/// pgpgin/pgpgout converted from KiB to pages; <c>PagesPersec</c> = their sum. The Linux kernel never pages its own
/// memory, so <c>PoolPagedBytes</c> is NULL; the standby-list, transition, demand-zero, write-copy, pool-allocation,
/// system-code and page-table-entry counters have no Linux counterpart and are NULL.</para>
/// <para><b>Raw classes</b> <c>Win32_PerfRawData_PerfOS_Processor</c>/<c>_Memory</c>: one reading, no sampling; the
/// cumulative values the formatted classes are computed from, with WMI's time bases (<c>Timestamp_Sys100NS</c> as a
/// FILETIME with <c>Frequency_Sys100NS</c> = 10⁷; <c>Timestamp_PerfTime</c>/<c>Frequency_PerfTime</c> from the
/// monotonic high-resolution clock), so the usual counter-type formulas apply (see <see cref="RawProcessors"/>).</para>
/// <para>Push-down: <c>Name = …</c> on the processor classes limits the instances returned.</para>
/// </remarks>
public sealed class PerfProvider : CimProvider
{
    /// <summary>The name of the all-CPU instance.</summary>
    public const string TotalName = "_Total";

    private readonly IntervalSampler<PerfSample> _sampler = new(PerfSample.Read);

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Perf";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        .. PerfSchema.Parents.Select(c => new ProviderClassRegistration(CimSchema.Namespace, c, ProviderCapabilities.None)),
        new(CimSchema.Namespace, PerfSchema.Processor),
        new(CimSchema.Namespace, PerfSchema.Memory),
        new(CimSchema.Namespace, PerfSchema.RawProcessor),
        new(CimSchema.Namespace, PerfSchema.RawMemory),
    ];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cls);
        return EnumerateAsync(cls, PushDown.StringValues(context.Query?.Where, "Name"), cancellationToken);
    }

    private async IAsyncEnumerable<CimInstance> EnumerateAsync(CimClass cls, IReadOnlyList<string>? names,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IEnumerable<CimInstance> items;
        if (CimNames.AreEqual(cls.Name, PerfSchema.RawProcessor.Name))
        {
            items = RawProcessors(cls, PerfSample.Read(), DateTimeOffset.UtcNow, names);
        }
        else if (CimNames.AreEqual(cls.Name, PerfSchema.RawMemory.Name))
        {
            items = [RawMemory(cls, SystemSource.MemInfo(), PerfSource.VmStat(), DateTimeOffset.UtcNow, OvercommitMode())];
        }
        else if (CimNames.AreEqual(cls.Name, PerfSchema.Processor.Name))
        {
            var (before, after, elapsed) = await _sampler.PairAsync(cancellationToken).ConfigureAwait(false);
            items = Processors(cls, before, after, elapsed, names);
        }
        else if (CimNames.AreEqual(cls.Name, PerfSchema.Memory.Name))
        {
            var (before, after, elapsed) = await _sampler.PairAsync(cancellationToken).ConfigureAwait(false);
            items = [Memory(cls, SystemSource.MemInfo(), before.VmStat, after.VmStat, elapsed, OvercommitMode())];
        }
        else
        {
            items = [];
        }
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        // A cancellation after the last item still ends the call as cancelled (the singleton has only one item).
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static int? OvercommitMode() => SystemSource.ParseInt(SystemSource.ReadTrimmed("/proc/sys/vm/overcommit_memory"));

    internal static IEnumerable<CimInstance> Processors(CimClass cls, PerfSample before, PerfSample after, TimeSpan elapsed, IReadOnlyList<string>? names)
    {
        var deltas = CpuSampler.Deltas(before.Cpu, after.Cpu);
        var cpus = deltas.Keys.Where(k => k.Length > 0).OrderBy(k => int.TryParse(k, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue).ToList();
        foreach (var cpu in cpus.Append(""))
        {
            var name = cpu.Length == 0 ? TotalName : cpu;
            if (names is not null && !names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var d = deltas[cpu];
            var i = cls.SpawnInstance();
            i["Name"] = name;
            var idle = CpuSampler.Percent(d.Idle, d);
            i["PercentIdleTime"] = idle;
            i["PercentProcessorTime"] = idle is { } v ? 100 - v : null;
            i["PercentUserTime"] = CpuSampler.Percent(d.User, d);
            i["PercentPrivilegedTime"] = CpuSampler.Percent(d.System, d);
            i["PercentInterruptTime"] = CpuSampler.Percent(d.Interrupt - Math.Min(d.Interrupt, d.SoftInterrupt), d);
            i["PercentDPCTime"] = CpuSampler.Percent(d.SoftInterrupt, d);
            i["InterruptsPersec"] = Rate(Count(before.Interrupts, cpu), Count(after.Interrupts, cpu), elapsed);
            i["DPCsQueuedPersec"] = Rate(Count(before.SoftInterrupts, cpu), Count(after.SoftInterrupts, cpu), elapsed);
            yield return i;
        }
    }

    /// <summary>A CPU's counter, or the sum over every CPU for the total ("").</summary>
    private static ulong? Count(IReadOnlyDictionary<string, ulong> perCpu, string cpu)
    {
        if (cpu.Length > 0)
        {
            return perCpu.TryGetValue(cpu, out var v) ? v : null;
        }
        if (perCpu.Count == 0)
        {
            return null;
        }
        ulong sum = 0;
        foreach (var (_, v) in perCpu)
        {
            sum += v;
        }
        return sum;
    }

    /// <summary>Events per second between two counter values (a counter that went back reads as 0); null when either is unknown.</summary>
    internal static uint? Rate(ulong? before, ulong? after, TimeSpan elapsed, double scale = 1)
    {
        if (before is not { } b || after is not { } a || elapsed <= TimeSpan.Zero)
        {
            return null;
        }
        var perSecond = (a >= b ? a - b : 0) * scale / elapsed.TotalSeconds;
        return (uint)Math.Min(uint.MaxValue, Math.Round(perSecond));
    }

    internal static CimInstance Memory(CimClass cls, IReadOnlyDictionary<string, ulong> mem, IReadOnlyDictionary<string, ulong> vmBefore,
        IReadOnlyDictionary<string, ulong> vmAfter, TimeSpan elapsed, int? overcommitMode)
    {
        var i = cls.SpawnInstance();
        var (committed, limit) = MemoryGauges(i, mem, overcommitMode);
        i["PercentCommittedBytesInUse"] = committed is { } c && limit is { } l && l > 0 ? (uint)Math.Min(uint.MaxValue, Math.Round(c * 100.0 / l)) : null;
        uint? VmRate(string name, double scale = 1) => Rate(vmBefore.TryGetValue(name, out var b) ? b : null, vmAfter.TryGetValue(name, out var a) ? a : null, elapsed, scale);
        // pgpgin/pgpgout count KiB whatever the page size.
        var pagesPerKb = 1024.0 / Libc.PageSize;
        var input = VmRate("pgpgin", pagesPerKb);
        var output = VmRate("pgpgout", pagesPerKb);
        i["PageFaultsPersec"] = VmRate("pgfault");
        i["PageReadsPersec"] = VmRate("pgmajfault");
        i["PagesInputPersec"] = input;
        i["PagesOutputPersec"] = output;
        i["PagesPersec"] = input is { } pin && output is { } pout ? (uint)Math.Min(uint.MaxValue, (ulong)pin + pout) : null;
        return i;
    }

    /// <summary>
    /// The raw memory counters: the same gauges, the event counters as their cumulative values truncated to 32 bits
    /// (WMI's PERF_COUNTER_COUNTER, which wraps), and the commit fraction as numerator and base in pages.
    /// </summary>
    internal static CimInstance RawMemory(CimClass cls, IReadOnlyDictionary<string, ulong> mem, IReadOnlyDictionary<string, ulong> vm,
        DateTimeOffset now, int? overcommitMode)
    {
        var i = cls.SpawnInstance();
        SetTimestamps(i, now);
        var (committed, limit) = MemoryGauges(i, mem, overcommitMode);
        var pageSize = (ulong)Libc.PageSize;
        i["PercentCommittedBytesInUse"] = committed is { } c ? (uint)Math.Min(uint.MaxValue, c / pageSize) : null;
        i["PercentCommittedBytesInUse_Base"] = limit is { } l ? (uint)Math.Min(uint.MaxValue, l / pageSize) : null;
        uint? Counter(string name, ulong divisor = 1) => vm.TryGetValue(name, out var v) ? unchecked((uint)(v / divisor)) : null;
        var pagesPerKb = Math.Max(1, pageSize / 1024);
        var input = Counter("pgpgin", pagesPerKb);
        var output = Counter("pgpgout", pagesPerKb);
        i["PageFaultsPersec"] = Counter("pgfault");
        i["PageReadsPersec"] = Counter("pgmajfault");
        i["PagesInputPersec"] = input;
        i["PagesOutputPersec"] = output;
        i["PagesPersec"] = input is { } pin && output is { } pout ? unchecked(pin + pout) : null;
        return i;
    }

    /// <summary>The memory gauges both memory classes share; returns committed bytes and the commit limit.</summary>
    private static (ulong? Committed, ulong? Limit) MemoryGauges(CimInstance i, IReadOnlyDictionary<string, ulong> mem, int? overcommitMode)
    {
        ulong? Kb(string name) => mem.TryGetValue(name, out var v) ? v : null;
        ulong? Bytes(ulong? kb) => kb * 1024;
        var available = Kb("MemAvailable") ?? Kb("MemFree");
        i["AvailableBytes"] = Bytes(available);
        i["AvailableKBytes"] = available;
        i["AvailableMBytes"] = available / 1024;
        var committed = Bytes(Kb("Committed_AS"));
        var limit = overcommitMode == 2 && Kb("CommitLimit") is { } enforced ? enforced * 1024
            : Kb("MemTotal") is { } total ? (total + (Kb("SwapTotal") ?? 0)) * 1024 : (ulong?)null;
        i["CommittedBytes"] = committed;
        i["CommitLimit"] = limit;
        var cache = Kb("Cached") is { } cached ? cached + (Kb("Buffers") ?? 0) : (ulong?)null;
        i["CacheBytes"] = Bytes(cache);
        i["SystemCacheResidentBytes"] = Bytes(cache);
        i["FreeAndZeroPageListBytes"] = Bytes(Kb("MemFree"));
        i["ModifiedPageListBytes"] = Kb("Dirty") is { } dirty ? Bytes(dirty + (Kb("Writeback") ?? 0)) : null;
        i["PoolNonpagedBytes"] = Bytes(Kb("SUnreclaim"));
        return (committed, limit);
    }

    /// <summary>WMI's raw time bases: 100 ns wall clock (FILETIME) and the high-resolution counter.</summary>
    private static void SetTimestamps(CimInstance i, DateTimeOffset now)
    {
        i["Timestamp_Sys100NS"] = (ulong)now.ToFileTime();
        i["Frequency_Sys100NS"] = 10_000_000UL;
        i["Timestamp_PerfTime"] = (ulong)System.Diagnostics.Stopwatch.GetTimestamp();
        i["Frequency_PerfTime"] = (ulong)System.Diagnostics.Stopwatch.Frequency;
    }

    /// <summary>
    /// The raw processor counters: times in 100 ns units since boot (<c>PercentProcessorTime</c> holds the idle time,
    /// as WMI's PERF_100NSEC_TIMER_INV does, so 100 × (1 − ΔX / ΔTimestamp_Sys100NS) is the busy share), interrupt and
    /// softirq counts truncated to 32 bits. "_Total" averages the CPUs' times (so the same formula gives the machine's
    /// share) and sums their counts.
    /// </summary>
    internal static IEnumerable<CimInstance> RawProcessors(CimClass cls, PerfSample sample, DateTimeOffset now, IReadOnlyList<string>? names)
    {
        var hundredNsPerTick = 10_000_000UL / (ulong)Math.Max(1, Libc.ClockTicksPerSecond);
        var cpus = sample.Cpu.Cpus.Keys.Where(k => k.Length > 0).OrderBy(k => int.TryParse(k, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue).ToList();
        var divisor = (ulong)Math.Max(1, cpus.Count);
        foreach (var cpu in cpus.Append(""))
        {
            var name = cpu.Length == 0 ? TotalName : cpu;
            if ((names is not null && !names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                || !sample.Cpu.Cpus.TryGetValue(cpu, out var t))
            {
                continue;
            }
            var scale = cpu.Length == 0 ? divisor : 1;
            ulong Time(ulong ticks) => ticks * hundredNsPerTick / scale;
            var i = cls.SpawnInstance();
            SetTimestamps(i, now);
            i["Name"] = name;
            i["PercentProcessorTime"] = Time(t.Idle);
            i["PercentIdleTime"] = Time(t.Idle);
            i["PercentUserTime"] = Time(t.User);
            i["PercentPrivilegedTime"] = Time(t.System);
            i["PercentInterruptTime"] = Time(t.Interrupt - Math.Min(t.Interrupt, t.SoftInterrupt));
            i["PercentDPCTime"] = Time(t.SoftInterrupt);
            i["InterruptsPersec"] = Count(sample.Interrupts, cpu) is { } irqs ? unchecked((uint)irqs) : null;
            i["DPCsQueuedPersec"] = Count(sample.SoftInterrupts, cpu) is { } soft ? unchecked((uint)soft) : null;
            yield return i;
        }
    }
}

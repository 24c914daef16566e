using System.Globalization;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32PerfProcessorContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_PerfFormattedData_PerfOS_Processor";
    protected override CimProvider CreateProvider() => new PerfProvider();
    protected override int MinimumCount => 2;
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class Win32PerfMemoryContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_PerfFormattedData_PerfOS_Memory";
    protected override CimProvider CreateProvider() => new PerfProvider();
    protected override IEnumerable<string> PushDownProperties => [];
}

public sealed class Win32PerfRawProcessorContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_PerfRawData_PerfOS_Processor";
    protected override CimProvider CreateProvider() => new PerfProvider();
    protected override int MinimumCount => 2;
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class Win32PerfRawMemoryContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_PerfRawData_PerfOS_Memory";
    protected override CimProvider CreateProvider() => new PerfProvider();
    protected override IEnumerable<string> PushDownProperties => [];
}

public sealed class PerfProviderTests : IDisposable
{
    private static readonly string[] s_percentages =
        ["PercentProcessorTime", "PercentIdleTime", "PercentUserTime", "PercentPrivilegedTime", "PercentInterruptTime", "PercentDPCTime"];

    private readonly ObjectManager _manager = TestSupport.NewManager();
    private readonly CimSession _session;

    public PerfProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private async Task<List<CimInstance>> QueryAsync(string wql) =>
        [.. (await _session.QueryAsync(wql, TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>()];

    private static IReadOnlyList<string> OnlineCpus() =>
        [.. SystemSource.OnlineCpuIds().Order().Select(i => i.ToString(CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Query_Processor_OneInstancePerOnlineCpuThenTotal_PercentagesInRange()
    {
        var rows = await QueryAsync("SELECT * FROM Win32_PerfFormattedData_PerfOS_Processor");
        Assert.Equal([.. OnlineCpus(), "_Total"], rows.Select(r => (string)r["Name"]!));
        foreach (var r in rows)
        {
            foreach (var p in s_percentages)
            {
                Assert.InRange((ulong)r[p]!, 0UL, 100UL);
            }
            Assert.Equal(100UL, (ulong)r["PercentProcessorTime"]! + (ulong)r["PercentIdleTime"]!);
            // Each share is rounded on its own: allow one point per term.
            Assert.InRange((ulong)r["PercentUserTime"]! + (ulong)r["PercentPrivilegedTime"]!, 0UL, (ulong)r["PercentProcessorTime"]! + 2);
            Assert.InRange((ulong)r["PercentInterruptTime"]! + (ulong)r["PercentDPCTime"]!, 0UL, (ulong)r["PercentPrivilegedTime"]! + 2);
            Assert.NotNull(r["InterruptsPersec"]);
            Assert.NotNull(r["DPCsQueuedPersec"]);
            Assert.Null(r["PercentC1Time"]);
            Assert.Null(r["DPCRate"]);
        }
        var total = rows[^1];
        Assert.True((uint)total["InterruptsPersec"]! >= rows.Take(rows.Count - 1).Max(r => (uint)r["InterruptsPersec"]!));
    }

    [Fact]
    public async Task Query_ProcessorDuringBusyLoop_ShowsTheLoad()
    {
        // Prime the sampler, then spin on every CPU and measure across the spin: the machine is busy at least by us.
        await QueryAsync("SELECT PercentProcessorTime FROM Win32_PerfFormattedData_PerfOS_Processor WHERE Name = '_Total'");
        using var stop = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Factory.StartNew(() =>
        {
            var x = 0UL;
            while (!stop.IsCancellationRequested)
            {
                x = x * 6364136223846793005UL + 1442695040888963407UL;
            }
            return x;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
            var busy = Assert.Single(await QueryAsync("SELECT * FROM Win32_PerfFormattedData_PerfOS_Processor WHERE Name = '_Total'"));
            Assert.InRange((ulong)busy["PercentProcessorTime"]!, 80UL, 100UL);
            Assert.InRange((ulong)busy["PercentUserTime"]!, 40UL, 100UL);
            Assert.InRange((ulong)busy["PercentIdleTime"]!, 0UL, 20UL);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(spinners);
        }
    }

    [Fact]
    public async Task Query_Memory_MatchesMeminfoAndCountsFaults()
    {
        static ulong Faults() => PerfSource.VmStat()["pgfault"];
        var faultsBefore = Faults();
        await QueryAsync("SELECT * FROM Win32_PerfFormattedData_PerfOS_Memory");
        // Touch 16 MiB of freshly mapped memory: page faults happen before the next sample.
        TouchFreshMemory();
        var m = Assert.Single(await QueryAsync("SELECT * FROM Win32_PerfFormattedData_PerfOS_Memory"));
        var faultsAfter = Faults();
        var mem = SystemSource.MemInfo();
        var tolerance = mem["MemTotal"] / 20; // other processes allocate meanwhile
        Assert.InRange((long)(ulong)m["AvailableKBytes"]!, (long)mem["MemAvailable"] - (long)tolerance, (long)mem["MemAvailable"] + (long)tolerance);
        Assert.Equal((ulong)m["AvailableKBytes"]! * 1024, m["AvailableBytes"]);
        Assert.Equal((ulong)m["AvailableKBytes"]! / 1024, m["AvailableMBytes"]);
        Assert.InRange((long)((ulong)m["CommittedBytes"]! / 1024), (long)mem["Committed_AS"] - (long)tolerance, (long)mem["Committed_AS"] + (long)tolerance);
        var overcommit = (await File.ReadAllTextAsync("/proc/sys/vm/overcommit_memory", TestContext.Current.CancellationToken)).Trim();
        Assert.Equal(overcommit == "2" ? mem["CommitLimit"] * 1024 : (mem["MemTotal"] + mem["SwapTotal"]) * 1024, m["CommitLimit"]);
        Assert.Equal((uint)Math.Round((ulong)m["CommittedBytes"]! * 100.0 / (ulong)m["CommitLimit"]!), m["PercentCommittedBytesInUse"]);
        Assert.NotNull(m["CacheBytes"]);
        Assert.NotNull(m["PoolNonpagedBytes"]);
        Assert.Null(m["PoolPagedBytes"]);
        Assert.Null(m["TransitionFaultsPersec"]);
        // Some faults happened within the interval, and no more than all of the window's over the shortest interval.
        Assert.InRange((uint)m["PageFaultsPersec"]!, 1u, (uint)Math.Min(uint.MaxValue, (faultsAfter - faultsBefore) / IntervalSampler<PerfSample>.DefaultMinimumInterval.TotalSeconds));
        Assert.Equal((uint)m["PagesInputPersec"]! + (uint)m["PagesOutputPersec"]!, m["PagesPersec"]);
        var got = (CimInstance)await _session.GetAsync("Win32_PerfFormattedData_PerfOS_Memory=@", TestContext.Current.CancellationToken);
        Assert.NotNull(got["AvailableBytes"]);
    }

    [Fact]
    public async Task Query_RawProcessor_CumulativeTimesBetweenProcStatReadings_FormulaGivesAShare()
    {
        var hundredNsPerTick = 10_000_000UL / (ulong)Wmix.Providers.Linux.Interop.Libc.ClockTicksPerSecond;
        var before = CpuSample.Read();
        var first = await QueryAsync("SELECT * FROM Win32_PerfRawData_PerfOS_Processor");
        var after = CpuSample.Read();
        Assert.Equal([.. OnlineCpus(), "_Total"], first.Select(r => (string)r["Name"]!));
        foreach (var r in first.Take(first.Count - 1))
        {
            var cpu = (string)r["Name"]!;
            Assert.InRange((ulong)r["PercentIdleTime"]!, before.Cpus[cpu].Idle * hundredNsPerTick, after.Cpus[cpu].Idle * hundredNsPerTick);
            Assert.InRange((ulong)r["PercentUserTime"]!, before.Cpus[cpu].User * hundredNsPerTick, after.Cpus[cpu].User * hundredNsPerTick);
            Assert.Equal(r["PercentIdleTime"], r["PercentProcessorTime"]); // PERF_100NSEC_TIMER_INV holds the idle time
            Assert.Equal(10_000_000UL, r["Frequency_Sys100NS"]);
        }
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var second = await QueryAsync("SELECT * FROM Win32_PerfRawData_PerfOS_Processor WHERE Name = '_Total'");
        var (x0, y0) = ((ulong)first[^1]["PercentProcessorTime"]!, (ulong)first[^1]["Timestamp_Sys100NS"]!);
        var (x1, y1) = ((ulong)second[0]["PercentProcessorTime"]!, (ulong)second[0]["Timestamp_Sys100NS"]!);
        Assert.True(y1 > y0);
        // WMI's formula for the counter type; tick granularity (10 ms) over 500 ms allows a few points either way.
        var busy = 100.0 * (1 - (double)(x1 - x0) / (y1 - y0));
        Assert.InRange(busy, -5, 105);
    }

    private static unsafe void TouchFreshMemory()
    {
        var block = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc(16 << 20);
        try
        {
            for (var i = 0; i < 16 << 20; i += 4096)
            {
                block[i] = 1;
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(block);
        }
    }

    [Fact]
    public void PerCpuTotals_InterruptsTable_SumsColumnsAndSkipsGlobalRows()
    {
        var totals = PerfSource.PerCpuTotals([
            "           CPU0       CPU1       ",
            "  0:         44          0   IO-APIC   2-edge      timer",
            "LOC:     100200      99000   Local timer interrupts",
            "ERR:          0",
            "MIS:          0",
        ]);
        Assert.Equal(new Dictionary<string, ulong> { ["0"] = 100244, ["1"] = 99000 }, totals);
    }

    [Fact]
    public void Rate_CounterWentBackOrUnknown_ZeroOrNull()
    {
        Assert.Equal(50u, PerfProvider.Rate(100, 150, TimeSpan.FromSeconds(1)));
        Assert.Equal(0u, PerfProvider.Rate(150, 100, TimeSpan.FromSeconds(1)));
        Assert.Null(PerfProvider.Rate(null, 100, TimeSpan.FromSeconds(1)));
        Assert.Equal(200u, PerfProvider.Rate(0, 100, TimeSpan.FromMilliseconds(500)));
    }
}

using BenchmarkDotNet.Attributes;
using Wmix.Engine;
using Wmix.Scripting;

namespace Wmix.Benchmarks;

/// <summary>
/// SWbemSink.Cancel latency: cancelling <see cref="Calls"/> outstanding async calls on one sink, until Cancel has
/// returned (engine released everything) and every OnCompleted has been raised. Target: 10,000 in 10 ms; one call
/// cancel-to-quiesce in 50 µs. <see cref="Source"/> "idle" are operations without a producer (the shape of an event
/// subscription: sink and operation machinery only); "engine" are queries on the object manager whose provider
/// waits for cancellation (the producer's unwinding included).
/// </summary>
[MemoryDiagnoser]
public class SinkCancelBenchmarks
{
    private SWbemServicesEx _services = null!;
    private SWbemSink _sink = null!;
    private int _completed;
    private ManualResetEventSlim _allCompleted = null!;
    private OperationRegistry _registry = null!;

    /// <summary>Outstanding calls per Cancel.</summary>
    [Params(1, 10_000)]
    public int Calls { get; set; }

    /// <summary>Where the calls run.</summary>
    [Params("idle", "engine")]
    public string Source { get; set; } = "idle";

    /// <summary>Connects to the chosen source.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Source == "idle")
        {
            _services = IdleConnection.Connect(out var idle);
            _registry = idle.Operations;
        }
        else
        {
            _services = BenchNamespace.Create(0).Services;
            _registry = BenchNamespace.Engine.Operations;
        }
    }

    /// <summary>Starts the outstanding calls (not measured).</summary>
    [IterationSetup]
    public void Start()
    {
        _sink = new SWbemSink();
        _completed = 0;
        _allCompleted = new ManualResetEventSlim();
        _sink.OnCompleted += (h, e, ctx) =>
        {
            if (Interlocked.Increment(ref _completed) == Calls)
            {
                _allCompleted.Set();
            }
        };
        for (var i = 0; i < Calls; i++)
        {
            _services.ExecQueryAsync(_sink, "SELECT * FROM HangItem");
        }
        // Let the producers reach their wait so that Cancel measures cancelling, not starting.
        while (_registry.Count < Calls)
        {
            Thread.Yield();
        }
        Thread.Sleep(Source == "engine" && Calls > 1 ? 500 : 1);
    }

    /// <summary>Cancel() returns once the engine has released every call; then wait for the last OnCompleted.</summary>
    [Benchmark]
    public void CancelAllAndDeliverCompletions()
    {
        _sink.Cancel();
        _allCompleted.Wait();
    }
}

/// <summary>
/// Result delivery from an in-memory provider with 1,000,000 instances: through SWbemSink (target ≥ 1,000,000
/// OnObjectReady/s) and by semi-synchronous forward-only enumeration (target ≥ 2,000,000/s). Each operation is
/// one full query; divide 1,000,000 by the mean time.
/// </summary>
[MemoryDiagnoser]
public class SinkDeliveryBenchmarks
{
    private SWbemServicesEx _services = null!;

    /// <summary>Builds the million-instance namespace once.</summary>
    [GlobalSetup]
    public void Setup() => _services = BenchNamespace.Million.Services;

    /// <summary>Baseline: the engine alone, the same query drained from a channel sink with no scripting layer.</summary>
    [Benchmark(Baseline = true)]
    public int EngineOnlyChannelDrain()
    {
        using var connection = BenchNamespace.Engine.Connect(BenchNamespace.MillionNamespace);
        var sink = new ChannelOperationSink();
        connection.ExecQuery("SELECT * FROM BenchItem", "WQL", CallOptions.Default, sink);
        var count = 0;
        while (sink.TryTake(out _))
        {
            count++;
        }
        return count;
    }

    /// <summary>ExecQueryAsync through an SWbemSink; counts OnObjectReady until OnCompleted.</summary>
    [Benchmark]
    public int AsyncThroughSink()
    {
        var sink = new SWbemSink();
        var count = 0;
        using var done = new ManualResetEventSlim();
        sink.OnObjectReady += (o, ctx) => count++;
        sink.OnCompleted += (h, e, ctx) => done.Set();
        _services.ExecQueryAsync(sink, "SELECT * FROM BenchItem");
        done.Wait();
        return count;
    }

    /// <summary>ExecQuery with wbemFlagReturnImmediately | wbemFlagForwardOnly, enumerated.</summary>
    [Benchmark]
    public int SemiSyncForwardOnly()
    {
        var count = 0;
        foreach (var o in _services.ExecQuery("SELECT * FROM BenchItem", "WQL", 48))
        {
            count++;
        }
        return count;
    }
}

/// <summary>
/// Memory of async calls: allocations to start one call that stays outstanding (a never-ending query) and cancel
/// it, per call (target: ≤ 2 KB per outstanding call). <see cref="RetainedBytesPerCall"/> reports what stays
/// allocated while 10,000 calls are outstanding.
/// </summary>
[MemoryDiagnoser]
public class SinkMemoryBenchmarks
{
    private const int Calls = 1000;
    private SWbemServicesEx _services = null!;

    /// <summary>One namespace with the never-ending HangItem class.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var idle = IdleConnection.Connect(out var idleConnection);
        Console.WriteLine($"// Retained bytes per outstanding async call (idle operation): {RetainedBytesPerCall(idle, idleConnection.Operations, 10_000):N0}");
        _services = BenchNamespace.Create(0).Services;
        Console.WriteLine($"// Retained bytes per outstanding async call (engine query, provider waiting): {RetainedBytesPerCall(_services, BenchNamespace.Engine.Operations, 10_000):N0}");
    }

    /// <summary>Starts 1,000 outstanding calls on one sink and cancels them; Allocated is per call.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public void StartAndCancelOutstandingCalls()
    {
        var sink = new SWbemSink();
        for (var i = 0; i < Calls; i++)
        {
            _services.ExecQueryAsync(sink, "SELECT * FROM HangItem");
        }
        sink.Cancel();
    }

    /// <summary>Heap growth while <paramref name="calls"/> calls are outstanding, per call.</summary>
    public static long RetainedBytesPerCall(SWbemServicesEx services, OperationRegistry registry, int calls)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(registry);
        var sink = new SWbemSink();
        services.ExecQueryAsync(sink, "SELECT * FROM HangItem");
        sink.Cancel();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < calls; i++)
        {
            services.ExecQueryAsync(sink, "SELECT * FROM HangItem");
        }
        while (registry.Count < calls)
        {
            Thread.Yield();
        }
        Thread.Sleep(500);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        sink.Cancel();
        return (after - before) / calls;
    }
}

using BenchmarkDotNet.Attributes;
using Wmix.Engine;

namespace Wmix.Benchmarks;

/// <summary>
/// Query delivery: an in-memory provider's instances streamed through the engine (locate, freeze, deliver) into a
/// <see cref="ChannelOperationSink"/> read the semi-synchronous way (a blocking forward-only walk), and the same read
/// with <c>await foreach</c>. Divide <see cref="Count"/> by the time for objects per second; the allocation per object
/// should be the instance itself (spawned by the provider: the instance and its value array, plus the boxed Id).
/// </summary>
[MemoryDiagnoser]
public class EngineQueryBenchmarks
{
    private ObjectManager _manager = null!;
    private EngineBenchmarkProvider _provider = null!;
    private Wmix.Cim.CimClass _class = null!;
    private ICimConnection _connection = null!;

    /// <summary>How many instances the provider streams.</summary>
    [Params(1_000_000)]
    public int Count { get; set; }

    /// <summary>An object manager with the benchmark provider.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _manager = new ObjectManager();
        _provider = new EngineBenchmarkProvider(Count);
        _manager.RegisterProvider(_provider);
        _connection = _manager.Connect(@"root\cimv2");
        var sink = new ChannelOperationSink();
        _connection.GetObject("Bench_Item", CallOptions.Default, sink);
        sink.TryTake(out var cls);
        _class = (Wmix.Cim.CimClass)cls!;
    }

    /// <summary>Releases the object manager.</summary>
    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    /// <summary>InstancesOf, read like a semi-synchronous SWbemObjectSet (blocking TryTake).</summary>
    [Benchmark(Baseline = true)]
    public int InstancesOf_SemiSync()
    {
        var sink = new ChannelOperationSink();
        _connection.InstancesOf("Bench_Item", CallOptions.Default, sink);
        var n = 0;
        while (sink.TryTake(out _))
        {
            n++;
        }
        return n == Count ? n : throw new InvalidOperationException($"read {n} of {Count}");
    }

    /// <summary>The provider alone, without the engine: what producing the instances costs by itself.</summary>
    [Benchmark]
    public async Task<int> Provider_DirectAsync()
    {
        var n = 0;
        await foreach (var _ in _provider.EnumerateInstancesAsync(null!, _class, CancellationToken.None))
        {
            n++;
        }
        return n;
    }

    /// <summary><c>SELECT * FROM Bench_Item</c>, read the same way (adds the query parse and the WHERE-less filter path).</summary>
    [Benchmark]
    public int Query_SemiSync()
    {
        var sink = new ChannelOperationSink();
        _connection.ExecQuery("SELECT * FROM Bench_Item", "WQL", CallOptions.Default, sink);
        var n = 0;
        while (sink.TryTake(out _))
        {
            n++;
        }
        return n == Count ? n : throw new InvalidOperationException($"read {n} of {Count}");
    }

    /// <summary>InstancesOf through <see cref="CimSession"/> and <c>await foreach</c>.</summary>
    [Benchmark]
    public async Task<int> InstancesOf_AwaitForeachAsync()
    {
        using var session = new CimSession(_manager.Connect(@"root\cimv2"));
        var n = 0;
        await foreach (var _ in session.InstancesAsync("Bench_Item"))
        {
            n++;
        }
        return n;
    }
}

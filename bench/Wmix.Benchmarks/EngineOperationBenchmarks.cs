using BenchmarkDotNet.Attributes;
using Wmix.Engine;

namespace Wmix.Benchmarks;

/// <summary>
/// The cost of an operation: <c>StartAndCancelAsync</c> allocates everything an outstanding operation holds (operation,
/// cancellation source, completion sources, registry entry, connection tracking, producer task), so its Allocated
/// column bounds the memory per outstanding CimOperation; <c>Outstanding1000Async</c> starts 1,000 operations whose provider
/// waits for cancellation, then cancels them all and waits until they are quiesced.
/// </summary>
[MemoryDiagnoser]
public class EngineOperationBenchmarks
{
    private sealed class NullSink : IOperationSink
    {
        public bool TryWriteObject(Wmix.Cim.CimObject value) => true;

        public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) => new(true);

        public void OnProgress(int upperBound, int current, string? message)
        {
        }

        public void OnObjectPut(Wmix.Cim.CimObjectPath path)
        {
        }

        public void OnCompleted(OperationStatus status)
        {
        }
    }

    private readonly NullSink _sink = new();
    private readonly CimOperation[] _outstanding = new CimOperation[1000];
    private ObjectManager _manager = null!;
    private ICimConnection _connection = null!;

    /// <summary>An object manager whose provider waits until cancelled.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _manager = new ObjectManager();
        _manager.RegisterProvider(new EngineBenchmarkProvider(1, waitForCancel: true));
        _connection = _manager.Connect(@"root\cimv2");
        MeasureRetained();
    }

    /// <summary>Prints the managed memory retained per outstanding operation (running, provider waiting).</summary>
    private void MeasureRetained()
    {
        const int N = 10_000;
        var operations = new CimOperation[N];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < N; i++)
        {
            operations[i] = _connection.InstancesOf("Bench_Item", CallOptions.Default, _sink);
        }
        while (_manager.Operations.Count < N)
        {
            Thread.Sleep(1);
        }
        Thread.Sleep(200);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var operation in operations)
        {
            operation.Cancel();
        }
        foreach (var operation in operations)
        {
            operation.Quiesced.GetAwaiter().GetResult();
        }
        Console.WriteLine($"// Retained per outstanding operation: {(after - before) / (double)N:F0} bytes");
    }

    /// <summary>Releases the object manager.</summary>
    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    /// <summary>Starts an InstancesOf and cancels it before its producer runs.</summary>
    [Benchmark(Baseline = true)]
    public Task StartAndCancelAsync()
    {
        var operation = _connection.InstancesOf("Bench_Item", CallOptions.Default, _sink);
        operation.Cancel();
        return operation.Quiesced;
    }

    /// <summary>1,000 outstanding operations, all cancelled, awaited until quiesced.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public async Task Outstanding1000Async()
    {
        for (var i = 0; i < _outstanding.Length; i++)
        {
            _outstanding[i] = _connection.InstancesOf("Bench_Item", CallOptions.Default, _sink);
        }
        foreach (var operation in _outstanding)
        {
            operation.Cancel();
        }
        foreach (var operation in _outstanding)
        {
            await operation.Quiesced;
        }
    }
}

using System.Diagnostics;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

/// <summary>
/// Leak checks that can fail: a million start-and-cancel cycles must leave no operation registered and no managed
/// memory growth beyond a few megabytes.
/// </summary>
public sealed class LeakTests : EngineTestBase
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

    [Fact]
    public async Task StartAndCancel_OneMillionCycles_NoOperationsLeftAndBoundedMemory()
    {
        Manager.RegisterProvider(new TestProvider(count: 5));
        var sink = new NullSink();
        const int Cycles = 1_000_000;
        const int Batch = 2_000;

        async Task RunBatchAsync(int count)
        {
            var operations = new CimOperation[count];
            for (var i = 0; i < count; i++)
            {
                operations[i] = Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, sink);
                operations[i].Cancel();
            }
            foreach (var operation in operations)
            {
                await operation.Quiesced;
            }
        }

        // Warm up (JIT, pools), then measure.
        await RunBatchAsync(Batch);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < Cycles; done += Batch)
        {
            await RunBatchAsync(Batch);
        }
        clock.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(0, Manager.Operations.Count);
        Assert.Equal(0, Manager.GetDiagnostics().OutstandingOperations);
        var growth = after - before;
        TestContext.Current.SendDiagnosticMessage($"{Cycles:N0} cycles in {clock.Elapsed.TotalSeconds:F1} s; managed memory {before:N0} -> {after:N0} bytes");
        Assert.True(growth < 4 * 1024 * 1024, $"managed memory grew by {growth:N0} bytes over {Cycles:N0} cycles");
        // A generous bound: the machine is shared; the figure that matters is in the diagnostic message (about 15 s when idle).
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"{Cycles:N0} cycles took {clock.Elapsed}");
    }
}

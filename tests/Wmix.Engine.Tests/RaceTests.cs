using System.Collections.Concurrent;
using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

/// <summary>
/// Seeded random interleavings of start, cancel and natural completion across many operations and threads: every
/// operation gets exactly one OnCompleted, nothing after it, and the registry is empty once everything is quiesced.
/// </summary>
public sealed class RaceTests : EngineTestBase
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomStartCancelComplete_ManyThreads_ExactlyOneCompletionEach(int seed)
    {
        var provider = new TestProvider(count: 20);
        Manager.RegisterProvider(provider);
        var b = await DefineAsync(TestSchema.Base());
        for (var i = 0u; i < 10; i++)
        {
            await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", i))));
        }
        var slow = ((CimClass)(await GetAsync(TestProvider.ClassName)).Objects.Single()).Methods.Find("Slow")!.InParameters!;

        const int Workers = 8;
        const int PerWorker = 400;
        var started = new ConcurrentBag<(CimOperation Operation, RecordingSink Sink)>();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + w);
            for (var i = 0; i < PerWorker; i++)
            {
                var sink = new RecordingSink();
                CimOperation operation = random.Next(7) switch
                {
                    0 => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, sink),
                    1 => Connection.ExecQuery("SELECT Name FROM Test_Base WHERE Id < 5", "WQL", CallOptions.Default, sink),
                    2 => Connection.GetObject($"Test_Base.Id={random.Next(12)}", CallOptions.Default, sink),
                    3 => Connection.Put(TestSchema.New(b, ("Id", (uint)(100 + random.Next(20)))), CallOptions.Default, sink),
                    4 => Connection.Delete($"Test_Base.Id={100 + random.Next(20)}", CallOptions.Default, sink),
                    5 => Connection.ExecMethod("Test_Item.Id=1", "Slow", SlowArgs(slow, random.Next(3)), CallOptions.Default, sink),
                    _ => Connection.ExecQuery("ASSOCIATORS OF {Test_Base.Id=1}", "WQL", CallOptions.Default, sink),
                };
                started.Add((operation, sink));
                switch (random.Next(4))
                {
                    case 0:
                        operation.Cancel();
                        break;
                    case 1:
                        for (var spin = random.Next(200); spin > 0; spin--)
                        {
                            Thread.SpinWait(10);
                        }
                        operation.Cancel();
                        break;
                    case 2:
                        // Two cancels racing from different threads, plus the natural end.
                        var other = Task.Run(() => operation.Cancel());
                        operation.Cancel();
                        await other;
                        break;
                    default:
                        break;
                }
                if (random.Next(10) == 0)
                {
                    await Task.Yield();
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60), Token);

        foreach (var (operation, _) in started)
        {
            await operation.Quiesced.WaitAsync(TimeSpan.FromSeconds(30), Token);
        }
        Assert.Equal(Workers * PerWorker, started.Count);
        foreach (var (operation, sink) in started)
        {
            Assert.Equal(1, sink.Completions);
            Assert.False(sink.Violated, $"operation {operation} reported after OnCompleted");
            var status = await sink.Completed;
            Assert.Equal(status, await operation.Completion);
            Assert.True(status.IsSuccess || status.Code is WbemErrorEnum.wbemErrCallCancelled or WbemErrorEnum.wbemErrNotFound,
                $"{operation}: {status.Code} {status.Message}");
        }
        Assert.Equal(0, Manager.Operations.Count);
        Assert.Equal(0, provider.Active);
    }

    private static CimInstance SlowArgs(CimClass shape, int milliseconds)
    {
        var args = shape.SpawnInstance();
        args["Milliseconds"] = (uint)milliseconds;
        return args;
    }

    [Fact]
    public async Task DeliverCompleteCancel_RawOperations_NothingAfterTheEnd()
    {
        // The protocol at its lowest level: producers delivering while other threads complete and cancel.
        var registry = new OperationRegistry();
        var random = new Random(42);
        var pending = new List<(CimOperation Operation, RecordingSink Sink)>();
        for (var i = 0; i < 2000; i++)
        {
            var sink = new RecordingSink();
            var operation = new CimOperation(OperationKind.Query, "root", "race", sink, registry);
            var items = random.Next(50);
            operation.Run(async op =>
            {
                var probe = new Wmix.Cim.CimClass("Probe").Freeze();
                for (var n = 0; n < items; n++)
                {
                    if (!await op.DeliverAsync(probe))
                    {
                        return;
                    }
                }
            });
            var action = random.Next(3);
            if (action == 0)
            {
                _ = Task.Run(() => operation.Cancel(), Token);
            }
            else if (action == 1)
            {
                _ = Task.Run(() => operation.Complete(OperationStatus.Success), Token);
            }
            pending.Add((operation, sink));
        }
        foreach (var (operation, sink) in pending)
        {
            await operation.Quiesced.WaitAsync(TimeSpan.FromSeconds(30), Token);
            Assert.Equal(1, sink.Completions);
            Assert.False(sink.Violated);
        }
        Assert.Equal(0, registry.Count);
    }
}

using System.Collections.Concurrent;

namespace Wmix.Engine.Tests.Events;

/// <summary>
/// Random interleavings of subscribe, raise and cancel on several threads: every subscription ends with exactly one
/// OnCompleted(wbemErrCallCancelled), nothing reaches a sink after it, and nothing is left running afterwards.
/// </summary>
public sealed class EventRaceTests : IDisposable
{
    private static readonly string[] s_queries =
    [
        "SELECT * FROM Test_ProcessTrace",
        "SELECT * FROM Test_ProcessStartTrace WHERE ProcessName = 'p1'",
        "SELECT * FROM Test_ProcessTrace GROUP WITHIN 1 BY Sender",
        "SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA 'C'",
        "SELECT * FROM __InstanceCreationEvent WITHIN 0.1 WHERE TargetInstance ISA 'Poll_Item'",
        "SELECT * FROM __InstanceOperationEvent WITHIN 0.2 WHERE TargetInstance ISA 'Poll_Item' OR TargetInstance ISA 'C'",
        "SELECT * FROM __Event",
    ];

    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;
    private readonly TraceProvider _traces;
    private readonly PolledProvider _polled = new();

    public EventRaceTests()
    {
        _connection = _manager.Connect(EventTestHelpers.Cimv2);
        _traces = new TraceProvider(_manager.GetClass(EventTestHelpers.Cimv2, "__ExtrinsicEvent")!);
        _manager.RegisterProvider(_traces);
        _manager.RegisterProvider(_polled);
    }

    public void Dispose() => _manager.Dispose();

    [Fact]
    public async Task SubscribeRaiseCancel_RandomInterleavings_ExactlyOneCompletionAndNothingLeft()
    {
        await _manager.PutClassAsync(_connection, "C");
        var all = new ConcurrentBag<(CimOperation Op, RecordingSink Sink)>();
        var outstanding = new ConcurrentQueue<CimOperation>();
        const int Threads = 4;
        const int StepsPerThread = 1500;

        async Task WorkerAsync(int seed)
        {
            var random = new Random(seed);
            for (var step = 0; step < StepsPerThread; step++)
            {
                switch (random.Next(10))
                {
                    case < 4:
                        {
                            var sink = new RecordingSink();
                            var op = _connection.Subscribe(s_queries[random.Next(s_queries.Length)], sink);
                            all.Add((op, sink));
                            outstanding.Enqueue(op);
                            break;
                        }
                    case < 7:
                        _traces.Raise(random.Next(2) == 0 ? "Test_ProcessStartTrace" : "Test_ProcessStopTrace", $"p{random.Next(3)}", $"s{random.Next(2)}");
                        break;
                    case 7:
                        if (random.Next(4) == 0)
                        {
                            await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", $"n{random.Next(20)}", (uint)random.Next(3)));
                        }
                        else
                        {
                            _polled.Set($"p{random.Next(5)}", (uint)random.Next(3));
                        }
                        break;
                    default:
                        if (outstanding.TryDequeue(out var victim))
                        {
                            victim.Cancel();
                        }
                        break;
                }
                if (step % 100 == 0)
                {
                    await Task.Yield();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(i => Task.Run(() => WorkerAsync(1000 + i), TestContext.Current.CancellationToken)));
        // Cancel what is left from several threads at once, racing raises.
        var raising = Task.Run(() =>
        {
            for (var i = 0; i < 2000; i++)
            {
                _traces.Raise("Test_ProcessStartTrace", "p1");
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            while (outstanding.TryDequeue(out var op))
            {
                op.Cancel();
            }
        }, TestContext.Current.CancellationToken)));
        await raising;

        Assert.True(all.Count > 1000, $"only {all.Count} subscriptions");
        foreach (var (op, sink) in all)
        {
            Assert.True(op.IsEnded);
            var status = Assert.Single(sink.Completions);
            Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, status.Code);
            Assert.Equal(0, sink.AfterCompletion);
            Assert.False(op.Cancel());
        }
        // Let any poll that was in flight at its cancel unwind, then nothing may be running or scheduled.
        await Task.Delay(300, TestContext.Current.CancellationToken);
        var sinksBefore = all.Sum(x => x.Sink.Objects.Count);
        _traces.Raise("Test_ProcessStartTrace", "p1");
        _polled.Set("late", 1);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(sinksBefore, all.Sum(x => x.Sink.Objects.Count));
        _manager.AssertClean();
        Assert.False(_traces.IsOpen);
        Assert.Equal(_traces.Opens, _traces.Closes);
        Assert.Empty(_manager.Events.Pollers);
    }
}

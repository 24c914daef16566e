using System.Collections.Concurrent;
using Wmix.Scripting.Tests.Support;

namespace Wmix.Scripting.Tests;

/// <summary>
/// Cancel races on purpose: seeded random interleavings of start, deliver, complete, Cancel and Cancel-from-a-handler
/// across several sinks and threads.
/// </summary>
public sealed class SinkRaceTests
{
    private sealed class CallLog
    {
        public int Completions;
        public long CompletedSeq;
        public long LastEventSeq;
        public int EventsAfterCompletion;
    }

    [Theory]
    [InlineData(1, 700)]
    [InlineData(2, 700)]
    [InlineData(3, 700)]
    public async Task RandomInterleavings_ExactlyOneCompletion_NothingAfterCancel_NothingLeft(int seedBase, int rounds)
    {
        var conn = new ScriptedConnection();
        var svc = new SWbemServicesEx(conn);
        var calls = new ConcurrentDictionary<int, CallLog>();
        var violations = new ConcurrentQueue<string>();
        var nextId = 0;

        await Parallel.ForAsync(0, rounds, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (round, ct) =>
        {
            var rng = new Random(seedBase * 1_000_003 + round);
            var sinks = new SWbemSink[rng.Next(1, 4)];
            // Per sink: the ids started before each Cancel began, and the seq when that Cancel returned.
            var cancelMarks = new ConcurrentQueue<(int[] Ids, long Returned)>();
            var startedBySink = new ConcurrentDictionary<int, int>[sinks.Length];
            for (var s = 0; s < sinks.Length; s++)
            {
                var sink = sinks[s] = new SWbemSink(capacity: rng.Next(1, 64));
                startedBySink[s] = new ConcurrentDictionary<int, int>();
                var cancelInHandler = rng.Next(4) == 0;
                var handlerCancelDone = 0;
                sink.OnObjectReady += (o, ctx) =>
                {
                    var id = (int)ctx!.Item("id").Value!;
                    var log = calls[id];
                    if (id % 5 == 0)
                    {
                        // A handler that takes a moment between being entered and recording: Cancel must wait for it.
                        Thread.Sleep(1);
                    }
                    var seq = SinkRecorder.NextSeq();
                    if (Volatile.Read(ref log.Completions) > 0)
                    {
                        Interlocked.Increment(ref log.EventsAfterCompletion);
                    }
                    Interlocked.Exchange(ref log.LastEventSeq, seq);
                    if (cancelInHandler && Interlocked.Exchange(ref handlerCancelDone, 1) == 0)
                    {
                        sink.Cancel();
                    }
                };
                sink.OnCompleted += (h, e, ctx) =>
                {
                    var log = calls[(int)ctx!.Item("id").Value!];
                    Interlocked.Exchange(ref log.CompletedSeq, SinkRecorder.NextSeq());
                    Interlocked.Increment(ref log.Completions);
                    if (h is not (WbemErrorEnum.wbemNoErr or WbemErrorEnum.wbemErrCallCancelled))
                    {
                        violations.Enqueue($"call {ctx.Item("id").Value} completed with {h}");
                    }
                };
            }
            var steps = rng.Next(2, 12);
            for (var step = 0; step < steps; step++)
            {
                var s = rng.Next(sinks.Length);
                switch (rng.Next(6))
                {
                    case 0 or 1 or 2:
                        var id = Interlocked.Increment(ref nextId);
                        calls[id] = new CallLog();
                        var ctx = SinkRecorder.Context(id);
                        var provider = new SWbemNamedValueSet();
                        provider.Add("count", rng.Next(0, 300));
                        startedBySink[s][id] = 0;
                        switch (rng.Next(3))
                        {
                            case 0:
                                svc.ExecQueryAsync(sinks[s], "SELECT * FROM Gen", "WQL", 0, provider, ctx);
                                break;
                            case 1:
                                svc.ExecNotificationQueryAsync(sinks[s], "SELECT * FROM TestEvent", objWbemAsyncContext: ctx);
                                break;
                            default:
                                svc.GetAsync(sinks[s], "Base.Name=\"b1\"", objWbemAsyncContext: ctx);
                                break;
                        }
                        break;
                    case 3:
                        conn.Fire((uint)step);
                        break;
                    case 4:
                        var before = startedBySink[s].Keys.ToArray();
                        sinks[s].Cancel();
                        var returned = SinkRecorder.NextSeq();
                        foreach (var cid in before)
                        {
                            var log = calls[cid];
                            // A call may have completed naturally before; otherwise its last non-final event precedes the return.
                            if (Volatile.Read(ref log.LastEventSeq) > returned)
                            {
                                violations.Enqueue($"call {cid}: an event after Cancel returned");
                            }
                        }
                        cancelMarks.Enqueue((before, returned));
                        break;
                    default:
                        await Task.Yield();
                        break;
                }
            }
            foreach (var sink in sinks)
            {
                sink.Cancel();
            }
            var all = startedBySink.SelectMany(d => d.Keys).ToArray();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (all.Any(id => Volatile.Read(ref calls[id].Completions) == 0) && sw.ElapsedMilliseconds < 10_000)
            {
                await Task.Delay(1, ct);
            }
            foreach (var (ids, returned) in cancelMarks)
            {
                foreach (var cid in ids)
                {
                    if (Volatile.Read(ref calls[cid].LastEventSeq) > returned)
                    {
                        violations.Enqueue($"call {cid}: an event after Cancel returned (late)");
                    }
                }
            }
            GC.KeepAlive(sinks);
        });

        Assert.Empty(violations);
        foreach (var (id, log) in calls)
        {
            Assert.True(log.Completions == 1, $"call {id}: {log.Completions} completions");
            Assert.True(log.EventsAfterCompletion == 0, $"call {id}: events after its completion");
        }
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (conn.Operations.Count > 0 && wait.ElapsedMilliseconds < 5000)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.Equal(0, conn.Operations.Count);
        Assert.Equal(0, conn.SubscriptionCount);
    }
}

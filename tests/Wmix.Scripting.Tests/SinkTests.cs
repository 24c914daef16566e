using Wmix.Scripting.Tests.Support;

namespace Wmix.Scripting.Tests;

/// <summary>SWbemSink delivery and Cancel (spec §1, vectors 1–15), against real engine operations.</summary>
public sealed class SinkTests
{
    private readonly ScriptedConnection _conn = new();
    private readonly SWbemServicesEx _svc;

    public SinkTests() => _svc = new SWbemServicesEx(_conn);

    private static void WaitUntil(Func<bool> condition, int timeoutMs = 10_000)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.ElapsedMilliseconds < timeoutMs, "condition not reached in time");
            Thread.Sleep(5);
        }
    }

    private async Task AssertEngineReleasedAsync()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (_conn.Operations.Count > 0 && sw.ElapsedMilliseconds < 5000)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.Equal(0, _conn.Operations.Count);
    }

    [Fact]
    public async Task Cancel_ThreeSlowQueriesOnSinkA_EachGetsOneCancelledCompletionAndSinkBFinishes()
    {
        // Vector 1 (and 2, 3).
        var a = new SinkRecorder();
        var b = new SinkRecorder();
        for (var id = 1; id <= 3; id++)
        {
            _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(id));
        }
        _conn.SlowCount = 20;
        _svc.ExecQueryAsync(b.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(9));
        WaitUntil(() => a.Events.Count(e => e.Kind == "OR") >= 3);

        a.Sink.Cancel();
        var cancelReturned = SinkRecorder.NextSeq();

        for (var id = 1; id <= 3; id++)
        {
            Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(id));
        }
        Assert.Equal(WbemErrorEnum.wbemNoErr, b.WaitCompleted(9, 20_000));
        for (var id = 1; id <= 3; id++)
        {
            var events = a.For(id);
            Assert.Single(events, e => e.Kind == "OC");
            Assert.Equal("OC", events[^1].Kind);
            Assert.DoesNotContain(events, e => e.Kind != "OC" && e.Seq > cancelReturned);
            Assert.Null(events[^1].Error);
        }
        Assert.Equal(20, b.For(9).Count(e => e.Kind == "OR"));
        Assert.Equal(0, a.Sink.OutstandingCalls);
        await AssertEngineReleasedAsync();
    }

    [Fact]
    public void Cancel_NothingOutstanding_NoErrorNoEvents()
    {
        // Vector 5 (C11).
        var a = new SinkRecorder();
        a.Sink.Cancel();
        a.Sink.Cancel();
        Assert.Empty(a.Events);
    }

    [Fact]
    public void Cancel_AfterCompletion_NoSecondCompletion()
    {
        // Vector 6.
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Base", objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        a.Sink.Cancel();
        Thread.Sleep(50);
        Assert.Single(a.For(1), e => e.Kind == "OC");
    }

    [Fact]
    public void Cancel_ImmediatelyAfterDeleteAsync_ExactlyOneCompletion()
    {
        // Vector 7: either the real result or wbemErrCallCancelled, never both.
        for (var i = 0; i < 50; i++)
        {
            _conn.AddInstance("Base", "d" + i, 1);
            var a = new SinkRecorder();
            _svc.DeleteAsync(a.Sink, $"Base.Name=\"d{i}\"", objWbemAsyncContext: SinkRecorder.Context(i));
            a.Sink.Cancel();
            var code = a.WaitCompleted(i);
            Assert.True(code is WbemErrorEnum.wbemNoErr or WbemErrorEnum.wbemErrCallCancelled, code.ToString());
            Thread.Sleep(1);
            Assert.Single(a.Events);
        }
    }

    [Fact]
    public async Task Cancel_SlowMethod_ClientSeesCancelledButProviderRunsToCompletion()
    {
        // Vector 8 (C8).
        var a = new SinkRecorder();
        var inParams = _svc.Get("Proc").Methods_.Item("Sleep").InParameters!.SpawnInstance_();
        inParams.Properties_.Item("Ms").Value = 1000;
        _svc.ExecMethodAsync(a.Sink, "Proc", "Sleep", inParams, objWbemAsyncContext: SinkRecorder.Context(1));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        a.Sink.Cancel();
        Assert.True(sw.ElapsedMilliseconds < 500, "Cancel must not wait for the method");
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(1));
        Assert.False(_conn.SleepFinished.Task.IsCompleted);
        await _conn.SleepFinished.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(a.Events, e => e.Kind == "OR");
        await AssertEngineReleasedAsync();
    }

    [Fact]
    public async Task NotificationQuery_EventsFlow_NoCompletionUntilCancelThenExactlyOne()
    {
        // Vector 9.
        var a = new SinkRecorder();
        _svc.ExecNotificationQueryAsync(a.Sink, "SELECT * FROM TestEvent", objWbemAsyncContext: SinkRecorder.Context(1));
        for (uint i = 0; i < 20; i++)
        {
            Assert.Equal(1, _conn.Fire(i));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        WaitUntil(() => a.Events.Count >= 20);
        Assert.DoesNotContain(a.Events, e => e.Kind == "OC");
        a.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(1));
        Assert.Equal(0, _conn.Fire(99));
        Assert.Equal(0, _conn.SubscriptionCount);
        Assert.Single(a.Events, e => e.Kind == "OC");
        await AssertEngineReleasedAsync();
    }

    [Fact]
    public void Cancel_FailingConnectionCancel_RaisesDocumentedCode()
    {
        // Vector 10 / C10: the seam where a connection's cancel can fail.
        _svc.Canceller = op =>
        {
            op.Cancel();
            return new WbemException(WbemErrorEnum.wbemErrTransportFailure, "transport down");
        };
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(1));
        var e = Assert.Throws<WbemException>(a.Sink.Cancel);
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, e.ErrorCode);

        _svc.Canceller = _ => new InvalidOperationException("boom");
        var b = new SinkRecorder();
        _svc.ExecQueryAsync(b.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(2));
        e = Assert.Throws<WbemException>(b.Sink.Cancel);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, e.ErrorCode);
        _svc.Canceller = null;
        b.Sink.Cancel();
    }

    [Fact]
    public void Sink_ReusedAfterCancel_NewCallCompletesNormally()
    {
        // Vector 11 (C12).
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(1));
        a.Sink.Cancel();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Base", objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(2));
        Assert.Equal(3, a.For(2).Count(e => e.Kind == "OR"));
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(1));
    }

    [Fact]
    public void Handler_Throws_DeliveryContinuesAndSingleCompletion()
    {
        // Vector 12 (rule 12).
        var sink = new SWbemSink();
        var count = 0;
        sink.OnObjectReady += (o, ctx) =>
        {
            Interlocked.Increment(ref count);
            throw new InvalidOperationException("handler bug");
        };
        sink.OnCompleted += (h, e, ctx) => throw new InvalidOperationException("handler bug in OnCompleted");
        var a = new SinkRecorder(sink);
        _svc.ExecQueryAsync(sink, "SELECT * FROM Base", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.ExecQueryAsync(sink, "SELECT * FROM Child", objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(2));
        Assert.Equal(5, Volatile.Read(ref count));
        Assert.Equal(3, a.For(1).Count(e => e.Kind == "OR"));
        Assert.Single(a.For(1), e => e.Kind == "OC");
    }

    [Theory]
    [InlineData("SELECT * FROM Base", 3)]
    [InlineData("SELECT * FROM GrandChild", 1)]
    [InlineData("SELECT * FROM Gen", 10)]
    public void ExecQueryAsync_Matches_ObjectReadyPerResultThenCompletedLast(string query, int expected)
    {
        // Vector 13.
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, query, objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        var events = a.For(1);
        Assert.Equal(expected, events.Count(e => e.Kind == "OR"));
        Assert.Equal("OC", events[^1].Kind);
        Assert.Equal(expected + 1, events.Count);
    }

    [Fact]
    public void ExecQueryAsync_NoMatch_OnlyCompleted()
    {
        _conn.SlowCount = 0;
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        Assert.Single(a.Events);
    }

    [Fact]
    public void Progress_OnlyWithSendStatus_BeforeCompleted()
    {
        // Vector 14.
        _conn.SlowCount = 3;
        _conn.ItemDelay = TimeSpan.Zero;
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Slow", iFlags: (int)WbemFlagEnum.wbemFlagSendStatus, objWbemAsyncContext: SinkRecorder.Context(2));
        a.WaitCompleted(1);
        a.WaitCompleted(2);
        Assert.DoesNotContain(a.For(1), e => e.Kind == "PR");
        var withStatus = a.For(2);
        Assert.Equal(3, withStatus.Count(e => e.Kind == "PR"));
        Assert.Equal("OC", withStatus[^1].Kind);
    }

    [Fact]
    public void Context_ConcurrentCalls_NeverSwapContexts()
    {
        // Vector 15.
        var sink = new SWbemSink();
        var wrong = 0;
        var done = new CountdownEvent(2);
        sink.OnObjectReady += (o, ctx) =>
        {
            var id = (int)ctx!.Item("id").Value!;
            var cls = (string)o.Path_.Class;
            if ((id == 1) != (cls == "Gen"))
            {
                Interlocked.Increment(ref wrong);
            }
        };
        sink.OnCompleted += (h, e, ctx) => done.Signal();
        var ctx1 = SinkRecorder.Context(1);
        ctx1.Add("count", 500);
        _svc.ExecQueryAsync(sink, "SELECT * FROM Gen", "WQL", 0, ctx1, SinkRecorder.Context(1));
        _svc.ExecQueryAsync(sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(2));
        _conn.ItemDelay = TimeSpan.Zero;
        Assert.True(done.Wait(20_000, TestContext.Current.CancellationToken));
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Context_NotPassed_IsNull()
    {
        var sink = new SWbemSink();
        var contexts = new List<SWbemNamedValueSet?>();
        var done = new ManualResetEventSlim();
        sink.OnObjectReady += (o, ctx) => contexts.Add(ctx);
        sink.OnCompleted += (h, e, ctx) =>
        {
            contexts.Add(ctx);
            done.Set();
        };
        _svc.ExecQueryAsync(sink, "SELECT * FROM Base");
        Assert.True(done.Wait(10_000, TestContext.Current.CancellationToken));
        Assert.All(contexts, Assert.Null);
    }

    [Fact]
    public void Context_Item_IsSevenInEveryEvent()
    {
        var a = new SinkRecorder();
        var ctx = SinkRecorder.Context(7);
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Base", objWbemAsyncContext: ctx);
        a.WaitCompleted(7);
        Assert.Equal(4, a.For(7).Count);
    }

    [Fact]
    public void Cancel_FromInsideHandler_NoDeadlockOthersCancelledCurrentCompletesAfterHandler()
    {
        // C13.
        var sink = new SWbemSink();
        var a = new SinkRecorder(sink);
        var handlerReturned = 0L;
        var cancelled = 0;
        sink.OnObjectReady += (o, ctx) =>
        {
            if ((int)ctx!.Item("id").Value! == 1 && Interlocked.Exchange(ref cancelled, 1) == 0)
            {
                sink.Cancel();
                Thread.Sleep(20);
                Volatile.Write(ref handlerReturned, SinkRecorder.NextSeq());
            }
        };
        var ctx1 = SinkRecorder.Context(1);
        ctx1.Add("count", 100_000);
        _svc.ExecQueryAsync(sink, "SELECT * FROM Gen", "WQL", 0, ctx1, SinkRecorder.Context(1));
        _svc.ExecQueryAsync(sink, "SELECT * FROM Slow", objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(1));
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(2));
        var oc1 = a.For(1).Single(e => e.Kind == "OC");
        Assert.True(oc1.Seq > Volatile.Read(ref handlerReturned));
        Assert.True(a.For(1).Count(e => e.Kind == "OR") < 100_000);
    }

    [Fact]
    public void SlowHandler_DoesNotBlockOtherSink()
    {
        var slow = new SWbemSink();
        var release = new ManualResetEventSlim();
        slow.OnObjectReady += (o, ctx) => release.Wait(10_000, TestContext.Current.CancellationToken);
        var fast = new SinkRecorder();
        _svc.ExecQueryAsync(slow, "SELECT * FROM Base");
        _svc.ExecQueryAsync(fast.Sink, "SELECT * FROM Base", objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, fast.WaitCompleted(1));
        release.Set();
    }

    [Fact]
    public void Handlers_OfOneSink_NeverOverlap()
    {
        var sink = new SWbemSink();
        var inside = 0;
        var overlaps = 0;
        var done = new CountdownEvent(4);
        sink.OnObjectReady += (o, ctx) =>
        {
            if (Interlocked.Increment(ref inside) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }
            Thread.SpinWait(200);
            Interlocked.Decrement(ref inside);
        };
        sink.OnCompleted += (h, e, ctx) => done.Signal();
        for (var i = 0; i < 4; i++)
        {
            var ctx = new SWbemNamedValueSet();
            ctx.Add("count", 2000);
            _svc.ExecQueryAsync(sink, "SELECT * FROM Gen", "WQL", 0, ctx);
        }
        Assert.True(done.Wait(30_000, TestContext.Current.CancellationToken));
        Assert.Equal(0, overlaps);
    }

    [Fact]
    public void UpFrontFailure_Throws_NoEvent()
    {
        // Vector 17 and the null-sink rule (§8.14).
        var a = new SinkRecorder();
        var e = Assert.Throws<WbemException>(() => _svc.ExecQueryAsync(a.Sink, ""));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, e.ErrorCode);
        e = Assert.Throws<WbemException>(() => _svc.ExecQueryAsync(null!, "SELECT * FROM Base"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, e.ErrorCode);
        e = Assert.Throws<WbemException>(() => _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Base", "SQL"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQueryType, e.ErrorCode);
        e = Assert.Throws<WbemException>(() => _svc.ExecNotificationQueryAsync(a.Sink, "SELECT * FROM Base"));
        Assert.Equal(WbemErrorEnum.wbemErrNotEventClass, e.ErrorCode);
        e = Assert.Throws<WbemException>(() => _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Base", iFlags: 0x10));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, e.ErrorCode);
        Thread.Sleep(50);
        Assert.Empty(a.Events);
        Assert.Equal(0, a.Sink.OutstandingCalls);
    }

    [Fact]
    public void LaterFailures_ArriveAsCompleted()
    {
        // Vector 18.
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT FROM", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.InstancesOfAsync(a.Sink, "NoSuchClass", objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, a.WaitCompleted(1));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, a.WaitCompleted(2));
    }

    [Fact]
    public void GetAsync_Existing_OneObjectEqualToGet_ThenCompleted()
    {
        // Vector 16.
        var a = new SinkRecorder();
        _svc.GetAsync(a.Sink, "Base.Name=\"b1\"", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.GetAsync(a.Sink, "Base.Name=\"none\"", objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, a.WaitCompleted(2));
        var got = a.For(1).Single(e => e.Kind == "OR").Object!;
        Assert.True(got.CompareTo_(_svc.Get("Base.Name=\"b1\"")));
        var e = Assert.Throws<WbemException>(() => _svc.GetAsync(a.Sink, "Base.Name=", objWbemAsyncContext: SinkRecorder.Context(3)));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, e.ErrorCode);
    }

    [Fact]
    public void PutAsync_NewInstance_ObjectPutThenCompleted_FlagsEnforced()
    {
        // Vector 19.
        var a = new SinkRecorder();
        var inst = _svc.Get("Base").SpawnInstance_();
        inst.Properties_.Item("Name").Value = "new1";
        inst.PutAsync_(a.Sink, objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        var events = a.For(1);
        Assert.Equal(["OP", "OC"], events.Select(e => e.Kind));
        Assert.Equal("Base.Name=\"new1\"", events[0].Path!.RelPath);

        inst.PutAsync_(a.Sink, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly, objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, a.WaitCompleted(2));
        var missing = _svc.Get("Base").SpawnInstance_();
        missing.Properties_.Item("Name").Value = "missing";
        _svc.PutAsync(a.Sink, missing, (int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly, objWbemAsyncContext: SinkRecorder.Context(3));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, a.WaitCompleted(3));
    }

    [Fact]
    public void DeleteAsync_Success_OnlyCompleted()
    {
        // Vector 20.
        var a = new SinkRecorder();
        _svc.DeleteAsync(a.Sink, "Base.Name=\"b1\"", objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        Assert.Single(a.Events);
    }

    [Fact]
    public void ExecMethodAsync_ReturnsFive_OutParamsThenCompleted()
    {
        // Vector 21.
        var a = new SinkRecorder();
        _svc.ExecMethodAsync(a.Sink, "Proc.Handle=\"42\"", "Terminate", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.ExecMethodAsync(a.Sink, "Proc.Handle=\"42\"", "Explode", objWbemAsyncContext: SinkRecorder.Context(2));
        Assert.Equal(WbemErrorEnum.wbemNoErr, a.WaitCompleted(1));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidMethod, a.WaitCompleted(2));
        dynamic outParams = a.For(1).Single(e => e.Kind == "OR").Object!;
        Assert.Equal(5, outParams.ReturnValue);
    }

    [Fact]
    public void Subclasses_DefaultDepth_ServicesDeepObjectShallow()
    {
        // Vector 22.
        var a = new SinkRecorder();
        _svc.SubclassesOfAsync(a.Sink, "Base", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.Get("Base").SubclassesAsync_(a.Sink, objWbemAsyncContext: SinkRecorder.Context(2));
        a.WaitCompleted(1);
        a.WaitCompleted(2);
        Assert.Equal(["Child", "GrandChild"], a.For(1).Where(e => e.Kind == "OR").Select(e => e.Object!.Path_.Class).Order());
        Assert.Equal(["Child"], a.For(2).Where(e => e.Kind == "OR").Select(e => e.Object!.Path_.Class));
    }

    [Fact]
    public void InstancesOfAsync_DeepByDefault_ShallowWithFlag()
    {
        // Vector 23.
        var a = new SinkRecorder();
        _svc.InstancesOfAsync(a.Sink, "Base", objWbemAsyncContext: SinkRecorder.Context(1));
        _svc.InstancesOfAsync(a.Sink, "Base", (int)WbemQueryFlagEnum.wbemQueryFlagShallow, objWbemAsyncContext: SinkRecorder.Context(2));
        a.WaitCompleted(1);
        a.WaitCompleted(2);
        Assert.Equal(3, a.For(1).Count(e => e.Kind == "OR"));
        Assert.Equal(1, a.For(2).Count(e => e.Kind == "OR"));
    }

    [Fact]
    public void FailedCall_CompletedCarriesLastErrorObject()
    {
        // Vector 32 (async half).
        var a = new SinkRecorder();
        _svc.ExecQueryAsync(a.Sink, "SELECT * FROM Broken", objWbemAsyncContext: SinkRecorder.Context(1));
        Assert.Equal(WbemErrorEnum.wbemErrProviderFailure, a.WaitCompleted(1));
        dynamic error = a.For(1).Single().Error!;
        Assert.Equal("BrokenProvider", error.ProviderName);
        Assert.Equal("ExecQuery", error.Operation);
        Assert.Equal((int)WbemErrorEnum.wbemErrProviderFailure, error.StatusCode);
    }

    [Fact]
    public async Task Cancel_TenThousandOutstandingCalls_AllCompletedAndReleased()
    {
        var sink = new SWbemSink();
        var completed = 0;
        sink.OnCompleted += (h, e, ctx) =>
        {
            Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, h);
            Interlocked.Increment(ref completed);
        };
        for (var i = 0; i < 10_000; i++)
        {
            _svc.ExecNotificationQueryAsync(sink, "SELECT * FROM TestEvent");
        }
        Assert.Equal(10_000, sink.OutstandingCalls);
        sink.Cancel();
        WaitUntil(() => Volatile.Read(ref completed) == 10_000);
        Assert.Equal(0, sink.OutstandingCalls);
        await AssertEngineReleasedAsync();
    }

    [Fact]
    public void BackPressure_SlowHandler_HoldsProducerBackWithoutLoss()
    {
        var sink = new SWbemSink(capacity: 16);
        var seen = 0;
        var done = new ManualResetEventSlim();
        sink.OnObjectReady += (o, ctx) =>
        {
            Interlocked.Increment(ref seen);
            if (seen % 100 == 0)
            {
                Thread.Sleep(1);
            }
        };
        sink.OnCompleted += (h, e, ctx) => done.Set();
        var ctx = new SWbemNamedValueSet();
        ctx.Add("count", 5000);
        _svc.ExecQueryAsync(sink, "SELECT * FROM Gen", "WQL", 0, ctx);
        Assert.True(done.Wait(30_000, TestContext.Current.CancellationToken));
        Assert.Equal(5000, seen);
    }
}

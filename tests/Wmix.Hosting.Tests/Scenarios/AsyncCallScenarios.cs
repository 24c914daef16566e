using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>
/// Every asynchronous call of the scripting API with an <see cref="SWbemSink"/>, as the samples "Making an
/// Asynchronous Call with VBScript", "ExecQueryAsync", "InstancesOfAsync", "PutAsync_" … use them, on the local WMI.
/// </summary>
public sealed class AsyncCallScenarios
{
    [Fact]
    public void ExecQueryAsync_Win32Process_OneObjectPerProcessThenOneCompletion()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.ExecQueryAsync(log.Sink, $"SELECT Handle, Name FROM Win32_Process WHERE ProcessId = {Environment.ProcessId}", objWbemAsyncContext: SinkLog.Context(1));
        Assert.Equal(0, (int)log.Completed(1));
        log.AssertOneCompletionLast(1);
        var me = Assert.Single(log.Objects(1));
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), me.Properties_.Item("Handle").Value);
        Assert.Null(Assert.Single(log.For(1), e => e.Kind == "OC").Error);
    }

    [Fact]
    public void ExecQueryAsync_NoAsyncContext_EventsCarryNull()
    {
        var services = Scenario.Connect();
        var sink = new SWbemSink();
        var contexts = new List<SWbemNamedValueSet?>();
        var done = new ManualResetEventSlim();
        sink.OnObjectReady += (_, ctx) => contexts.Add(ctx);
        sink.OnCompleted += (_, _, ctx) =>
        {
            contexts.Add(ctx);
            done.Set();
        };
        services.ExecQueryAsync(sink, "SELECT * FROM Win32_OperatingSystem");
        Assert.True(done.Wait(SinkLog.Wait, TestContext.Current.CancellationToken));
        Assert.True(contexts.Count >= 2);
        Assert.All(contexts, Assert.Null);
    }

    [Fact]
    public void ExecQueryAsync_Errors_ArriveAsOnCompletedWithErrorObject()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.ExecQueryAsync(log.Sink, "SELECT * FROM", objWbemAsyncContext: SinkLog.Context("syntax"));
        services.ExecQueryAsync(log.Sink, "SELECT * FROM NoSuchClass_Qa", objWbemAsyncContext: SinkLog.Context("class"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, log.Completed("syntax"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, log.Completed("class"));
        var error = Assert.Single(log.For("class"), e => e.Kind == "OC").Error;
        Assert.NotNull(error);
        Assert.Equal(unchecked((int)0x80041010), error.Properties_.Item("StatusCode").Value);
        Assert.Empty(log.Objects("syntax"));
        // An unknown query language is reported once: raised by the call or as OnCompleted, never both.
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQueryType, Scenario.ErrorOf(log, "sql",
            ctx => services.ExecQueryAsync(log.Sink, "SELECT * FROM Win32_Process", "SQL", objWbemAsyncContext: ctx)));
    }

    [Fact]
    public void InstancesOfAsync_UserHierarchy_DeepByDefaultShallowWithFlag()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Base");
        Scenario.DefineKeyedClass(s, "Qa_Child", superclass: "Qa_Base");
        Scenario.PutInstance(s, "Qa_Base", "b", 1);
        Scenario.PutInstance(s, "Qa_Child", "c", 2);
        var log = new SinkLog();
        s.InstancesOfAsync(log.Sink, "Qa_Base", objWbemAsyncContext: SinkLog.Context("deep"));
        s.InstancesOfAsync(log.Sink, "Qa_Base", (int)WbemQueryFlagEnum.wbemQueryFlagShallow, objWbemAsyncContext: SinkLog.Context("shallow"));
        s.InstancesOfAsync(log.Sink, "Qa_None", objWbemAsyncContext: SinkLog.Context("none"));
        Assert.Equal(0, (int)log.Completed("deep"));
        Assert.Equal(0, (int)log.Completed("shallow"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, log.Completed("none"));
        Assert.Equal(["b", "c"], log.Objects("deep").Select(o => (string)o.Properties_.Item("Name").Value!).Order());
        Assert.Equal(["b"], log.Objects("shallow").Select(o => (string)o.Properties_.Item("Name").Value!));
        log.AssertOneCompletionLast("deep");
        log.AssertOneCompletionLast("shallow");
    }

    [Fact]
    public void GetAsync_ExistingMissingAndMalformed_OneResultOrOneError()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.GetAsync(log.Sink, $"Win32_Process.Handle=\"{Environment.ProcessId}\"", objWbemAsyncContext: SinkLog.Context("ok"));
        services.GetAsync(log.Sink, "Win32_Process.Handle=\"999999999\"", objWbemAsyncContext: SinkLog.Context("missing"));
        services.GetAsync(log.Sink, "Win32_Process.Handle=", objWbemAsyncContext: SinkLog.Context("bad"));
        services.GetAsync(log.Sink, "Win32_Process", objWbemAsyncContext: SinkLog.Context("class"));
        Assert.Equal(0, (int)log.Completed("ok"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, log.Completed("missing"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, log.Completed("bad"));
        Assert.Equal(0, (int)log.Completed("class"));
        var got = Assert.Single(log.Objects("ok"));
        Assert.True(got.CompareTo_(services.Get($"Win32_Process.Handle=\"{Environment.ProcessId}\""),
            (int)(WbemComparisonFlagEnum.wbemComparisonFlagIgnoreObjectSource)) || got.Path_.RelPath == services.Get($"Win32_Process.Handle=\"{Environment.ProcessId}\"").Path_.RelPath);
        Assert.True(Assert.Single(log.Objects("class")).Path_.IsClass);
        Assert.Empty(log.Objects("missing"));
        foreach (var id in new[] { "ok", "missing", "bad", "class" })
        {
            log.AssertOneCompletionLast(id);
        }
    }

    [Fact]
    public void PutAsyncAndDeleteAsync_UserInstance_ObjectPutWithPathThenCompleted()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var cls = Scenario.DefineKeyedClass(s, "Qa_Put");
        var log = new SinkLog();
        var i = cls.SpawnInstance_();
        i.Properties_.Item("Name").Value = "one";
        i.Properties_.Item("Size").Value = 1;
        i.PutAsync_(log.Sink, objWbemAsyncContext: SinkLog.Context("create"));
        Assert.Equal(0, (int)log.Completed("create"));
        var put = Assert.Single(log.For("create"), e => e.Kind == "OP").Path!;
        Assert.Equal("Qa_Put.Name=\"one\"", put.RelPath);
        Assert.Equal("Qa_Put", put.Class);
        Assert.Equal(scratch.Path, put.Namespace, ignoreCase: true);
        Assert.Equal(["OP", "OC"], log.For("create").Select(e => e.Kind));

        // CreateOnly on an existing instance; UpdateOnly on a missing one.
        i.PutAsync_(log.Sink, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly, objWbemAsyncContext: SinkLog.Context("again"));
        var missing = cls.SpawnInstance_();
        missing.Properties_.Item("Name").Value = "absent";
        missing.PutAsync_(log.Sink, (int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly, objWbemAsyncContext: SinkLog.Context("update-missing"));
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, log.Completed("again"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, log.Completed("update-missing"));
        Assert.DoesNotContain(log.For("again"), e => e.Kind == "OP");
        Assert.DoesNotContain(log.For("update-missing"), e => e.Kind == "OP");

        // SWbemServicesEx.PutAsync, with UpdateOnly on the existing instance.
        i.Properties_.Item("Size").Value = 2;
        s.PutAsync(log.Sink, i, (int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly, objWbemAsyncContext: SinkLog.Context("update"));
        Assert.Equal(0, (int)log.Completed("update"));
        Assert.Equal(2, s.Get("Qa_Put.Name=\"one\"").Properties_.Item("Size").Value);

        // DeleteAsync_ and DeleteAsync: OnCompleted only.
        s.Get("Qa_Put.Name=\"one\"").DeleteAsync_(log.Sink, objWbemAsyncContext: SinkLog.Context("delete"));
        Assert.Equal(0, (int)log.Completed("delete"));
        Assert.Equal(["OC"], log.For("delete").Select(e => e.Kind));
        s.DeleteAsync(log.Sink, "Qa_Put.Name=\"one\"", objWbemAsyncContext: SinkLog.Context("delete-again"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, log.Completed("delete-again"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Get("Qa_Put.Name=\"one\"")).ErrorCode);
    }

    [Fact]
    public void PutAsync_NewClass_ObjectPutNamesTheClass()
    {
        using var scratch = new ScratchNamespace();
        var cls = scratch.Services.Get();
        cls.Path_.Class = "Qa_AsyncClass";
        cls.Properties_.Add("Id", WbemCimtypeEnum.wbemCimtypeUint32).Qualifiers_.Add("key", true);
        var log = new SinkLog();
        cls.PutAsync_(log.Sink, objWbemAsyncContext: SinkLog.Context(1));
        Assert.Equal(0, (int)log.Completed(1));
        var path = Assert.Single(log.For(1), e => e.Kind == "OP").Path!;
        Assert.True(path.IsClass);
        Assert.Equal("Qa_AsyncClass", path.RelPath);
        Assert.True(scratch.Services.Get("Qa_AsyncClass").Path_.IsClass);
    }

    [Fact]
    public void SubclassesOfAsyncAndSubclassesAsync_DeepAndShallowDefaults()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_A");
        Scenario.DefineKeyedClass(s, "Qa_B", superclass: "Qa_A");
        Scenario.DefineKeyedClass(s, "Qa_C", superclass: "Qa_B");
        var log = new SinkLog();
        s.SubclassesOfAsync(log.Sink, "Qa_A", objWbemAsyncContext: SinkLog.Context("deep"));
        s.Get("Qa_A").SubclassesAsync_(log.Sink, objWbemAsyncContext: SinkLog.Context("shallow"));
        s.SubclassesOfAsync(log.Sink, "Qa_Nothing", objWbemAsyncContext: SinkLog.Context("bad"));
        Assert.Equal(0, (int)log.Completed("deep"));
        Assert.Equal(0, (int)log.Completed("shallow"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, log.Completed("bad"));
        Assert.Equal(["Qa_B", "Qa_C"], log.Objects("deep").Select(o => o.Path_.Class).Order());
        Assert.Equal(["Qa_B"], log.Objects("shallow").Select(o => o.Path_.Class));
    }

    [Fact]
    public void AssociatorsOfAsyncAndReferencesToAsync_SystemProcesses_EndpointsAndAssociations()
    {
        var services = Scenario.Connect();
        var cs = services.InstancesOf("Win32_ComputerSystem").ItemIndex(0);
        var me = $"Win32_Process.Handle=\"{Environment.ProcessId}\"";
        var log = new SinkLog();
        services.AssociatorsOfAsync(log.Sink, me, "Win32_SystemProcesses", objWbemAsyncContext: SinkLog.Context("assoc"));
        services.ReferencesToAsync(log.Sink, me, "Win32_SystemProcesses", objWbemAsyncContext: SinkLog.Context("refs"));
        services.AssociatorsOfAsync(log.Sink, "Win32_Process.Handle=\"999999999\"", objWbemAsyncContext: SinkLog.Context("missing"));
        Assert.Equal(0, (int)log.Completed("assoc"));
        Assert.Equal(0, (int)log.Completed("refs"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, log.Completed("missing"));
        var endpoint = Assert.Single(log.Objects("assoc"));
        Assert.Equal(cs.Path_.RelPath, endpoint.Path_.RelPath, ignoreCase: true);
        var link = Assert.Single(log.Objects("refs"));
        Assert.Equal("Win32_SystemProcesses", link.Path_.Class);
        // The same through the object's own methods.
        var log2 = new SinkLog();
        services.Get(me).AssociatorsAsync_(log2.Sink, "Win32_SystemProcesses", objWbemAsyncContext: SinkLog.Context(1));
        services.Get(me).ReferencesAsync_(log2.Sink, objWbemAsyncContext: SinkLog.Context(2));
        Assert.Equal(0, (int)log2.Completed(1));
        Assert.Equal(0, (int)log2.Completed(2));
        Assert.Single(log2.Objects(1));
        Assert.Contains(log2.Objects(2), o => o.Path_.Class == "Win32_SystemProcesses");
    }

    [Fact]
    public void ExecQueryAsync_SendStatus_ProgressOnlyWhenAskedAndBeforeCompletion()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.ExecQueryAsync(log.Sink, "SELECT * FROM Win32_Process", iFlags: (int)WbemFlagEnum.wbemFlagSendStatus, objWbemAsyncContext: SinkLog.Context("status"));
        services.ExecQueryAsync(log.Sink, "SELECT * FROM Win32_Process", objWbemAsyncContext: SinkLog.Context("quiet"));
        Assert.Equal(0, (int)log.Completed("status"));
        Assert.Equal(0, (int)log.Completed("quiet"));
        Assert.DoesNotContain(log.For("quiet"), e => e.Kind == "PR");
        log.AssertOneCompletionLast("status");
        foreach (var p in log.For("status").Where(e => e.Kind == "PR"))
        {
            Assert.InRange(p.Current, 0, Math.Max(p.Upper, p.Current));
        }
    }

    [Fact]
    public void SinkCancel_EndsEveryCallOfTheSink_AnotherSinkGoesOn()
    {
        var services = Scenario.Connect();
        var a = new SinkLog();
        var b = new SinkLog();
        for (var id = 1; id <= 3; id++)
        {
            services.ExecNotificationQueryAsync(a.Sink, "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'",
                objWbemAsyncContext: SinkLog.Context(id));
        }
        services.ExecNotificationQueryAsync(b.Sink, "SELECT * FROM Win32_ProcessStartTrace", objWbemAsyncContext: SinkLog.Context("b"));
        Thread.Sleep(500);
        for (var id = 1; id <= 3; id++)
        {
            Assert.False(a.HasCompleted(id), "A subscription ended by itself.");
        }
        a.Sink.Cancel();
        for (var id = 1; id <= 3; id++)
        {
            Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.Completed(id));
            a.AssertOneCompletionLast(id);
        }
        var after = a.Events.Count;
        // Sink B still delivers: a process started now is reported to it.
        using (var p = System.Diagnostics.Process.Start("true"))
        {
            p!.WaitForExit();
            var pid = p.Id;
            b.WaitObject(o => Convert.ToInt64(o.Properties_.Item("ProcessID").Value, System.Globalization.CultureInfo.InvariantCulture) == pid, $"start of pid {pid}");
        }
        Assert.False(b.HasCompleted("b"));
        Thread.Sleep(1500);
        Assert.Equal(after, a.Events.Count);
        // Cancel again: nothing outstanding, no events. Then the sink is reused.
        a.Sink.Cancel();
        Assert.Equal(after, a.Events.Count);
        services.ExecQueryAsync(a.Sink, "SELECT * FROM Win32_OperatingSystem", objWbemAsyncContext: SinkLog.Context("reuse"));
        Assert.Equal(0, (int)a.Completed("reuse"));
        b.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, b.Completed("b"));
    }

    [Fact]
    public void SinkCancel_AfterCompletion_NoSecondCompletion()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.ExecQueryAsync(log.Sink, "SELECT * FROM Win32_OperatingSystem", objWbemAsyncContext: SinkLog.Context(1));
        Assert.Equal(0, (int)log.Completed(1));
        log.Sink.Cancel();
        Thread.Sleep(300);
        log.AssertOneCompletionLast(1);
    }

    [Fact]
    public void ExecQueryAsync_NullSinkOrEmptyQuery_ThrowsAndRaisesNothing()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Scenario.Throws(() => services.ExecQueryAsync(null!, "SELECT * FROM Win32_Process")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Scenario.Throws(() => services.ExecQueryAsync(log.Sink, "")).ErrorCode);
        Thread.Sleep(200);
        Assert.Empty(log.Events);
    }

    [Fact]
    public void AsyncContext_ManyConcurrentCallsOnOneSink_NeverSwapped()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        for (var id = 0; id < 20; id++)
        {
            services.ExecQueryAsync(log.Sink, $"SELECT Handle FROM Win32_Process WHERE ProcessId = {(id % 2 == 0 ? 1 : Environment.ProcessId)}",
                objWbemAsyncContext: SinkLog.Context(id));
        }
        for (var id = 0; id < 20; id++)
        {
            Assert.Equal(0, (int)log.Completed(id));
            var expected = (id % 2 == 0 ? 1 : Environment.ProcessId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.All(log.Objects(id), o => Assert.Equal(expected, o.Properties_.Item("Handle").Value));
            log.AssertOneCompletionLast(id);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>
/// "Receiving a WMI Event", "Receiving Asynchronous Event Notifications", "ExecNotificationQueryAsync",
/// "SWbemEventSource.NextEvent": process, instance, class and namespace events through the scripting API.
/// </summary>
public sealed class EventScenarios
{
    private static long ToLong(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static SWbemObject Embedded(SWbemObject e, string name) => Assert.IsAssignableFrom<SWbemObject>(e.Properties_.Item(name).Value);

    [Fact]
    public void ExecNotificationQueryAsync_InstanceCreationWithin1_ReportsAProcessStartedAfterwards()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'",
            objWbemAsyncContext: SinkLog.Context("create"));
        Thread.Sleep(1500);
        using var child = Process.Start("sleep", "120")!;
        try
        {
            var e = log.WaitObject(o => ToLong(Embedded(o, "TargetInstance").Properties_.Item("ProcessId").Value) == child.Id, $"creation of pid {child.Id}");
            Assert.Equal("__InstanceCreationEvent", e.Path_.Class);
            Assert.Equal("Win32_Process", Embedded(e, "TargetInstance").Path_.Class);
            Assert.Equal("sleep", Embedded(e, "TargetInstance").Properties_.Item("Name").Value);
            var created = ulong.Parse((string)e.Properties_.Item("TIME_CREATED").Value!, CultureInfo.InvariantCulture);
            var now = (ulong)DateTime.UtcNow.ToFileTimeUtc();
            Assert.InRange(created, now - (ulong)TimeSpan.FromMinutes(10).Ticks, now + (ulong)TimeSpan.FromMinutes(1).Ticks);
            Assert.Null(Assert.IsType<SWbemObjectEx>(e).SystemProperties_.Item("__PATH").Value);
            Assert.False(log.HasCompleted("create"), "A subscription ended by itself.");
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
            log.Sink.Cancel();
        }
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed("create"));
        log.AssertOneCompletionLast("create");
    }

    [Fact]
    public void ExecNotificationQuery_ProcessStartAndStopTrace_NextEventSeesAShortLivedProcess()
    {
        var services = Scenario.Connect();
        var starts = services.ExecNotificationQuery("SELECT * FROM Win32_ProcessStartTrace");
        var stops = services.ExecNotificationQuery("SELECT * FROM Win32_ProcessStopTrace");
        try
        {
            Thread.Sleep(500);
            int pid;
            using (var child = Process.Start("true")!)
            {
                pid = child.Id;
                child.WaitForExit();
            }
            SWbemObject? start = null;
            var deadline = DateTime.UtcNow + SinkLog.Wait;
            while (start is null && DateTime.UtcNow < deadline)
            {
                var e = starts.NextEvent(60_000);
                if (ToLong(e.Properties_.Item("ProcessID").Value) == pid)
                {
                    start = e;
                }
            }
            Assert.NotNull(start);
            Assert.Equal("Win32_ProcessStartTrace", start.Path_.Class);
            Assert.Equal(Environment.ProcessId, ToLong(start.Properties_.Item("ParentProcessID").Value));
            SWbemObject? stop = null;
            while (stop is null && DateTime.UtcNow < deadline)
            {
                var e = stops.NextEvent(60_000);
                if (ToLong(e.Properties_.Item("ProcessID").Value) == pid)
                {
                    stop = e;
                }
            }
            Assert.NotNull(stop);
            Assert.Equal(0L, ToLong(stop.Properties_.Item("ExitStatus").Value));
        }
        finally
        {
            starts.Dispose();
            stops.Dispose();
        }
    }

    [Fact]
    public void NextEvent_NamespaceCreation_TimesOutThenDeliversTheNewNamespace()
    {
        using var scratch = new ScratchNamespace();
        var events = scratch.Services.ExecNotificationQuery("SELECT * FROM __NamespaceCreationEvent");
        try
        {
            var timedOut = Scenario.Throws(() => events.NextEvent(500));
            Assert.Equal(WbemErrorEnum.wbemErrTimedout, timedOut.ErrorCode);
            Assert.Equal(unchecked((int)0x80043001), timedOut.HResult);

            var child = scratch.Services.Get("__NAMESPACE").SpawnInstance_();
            child.Properties_.Item("Name").Value = "kid";
            child.Put_();
            var e = events.NextEvent(60_000);
            Assert.Equal("__NamespaceCreationEvent", e.Path_.Class);
            Assert.Equal("kid", Embedded(e, "TargetNamespace").Properties_.Item("Name").Value);
        }
        finally
        {
            events.Dispose();
        }
        // A child namespace is removed with its parent.
        scratch.Dispose();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Scenario.Throws(() => Scenario.Connect(scratch.Path + @"\kid")).ErrorCode);
    }

    [Fact]
    public void ExecNotificationQueryAsync_NamespaceDeletion_Reported()
    {
        using var scratch = new ScratchNamespace();
        var child = scratch.Services.Get("__NAMESPACE").SpawnInstance_();
        child.Properties_.Item("Name").Value = "doomed";
        child.Put_();
        var log = new SinkLog();
        scratch.Services.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __NamespaceDeletionEvent", objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(300);
        scratch.Services.Delete("__NAMESPACE.Name=\"doomed\"");
        var e = log.WaitObject(_ => true, "namespace deletion");
        Assert.Equal("doomed", Embedded(e, "TargetNamespace").Properties_.Item("Name").Value);
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed(1));
    }

    [Fact]
    public void InstanceModificationEvent_UserClassPut_TargetAndPreviousInstance()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Watched");
        Scenario.PutInstance(s, "Qa_Watched", "w", 1);
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceModificationEvent WITHIN 1 WHERE TargetInstance ISA 'Qa_Watched'",
            objWbemAsyncContext: SinkLog.Context("mod"));
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceOperationEvent WITHIN 1 WHERE TargetInstance ISA 'Qa_Watched'",
            objWbemAsyncContext: SinkLog.Context("any"));
        Thread.Sleep(1500);
        var i = s.Get("Qa_Watched.Name=\"w\"");
        i.Properties_.Item("Size").Value = 2;
        i.Put_();
        var mod = log.WaitObject(o => o.Path_.Class == "__InstanceModificationEvent", "modification");
        Assert.Equal(2, Embedded(mod, "TargetInstance").Properties_.Item("Size").Value);
        Assert.Equal(1, Embedded(mod, "PreviousInstance").Properties_.Item("Size").Value);
        Scenario.PutInstance(s, "Qa_Watched", "new", 5);
        s.Delete("Qa_Watched.Name=\"new\"");
        log.WaitObject(o => o.Path_.Class == "__InstanceCreationEvent", "creation (through __InstanceOperationEvent)");
        var deletion = log.WaitObject(o => o.Path_.Class == "__InstanceDeletionEvent", "deletion (through __InstanceOperationEvent)");
        Assert.Equal("new", Embedded(deletion, "TargetInstance").Properties_.Item("Name").Value);
        Assert.Throws<WbemException>(() => deletion.Properties_.Item("PreviousInstance"));
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed("mod"));
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed("any"));
        Assert.Single(log.For("mod"), e => e.Kind == "OR" && e.Object!.Path_.Class == "__InstanceModificationEvent");
    }

    [Fact]
    public void ClassCreationAndDeletionEvent_SpawnDerivedClassPutAndDelete()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Root");
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __ClassCreationEvent WHERE TargetClass ISA 'Qa_Root'", objWbemAsyncContext: SinkLog.Context("create"));
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __ClassDeletionEvent", objWbemAsyncContext: SinkLog.Context("delete"));
        Thread.Sleep(300);
        var derived = s.Get("Qa_Root").SpawnDerivedClass_();
        derived.Path_.Class = "Qa_Leaf";
        derived.Put_();
        var e = log.WaitObject(o => o.Path_.Class == "__ClassCreationEvent", "class creation");
        var target = Embedded(e, "TargetClass");
        Assert.Equal("Qa_Leaf", target.Path_.Class);
        Assert.True(target.Path_.IsClass);
        s.Get("Qa_Leaf").Delete_();
        var d = log.WaitObject(o => o.Path_.Class == "__ClassDeletionEvent", "class deletion");
        Assert.Equal("Qa_Leaf", Embedded(d, "TargetClass").Path_.Class);
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed("create"));
    }

    [Fact]
    public void EventQueries_DocumentedErrors()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Polled");
        // iFlags other than 0x30 fail.
        Scenario.Throws(() => s.ExecNotificationQuery("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Qa_Polled'", iFlags: 16));
        var log = new SinkLog();
        Assert.Equal(WbemErrorEnum.wbemErrNotEventClass, Scenario.ErrorOf(log, "notevent",
            ctx => s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM Qa_Polled", objWbemAsyncContext: ctx)));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, Scenario.ErrorOf(log, "syntax",
            ctx => s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceCreationEvent WHERE", objWbemAsyncContext: ctx)));
        // A provider class without events of its own needs WITHIN (Win32_Service is polled).
        Assert.Equal(WbemErrorEnum.wbemErrRegistrationTooPrecise, Scenario.ErrorOf(log, "precise",
            ctx => Scenario.Connect().ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Win32_Service'", objWbemAsyncContext: ctx)));
        Assert.Equal(WbemErrorEnum.wbemErrMissingGroupWithin, Scenario.ErrorOf(log, "group",
            ctx => s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Qa_Polled' GROUP BY TargetInstance.Name", objWbemAsyncContext: ctx)));
    }

    [Fact]
    public void ExecNotificationQuery_SemisyncEnumerationOfEvents_ViaEventSourceDispose_EndsSubscription()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Src");
        var events = s.ExecNotificationQuery("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Qa_Src'");
        Scenario.PutInstance(s, "Qa_Src", "a", 1);
        Scenario.PutInstance(s, "Qa_Src", "b", 2);
        Assert.Equal("a", Embedded(events.NextEvent(60_000), "TargetInstance").Properties_.Item("Name").Value);
        Assert.Equal("b", Embedded(events.NextEvent(60_000), "TargetInstance").Properties_.Item("Name").Value);
        events.Dispose();
    }
}

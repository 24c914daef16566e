using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>Changes and the events they raise: class modification, aggregates, filtered subscriptions, key changes.</summary>
public sealed class ChangeScenarios
{
    private static SWbemObject Embedded(SWbemObject e, string name) => Assert.IsAssignableFrom<SWbemObject>(e.Properties_.Item(name).Value);

    [Fact]
    public void ClassModificationEvent_TargetAndPreviousClass()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Mod");
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __ClassModificationEvent WHERE TargetClass ISA 'Qa_Mod'", objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(300);
        var cls = s.Get("Qa_Mod");
        cls.Properties_.Add("Added", WbemCimtypeEnum.wbemCimtypeString);
        cls.Put_();
        var e = log.WaitObject(_ => true, "class modification");
        Assert.Equal("__ClassModificationEvent", e.Path_.Class);
        Embedded(e, "TargetClass").Properties_.Item("Added");
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => Embedded(e, "PreviousClass").Properties_.Item("Added")).ErrorCode);
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed(1));
    }

    [Fact]
    public void GroupWithin_SixCreations_OneAggregateEvent()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Agg");
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink,
            "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Qa_Agg' GROUP WITHIN 3 HAVING NumberOfEvents > 5", objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(300);
        for (var i = 0; i < 6; i++)
        {
            Scenario.PutInstance(s, "Qa_Agg", "a" + i, i);
        }
        var e = log.WaitObject(_ => true, "aggregate");
        Assert.Equal("__AggregateEvent", e.Path_.Class);
        Assert.Equal(6, Convert.ToInt32(e.Properties_.Item("NumberOfEvents").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("__InstanceCreationEvent", Embedded(e, "Representative").Path_.Class);
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed(1));
        Assert.Single(log.Objects(1));
    }

    [Fact]
    public void FilteredSubscriptions_OnlyMatchingEvents()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Filter");
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink, "SELECT TargetInstance FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Qa_Filter' AND TargetInstance.Size > 10",
            objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(300);
        Scenario.PutInstance(s, "Qa_Filter", "small", 1);
        Scenario.PutInstance(s, "Qa_Filter", "big", 11);
        var e = log.WaitObject(_ => true, "big creation");
        Assert.Equal("big", Embedded(e, "TargetInstance").Properties_.Item("Name").Value);
        Thread.Sleep(500);
        Assert.Single(log.Objects(1));
        log.Sink.Cancel();
        log.Completed(1);
    }

    [Fact]
    public void ProcessStartTrace_WhereProcessName_OnlyThatProgram()
    {
        var s = Scenario.Connect();
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'sleep'", objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(500);
        using (var t = System.Diagnostics.Process.Start("true"))
        {
            t!.WaitForExit();
        }
        using var child = System.Diagnostics.Process.Start("sleep", "0.2")!;
        child.WaitForExit();
        var e = log.WaitObject(o => Convert.ToInt64(o.Properties_.Item("ProcessID").Value, System.Globalization.CultureInfo.InvariantCulture) == child.Id, "sleep start");
        Assert.Equal("sleep", e.Properties_.Item("ProcessName").Value);
        Thread.Sleep(500);
        Assert.All(log.Objects(1), o => Assert.Equal("sleep", (string)o.Properties_.Item("ProcessName").Value!, ignoreCase: true));
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed(1));
    }

    [Fact]
    public void KeyChangedThenPut_CreatesASecondInstance_AndFlagsAccepted()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Rekey");
        Scenario.PutInstance(s, "Qa_Rekey", "x", 1);
        var i = s.Get("Qa_Rekey.Name=\"x\"");
        i.Properties_.Item("Name").Value = "x2";
        Assert.Equal("Qa_Rekey.Name=\"x2\"", i.Put_().RelPath);
        Assert.Equal(2, s.InstancesOf("Qa_Rekey").Count);
        // Advisory and StrongValidation are accepted on puts.
        Scenario.PutInstance(s, "Qa_Rekey", "y", 1, (int)WbemChangeFlagEnum.wbemChangeFlagAdvisory);
        Scenario.PutInstance(s, "Qa_Rekey", "z", 1, (int)WbemChangeFlagEnum.wbemChangeFlagStrongValidation);
        Assert.Equal(4, s.InstancesOf("Qa_Rekey").Count);
    }

    [Fact]
    public void ReservedNames_Refused()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var cls = s.Get();
        // "__" names belong to system classes: refused when named or, at the latest, when stored.
        Scenario.Throws(() =>
        {
            cls.Path_.Class = "__QaSystem";
            cls.Put_();
        });
        var ok = s.Get();
        ok.Path_.Class = "Qa_Reserved";
        Scenario.Throws(() => ok.Properties_.Add("__Bad", WbemCimtypeEnum.wbemCimtypeString));
        Scenario.Throws(() => ok.Properties_.Add("has space", WbemCimtypeEnum.wbemCimtypeString));
    }

    [Fact]
    public void AsyncFailure_ErrorObjectDescribesTheOperation()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_AsyncErr");
        Scenario.PutInstance(s, "Qa_AsyncErr", "x", 1);
        var log = new SinkLog();
        var i = s.Get("Qa_AsyncErr").SpawnInstance_();
        i.Properties_.Item("Name").Value = "x";
        i.PutAsync_(log.Sink, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly, objWbemAsyncContext: SinkLog.Context(1));
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, log.Completed(1));
        var error = Assert.Single(log.For(1), e => e.Kind == "OC").Error;
        Assert.NotNull(error);
        Assert.Equal(unchecked((int)0x80041019), error.Properties_.Item("StatusCode").Value);
        Assert.False(string.IsNullOrEmpty((string?)error.Properties_.Item("Operation").Value));
        Assert.False(string.IsNullOrEmpty((string?)error.Properties_.Item("Description").Value));
    }
}

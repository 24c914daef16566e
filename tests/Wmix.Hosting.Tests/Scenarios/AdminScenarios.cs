using System.Diagnostics;
using System.Globalization;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>Idioms of real admin scripts: startup configuration, keys of every form, singletons, provider limits.</summary>
public sealed class AdminScenarios
{
    [Fact]
    public void Create_WithWin32ProcessStartupConfiguration_AsTheSampleDoes()
    {
        var s = Scenario.Connect();
        var config = s.Get("Win32_ProcessStartup").SpawnInstance_();
        config.Properties_.Item("ShowWindow").Value = 0; // HIDDEN_WINDOW
        config.Properties_.Item("EnvironmentVariables").Value = new[] { "QA_SCENARIO=1", "PATH=/usr/bin:/bin" };
        var inParams = s.Get("Win32_Process").Methods_.Item("Create").InParameters!.SpawnInstance_();
        inParams.Properties_.Item("CommandLine").Value = "sleep 306";
        inParams.Properties_.Item("CurrentDirectory").Value = "/tmp";
        inParams.Properties_.Item("ProcessStartupInformation").Value = config;
        var outParams = s.ExecMethod("Win32_Process", "Create", inParams)!;
        var pid = Convert.ToInt32(outParams.Properties_.Item("ProcessId").Value, CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(0, outParams.Properties_.Item("ReturnValue").Value);
            var environ = File.ReadAllText($"/proc/{pid}/environ");
            Assert.Contains("QA_SCENARIO=1", environ, StringComparison.Ordinal);
            Assert.Equal("/tmp", Path.GetFullPath(new DirectoryInfo($"/proc/{pid}/cwd").ResolveLinkTarget(false)!.FullName));
        }
        finally
        {
            Scenario.Kill(pid);
        }
    }

    [Fact]
    public void InstanceDeletionEvent_AfterTerminate_Reported()
    {
        var s = Scenario.Connect();
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink, "SELECT * FROM __InstanceDeletionEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'", objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(1500);
        var inParams = s.Get("Win32_Process").Methods_.Item("Create").InParameters!.SpawnInstance_();
        inParams.Properties_.Item("CommandLine").Value = "sleep 307";
        var pid = Convert.ToInt32(s.ExecMethod("Win32_Process", "Create", inParams)!.Properties_.Item("ProcessId").Value, CultureInfo.InvariantCulture);
        try
        {
            s.Get($"Win32_Process.Handle=\"{pid}\"").ExecMethod_("Terminate");
            var e = log.WaitObject(o => Convert.ToInt32(((SWbemObject)o.Properties_.Item("TargetInstance").Value!).Properties_.Item("ProcessId").Value, CultureInfo.InvariantCulture) == pid,
                $"deletion of {pid}");
            Assert.Equal("__InstanceDeletionEvent", e.Path_.Class);
        }
        finally
        {
            Scenario.Kill(pid);
            log.Sink.Cancel();
        }
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed(1));
    }

    [Fact]
    public void Win32ProcessInstance_PutAndDelete_ProviderRules()
    {
        var s = Scenario.Connect();
        var me = s.Get($"Win32_Process.Handle=\"{Environment.ProcessId}\"");
        me.Properties_.Item("Priority").Value = 5;
        var e = Scenario.Throws(() => me.Put_());
        Assert.True(e.ErrorCode is WbemErrorEnum.wbemErrProviderNotCapable or WbemErrorEnum.wbemErrNotSupported or WbemErrorEnum.wbemErrInvalidOperation
            or WbemErrorEnum.wbemErrReadOnly, e.ErrorCode.ToString());
        Assert.True(Scenario.IsRunning(Environment.ProcessId));
    }

    [Fact]
    public void Keys_NumericHexSingleKeyQuotedAndSingleton()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var num = s.Get();
        num.Path_.Class = "Qa_Num";
        num.Properties_.Add("Id", WbemCimtypeEnum.wbemCimtypeUint32).Qualifiers_.Add("key", true);
        num.Properties_.Add("Text", WbemCimtypeEnum.wbemCimtypeString);
        num.Put_();
        var i = s.Get("Qa_Num").SpawnInstance_();
        i.Properties_.Item("Id").Value = 5;
        i.Properties_.Item("Text").Value = "five";
        Assert.Equal("Qa_Num.Id=5", i.Put_().RelPath);
        Assert.Equal("five", s.Get("Qa_Num.Id=5").Properties_.Item("Text").Value);
        Assert.Equal("five", s.Get("Qa_Num=5").Properties_.Item("Text").Value);
        Assert.Equal("five", s.Get("qa_num.ID=0x5").Properties_.Item("Text").Value);
        Assert.Equal("five", s.Get("Qa_Num.Id=\"5\"").Properties_.Item("Text").Value);

        var str = Scenario.DefineKeyedClass(s, "Qa_Quoted");
        var q = str.SpawnInstance_();
        q.Properties_.Item("Name").Value = "a\"b\\c";
        var path = q.Put_();
        Assert.Equal("Qa_Quoted.Name=\"a\\\"b\\\\c\"", path.RelPath);
        Assert.Equal("a\"b\\c", s.Get(path.RelPath).Properties_.Item("Name").Value);
        Assert.Equal("a\"b\\c", s.Get(path.Path).Properties_.Item("Name").Value);

        var single = s.Get();
        single.Path_.Class = "Qa_Single";
        single.Qualifiers_.Add("singleton", true);
        single.Properties_.Add("Value", WbemCimtypeEnum.wbemCimtypeSint32);
        single.Put_();
        var one = s.Get("Qa_Single").SpawnInstance_();
        one.Properties_.Item("Value").Value = 42;
        var sp = one.Put_();
        Assert.Equal("Qa_Single=@", sp.RelPath);
        Assert.True(sp.IsSingleton);
        Assert.Equal(42, s.Get("Qa_Single=@").Properties_.Item("Value").Value);
        Assert.Equal(42, s.InstancesOf("Qa_Single").ItemIndex(0).Properties_.Item("Value").Value);
    }

    [Fact]
    public void Values_DotNetDateEmptyArrayAndNull_Stored()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Values", c =>
        {
            c.Properties_.Add("When", WbemCimtypeEnum.wbemCimtypeDatetime);
            c.Properties_.Add("List", WbemCimtypeEnum.wbemCimtypeString, true);
            c.Properties_.Add("Maybe", WbemCimtypeEnum.wbemCimtypeString).Value = "default";
        });
        var i = s.Get("Qa_Values").SpawnInstance_();
        i.Properties_.Item("Name").Value = "v";
        i.Properties_.Item("When").Value = new DateTime(2024, 2, 29, 13, 45, 10, DateTimeKind.Utc);
        i.Properties_.Item("List").Value = Array.Empty<string>();
        i.Properties_.Item("Maybe").Value = null;
        i.Put_();
        var back = s.Get("Qa_Values.Name=\"v\"");
        var when = new SWbemDateTime { Value = (string)back.Properties_.Item("When").Value! };
        Assert.Equal(new DateTime(2024, 2, 29, 13, 45, 10, DateTimeKind.Utc), when.GetVarDate(false));
        Assert.Empty((string[])back.Properties_.Item("List").Value!);
        Assert.Null(back.Properties_.Item("Maybe").Value);
        // Putting the path to a fresh instance: server and namespace included.
        Assert.StartsWith(@"\\", back.Path_.Path, StringComparison.Ordinal);
        Assert.Contains(scratch.Path + ":", back.Path_.Path, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnnamedClassPut_AndMiscFlags()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var unnamed = s.Get();
        unnamed.Properties_.Add("X", WbemCimtypeEnum.wbemCimtypeString);
        Scenario.Throws(() => unnamed.Put_());
        Assert.NotNull(Scenario.Connect().Get("Win32_Process", (int)WbemFlagEnum.wbemFlagUseAmendedQualifiers));
        var events = s.ExecNotificationQuery("SELECT * FROM __NamespaceCreationEvent");
        try
        {
            Assert.Equal(WbemErrorEnum.wbemErrTimedout, Scenario.Throws(() => events.NextEvent(0)).ErrorCode);
        }
        finally
        {
            events.Dispose();
        }
        Assert.True(Scenario.Connect().InstancesOf("CIM_Process").Count > 1);
        Assert.NotEmpty(Scenario.Connect().ExecQuery("SELECT * FROM Win32_Process WHERE Name = 'DOTNET' OR ProcessId = " + Environment.ProcessId, iFlags: 0).Cast<SWbemObject>());
        var built = new SWbemObjectPath { Class = "C" };
        built.Keys.Add("IntVal", 33);
        built.Keys.Add("StrVal", "AAA");
        Assert.Equal("C.IntVal=33,StrVal=\"AAA\"", built.RelPath);
    }

    [Fact]
    public void Semisync_ReleasingTheEnumeratorEarly_CancelsAndTheConnectionStaysUsable()
    {
        var s = Scenario.Connect();
        for (var round = 0; round < 20; round++)
        {
            using var e = s.ExecQuery("SELECT * FROM Win32_Process", iFlags: (int)(WbemFlagEnum.wbemFlagReturnImmediately | WbemFlagEnum.wbemFlagForwardOnly)).GetEnumerator();
            Assert.True(e.MoveNext());
        }
        Assert.True(s.InstancesOf("Win32_Process").Count > 1);
        using var p = Process.GetCurrentProcess();
        Assert.True(p.Threads.Count < 500);
    }
}

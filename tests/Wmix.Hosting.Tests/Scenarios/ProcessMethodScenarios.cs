using System.Globalization;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>
/// "Calling a Method" / "Create method of the Win32_Process class": Win32_Process.Create, Terminate and GetOwner the
/// ways the samples call them (ExecMethod_, SWbemServices.ExecMethod, the dynamic method, ExecMethodAsync_).
/// Every process started here is killed at the end.
/// </summary>
public sealed class ProcessMethodScenarios
{
    private static SWbemObject CreateParams(SWbemServices services, string commandLine)
    {
        var inParams = services.Get("Win32_Process").Methods_.Item("Create").InParameters!.SpawnInstance_();
        inParams.Properties_.Item("CommandLine").Value = commandLine;
        return inParams;
    }

    private static int Pid(SWbemObject outParams) => Convert.ToInt32(outParams.Properties_.Item("ProcessId").Value, CultureInfo.InvariantCulture);

    [Fact]
    public void ExecMethod_CreateThenGetOwnerThenTerminate_OutParametersAndReturnValues()
    {
        var services = Scenario.Connect();
        var cls = services.Get("Win32_Process");
        var outParams = cls.ExecMethod_("Create", CreateParams(services, "sleep 300"));
        Assert.NotNull(outParams);
        var pid = Pid(outParams);
        try
        {
            Assert.Equal(0, outParams.Properties_.Item("ReturnValue").Value);
            Assert.True(pid > 0);
            Assert.True(Scenario.IsRunning(pid));
            var process = services.Get($"Win32_Process.Handle=\"{pid}\"");
            Assert.Equal("sleep 300", process.Properties_.Item("CommandLine").Value);

            var owner = process.ExecMethod_("GetOwner");
            Assert.NotNull(owner);
            Assert.Equal(0, owner.Properties_.Item("ReturnValue").Value);
            Assert.Equal(Environment.UserName, owner.Properties_.Item("User").Value);
            Assert.False(string.IsNullOrEmpty((string?)owner.Properties_.Item("Domain").Value));

            var terminate = services.Get("Win32_Process").Methods_.Item("Terminate").InParameters!.SpawnInstance_();
            terminate.Properties_.Item("Reason").Value = 0;
            var result = process.ExecMethod_("Terminate", terminate);
            Assert.Equal(0, result!.Properties_.Item("ReturnValue").Value);
            Assert.True(Scenario.Eventually(() => !Scenario.IsRunning(pid)), $"pid {pid} still runs after Terminate");
            Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => services.Get($"Win32_Process.Handle=\"{pid}\"")).ErrorCode);
        }
        finally
        {
            Scenario.Kill(pid);
        }
    }

    [Fact]
    public void ServicesExecMethod_Create_ReturnsOutParameters()
    {
        var services = Scenario.Connect();
        var outParams = services.ExecMethod("Win32_Process", "Create", CreateParams(services, "sleep 301"));
        var pid = Pid(outParams!);
        try
        {
            Assert.Equal(0, outParams!.Properties_.Item("ReturnValue").Value);
            Assert.True(Scenario.IsRunning(pid));
            var result = services.ExecMethod($"Win32_Process.Handle=\"{pid}\"", "Terminate");
            Assert.Equal(0, result!.Properties_.Item("ReturnValue").Value);
            Assert.True(Scenario.Eventually(() => !Scenario.IsRunning(pid)));
        }
        finally
        {
            Scenario.Kill(pid);
        }
    }

    [Fact]
    public void DynamicMethod_CreateWithOutProcessId_AsTheDocsSampleCallsIt()
    {
        var services = Scenario.Connect();
        dynamic process = services.Get("Win32_Process");
        int processId = 0;
        object? config = null;
        // Error = objWMIService.Get("Win32_Process").Create("notepad.exe", null, objConfig, intProcessID)
        int error = process.Create("sleep 302", null, config, out processId);
        try
        {
            Assert.Equal(0, error);
            Assert.True(processId > 0);
            Assert.True(Scenario.IsRunning(processId));
            dynamic running = services.Get($"Win32_Process.Handle=\"{processId}\"");
            string? user = null;
            string? domain = null;
            int ownerResult = running.GetOwner(out user, out domain);
            Assert.Equal(0, ownerResult);
            Assert.Equal(Environment.UserName, user);
            int terminated = running.Terminate();
            Assert.Equal(0, terminated);
            Assert.True(Scenario.Eventually(() => !Scenario.IsRunning(processId)));
        }
        finally
        {
            Scenario.Kill(processId);
        }
    }

    [Fact]
    public void DynamicMethod_Terminate_ForEachOverExecQuery()
    {
        // For Each objProcess in colProcessList: objProcess.Terminate(): Next
        var services = Scenario.Connect();
        var marker = "sleep 303." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var pids = new List<int>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                pids.Add(Pid(services.ExecMethod("Win32_Process", "Create", CreateParams(services, marker))!));
            }
            var count = 0;
            foreach (dynamic p in services.ExecQuery($"SELECT * FROM Win32_Process WHERE CommandLine = '{marker}'"))
            {
                Assert.Equal(0, (int)p.Terminate());
                count++;
            }
            Assert.Equal(2, count);
            Assert.True(Scenario.Eventually(() => pids.All(pid => !Scenario.IsRunning(pid))));
        }
        finally
        {
            pids.ForEach(Scenario.Kill);
        }
    }

    [Fact]
    public void ExecMethodAsync_Create_OutParametersAsOnObjectReadyThenCompleted()
    {
        var services = Scenario.Connect();
        var log = new SinkLog();
        services.Get("Win32_Process").ExecMethodAsync_(log.Sink, "Create", CreateParams(services, "sleep 304"), objWbemAsyncContext: SinkLog.Context(1));
        services.ExecMethodAsync(log.Sink, "Win32_Process", "Create", CreateParams(services, "/no/such/program-qa"), objWbemAsyncContext: SinkLog.Context(2));
        services.ExecMethodAsync(log.Sink, "Win32_Process", "NoSuchMethod", objWbemAsyncContext: SinkLog.Context(3));
        Assert.Equal(0, (int)log.Completed(1));
        var outParams = Assert.Single(log.Objects(1));
        var pid = Pid(outParams);
        try
        {
            Assert.Equal(0, outParams.Properties_.Item("ReturnValue").Value);
            Assert.True(Scenario.IsRunning(pid));
            Assert.Equal(["OR", "OC"], log.For(1).Select(e => e.Kind));
            // The method's own failure is its ReturnValue; the call itself succeeded (OnCompleted 0).
            Assert.Equal(0, (int)log.Completed(2));
            Assert.Equal(9, Assert.Single(log.Objects(2)).Properties_.Item("ReturnValue").Value); // Path Not Found
            Assert.Equal(WbemErrorEnum.wbemErrInvalidMethod, log.Completed(3));
            Assert.Empty(log.Objects(3));
        }
        finally
        {
            Scenario.Kill(pid);
        }
    }

    [Fact]
    public void ExecMethodAsync_CancelledAtOnce_MethodStillRunsToCompletion()
    {
        var services = Scenario.Connect();
        var marker = "sleep 305." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var log = new SinkLog();
        services.ExecMethodAsync(log.Sink, "Win32_Process", "Create", CreateParams(services, marker), objWbemAsyncContext: SinkLog.Context(1));
        log.Sink.Cancel();
        var code = log.Completed(1);
        Assert.True(code is WbemErrorEnum.wbemErrCallCancelled or 0, code.ToString());
        log.AssertOneCompletionLast(1);
        // The provider was not told: the process exists either way.
        SWbemObject? created = null;
        Assert.True(Scenario.Eventually(() =>
        {
            created = services.ExecQuery($"SELECT * FROM Win32_Process WHERE CommandLine = '{marker}'", iFlags: 0).Cast<SWbemObject>().FirstOrDefault();
            return created is not null;
        }), "Create was cancelled on the client, but the process was never started");
        Scenario.Kill(Convert.ToInt32(created!.Properties_.Item("ProcessId").Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ExecMethod_Errors_InvalidMethodAndMissingObject()
    {
        var services = Scenario.Connect();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidMethod, Scenario.Throws(() => services.ExecMethod("Win32_Process", "Explode")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => services.ExecMethod("Win32_Process.Handle=\"999999999\"", "Terminate")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Scenario.Throws(() => services.ExecMethod("Qa_NoClass", "Create")).ErrorCode);
        var last = new SWbemLastError();
        Assert.Equal(unchecked((int)0x80041010), last.Properties_.Item("StatusCode").Value);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => _ = new SWbemLastError()).ErrorCode);
    }
}

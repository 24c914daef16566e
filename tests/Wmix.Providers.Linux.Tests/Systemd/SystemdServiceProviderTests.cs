using Wmix.Cim;
using Wmix.DBus;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;
using Wmix.Providers.Linux.Tests.Providers;

namespace Wmix.Providers.Linux.Tests.Systemd;

/// <summary>
/// Win32_Service's systemd backend end to end: provider and engine against a scripted systemd on a private
/// dbus-daemon (see <see cref="FakeSystemd"/> for why a script: there is no systemd PID 1 on this machine). The script
/// models running, stopped, disabled (not loaded), masked, failing-start, stop-denied, never-finishing, template
/// instance, alias, not-found and non-service units; each test gets a fresh one.
/// </summary>
public sealed class SystemdServiceProviderTests : IDisposable
{
    private readonly FakeSystemd _systemd = FakeSystemd.Start();
    private readonly ObjectManager _manager;
    private readonly CimSession _session;

    public SystemdServiceProviderTests()
    {
        Services = new SystemdServices(new SystemdServicesOptions { BusAddress = _systemd.Address, JobTimeout = TimeSpan.FromSeconds(3) });
        _manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        _manager.RegisterProvider(new CimSchemaProvider());
        _manager.RegisterProvider(new ServiceProvider(Services));
        _session = _manager.OpenSession(@"root\cimv2");
    }

    private SystemdServices Services { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
        _systemd.Dispose();
    }

    private async Task<CimInstance> GetAsync(string name) => (CimInstance)await _session.GetAsync($"Win32_Service.Name=\"{name}\"", Ct);

    private async Task<uint> InvokeAsync(string name, string method)
        => (uint)(await _session.InvokeAsync($"Win32_Service.Name=\"{name}\"", method, null, Ct))!["ReturnValue"]!;

    [Fact]
    public async Task ListNamesAsync_UnitsAndUnitFiles_ServicesWithoutTemplatesOrNotFound()
    {
        var names = await Services.ListNamesAsync(Ct);
        Assert.Equal(["disabled.service", "failing.service", "getty@tty1.service", "guarded.service", "masked.service", "old-alias.service",
            "running.service", "slow.service", "stopped.service"], names);
    }

    [Fact]
    public async Task Enumerate_Engine_OneInstancePerServiceUnit()
    {
        var rows = await _session.InstancesAsync("Win32_Service", deep: false, Ct).ToListAsync();
        // Aliases fold into their unit (old-style ones by Id, so order follows the listed names), the template and the
        // not-found reference are absent, dbus.socket is no service.
        Assert.Equal(["disabled", "failing", "getty@tty1", "guarded", "masked", "running", "slow", "stopped"],
            rows.Select(r => (string)r["Name"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Get_RunningUnit_EveryMappedProperty()
    {
        var i = await GetAsync("running");
        Assert.Equal("running", i["Name"]);
        Assert.Equal("Running Test Daemon", i["DisplayName"]);
        Assert.Equal("Running Test Daemon", i["Description"]);
        Assert.Equal("Running Test Daemon", i["Caption"]);
        Assert.Equal("Running", i["State"]);
        Assert.Equal(true, i["Started"]);
        Assert.Equal("OK", i["Status"]);
        Assert.Equal("Auto", i["StartMode"]);
        Assert.Equal(1000u, i["ProcessId"]);
        Assert.Equal("/usr/sbin/wmixd -f --port 80", i["PathName"]);
        Assert.Equal("Own Process", i["ServiceType"]);
        Assert.Equal("wmix", i["StartName"]);
        Assert.Equal(true, i["AcceptStop"]);
        Assert.Equal(false, i["AcceptPause"]);
        Assert.Equal(false, i["DesktopInteract"]);
        Assert.Equal(0u, i["ExitCode"]);
        Assert.Equal(0u, i["ServiceSpecificExitCode"]);
        Assert.Equal("Win32_Service", i["CreationClassName"]);
        Assert.Equal("Win32_ComputerSystem", i["SystemCreationClassName"]);
        Assert.Equal(HostInfo.HostName, i["SystemName"]);
        Assert.Null(i["ErrorControl"]);
        Assert.Null(i["TagId"]);
    }

    [Fact]
    public async Task Get_OtherUnits_StatesModesAndQuotedCommandLine()
    {
        var stopped = await GetAsync("stopped");
        Assert.Equal(["Stopped", false, "Manual", 0u, "root", false], [stopped["State"]!, stopped["Started"]!, stopped["StartMode"]!, stopped["ProcessId"]!, stopped["StartName"]!, stopped["AcceptStop"]!]);
        // Not loaded until asked: LoadUnit serves it.
        var disabled = await GetAsync("disabled");
        Assert.Equal(["Stopped", "Disabled", "/usr/bin/disabled-daemon --quiet"], [disabled["State"]!, disabled["StartMode"]!, disabled["PathName"]!]);
        var masked = await GetAsync("masked");
        Assert.Equal("Disabled", masked["StartMode"]);
        Assert.Null(masked["PathName"]);
        var getty = await GetAsync("getty@tty1");
        Assert.Equal("/sbin/agetty -o '-p -- \\u' --noclear tty1 linux", getty["PathName"]);
        Assert.Equal(["-o", "-p -- \\u", "--noclear", "tty1", "linux"], CommandLineWords((string)getty["PathName"]!)[1..]);
        Assert.Equal("Running", (await GetAsync("RUNNING"))["State"]);
        foreach (var absent in new[] { "ghost", "alias-running", "getty@", "nosuch", "bad/name" })
        {
            var e = await Assert.ThrowsAsync<WbemException>(() => GetAsync(absent));
            Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
        }
    }

    private static string[] CommandLineWords(string line) => [.. Wmix.Providers.Linux.Providers.Internal.CommandLineSplitter.Split(line)!];

    [Theory]
    [InlineData("running", new[] { "running" })]
    [InlineData("Running", new[] { "running" })]
    [InlineData("disabled", new[] { "disabled" })]
    [InlineData("ghost", new string[0])]
    [InlineData("alias-running", new string[0])]
    [InlineData("old-alias", new string[0])]
    public async Task Query_NamePushedDown_SameAnswerAsFullScan(string name, string[] expected)
    {
        var pushed = await _session.QueryAsync($"SELECT Name, State FROM Win32_Service WHERE Name = '{name}'", Ct).ToListAsync();
        Assert.Equal(expected, pushed.Select(r => (string)r["Name"]!));
        var scanned = (await _session.QueryAsync("SELECT Name FROM Win32_Service", Ct).ToListAsync())
            .Where(r => string.Equals((string)r["Name"]!, name, StringComparison.OrdinalIgnoreCase)).Select(r => (string)r["Name"]!);
        Assert.Equal(scanned, pushed.Select(r => (string)r["Name"]!));
    }

    [Fact]
    public async Task Methods_StartStopCycleThroughEngine_WmiReturnCodesAndStates()
    {
        Assert.Equal(0u, await InvokeAsync("stopped", "StartService"));
        var started = await GetAsync("stopped");
        Assert.Equal("Running", started["State"]);
        Assert.NotEqual(0u, started["ProcessId"]);
        Assert.Equal(10u, await InvokeAsync("stopped", "StartService"));
        Assert.Equal(0u, await InvokeAsync("stopped", "StopService"));
        var stopped = await GetAsync("stopped");
        Assert.Equal(["Stopped", 0u, 0u], [stopped["State"]!, stopped["ProcessId"]!, stopped["ExitCode"]!]);
        Assert.Equal(6u, await InvokeAsync("stopped", "StopService"));
        // A disabled unit is not enabled at boot but starts on request, as with systemctl start.
        Assert.Equal(0u, await InvokeAsync("disabled", "StartService"));
        Assert.Equal("Running", (await GetAsync("disabled"))["State"]);
    }

    [Fact]
    public async Task Methods_RefusedAndFailingUnits_WmiReturnCodes()
    {
        Assert.Equal(14u, await InvokeAsync("masked", "StartService"));
        Assert.Equal(2u, await InvokeAsync("guarded", "StopService"));
        Assert.Equal("Running", (await GetAsync("guarded"))["State"]);
        Assert.Equal(8u, await InvokeAsync("failing", "StartService"));
        var failed = await GetAsync("failing");
        Assert.Equal(["Stopped", "Error", 1066u, 3u], [failed["State"]!, failed["Status"]!, failed["ExitCode"]!, failed["ServiceSpecificExitCode"]!]);
        Assert.Equal(6u, await InvokeAsync("failing", "StopService"));
        var e = await Assert.ThrowsAsync<WbemException>(() => InvokeAsync("nosuch", "StartService"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
    }

    [Fact]
    public async Task Methods_JobNeverEnds_TimeoutCodeThenPendingState()
    {
        var started = DateTime.UtcNow;
        Assert.Equal(7u, await InvokeAsync("slow", "StartService"));
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 2.5, 60);
        var slow = await GetAsync("slow");
        Assert.Equal(["Start Pending", "Starting", false], [slow["State"]!, slow["Status"]!, slow["Started"]!]);
        Assert.Equal(10u, await InvokeAsync("slow", "StartService"));
        Assert.Equal(5u, await InvokeAsync("slow", "StopService"));
    }

    [Fact]
    public async Task StartAsync_Cancelled_StopsWaitingPromptly()
    {
        var services = new SystemdServices(new SystemdServicesOptions { BusAddress = _systemd.Address, JobTimeout = TimeSpan.FromMinutes(5) });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var start = services.StartAsync("slow.service", cts.Token);
        await Task.Delay(300, Ct);
        Assert.False(start.IsCompleted);
        var started = DateTime.UtcNow;
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0, 30);
    }

    [Fact]
    public async Task Methods_BusDiesWhileWaitingForJob_ProviderFailure()
    {
        var services = new SystemdServices(new SystemdServicesOptions { BusAddress = _systemd.Address, JobTimeout = TimeSpan.FromMinutes(5) });
        var provider = new ServiceProvider(services);
        var cls = (CimClass)await _session.GetAsync("Win32_Service", Ct);
        var call = provider.InvokeMethodAsync(null!, cls, CimObjectPath.Parse("Win32_Service.Name=\"slow\""), cls.Methods.Single(m => m.Name == "StartService"), null, Ct).AsTask();
        await Task.Delay(500, Ct);
        Assert.False(call.IsCompleted);
        _systemd.KillBus();
        var e = await Assert.ThrowsAsync<WbemException>(() => call.WaitAsync(TimeSpan.FromSeconds(60), Ct));
        Assert.Equal(WbemErrorEnum.wbemErrProviderFailure, e.ErrorCode);
    }

    [Fact]
    public async Task InvokeMethodAsync_ProviderDirectly_SameCodesAsEngine()
    {
        var provider = new ServiceProvider(Services);
        var cls = (CimClass)await _session.GetAsync("Win32_Service", Ct);
        var method = cls.Methods.Single(m => m.Name == "StopService");
        var result = await provider.InvokeMethodAsync(null!, cls, CimObjectPath.Parse("Win32_Service.Name=\"running\""), method, null, Ct);
        Assert.Equal(0u, result!["ReturnValue"]);
        result = await provider.InvokeMethodAsync(null!, cls, CimObjectPath.Parse("Win32_Service.Name=\"running\""), method, null, Ct);
        Assert.Equal(6u, result!["ReturnValue"]);
    }

    [Fact]
    public async Task Enumerate_BusUnreachable_ProviderFailureNamingAddress()
    {
        var provider = new ServiceProvider(new SystemdServices(new SystemdServicesOptions { BusAddress = "unix:path=/nonexistent/wmix-bus" }));
        using var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        manager.RegisterProvider(new CimSchemaProvider());
        manager.RegisterProvider(provider);
        using var session = manager.OpenSession(@"root\cimv2");
        var e = await Assert.ThrowsAsync<WbemException>(async () => await session.InstancesAsync("Win32_Service", deep: false, Ct).ToListAsync());
        Assert.Equal(WbemErrorEnum.wbemErrProviderFailure, e.ErrorCode);
        Assert.Contains("/nonexistent/wmix-bus", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("done", null, false, 0u)]
    [InlineData("skipped", null, false, 0u)]
    [InlineData("failed", null, false, 8u)]
    [InlineData("canceled", null, false, 8u)]
    [InlineData("timeout", null, false, 7u)]
    [InlineData("dependency", null, false, 13u)]
    [InlineData(null, null, true, 7u)]
    [InlineData(null, "org.freedesktop.DBus.Error.AccessDenied", false, 2u)]
    [InlineData(null, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", false, 2u)]
    [InlineData(null, "org.freedesktop.systemd1.UnitMasked", false, 14u)]
    [InlineData(null, "org.freedesktop.systemd1.TransactionOrderIsCyclic", false, 18u)]
    [InlineData(null, "org.freedesktop.systemd1.TransactionIsDestructive", false, 5u)]
    [InlineData(null, "org.example.Other", false, 8u)]
    public void MapOutcome_JobResultsAndErrors_WmiCodes(string? result, string? error, bool timedOut, uint expected)
        => Assert.Equal(expected, ServiceProvider.MapOutcome(new SystemdJobOutcome(result, error, timedOut)));

    [Theory]
    [InlineData("active", "Running", "OK")]
    [InlineData("reloading", "Running", "OK")]
    [InlineData("activating", "Start Pending", "Starting")]
    [InlineData("deactivating", "Stop Pending", "Stopping")]
    [InlineData("inactive", "Stopped", "OK")]
    [InlineData("failed", "Stopped", "Error")]
    [InlineData("something-new", "Unknown", "OK")]
    public void MapState_ActiveStates_WmiStateAndStatus(string active, string state, string status)
    {
        Assert.Equal(state, ServiceProvider.MapState(active));
        Assert.Equal(status, ServiceProvider.MapStatus(active));
    }

    [Theory]
    [InlineData("enabled", "loaded", "Auto")]
    [InlineData("enabled-runtime", "loaded", "Auto")]
    [InlineData("static", "loaded", "Manual")]
    [InlineData("indirect", "loaded", "Manual")]
    [InlineData("generated", "loaded", "Manual")]
    [InlineData("", "loaded", "Manual")]
    [InlineData("disabled", "loaded", "Disabled")]
    [InlineData("masked", "masked", "Disabled")]
    [InlineData("enabled", "masked", "Disabled")]
    [InlineData("bad", "error", null)]
    public void MapStartMode_UnitFileStates_WmiStartMode(string fileState, string loadState, string? mode)
        => Assert.Equal(mode, ServiceProvider.MapStartMode(fileState, loadState));
}

/// <summary>The backend when systemd's JobRemoved never arrives: the GetJob poll ends the wait and the unit's state decides.</summary>
public sealed class SystemdLostSignalTests : IDisposable
{
    private readonly FakeSystemd _systemd = FakeSystemd.Start(jobSignals: false);

    public void Dispose() => _systemd.Dispose();

    [Fact]
    public async Task StartStop_NoJobSignals_PollFindsJobGoneAndUnitStateDecides()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new SystemdServices(new SystemdServicesOptions
        {
            BusAddress = _systemd.Address, JobTimeout = TimeSpan.FromSeconds(30), JobPollInterval = TimeSpan.FromMilliseconds(200),
        });
        var outcome = await services.StartAsync("stopped.service", ct);
        Assert.Equal(new SystemdJobOutcome(null, null, false), outcome);
        using var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        manager.RegisterProvider(new CimSchemaProvider());
        manager.RegisterProvider(new ServiceProvider(services));
        using var session = manager.OpenSession(@"root\cimv2");
        Assert.Equal(0u, (await session.InvokeAsync("Win32_Service.Name=\"stopped\"", "StopService", null, ct))!["ReturnValue"]);
        Assert.Equal(8u, (await session.InvokeAsync("Win32_Service.Name=\"failing\"", "StartService", null, ct))!["ReturnValue"]);
    }
}

/// <summary>The provider contract (keys, types, cancellation, push-down) with the systemd backend.</summary>
public sealed class SystemdWin32ServiceContractTests : ProviderContractTests, IDisposable
{
    private readonly FakeSystemd _systemd = FakeSystemd.Start();

    protected override string ClassName => "Win32_Service";

    protected override IEnumerable<string> PushDownProperties => ["Name"];

    protected override int MinimumCount => 8;

    private SystemdServices Services => new(new SystemdServicesOptions { BusAddress = _systemd.Address });

    protected override ObjectManager CreateManager()
    {
        var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        manager.RegisterProvider(new CimSchemaProvider());
        manager.RegisterProvider(new ServiceProvider(Services));
        return manager;
    }

    protected override CimProvider CreateProvider() => new ServiceProvider(Services);

    public new void Dispose()
    {
        base.Dispose();
        _systemd.Dispose();
    }
}

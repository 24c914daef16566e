using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32ServiceContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_Service";
    protected override CimProvider CreateProvider() => new ServiceProvider();
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class ServiceProviderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wmix-sysv");
    private readonly string _pidFile;

    public ServiceProviderTests()
    {
        _pidFile = Path.Combine(_root.FullName, "wmixtest.pid");
        var init = Directory.CreateDirectory(Path.Combine(_root.FullName, "init.d")).FullName;
        // A real LSB script: start runs a background sleep and records its pid, status checks it, stop kills it.
        Script(init, "wmixtest", $$"""
            #!/bin/sh
            ### BEGIN INIT INFO
            # Provides:          wmixtest
            # Short-Description: Wmix test service
            # Description:       A throwaway LSB service for the Wmix tests.
            ### END INIT INFO
            PIDFILE={{_pidFile}}
            running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
            case "$1" in
              start) running && exit 0; /usr/bin/sleep 300 & echo $! > "$PIDFILE"; exit 0 ;;
              stop) running || exit 0; kill "$(cat "$PIDFILE")"; rm -f "$PIDFILE"; exit 0 ;;
              status) running && exit 0; exit 3 ;;
              *) exit 2 ;;
            esac
            """);
        Script(init, "wmixdisabled", "#!/bin/sh\nexit 3\n");
        Script(init, "wmixhang", "#!/bin/sh\nexec /usr/bin/sleep 30\n");
        Script(init, "wmixfail", "#!/bin/sh\n[ \"$1\" = status ] && exit 3\nexit 1\n");
        File.WriteAllText(Path.Combine(init, "README"), "not a service\n");
        File.WriteAllText(Path.Combine(init, "notexec"), "#!/bin/sh\n");
        var rc2 = Directory.CreateDirectory(Path.Combine(_root.FullName, "rc2.d")).FullName;
        var rc3 = Directory.CreateDirectory(Path.Combine(_root.FullName, "rc3.d")).FullName;
        File.CreateSymbolicLink(Path.Combine(rc2, "S01wmixtest"), "../init.d/wmixtest");
        File.CreateSymbolicLink(Path.Combine(rc2, "K01wmixdisabled"), "../init.d/wmixdisabled");
        File.CreateSymbolicLink(Path.Combine(rc3, "K01wmixdisabled"), "../init.d/wmixdisabled");
        Backend = new SysVServices(init, _root.FullName, TimeSpan.FromSeconds(2));
    }

    private SysVServices Backend { get; }

    private static void Script(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose()
    {
        // Never leave the test daemon behind, whatever the test did.
        if (File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), out var pid))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        _root.Delete(recursive: true);
    }

    private CimSession OpenSession(out ObjectManager manager)
    {
        manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        manager.RegisterProvider(new CimSchemaProvider());
        manager.RegisterProvider(new ServiceProvider(Backend));
        return manager.OpenSession(@"root\cimv2");
    }

    [Fact]
    public void List_ThrowawayRoot_ExecutableScriptsWithStartModes()
    {
        var services = Backend.List();
        Assert.Equal(["wmixdisabled", "wmixfail", "wmixhang", "wmixtest"], services.Select(s => s.Name));
        var test = services.Single(s => s.Name == "wmixtest");
        Assert.Equal("Auto", test.StartMode);
        Assert.Equal("Wmix test service", test.ShortDescription);
        Assert.Equal("A throwaway LSB service for the Wmix tests.", test.Description);
        Assert.Equal("Disabled", services.Single(s => s.Name == "wmixdisabled").StartMode);
        Assert.Equal("Manual", services.Single(s => s.Name == "wmixhang").StartMode);
    }

    [Fact]
    public async Task StatusAsync_HangingScript_UnknownAfterTimeout()
    {
        var started = DateTime.UtcNow;
        Assert.Equal(SysVState.Unknown, await Backend.StatusAsync(Backend.Find("wmixhang")!, TestContext.Current.CancellationToken));
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.5, 25);
    }

    [Fact]
    public async Task Methods_StartStopThroughEngine_WmiReturnCodesAndState()
    {
        using var session = OpenSession(out var manager);
        using (manager)
        {
            var ct = TestContext.Current.CancellationToken;
            const string path = "Win32_Service.Name=\"wmixtest\"";
            var before = (CimInstance)await session.GetAsync(path, ct);
            Assert.Equal("Stopped", before["State"]);
            Assert.Equal(false, before["Started"]);
            Assert.Equal("Auto", before["StartMode"]);
            Assert.Equal(Path.Combine(_root.FullName, "init.d", "wmixtest"), before["PathName"]);
            Assert.Equal("Wmix test service", before["DisplayName"]);

            Assert.Equal(0u, (await session.InvokeAsync(path, "StartService", null, ct))!["ReturnValue"]);
            var pid = int.Parse((await File.ReadAllTextAsync(_pidFile, ct)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Directory.Exists($"/proc/{pid}"), "the service's daemon runs");
            var running = (CimInstance)await session.GetAsync(path, ct);
            Assert.Equal("Running", running["State"]);
            Assert.Equal(true, running["AcceptStop"]);
            Assert.Equal(10u, (await session.InvokeAsync(path, "StartService", null, ct))!["ReturnValue"]);

            Assert.Equal(0u, (await session.InvokeAsync(path, "StopService", null, ct))!["ReturnValue"]);
            Assert.Equal("Stopped", ((CimInstance)await session.GetAsync(path, ct))["State"]);
            Assert.Equal(6u, (await session.InvokeAsync(path, "StopService", null, ct))!["ReturnValue"]);

            Assert.Equal(8u, (await session.InvokeAsync("Win32_Service.Name=\"wmixfail\"", "StartService", null, ct))!["ReturnValue"]);
            Assert.Equal(7u, (await session.InvokeAsync("Win32_Service.Name=\"wmixhang\"", "StartService", null, ct))!["ReturnValue"]);
            var e = await Assert.ThrowsAsync<WbemException>(() => session.InvokeAsync("Win32_Service.Name=\"nosuch\"", "StartService", null, ct));
            Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
        }
    }

    [Fact]
    public async Task Query_ByName_PushedDownToOneScript()
    {
        using var session = OpenSession(out var manager);
        using (manager)
        {
            var rows = await session.QueryAsync("SELECT Name, State FROM Win32_Service WHERE Name = 'wmixdisabled'", TestContext.Current.CancellationToken).ToListAsync();
            Assert.Equal("Stopped", Assert.Single(rows)["State"]);
        }
    }

    [Fact]
    public async Task Query_Machine_InitScriptsListed()
    {
        Assert.False(Directory.Exists("/run/systemd/system"), "this test machine runs without systemd");
        using var manager = TestSupport.NewManager();
        using var session = manager.OpenSession(@"root\cimv2");
        var rows = await session.QueryAsync("SELECT * FROM Win32_Service", TestContext.Current.CancellationToken).ToListAsync();
        var names = rows.Select(r => (string)r["Name"]!).ToList();
        Assert.Contains("procps", names);
        Assert.Contains("hwclock.sh", names);
        Assert.Equal("/etc/init.d/procps", rows.Single(r => (string)r["Name"]! == "procps")["PathName"]);
        Assert.All(rows, r => Assert.Contains((string)r["State"]!, new[] { "Running", "Stopped", "Unknown" }));
    }
}

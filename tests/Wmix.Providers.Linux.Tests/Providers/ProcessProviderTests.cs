using System.Globalization;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32ProcessContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_Process";
    protected override CimProvider CreateProvider() => new ProcessProvider();
    protected override int MinimumCount => 2;
    protected override bool IsVolatile => true;
    protected override IEnumerable<string> PushDownProperties => ["ProcessId", "Handle"];
    protected override IEnumerable<CimInstance> PickSamples(IReadOnlyList<CimInstance> all) =>
        all.Where(i => (uint)i["ProcessId"]! == (uint)Environment.ProcessId || (uint)i["ProcessId"]! == 1);
}

public sealed class Win32ThreadContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_Thread";
    protected override CimProvider CreateProvider() => new ProcessProvider();
    protected override bool IsVolatile => true;
    protected override IEnumerable<string> PushDownProperties => ["ProcessHandle"];
    protected override IEnumerable<CimInstance> PickSamples(IReadOnlyList<CimInstance> all) =>
        all.Where(i => (string)i["ProcessHandle"]! == "1");
}

public sealed class ProcessProviderTests : IDisposable
{
    private readonly Wmix.Engine.ObjectManager _manager = TestSupport.NewManager();
    private readonly Wmix.Engine.CimSession _session;

    public ProcessProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    [Fact]
    public async Task Query_ChildByProcessId_EveryFilledPropertyMatchesProc()
    {
        var child = TestSupport.StartSleep(91);
        try
        {
            var rows = await _session.QueryAsync($"SELECT * FROM Win32_Process WHERE ProcessId = {child.Id}", TestContext.Current.CancellationToken).ToListAsync();
            var p = Assert.IsType<CimInstance>(Assert.Single(rows));
            var stat = TestSupport.StatFields(child.Id);
            var page = (ulong)Environment.SystemPageSize;
            Assert.Equal(child.Id.ToString(CultureInfo.InvariantCulture), p["Handle"]);
            Assert.Equal((uint)child.Id, p["ProcessId"]);
            Assert.Equal((uint)Environment.ProcessId, p["ParentProcessId"]);
            Assert.Equal("sleep", p["Name"]);
            Assert.Equal("sleep", p["Caption"]);
            Assert.Equal("/usr/bin/sleep", p["ExecutablePath"]);
            Assert.Equal("/usr/bin/sleep 91", p["CommandLine"]);
            Assert.Equal((uint)1, p["ThreadCount"]);
            Assert.Equal(8u, p["Priority"]);
            Assert.Equal(uint.Parse(stat[6], CultureInfo.InvariantCulture), p["SessionId"]);
            Assert.Equal(ulong.Parse(stat[23], CultureInfo.InvariantCulture), p["VirtualSize"]);
            var statm = (await File.ReadAllTextAsync($"/proc/{child.Id}/statm", TestContext.Current.CancellationToken)).Split(' ');
            Assert.Equal(ulong.Parse(statm[1], CultureInfo.InvariantCulture) * page, p["WorkingSetSize"]);
            Assert.Equal(ulong.Parse(stat[14], CultureInfo.InvariantCulture) * 100_000, p["UserModeTime"]);
            Assert.Equal(ulong.Parse(stat[15], CultureInfo.InvariantCulture) * 100_000, p["KernelModeTime"]);
            Assert.Equal((uint)(ulong.Parse(stat[10], CultureInfo.InvariantCulture) + ulong.Parse(stat[12], CultureInfo.InvariantCulture)), p["PageFaults"]);
            Assert.Equal((ushort)4, p["ExecutionState"]); // sleeping
            Assert.Equal("Win32_Process", p["CreationClassName"]);
            Assert.Equal(HostInfo.HostName, p["CSName"]);
            var io = (await File.ReadAllLinesAsync($"/proc/{child.Id}/io", TestContext.Current.CancellationToken)).ToDictionary(l => l.Split(':')[0], l => ulong.Parse(l.Split(':')[1], CultureInfo.InvariantCulture));
            Assert.Equal(io["syscr"], p["ReadOperationCount"]);
            Assert.Equal(io["wchar"], p["WriteTransferCount"]);
            var created = CimDateTime.Parse((string)p["CreationDate"]!).ToDateTimeOffset();
            Assert.InRange((DateTimeOffset.UtcNow - created).TotalSeconds, -1.0, 60.0);
            Assert.Null(p["HandleCount"]);
            Assert.Null(p["WindowsVersion"]);
            Assert.Null(p["PageFileUsage"]);
        }
        finally
        {
            TestSupport.Kill(child);
        }
    }

    [Fact]
    public async Task Get_MissingProcess_NotFound()
    {
        var e = await Assert.ThrowsAsync<WbemException>(() => _session.GetAsync("Win32_Process.Handle=\"2147483646\"", TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
    }

    private async Task<CimInstance> CreateArgsAsync(string? commandLine, string? directory = null, string[]? env = null)
    {
        var cls = (CimClass)await _session.GetAsync("Win32_Process", TestContext.Current.CancellationToken);
        var args = cls.Methods.Find("Create")!.InParameters!.SpawnInstance();
        args["CommandLine"] = commandLine;
        args["CurrentDirectory"] = directory;
        if (env is not null)
        {
            var startupClass = (CimClass)await _session.GetAsync("Win32_ProcessStartup", TestContext.Current.CancellationToken);
            var startup = startupClass.SpawnInstance();
            startup["EnvironmentVariables"] = env;
            args["ProcessStartupInformation"] = startup;
        }
        return args;
    }

    [Fact]
    public async Task Create_ThenGetOwnerAndTerminate_RealProcess()
    {
        var dir = Directory.CreateTempSubdirectory("wmix-create");
        var result = await _session.InvokeAsync("Win32_Process", "Create",
            await CreateArgsAsync("/usr/bin/sleep '120'", dir.FullName, ["WMIX_MARK=42"]), TestContext.Current.CancellationToken);
        Assert.NotNull(result);
        Assert.Equal(0u, result["ReturnValue"]);
        var pid = (uint)result["ProcessId"]!;
        var path = $"Win32_Process.Handle=\"{pid}\"";
        var p = (CimInstance)await _session.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal("/usr/bin/sleep 120", p["CommandLine"]);
        Assert.Equal(dir.FullName, File.ResolveLinkTarget($"/proc/{pid}/cwd", false)!.FullName);
        Assert.Equal("WMIX_MARK=42", (await File.ReadAllTextAsync($"/proc/{pid}/environ", TestContext.Current.CancellationToken)).TrimEnd('\0'));

        var owner = await _session.InvokeAsync(path, "GetOwner", null, TestContext.Current.CancellationToken);
        Assert.Equal(0u, owner!["ReturnValue"]);
        Assert.Equal("root", owner["User"]);
        Assert.Equal(HostInfo.HostName, owner["Domain"]);
        var ownerSid = await _session.InvokeAsync(path, "GetOwnerSid", null, TestContext.Current.CancellationToken);
        Assert.Equal(0u, ownerSid!["ReturnValue"]);
        Assert.Equal("S-1-22-1-0", ownerSid["Sid"]); // root's Win32_UserAccount.SID

        var cls = (CimClass)await _session.GetAsync("Win32_Process", TestContext.Current.CancellationToken);
        var reason = cls.Methods.Find("Terminate")!.InParameters!.SpawnInstance();
        reason["Reason"] = 5u;
        var terminated = await _session.InvokeAsync(path, "Terminate", reason, TestContext.Current.CancellationToken);
        Assert.Equal(0u, terminated!["ReturnValue"]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (File.Exists($"/proc/{pid}/stat") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.False(File.Exists($"/proc/{pid}/stat"));
        var gone = await Assert.ThrowsAsync<WbemException>(() => _session.InvokeAsync(path, "Terminate", reason, TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, gone.ErrorCode);
        dir.Delete();
    }

    [Fact]
    public async Task Create_Child_DetachedWithNullStreamsOwnSessionAndDefaultSignals()
    {
        // A process started by Win32_Process.Create must outlive a short-lived caller (wmix call) and still be able
        // to write: no pipes back to the caller, no inherited SIGPIPE-ignored disposition, not in the caller's session.
        var result = await _session.InvokeAsync("Win32_Process", "Create", await CreateArgsAsync("/usr/bin/sleep 120"), TestContext.Current.CancellationToken);
        Assert.Equal(0u, result!["ReturnValue"]);
        var pid = (int)(uint)result["ProcessId"]!;
        try
        {
            foreach (var fd in new[] { 0, 1, 2 })
            {
                Assert.Equal("/dev/null", File.ResolveLinkTarget($"/proc/{pid}/fd/{fd}", false)!.FullName);
            }
            var status = await File.ReadAllLinesAsync($"/proc/{pid}/status", TestContext.Current.CancellationToken);
            var ignored = ulong.Parse(status.Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.Equal(0ul, ignored & (1ul << (13 - 1))); // SIGPIPE
            var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", TestContext.Current.CancellationToken);
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(pid.ToString(CultureInfo.InvariantCulture), fields[3]); // session id: its own session
        }
        finally
        {
            ProcessProvider.Terminate(pid);
        }
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (File.Exists($"/proc/{pid}/stat") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
        Assert.False(File.Exists($"/proc/{pid}/stat"), "the terminated child was not reaped");
    }

    [Theory]
    [InlineData("", null, 21u)]
    [InlineData("   ", null, 21u)]
    [InlineData("/bin/echo 'unclosed", null, 21u)]
    [InlineData("/no/such/program", null, 9u)]
    [InlineData("no-such-program-wmix", null, 9u)]
    [InlineData("/bin/true", "/no/such/dir", 9u)]
    [InlineData("/etc/passwd", null, 2u)]
    public async Task Create_BadArguments_WmiReturnCodes(string commandLine, string? directory, uint expected)
    {
        var result = await _session.InvokeAsync("Win32_Process", "Create", await CreateArgsAsync(commandLine, directory), TestContext.Current.CancellationToken);
        Assert.Equal(expected, result!["ReturnValue"]);
        Assert.Null(result["ProcessId"]);
    }

    [Fact]
    public async Task Create_BadEnvironmentEntry_InvalidParameter()
    {
        var result = await _session.InvokeAsync("Win32_Process", "Create", await CreateArgsAsync("/bin/true", null, ["NOEQUALS"]), TestContext.Current.CancellationToken);
        Assert.Equal(21u, result!["ReturnValue"]);
    }

    [Fact]
    public async Task Query_ThreadsOfOwnProcess_PushedDownAndComplete()
    {
        var rows = await _session.QueryAsync($"SELECT * FROM Win32_Thread WHERE ProcessHandle = '{Environment.ProcessId}'", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Contains(rows, r => (string)r["Handle"]! == Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Assert.All(rows, r => Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), r["ProcessHandle"]));
    }
}

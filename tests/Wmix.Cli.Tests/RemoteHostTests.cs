using System.Diagnostics;
using System.Text.RegularExpressions;
using Wmix.Cli.Tests.Support;

namespace Wmix.Cli.Tests;

/// <summary>
/// <c>wmix --host</c> against a real <c>wmix serve</c> child process on 127.0.0.1, set up as docs/REMOTE.md tells a
/// newcomer: <c>wmix serve user add --password-stdin</c>, access rules, plain HTTP on loopback. Remote results equal
/// the local ones; refusals are exit 1 with the WMI code; SIGINT ends a remote watch with 130.
/// </summary>
public sealed partial class RemoteHostTests : IAsyncLifetime
{
    private static readonly CancellationToken s_ct = TestContext.Current.CancellationToken;
    private readonly string _dir = Directory.CreateTempSubdirectory("wmix-cli-remote-").FullName;
    private Process _server = null!;
    private string _host = null!;

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)/wsman")]
    private static partial Regex Listening();

    public async ValueTask InitializeAsync()
    {
        var users = Path.Combine(_dir, "users");
        foreach (var (user, password, extra) in (ValueTuple<string, string, string[]>[])[("alice", "alice-Pw1", []), ("bob", "bob-Pw1", ["--group", "ops"])])
        {
            using var add = WmixTool.Start(["serve", "user", "add", user, "--users-file", users, "--password-stdin", .. extra]);
            await add.StandardInput.WriteAsync(password);
            add.StandardInput.Close();
            await add.WaitForExitAsync(s_ct).WaitAsync(WmixTool.DefaultTimeout, s_ct);
            Assert.True(add.ExitCode == 0, await add.StandardError.ReadToEndAsync(s_ct));
        }
        var rules = Path.Combine(_dir, "access.json");
        await File.WriteAllTextAsync(rules, """
            { "rules": [
                { "namespace": "root/cimv2", "user": "alice", "allow": ["all"] },
                { "namespace": "root/cimv2", "group": "ops", "allow": ["read", "subscribe"] } ] }
            """, s_ct);
        _server = WmixTool.Start("serve", "--http", "--listen", "127.0.0.1:0", "--no-pam", "--users-file", users, "--access-rules", rules,
            "--audit-log", Path.Combine(_dir, "audit.jsonl"), "--repository", Path.Combine(_dir, "repo"));
        _ = _server.StandardOutput.ReadToEndAsync(s_ct);
        var deadline = DateTime.UtcNow + WmixTool.DefaultTimeout;
        while (await _server.StandardError.ReadLineAsync(s_ct).AsTask().WaitAsync(WmixTool.DefaultTimeout, s_ct) is { } line)
        {
            if (Listening().Match(line) is { Success: true } m)
            {
                _host = m.Groups[1].Value;
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "wmix serve did not start");
        }
        Assert.NotNull(_host);
        _ = _server.StandardError.ReadToEndAsync(s_ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            WmixTool.Signal(_server.Id, "TERM");
            using var wait = new CancellationTokenSource(WmixTool.DefaultTimeout);
            try
            {
                await _server.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _server.Kill(entireProcessTree: true);
            }
        }
        _server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<WmixResult> RemoteAsync(string user, string password, params string[] args) =>
        WmixTool.RunAsync(new Dictionary<string, string> { ["WMIX_PASSWORD"] = password }, ["--host", _host, "--user", user, .. args]);

    [Fact]
    public async Task Host_QueryDescribeClassesGet_SameOutputAsLocally()
    {
        // The server's repository is its own, so compare what does not depend on it: the providers' classes and data.
        foreach (var args in (string[][])[
            ["describe", "Win32_Process"],
            ["classes", "CIM_LogicalElement", "--deep"],
            ["get", "Win32_OperatingSystem=@"],
            ["query", "SELECT Name FROM Win32_OperatingSystem", "-f", "csv"],
            ["get", "Win32_Process.Handle=\"999999999\""]])
        {
            var local = await WmixTool.RunAsync(args);
            var remote = await RemoteAsync("alice", "alice-Pw1", args);
            Assert.Equal(local.ExitCode, remote.ExitCode);
            Assert.Equal(local.Stdout, remote.Stdout);
            Assert.Equal(ErrorCode(local.Stderr), ErrorCode(remote.Stderr));
        }
    }

    [Fact]
    public async Task Host_CallWin32ProcessCreate_StartsAProcessOnTheServer()
    {
        var marker = Path.Combine(_dir, "created-remotely");
        var result = await RemoteAsync("alice", "alice-Pw1", "call", "Win32_Process", "Create", $"CommandLine=/bin/touch {marker}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ReturnValue=0", result.Stdout, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + WmixTool.DefaultTimeout;
        while (!File.Exists(marker))
        {
            Assert.True(DateTime.UtcNow < deadline, "the created process did not run");
            await Task.Delay(50, s_ct);
        }
    }

    [Fact]
    public async Task Host_Refusals_ExitOneWithTheWmiCode()
    {
        var wrong = await RemoteAsync("alice", "not-it", "query", "SELECT Name FROM Win32_OperatingSystem");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("0x80041003", wrong.Stderr, StringComparison.Ordinal);

        var reader = await RemoteAsync("bob", "bob-Pw1", "query", "SELECT Name FROM Win32_OperatingSystem", "-f", "csv");
        Assert.True(reader.ExitCode == 0, reader.ToString());
        var execute = await RemoteAsync("bob", "bob-Pw1", "call", "Win32_Process", "Create", "CommandLine=/bin/true");
        Assert.Equal(1, execute.ExitCode);
        Assert.Contains("0x80041003", execute.Stderr, StringComparison.Ordinal);
        var otherNamespace = await RemoteAsync("bob", "bob-Pw1", "-n", "root/default", "classes");
        Assert.Equal(1, otherNamespace.ExitCode);
        Assert.Contains("0x80041003", otherNamespace.Stderr, StringComparison.Ordinal);

        var nobody = await WmixTool.RunAsync(new Dictionary<string, string> { ["WMIX_PASSWORD"] = "x" },
            "--host", "http://127.0.0.1:1", "--user", "alice", "query", "SELECT Name FROM Win32_OperatingSystem");
        Assert.Equal(1, nobody.ExitCode);
        Assert.Contains("0x80041015", nobody.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_WatchThenSigint_Exit130AndTheServerStaysUsable()
    {
        using var watch = WmixTool.Start(new Dictionary<string, string> { ["WMIX_PASSWORD"] = "alice-Pw1" },
            "--host", _host, "--user", "alice", "watch", "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'");
        var stdout = watch.StandardOutput.ReadToEndAsync(s_ct);
        var stderr = watch.StandardError.ReadToEndAsync(s_ct);
        // Let the subscription reach the server (no output to wait for; a few seconds cover a loaded machine).
        await Task.Delay(TimeSpan.FromSeconds(5), s_ct);
        Assert.False(watch.HasExited, "wmix watch ended before the signal");
        WmixTool.Signal(watch.Id, "INT");
        var clock = Stopwatch.StartNew();
        await watch.WaitForExitAsync(s_ct).WaitAsync(WmixTool.DefaultTimeout, s_ct);
        Assert.True(watch.ExitCode == 130, $"exit {watch.ExitCode}: {await stderr}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
        _ = await stdout;

        var after = await RemoteAsync("alice", "alice-Pw1", "query", "SELECT Name FROM Win32_OperatingSystem", "-f", "csv");
        Assert.True(after.ExitCode == 0, after.ToString());
    }

    private static string ErrorCode(string stderr) => Regex.Match(stderr, "0x[0-9A-F]{8}").Value;
}

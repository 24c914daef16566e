using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Security;
using Wmix.Remote.Server.Tests.Support;

namespace Wmix.Remote.Server.Tests;

/// <summary><c>wmix serve</c> as a real child process: PAM logins of a real system user, SIGTERM that cancels everything.</summary>
public sealed partial class ServeProcessTests : IDisposable
{
    private static readonly CancellationToken s_ct = TestContext.Current.CancellationToken;
    private readonly string _dir = Directory.CreateTempSubdirectory("wmix-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string WmixDll => Path.Combine(Path.GetDirectoryName(typeof(ServeProcessTests).Assembly.Location)!, "wmix.dll");

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+/)wsman")]
    private static partial Regex Listening();

    private async Task<(Process Process, Uri Endpoint, Task<string> Stderr)> StartAsync(params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])[WmixDll, "serve", "--http", "--listen", "127.0.0.1:0", "--repository", Path.Combine(_dir, "repo"),
            "--audit-log", Path.Combine(_dir, "audit.jsonl"), .. extra])
        {
            psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi)!;
        var stderr = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await p.StandardError.ReadLineAsync() is { } line)
            {
                lock (stderr)
                {
                    stderr.AppendLine(line);
                }
                if (Listening().Match(line) is { Success: true } m)
                {
                    listening.TrySetResult(new Uri(new Uri(m.Groups[1].Value), "wsman"));
                }
            }
            listening.TrySetException(new InvalidOperationException("wmix serve exited: " + stderr));
            return stderr.ToString();
        });
        _ = p.StandardOutput.ReadToEndAsync();
        var endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), s_ct);
        return (p, endpoint, reader);
    }

    [Fact]
    public async Task Serve_PamUser_GetsData_SigtermCancelsOpenContexts_Exit143()
    {
        Assert.SkipWhen(SystemUser.Unavailable is not null, SystemUser.Unavailable ?? "");
        using var user = SystemUser.Create();
        var rules = Path.Combine(_dir, "rules.json");
        await File.WriteAllTextAsync(rules, $$"""{ "rules": [ { "namespace": "root/cimv2", "user": "{{user.Name}}", "allow": ["read"] } ] }""", s_ct);
        var (process, endpoint, stderr) = await StartAsync("--access-rules", rules);
        try
        {
            using var client = new WsmanTestClient(endpoint, user.Name, user.Password);
            var os = await client.EnumerateAllAsync("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_OperatingSystem", null, ct: s_ct);
            Assert.Single(os);

            using var wrong = new WsmanTestClient(endpoint, user.Name, user.Password + "x");
            var (status, _) = await wrong.SendAsync(WsmanTestClient.Headers("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_OperatingSystem", WsManActions.Enumerate), new EnumerateBody(), s_ct);
            Assert.Equal(HttpStatusCode.Unauthorized, status);

            // Read only: Invoke is denied.
            var fault = await client.FaultAsync(WsmanTestClient.Headers("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process/Create"),
                new MethodParametersBody("Win32_Process", "Create", false, null), s_ct);
            Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, fault.ToWbemError());

            // Leave two enumerations open, then SIGTERM.
            for (var i = 0; i < 2; i++)
            {
                await client.CallAsync(WsmanTestClient.Headers("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process", WsManActions.Enumerate), new EnumerateBody(), s_ct);
            }
            Assert.Equal(0, Kill(process.Id, 15));
            await process.WaitForExitAsync(s_ct).WaitAsync(TimeSpan.FromSeconds(30), s_ct);
            Assert.Equal(143, process.ExitCode);
            var err = await stderr;
            Assert.Contains("0 operations left", err, StringComparison.Ordinal);
            var audit = await File.ReadAllLinesAsync(Path.Combine(_dir, "audit.jsonl"), s_ct);
            Assert.Contains(audit, l => l.Contains("\"auth\"", StringComparison.Ordinal) && l.Contains(user.Name, StringComparison.Ordinal));
            Assert.Contains(audit, l => l.Contains("\"denied\"", StringComparison.Ordinal));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.Dispose();
        }
    }

    [Fact]
    public async Task Serve_HttpOffLoopback_RefusedWithClearError()
    {
        var users = new UsersFile(Path.Combine(_dir, "users"), UsersFile.MinIterations);
        users.SetPassword("u", "p");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])[WmixDll, "serve", "--http", "--listen", "0.0.0.0:0", "--no-pam", "--users-file", Path.Combine(_dir, "users"), "--repository", Path.Combine(_dir, "repo")])
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync(s_ct);
        await p.WaitForExitAsync(s_ct);
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("loopback", err, StringComparison.Ordinal);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}

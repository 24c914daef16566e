using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Wmix.Cli.Tests.Support;

/// <summary>The result of one <c>wmix</c> run.</summary>
internal sealed record WmixResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the built <c>wmix</c> tool (<c>dotnet wmix.dll …</c>) as a child process with redirected output.</summary>
internal static class WmixTool
{
    /// <summary>Generous: the machine is shared, and a cold start of the runtime may be slow.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static string Dll { get; } = FindDll();

    /// <summary>Runs <c>wmix</c> with <paramref name="args"/> to the end and returns its exit code and output.</summary>
    public static Task<WmixResult> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs <c>wmix</c> with extra environment variables (e.g. <c>WMIX_REPOSITORY</c>).</summary>
    public static async Task<WmixResult> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(environment, args);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"wmix {string.Join(' ', args)} did not end within {DefaultTimeout.TotalSeconds} s.");
        }
        return new WmixResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts <c>wmix</c> with SIGINT and SIGTERM at their default disposition (through <c>env --default-signal</c>):
    /// a child started from a non-interactive shell's background job would otherwise inherit SIGINT ignored, and the
    /// runtime rightly keeps an ignored signal ignored.
    /// </summary>
    public static Process Start(params string[] args) => Start(null, args);

    /// <inheritdoc cref="Start(string[])"/>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--default-signal=INT,TERM");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // Every run gets a repository: the test run's own unless the test names one, never the developer's (issue #5).
        info.Environment["WMIX_REPOSITORY"] = RunRepository.Value;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException("Could not start wmix.");
    }

    /// <summary>Sends <paramref name="signal"/> (INT, TERM) to <paramref name="pid"/> with kill(1).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The repository directory of this test run (a fresh temporary directory, removed at exit).</summary>
    private static readonly Lazy<string> RunRepository = new(static () =>
    {
        var directory = Path.Combine(Path.GetTempPath(), "wmix-cli-tests-" + Guid.NewGuid().ToString("N")[..12]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // No test needed it.
            }
        };
        return directory;
    });

    private static string FindDll()
    {
        var directory = typeof(WmixTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WmixCliDirectory").Value!;
        var dll = Path.GetFullPath(Path.Combine(directory, "wmix.dll"));
        Assert.True(File.Exists(dll), $"The wmix tool is not built at {dll}.");
        return dll;
    }
}

/// <summary>Short-lived helper processes the tests inspect through wmix.</summary>
internal static class Children
{
    /// <summary>Starts <c>sh -c <paramref name="script"/></c> with a known command line; kill it when done.</summary>
    public static Process StartShell(string script)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        var process = Process.Start(info)!;
        // Wait until the child has exec'd /bin/sh (before that /proc shows the dotnet host's image).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !File.ReadAllText($"/proc/{process.Id}/cmdline").Contains(script, StringComparison.Ordinal))
        {
            Thread.Sleep(5);
        }
        return process;
    }

    /// <summary>Runs <c>/bin/true</c> once.</summary>
    public static void RunTrue()
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        p.WaitForExit();
    }

    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Wmix.Hosting.Tests.Support;

/// <summary>What a child process did.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Real second processes on a repository: the built <c>wmix</c> tool, and this test assembly run again as a worker
/// (one explicit test of <see cref="Workers"/>, selected by name).
/// </summary>
internal static class Processes
{
    /// <summary>Generous: the machine is shared, and a cold start of the runtime may be slow.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string WmixDll { get; } = FindWmix();

    /// <summary>Runs <c>wmix <paramref name="args"/></c> on the repository in <paramref name="repository"/>.</summary>
    public static Task<ProcessResult> WmixAsync(string repository, params string[] args) => RunAsync(Wmix(repository, args));

    /// <summary>A started <c>wmix</c> process (output redirected) on <paramref name="repository"/>.</summary>
    public static ProcessStartInfo Wmix(string repository, params string[] args)
    {
        var info = Info(repository);
        info.ArgumentList.Add(WmixDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        return info;
    }

    /// <summary>Runs the worker <paramref name="worker"/> of <see cref="Workers"/> with <paramref name="argument"/>.</summary>
    public static Task<ProcessResult> WorkerAsync(string repository, string worker, string argument = "") => RunAsync(Worker(repository, worker, argument));

    public static ProcessStartInfo Worker(string repository, string worker, string argument = "")
    {
        var info = Info(repository);
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(typeof(Processes).Assembly.Location);
        // Launched directly (not through Microsoft.Testing.Platform), the assembly runs xUnit's in-process console runner.
        info.ArgumentList.Add("-method");
        info.ArgumentList.Add(typeof(Workers).FullName + "." + worker);
        info.ArgumentList.Add("-explicit");
        info.ArgumentList.Add("only");
        info.ArgumentList.Add("-noColor");
        info.Environment[Workers.ArgumentVariable] = argument;
        return info;
    }

    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + info.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{string.Join(' ', info.ArgumentList)} did not end within {Timeout.TotalSeconds} s.");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The lines a worker reported (see <see cref="Workers.Report"/>).</summary>
    public static IReadOnlyList<string> Reports(this ProcessResult result) =>
        [.. result.Stdout.Split('\n')
            .Select(l => l.IndexOf(Workers.Prefix, StringComparison.Ordinal) is var at and >= 0 ? l[(at + Workers.Prefix.Length)..].TrimEnd('\r') : null)
            .OfType<string>()];

    private static ProcessStartInfo Info(string repository)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["WMIX_REPOSITORY"] = repository;
        return info;
    }

    private static string FindWmix()
    {
        var directory = typeof(Processes).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WmixCliDirectory").Value!;
        var dll = Path.GetFullPath(Path.Combine(directory, "wmix.dll"));
        Assert.True(File.Exists(dll), $"The wmix tool is not built at {dll}.");
        return dll;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Wmix.Repository.Tests.Processes;

/// <summary>
/// Runs this test assembly again as a child process, executing one explicit "test" of <see cref="ChildWorkers"/>
/// selected by environment variables. The child reports progress as lines on stdout, which the parent collects.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly ConcurrentQueue<string> _all = new();

    private ChildProcess(Process process) => _process = process;

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The first lines of everything the child wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _all);

    public static ChildProcess Start(string worker, string directory, string? argument = null)
    {
        var assembly = typeof(ChildProcess).Assembly.Location;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        // Launched directly (not through Microsoft.Testing.Platform), the assembly runs xUnit's in-process console runner.
        start.ArgumentList.Add("-method");
        start.ArgumentList.Add("Wmix.Repository.Tests.Processes.ChildWorkers." + worker);
        start.ArgumentList.Add("-explicit");
        start.ArgumentList.Add("only");
        start.ArgumentList.Add("-noColor");
        start.Environment[ChildWorkers.DirectoryVariable] = directory;
        start.Environment[ChildWorkers.ArgumentVariable] = argument ?? "";
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } raw && child._all.Count < 200)
            {
                child._all.Enqueue(raw);
            }
            // The runner may put colour escapes before a line; the report starts at the prefix.
            var at = e.Data?.IndexOf(ChildWorkers.Prefix, StringComparison.Ordinal) ?? -1;
            if (at >= 0)
            {
                child._lines.Add(e.Data![(at + ChildWorkers.Prefix.Length)..]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } raw && child._all.Count < 200)
            {
                child._all.Enqueue("stderr: " + raw);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/>.</summary>
    public bool WaitFor(string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return true;
            }
            if (_process.HasExited)
            {
                _process.WaitForExit();
                return _lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal));
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            Thread.Sleep(10);
        }
    }

    /// <summary>SIGKILL (Process.Kill on Linux), then waits until its output is drained.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.WaitForExit();
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill();
            _process.WaitForExit();
            return -1;
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        _lines.Dispose();
    }
}

using System.Diagnostics;
using System.Text.Json;
using Wmix.Cli.Tests.Support;

namespace Wmix.Cli.Tests;

/// <summary>
/// <c>wmix watch</c>: ends by itself after <c>--count</c> events or <c>--timeout</c> (exit 0), and on a real SIGINT or
/// SIGTERM cancels through <c>SWbemSink.Cancel</c> and exits 130 or 143 with a short note and nothing alarming.
/// </summary>
public sealed class WatchTests
{
    private const string StartTrace = "SELECT ProcessID, ProcessName, ParentProcessID FROM Win32_ProcessStartTrace WHERE ProcessName = 'true'";

    /// <summary>Starts a <c>true</c> process every 50 ms until <paramref name="done"/> or <paramref name="deadline"/>.</summary>
    private static async Task RunTrueUntilAsync(Func<bool> done, DateTime deadline)
    {
        while (!done() && DateTime.UtcNow < deadline)
        {
            Children.RunTrue();
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Watch_Count_EndsAfterNEventsWithExit0()
    {
        using var watch = WmixTool.Start("watch", StartTrace, "--count", "2", "--format", "json");
        var stdout = watch.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // Start `true` processes until wmix has seen two and ends by itself.
        await RunTrueUntilAsync(() => watch.HasExited, DateTime.UtcNow + WmixTool.DefaultTimeout);

        Assert.True(watch.HasExited, "wmix watch --count 2 did not end by itself.");
        await watch.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(watch.ExitCode == 0, await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // JSON Lines: one event a line
        foreach (var line in lines)
        {
            var e = JsonDocument.Parse(line).RootElement;
            Assert.Equal("true", e.GetProperty("ProcessName").GetString());
            Assert.Equal(Environment.ProcessId, e.GetProperty("ParentProcessID").GetInt32());
            Assert.True(e.GetProperty("ProcessID").GetInt32() > 0);
        }
    }

    [Fact]
    public async Task Watch_EmbeddedPropertySelected_PrintsThatPropertyNotTheWholeObject()
    {
        // SELECT TargetInstance.Name: WMI delivers the whole TargetInstance, but the user asked for its Name.
        using var watch = WmixTool.Start("watch",
            "SELECT TargetInstance.Name, TargetInstance.ParentProcessId FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Win32_Process' AND TargetInstance.Name = 'true'",
            "--count", "1", "--format", "json");
        var stdout = watch.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await RunTrueUntilAsync(() => watch.HasExited, DateTime.UtcNow + WmixTool.DefaultTimeout);

        Assert.True(watch.HasExited, "wmix watch --count 1 did not end by itself.");
        await watch.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(watch.ExitCode == 0, await stderr);
        var e = JsonDocument.Parse((await stdout).Trim()).RootElement;
        Assert.Equal(["TargetInstance.Name", "TargetInstance.ParentProcessId"], e.EnumerateObject().Select(p => p.Name));
        Assert.Equal("true", e.GetProperty("TargetInstance.Name").GetString());
        Assert.Equal(Environment.ProcessId, e.GetProperty("TargetInstance.ParentProcessId").GetInt32());
    }

    [Fact]
    public async Task Watch_ReaderGoneAway_Exit141AtTheNextEvent()
    {
        // `wmix watch … | head -1`: once the reader has closed the pipe, the next event's write fails and wmix ends.
        using var watch = WmixTool.Start("watch", StartTrace);
        var stderr = watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var firstLine = watch.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        var deadline = DateTime.UtcNow + WmixTool.DefaultTimeout;
        await RunTrueUntilAsync(() => firstLine.IsCompleted, deadline);
        Assert.Equal("ProcessID", (await firstLine)?.Split('=')[0]);
        watch.StandardOutput.Close();

        await RunTrueUntilAsync(() => watch.HasExited, deadline);

        Assert.True(watch.HasExited, "wmix watch did not notice that its reader went away.");
        await watch.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(watch.ExitCode == 141, $"exit {watch.ExitCode}: {await stderr}");
    }

    [Fact]
    public async Task Watch_Timeout_EndsWithExit0()
    {
        var started = Stopwatch.StartNew();

        var result = await WmixTool.RunAsync("watch", "SELECT * FROM Win32_ProcessStopTrace WHERE ProcessName = 'no-such-process-name'", "--timeout", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1), $"ended after {started.Elapsed}");
    }

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task Watch_Signal_CancelsThroughTheSinkAndExits(string signal, int expectedExit)
    {
        using var watch = WmixTool.Start("watch", StartTrace);
        var stderr = watch.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);

        // Wait until the subscription delivers (so it is live), then send the real signal.
        var firstLine = watch.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        await RunTrueUntilAsync(() => firstLine.IsCompleted, DateTime.UtcNow + WmixTool.DefaultTimeout);
        Assert.StartsWith("ProcessID=", await firstLine, StringComparison.Ordinal);
        var rest = watch.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);

        WmixTool.Signal(watch.Id, signal);

        using var timeout = new CancellationTokenSource(WmixTool.DefaultTimeout);
        await watch.WaitForExitAsync(timeout.Token);
        Assert.Equal(expectedExit, watch.ExitCode);
        var error = await stderr;
        Assert.Equal("wmix: cancelled\n", error); // a short note; no error line, no stack trace
        Assert.DoesNotContain("error", await rest, StringComparison.OrdinalIgnoreCase);
    }
}

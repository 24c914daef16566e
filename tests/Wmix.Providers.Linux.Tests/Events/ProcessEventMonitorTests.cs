using System.Collections.Concurrent;
using System.Diagnostics;
using Wmix.Providers.Linux.Events;

namespace Wmix.Providers.Linux.Tests.Events;

public sealed class ProcessEventMonitorTests
{
    private sealed class Recorder : IProcessEventHandler
    {
        public ConcurrentDictionary<int, ProcessStarted> Started { get; } = new();
        public ConcurrentDictionary<int, ProcessStopped> Stopped { get; } = new();
        public ConcurrentQueue<string> Lost { get; } = new();

        public void OnProcessStarted(ProcessStarted e) => Started[e.ProcessId] = e;
        public void OnProcessStopped(ProcessStopped e) => Stopped[e.ProcessId] = e;
        public void OnEventsLost(string reason) => Lost.Enqueue(reason);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition() && deadline.Elapsed < timeout)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Start_AsRoot_UsesNetlinkAndCatchesAll500TrueProcesses()
    {
        var recorder = new Recorder();
        using var monitor = ProcessEventMonitor.Start(recorder);
        Assert.Equal(ProcessEventMode.Netlink, monitor.Mode);
        var pids = new List<int>();
        for (var i = 0; i < 500; i++)
        {
            using var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true })!;
            pids.Add(p.Id);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        await WaitUntilAsync(() => pids.All(recorder.Stopped.ContainsKey) && pids.All(recorder.Started.ContainsKey), TimeSpan.FromSeconds(20));
        var missingStart = pids.Where(pid => !recorder.Started.ContainsKey(pid)).ToList();
        Assert.Empty(missingStart);
        Assert.All(pids, pid => Assert.True(recorder.Stopped.ContainsKey(pid), $"no stop for {pid}"));
        foreach (var pid in pids)
        {
            var started = recorder.Started[pid];
            Assert.Equal(Environment.ProcessId, started.ParentProcessId);
            Assert.False(started.FromRescan);
            Assert.Equal(0u, recorder.Stopped[pid].ExitStatus);
        }
        // Most starts are seen after exec, so they carry the new image's name; a process gone before it could be read has none.
        Assert.True(pids.Count(pid => recorder.Started[pid].Name == "true") > 250,
            $"only {pids.Count(pid => recorder.Started[pid].Name == "true")} of 500 starts named 'true'");
        Assert.Empty(recorder.Lost);
    }

    [Fact]
    public async Task Start_ExitCodeAndSignal_ReportedAsExitStatus()
    {
        var recorder = new Recorder();
        using var monitor = ProcessEventMonitor.Start(recorder);
        using var failing = Process.Start("/bin/sh", ["-c", "exit 3"])!;
        await failing.WaitForExitAsync(TestContext.Current.CancellationToken);
        var sleeper = TestSupport.StartSleep(30);
        var killed = sleeper.Id;
        TestSupport.Kill(sleeper);
        await WaitUntilAsync(() => recorder.Stopped.ContainsKey(failing.Id) && recorder.Stopped.ContainsKey(killed), TimeSpan.FromSeconds(10));
        Assert.Equal(3u, recorder.Stopped[failing.Id].ExitStatus);
        Assert.Equal(128u + 9, recorder.Stopped[killed].ExitStatus);
        Assert.Equal("sleep", recorder.Stopped[killed].Name);
    }

    [Fact]
    public async Task Start_ForcePolling_ReportsLongerLivedProcessesAndSaysSo()
    {
        var recorder = new Recorder();
        using var monitor = ProcessEventMonitor.Start(recorder, new ProcessEventMonitorOptions { ForcePolling = true, PollInterval = TimeSpan.FromMilliseconds(20) });
        Assert.Equal(ProcessEventMode.Polling, monitor.Mode);
        Assert.NotNull(monitor.FallbackReason);
        var child = TestSupport.StartSleep(30);
        var pid = child.Id;
        await WaitUntilAsync(() => recorder.Started.ContainsKey(pid), TimeSpan.FromSeconds(10));
        TestSupport.Kill(child);
        await WaitUntilAsync(() => recorder.Stopped.ContainsKey(pid), TimeSpan.FromSeconds(10));
        Assert.Equal(Environment.ProcessId, recorder.Started[pid].ParentProcessId);
        // A 20 ms poll may see the child between fork and exec; the monitor re-reads it, so the name is the exec'd one.
        Assert.Equal("sleep", recorder.Started[pid].Name);
        Assert.True(recorder.Stopped.ContainsKey(pid));
        Assert.Null(recorder.Stopped[pid].ExitStatus);
    }

    [Fact]
    public async Task Start_ForcePollingChildSeenBeforeItsExec_ReportsTheExecdName()
    {
        // Issue #4: perl forks a child that keeps running perl for 200 ms before it execs sleep, so 20 ms polls are
        // sure to see it first under its parent's name; the report must still say "sleep".
        var recorder = new Recorder();
        using var monitor = ProcessEventMonitor.Start(recorder, new ProcessEventMonitorOptions { ForcePolling = true, PollInterval = TimeSpan.FromMilliseconds(20) });
        var info = new ProcessStartInfo("/usr/bin/perl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("-e");
        info.ArgumentList.Add("my $p = fork; if ($p == 0) { select(undef, undef, undef, 0.2); exec '/usr/bin/sleep', '30'; } waitpid($p, 0);");
        using var perl = Process.Start(info)!;
        try
        {
            await WaitUntilAsync(() => recorder.Started.Values.Any(e => e.ParentProcessId == perl.Id), TimeSpan.FromSeconds(10));
            var child = recorder.Started.Values.Single(e => e.ParentProcessId == perl.Id);
            Assert.Equal("sleep", child.Name);
            Assert.Equal("/usr/bin/sleep", child.Snapshot?.ExecutablePath);
            Assert.Equal("perl", recorder.Started[perl.Id].Name);
            using var sleeper = Process.GetProcessById(child.ProcessId);
            sleeper.Kill();
        }
        finally
        {
            perl.Kill(entireProcessTree: true);
            await perl.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private sealed class StallingRecorder : IProcessEventHandler
    {
        public Recorder Inner { get; } = new();
        public ManualResetEventSlim Gate { get; } = new();
        public ManualResetEventSlim Stalled { get; } = new();

        public void OnProcessStarted(ProcessStarted e)
        {
            Stalled.Set();
            Gate.Wait(TimeSpan.FromSeconds(30));
            Inner.OnProcessStarted(e);
        }

        public void OnProcessStopped(ProcessStopped e) => Inner.OnProcessStopped(e);
        public void OnEventsLost(string reason) => Inner.OnEventsLost(reason);
    }

    [Fact]
    public async Task Start_ReceiverStalledWithSmallBuffer_ReportsLossAndRescans()
    {
        var recorder = new StallingRecorder();
        // The handler blocks the monitor thread at the first start, so the (small) socket buffer overflows under the
        // burst that follows: the monitor must say so and rescan instead of staying silent.
        using var monitor = ProcessEventMonitor.Start(recorder, new ProcessEventMonitorOptions { ReceiveBufferBytes = 4096 });
        var sleepers = new List<Process> { TestSupport.StartSleep(30) };
        Assert.True(recorder.Stalled.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        for (var i = 0; i < 200; i++)
        {
            using var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true })!;
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        for (var i = 0; i < 3; i++)
        {
            sleepers.Add(TestSupport.StartSleep(30));
        }
        recorder.Gate.Set();
        await WaitUntilAsync(() => sleepers.All(s => recorder.Inner.Started.ContainsKey(s.Id)) && !recorder.Inner.Lost.IsEmpty, TimeSpan.FromSeconds(10));
        Assert.NotEmpty(recorder.Inner.Lost);
        Assert.True(monitor.LostCount > 0);
        Assert.All(sleepers, s => Assert.True(recorder.Inner.Started.ContainsKey(s.Id), $"sleep {s.Id} not reported"));
        sleepers.ForEach(TestSupport.Kill);
    }
}

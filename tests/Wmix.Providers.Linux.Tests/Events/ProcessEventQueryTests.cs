using System.Collections.Concurrent;
using System.Diagnostics;
using Wmix.Cim;

namespace Wmix.Providers.Linux.Tests.Events;

/// <summary>Process events through the engine: ExecNotificationQuery on the provider's netlink feed.</summary>
public sealed class ProcessEventQueryTests : IDisposable
{
    private readonly Wmix.Engine.ObjectManager _manager = TestSupport.NewManager();
    private readonly Wmix.Engine.CimSession _session;

    public ProcessEventQueryTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private static async Task<(Task Pump, ConcurrentQueue<CimInstance> Seen)> WatchAsync(Wmix.Engine.CimSession session, string query, CancellationToken token)
    {
        var seen = new ConcurrentQueue<CimInstance>();
        var ready = new TaskCompletionSource();
        var pump = Task.Run(async () =>
        {
            try
            {
                var stream = session.WatchAsync(query, token);
                await using var e = stream.GetAsyncEnumerator(token);
                var first = e.MoveNextAsync();
                ready.TrySetResult();
                if (!await first)
                {
                    return;
                }
                seen.Enqueue(e.Current);
                while (await e.MoveNextAsync())
                {
                    seen.Enqueue(e.Current);
                }
            }
            catch (OperationCanceledException)
            {
                // The test ends the watch by cancelling.
            }
        }, token);
        await ready.Task;
        // The subscription is made when the stream's first MoveNext starts the operation; give the feed a moment to open.
        await Task.Delay(300, token);
        return (pump, seen);
    }

    [Fact]
    public async Task Watch_StartTraceFor100TrueProcesses_AllReportedWithParent()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (pump, seen) = await WatchAsync(_session, "SELECT * FROM Win32_ProcessStartTrace", cts.Token);
        var pids = new List<uint>();
        for (var i = 0; i < 100; i++)
        {
            using var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true })!;
            pids.Add((uint)p.Id);
            await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(15) && !pids.All(pid => seen.Any(e => (uint)e["ProcessID"]! == pid)))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        await cts.CancelAsync();
        await pump;
        foreach (var pid in pids)
        {
            var e = seen.FirstOrDefault(x => (uint)x["ProcessID"]! == pid);
            Assert.NotNull(e);
            Assert.Equal("Win32_ProcessStartTrace", e.ClassName);
            Assert.Equal((uint)Environment.ProcessId, e["ParentProcessID"]);
            Assert.NotNull(e["TIME_CREATED"]);
        }
    }

    [Fact]
    public async Task Watch_InstanceDeletionWithoutWithin_ShortProcessReportedWithTarget()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (pump, seen) = await WatchAsync(_session, "SELECT * FROM __InstanceDeletionEvent WHERE TargetInstance ISA 'Win32_Process'", cts.Token);
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true })!;
        var pid = (uint)p.Id;
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(10) && !seen.Any(e => Target(e)["ProcessId"] is uint id && id == pid))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        await cts.CancelAsync();
        await pump;
        var deletion = seen.First(e => Target(e)["ProcessId"] is uint id && id == pid);
        Assert.Equal("__InstanceDeletionEvent", deletion.ClassName);
        Assert.Equal((uint)Environment.ProcessId, Target(deletion)["ParentProcessId"]);
        Assert.Equal("Win32_Process", Target(deletion).ClassName);
    }

    private static CimObject Target(CimInstance e) => (CimObject)e["TargetInstance"]!;
}

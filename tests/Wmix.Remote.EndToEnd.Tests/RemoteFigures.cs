using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Wmix.Remote.Client;

namespace Wmix.Remote.EndToEnd.Tests;

/// <summary>
/// The scripting-level remote figures of docs/PERFORMANCE.md (a harness, not a test: it asserts nothing about speed):
/// cancel-to-quiesce with 1,000 outstanding ExecQueryAsync calls on one sink, and provider raise → client
/// OnObjectReady latency, both through <c>SWbemLocator.ConnectServer("http://127.0.0.1:port")</c> against the real
/// server. Runs only with <c>WMIX_REMOTE_BENCH=1</c>, preferably in Release:
/// <c>WMIX_REMOTE_BENCH=1 dotnet test -c Release tests/Wmix.Remote.EndToEnd.Tests -- --filter-class '*RemoteFigures'</c>;
/// the figures go to the test output and to <c>$TMPDIR/wmix-remote-e2e-figures.txt</c>.
/// </summary>
public sealed class RemoteFigures
{
    private const int Outstanding = 1000;
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    private static void WaitUntil(Func<bool> condition, string what, Func<string>? state = null)
    {
        var until = DateTime.UtcNow + s_bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, what + " did not happen in time " + state?.Invoke());
            // A 1 ms sleep, not a spin: on 2 cores a spinning waiter would steal the server's and client's CPU.
            Thread.Sleep(1);
        }
    }

    [Fact]
    public async Task Figures()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("WMIX_REMOTE_BENCH") == "1", "set WMIX_REMOTE_BENCH=1 to measure");
        var lines = new List<string>
        {
            $"date {DateTimeOffset.UtcNow:u}; load {(await File.ReadAllTextAsync("/proc/loadavg", TestContext.Current.CancellationToken)).Trim()}; {Environment.ProcessorCount} cpus",
        };
        var previous = WsManConnector.Options;
        try
        {
            foreach (var http2 in new[] { true, false })
            {
                WsManConnector.Options = () => WsManClientOptions.Default with
                {
                    OperationTimeout = TimeSpan.FromSeconds(30),
                    CancelTimeout = TimeSpan.FromSeconds(10),
                    Http2 = http2,
                };
                lines.AddRange(await CancelToQuiesceAsync(defaults: true));
                lines.AddRange(await CancelToQuiesceAsync(defaults: false));
            }
            lines.AddRange(await EventLatencyAsync());
        }
        finally
        {
            WsManConnector.Options = previous;
        }
        var text = string.Join(Environment.NewLine, lines);
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "wmix-remote-e2e-figures.txt"), text, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// 1,000 ExecQueryAsync on one sink against an endless, slow E2E_Item; then sink.Cancel() and the time until every
    /// OnCompleted has arrived and the server has no live operation, enumeration context or provider call left.
    /// With the server's default limits (64 outstanding per client) most calls are refused, which is reported.
    /// </summary>
    private static async Task<List<string>> CancelToQuiesceAsync(bool defaults)
    {
        var lines = new List<string>();
        await using var server = await RealServer.StartAsync(o => defaults ? o : o with { MaxOperationsPerClient = 4 * Outstanding, MaxRequestsPerSecond = 0 });
        server.Items.Count = int.MaxValue;
        // Effectively endless and silent: each call parks a Pull on the server, so the load is outstanding calls, not items.
        server.Items.Delay = TimeSpan.FromMinutes(10);
        var svc = new SWbemLocator().ConnectServer(server.Address, @"root\cimv2", RealServer.User, RealServer.Password);
        // The transport ConnectServer ends up on (same options, same server): HTTP/2 (h2c) or HTTP/1.1.
        string transport;
        using (var probe = await RemoteConnection.ConnectAsync(server.Address, @"root\cimv2", RealServer.User, RealServer.Password,
            WsManConnector.Options(), TestContext.Current.CancellationToken))
        {
            transport = "HTTP/" + probe.HttpVersion;
        }
        var label = (defaults ? "server defaults (MaxOperationsPerClient 64, 1000 req/s)" : "MaxOperationsPerClient 4000, rate unlimited") + ", " + transport;
        var times = new List<double>();
        var cpus = new List<double>();
        for (var round = 0; round < (defaults ? 1 : 6); round++)
        {
            var sink = new SWbemSink();
            var completed = new ConcurrentQueue<WbemErrorEnum>();
            var objects = 0;
            sink.OnObjectReady += (_, _) => Interlocked.Increment(ref objects);
            sink.OnCompleted += (code, _, _) => completed.Enqueue(code);
            for (var i = 0; i < Outstanding; i++)
            {
                svc.ExecQueryAsync(sink, "SELECT * FROM E2E_Item");
            }
            // Outstanding = every call that has not completed on its own is live on the server.
            WaitUntil(() => server.Server.Diagnostics.Enumerations + completed.Count >= Outstanding && server.Items.Active + completed.Count >= Outstanding,
                "every call reaching the provider (or failing)",
                () => $"enumerations {server.Server.Diagnostics.Enumerations}, active {server.Items.Active}, completed {completed.Count} [{string.Join(", ", completed.GroupBy(c => c).Select(g => $"{g.Key}×{g.Count()}"))}], {server.Server.Diagnostics}");
            var early = completed.ToArray();
            var live = server.Server.Diagnostics.Enumerations;
            // CPU time of the whole process (client + server) from Cancel to quiet: on a shared, loaded machine the
            // wall time mostly measures the scheduler, the CPU time measures the work.
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            sink.Cancel();
            var cancelReturned = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            WaitUntil(() => completed.Count >= Outstanding, "every OnCompleted", () => $"completed {completed.Count}, {server.Server.Diagnostics}");
            var allCompleted = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            WaitUntil(() => server.Manager.Operations.Count == 0 && server.Server.Diagnostics.LiveOperations == 0 && server.Server.Diagnostics.Enumerations == 0,
                "the server quiescing", () => $"{server.Manager.Operations.Count} engine operations, {server.Server.Diagnostics}");
            var quiet = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            WaitUntil(() => server.Items.Active == 0, "the provider stopping");
            var providers = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalMilliseconds;
            times.Add(Math.Max(allCompleted, quiet));
            cpus.Add(cpu);
            var codes = string.Join(", ", completed.GroupBy(c => c).Select(g => $"{g.Key}×{g.Count()}"));
            var earlyCodes = string.Join(", ", early.GroupBy(c => c).Select(g => $"{g.Key}×{g.Count()}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"cancel-to-quiesce [{label}] round {round}: {live} live enumerations, completed before cancel [{earlyCodes}]; Cancel returned {cancelReturned:0.0} ms, all OnCompleted {allCompleted:0.0} ms, server quiet {quiet:0.0} ms, provider calls ended {providers:0.0} ms, process CPU {cpu:0.0} ms; codes [{codes}]"));
        }
        times.Sort();
        cpus.Sort();
        lines.Add(string.Create(CultureInfo.InvariantCulture, $"cancel-to-quiesce [{label}]: p50 {times[times.Count / 2]:0.0} ms over {times.Count} rounds (min {times[0]:0.0}, max {times[^1]:0.0}); process CPU p50 {cpus[cpus.Count / 2]:0.0} ms (min {cpus[0]:0.0}, max {cpus[^1]:0.0})"));
        return lines;
    }

    /// <summary>Provider raise on the server → OnObjectReady on the client, one event at a time (the raise stamps the time).</summary>
    private static async Task<List<string>> EventLatencyAsync()
    {
        await using var server = await RealServer.StartAsync(o => o with { MaxRequestsPerSecond = 0 });
        var svc = new SWbemLocator().ConnectServer(server.Address, @"root\cimv2", RealServer.User, RealServer.Password);
        var sink = new SWbemSink();
        var raisedAt = new long[1200];
        var latencies = new double[raisedAt.Length];
        var received = 0;
        sink.OnObjectReady += (o, _) =>
        {
            var now = Stopwatch.GetTimestamp();
            var seq = Convert.ToInt32(o.Properties_["Sequence"].Value, CultureInfo.InvariantCulture);
            latencies[seq] = Stopwatch.GetElapsedTime(Volatile.Read(ref raisedAt[seq]), now).TotalMilliseconds;
            Interlocked.Increment(ref received);
        };
        svc.ExecNotificationQueryAsync(sink, "SELECT * FROM E2E_Tick");
        WaitUntil(() => server.Ticks.IsOpen, "the subscription reaching the provider");
        for (var i = 0; i < raisedAt.Length; i++)
        {
            Volatile.Write(ref raisedAt[i], Stopwatch.GetTimestamp());
            Assert.True(server.Ticks.Raise((uint)i));
            WaitUntil(() => Volatile.Read(ref received) > i, "event " + i);
        }
        sink.Cancel();
        // The first 200 are warm-up.
        var measured = latencies[200..];
        Array.Sort(measured);
        return
        [
            string.Create(CultureInfo.InvariantCulture,
                $"event latency raise → OnObjectReady over {measured.Length} events (after 200 warm-up, one at a time): p50 {measured[measured.Length / 2]:0.000} ms, p99 {measured[measured.Length * 99 / 100]:0.000} ms, max {measured[^1]:0.000} ms"),
        ];
    }
}

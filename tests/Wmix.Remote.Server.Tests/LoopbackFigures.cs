using System.Diagnostics;
using System.Globalization;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Tests.Support;

namespace Wmix.Remote.Server.Tests;

/// <summary>
/// The loopback figures of docs/PERFORMANCE.md (a harness, not a test: it asserts nothing about speed). Runs only with
/// <c>WMIX_REMOTE_BENCH=1</c>, preferably in Release:
/// <c>WMIX_REMOTE_BENCH=1 dotnet test -c Release tests/Wmix.Remote.Server.Tests -- --filter-class '*LoopbackFigures'</c>;
/// the figures go to the test output and to <c>$TMPDIR/wmix-remote-figures.txt</c>.
/// </summary>
public sealed class LoopbackFigures
{
    private static readonly CancellationToken s_ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Figures()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("WMIX_REMOTE_BENCH") == "1", "set WMIX_REMOTE_BENCH=1 to measure");
        var load = (await File.ReadAllTextAsync("/proc/loadavg", s_ct)).Trim();
        var lines = new List<string> { $"date {DateTimeOffset.UtcNow:u}; load {load}; {Environment.ProcessorCount} cpus" };
        await using (var server = await TestServer.StartAsync(o => o with { MaxRequestsPerSecond = 0 }, items: 100_000))
        {
            using var client = server.Client();
            // Enumeration throughput: 100,000 instances, optimized Enumerate + Pulls of 4,000 (envelope limit 512 KiB splits them).
            // Two warm-up runs (tiered JIT), then five measured; each also reports the process's CPU time, which a shared
            // machine's load disturbs far less than the wall time, and the garbage collections it caused.
            for (var warm = 0; warm < 2; warm++)
            {
                await client.EnumerateAllAsync(WsmanTestClient.ItemUri, null, 4000, s_ct);
            }
            var best = double.MaxValue;
            var bestCpu = double.MaxValue;
            for (var run = 0; run < 5; run++)
            {
                var decodeBefore = client.DecodeTime;
                var cpuBefore = Environment.CpuUsage.TotalTime;
                var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var sw = Stopwatch.StartNew();
                var items = await client.EnumerateAllAsync(WsmanTestClient.ItemUri, null, 4000, s_ct);
                sw.Stop();
                var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds;
                Assert.Equal(100_000, items.Count);
                best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
                bestCpu = Math.Min(bestCpu, cpu);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"enumerate 100,000 instances (client decodes every item): {sw.Elapsed.TotalMilliseconds:0} ms = {items.Count / sw.Elapsed.TotalSeconds:0} instances/s, of which client decoding {(client.DecodeTime - decodeBefore).TotalMilliseconds:0} ms; process CPU {cpu:0} ms; GCs {GC.CollectionCount(0) - gcBefore.Item1}/{GC.CollectionCount(1) - gcBefore.Item2}/{GC.CollectionCount(2) - gcBefore.Item3}"));
            }
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"enumerate best of 5: {100_000 / best * 1000:0} instances/s; least CPU {bestCpu:0} ms = {100_000 / bestCpu * 1000:0} instances per CPU-second (server and client together)"));
            // Get round trip.
            var get = WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Get) with { Selectors = [new WsManSelector("Id", "7")] };
            for (var i = 0; i < 500; i++)
            {
                await client.CallAsync(get, WsManEmptyBody.Instance, s_ct);
            }
            var times = new double[5000];
            for (var i = 0; i < times.Length; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await client.CallAsync(get, WsManEmptyBody.Instance, s_ct);
                times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
            Array.Sort(times);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Get round trip over {times.Length}: p50 {times[times.Length / 2]:0.000} ms, p99 {times[times.Length * 99 / 100]:0.000} ms"));
        }
        await using (var server = await TestServer.StartAsync(o => o with { MaxRequestsPerSecond = 0, MaxOperationsPerClient = 10_000 }))
        {
            using var client = server.Client();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            const int count = 2000;
            for (var i = 0; i < count; i++)
            {
                await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Subscribe),
                    new SubscribeBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Tick"), Heartbeats = TimeSpan.FromMinutes(5) }, s_ct);
            }
            var after = GC.GetTotalMemory(forceFullCollection: true);
            Assert.Equal(count, server.Server.Diagnostics.Subscriptions);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"idle subscriptions: {count} → managed heap +{(after - before) / 1024.0:0} KiB = {(after - before) / (double)count / 1024:0.0} KiB per subscription (server, engine and client in one process)"));
        }
        var text = string.Join(Environment.NewLine, lines);
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "wmix-remote-figures.txt"), text, s_ct);
    }
}

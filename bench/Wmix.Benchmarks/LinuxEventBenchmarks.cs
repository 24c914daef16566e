using System.Collections.Concurrent;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Wmix.Providers.Linux.Events;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Benchmarks;

/// <summary>
/// Netlink process events: start <c>/bin/true</c> and wait until the monitor reports its start. The baseline starts
/// and reaps the process without a monitor. At cleanup the fork→callback latencies (kernel fork timestamp to the
/// handler call, both CLOCK_MONOTONIC) are printed as p50/p99/max.
/// </summary>
public class LinuxEventBenchmarks
{
    private ProcessEventMonitor _monitor = null!;
    private readonly Handler _handler = new();

    private sealed class Handler : IProcessEventHandler
    {
        public ConcurrentDictionary<int, ManualResetEventSlim> Waiting { get; } = new();
        public ConcurrentBag<long> LatenciesNs { get; } = [];

        public void OnProcessStarted(ProcessStarted e)
        {
            if (e.KernelTimestampNs != 0)
            {
                LatenciesNs.Add(BootClock.MonotonicNowNs - e.KernelTimestampNs);
            }
            Waiting.GetOrAdd(e.ProcessId, _ => new ManualResetEventSlim()).Set();
        }

        public void OnProcessStopped(ProcessStopped e)
        {
        }

        public void OnEventsLost(string reason)
        {
        }
    }

    /// <summary>Opens the monitor.</summary>
    [GlobalSetup]
    public void Setup() => _monitor = ProcessEventMonitor.Start(_handler);

    /// <summary>Closes the monitor and prints the latency distribution.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _monitor.Dispose();
        var sorted = _handler.LatenciesNs.Order().ToArray();
        if (sorted.Length > 0)
        {
            Console.WriteLine($"// fork->callback latency over {sorted.Length} processes: p50 {sorted[sorted.Length / 2] / 1e6:F3} ms, " +
                $"p99 {sorted[(int)(sorted.Length * 0.99)] / 1e6:F3} ms, max {sorted[^1] / 1e6:F3} ms");
        }
    }

    /// <summary>Start and reap /bin/true (no monitor involvement).</summary>
    [Benchmark(Baseline = true)]
    public void StartTrue()
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true })!;
        p.WaitForExit();
    }

    /// <summary>Start /bin/true and wait for its start report.</summary>
    [Benchmark]
    public void StartTrueAndAwaitEvent()
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/true") { RedirectStandardOutput = true })!;
        var signal = _handler.Waiting.GetOrAdd(p.Id, _ => new ManualResetEventSlim());
        signal.Wait(TimeSpan.FromSeconds(5));
        _handler.Waiting.TryRemove(p.Id, out _);
        signal.Dispose();
        p.WaitForExit();
    }
}

using System.Globalization;
using BenchmarkDotNet.Attributes;
using Wmix.Engine;
using Wmix.Providers.Linux;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Benchmarks;

/// <summary>
/// Processes on the real machine: the source's enumeration against reading the same /proc files directly with
/// File.ReadAllBytes (the baseline: stat, statm, status, cmdline, io and the exe link of every process); a full
/// <c>SELECT * FROM Win32_Process</c> through the engine; and one process by id (source and engine Get).
/// </summary>
[MemoryDiagnoser]
public class LinuxProcessBenchmarks
{
    private ObjectManager _manager = null!;
    private CimSession _session = null!;
    private string _selfPath = null!;

    /// <summary>An object manager with the Linux providers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _manager = new ObjectManager();
        LinuxProviders.Register(_manager);
        _session = _manager.OpenSession(@"root\cimv2");
        _selfPath = $"Win32_Process.Handle=\"{Environment.ProcessId}\"";
    }

    /// <summary>Disposes the manager.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    /// <summary>The same files, read naively.</summary>
    [Benchmark(Baseline = true)]
    public int ReadProcFilesDirectly()
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }
            try
            {
                count += File.ReadAllBytes(dir + "/stat").Length;
                count += File.ReadAllBytes(dir + "/statm").Length;
                count += File.ReadAllBytes(dir + "/status").Length;
                count += File.ReadAllBytes(dir + "/cmdline").Length;
                count += File.ReadAllBytes(dir + "/io").Length;
                count += new FileInfo(dir + "/exe").LinkTarget?.Length ?? 0;
            }
            catch (IOException)
            {
                // Exited, or a kernel thread's exe.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours to read.
            }
        }
        return count;
    }

    /// <summary>ProcessSource: read and parse every process.</summary>
    [Benchmark]
    public int EnumerateSource() => ProcessSource.EnumerateProcesses().Count();

    /// <summary>SELECT * FROM Win32_Process through the engine (instances built, frozen, located).</summary>
    [Benchmark]
    public async Task<int> QueryAllThroughEngineAsync()
    {
        var n = 0;
        await foreach (var _ in _session.QueryAsync("SELECT * FROM Win32_Process"))
        {
            n++;
        }
        return n;
    }

    /// <summary>One process from the source.</summary>
    [Benchmark]
    public LinuxProcess? ReadOneSource() => ProcessSource.TryRead(Environment.ProcessId);

    /// <summary>One process by path through the engine (Get).</summary>
    [Benchmark]
    public Task<Wmix.Cim.CimObject> GetOneThroughEngineAsync() => _session.GetAsync(_selfPath);
}

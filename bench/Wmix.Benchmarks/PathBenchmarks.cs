using BenchmarkDotNet.Attributes;
using Wmix.Cim;

namespace Wmix.Benchmarks;

/// <summary>
/// Object paths on in-memory text: parse a full two-key instance path, format it, and compare two equal paths
/// that differ in case, key order and slash style. <c>Equals_Fresh</c> includes computing both canonical forms;
/// <c>Equals_Cached</c> is the steady state once each path has been compared or hashed before.
/// </summary>
[MemoryDiagnoser]
public class PathBenchmarks
{
    private const string Text = @"\\HOST\root\cimv2:Win32_SystemAccount.Domain=""WORKGROUP"",Name=""SYSTEM""";
    private const string OtherText = @"//host/ROOT/CIMV2:win32_systemaccount.name=""system"",domain=""workgroup""";

    private CimObjectPath _path = null!;
    private CimObjectPath _other = null!;
    private CimKeyBinding[] _keys = null!;

    /// <summary>Parses the inputs once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _path = CimObjectPath.Parse(Text);
        _other = CimObjectPath.Parse(OtherText);
        _keys = [.. _path.Keys];
        if (!_path.Equals(_other))
        {
            throw new InvalidOperationException("benchmark inputs must be equal paths");
        }
    }

    /// <summary>Reads the full instance path.</summary>
    [Benchmark(Baseline = true)]
    public CimObjectPath Parse() => CimObjectPath.Parse(Text);

    /// <summary>Builds a path from parts and writes its full text (no cached text).</summary>
    [Benchmark]
    public string Format() => new CimObjectPath("HOST", @"root\cimv2", "Win32_SystemAccount", _keys).ToString();

    /// <summary>Compares two freshly built equal paths, computing both canonical forms.</summary>
    [Benchmark]
    public bool Equals_Fresh() =>
        new CimObjectPath("HOST", @"root\cimv2", "Win32_SystemAccount", _keys)
            .Equals(new CimObjectPath("host", "ROOT/CIMV2", "win32_systemaccount", [_keys[1], _keys[0]]));

    /// <summary>Compares two equal paths whose canonical forms are already computed.</summary>
    [Benchmark]
    public bool Equals_Cached() => _path.Equals(_other);
}

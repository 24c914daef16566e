using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Benchmarks;

/// <summary>
/// The WS-Management codec on in-memory messages: write and read a PullResponse of <see cref="Items"/> process-like
/// instances (key string, string, uint32, datetime, string array) — the server's and the client's hot path. The
/// baseline writes the envelope; reading decodes every item against the class (as the client does after its cache
/// has the class).
/// </summary>
[MemoryDiagnoser]
public class WsManCodecBenchmarks
{
    private static readonly CimXmlWriteOptions s_write = new(@"root\cimv2");
    private WsManEnvelope _envelope = null!;
    private byte[] _bytes = null!;
    private CimXmlReadContext _read = null!;

    /// <summary>Items per PullResponse.</summary>
    [Params(32, 512)]
    public int Items { get; set; }

    /// <summary>Builds the message once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cls = new CimClass("Win32_Process");
        cls.AddProperty("Handle", CimType.String, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("ProcessId", CimType.UInt32);
        cls.AddProperty("CreationDate", CimType.DateTime);
        cls.AddProperty("Arguments", CimType.String, isArray: true);
        cls.Freeze();
        var items = new List<CimObject>(Items);
        for (var i = 0; i < Items; i++)
        {
            var p = cls.SpawnInstance();
            p["Handle"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            p["Name"] = "process-" + i;
            p["ProcessId"] = (uint)i;
            p["CreationDate"] = "20261124081502.500000+060";
            p["Arguments"] = new[] { "--flag", "value " + i };
            items.Add(p.Freeze());
        }
        var headers = WsManMessages.Reply(new WsManHeaders { MessageId = "uuid:1" }, WsManActions.PullResponse);
        _envelope = new WsManEnvelope(headers, new PullResponseBody("uuid:ctx", items, false));
        _bytes = WsManWriter.ToBytes(_envelope, s_write);
        _read = new CimXmlReadContext(null, new OneClass(cls));
    }

    /// <summary>Serializes the PullResponse.</summary>
    [Benchmark(Baseline = true)]
    public int Write()
    {
        using var ms = new MemoryStream(_bytes.Length);
        WsManWriter.Write(ms, _envelope, s_write);
        return (int)ms.Length;
    }

    /// <summary>Parses the PullResponse into typed instances.</summary>
    [Benchmark]
    public int Read() => ((PullResponseBody)WsManReader.Read(_bytes, _read).Body).Items.Count;

    private sealed class OneClass(CimClass cls) : ICimClassResolver
    {
        public CimClass? ResolveClass(string? @namespace, string className) => cls;
    }
}

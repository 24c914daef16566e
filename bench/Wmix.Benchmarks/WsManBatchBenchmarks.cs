using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Benchmarks;

/// <summary>
/// One enumeration batch as the loopback figure moves it (issue #6, docs/PERFORMANCE.md): a PullResponse of
/// <see cref="Items"/> small instances (uint32 key, string, uint32 — the test provider's <c>Test_Item</c>, about
/// 300 bytes each on the wire). <c>Encode</c> is the server's side (the baseline), <c>DecodeTyped</c> the Wmix client
/// once its class cache holds the class, <c>DecodeUntyped</c> a reader without class definitions (the harness's
/// client, and any client meeting an unknown class). Divide <see cref="Items"/> by the time for instances/s.
/// </summary>
[MemoryDiagnoser]
public class WsManBatchBenchmarks
{
    private static readonly CimXmlWriteOptions s_write = new(@"root\cimv2");
    private WsManEnvelope _envelope = null!;
    private byte[] _bytes = null!;
    private CimXmlReadContext _typed = null!;
    private CimXmlReadContext _untyped = null!;

    /// <summary>Items per PullResponse (4,000: the harness's batch).</summary>
    [Params(4000)]
    public int Items { get; set; }

    /// <summary>Builds the batch and its bytes once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cls = new CimClass("Test_Item");
        cls.AddProperty("Id", CimType.UInt32, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("Size", CimType.UInt32);
        cls.Freeze();
        var items = new List<CimObject>(Items);
        for (var i = 0; i < Items; i++)
        {
            var item = cls.SpawnInstance();
            item["Id"] = (uint)i;
            item["Name"] = "item-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            item["Size"] = (uint)(i * 10);
            items.Add(item.Freeze());
        }
        var headers = WsManMessages.Reply(new WsManHeaders { MessageId = "uuid:1" }, WsManActions.PullResponse);
        _envelope = new WsManEnvelope(headers, new PullResponseBody("uuid:ctx", items, false));
        _bytes = WsManWriter.ToBytes(_envelope, s_write);
        _typed = new CimXmlReadContext(@"root\cimv2", new OneClass(cls));
        _untyped = new CimXmlReadContext(@"root\cimv2");
    }

    /// <summary>Serializes the PullResponse to bytes, as the server does for each reply.</summary>
    [Benchmark(Baseline = true)]
    public int Encode() => WsManWriter.ToBytes(_envelope, s_write).Length;

    /// <summary>Parses the PullResponse into instances of the known class.</summary>
    [Benchmark]
    public int DecodeTyped() => ((PullResponseBody)WsManReader.Read(_bytes, _typed).Body).Items.Count;

    /// <summary>Parses the PullResponse without class definitions (types from the XML, strings otherwise).</summary>
    [Benchmark]
    public int DecodeUntyped() => ((PullResponseBody)WsManReader.Read(_bytes, _untyped).Body).Items.Count;

    private sealed class OneClass(CimClass cls) : ICimClassResolver
    {
        public CimClass? ResolveClass(string? @namespace, string className) =>
            string.Equals(className, cls.Name, StringComparison.OrdinalIgnoreCase) ? cls : null;
    }
}

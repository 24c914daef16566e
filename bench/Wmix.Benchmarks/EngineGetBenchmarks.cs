using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Repository;

namespace Wmix.Benchmarks;

/// <summary>
/// Get by path from the in-memory repository holding <see cref="Stored"/> instances: the repository lookup alone
/// (canonical path in hand) and a whole GetObject operation (parse, key coercion, lookup, delivery, completion).
/// </summary>
[MemoryDiagnoser]
public class EngineGetBenchmarks
{
    private ObjectManager _manager = null!;
    private ICimConnection _connection = null!;
    private InMemoryRepository _repository = null!;
    private string _canonical = null!;

    /// <summary>How many instances the class holds.</summary>
    [Params(100_000)]
    public int Stored { get; set; }

    /// <summary>Fills the repository.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _repository = new InMemoryRepository();
        _manager = new ObjectManager(new ObjectManagerOptions { Repository = _repository });
        _connection = _manager.Connect(@"root\cimv2");
        var cls = new CimClass("Bench_Stored");
        cls.AddProperty("Name", CimType.String, isKey: true);
        cls.AddProperty("Size", CimType.UInt32);
        Drain(_connection.Put(cls, CallOptions.Default, new ChannelOperationSink()));
        var stored = (CimClass)_repository.GetClass(@"root\cimv2", "Bench_Stored")!;
        for (var i = 0; i < Stored; i++)
        {
            var instance = stored.SpawnInstance();
            instance["Name"] = "disk" + i;
            instance["Size"] = (uint)i;
            var frozen = (CimInstance)instance.WithLocation(_manager.ServerName, @"root\cimv2").Freeze();
            _repository.PutInstance(@"root\cimv2", frozen.RelativeObjectPath!.ToCanonicalString(), frozen, PutMode.CreateOrUpdate, out _);
        }
        _canonical = CimObjectPath.Parse("Bench_Stored.Name=\"disk4242\"").ToCanonicalString();
    }

    private static void Drain(CimOperation operation) => operation.Completion.GetAwaiter().GetResult();

    /// <summary>Releases the object manager.</summary>
    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    /// <summary>The repository lookup by canonical path.</summary>
    [Benchmark(Baseline = true)]
    public CimInstance? Repository_GetInstance() => _repository.GetInstance(@"root\cimv2", "Bench_Stored", _canonical);

    /// <summary>A whole GetObject operation by path text, read synchronously.</summary>
    [Benchmark]
    public CimObject? GetObject_Operation()
    {
        var sink = new ChannelOperationSink(capacity: 4);
        _connection.GetObject("Bench_Stored.Name=\"disk4242\"", CallOptions.Default, sink);
        sink.TryTake(out var value);
        while (sink.TryTake(out _))
        {
        }
        return value;
    }
}

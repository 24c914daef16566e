using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Repository;
using Wmix.Repository.Sqlite;

namespace Wmix.Benchmarks;

/// <summary>Shared fixtures of the repository benchmarks: a keyed class and instances of a realistic size.</summary>
internal static class RepositoryFixture
{
    public const string Namespace = @"root\bench";

    public static CimClass Class()
    {
        var cls = new CimClass("Bench_Record");
        cls.AddProperty("Id", CimType.String, isKey: true);
        cls.AddProperty("Counter", CimType.UInt32);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("Size", CimType.UInt64);
        cls.AddProperty("Enabled", CimType.Boolean);
        cls.AddProperty("Created", CimType.DateTime);
        cls.AddProperty("Tags", CimType.String, isArray: true);
        cls.Qualifiers.Set("Description", "A record for the repository benchmarks.");
        return (CimClass)cls.Freeze();
    }

    public static CimInstance Instance(CimClass cls, int i)
    {
        var instance = cls.SpawnInstance();
        instance["Id"] = "record-" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
        instance["Counter"] = (uint)i;
        instance["Name"] = "Benchmark record number " + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        instance["Size"] = (ulong)i * 4096;
        instance["Enabled"] = (i & 1) == 0;
        instance["Created"] = "20240101120000.000000+000";
        instance["Tags"] = new[] { "alpha", "beta" };
        return (CimInstance)instance.Freeze();
    }

    public static string TempDirectory() =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wmix-bench-" + Guid.NewGuid().ToString("N"));

    public static SqliteRepository Create(string directory, bool durable = true)
    {
        var repository = SqliteRepository.Open(directory, SqliteRepositoryOptions.Default with { DurableAgainstPowerLoss = durable });
        repository.CreateNamespace("root");
        repository.CreateNamespace(Namespace);
        repository.PutClass(Namespace, Class());
        return repository;
    }

    public static void Fill(ICimRepository repository, int count, int batch = 5000)
    {
        var cls = repository.GetClass(Namespace, "Bench_Record")!;
        for (var start = 0; start < count; start += batch)
        {
            using var transaction = repository.BeginTransaction();
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var instance = Instance(cls, i);
                repository.PutInstance(Namespace, instance.RelativeObjectPath!.ToCanonicalString(), instance, PutMode.CreateOrUpdate, out _);
            }
            transaction.Commit();
        }
    }

    public static void Delete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}

/// <summary>
/// Stores 100,000 instances in batches of <see cref="BatchSize"/> (one transaction each), into a fresh repository per
/// iteration: the mofcomp / bulk-put path. Per-operation figures are per instance. Durable = synchronous FULL
/// (a flush per commit); not durable = synchronous NORMAL (survives a process crash, not power loss).
/// </summary>
[MemoryDiagnoser]
public class RepositoryPutBenchmarks
{
    private const int Count = 100_000;
    private string _directory = "";
    private SqliteRepository _repository = null!;
    private CimInstance[] _instances = [];
    private string[] _paths = [];

    /// <summary>Instances per transaction.</summary>
    [Params(1000)]
    public int BatchSize { get; set; }

    /// <summary>synchronous=FULL when true.</summary>
    [Params(true, false)]
    public bool Durable { get; set; }

    /// <summary>Builds the instances once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var cls = RepositoryFixture.Class();
        _instances = Enumerable.Range(0, Count).Select(i => RepositoryFixture.Instance(cls, i)).ToArray();
        _paths = _instances.Select(i => i.RelativeObjectPath!.ToCanonicalString()).ToArray();
    }

    /// <summary>A fresh repository for each iteration.</summary>
    [IterationSetup]
    public void Open()
    {
        _directory = RepositoryFixture.TempDirectory();
        _repository = RepositoryFixture.Create(_directory, Durable);
    }

    /// <summary>Closes and deletes it.</summary>
    [IterationCleanup]
    public void Close()
    {
        _repository.Dispose();
        RepositoryFixture.Delete(_directory);
    }

    /// <summary>Puts every instance, a batch per transaction.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public void PutBatched()
    {
        for (var start = 0; start < Count; start += BatchSize)
        {
            using var transaction = _repository.BeginTransaction();
            for (var i = start; i < start + BatchSize; i++)
            {
                _repository.PutInstance(RepositoryFixture.Namespace, _paths[i], _instances[i], PutMode.CreateOrUpdate, out _);
            }
            transaction.Commit();
        }
    }
}

/// <summary>Gets one instance by path from a warm repository of 100,000 (SQLite, with the in-memory store as baseline).</summary>
[MemoryDiagnoser]
public class RepositoryGetBenchmarks
{
    private const int Count = 100_000;
    private string _directory = "";
    private SqliteRepository _sqlite = null!;
    private InMemoryRepository _memory = null!;
    private string[] _paths = [];
    private int _next;

    /// <summary>Fills both stores.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _directory = RepositoryFixture.TempDirectory();
        _sqlite = RepositoryFixture.Create(_directory, durable: false);
        RepositoryFixture.Fill(_sqlite, Count);
        _memory = new InMemoryRepository();
        _memory.CreateNamespace("root");
        _memory.CreateNamespace(RepositoryFixture.Namespace);
        _memory.PutClass(RepositoryFixture.Namespace, RepositoryFixture.Class());
        RepositoryFixture.Fill(_memory, Count);
        var random = new Random(42);
        _paths = Enumerable.Range(0, 4096).Select(_ => RepositoryFixture.Instance(RepositoryFixture.Class(), random.Next(Count)).RelativeObjectPath!.ToCanonicalString()).ToArray();
    }

    /// <summary>Closes and deletes the database.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _sqlite.Dispose();
        RepositoryFixture.Delete(_directory);
    }

    /// <summary>In-memory store: a dictionary lookup.</summary>
    [Benchmark(Baseline = true)]
    public CimInstance? GetInMemory() => _memory.GetInstance(RepositoryFixture.Namespace, "Bench_Record", _paths[_next++ & 4095]);

    /// <summary>SQLite store: a primary-key lookup and a decode.</summary>
    [Benchmark]
    public CimInstance? GetSqlite() => _sqlite.GetInstance(RepositoryFixture.Namespace, "Bench_Record", _paths[_next++ & 4095]);
}

/// <summary>Enumerates 1,000,000 instances of one class; per-operation figures are per instance.</summary>
[MemoryDiagnoser]
public class RepositoryEnumerateBenchmarks
{
    private const int Count = 1_000_000;
    private string _directory = "";
    private SqliteRepository _repository = null!;

    /// <summary>Fills the store once (takes a while).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _directory = RepositoryFixture.TempDirectory();
        _repository = RepositoryFixture.Create(_directory, durable: false);
        RepositoryFixture.Fill(_repository, Count, batch: 20_000);
    }

    /// <summary>Closes and deletes the database.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _repository.Dispose();
        RepositoryFixture.Delete(_directory);
    }

    /// <summary>Walks every instance.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int Enumerate()
    {
        var n = 0;
        foreach (var instance in _repository.EnumerateInstances(RepositoryFixture.Namespace, "Bench_Record"))
        {
            n += instance.Properties.Count;
        }
        return n;
    }
}

/// <summary>
/// Opens a repository holding a CIM-schema-sized set of classes (1,500 generated classes in a hierarchy up to 6 deep,
/// ~8 properties, descriptions and 1–2 methods each, similar in size to DMTF CIM 2.x), reads one class and closes it;
/// and the same followed by listing (decoding) every class.
/// </summary>
[MemoryDiagnoser]
public class RepositoryOpenBenchmarks
{
    private const int Classes = 1500;
    private string _directory = "";

    /// <summary>Creates the repository once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _directory = RepositoryFixture.TempDirectory();
        using var repository = SqliteRepository.Open(_directory);
        repository.CreateNamespace("root");
        repository.CreateNamespace(@"root\cimv2");
        using var transaction = repository.BeginTransaction();
        var all = new List<CimClass>();
        var random = new Random(7);
        for (var i = 0; i < Classes; i++)
        {
            var parent = all.Count == 0 || i % 25 == 0 ? null : all[random.Next(Math.Max(0, all.Count - 40), all.Count)];
            if (parent is not null && parent.Derivation.Count >= 5)
            {
                parent = null;
            }
            var cls = new CimClass("CIM_Generated" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), parent);
            cls.Qualifiers.Set("Description", new string('d', 400));
            cls.Qualifiers.Set("Version", "2.41.0");
            cls.Qualifiers.Set("UMLPackagePath", "CIM::Core::Generated");
            for (var p = 0; p < 8; p++)
            {
                var q = new CimQualifierSet();
                q.Set("Description", new string('p', 150));
                if (p == 0 && parent is null)
                {
                    q.Set(new CimQualifier("Key", true, CimFlavor.ToSubclass | CimFlavor.DisableOverride));
                }
                q.Set("MaxLen", 256);
                cls.AddProperty(new CimProperty($"Prop{i}_{p}", p % 3 == 0 ? CimType.String : p % 3 == 1 ? CimType.UInt16 : CimType.DateTime,
                    isArray: p == 5, qualifiers: q));
            }
            var mq = new CimQualifierSet();
            mq.Set("Description", new string('m', 200));
            var pq = new CimQualifierSet();
            pq.Set(new CimQualifier("In", true, CimFlavor.ToSubclass | CimFlavor.DisableOverride));
            cls.AddMethod(new CimMethod($"Method{i}", CimType.UInt32, [new CimParameter("Arg", CimType.String, qualifiers: pq)], mq));
            cls.Freeze();
            repository.PutClass(@"root\cimv2", cls);
            all.Add(cls);
        }
        transaction.Commit();
    }

    /// <summary>Deletes the repository.</summary>
    [GlobalCleanup]
    public void Cleanup() => RepositoryFixture.Delete(_directory);

    /// <summary>Open, read one class (and its chain), close.</summary>
    [Benchmark(Baseline = true)]
    public CimClass? OpenAndGetClass()
    {
        using var repository = SqliteRepository.Open(_directory);
        return repository.GetClass(@"root\cimv2", "CIM_Generated1499");
    }

    /// <summary>Open, decode every class, close.</summary>
    [Benchmark]
    public int OpenAndListAllClasses()
    {
        using var repository = SqliteRepository.Open(_directory);
        return repository.GetClasses(@"root\cimv2").Count();
    }
}

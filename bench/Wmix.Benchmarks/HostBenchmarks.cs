using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Hosting;
using Wmix.Repository.Sqlite;

namespace Wmix.Benchmarks;

/// <summary>
/// The DMTF CIM Schema 2.41 in a durable repository (issue #5): compile-and-store of the whole schema through the engine
/// in one transaction (what <c>wmix mofcomp</c> does), and the open time of a repository holding it — the bare store,
/// and the whole local WMI (<see cref="WmixHost.Open"/>: engine, Linux providers routed, built-in stamps checked).
/// Set WMIX_CIM_SCHEMA to the schema folder when it is not at /work/shared/corpus/cim-schema-2.41.
/// </summary>
[MemoryDiagnoser]
public class CimSchemaRepositoryBenchmarks
{
    private Dictionary<string, string> _files = null!;
    private string _entry = null!;
    private string _directory = null!;

    /// <summary>Reads the schema files and builds one repository holding the schema (and the Linux built-ins).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var root = Environment.GetEnvironmentVariable("WMIX_CIM_SCHEMA") ?? "/work/shared/corpus/cim-schema-2.41";
        _files = Directory.GetFiles(root, "*.mof", SearchOption.AllDirectories).ToDictionary(Path.GetFullPath, File.ReadAllText, StringComparer.Ordinal);
        _entry = Path.GetFullPath(Path.Combine(root, "cim_schema_2.41.0.mof"));
        _directory = RepositoryFixture.TempDirectory();
        var stored = CompileAndStoreInto(_directory, linux: true);
        if (stored != 1438)
        {
            throw new InvalidOperationException($"Stored {stored} classes, expected 1438.");
        }
    }

    /// <summary>Deletes the repository.</summary>
    [GlobalCleanup]
    public void Cleanup() => RepositoryFixture.Delete(_directory);

    /// <summary>The bare store: open, read CIM_LogicalDisk (and its chain of 6 superclasses), close.</summary>
    [Benchmark(Baseline = true)]
    public CimClass? OpenRepositoryAndGetClass()
    {
        using var repository = SqliteRepository.Open(_directory);
        return repository.GetClass(@"root\default", "CIM_LogicalDisk");
    }

    /// <summary>The local WMI: open the host (engine, Linux providers, stamps current), read CIM_LogicalDisk through a connection, close.</summary>
    [Benchmark]
    public CimObject OpenHostAndGetClass()
    {
        using var host = WmixHost.Open(new WmixHostOptions { RepositoryDirectory = _directory });
        return Run(host.Manager, @"root\default", static (c, s) => c.GetObject("CIM_LogicalDisk", CallOptions.Default, s)).Single();
    }

    /// <summary>Open the host and answer <c>SELECT * FROM meta_class WHERE __this ISA 'CIM_ManagedElement'</c> (decodes the class graph).</summary>
    [Benchmark]
    public int OpenHostAndQueryIsa()
    {
        using var host = WmixHost.Open(new WmixHostOptions { RepositoryDirectory = _directory });
        return Run(host.Manager, @"root\default", static (c, s) => c.ExecQuery("SELECT * FROM meta_class WHERE __this ISA 'CIM_ManagedElement'", "WQL", CallOptions.Default, s)).Count;
    }

    /// <summary>Compile the whole schema (files from memory) and store it in a fresh repository in one transaction.</summary>
    [Benchmark]
    public int CompileAndStore()
    {
        var directory = RepositoryFixture.TempDirectory();
        try
        {
            return CompileAndStoreInto(directory, linux: false);
        }
        finally
        {
            RepositoryFixture.Delete(directory);
        }
    }

    private int CompileAndStoreInto(string directory, bool linux)
    {
        var result = new MofCompiler(MofCompilerOptions.Default with { IncludeResolver = p => _files.GetValueOrDefault(p) }).Compile(_files[_entry], _entry);
        using var host = WmixHost.Open(new WmixHostOptions { RepositoryDirectory = directory, RegisterLinuxProviders = linux });
        using var transaction = host.Repository!.BeginTransaction();
        var stored = 0;
        foreach (var definition in result.Classes)
        {
            Run(host.Manager, definition.Namespace, (c, s) => c.Put(definition.Class, CallOptions.Default, s));
            stored++;
        }
        transaction.Commit();
        return stored;
    }

    private static List<CimObject> Run(ObjectManager manager, string ns, Func<ICimConnection, IOperationSink, CimOperation> start)
    {
        using var connection = manager.Connect(ns);
        var sink = new ChannelOperationSink();
        start(connection, sink);
        var results = new List<CimObject>();
        while (sink.TryTake(out var item))
        {
            results.Add(item!);
        }
        return results;
    }
}

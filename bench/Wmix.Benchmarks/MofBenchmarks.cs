using BenchmarkDotNet.Attributes;
using Wmix.Cim;

namespace Wmix.Benchmarks;

/// <summary>
/// The MOF compiler on in-memory text: the whole DMTF CIM Schema 2.41 (1,441 files, 7.7 MB, 1,438 classes; the
/// files are read once in setup and served through the include resolver), and one typical class
/// (CIM_LogicalDisk, 6 levels deep, with its superclasses coming from a repository through the class resolver).
/// Set WMIX_CIM_SCHEMA to the schema folder when it is not at /work/shared/corpus/cim-schema-2.41.
/// </summary>
[MemoryDiagnoser]
public class MofBenchmarks
{
    private Dictionary<string, string> _files = null!;
    private string _entry = null!;
    private string _entryText = null!;
    private string _classText = null!;
    private MofCompiler _schemaCompiler = null!;
    private MofCompiler _classCompiler = null!;

    /// <summary>Reads the schema into memory and compiles it once to serve as the repository.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var root = Environment.GetEnvironmentVariable("WMIX_CIM_SCHEMA") ?? "/work/shared/corpus/cim-schema-2.41";
        _files = Directory.GetFiles(root, "*.mof", SearchOption.AllDirectories)
            .ToDictionary(Path.GetFullPath, File.ReadAllText, StringComparer.Ordinal);
        _entry = Path.GetFullPath(Path.Combine(root, "cim_schema_2.41.0.mof"));
        _entryText = _files[_entry];
        _classText = _files[Path.GetFullPath(Path.Combine(root, "Device", "CIM_LogicalDisk.mof"))];
        _schemaCompiler = new MofCompiler(MofCompilerOptions.Default with { IncludeResolver = p => _files.GetValueOrDefault(p) });
        var schema = _schemaCompiler.Compile(_entryText, _entry);
        var classes = schema.Classes.ToDictionary(c => c.Class.Name, c => c.Class, StringComparer.OrdinalIgnoreCase);
        var qualifiers = schema.Qualifiers.ToDictionary(q => q.Declaration.Name, q => q.Declaration, StringComparer.OrdinalIgnoreCase);
        _classCompiler = new MofCompiler(MofCompilerOptions.Default with
        {
            ClassResolver = (_, name) => classes.GetValueOrDefault(name),
            QualifierResolver = (_, name) => qualifiers.GetValueOrDefault(name),
        });
    }

    /// <summary>Compiles CIM_LogicalDisk against the compiled schema.</summary>
    [Benchmark(Baseline = true)]
    public MofCompilationResult CompileOneClass() => _classCompiler.Compile(_classText);

    /// <summary>Compiles the whole CIM Schema 2.41 from memory.</summary>
    [Benchmark]
    public MofCompilationResult CompileCimSchema() => _schemaCompiler.Compile(_entryText, _entry);
}

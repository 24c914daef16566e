using System.Diagnostics;

namespace Wmix.Cim.Tests.Mof;

/// <summary>The whole DMTF CIM Schema 2.41 compiles into a consistent class graph.</summary>
public sealed class CimSchemaTests
{
    internal const string SchemaDirectory = "/work/shared/corpus/cim-schema-2.41";
    internal static string EntryFile => Path.Combine(SchemaDirectory, "cim_schema_2.41.0.mof");

    private static readonly Lazy<MofCompilationResult> s_schema = new(() => new MofCompiler().CompileFile(EntryFile));

    internal static MofCompilationResult Schema => s_schema.Value;

    [Fact]
    public void CompileFile_CimSchema241_Compiles()
    {
        var sw = Stopwatch.StartNew();
        var result = new MofCompiler().CompileFile(EntryFile);
        sw.Stop();
        TestContext.Current.SendDiagnosticMessage($"CIM Schema 2.41: {result.Classes.Count} classes, {result.Qualifiers.Count} qualifier types, {result.Files.Count} files in {sw.ElapsedMilliseconds} ms");
        Assert.True(result.Classes.Count > 1000);
    }
}

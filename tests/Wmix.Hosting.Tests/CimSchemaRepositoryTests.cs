using System.Text.Json;
using Wmix.Cim;
using Wmix.Hosting.Tests.Support;

namespace Wmix.Hosting.Tests;

/// <summary>
/// The whole DMTF CIM Schema 2.41 compiled by <c>wmix mofcomp</c> into a fresh durable repository, then queried from
/// new processes (issue #5): <c>ISA</c> over the class graph, <c>__SUPERCLASS</c>, <c>__DERIVATION</c>.
/// </summary>
public sealed class CimSchemaRepositoryTests
{
    /// <summary>
    /// The schema folder: $WMIX_CIM_SCHEMA, else shared/corpus/cim-schema-2.41 in a folder above the test binaries
    /// (CI clones the repository with shared/ beside it), else the development machine's /work/shared.
    /// </summary>
    private static string SchemaDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("WMIX_CIM_SCHEMA");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus", "cim-schema-2.41");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return "/work/shared/corpus/cim-schema-2.41";
    }

    [Fact]
    public async Task CimSchema241_CompiledByMofcomp_IsQueriedFromNewProcesses()
    {
        var ct = TestContext.Current.CancellationToken;
        var entry = Path.Combine(SchemaDirectory(), "cim_schema_2.41.0.mof");
        Assert.True(File.Exists(entry), $"The CIM schema is not at {entry}; set WMIX_CIM_SCHEMA.");
        // What the compiler makes of the schema, to compare the repository's answers with.
        var compiled = new MofCompiler().CompileFile(entry).Classes.Select(c => c.Class).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var managedElements = compiled.Values.Count(c => c.IsSubclassOfOrSelf("CIM_ManagedElement"));
        var storageExtentChildren = compiled.Values.Count(c => string.Equals(c.SuperclassName, "CIM_StorageExtent", StringComparison.OrdinalIgnoreCase));
        var logicalDisk = compiled["CIM_LogicalDisk"];

        using var directory = new TempDirectory();
        var store = await Processes.WmixAsync(directory.Repository, "mofcomp", entry);
        Assert.True(store.ExitCode == 0, store.ToString());
        Assert.Contains($"stored {compiled.Count} classes", store.Stderr + store.Stdout, StringComparison.Ordinal);

        // A new process (the CLI) queries the class graph.
        var isa = await Processes.WmixAsync(directory.Repository, "query", "SELECT * FROM meta_class WHERE __this ISA 'CIM_ManagedElement'",
            "--namespace", "root/default", "--format", "json");
        Assert.True(isa.ExitCode == 0, isa.Stderr);
        Assert.Equal(managedElements, JsonDocument.Parse(isa.Stdout).RootElement.GetArrayLength());
        var children = await Processes.WmixAsync(directory.Repository, "query", "SELECT * FROM meta_class WHERE __SUPERCLASS = 'CIM_StorageExtent'",
            "--namespace", "root/default", "--format", "json");
        Assert.True(children.ExitCode == 0, children.Stderr);
        Assert.Equal(storageExtentChildren, JsonDocument.Parse(children.Stdout).RootElement.GetArrayLength());
        var describe = await Processes.WmixAsync(directory.Repository, "describe", "CIM_LogicalDisk", "--namespace", "root/default");
        Assert.True(describe.ExitCode == 0, describe.Stderr);
        Assert.Contains("class CIM_LogicalDisk : CIM_StorageExtent", describe.Stdout, StringComparison.Ordinal);

        // This process, through a host of its own: __SUPERCLASS and __DERIVATION as the compiler derived them.
        using (var host = WmixHost.Open(new WmixHostOptions { RepositoryDirectory = directory.Repository, RegisterLinuxProviders = false }))
        {
            using var session = host.Manager.OpenSession(@"root\default");
            var count = 0;
            await foreach (var obj in session.QueryAsync("SELECT * FROM meta_class WHERE __this ISA 'CIM_ManagedElement'", ct))
            {
                var cls = (CimClass)obj;
                Assert.Equal(compiled[cls.Name].Derivation, cls.Derivation);
                count++;
            }
            Assert.Equal(managedElements, count);
            var disk = (CimClass)await session.GetAsync("CIM_LogicalDisk", ct);
            Assert.Equal("CIM_StorageExtent", disk["__SUPERCLASS"]);
            Assert.Equal(logicalDisk.Derivation, (string[])disk["__DERIVATION"]!);
            Assert.Equal(["CIM_StorageExtent", "CIM_LogicalDevice", "CIM_EnabledLogicalElement", "CIM_LogicalElement", "CIM_ManagedSystemElement", "CIM_ManagedElement"],
                (string[])disk["__DERIVATION"]!);
            Assert.True(host.Repository!.Check().IsConsistent);
        }
        var check = await Processes.WmixAsync(directory.Repository, "repository", "check");
        Assert.True(check.ExitCode == 0, check.ToString());
    }
}

using System.Diagnostics;

namespace Wmix.Cim.Tests.Mof;

/// <summary>The whole DMTF CIM Schema 2.41 compiles into a consistent class graph, and round-trips through MOF text.</summary>
public sealed class CimSchemaTests
{
    /// <summary>
    /// The schema folder: $WMIX_CIM_SCHEMA, else shared/corpus/cim-schema-2.41 in a folder above the test binaries
    /// (CI clones the repository with shared/ beside it), else the development machine's /work/shared.
    /// </summary>
    internal static string SchemaDirectory { get; } = FindSchemaDirectory();

    private static string FindSchemaDirectory()
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

    private static readonly Lazy<MofCompilationResult> s_schema = new(() => new MofCompiler().CompileFile(EntryFile));

    internal static string EntryFile => Path.Combine(SchemaDirectory, "cim_schema_2.41.0.mof");

    internal static MofCompilationResult Schema => s_schema.Value;

    [Fact]
    public void CompileFile_CimSchema241_CompilesEveryClass()
    {
        var sw = Stopwatch.StartNew();
        var result = new MofCompiler().CompileFile(EntryFile);
        sw.Stop();
        TestContext.Current.SendDiagnosticMessage(
            $"CIM Schema 2.41: {result.Classes.Count} classes, {result.Qualifiers.Count} qualifier types, {result.Files.Count} files in {sw.ElapsedMilliseconds} ms");
        // One class per file, besides the entry file and the two qualifier files.
        Assert.Equal(1441, result.Files.Count);
        Assert.Equal(1438, result.Classes.Count);
        Assert.Equal(70, result.Qualifiers.Count);
        Assert.Empty(result.Instances);
        Assert.Equal(["root\\default"], result.Namespaces);
        Assert.Equal("en_US", result.Locale);
        Assert.All(result.Classes, c => Assert.True(c.Class.IsReadOnly));
    }

    [Fact]
    public void Schema_ClassGraph_IsConsistent()
    {
        var classes = Schema.Classes.ToDictionary(c => c.Class.Name, c => c.Class, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(Schema.Classes.Count, classes.Count);
        var declared = Schema.Qualifiers.Select(q => q.Declaration.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var cls in classes.Values)
        {
            if (cls.Superclass is { } parent)
            {
                Assert.Same(classes[parent.Name], parent);
            }
            foreach (var p in cls.Properties)
            {
                if (p.ReferenceClassName is { } target)
                {
                    Assert.True(classes.ContainsKey(target), $"{cls.Name}.{p.Name} names {target}");
                }
                Assert.All(p.Qualifiers, q => Assert.Contains(q.Name, declared));
            }
            foreach (var m in cls.Methods)
            {
                Assert.All(m.Parameters.Where(a => a.ReferenceClassName is not null), a => Assert.True(classes.ContainsKey(a.ReferenceClassName!)));
                Assert.All(m.Qualifiers, q => Assert.Contains(q.Name, declared));
            }
            Assert.All(cls.Qualifiers, q => Assert.Contains(q.Name, declared));
        }
    }

    [Fact]
    public void Schema_ManagedElement_IsTheAbstractRoot()
    {
        var me = Schema.FindClass("CIM_ManagedElement")!;
        Assert.Null(me.Superclass);
        Assert.True(me.IsAbstract);
        Assert.Equal(["InstanceID", "Caption", "Description", "ElementName"], me.Properties.Take(4).Select(p => p.Name));
        Assert.Equal(64u, me.FindProperty("Caption")!.Qualifiers.GetValue("MaxLen"));
        Assert.Equal("CIM::Core::CoreElements", me.Qualifiers.GetValue("UMLPackagePath"));
        var roots = Schema.Classes.Where(c => c.Class.Superclass is null).Select(c => c.Class.Name).ToHashSet();
        Assert.Contains("CIM_ManagedElement", roots);
        Assert.Equal(824, Schema.Classes.Count(c => c.Class.IsA("CIM_ManagedElement")));
    }

    [Fact]
    public void Schema_LogicalDisk_DerivationAndKeys()
    {
        var disk = Schema.FindClass("CIM_LogicalDisk")!;
        Assert.Equal(["CIM_StorageExtent", "CIM_LogicalDevice", "CIM_EnabledLogicalElement", "CIM_LogicalElement", "CIM_ManagedSystemElement", "CIM_ManagedElement"],
            disk.Derivation);
        Assert.Equal("CIM_ManagedElement", disk.Dynasty);
        Assert.Equal(["SystemCreationClassName", "SystemName", "CreationClassName", "DeviceID"], disk.KeyProperties.Select(p => p.Name));
        var deviceId = disk.FindProperty("DeviceID")!;
        Assert.Equal("CIM_LogicalDevice", deviceId.ClassOrigin);
        var key = deviceId.Qualifiers["Key"]!;
        Assert.Equal(CimFlavor.ToSubclass | CimFlavor.DisableOverride, key.Flavor & ~CimFlavor.Propagated);
        Assert.False(key.IsOverridable);
        Assert.NotNull(disk.Methods.Find("RequestStateChange"));
    }

    [Fact]
    public void Schema_Association_HasTwoReferences()
    {
        var esd = Schema.FindClass("CIM_ElementSettingData")!;
        Assert.True(esd.IsAssociation);
        Assert.False(esd.Qualifiers["Association"]!.IsOverridable);
        var refs = esd.Properties.Where(p => p.Type == CimType.Reference).ToArray();
        Assert.Equal([("ManagedElement", "CIM_ManagedElement"), ("SettingData", "CIM_SettingData")], refs.Select(r => (r.Name, r.ReferenceClassName)));
        Assert.All(refs, r => Assert.True(r.IsKey));
    }

    [Fact]
    public void Schema_RequestStateChange_Parameters()
    {
        var m = Schema.FindClass("CIM_EnabledLogicalElement")!.Methods.Find("RequestStateChange")!;
        Assert.Equal(CimType.UInt32, m.ReturnType);
        Assert.Equal([("RequestedState", CimType.UInt16), ("Job", CimType.Reference), ("TimeoutPeriod", CimType.DateTime)],
            m.Parameters.Select(p => (p.Name, p.Type)));
        var job = m.Parameters[1];
        Assert.Equal("CIM_ConcreteJob", job.ReferenceClassName);
        Assert.True(job.IsOut);
        Assert.False(job.IsIn); // [IN(false), OUT]
        Assert.True(m.Parameters[0].IsIn && !m.Parameters[0].IsOut);
    }

    [Fact]
    public void Schema_EmbeddedInstances_AreObjectsOfResolvedClasses()
    {
        var embedded = Schema.Classes.SelectMany(c => c.Class.Properties.Where(p => p.IsLocal && p.Qualifiers.Contains("EmbeddedInstance"))).ToArray();
        Assert.NotEmpty(embedded);
        Assert.All(embedded, p =>
        {
            Assert.Equal(CimType.Object, p.Type);
            Assert.Equal(p.Qualifiers.GetValue("EmbeddedInstance"), p.ReferenceClassName);
            Assert.NotNull(Schema.FindClass(p.ReferenceClassName!));
        });
    }

    [Fact]
    public void Schema_Overrides_KeepInheritedOrigin()
    {
        var cs = Schema.FindClass("CIM_ComputerSystem")!;
        var nameFormat = cs.FindProperty("NameFormat")!;
        Assert.True(nameFormat.IsLocal);
        Assert.Equal("CIM_System", nameFormat.ClassOrigin);
        Assert.Equal("NameFormat", nameFormat.Qualifiers.GetValue("Override"));
        // Override is Restricted: CIM_ComputerSystem's subclasses do not inherit it.
        var sub = Schema.Classes.First(c => c.Class.SuperclassName == "CIM_ComputerSystem").Class;
        Assert.False(sub.FindProperty("NameFormat")!.Qualifiers.Contains("Override"));
    }

    [Fact]
    public void Schema_EveryClass_RoundTripsThroughObjectText()
    {
        var classes = Schema.Classes.ToDictionary(c => c.Class.Name, c => c.Class, StringComparer.OrdinalIgnoreCase);
        var declarations = Schema.Qualifiers.ToDictionary(q => q.Declaration.Name, q => q.Declaration, StringComparer.OrdinalIgnoreCase);
        var compiler = new MofCompiler(MofCompilerOptions.Default with
        {
            ClassResolver = (_, name) => classes.GetValueOrDefault(name),
            QualifierResolver = (_, name) => declarations.GetValueOrDefault(name),
        });
        foreach (var original in classes.Values)
        {
            var text = original.GetObjectText();
            var again = compiler.Compile(text);
            var copy = Assert.Single(again.Classes).Class;
            Assert.True(copy.CompareTo(original), $"{original.Name} differs after a round trip:\n{text}\n---\n{copy.GetObjectText()}");
        }
    }
}

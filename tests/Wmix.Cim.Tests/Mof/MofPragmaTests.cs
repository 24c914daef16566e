namespace Wmix.Cim.Tests.Mof;

public sealed class MofPragmaTests
{
    private static MofCompilationResult Compile(string mof, MofCompilerOptions? options = null) => new MofCompiler(options).Compile(mof);

    private static MofCompilerOptions WithFiles(Dictionary<string, string> files, string root = "/mof") => MofCompilerOptions.Default with
    {
        BaseDirectory = root,
        IncludeResolver = path => files.GetValueOrDefault(path),
    };

    [Theory]
    [InlineData("#pragma namespace(\"\\\\\\\\.\\\\root\\\\x\")", "root\\x")]
    [InlineData("#pragma namespace(\"\\\\\\\\server\\\\root\\\\x\\\\y\")", "root\\x\\y")]
    [InlineData("#pragma namespace(\"root\\\\cimv2\")", "root\\cimv2")]
    [InlineData("#pragma namespace(\"//./root/x\")", "root\\x")]
    [InlineData("#pragma namespace(\"sub\")", "root\\default\\sub")]
    [InlineData("#pragma namespace(\"a\\\\b\")", "root\\default\\a\\b")]
    [InlineData("#PRAGMA NAMESPACE (\"\\\\\\\\.\\\\ROOT\")", "ROOT")]
    public void Namespace_AbsoluteAndRelative(string pragma, string expected)
    {
        var result = Compile(pragma + "\nclass A { };");
        Assert.Equal(expected, result.Classes[0].Namespace);
    }

    [Fact]
    public void Namespace_RelativeAccumulates()
    {
        var result = Compile("#pragma namespace(\"a\")\nclass A { };\n#pragma namespace(\"b\")\nclass B { };");
        Assert.Equal(["root\\default\\a", "root\\default\\a\\b"], result.Classes.Select(c => c.Namespace));
        Assert.Equal(2, result.Namespaces.Count);
        Assert.Single(result.InNamespace("root/default/a"));
    }

    [Fact]
    public void Namespace_ClassesAreLookedUpPerNamespace()
    {
        var ex = Assert.Throws<WbemException>(() => Compile("class A { };\n#pragma namespace(\"other\")\nclass B : A { };"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSuperclass, ex.ErrorCode);
        var ok = Compile("class A { };\n#pragma namespace(\"other\")\nclass A { };");
        Assert.Equal(2, ok.Classes.Count);
    }

    [Fact]
    public void Include_IsRelativeToIncludingFile_AndNamespaceStaysPerFile()
    {
        var files = new Dictionary<string, string>
        {
            ["/mof/sub/a.mof"] = "#pragma namespace(\"inner\")\nclass A { };\n#pragma include(\"deeper/b.mof\")",
            ["/mof/sub/deeper/b.mof"] = "class B { };",
        };
        var result = Compile("#pragma include(\"sub/a.mof\")\nclass C { };\n#include(\"sub\\\\deeper\\\\b.mof\")", WithFiles(files));
        Assert.Equal(["A", "B", "C", "B"], result.Classes.Select(c => c.Class.Name));
        Assert.Equal(["root\\default\\inner", "root\\default\\inner", "root\\default", "root\\default"], result.Classes.Select(c => c.Namespace));
        Assert.Equal(["/mof/sub/a.mof", "/mof/sub/deeper/b.mof", "/mof/sub/deeper/b.mof"], result.Files);
        Assert.Equal("/mof/sub/a.mof", result.Classes[0].Location.File);
    }

    [Fact]
    public void Include_Missing_IsNotFoundAtThePragma()
    {
        var ex = Assert.Throws<WbemException>(() => Compile("\n  #pragma include(\"nope.mof\")", WithFiles([])));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, ex.ErrorCode);
        Assert.Equal((2, 3), (ex.Line, ex.Column));
    }

    [Fact]
    public void Include_Cycle_IsCircularReference()
    {
        var files = new Dictionary<string, string> { ["/mof/a.mof"] = "#pragma include(\"b.mof\")", ["/mof/b.mof"] = "#pragma include(\"a.mof\")" };
        var ex = Assert.Throws<WbemException>(() => Compile("#pragma include(\"a.mof\")", WithFiles(files)));
        Assert.Equal(WbemErrorEnum.wbemErrCircularReference, ex.ErrorCode);
        Assert.Equal("/mof/b.mof", ex.File);
    }

    [Fact]
    public void Include_ErrorInIncludedFile_NamesThatFile()
    {
        var files = new Dictionary<string, string> { ["/mof/bad.mof"] = "class A {\n  uint32 X = \"s\"; };" };
        var ex = Assert.Throws<WbemException>(() => Compile("#pragma include(\"bad.mof\")", WithFiles(files)));
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch, ex.ErrorCode);
        Assert.Equal(("/mof/bad.mof", 2, 14), (ex.File, ex.Line, ex.Column));
    }

    [Fact]
    public void CompileFile_ReadsFromDisk()
    {
        var dir = Directory.CreateTempSubdirectory("wmix-mof-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "main.mof"), "#pragma include(\"part.mof\")\nclass B : A { };");
            File.WriteAllText(Path.Combine(dir.FullName, "part.mof"), "class A { };");
            var result = new MofCompiler().CompileFile(Path.Combine(dir.FullName, "main.mof"));
            Assert.Equal(["A", "B"], result.Classes.Select(c => c.Class.Name));
            Assert.Equal(2, result.Files.Count);
            Assert.Equal(WbemErrorEnum.wbemErrNotFound,
                Assert.Throws<WbemException>(() => new MofCompiler().CompileFile(Path.Combine(dir.FullName, "none.mof"))).ErrorCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Locale_IsRecorded()
    {
        var result = Compile("class A { };\n#pragma locale(\"MS_409\")\nclass B { };");
        Assert.Null(result.Classes[0].Locale);
        Assert.Equal("MS_409", result.Classes[1].Locale);
        Assert.Equal("MS_409", result.Locale);
    }

    [Theory]
    [InlineData("\"forceupdate\"", MofClassFlags.ForceUpdate)]
    [InlineData("\"safeupdate\"", MofClassFlags.SafeUpdate)]
    [InlineData("\"updateonly\"", MofClassFlags.UpdateOnly)]
    [InlineData("\"createonly\"", MofClassFlags.CreateOnly)]
    [InlineData("\"updateonly\", \"forceupdate\"", MofClassFlags.UpdateOnly | MofClassFlags.ForceUpdate)]
    [InlineData("\"updateonly, safeupdate\"", MofClassFlags.UpdateOnly | MofClassFlags.SafeUpdate)]
    [InlineData("65", MofClassFlags.UpdateOnly | MofClassFlags.ForceUpdate)]
    public void ClassFlags_AreRecordedOnEachClass(string args, MofClassFlags expected)
    {
        var result = Compile($"class A {{ }};\n#pragma classflags({args})\nclass B {{ }};");
        Assert.Equal(MofClassFlags.None, result.Classes[0].Flags);
        Assert.Equal(expected, result.Classes[1].Flags);
    }

    [Theory]
    [InlineData("\"createonly\", \"updateonly\"")]
    [InlineData("\"forceupdate\", \"safeupdate\"")]
    [InlineData("\"sometimes\"")]
    [InlineData("4")]
    public void ClassFlags_Invalid_IsInvalidParameter(string args) =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => Compile($"#pragma classflags({args})")).ErrorCode);

    [Fact]
    public void InstanceFlags_AreRecordedOnEachInstance()
    {
        var result = Compile("class A { [Key] uint32 K; };\ninstance of A { K = 1; };\n#pragma instanceflags(\"createonly\")\ninstance of A { K = 2; };\n#pragma instanceflags(\"UpdateOnly\")\ninstance of A { K = 3; };");
        Assert.Equal([MofInstanceFlags.None, MofInstanceFlags.CreateOnly, MofInstanceFlags.UpdateOnly], result.Instances.Select(i => i.Flags));
    }

    [Fact]
    public void DeleteClass_IsAnAction_AndAllowsRedefinition()
    {
        var result = Compile("class A { };\n#pragma deleteclass(\"A\", NOFAIL)\n#pragma deleteclass(\"B\",FAIL)\nclass A { uint32 V; };");
        var actions = result.Actions.Cast<MofDeleteClassAction>().ToArray();
        Assert.Equal([("A", false), ("B", true)], actions.Select(a => (a.ClassName, a.FailIfMissing)));
        Assert.Equal(2, result.Classes.Count);
        Assert.Equal(4, result.Definitions.Count);
        Assert.IsType<MofDeleteClassAction>(result.Definitions[1]);
    }

    [Fact]
    public void DeleteInstance_IsAnAction()
    {
        var action = (MofDeleteInstanceAction)Compile("#pragma deleteinstance(\"MSFT_Template.id='x'\", nofail)").Actions.Single();
        Assert.Equal("MSFT_Template", action.Path.ClassName);
        Assert.False(action.FailIfMissing);
    }

    [Fact]
    public void AutoRecoverAndAmendment_AreRecorded()
    {
        var result = Compile("#pragma autorecover\n#pragma amendment(\"MS_409\")\nclass A { };");
        Assert.True(result.AutoRecover);
        Assert.True(result.IsAmendment);
        var plain = Compile("class A { };");
        Assert.False(plain.AutoRecover || plain.IsAmendment);
    }

    [Theory]
    [InlineData("#pragma frobnicate(\"x\")")]
    [InlineData("#pragma")]
    [InlineData("#define X 1")]
    public void UnknownPragma_IsInvalidSyntax(string mof) =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, Assert.Throws<WbemException>(() => Compile(mof)).ErrorCode);
}

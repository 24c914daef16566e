using System.Runtime.CompilerServices;

namespace Wmix.Cim.Tests.Mof;

/// <summary>
/// Golden files: the GetObjectText of what Golden/Sample.mof compiles to, one file per object. Set
/// WMIX_UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
/// </summary>
public sealed class MofGoldenTests
{
    private static string GoldenDirectory([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "Golden");

    private static MofCompilationResult Sample() => new MofCompiler().CompileFile(Path.Combine(GoldenDirectory(), "Sample.mof"));

    public static TheoryData<string> Objects => new()
    {
        "Gold_Element", "Gold_Disk", "Gold_Mirror", "Instance1", "Instance2", "Instance3",
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void GetObjectText_OfCompiledSample_MatchesGoldenFile(string name)
    {
        var text = ObjectOf(Sample(), name).GetObjectText();
        var file = Path.Combine(GoldenDirectory(), name + ".mof.txt");
        if (Environment.GetEnvironmentVariable("WMIX_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(file, text);
        }
        Assert.Equal(File.ReadAllText(file).ReplaceLineEndings("\n"), text);
    }

    [Theory]
    [MemberData(nameof(Objects))]
    public void GoldenText_Recompiles_ToAnEqualObject(string name)
    {
        var sample = Sample();
        var original = ObjectOf(sample, name);
        var classes = sample.Classes.ToDictionary(c => c.Class.Name, c => c.Class, StringComparer.OrdinalIgnoreCase);
        var compiler = new MofCompiler(MofCompilerOptions.Default with
        {
            DefaultNamespace = "root\\golden",
            ClassResolver = (_, n) => classes.GetValueOrDefault(n),
        });
        var declaration = "qualifier Tag : string[], scope(any), flavor(ToInstance);\n";
        var again = compiler.Compile(declaration + File.ReadAllText(Path.Combine(GoldenDirectory(), name + ".mof.txt")));
        CimObject copy = original is CimClass ? again.Classes.Single().Class : again.Instances.Single().Instance;
        Assert.True(copy.CompareTo(original), copy.GetObjectText());
    }

    [Fact]
    public void Sample_ResolvesAliasesToPaths()
    {
        var mirror = Sample().Instances[2].Instance;
        Assert.Equal("Gold_Disk.InstanceID=\"d1\"", mirror["Primary"]);
        Assert.Equal("Gold_Mirror.Primary=\"Gold_Disk.InstanceID=\\\"d1\\\"\",Secondary=\"Gold_Disk.InstanceID=\\\"d2\\\"\"", mirror.RelativePath);
        Assert.All(Sample().Definitions, d => Assert.Equal("root\\golden", d.Namespace));
    }

    private static CimObject ObjectOf(MofCompilationResult result, string name) =>
        name.StartsWith("Instance", StringComparison.Ordinal)
            ? result.Instances[int.Parse(name["Instance".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1].Instance
            : result.FindClass(name)!;
}

using Wmix.Cli.Tests.Support;

namespace Wmix.Cli.Tests;

/// <summary>
/// <c>wmix mofcomp</c> and <c>wmix repository</c> on a fresh SQLite repository in a temporary directory
/// (<c>WMIX_REPOSITORY</c>): a good file is stored, a file with an error — found by the compiler or only when
/// applying — changes nothing, and backup / restore round-trip.
/// </summary>
public sealed class RepositoryTests : IDisposable
{
    private const string Header = "#pragma namespace(\"\\\\\\\\.\\\\root\\\\wmixclitest\")\n";
    private readonly string _directory = Directory.CreateTempSubdirectory("wmix-cli-").FullName;

    private Dictionary<string, string> Environment => new() { ["WMIX_REPOSITORY"] = Path.Combine(_directory, "store") };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Mofcomp_GoodThenFailingFiles_AllOrNothing()
    {
        var good = await WriteAsync("good.mof", Header + "class Cli_Widget { [key] string Name; uint32 Size; };\n"
            + "instance of Cli_Widget { Name = \"a\"; Size = 1; };\ninstance of Cli_Widget { Name = \"b\"; Size = 2; };\n");
        // Valid MOF that fails only when applied: the second class exists and "createonly" forbids replacing it.
        var failsLate = await WriteAsync("late.mof", Header + "class Cli_Gizmo { [key] string Id; };\ninstance of Cli_Gizmo { Id = \"x\"; };\n"
            + "#pragma classflags(\"createonly\")\nclass Cli_Widget { [key] string Name; uint32 Size; };\n");
        var badSyntax = await WriteAsync("bad.mof", Header + "class Cli_Other { [key] string Id; };\ninstance of Cli_Widget { Name = \"c\"; Size = \"many\"; };\n");

        var stored = await WmixTool.RunAsync(Environment, "mofcomp", good);
        Assert.True(stored.ExitCode == 0, stored.ToString());
        var before = await WmixTool.RunAsync(Environment, "repository", "check");
        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Contains("2 instances", before.Stdout, StringComparison.Ordinal);

        var late = await WmixTool.RunAsync(Environment, "mofcomp", failsLate);
        Assert.Equal(1, late.ExitCode);
        Assert.StartsWith("error 0x80041019 wbemErrAlreadyExists: ", late.Stderr, StringComparison.Ordinal);
        Assert.Contains("late.mof(5,1)", late.Stderr, StringComparison.Ordinal);

        var bad = await WmixTool.RunAsync(Environment, "mofcomp", badSyntax);
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("error 0x80041005 wbemErrTypeMismatch: ", bad.Stderr, StringComparison.Ordinal);

        var after = await WmixTool.RunAsync(Environment, "repository", "check");
        Assert.Equal(before.Stdout, after.Stdout); // same namespaces, classes and instances: nothing of the failing files stayed
    }

    [Fact]
    public async Task Repository_BackupRestore_RoundTrip()
    {
        var first = await WriteAsync("one.mof", Header + "class Cli_One { [key] string Id; };\ninstance of Cli_One { Id = \"1\"; };\n");
        var second = await WriteAsync("two.mof", Header + "class Cli_Two { [key] string Id; };\ninstance of Cli_Two { Id = \"2\"; };\ninstance of Cli_Two { Id = \"3\"; };\n");
        var backup = Path.Combine(_directory, "backup.db");

        Assert.Equal(0, (await WmixTool.RunAsync(Environment, "mofcomp", first)).ExitCode);
        var saved = await WmixTool.RunAsync(Environment, "repository", "check");
        Assert.Equal(0, (await WmixTool.RunAsync(Environment, "repository", "backup", backup)).ExitCode);
        Assert.True(File.Exists(backup));
        Assert.Equal(0, (await WmixTool.RunAsync(Environment, "mofcomp", second)).ExitCode);
        Assert.NotEqual(saved.Stdout, (await WmixTool.RunAsync(Environment, "repository", "check")).Stdout);

        var restore = await WmixTool.RunAsync(Environment, "repository", "restore", backup);

        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Equal(saved.Stdout, (await WmixTool.RunAsync(Environment, "repository", "check")).Stdout);
        var missing = await WmixTool.RunAsync(Environment, "repository", "restore", Path.Combine(_directory, "missing.db"));
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error 0x80041008 wbemErrInvalidParameter", missing.Stderr, StringComparison.Ordinal);
    }

    private async Task<string> WriteAsync(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        return path;
    }
}

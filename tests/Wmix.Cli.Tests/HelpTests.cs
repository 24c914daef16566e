using System.Reflection;
using Wmix.Cli.Tests.Support;

namespace Wmix.Cli.Tests;

/// <summary>The root command's <c>--help</c> text against a golden file (set WMIX_UPDATE_GOLDEN=1 to rewrite it).</summary>
public sealed class HelpTests
{
    [Fact]
    public async Task Help_Root_MatchesGoldenFile()
    {
        var result = await WmixTool.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        var directory = typeof(HelpTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GoldenDirectory").Value!;
        var golden = Path.Combine(directory, "root-help.txt");
        if (Environment.GetEnvironmentVariable("WMIX_UPDATE_GOLDEN") == "1")
        {
            await File.WriteAllTextAsync(golden, result.Stdout, TestContext.Current.CancellationToken);
        }
        Assert.Equal(await File.ReadAllTextAsync(golden, TestContext.Current.CancellationToken), result.Stdout);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("watch")]
    public async Task Help_Subcommand_ShowsUsageAndGlobalOptions(string command)
    {
        var result = await WmixTool.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"wmix {command}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--namespace", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--format", result.Stdout, StringComparison.Ordinal);
    }
}

using Wmix.Cli.Tests.Support;

namespace Wmix.Cli.Tests;

/// <summary>Exit statuses and error text: WBEM errors → 1 with the code on stderr, usage errors → 2, never a stack trace.</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task Query_BadSyntax_Exit1WithCodeNameAndPosition()
    {
        var result = await WmixTool.RunAsync("query", "SELECT FROM Win32_Process");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.StartsWith("error 0x80041017 wbemErrInvalidQuery: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("column", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UnknownClass_Exit1InvalidClass()
    {
        var result = await WmixTool.RunAsync("query", "SELECT * FROM Win32_NoSuchClass");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error 0x80041010 wbemErrInvalidClass", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UserWithoutHost_Exit1LocalCredentials()
    {
        var result = await WmixTool.RunAsync("query", "SELECT * FROM Win32_OperatingSystem", "--user", "alice");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error 0x80041064 wbemErrLocalCredentials", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_MissingObject_Exit1NotFound()
    {
        var result = await WmixTool.RunAsync("get", "Win32_Process.Handle=\"999999999\"");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error 0x80041002 wbemErrNotFound", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_UnknownNamespace_Exit1InvalidNamespace()
    {
        var result = await WmixTool.RunAsync("query", "SELECT * FROM Win32_Process", "--namespace", @"root\nowhere");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error 0x8004100E wbemErrInvalidNamespace", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("query")]
    [InlineData("query", "SELECT * FROM Win32_Process", "--format", "xml")]
    [InlineData("watch", "SELECT * FROM Win32_ProcessStartTrace", "--count", "0")]
    [InlineData("query", "SELECT * FROM Win32_Process", "--no-such-option")]
    [InlineData("get", "")]
    [InlineData("describe", " ")]
    [InlineData("call", "", "Create")]
    public async Task Usage_Errors_Exit2WithHint(params string[] args)
    {
        var result = await WmixTool.RunAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("wmix --help", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_UnknownParameter_Exit2NamesTheParameters()
    {
        var result = await WmixTool.RunAsync("call", "Win32_Process", "Create", "Bogus=1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has no in-parameter 'Bogus'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("CommandLine", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_ValueOfWrongType_Exit1TypeMismatch()
    {
        var result = await WmixTool.RunAsync("call", "Win32_Process", "Create", "ProcessStartupInformation=lots");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error 0x80041005 wbemErrTypeMismatch", result.Stderr, StringComparison.Ordinal);
    }
}

using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class PushDownTests
{
    private static WqlExpression? Where(string condition) => ((WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE " + condition)).Where;

    [Theory]
    [InlineData("ProcessId = 5", new long[] { 5 })]
    [InlineData("5 = ProcessId", new long[] { 5 })]
    [InlineData("ProcessId = 5 AND Name = 'x'", new long[] { 5 })]
    [InlineData("ProcessId = 5 OR ProcessId = 7", new long[] { 5, 7 })]
    [InlineData("(ProcessId = 5 OR ProcessId = 7) AND ProcessId = 7", new long[] { 7 })]
    [InlineData("processid = '9'", new long[] { 9 })]
    public void IntegerValues_Restricting_Values(string condition, long[] expected) =>
        Assert.Equal(expected, PushDown.IntegerValues(Where(condition), "ProcessId"));

    [Theory]
    [InlineData("ProcessId > 5")]
    [InlineData("ProcessId = 5 OR Name = 'x'")]
    [InlineData("NOT ProcessId = 5")]
    [InlineData("Name = 'x'")]
    [InlineData("ProcessId <> 5")]
    public void IntegerValues_NotRestricting_Null(string condition) =>
        Assert.Null(PushDown.IntegerValues(Where(condition), "ProcessId"));

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("'a b' \"c \\\"d\\\"\" e\\ f", new[] { "a b", "c \"d\"", "e f" })]
    [InlineData("x''y", new[] { "xy" })]
    [InlineData("''", new[] { "" })]
    public void Split_Quoting_PosixWords(string line, string[] expected) => Assert.Equal(expected, CommandLineSplitter.Split(line));

    [Theory]
    [InlineData("'open")]
    [InlineData("\"open")]
    [InlineData("trailing\\")]
    public void Split_Unbalanced_Null(string line) => Assert.Null(CommandLineSplitter.Split(line));
}

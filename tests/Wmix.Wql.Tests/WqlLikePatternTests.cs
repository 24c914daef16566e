using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Wmix.Cim;

namespace Wmix.Wql.Tests;

public sealed class WqlLikePatternTests
{
    // §7 vector 35.
    [Theory]
    [InlineData("%[_][_]%", "__Event", true)]
    [InlineData("%[_][_]%", "_Event", false)]
    [InlineData("a_c", "abc", true)]
    [InlineData("a_c", "ac", false)]
    [InlineData("[a-f]%", "cat", true)]
    [InlineData("[a-f]%", "xcat", false)]
    [InlineData("[^a-f]%", "cat", false)]
    [InlineData("[^a-f]%", "xcat", true)]
    public void IsMatch_SpecVector35_AsDocumented(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, WqlLikePattern.Parse(pattern).IsMatch(text));
    }

    [Theory]
    [InlineData("%", "", true)]
    [InlineData("%", "anything", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("_", "", false)]
    [InlineData("abc", "ABC", true)]
    [InlineData("ABC", "abc", true)]
    [InlineData("%win%", "Win32_Process", true)]
    [InlineData("%Win32%", "CIM_Process", false)]
    [InlineData("ba%", "bash", true)]
    [InlineData("ba%", "BASH", true)]
    [InlineData("ba%", "zsh", false)]
    [InlineData("%sh", "bash", true)]
    [InlineData("%a%b%c%", "xxaxxbxxcxx", true)]
    [InlineData("%a%b%c%", "xxaxxcxxbxx", false)]
    [InlineData("[abc]x", "Bx", true)]
    [InlineData("[A-F]", "c", true)]
    [InlineData("[^A-F]", "c", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[^]]", "]", false)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[-a]", "-", true)]
    [InlineData("[z-a]", "m", false)]
    [InlineData("a^b", "a^b", true)]
    [InlineData("%\\%", "C:\\dir\\", true)]
    [InlineData("%%%%%%%%%%%%%%%%%%%%%%%%%%%%b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("%10.%", "192.168.10.1", true)]
    [InlineData("Stra\u00DFe", "STRA\u00DFE", true)]
    [InlineData("\u00E9t\u00E9", "\u00C9T\u00C9", true)]
    [InlineData("[\u00E0-\u00E9]", "\u00C8", true)]
    [InlineData("[^\u00E0-\u00E9]", "\u00C8", false)]
    public void IsMatch_Cases_AsExpected(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, WqlLikePattern.Parse(pattern).IsMatch(text));
    }

    [Theory]
    [InlineData("[", 1)]
    [InlineData("abc[de", 4)]
    [InlineData("[]", 1)]
    [InlineData("%[^", 2)]
    [InlineData("[a][", 4)]
    public void Parse_UnclosedBracket_ThrowsInvalidQuery(string pattern, int column)
    {
        var ex = Assert.Throws<WbemException>(() => WqlLikePattern.Parse(pattern));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ex.ErrorCode);
        Assert.Equal(column, ex.Column);
    }

    [Fact]
    public void IsMatch_PathologicalPattern_StaysFast()
    {
        var pattern = WqlLikePattern.Parse(string.Concat(Enumerable.Repeat("%a", 200)) + "%b");
        var text = new string('a', 5000);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(pattern.IsMatch(text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Equals_SamePatternText_AreEqual()
    {
        Assert.Equal(WqlLikePattern.Parse("a%"), WqlLikePattern.Parse("a%"));
        Assert.NotEqual(WqlLikePattern.Parse("a%"), WqlLikePattern.Parse("A%"));
    }

    /// <summary>Checks the matcher against a regular-expression translation of the same pattern.</summary>
    [Fact]
    public void IsMatch_RandomPatterns_AgreesWithRegexModel()
    {
        var patternChar = Gen.OneOf(Gen.Const("%"), Gen.Const("_"), Gen.Const("a"), Gen.Const("B"), Gen.Const("c"),
            Gen.Const("[a-b]"), Gen.Const("[^a]"), Gen.Const("[bc]"), Gen.Const("[^A-B]"), Gen.Const("-"));
        var pattern = patternChar.Array[0, 8].Select(string.Concat);
        var text = Gen.String[Gen.Char["aAbBcC-x"], 0, 12];
        Gen.Select(pattern, text).Sample((p, t) =>
        {
            var expected = Model(p).IsMatch(t);
            Assert.Equal(expected, WqlLikePattern.Parse(p).IsMatch(t));
        }, iter: 20_000);
    }

    private static Regex Model(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '%': sb.Append(".*"); break;
                case '_': sb.Append('.'); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 2);
                    var body = pattern[(i + 1)..close];
                    sb.Append('[').Append(body.Replace("\\", "\\\\", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                default: sb.Append(Regex.Escape(pattern[i].ToString())); break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }
}

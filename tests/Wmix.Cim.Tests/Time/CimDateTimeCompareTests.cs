namespace Wmix.Cim.Tests.Time;

public sealed class CimDateTimeCompareTests
{
    private static CimDateTime P(string text) => CimDateTime.Parse(text);

    [Fact]
    public void Equals_StarredOffset_DiffersFromZeroOffset()
    {
        // cim-datetime.md: a query does not consider these two equal.
        Assert.NotEqual(P("19980401135809.000000+***"), P("19980401135809.000000+000"));
        Assert.False(P("19980401135809.000000+***") == P("19980401135809.000000+000"));
        Assert.True(P("19980401135809.000000+***") != P("19980401135809.000000-***"));
        Assert.Equal(P("19980401135809.000000+***"), P("19980401135809.000000+***"));
        Assert.Equal(P("19980401135809.000000+***").GetHashCode(), P("19980401135809.000000+***").GetHashCode());
    }

    [Fact]
    public void Equals_SameInstantDifferentOffset_IsFalseButChronologicallyEqual()
    {
        var a = P("20000101120000.000000+060");
        var b = P("20000101110000.000000+000");

        Assert.NotEqual(a, b);
        Assert.True(CimDateTime.TryCompareChronologically(a, b, out var result));
        Assert.Equal(0, result);
        Assert.NotEqual(0, a.CompareTo(b));
        Assert.Equal(Math.Sign(a.CompareTo(b)), -Math.Sign(b.CompareTo(a)));
    }

    [Fact]
    public void CompareTo_Points_ConvertsToUtc()
    {
        // 12:00 at UTC+2 is 10:00Z, earlier than 11:00Z.
        var a = P("20000101120000.000000+120");
        var b = P("20000101110000.000000+000");

        Assert.True(a < b);
        Assert.True(b > a);
        Assert.True(CimDateTime.TryCompareChronologically(a, b, out var result));
        Assert.True(result < 0);
        Assert.True(P("20000101000000.000001+000") > P("20000101000000.000000+000"));
        Assert.True(P("20000101000000.000000-001") > P("20000101000000.000000+000"));
    }

    [Fact]
    public void CompareTo_Intervals_ByDuration()
    {
        Assert.True(P("00000001000000.000000:000") > P("00000000235959.999999:000"));
        Assert.True(CimDateTime.TryCompareChronologically(P("00000000000001.000000:000"), P("00000000000000.999999:000"), out var r));
        Assert.True(r > 0);
        Assert.True(P("00000000000000.000000:000") <= P("00000000000000.000000:000"));
        Assert.True(P("00000000000000.000000:000") >= P("00000000000000.000000:000"));
    }

    [Theory]
    [InlineData("19980416******.000000+***", "19980416120000.000000+000")]
    [InlineData("19980416120000.000000+***", "19980416120000.000000+***")]
    [InlineData("19980416120000.000000+000", "00000001120032.000000:000")]
    [InlineData("19980416120000.123***+000", "19980416120000.123000+000")]
    public void TryCompareChronologically_WildcardsOrMixedKinds_ReturnsFalse(string a, string b)
    {
        Assert.False(CimDateTime.TryCompareChronologically(P(a), P(b), out var result));
        Assert.Equal(0, result);
    }

    [Fact]
    public void CompareTo_Groups_PointsThenIntervalsThenWildcards()
    {
        var point = P("99991231235959.999999+000");
        var interval = P("00000000000000.000000:000");
        var wild = P("0000****000000.000000+000");

        Assert.True(point < interval);
        Assert.True(interval < wild);
        Assert.True(point < wild);
        Assert.True(P("1998****000000.000000+000") < P("1999****000000.000000+000"));
        Assert.Equal(0, wild.CompareTo(P("0000****000000.000000+000")));
    }

    [Fact]
    public void CompareTo_IsConsistentWithEquals_OnSortedSample()
    {
        string[] texts =
        [
            "20000101120000.000000+060", "20000101110000.000000+000", "20000101110000.000000-000",
            "19980416******.000000+***", "00000001120032.000000:000", "00000000000000.000000:000",
            "20000101110000.000000+***", "00000101000000.000000+000", "99991231235959.999999-999",
        ];
        var values = texts.Select(CimDateTime.Parse).ToList();
        values.Sort();

        for (var i = 0; i < values.Count; i++)
        {
            for (var j = 0; j < values.Count; j++)
            {
                var c = values[i].CompareTo(values[j]);
                Assert.Equal(i.CompareTo(j), Math.Sign(c));
                Assert.Equal(c == 0, values[i].Equals(values[j]));
            }
        }
    }
}

using Wmix.Cim;
using static Wmix.Wql.Tests.Ast;

namespace Wmix.Wql.Tests;

/// <summary>The syntactic parts of spec §7 WQL vectors (33–35, 38, 39, 41, 42, 45, 47).</summary>
public sealed class WqlSpecVectorTests
{
    private static WbemErrorEnum ErrorOf(string query, WqlQueryKind kind = WqlQueryKind.Any) =>
        Assert.Throws<WbemException>(() => WqlParser.Parse(query, kind)).ErrorCode;

    [Fact]
    public void Vector33_IsWithNonNull_IsInvalid_IsNullValid()
    {
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM Win32_LogicalDisk WHERE DriveType IS 5"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM Win32_LogicalDisk WHERE FileSystem IS NOT \"NTFS\""));
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM Win32_LogicalDisk WHERE FileSystem IS NULL", WqlQueryKind.Data));
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM Win32_LogicalDisk WHERE FileSystem IS NOT NULL", WqlQueryKind.Data));
    }

    [Fact]
    public void Vector34_WhereClauseRules()
    {
        Assert.Equal(Eq("Name", "cat"), ((WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE Name = 'cat'")).Where);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM C WHERE A = B"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM C WHERE P < (4+7)"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM C WHERE BoolProp <= TRUE"));
        foreach (var valid in new[] { "= TRUE", "!= FALSE", "<> FALSE", "= 1", "= 0", "!= 1" })
        {
            Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM MyClass WHERE BoolProp " + valid));
        }
    }

    [Fact]
    public void Vector35_LikeWildcards()
    {
        Assert.True(WqlLikePattern.Parse("%[_][_]%").IsMatch("__Event"));
        Assert.False(WqlLikePattern.Parse("%[_][_]%").IsMatch("_Event"));
        Assert.True(WqlLikePattern.Parse("a_c").IsMatch("abc"));
        Assert.False(WqlLikePattern.Parse("a_c").IsMatch("ac"));
        Assert.True(WqlLikePattern.Parse("[a-f]%").IsMatch("cat"));
        Assert.False(WqlLikePattern.Parse("[a-f]%").IsMatch("xcat"));
        Assert.False(WqlLikePattern.Parse("[^a-f]%").IsMatch("cat"));
        Assert.True(WqlLikePattern.Parse("[^a-f]%").IsMatch("xcat"));
    }

    [Fact]
    public void Vector38_Join_IsInvalid()
    {
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM A, B"));
    }

    [Fact]
    public void Vector39_AssociatorsKeywordRules()
    {
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("ASSOCIATORS OF {A.K=1} WHERE ResultClass = X ClassDefsOnly"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("ASSOCIATORS OF {A.K=1} WHERE ResultClass = X AND Role = Y"));
        var q = Assert.IsType<WqlAssociatorsQuery>(WqlParser.Parse("ASSOCIATORS OF {A.K=1} WHERE ResultClass = X Role = Y"));
        Assert.Equal(new WqlAssociatorsQuery("A.K=1", resultClass: "X", role: "Y"), q);
    }

    [Fact]
    public void Vector41_NonEventClass_ParsesForTheSemanticCheck()
    {
        // 0x80041059 needs class information; the parser only reports the class name.
        var q = Assert.IsType<WqlEventQuery>(WqlParser.Parse("SELECT * FROM Win32_Process", WqlQueryKind.Event));
        Assert.Equal("Win32_Process", q.EventClassName);
    }

    [Fact]
    public void Vector42_WithinAccepted_GroupByWithoutWithinRejected()
    {
        var q = Assert.IsType<WqlEventQuery>(WqlParser.Parse(
            "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA \"PolledOnly\"", WqlQueryKind.Event));
        Assert.Equal(TimeSpan.FromSeconds(1), q.Within);
        var noWithin = Assert.IsType<WqlEventQuery>(WqlParser.Parse(
            "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"PolledOnly\"", WqlQueryKind.Event));
        Assert.Null(noWithin.Within);
        Assert.Equal(WbemErrorEnum.wbemErrMissingGroupWithin, ErrorOf("SELECT * FROM E GROUP BY X", WqlQueryKind.Event));
    }

    [Fact]
    public void Vector45_GroupWithinHavingAndBy()
    {
        var q = Assert.IsType<WqlEventQuery>(WqlParser.Parse("SELECT * FROM E GROUP WITHIN 3 HAVING NumberOfEvents > 5", WqlQueryKind.Event));
        Assert.Equal(new WqlEventQuery(null, "E", groupWithin: TimeSpan.FromSeconds(3), having: new WqlHaving(WqlComparisonOperator.Greater, 5)), q);
        Assert.False(q.Having!.IsSatisfiedBy(4));
        Assert.True(q.Having.IsSatisfiedBy(6));
        var by = Assert.IsType<WqlEventQuery>(WqlParser.Parse("SELECT * FROM E GROUP WITHIN 3 BY Sender HAVING NumberOfEvents > 5", WqlQueryKind.Event));
        Assert.Equal([P("Sender")], by.GroupBy!);
    }

    [Fact]
    public void Vector47_StarredDatetime_OnlyWithEquality()
    {
        var q = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE P = \"19980401135809.000000+***\"");
        Assert.Equal(Eq("P", "19980401135809.000000+***"), q.Where);
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM C WHERE P <> \"19980416******.000000+***\""));
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM C WHERE P != \"19980416******.000000+***\""));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM C WHERE P < \"19980416******.000000+***\""));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, ErrorOf("SELECT * FROM C WHERE P >= \"19980401135809.000000:***\""));
        // Without '*' the same shape is an ordinary datetime and may be ordered.
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM C WHERE P < \"19980401135809.000000+000\""));
    }
}

using CsCheck;

namespace Wmix.Wql.Tests;

public sealed class WqlRoundTripTests
{
    [Fact]
    public void ToWql_GeneratedQuery_ReparsesToEqualAst()
    {
        WqlGen.Query.Sample(query =>
        {
            var text = query.ToWql();
            var parsed = WqlParser.Parse(text, WqlGen.KindOf(query));
            Assert.Equal(query, parsed);
            Assert.Equal(query.GetHashCode(), parsed.GetHashCode());
            Assert.Equal(text, parsed.Text);
        }, iter: 20_000, print: q => q.ToWql());
    }

    [Fact]
    public void ToWql_ParsedCanonicalText_IsStable()
    {
        WqlGen.Query.Sample(query =>
        {
            var kind = WqlGen.KindOf(query);
            var once = WqlParser.Parse(query.ToWql(), kind).ToWql();
            var twice = WqlParser.Parse(once, kind).ToWql();
            Assert.Equal(once, twice);
        }, iter: 10_000, print: q => q.ToWql());
    }

    [Fact]
    public void ToWql_GeneratedCondition_ReparsesToEqualExpression()
    {
        WqlGen.Condition.Sample(condition =>
        {
            var parsed = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE " + condition.ToWql());
            Assert.Equal(condition, parsed.Where);
        }, iter: 20_000, print: c => c.ToWql());
    }

    [Fact]
    public void ToWql_GeneratedLiteral_ReparsesToEqualLiteral()
    {
        WqlGen.Literal.Sample(literal =>
        {
            var parsed = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE P = " + literal.ToWql());
            var comparison = Assert.IsType<WqlComparison>(parsed.Where);
            Assert.Equal(literal, comparison.Value);
        }, iter: 20_000);
    }

    [Fact]
    public void ToWql_DataQuery_IsCanonical()
    {
        var q = WqlParser.Parse("select name,  TargetInstance.Handle from Win32_Process where 5 < x and (a = 'it\"s' or not b like \"x%\") and c != TRUE and d is not null");
        Assert.Equal(
            "SELECT name, TargetInstance.Handle FROM Win32_Process WHERE x > 5 AND (a = \"it\\\"s\" OR NOT b LIKE \"x%\") AND c <> TRUE AND d IS NOT NULL",
            q.ToWql());
    }

    [Fact]
    public void ToWql_RightNestedAnd_KeepsParentheses()
    {
        var e = new WqlAnd(Ast.Eq("A", 1), new WqlAnd(Ast.Eq("B", 2), Ast.Eq("C", 3)));
        Assert.Equal("A = 1 AND (B = 2 AND C = 3)", e.ToWql());
        Assert.Equal("NOT (A = 1 OR B = 2)", new WqlNot(new WqlOr(Ast.Eq("A", 1), Ast.Eq("B", 2))).ToWql());
    }

    [Fact]
    public void ToWql_EventQuery_IsCanonical()
    {
        var q = WqlParser.Parse("select * from __InstanceModificationEvent within 0.25 where TargetInstance isa 'C' group within 60 by TargetInstance.Name having numberofevents != 3");
        Assert.Equal(
            "SELECT * FROM __InstanceModificationEvent WITHIN 0.25 WHERE TargetInstance ISA \"C\" GROUP WITHIN 60 BY TargetInstance.Name HAVING NumberOfEvents <> 3",
            q.ToWql());
    }

    [Fact]
    public void ToWql_Associations_AreCanonical()
    {
        Assert.Equal(
            "ASSOCIATORS OF {A.K=1} WHERE AssocClass = X RequiredQualifier = Q ResultClass = R Role = Y KeysOnly",
            WqlParser.Parse("associators of { A.K=1 } where role = Y resultclass = R keysonly assocclass = X requiredqualifier = Q").ToWql());
        Assert.Equal("REFERENCES OF {C} WHERE ClassDefsOnly",
            WqlParser.Parse("REFERENCES OF {C} WHERE classdefsonly").ToWql());
        Assert.Equal("ASSOCIATORS OF {A}", WqlParser.Parse("ASSOCIATORS OF {A}").ToWql());
    }

    [Fact]
    public void ToWql_RealWithoutFraction_StaysReal()
    {
        Assert.Equal("P = 100.0", new WqlComparison(Ast.P("P"), WqlComparisonOperator.Equal, WqlLiteral.FromDouble(100)).ToWql());
        Assert.Equal("P = 1E+23", new WqlComparison(Ast.P("P"), WqlComparisonOperator.Equal, WqlLiteral.FromDouble(1e23)).ToWql());
    }

    [Fact]
    public void Constructors_InvalidCombinations_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new WqlPropertyPath("Not"));
        Assert.Throws<ArgumentException>(() => new WqlPropertyPath("1a"));
        Assert.Throws<ArgumentException>(() => new WqlPropertyPath());
        Assert.Throws<ArgumentException>(() => new WqlComparison(Ast.P("B"), WqlComparisonOperator.Less, WqlLiteral.True));
        Assert.Throws<ArgumentException>(() => new WqlComparison(Ast.P("B"), WqlComparisonOperator.Equal, WqlLiteral.Null));
        Assert.Throws<ArgumentException>(() => new WqlLike(Ast.P("B"), "[a"));
        Assert.Throws<ArgumentException>(() => new WqlSelectQuery([Ast.P("Name")], "meta_class"));
        Assert.Throws<ArgumentException>(() => new WqlSelectQuery([], "C"));
        Assert.Throws<ArgumentException>(() => new WqlEventQuery(null, "E", groupBy: [Ast.P("X")]));
        Assert.Throws<ArgumentException>(() => new WqlEventQuery(null, "E", groupWithin: TimeSpan.FromSeconds(1), groupBy: []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WqlEventQuery(null, "E", within: TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WqlEventQuery(null, "E", groupWithin: TimeSpan.FromSeconds(1.5)));
        Assert.Throws<ArgumentException>(() => new WqlAssociatorsQuery("A", resultClass: "X", classDefsOnly: true));
        Assert.Throws<ArgumentException>(() => new WqlReferencesQuery("A", classDefsOnly: true, schemaOnly: true));
        Assert.Throws<ArgumentException>(() => new WqlAssociatorsQuery("A}"));
        Assert.Throws<ArgumentException>(() => new WqlAssociatorsQuery(" A"));
        Assert.Throws<ArgumentOutOfRangeException>(() => WqlLiteral.FromDouble(double.NaN));
    }

    [Fact]
    public void ToWql_LongestWithin_RoundTrips()
    {
        var q = new WqlEventQuery(null, "E", within: TimeSpan.MaxValue);
        Assert.Equal("SELECT * FROM E WITHIN 922337203685.4775807", q.ToWql());
        Assert.Equal(q, WqlParser.Parse(q.ToWql()));
        Assert.Equal(
            WbemErrorEnum.wbemErrInvalidQuery,
            Assert.Throws<WbemException>(() => WqlParser.Parse("SELECT * FROM E WITHIN 922337203685.4775808")).ErrorCode);
    }

    [Fact]
    public void Text_OfBuiltQuery_IsItsCanonicalForm()
    {
        var q = new WqlSelectQuery(null, "C", Ast.Eq("P", 1));
        Assert.Equal("SELECT * FROM C WHERE P = 1", q.Text);
    }
}

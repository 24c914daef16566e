using Wmix.Cim;
using static Wmix.Wql.Tests.Evaluation.EvalSchema;
using static Wmix.Wql.Tests.Evaluation.WqlPredicateTests;

namespace Wmix.Wql.Tests.Evaluation;

public sealed class WqlQueryAnalysisTests
{
    [Theory]
    [InlineData("__CLASS = 'Base'", "Base")]
    [InlineData("'Base' = __class", "Base")]
    [InlineData("Size = 1 AND __CLASS = 'Base'", "Base")]
    [InlineData("__CLASS = 'A' OR __CLASS = 'b' OR __Class = 'a'", "A,b")]
    [InlineData("(__CLASS = 'A' OR __CLASS = 'B') AND __CLASS = 'b'", "B")]
    [InlineData("__CLASS = 'A' AND __CLASS = 'B'", "")]
    [InlineData("Size = 1 AND (X = 2 AND __CLASS = 'C')", "C")]
    public void GetClassRestriction_Conjuncts_Names(string condition, string expected) =>
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries),
            WqlQueryAnalysis.GetClassRestriction(Where(condition)));

    [Theory]
    [InlineData("Size = 1")]
    [InlineData("__CLASS = 'A' OR Size = 1")]
    [InlineData("NOT __CLASS = 'A'")]
    [InlineData("__CLASS <> 'A'")]
    [InlineData("__CLASS LIKE 'A%'")]
    [InlineData("Emb.__CLASS = 'A'")]
    [InlineData("__CLASS = 5")]
    public void GetClassRestriction_Unrestricted_Null(string condition) =>
        Assert.Null(WqlQueryAnalysis.GetClassRestriction(Where(condition)));

    [Fact]
    public void GetClassRestriction_NoWhere_Null() => Assert.Null(WqlQueryAnalysis.GetClassRestriction(null));

    [Theory]
    [InlineData("ProcessId = 42", 42L)]
    [InlineData("Name = 'x' AND processid = 42", 42L)]
    [InlineData("42 = ProcessId AND Priority > 3", 42L)]
    [InlineData("ProcessId = '42'", "42")]
    [InlineData("ProcessId = 18446744073709551615", 18446744073709551615UL)]
    [InlineData("ProcessId = 1.5", 1.5)]
    [InlineData("ProcessId = TRUE", true)]
    public void TryGetKeyEquality_TopLevelEquality_Value(string condition, object expected)
    {
        Assert.True(WqlQueryAnalysis.TryGetKeyEquality(Where(condition), "ProcessId", out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("ProcessId > 42")]
    [InlineData("ProcessId <> 42")]
    [InlineData("ProcessId = 42 OR Name = 'x'")]
    [InlineData("NOT ProcessId = 42")]
    [InlineData("TargetInstance.ProcessId = 42")]
    [InlineData("ProcessId IS NULL")]
    [InlineData("Name = 'x'")]
    public void TryGetKeyEquality_NotAPushableEquality_False(string condition) =>
        Assert.False(WqlQueryAnalysis.TryGetKeyEquality(Where(condition), "ProcessId", out _));

    [Theory]
    [InlineData("TargetInstance ISA 'Win32_Process'", "Win32_Process")]
    [InlineData("TargetInstance.Name = 'x' AND targetinstance ISA 'A'", "A")]
    [InlineData("TargetInstance ISA 'A' OR TargetInstance ISA 'B'", "A,B")]
    [InlineData("(TargetInstance ISA 'A' OR TargetInstance ISA 'B') AND TargetInstance ISA 'C'", "A,B")]
    public void GetIsaTargets_Conjuncts_Names(string condition, string expected) =>
        Assert.Equal(expected.Split(','), WqlQueryAnalysis.GetIsaTargets(Where(condition), "TargetInstance"));

    [Theory]
    [InlineData("TargetInstance ISA 'A' OR Size = 1")]
    [InlineData("NOT TargetInstance ISA 'A'")]
    [InlineData("PreviousInstance ISA 'A'")]
    [InlineData("TargetInstance.Emb ISA 'A'")]
    public void GetIsaTargets_NoRequiredIsa_Null(string condition) =>
        Assert.Null(WqlQueryAnalysis.GetIsaTargets(Where(condition), "TargetInstance"));

    [Fact]
    public void Helpers_AgreeWithEvaluation_NecessaryConditions()
    {
        var where = Where("TargetInstance ISA 'Base' AND __CLASS = '__InstanceCreationEvent' AND TIME_CREATED = 7");
        var predicate = WqlPredicate.Compile(where, Event);
        var match = New(Event, ("TargetInstance", New(Derived)), ("TIME_CREATED", 7UL));
        Assert.True(predicate.Evaluate(match));
        Assert.Contains(match.ClassName, WqlQueryAnalysis.GetClassRestriction(where)!);
        Assert.Contains(WqlQueryAnalysis.GetIsaTargets(where, "TargetInstance")!, c => ((CimObject)match["TargetInstance"]!).IsA(c));
        Assert.True(WqlQueryAnalysis.TryGetKeyEquality(where, "TIME_CREATED", out var t));
        Assert.Equal(7L, t);
    }

    private static WqlEventQuery EventQuery(string text) => (WqlEventQuery)WqlParser.Parse(text, WqlQueryKind.Event);

    [Theory]
    [InlineData("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Base' AND TargetInstance.Size > 2")]
    [InlineData("SELECT TargetInstance.Name, TIME_CREATED FROM __InstanceCreationEvent WHERE Sender = 'x'")]
    [InlineData("SELECT * FROM __InstanceCreationEvent GROUP WITHIN 10 BY TargetInstance.Name, Sender HAVING NumberOfEvents > 5")]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance.Anything.Deeper = 1 AND __CLASS = 'x'")]
    public void ValidateEventQuery_Valid_NoThrow(string text) =>
        WqlQueryAnalysis.ValidateEventQuery(EventQuery(text), Event);

    [Theory]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE Sender.Name = 'x'", WbemErrorEnum.wbemErrPropertyNotAnObject)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE TIME_CREATED.X = 1", WbemErrorEnum.wbemErrPropertyNotAnObject)]
    [InlineData("SELECT Sender.X FROM __InstanceCreationEvent", WbemErrorEnum.wbemErrPropertyNotAnObject)]
    [InlineData("SELECT * FROM __InstanceCreationEvent GROUP WITHIN 10 BY Sender.X", WbemErrorEnum.wbemErrPropertyNotAnObject)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE __CLASS.X = 1", WbemErrorEnum.wbemErrPropertyNotAnObject)]
    [InlineData("SELECT * FROM __InstanceCreationEvent GROUP WITHIN 10 BY TargetInstance", WbemErrorEnum.wbemErrAggregatingByObject)]
    [InlineData("SELECT * FROM __InstanceCreationEvent GROUP WITHIN 10 BY Sender, PreviousInstance", WbemErrorEnum.wbemErrAggregatingByObject)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance = 'x'", WbemErrorEnum.wbemErrInvalidOperator)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE TIME_CREATED LIKE '1%'", WbemErrorEnum.wbemErrInvalidOperator)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE Sender ISA 'Base'", WbemErrorEnum.wbemErrInvalidOperator)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE NoSuch = 1", WbemErrorEnum.wbemErrInvalidQuery)]
    [InlineData("SELECT NoSuch FROM __InstanceCreationEvent", WbemErrorEnum.wbemErrInvalidQuery)]
    [InlineData("SELECT * FROM __InstanceCreationEvent GROUP WITHIN 10 BY NoSuch", WbemErrorEnum.wbemErrInvalidQuery)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE TIME_CREATED = 'soon'", WbemErrorEnum.wbemErrInvalidQuery)]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE Tags = 'x'", WbemErrorEnum.wbemErrInvalidQuery)]
    public void ValidateEventQuery_Invalid_EventCodes(string text, WbemErrorEnum expected) =>
        Assert.Equal(expected, Assert.Throws<WbemException>(() => WqlQueryAnalysis.ValidateEventQuery(EventQuery(text), Event)).ErrorCode);
}

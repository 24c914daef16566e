namespace Wmix.Wql;

/// <summary>The HAVING clause of a grouped event query: <c>HAVING NumberOfEvents &lt;op&gt; &lt;value&gt;</c>.</summary>
/// <param name="Operator">The relational operator applied to <c>NumberOfEvents</c>.</param>
/// <param name="Value">The unsigned 32-bit event count compared with.</param>
public sealed record WqlHaving(WqlComparisonOperator Operator, uint Value)
{
    /// <summary>True when a group of <paramref name="numberOfEvents"/> events passes the clause.</summary>
    public bool IsSatisfiedBy(uint numberOfEvents) => Operator switch
    {
        WqlComparisonOperator.Equal => numberOfEvents == Value,
        WqlComparisonOperator.NotEqual => numberOfEvents != Value,
        WqlComparisonOperator.Less => numberOfEvents < Value,
        WqlComparisonOperator.LessOrEqual => numberOfEvents <= Value,
        WqlComparisonOperator.Greater => numberOfEvents > Value,
        WqlComparisonOperator.GreaterOrEqual => numberOfEvents >= Value,
        _ => false,
    };

    /// <summary>The clause in canonical WQL, e.g. <c>HAVING NumberOfEvents &gt; 5</c>.</summary>
    public override string ToString() =>
        "HAVING NumberOfEvents " + Operator.ToWql() + " " + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

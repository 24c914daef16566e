namespace Wmix.Wql;

/// <summary>A WQL relational operator. <c>&lt;&gt;</c> and <c>!=</c> are both <see cref="NotEqual"/>.</summary>
public enum WqlComparisonOperator
{
    /// <summary><c>=</c></summary>
    Equal,

    /// <summary><c>&lt;&gt;</c> or <c>!=</c></summary>
    NotEqual,

    /// <summary><c>&lt;</c></summary>
    Less,

    /// <summary><c>&lt;=</c></summary>
    LessOrEqual,

    /// <summary><c>&gt;</c></summary>
    Greater,

    /// <summary><c>&gt;=</c></summary>
    GreaterOrEqual,
}

/// <summary>Helpers for <see cref="WqlComparisonOperator"/>.</summary>
public static class WqlComparisonOperatorExtensions
{
    /// <summary>
    /// The operator that keeps the meaning when both sides swap (<c>5 &lt; P</c> is <c>P &gt; 5</c>):
    /// &lt; and &gt; exchange, as do &lt;= and &gt;=; = and &lt;&gt; stay.
    /// </summary>
    public static WqlComparisonOperator Swap(this WqlComparisonOperator op) => op switch
    {
        WqlComparisonOperator.Less => WqlComparisonOperator.Greater,
        WqlComparisonOperator.LessOrEqual => WqlComparisonOperator.GreaterOrEqual,
        WqlComparisonOperator.Greater => WqlComparisonOperator.Less,
        WqlComparisonOperator.GreaterOrEqual => WqlComparisonOperator.LessOrEqual,
        _ => op,
    };

    /// <summary>The canonical WQL spelling: <c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>.</summary>
    public static string ToWql(this WqlComparisonOperator op) => op switch
    {
        WqlComparisonOperator.Equal => "=",
        WqlComparisonOperator.NotEqual => "<>",
        WqlComparisonOperator.Less => "<",
        WqlComparisonOperator.LessOrEqual => "<=",
        WqlComparisonOperator.Greater => ">",
        WqlComparisonOperator.GreaterOrEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a WQL comparison operator."),
    };
}

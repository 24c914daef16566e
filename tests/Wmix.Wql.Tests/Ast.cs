namespace Wmix.Wql.Tests;

/// <summary>Short builders for expected ASTs.</summary>
internal static class Ast
{
    public static WqlPropertyPath P(string dotted) => new(dotted.Split('.'));

    public static WqlComparison Cmp(string prop, WqlComparisonOperator op, WqlLiteral value) => new(P(prop), op, value);

    public static WqlComparison Eq(string prop, string value) => Cmp(prop, WqlComparisonOperator.Equal, WqlLiteral.FromString(value));

    public static WqlComparison Eq(string prop, long value) => Cmp(prop, WqlComparisonOperator.Equal, WqlLiteral.FromInt64(value));

    public static WqlLiteral S(string value) => WqlLiteral.FromString(value);

    public static WqlLiteral I(long value) => WqlLiteral.FromInt64(value);
}

using System.Globalization;
using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Events;

/// <summary>
/// The one seam through which event subscriptions compile their WHERE clause into a test over event objects.
/// </summary>
/// <remarks>
/// Interim evaluator, to be replaced by <c>Wmix.Wql.WqlPredicate</c> when it lands on main (the call sites use only
/// <see cref="Compile"/>). It follows WQL's rules where event queries need them: names and strings compare
/// case-insensitively, ISA accepts the class and its subclasses (also classes defined later, since it reads the
/// object's own derivation), a missing property or a path through a missing embedded object is false (no error),
/// NULL compares false except through IS [NOT] NULL, TRUE and FALSE equal 1 (or -1) and 0.
/// </remarks>
internal static class EventPredicate
{
    /// <summary>The compiled condition, or null when there is none (every event passes).</summary>
    public static Func<CimObject, bool>? Compile(WqlExpression? where, CimClass eventClass)
    {
        ArgumentNullException.ThrowIfNull(eventClass);
        return where is null ? null : Build(where);
    }

    private static Func<CimObject, bool> Build(WqlExpression expression)
    {
        switch (expression)
        {
            case WqlAnd and:
                {
                    var left = Build(and.Left);
                    var right = Build(and.Right);
                    return o => left(o) && right(o);
                }
            case WqlOr or:
                {
                    var left = Build(or.Left);
                    var right = Build(or.Right);
                    return o => left(o) || right(o);
                }
            case WqlNot not:
                {
                    var operand = Build(not.Operand);
                    return o => !operand(o);
                }
            case WqlIsa isa:
                {
                    var parts = isa.Property.Parts;
                    var className = isa.ClassName;
                    return o => o.TryGetValueByPath(parts, out var v) && v is CimObject embedded && embedded.IsA(className);
                }
            case WqlIsNull isNull:
                {
                    var parts = isNull.Property.Parts;
                    var negated = isNull.Negated;
                    return o => (o.TryGetValueByPath(parts, out var v) && v is not null) == negated;
                }
            case WqlLike like:
                {
                    var parts = like.Property.Parts;
                    var matcher = like.Matcher;
                    return o => o.TryGetValueByPath(parts, out var v) && v is string s && matcher.IsMatch(s);
                }
            case WqlComparison comparison:
                {
                    var parts = comparison.Property.Parts;
                    var op = comparison.Operator;
                    var literal = comparison.Value;
                    return o => o.TryGetValueByPath(parts, out var v) && v is not null && Compare(v, op, literal);
                }
            default:
                throw new NotSupportedException($"Unknown WQL condition node {expression.GetType().Name}.");
        }
    }

    private static bool Compare(object value, WqlComparisonOperator op, WqlLiteral literal)
    {
        int? order = value switch
        {
            string s when literal.Kind == WqlLiteralKind.String => string.Compare(s, literal.AsString(), StringComparison.OrdinalIgnoreCase),
            string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && literal.Kind != WqlLiteralKind.Boolean
                ? d.CompareTo(literal.AsDouble()) : null,
            bool b => literal.Kind switch
            {
                WqlLiteralKind.Boolean => b == (bool)literal.Value! ? 0 : 1,
                WqlLiteralKind.Integer => (b ? (long)literal.Value! is 1 or -1 : (long)literal.Value! == 0) ? 0 : 1,
                _ => null,
            },
            CimObject => null,
            Array => null,
            char c when literal.Kind == WqlLiteralKind.String => string.Compare(c.ToString(), literal.AsString(), StringComparison.OrdinalIgnoreCase),
            IConvertible when literal.Kind is WqlLiteralKind.Integer or WqlLiteralKind.UnsignedInteger or WqlLiteralKind.Real or WqlLiteralKind.Boolean
                => CompareNumbers(value, literal),
            IConvertible when literal.Kind == WqlLiteralKind.String
                && double.TryParse(literal.AsString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var l)
                => Convert.ToDouble(value, CultureInfo.InvariantCulture).CompareTo(l),
            _ => null,
        };
        if (order is not { } c2)
        {
            return false;
        }
        return op switch
        {
            WqlComparisonOperator.Equal => c2 == 0,
            WqlComparisonOperator.NotEqual => c2 != 0,
            WqlComparisonOperator.Less => c2 < 0,
            WqlComparisonOperator.LessOrEqual => c2 <= 0,
            WqlComparisonOperator.Greater => c2 > 0,
            WqlComparisonOperator.GreaterOrEqual => c2 >= 0,
            _ => false,
        };
    }

    private static int CompareNumbers(object value, WqlLiteral literal)
    {
        if (value is float or double || literal.Kind == WqlLiteralKind.Real)
        {
            return Convert.ToDouble(value, CultureInfo.InvariantCulture).CompareTo(literal.AsDouble());
        }
        var left = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
        var right = literal.Value switch
        {
            long l => l,
            ulong u => u,
            bool b => b ? 1m : 0m,
            _ => (decimal)literal.AsDouble(),
        };
        return left.CompareTo(right);
    }
}

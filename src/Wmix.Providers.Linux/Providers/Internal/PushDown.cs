using Wmix.Wql;

namespace Wmix.Providers.Linux.Providers.Internal;

/// <summary>
/// WHERE push-down: the values a property must take for a row to pass, when the condition says so. The engine still
/// applies the whole WHERE clause to what a provider returns, so push-down only has to be safe (never drop a row
/// that could match), not exact.
/// </summary>
internal static class PushDown
{
    /// <summary>
    /// The literal values <paramref name="property"/> is restricted to by <paramref name="where"/> (<c>P = v</c>,
    /// <c>P = a OR P = b</c>, either inside an AND), or null when the condition does not restrict it.
    /// </summary>
    public static IReadOnlyList<object>? EqualityValues(WqlExpression? where, string property)
    {
        switch (where)
        {
            case WqlComparison c when c.Operator == WqlComparisonOperator.Equal && !c.Property.IsNested
                && string.Equals(c.Property.LeafName, property, StringComparison.OrdinalIgnoreCase) && c.Value.Value is { } v:
                return [v];
            case WqlAnd and:
                {
                    var left = EqualityValues(and.Left, property);
                    var right = EqualityValues(and.Right, property);
                    return left is null ? right : right is null ? left : left.Count <= right.Count ? left : right;
                }
            case WqlOr or:
                {
                    var left = EqualityValues(or.Left, property);
                    if (left is null)
                    {
                        return null;
                    }
                    var right = EqualityValues(or.Right, property);
                    return right is null ? null : [.. left, .. right];
                }
            default:
                return null;
        }
    }

    /// <summary>The values as integers, or null when the property is unrestricted; values that are not integers are dropped (they match nothing).</summary>
    public static IReadOnlyList<long>? IntegerValues(WqlExpression? where, string property)
    {
        var values = EqualityValues(where, property);
        if (values is null)
        {
            return null;
        }
        var result = new List<long>(values.Count);
        foreach (var v in values)
        {
            switch (v)
            {
                case long l:
                    result.Add(l);
                    break;
                case ulong u when u <= long.MaxValue:
                    result.Add((long)u);
                    break;
                case string s when long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                    result.Add(parsed);
                    break;
                case double d when d == Math.Floor(d) && Math.Abs(d) < 1e15:
                    result.Add((long)d);
                    break;
            }
        }
        return result;
    }

    /// <summary>The values as strings (numbers formatted invariantly), or null when unrestricted.</summary>
    public static IReadOnlyList<string>? StringValues(WqlExpression? where, string property) =>
        EqualityValues(where, property)?.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
}

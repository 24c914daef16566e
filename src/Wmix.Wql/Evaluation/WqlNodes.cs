using Wmix.Cim;

namespace Wmix.Wql.Evaluation;

/// <summary>
/// A compiled condition. NOT has been pushed down to the leaves (De Morgan), so every node answers a two-valued
/// question: "is the (possibly negated) condition TRUE?". A leaf whose comparison is UNKNOWN (NULL value, missing
/// property, incomparable types) answers false both plain and negated, which is SQL's three-valued logic.
/// </summary>
internal abstract class WqlNode
{
    public abstract bool Evaluate(CimObject obj);
}

/// <summary>Always true (no WHERE).</summary>
internal sealed class WqlTrueNode : WqlNode
{
    public static readonly WqlTrueNode Instance = new();

    public override bool Evaluate(CimObject obj) => true;
}

/// <summary>A flattened AND chain; stops at the first false child.</summary>
internal sealed class WqlAndNode(WqlNode[] children) : WqlNode
{
    public override bool Evaluate(CimObject obj)
    {
        foreach (var child in children)
        {
            if (!child.Evaluate(obj))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>A flattened OR chain; stops at the first true child.</summary>
internal sealed class WqlOrNode(WqlNode[] children) : WqlNode
{
    public override bool Evaluate(CimObject obj)
    {
        foreach (var child in children)
        {
            if (child.Evaluate(obj))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary><c>Property op constant</c>, any type.</summary>
internal sealed class WqlComparisonNode(WqlAccessor accessor, WqlComparisonOperator op, WqlConstant constant, bool negated) : WqlNode
{
    private readonly bool _ordering = op is not (WqlComparisonOperator.Equal or WqlComparisonOperator.NotEqual);

    public override bool Evaluate(CimObject obj)
    {
        if (!accessor.TryGet(obj, out var value, out var type) || value is null ||
            !WqlValueComparer.TryCompare(value, type, constant, _ordering, out var c))
        {
            return false;
        }
        return Apply(op, c) != negated;
    }

    public static bool Apply(WqlComparisonOperator op, int c) => op switch
    {
        WqlComparisonOperator.Equal => c == 0,
        WqlComparisonOperator.NotEqual => c != 0,
        WqlComparisonOperator.Less => c < 0,
        WqlComparisonOperator.LessOrEqual => c <= 0,
        WqlComparisonOperator.Greater => c > 0,
        _ => c >= 0,
    };
}

/// <summary><c>StringProperty = "text"</c> / <c>&lt;&gt;</c> on a declared string property: the hottest case.</summary>
/// <remarks>An object of another class whose property has another type takes the general path.</remarks>
internal sealed class WqlStringEqualityNode(WqlAccessor accessor, WqlConstant constant, bool equal) : WqlNode
{
    private readonly string _text = constant.Text!;

    public override bool Evaluate(CimObject obj)
    {
        if (!accessor.TryGet(obj, out var value, out var type) || value is null)
        {
            return false;
        }
        if (value is string s && type == CimType.String)
        {
            return string.Equals(s, _text, StringComparison.OrdinalIgnoreCase) == equal;
        }
        return WqlValueComparer.TryCompare(value, type, constant, ordering: false, out var c) && (c == 0) == equal;
    }
}

/// <summary>Any operator on a declared integer property against a numeric constant, without the type switch.</summary>
internal sealed class WqlIntegerComparisonNode(WqlAccessor accessor, WqlComparisonOperator op, WqlConstant constant, bool negated) : WqlNode
{
    private readonly bool _ordering = op is not (WqlComparisonOperator.Equal or WqlComparisonOperator.NotEqual);

    public override bool Evaluate(CimObject obj)
    {
        if (!accessor.TryGet(obj, out var value, out var type) || value is null)
        {
            return false;
        }
        // A value that is no integer is another class's property of the same name and another type: it is
        // compared by its own type.
        var comparable = WqlValueComparer.TryGetInteger(value, out var integer)
            ? WqlValueComparer.CompareInteger(integer, constant, out var c)
            : WqlValueComparer.TryCompare(value, type, constant, _ordering, out c);
        if (!comparable)
        {
            return false;
        }
        return WqlComparisonNode.Apply(op, c) != negated;
    }
}

/// <summary><c>Property IS [NOT] NULL</c>.</summary>
internal sealed class WqlIsNullNode(WqlAccessor accessor, bool wantNull) : WqlNode
{
    public override bool Evaluate(CimObject obj) =>
        accessor.TryGet(obj, out var value, out _) && (value is null) == wantNull;
}

/// <summary>
/// <c>Property ISA "Class"</c>: an embedded object (or <c>__this</c>) of the class or a subclass; a reference whose
/// path names exactly that class (the hierarchy of a referenced class is not known here).
/// </summary>
internal sealed class WqlIsaNode(WqlAccessor accessor, string className, bool negated) : WqlNode
{
    public override bool Evaluate(CimObject obj)
    {
        if (!accessor.TryGet(obj, out var value, out var type) || value is null)
        {
            return false;
        }
        if (value is CimObject embedded)
        {
            return embedded.IsA(className) != negated;
        }
        if (value is string path && type is CimType.Reference or CimType.None &&
            CimObjectPath.TryParseReference(path, out var parsed))
        {
            return CimNames.AreEqual(parsed.ClassName, className) != negated;
        }
        return false;
    }
}

/// <summary><c>Property LIKE "pattern"</c> on text (strings, datetimes, references, char16).</summary>
internal sealed class WqlLikeNode(WqlAccessor accessor, WqlLikePattern pattern, bool negated) : WqlNode
{
    public override bool Evaluate(CimObject obj)
    {
        if (!accessor.TryGet(obj, out var value, out _))
        {
            return false;
        }
        return value switch
        {
            string s => pattern.IsMatch(s) != negated,
            char c => pattern.IsMatch(new ReadOnlySpan<char>(in c)) != negated,
            _ => false,
        };
    }
}

using Wmix.Wql.Internal;

namespace Wmix.Wql;

/// <summary>
/// A node of a WHERE condition. Nodes are immutable and compare structurally; predicates always have the property on
/// the left and a typed constant on the right, so an evaluator can compile a tree once without re-inspecting text.
/// </summary>
public abstract record WqlExpression
{
    private protected WqlExpression()
    {
    }

    /// <summary>The condition in canonical WQL (as it would appear after WHERE).</summary>
    public string ToWql() => WqlFormatter.Format(this);

    /// <summary>Same as <see cref="ToWql"/>.</summary>
    public sealed override string ToString() => ToWql();
}

/// <summary><c>Left AND Right</c>.</summary>
public sealed record WqlAnd : WqlExpression
{
    /// <summary>Creates <c>left AND right</c>.</summary>
    public WqlAnd(WqlExpression left, WqlExpression right)
    {
        Left = left ?? throw new ArgumentNullException(nameof(left));
        Right = right ?? throw new ArgumentNullException(nameof(right));
    }

    /// <summary>The left operand.</summary>
    public WqlExpression Left { get; }

    /// <summary>The right operand.</summary>
    public WqlExpression Right { get; }
}

/// <summary><c>Left OR Right</c>.</summary>
public sealed record WqlOr : WqlExpression
{
    /// <summary>Creates <c>left OR right</c>.</summary>
    public WqlOr(WqlExpression left, WqlExpression right)
    {
        Left = left ?? throw new ArgumentNullException(nameof(left));
        Right = right ?? throw new ArgumentNullException(nameof(right));
    }

    /// <summary>The left operand.</summary>
    public WqlExpression Left { get; }

    /// <summary>The right operand.</summary>
    public WqlExpression Right { get; }
}

/// <summary><c>NOT Operand</c>; also the form of <c>P NOT LIKE "x"</c>.</summary>
public sealed record WqlNot : WqlExpression
{
    /// <summary>Creates <c>NOT operand</c>.</summary>
    public WqlNot(WqlExpression operand) => Operand = operand ?? throw new ArgumentNullException(nameof(operand));

    /// <summary>The negated condition.</summary>
    public WqlExpression Operand { get; }
}

/// <summary>
/// <c>Property Op Value</c>. Written <c>const op prop</c> in the text, it is stored swapped (<c>5 &lt; P</c> becomes
/// <c>P &gt; 5</c>). <c>P = NULL</c> and <c>P &lt;&gt; NULL</c> are stored as <see cref="WqlIsNull"/> instead.
/// </summary>
public sealed record WqlComparison : WqlExpression
{
    /// <summary>Creates <c>property op value</c>.</summary>
    /// <exception cref="ArgumentException">
    /// The value is NULL (use <see cref="WqlIsNull"/>), or an ordering operator (&lt; &lt;= &gt; &gt;=) is applied to
    /// a boolean or to a DMTF datetime string with <c>*</c> fields — the combinations the parser rejects.
    /// </exception>
    public WqlComparison(WqlPropertyPath property, WqlComparisonOperator op, WqlLiteral value)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(value);
        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "Not a WQL comparison operator.");
        }
        var problem = Problem(op, value);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(value));
        }
        Property = property;
        Operator = op;
        Value = value;
    }

    /// <summary>The property on the left.</summary>
    public WqlPropertyPath Property { get; }

    /// <summary>The operator, already swapped when the text had the constant first.</summary>
    public WqlComparisonOperator Operator { get; }

    /// <summary>The typed constant on the right.</summary>
    public WqlLiteral Value { get; }

    /// <summary>Why <paramref name="op"/> cannot take <paramref name="value"/>, or null when it can.</summary>
    internal static string? Problem(WqlComparisonOperator op, WqlLiteral value)
    {
        if (value.Kind == WqlLiteralKind.Null)
        {
            return WqlSyntax.IsOrdering(op)
                ? "NULL can only be tested with IS [NOT] NULL, = or <>."
                : "P = NULL is stored as WqlIsNull.";
        }
        if (!WqlSyntax.IsOrdering(op))
        {
            return null;
        }
        if (value.Kind == WqlLiteralKind.Boolean)
        {
            return "Booleans can only be compared with =, <> and !=.";
        }
        if (value.Kind == WqlLiteralKind.String && WqlSyntax.IsStarredDateTime((string)value.Value!))
        {
            return "A datetime with '*' fields can only be compared with =, <> and !=.";
        }
        return null;
    }
}

/// <summary><c>Property IS NULL</c>, or <c>Property IS NOT NULL</c> when <see cref="Negated"/>.</summary>
/// <param name="Property">The property tested.</param>
/// <param name="Negated">True for IS NOT NULL.</param>
public sealed record WqlIsNull(WqlPropertyPath Property, bool Negated) : WqlExpression
{
    /// <summary>The property tested.</summary>
    public WqlPropertyPath Property { get; } = Property ?? throw new ArgumentNullException(nameof(Property));
}

/// <summary>
/// <c>Property ISA "ClassName"</c>: the embedded object (or, for <c>__this</c> in a schema query, the class) is
/// <see cref="ClassName"/> or a subclass of it.
/// </summary>
/// <param name="Property">The object-valued property, or <c>__this</c>.</param>
/// <param name="ClassName">The class tested for.</param>
public sealed record WqlIsa(WqlPropertyPath Property, string ClassName) : WqlExpression
{
    /// <summary>The object-valued property, or <c>__this</c>.</summary>
    public WqlPropertyPath Property { get; } = Property ?? throw new ArgumentNullException(nameof(Property));

    /// <summary>The class tested for.</summary>
    public string ClassName { get; } = string.IsNullOrEmpty(ClassName)
        ? throw new ArgumentException("ISA needs a class name.", nameof(ClassName))
        : ClassName;
}

/// <summary><c>Property LIKE "Pattern"</c>. NOT LIKE is a <see cref="WqlNot"/> around this node.</summary>
public sealed record WqlLike : WqlExpression
{
    /// <summary>Creates <c>property LIKE pattern</c>.</summary>
    /// <exception cref="ArgumentException">The pattern has an unclosed <c>[</c>.</exception>
    public WqlLike(WqlPropertyPath property, string pattern)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(pattern);
        if (!WqlLikePattern.TryParse(pattern, out var compiled, out var index))
        {
            throw new ArgumentException($"The LIKE pattern has an unclosed '[' at index {index}.", nameof(pattern));
        }
        Property = property;
        Matcher = compiled;
    }

    internal WqlLike(WqlPropertyPath property, WqlLikePattern matcher)
    {
        Property = property;
        Matcher = matcher;
    }

    /// <summary>The string property matched.</summary>
    public WqlPropertyPath Property { get; }

    /// <summary>The pattern text (unescaped).</summary>
    public string Pattern => Matcher.Pattern;

    /// <summary>The compiled pattern; equal when the pattern text is equal.</summary>
    public WqlLikePattern Matcher { get; }
}

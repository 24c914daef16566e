using Wmix.Cim;
using Wmix.Wql.Evaluation;

namespace Wmix.Wql;

/// <summary>
/// A WHERE condition compiled once for fast, allocation-free, thread-safe evaluation against many objects.
/// </summary>
/// <remarks>
/// <para><b>Comparisons.</b> Strings compare case-insensitively (ordinal). Integers compare exactly across widths and
/// signs (sint64 −1 is below uint64 18446744073709551615) and against reals (<c>UInt32Prop &gt; 10.5</c>); an integer
/// constant outside the property's range is not an error, it simply never equals (<c>UInt32Prop = -1</c> is false,
/// <c>UInt32Prop &gt; -1</c> true). Real properties compare with the constant converted to their own type (rounded to
/// nearest, so <c>Real32Prop = 0.1</c> matches 0.1f). A numeric string constant counts as its number. Booleans take
/// =, &lt;&gt; and != only; TRUE is 1, and any non-zero number means TRUE (so <c>= 1</c> and <c>= -1</c> both match,
/// spec §8.5). char16 compares with a one-character string (case-insensitively) or an integer code. Datetimes compare
/// in time (both converted to UTC) when both sides are fully specified, else with = and &lt;&gt; only, literally,
/// field by field (<c>…+***</c> never equals a stored <c>…+000</c>, spec §8.15). References compare as object paths
/// (key order, case and escaping do not matter; a relative constant ignores the server and namespace), falling back
/// to case-insensitive text when either side is not a path.</para>
/// <para><b>NULL.</b> SQL's three-valued logic: a comparison, LIKE or ISA on a NULL value is UNKNOWN, and so is its
/// NOT; <c>NOT (P = 5)</c> behaves like <c>P &lt;&gt; 5</c>, and neither holds for a NULL P. Only IS [NOT] NULL
/// tests for NULL. A path through a NULL embedded object is NULL. A property the object does not have (a path into an
/// embedded object that lacks it, spec vector 37) is UNKNOWN for every test, IS NULL included — no error.</para>
/// <para><b>ISA.</b> True when an embedded object (or, for <c>__this</c>, the object itself — a class in a schema
/// query) is the class or a subclass. For a reference, the class named in the path must be the class itself: the
/// predicate has no schema to find the referenced class's ancestors.</para>
/// <para><b>Checks at compile time</b> (with a target class): an unknown property, a dot through a property that is
/// not an embedded object, an array property, a constant of the wrong kind (<c>"abc"</c> for a uint32, a number for
/// a string, a non-datetime string for a datetime), an operator the type lacks (ordering on booleans and references,
/// any comparison on an embedded object, LIKE on non-text, ISA on a non-object) all raise
/// <c>wbemErrInvalidQuery</c>. System properties (<c>__CLASS</c>, <c>__GENUS</c>…) are always known; <c>__this</c>
/// is valid with ISA only. Past an embedded object nothing is checked, since its class is not known.</para>
/// </remarks>
public sealed class WqlPredicate
{
    private readonly WqlNode _root;

    private WqlPredicate(WqlNode root, WqlExpression? expression)
    {
        _root = root;
        Expression = expression;
    }

    /// <summary>The predicate of a query without WHERE: every object matches.</summary>
    public static WqlPredicate True { get; } = new(WqlTrueNode.Instance, null);

    /// <summary>The condition this predicate was compiled from, or null for <see cref="True"/>.</summary>
    public WqlExpression? Expression { get; }

    /// <summary>
    /// Compiles a WHERE condition, checking it against <paramref name="targetClass"/> when given.
    /// </summary>
    /// <param name="where">The condition, or null for <see cref="True"/>.</param>
    /// <param name="targetClass">
    /// The class after FROM (the event class for event queries), or null when it is not known (schema queries):
    /// properties are then found by name on each object and only system properties and <c>__this</c> are checked.
    /// Objects of subclasses evaluate at the same speed; objects of unrelated classes are read by name.
    /// </param>
    /// <exception cref="WbemException">
    /// <c>wbemErrInvalidQuery</c> for a condition that does not fit the class (see the remarks of
    /// <see cref="WqlPredicate"/>); <c>wbemErrQuotaViolation</c> for AND/OR nested more than 256 levels deep.
    /// </exception>
    public static WqlPredicate Compile(WqlExpression? where, CimClass? targetClass) =>
        Compile(where, targetClass, eventRules: false);

    internal static WqlPredicate Compile(WqlExpression? where, CimClass? targetClass, bool eventRules) =>
        where is null ? True : new WqlPredicate(new WqlCompiler(targetClass, eventRules).Compile(where), where);

    /// <summary>True when <paramref name="obj"/> satisfies the condition. Never throws for a non-null object.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is null.</exception>
    public bool Evaluate(CimObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return _root.Evaluate(obj);
    }

    /// <summary>The condition in WQL, or <c>TRUE</c>.</summary>
    public override string ToString() => Expression?.ToWql() ?? "TRUE";
}

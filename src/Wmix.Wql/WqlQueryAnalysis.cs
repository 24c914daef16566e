using Wmix.Cim;
using Wmix.Wql.Evaluation;

namespace Wmix.Wql;

/// <summary>
/// Facts an object manager reads off a WHERE condition to do less work: which classes can match, which key a
/// provider can look up directly, which classes an event filter watches. Each answer is a necessary condition only;
/// the caller still evaluates the full <see cref="WqlPredicate"/> on what it finds.
/// </summary>
public static class WqlQueryAnalysis
{
    /// <summary>
    /// The classes a <c>__CLASS = "X"</c> test restricts results to: from the top-level AND conjuncts that are such
    /// a test, or an OR of such tests. Several restricting conjuncts intersect (case-insensitively).
    /// </summary>
    /// <param name="where">The condition, or null.</param>
    /// <returns>
    /// The class names an object's <c>__CLASS</c> must be one of (empty: nothing can match), or null when the condition
    /// does not restrict the class (e.g. only inside OR or NOT).
    /// </returns>
    public static IReadOnlyList<string>? GetClassRestriction(WqlExpression? where)
    {
        List<string>? result = null;
        foreach (var conjunct in Conjuncts(where))
        {
            var names = new List<string>();
            if (!CollectClassEqualities(conjunct, names))
            {
                continue;
            }
            result = result is null ? Distinct(names) : result.FindAll(n => names.Contains(n, StringComparer.OrdinalIgnoreCase));
        }
        return result;
    }

    /// <summary>
    /// Finds a top-level conjunct <c>propertyName = constant</c> (a single-part path, any case), which a provider can
    /// use to look up one object instead of enumerating (<c>ProcessId = 42</c>).
    /// </summary>
    /// <param name="where">The condition, or null.</param>
    /// <param name="propertyName">The property, usually a key.</param>
    /// <param name="value">The constant as parsed: <see cref="string"/>, <see cref="long"/>, <see cref="ulong"/>,
    /// <see cref="double"/> or <see cref="bool"/> (see <see cref="WqlLiteral.Value"/>); convert it to the property's
    /// type, and treat a constant that does not convert as "no match".</param>
    /// <returns>True when such a conjunct exists (the first one is returned).</returns>
    public static bool TryGetKeyEquality(WqlExpression? where, string propertyName, out object? value)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        foreach (var conjunct in Conjuncts(where))
        {
            if (conjunct is WqlComparison { Operator: WqlComparisonOperator.Equal, Property.IsNested: false } c &&
                CimNames.AreEqual(c.Property.LeafName, propertyName))
            {
                value = c.Value.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>
    /// The classes of the <c>propertyName ISA "X"</c> tests a match needs (event dispatch indexes filters by
    /// <c>TargetInstance</c> class): from the first top-level conjunct that is such a test or an OR of them.
    /// </summary>
    /// <param name="where">The condition, or null.</param>
    /// <param name="propertyName">The object property tested, e.g. <c>TargetInstance</c> (a single-part path, any case).</param>
    /// <returns>
    /// Class names such that a match needs the property's object to be one of them or of a subclass; null when the
    /// condition does not require an ISA on that property.
    /// </returns>
    public static IReadOnlyList<string>? GetIsaTargets(WqlExpression? where, string propertyName)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        foreach (var conjunct in Conjuncts(where))
        {
            var names = new List<string>();
            if (CollectIsa(conjunct, propertyName, names))
            {
                return Distinct(names);
            }
        }
        return null;
    }

    /// <summary>
    /// Checks an event query against its event class, with the event-query error codes.
    /// </summary>
    /// <param name="query">The parsed query.</param>
    /// <param name="eventClass">The class after FROM.</param>
    /// <exception cref="WbemException">
    /// <c>wbemErrPropertyNotAnObject</c> (0x8004105C) for a dot after a property that is not an embedded object (in
    /// the SELECT list, WHERE or GROUP BY); <c>wbemErrAggregatingByObject</c> (0x8004105D) for GROUP BY an embedded
    /// object without naming a property inside it; <c>wbemErrInvalidOperator</c> (0x80041063) for an operator the
    /// property's type lacks; <c>wbemErrInvalidQuery</c> for an unknown property, an array property or a constant
    /// that does not fit (see <see cref="WqlPredicate"/>). Embedded objects' own properties are not checked: their
    /// class is not known here.
    /// </exception>
    public static void ValidateEventQuery(WqlEventQuery query, CimClass eventClass)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(eventClass);
        var compiler = new WqlCompiler(eventClass, eventRules: true);
        foreach (var path in query.SelectList ?? [])
        {
            compiler.CheckPath(path);
        }
        if (query.Where is not null)
        {
            compiler.Compile(query.Where);
        }
        foreach (var path in query.GroupBy ?? [])
        {
            var (type, _, known) = compiler.CheckPath(path);
            if (known && !path.IsNested && type == CimType.Object)
            {
                throw new WbemException(WbemErrorEnum.wbemErrAggregatingByObject,
                    $"GROUP BY '{path}' names an embedded object; name a property inside it (e.g. {path}.Name).");
            }
        }
    }

    /// <summary>The top-level AND operands (NOT and OR are leaves).</summary>
    private static List<WqlExpression> Conjuncts(WqlExpression? where)
    {
        var result = new List<WqlExpression>();
        if (where is null)
        {
            return result;
        }
        var pending = new Stack<WqlExpression>();
        pending.Push(where);
        while (pending.Count > 0)
        {
            var e = pending.Pop();
            if (e is WqlAnd and)
            {
                pending.Push(and.Right);
                pending.Push(and.Left);
            }
            else
            {
                result.Add(e);
            }
        }
        return result;
    }

    /// <summary>True when <paramref name="e"/> is <c>__CLASS = "X"</c> or an OR of such tests; adds the names.</summary>
    private static bool CollectClassEqualities(WqlExpression e, List<string> names) => e switch
    {
        WqlComparison { Operator: WqlComparisonOperator.Equal, Property.IsNested: false, Value.Kind: WqlLiteralKind.String } c
            when CimNames.AreEqual(c.Property.LeafName, "__CLASS") => Add(names, (string)c.Value.Value!),
        WqlOr or => CollectClassEqualities(or.Left, names) && CollectClassEqualities(or.Right, names),
        _ => false,
    };

    /// <summary>True when <paramref name="e"/> is <c>property ISA "X"</c> or an OR of such tests; adds the names.</summary>
    private static bool CollectIsa(WqlExpression e, string propertyName, List<string> names) => e switch
    {
        WqlIsa { Property.IsNested: false } isa when CimNames.AreEqual(isa.Property.LeafName, propertyName) =>
            Add(names, isa.ClassName),
        WqlOr or => CollectIsa(or.Left, propertyName, names) && CollectIsa(or.Right, propertyName, names),
        _ => false,
    };

    private static bool Add(List<string> names, string name)
    {
        names.Add(name);
        return true;
    }

    private static List<string> Distinct(List<string> names) => [.. names.Distinct(StringComparer.OrdinalIgnoreCase)];
}

using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Internal;

/// <summary>
/// The engine's one seam to WHERE evaluation: a compiled condition tested against each candidate object. Everything
/// that filters by a WQL condition goes through <see cref="Create"/>, so swapping the evaluator is a change here only.
/// </summary>
internal sealed class QueryFilter
{
    /// <summary>Matches everything (no WHERE).</summary>
    public static QueryFilter All { get; } = new(null);

    private readonly WqlPredicate? _predicate;

    private QueryFilter(WqlPredicate? predicate) => _predicate = predicate;

    /// <summary>True when every object matches (no condition).</summary>
    public bool MatchesAll => _predicate is null;

    /// <summary>
    /// Compiles <paramref name="where"/> against <paramref name="targetClass"/> (null when objects of any class are
    /// tested). Throws wbemErrInvalidQuery for names or constants that do not fit the class.
    /// </summary>
    public static QueryFilter Create(WqlExpression? where, CimClass? targetClass) =>
        where is null ? All : new QueryFilter(WqlPredicate.Compile(where, targetClass));

    /// <summary>True when <paramref name="value"/> satisfies the condition.</summary>
    public bool Matches(CimObject value) => _predicate is null || _predicate.Evaluate(value);
}

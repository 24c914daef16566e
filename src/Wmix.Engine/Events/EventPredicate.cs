using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Events;

/// <summary>
/// The one seam through which event subscriptions compile their WHERE clause into a test over event objects: the
/// shared WQL evaluator (<see cref="WqlPredicate"/>), compiled once per subscription against the FROM class.
/// </summary>
/// <remarks>
/// Event queries need its rules as they are: names and strings compare case-insensitively, ISA accepts the class and
/// its subclasses (also classes defined after the subscription, since it reads the object's own derivation), and a
/// path into an embedded object that lacks the property is UNKNOWN (no match, no error).
/// </remarks>
internal static class EventPredicate
{
    /// <summary>The compiled condition, or null when there is none (every event passes).</summary>
    /// <exception cref="WbemException">The condition does not fit <paramref name="eventClass"/>.</exception>
    public static Func<CimObject, bool>? Compile(WqlExpression? where, CimClass eventClass)
    {
        ArgumentNullException.ThrowIfNull(eventClass);
        return where is null ? null : WqlPredicate.Compile(where, eventClass).Evaluate;
    }
}

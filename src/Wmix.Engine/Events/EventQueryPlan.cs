using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Wql;

namespace Wmix.Engine.Events;

/// <summary>
/// A validated event query and what serving it takes: the compiled condition, the index keys, the classes to poll
/// and the provider feeds to open. Built by <see cref="EventQueryPlanner"/> before any state changes.
/// </summary>
internal sealed class EventQueryPlan
{
    public required string Namespace { get; init; }

    public required WqlEventQuery Query { get; init; }

    /// <summary>The class after FROM.</summary>
    public required CimClass EventClass { get; init; }

    /// <summary>The WHERE clause as a test, or null for none.</summary>
    public required Func<CimObject, bool>? Predicate { get; init; }

    /// <summary>
    /// The classes one of which the event's target object (TargetInstance, TargetClass or TargetNamespace) must be
    /// (ISA) for the condition to hold, or null when the condition does not require one. Only an index key: the
    /// condition is still evaluated.
    /// </summary>
    public required IReadOnlyList<string>? TargetBounds { get; init; }

    /// <summary>The (clamped) polling interval, when any class is polled.</summary>
    public required TimeSpan PollInterval { get; init; }

    /// <summary>Provider classes without event support to poll, each on its own (shared) poller.</summary>
    public required IReadOnlyList<string> PolledClasses { get; init; }

    /// <summary>The providers whose event feed the subscription needs.</summary>
    public required IReadOnlyList<CimProvider> Feeds { get; init; }

    /// <summary>Provider classes whose provider raises this subscription's instance events itself (see
    /// <see cref="CimProvider.AcceptsInstanceEvents"/>).</summary>
    public required IReadOnlyList<(CimProvider Provider, CimClass TargetClass)> ProviderSubscriptions { get; init; }

    /// <summary>The <c>__AggregateEvent</c> class for GROUP WITHIN queries, else null.</summary>
    public required CimClass? AggregateClass { get; init; }
}

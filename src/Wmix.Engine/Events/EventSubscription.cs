using System.Diagnostics;
using Wmix.Cim;

namespace Wmix.Engine.Events;

/// <summary>
/// One ExecNotificationQuery: its plan, its operation, and the resources it holds (index entry, poll and feed leases,
/// aggregation timer). It never completes by itself; <see cref="Close"/> runs once, synchronously inside the
/// operation's end (Cancel or failure), and releases everything before Cancel returns.
/// </summary>
internal sealed class EventSubscription
{
    private readonly EventHub _hub;
    private readonly Func<CimObject, bool>? _predicate;
    private readonly EventAggregator? _aggregator;
    private readonly Lock _gate = new();
    private List<IDisposable>? _leases;
    private volatile bool _closed;

    public EventSubscription(EventHub hub, EventQueryPlan plan, CimOperation operation, TimeProvider time)
    {
        _hub = hub;
        Plan = plan;
        Operation = operation;
        _predicate = plan.Predicate;
        if (plan.AggregateClass is { } aggregateClass)
        {
            _aggregator = new EventAggregator(operation, aggregateClass, plan.Query.GroupWithin!.Value, plan.Query.GroupBy, plan.Query.Having, time);
        }
    }

    public EventQueryPlan Plan { get; }

    public CimOperation Operation { get; }

    /// <summary>True when the subscription sits in more than one index list and dispatch must not deliver twice.</summary>
    public bool IsMultiBound => Plan.TargetBounds is { Count: > 1 };

    public bool IsClosed => _closed;

    /// <summary>Set and cleared by <see cref="NamespaceEvents"/> under its lock.</summary>
    public bool IsAttached { get; set; }

    /// <summary>
    /// Offers one event: checks its class (unless the caller's index already did), the WHERE clause, then delivers it
    /// or adds it to the aggregation window. Never blocks: a full sink drops the event.
    /// </summary>
    public void Offer(CimObject evt, bool classChecked)
    {
        if (!classChecked && !evt.Class.IsSubclassOfOrSelf(Plan.EventClass.Name))
        {
            return;
        }
        if (_predicate is { } predicate)
        {
            bool matches;
            try
            {
                matches = predicate(evt);
            }
            catch (Exception e) when (e is WbemException or InvalidCastException or FormatException or OverflowException)
            {
                // One malformed event must not break delivery to the other subscribers.
                Trace.TraceWarning($"Wmix: evaluating the condition of subscription {Operation.Id} failed: {e.Message}");
                return;
            }
            if (!matches)
            {
                return;
            }
        }
        if (_aggregator is { } aggregator)
        {
            aggregator.Add(evt);
        }
        else
        {
            Operation.TryDeliver(evt);
        }
    }

    /// <summary>Keeps <paramref name="lease"/> until the subscription closes; releases it at once when already closed.</summary>
    public void AddLease(IDisposable lease)
    {
        lock (_gate)
        {
            // A cancel can race with the setup that acquires leases; whichever comes second releases the lease.
            if (!_closed)
            {
                (_leases ??= []).Add(lease);
                return;
            }
        }
        Release(lease);
    }

    /// <summary>The operation ended: leave the index, release polls and feeds, stop the aggregation timer. Idempotent.</summary>
    public void Close()
    {
        List<IDisposable>? leases;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            // Set before leaving the index: NamespaceEvents.Attach checks it under the index lock, so a subscription
            // cancelled during its own setup is never left behind in the index.
            _closed = true;
            leases = _leases;
            _leases = null;
        }
        _hub.Detach(this);
        _aggregator?.Dispose();
        if (leases is not null)
        {
            foreach (var lease in leases)
            {
                Release(lease);
            }
        }
    }

    private void Release(IDisposable lease)
    {
        try
        {
            lease.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A provider's feed handle may throw on dispose; the subscription still ends and its other leases go.
            Trace.TraceError($"Wmix: releasing a resource of subscription {Operation.Id} failed: {e}");
        }
    }
}

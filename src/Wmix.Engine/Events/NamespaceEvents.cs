using System.Collections.Concurrent;
using Wmix.Cim;

namespace Wmix.Engine.Events;

/// <summary>
/// The subscriptions of one namespace, indexed so that an event touches only candidates: first by the FROM class
/// (an event reaches the buckets of its class and of each superclass), then, inside a bucket, by the ISA class the
/// condition requires of the event's target object (an event reaches the lists of its target's class and superclasses)
/// or the bucket's unbounded list.
/// </summary>
/// <remarks>
/// Writers (subscribe, cancel) take one lock and only invalidate the lists' cached arrays, so a storm of cancels costs
/// O(1) each. Dispatch reads lock-free: concurrent dictionaries for the maps and an immutable array per list, rebuilt
/// under the lock on first use after a change. A dispatch racing with a cancel may still offer the event to the
/// cancelled subscription; its operation refuses the write (it has ended), so nothing is delivered after the end. A
/// subscription attached while an event is being dispatched may or may not see that event.
/// </remarks>
internal sealed class NamespaceEvents
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly CimClass?[] _intrinsicClasses = new CimClass?[Enum.GetValues<IntrinsicEventKind>().Length];
    private int _count;

    public NamespaceEvents(string name) => Name = name;

    public string Name { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The event class for <paramref name="kind"/> in this namespace (cached), or null when it is missing.</summary>
    public CimClass? IntrinsicClass(IntrinsicEventKind kind, IEventHost host)
    {
        var index = (int)kind;
        return Volatile.Read(ref _intrinsicClasses[index])
            ?? (_intrinsicClasses[index] = host.GetClass(Name, EventObjects.ClassNameOf(kind)));
    }

    /// <summary>Adds <paramref name="subscription"/> unless it already closed; false then.</summary>
    public bool Attach(EventSubscription subscription)
    {
        lock (_gate)
        {
            if (subscription.IsClosed)
            {
                return false;
            }
            var bucket = _buckets.GetOrAdd(subscription.Plan.EventClass.Name, static _ => new Bucket());
            if (subscription.Plan.TargetBounds is { } bounds)
            {
                foreach (var bound in bounds)
                {
                    bucket.ByTarget.GetOrAdd(bound, static _ => new SubscriptionList()).Add(subscription);
                }
            }
            else
            {
                bucket.Unbounded.Add(subscription);
            }
            bucket.Count++;
            subscription.IsAttached = true;
            _count++;
            return true;
        }
    }

    /// <summary>Removes <paramref name="subscription"/>; false when it was not attached.</summary>
    public bool Detach(EventSubscription subscription)
    {
        lock (_gate)
        {
            if (!subscription.IsAttached)
            {
                return false;
            }
            subscription.IsAttached = false;
            _count--;
            var name = subscription.Plan.EventClass.Name;
            var bucket = _buckets[name];
            if (subscription.Plan.TargetBounds is { } bounds)
            {
                foreach (var bound in bounds)
                {
                    if (bucket.ByTarget.TryGetValue(bound, out var list) && list.Remove(subscription) == 0)
                    {
                        bucket.ByTarget.TryRemove(bound, out _);
                    }
                }
            }
            else
            {
                bucket.Unbounded.Remove(subscription);
            }
            if (--bucket.Count == 0)
            {
                // Empty buckets go so that subscriptions to ever new classes cannot grow the index without bound.
                _buckets.TryRemove(name, out _);
            }
            return true;
        }
    }

    /// <summary>True when some subscription may want an event of <paramref name="eventClass"/> about <paramref name="target"/>.</summary>
    public bool HasCandidates(CimClass eventClass, CimObject? target)
    {
        if (_buckets.IsEmpty)
        {
            return false;
        }
        if (Probe(eventClass.Name, target))
        {
            return true;
        }
        // Index loops: foreach over IReadOnlyList would box an enumerator on every event.
        var derivation = eventClass.Derivation;
        for (var i = 0; i < derivation.Count; i++)
        {
            if (Probe(derivation[i], target))
            {
                return true;
            }
        }
        return false;

        bool Probe(string name, CimObject? target)
        {
            if (!_buckets.TryGetValue(name, out var bucket))
            {
                return false;
            }
            if (!bucket.Unbounded.IsEmpty)
            {
                return true;
            }
            if (target is null || bucket.ByTarget.IsEmpty)
            {
                return false;
            }
            if (bucket.ByTarget.ContainsKey(target.ClassName))
            {
                return true;
            }
            var targetDerivation = target.Derivation;
            for (var i = 0; i < targetDerivation.Count; i++)
            {
                if (bucket.ByTarget.ContainsKey(targetDerivation[i]))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Offers a frozen event to every candidate subscription.</summary>
    public void Dispatch(CimObject evt, CimObject? target)
    {
        if (_buckets.IsEmpty)
        {
            return;
        }
        HashSet<EventSubscription>? offered = null;
        DispatchTo(evt.ClassName, evt, target, ref offered);
        var derivation = evt.Derivation;
        for (var i = 0; i < derivation.Count; i++)
        {
            DispatchTo(derivation[i], evt, target, ref offered);
        }
    }

    private void DispatchTo(string eventClassName, CimObject evt, CimObject? target, ref HashSet<EventSubscription>? offered)
    {
        if (!_buckets.TryGetValue(eventClassName, out var bucket))
        {
            return;
        }
        foreach (var subscription in bucket.Unbounded.Snapshot(_gate))
        {
            subscription.Offer(evt, classChecked: true);
        }
        if (target is null || bucket.ByTarget.IsEmpty)
        {
            return;
        }
        OfferList(bucket, target.ClassName, evt, ref offered);
        var derivation = target.Derivation;
        for (var i = 0; i < derivation.Count; i++)
        {
            OfferList(bucket, derivation[i], evt, ref offered);
        }
    }

    private void OfferList(Bucket bucket, string targetClassName, CimObject evt, ref HashSet<EventSubscription>? offered)
    {
        if (!bucket.ByTarget.TryGetValue(targetClassName, out var list))
        {
            return;
        }
        foreach (var subscription in list.Snapshot(_gate))
        {
            // A subscription bounded by several classes (ISA "A" OR ISA "B") may sit in two lists the target reaches.
            if (subscription.IsMultiBound && !(offered ??= []).Add(subscription))
            {
                continue;
            }
            subscription.Offer(evt, classChecked: true);
        }
    }

    private sealed class Bucket
    {
        public SubscriptionList Unbounded { get; } = new();

        public ConcurrentDictionary<string, SubscriptionList> ByTarget { get; } = new(StringComparer.OrdinalIgnoreCase);

        /// <summary>Subscriptions in the bucket; changed under the namespace lock.</summary>
        public int Count { get; set; }
    }

    /// <summary>A set changed under the namespace lock, read through a cached array.</summary>
    private sealed class SubscriptionList
    {
        private readonly HashSet<EventSubscription> _members = [];
        private volatile EventSubscription[]? _snapshot = [];
        private int _memberCount;

        public bool IsEmpty => Volatile.Read(ref _memberCount) == 0;

        public void Add(EventSubscription subscription)
        {
            _members.Add(subscription);
            _memberCount = _members.Count;
            _snapshot = null;
        }

        public int Remove(EventSubscription subscription)
        {
            _members.Remove(subscription);
            _memberCount = _members.Count;
            _snapshot = null;
            return _members.Count;
        }

        public EventSubscription[] Snapshot(Lock gate)
        {
            if (_snapshot is { } snapshot)
            {
                return snapshot;
            }
            lock (gate)
            {
                return _snapshot ??= [.. _members];
            }
        }
    }
}

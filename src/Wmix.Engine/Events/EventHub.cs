using System.Collections.Concurrent;
using Wmix.Cim;
using Wmix.Engine.Providers;

namespace Wmix.Engine.Events;

/// <summary>
/// The event subsystem of an object manager: subscriptions per namespace, the shared pollers and the provider feeds.
/// Repository changes arrive through <see cref="RaiseIntrinsic"/>, provider events through their feed's sink, polled
/// changes from the pollers; each is offered only to candidate subscriptions (see <see cref="NamespaceEvents"/>).
/// </summary>
/// <remarks>
/// <para>Delivery is synchronous on the thread that raised the event and never blocks: each subscription writes with
/// <see cref="CimOperation.TryDeliver"/>, which drops (and counts) when the subscriber's sink is full.</para>
/// <para>Lock order: a subscription's lock, then a namespace index lock, the poll lock or a feed lock; none is held
/// while calling out except a feed's lock around the provider's open and close (which the SPI asks to be quick). An
/// operation's own lock is only taken inside TryDeliver, whose sink never calls back.</para>
/// </remarks>
internal sealed class EventHub
{
    private readonly IEventHost _host;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, NamespaceEvents> _namespaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _pollGate = new();
    private readonly Dictionary<PollKey, InstancePoller> _pollers = [];
    private readonly ConcurrentDictionary<(string Namespace, CimProvider Provider), ProviderFeed> _feeds = new(FeedKeyComparer.Instance);
    private int _subscriptions;
    private int _openFeeds;

    public EventHub(IEventHost host, TimeProvider? time = null)
    {
        _host = host;
        _time = time ?? TimeProvider.System;
    }

    public TimeProvider Time => _time;

    /// <summary>Subscriptions attached to a namespace index.</summary>
    public int ActiveSubscriptions => Volatile.Read(ref _subscriptions);

    /// <summary>Running pollers.</summary>
    public int ActivePolls
    {
        get
        {
            lock (_pollGate)
            {
                return _pollers.Count;
            }
        }
    }

    /// <summary>Provider feeds currently open.</summary>
    public int OpenFeeds => Volatile.Read(ref _openFeeds);

    /// <summary>The pollers running now (tests).</summary>
    internal IReadOnlyList<InstancePoller> Pollers
    {
        get
        {
            lock (_pollGate)
            {
                return [.. _pollers.Values];
            }
        }
    }

    /// <summary>
    /// ExecNotificationQuery: validates (throwing <see cref="WbemException"/>, no sink event), then returns the
    /// running subscription. It never completes by itself; a provider feed that fails to open completes it with the
    /// provider's status.
    /// </summary>
    public CimOperation Subscribe(string @namespace, string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        var plan = EventQueryPlanner.Plan(_host, @namespace, query, queryLanguage);
        var operation = new CimOperation(OperationKind.NotificationQuery, @namespace, query, sink, _host.Operations);
        var subscription = new EventSubscription(this, plan, operation, _time);
        // Registered before anything is acquired: a cancel that races with this setup (a sink-level cancel can find
        // the operation in the registry already) still releases whatever the setup acquires (issue "The heart" #2).
        operation.OnEnd(subscription.Close);
        try
        {
            if (Namespace(@namespace).Attach(subscription))
            {
                Interlocked.Increment(ref _subscriptions);
            }
            foreach (var className in plan.PolledClasses)
            {
                subscription.AddLease(AcquirePoll(@namespace, className, plan.PollInterval, subscription));
            }
            foreach (var provider in plan.Feeds)
            {
                var feed = _feeds.GetOrAdd((@namespace, provider), static (key, hub) => new ProviderFeed(hub, hub._host, hub._time, key.Namespace, key.Provider), this);
                subscription.AddLease(feed.Acquire());
            }
            foreach (var (provider, targetClass) in plan.ProviderSubscriptions)
            {
                subscription.AddLease(OpenProviderSubscription(plan, provider, targetClass, subscription));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            operation.Complete(OperationStatus.FromException(e, "ExecNotificationQuery"));
        }
        finally
        {
            operation.MarkNoProducer();
        }
        return operation;
    }

    /// <summary>
    /// Asks <paramref name="provider"/> to raise <paramref name="subscription"/>'s instance events for
    /// <paramref name="targetClass"/> itself; the lease closes the sink, then disposes the provider's handle.
    /// </summary>
    private IDisposable OpenProviderSubscription(EventQueryPlan plan, CimProvider provider, CimClass targetClass, EventSubscription subscription)
    {
        var closed = new CancellationTokenSource();
        var sink = new SubscriptionSink(this, plan.Namespace, provider, subscription);
        var context = new EventSubscriptionContext(plan.Namespace, _host.ServerName, [], name => _host.GetClass(plan.Namespace, name), _time,
            closed.Token, plan.Query, targetClass);
        IDisposable handle;
        try
        {
            handle = provider.SubscribeInstanceEvents(context, sink)
                ?? throw new InvalidOperationException($"Provider '{provider.Name}' returned no handle from SubscribeInstanceEvents.");
        }
        catch
        {
            sink.Close();
            closed.Dispose();
            throw;
        }
        return new SubscriptionLease(sink, closed, handle);
    }

    /// <summary>A repository change: builds the intrinsic event only when some subscription may want it.</summary>
    public void RaiseIntrinsic(string @namespace, IntrinsicEventKind kind, CimObject target, CimObject? previous)
    {
        if (!_namespaces.TryGetValue(@namespace, out var events) || events.Count == 0
            || events.IntrinsicClass(kind, _host) is not { } eventClass || !events.HasCandidates(eventClass, target))
        {
            return;
        }
        var evt = EventObjects.CreateIntrinsic(eventClass, kind, target, previous, _time);
        events.Dispatch(evt, target);
    }

    /// <summary>A frozen event from a provider feed.</summary>
    public void Dispatch(string @namespace, CimObject evt)
    {
        if (_namespaces.TryGetValue(@namespace, out var events))
        {
            events.Dispatch(evt, EventObjects.TargetOf(evt));
        }
    }

    internal void Detach(EventSubscription subscription)
    {
        if (_namespaces.TryGetValue(subscription.Plan.Namespace, out var events) && events.Detach(subscription))
        {
            Interlocked.Decrement(ref _subscriptions);
        }
    }

    internal void FeedOpened() => Interlocked.Increment(ref _openFeeds);

    internal void FeedClosed() => Interlocked.Decrement(ref _openFeeds);

    private NamespaceEvents Namespace(string name) => _namespaces.GetOrAdd(name, static n => new NamespaceEvents(n));

    private PollLease AcquirePoll(string @namespace, string className, TimeSpan interval, EventSubscription subscription)
    {
        var key = new PollKey(@namespace, className, interval.Ticks);
        InstancePoller? poller;
        bool created;
        lock (_pollGate)
        {
            created = !_pollers.TryGetValue(key, out poller);
            if (created)
            {
                poller = new InstancePoller(_host, _time, @namespace, className, interval);
                _pollers[key] = poller;
            }
            poller!.Add(subscription);
        }
        if (created)
        {
            poller.Start();
        }
        return new PollLease(this, key, poller, subscription);
    }

    private void ReleasePoll(PollKey key, InstancePoller poller, EventSubscription subscription)
    {
        bool last;
        lock (_pollGate)
        {
            poller.Remove(subscription);
            last = poller.SubscriberCount == 0 && _pollers.TryGetValue(key, out var current) && ReferenceEquals(current, poller);
            if (last)
            {
                _pollers.Remove(key);
            }
        }
        // Stopped outside the lock: cancelling the enumeration runs the provider's cancellation callbacks.
        if (last)
        {
            poller.Dispose();
        }
    }

    private readonly record struct PollKey(string Namespace, string ClassName, long IntervalTicks)
    {
        public bool Equals(PollKey other) =>
            IntervalTicks == other.IntervalTicks
            && string.Equals(Namespace, other.Namespace, StringComparison.OrdinalIgnoreCase)
            && string.Equals(ClassName, other.ClassName, StringComparison.OrdinalIgnoreCase);

        public override int GetHashCode() => HashCode.Combine(
            StringComparer.OrdinalIgnoreCase.GetHashCode(Namespace), StringComparer.OrdinalIgnoreCase.GetHashCode(ClassName), IntervalTicks);
    }

    private sealed class PollLease(EventHub hub, PollKey key, InstancePoller poller, EventSubscription subscription) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                hub.ReleasePoll(key, poller, subscription);
            }
        }
    }

    /// <summary>Delivers a provider's events to the one subscription they were raised for.</summary>
    private sealed class SubscriptionSink(EventHub hub, string @namespace, CimProvider provider, EventSubscription subscription) : ICimEventSink
    {
        private volatile bool _closed;

        public void Close() => _closed = true;

        public void Raise(CimInstance eventObject)
        {
            ArgumentNullException.ThrowIfNull(eventObject);
            if (!_closed)
            {
                // Not through the namespace index: other subscriptions get their own copy from their own handle (or
                // their poll), so dispatching to all would deliver twice.
                subscription.Offer(ProviderFeed.Prepare(eventObject, hub._time), classChecked: false);
            }
        }

        public void ReportEventsLost(string reason)
        {
            if (!_closed)
            {
                ProviderFeed.ReportLost(hub, hub._host, hub._time, @namespace, provider, reason ?? "");
            }
        }
    }

    private sealed class SubscriptionLease(SubscriptionSink sink, CancellationTokenSource closed, IDisposable handle) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }
            // Sink first: whatever the provider raises while its handle is being disposed is ignored.
            sink.Close();
            try
            {
                closed.Cancel();
                handle.Dispose();
            }
            finally
            {
                closed.Dispose();
            }
        }
    }

    private sealed class FeedKeyComparer : IEqualityComparer<(string Namespace, CimProvider Provider)>
    {
        public static readonly FeedKeyComparer Instance = new();

        public bool Equals((string Namespace, CimProvider Provider) x, (string Namespace, CimProvider Provider) y) =>
            ReferenceEquals(x.Provider, y.Provider) && string.Equals(x.Namespace, y.Namespace, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Namespace, CimProvider Provider) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Namespace), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Provider));
    }
}

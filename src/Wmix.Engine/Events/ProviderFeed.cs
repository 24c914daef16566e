using System.Diagnostics;
using Wmix.Cim;
using Wmix.Engine.Providers;

namespace Wmix.Engine.Events;

/// <summary>
/// One provider's event feed in one namespace, reference-counted by the subscriptions that need it: opened
/// (<see cref="CimProvider.SubscribeEvents"/>) by the first, its handle disposed when the last one leaves.
/// </summary>
/// <remarks>
/// Open and close run under the feed's own lock, so the provider sees strictly alternating calls even when the first
/// subscriber arrives while the last one leaves. Raising does not take that lock: the sink of a closed feed ignores
/// events, and an event in flight during the close reaches only subscriptions still alive.
/// </remarks>
internal sealed class ProviderFeed
{
    private readonly EventHub _hub;
    private readonly IEventHost _host;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private int _references;
    private IDisposable? _handle;
    private FeedSink? _sink;
    private CancellationTokenSource? _closed;

    public ProviderFeed(EventHub hub, IEventHost host, TimeProvider time, string @namespace, CimProvider provider)
    {
        _hub = hub;
        _host = host;
        _time = time;
        Namespace = @namespace;
        Provider = provider;
    }

    public string Namespace { get; }

    public CimProvider Provider { get; }

    /// <summary>Takes a reference, opening the feed on the first; the provider's exception propagates (no reference taken).</summary>
    public IDisposable Acquire()
    {
        lock (_gate)
        {
            if (_references == 0)
            {
                Open();
            }
            _references++;
        }
        return new Lease(this);
    }

    private void Open()
    {
        var closed = new CancellationTokenSource();
        var sink = new FeedSink(this);
        var registrations = (Provider.EventClasses ?? []).Where(r => EventQueryPlanner.SameNamespace(r.Namespace, Namespace)).ToArray();
        var context = new EventSubscriptionContext(Namespace, _host.ServerName, registrations, name => _host.GetClass(Namespace, name), _time, closed.Token);
        IDisposable handle;
        try
        {
            handle = Provider.SubscribeEvents(context, sink)
                ?? throw new InvalidOperationException($"Provider '{Provider.Name}' returned no handle from SubscribeEvents.");
        }
        catch
        {
            sink.Close();
            closed.Dispose();
            throw;
        }
        _handle = handle;
        _sink = sink;
        _closed = closed;
        _hub.FeedOpened();
    }

    private void Release()
    {
        IDisposable? handle = null;
        CancellationTokenSource? closed = null;
        lock (_gate)
        {
            if (--_references > 0)
            {
                return;
            }
            _sink!.Close();
            handle = _handle;
            closed = _closed;
            _handle = null;
            _sink = null;
            _closed = null;
            try
            {
                closed!.Cancel();
                // Disposed under the lock: the provider must see close before a following open.
                handle!.Dispose();
            }
            finally
            {
                closed!.Dispose();
                _hub.FeedClosed();
            }
        }
    }

    private void Raise(CimInstance eventObject) => _hub.Dispatch(Namespace, Prepare(eventObject, _time));

    /// <summary>Checks that a provider's object is an event, fills a missing <c>TIME_CREATED</c> and freezes it.</summary>
    internal static CimInstance Prepare(CimInstance eventObject, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(eventObject);
        if (!eventObject.Class.IsSubclassOfOrSelf(EventObjects.EventClass))
        {
            throw new ArgumentException($"'{eventObject.ClassName}' is not an event class (it does not derive from __Event).", nameof(eventObject));
        }
        var index = eventObject.Class.IndexOf(EventObjects.TimeCreated);
        if (index >= 0 && eventObject.GetValue(index) is null)
        {
            if (eventObject.IsReadOnly)
            {
                eventObject = (CimInstance)eventObject.Clone();
            }
            eventObject.SetValue(index, EventObjects.Now(time));
        }
        eventObject.Freeze();
        return eventObject;
    }

    private void ReportLost(string reason) => ReportLost(_hub, _host, _time, Namespace, Provider, reason);

    /// <summary>Traces a provider's loss of events and raises <c>__EventDroppedEvent</c> in the namespace.</summary>
    internal static void ReportLost(EventHub hub, IEventHost host, TimeProvider time, string @namespace, CimProvider provider, string reason)
    {
        Trace.TraceWarning($"Wmix: provider '{provider.Name}' lost events in {@namespace}: {reason}");
        if (host.GetClass(@namespace, EventObjects.EventDroppedEvent) is { } cls)
        {
            hub.Dispatch(@namespace, EventObjects.Spawn(cls, time).Freeze());
        }
    }

    private sealed class Lease(ProviderFeed feed) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                feed.Release();
            }
        }
    }

    private sealed class FeedSink(ProviderFeed feed) : ICimEventSink
    {
        private volatile bool _closed;

        public void Close() => _closed = true;

        public void Raise(CimInstance eventObject)
        {
            ArgumentNullException.ThrowIfNull(eventObject);
            if (!_closed)
            {
                feed.Raise(eventObject);
            }
        }

        public void ReportEventsLost(string reason)
        {
            if (!_closed)
            {
                feed.ReportLost(reason ?? "");
            }
        }
    }
}

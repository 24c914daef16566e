using Wmix.Cim;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;

namespace Wmix.Engine;

// Events (issue "The heart" part 2): ExecNotificationQuery, intrinsic events for stored data, polls and provider feeds.
// The subsystem lives in Events/; this part connects it to the object manager through the core's partial methods.
public sealed partial class ObjectManager
{
    private EventHub? _eventHub;
    private TimeProvider _eventTime = TimeProvider.System;

    /// <summary>The event subsystem, created by the first subscription.</summary>
    internal EventHub Events
    {
        get
        {
            if (Volatile.Read(ref _eventHub) is { } hub)
            {
                return hub;
            }
            Interlocked.CompareExchange(ref _eventHub, new EventHub(new EventHost(this), _eventTime), null);
            return _eventHub;
        }
    }

    /// <summary>
    /// The clock of timers and <c>TIME_CREATED</c> (tests replace it before the first subscription); the system clock by
    /// default.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set after the event subsystem started.</exception>
    internal TimeProvider EventTimeProvider
    {
        get => _eventTime;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (Volatile.Read(ref _eventHub) is not null)
            {
                throw new InvalidOperationException("The event clock can only be replaced before the first subscription.");
            }
            _eventTime = value;
        }
    }

    partial void OnIntrinsicEvent(string @namespace, IntrinsicEventKind kind, CimObject target, CimObject? previous)
    {
        // Nobody ever subscribed: nothing to build. Otherwise the hub builds the event only for a candidate subscriber.
        if (Volatile.Read(ref _eventHub) is { } hub)
        {
            hub.RaiseIntrinsic(@namespace, kind, LocateEventTarget(target, @namespace), previous is null ? null : LocateEventTarget(previous, @namespace));
        }
    }

    partial void StartNotificationQuery(string @namespace, string query, string queryLanguage, CallOptions options, IOperationSink sink,
        ref CimOperation? operation)
    {
        ThrowIfDisposed();
        operation = Events.Subscribe(@namespace, query, queryLanguage, options, sink);
    }

    partial void AddEventDiagnostics(ref int activeSubscriptions, ref int activePolls, ref int providerEventFeeds)
    {
        if (Volatile.Read(ref _eventHub) is { } hub)
        {
            activeSubscriptions += hub.ActiveSubscriptions;
            activePolls += hub.ActivePolls;
            providerEventFeeds += hub.OpenFeeds;
        }
    }

    /// <summary>Embedded targets carry their location (their own <c>__PATH</c>), though the event object has none.</summary>
    private CimObject LocateEventTarget(CimObject value, string @namespace) =>
        value.Namespace is null && value.RelativeObjectPath is not null ? Locate(value, @namespace) : value;

    /// <summary>The object manager as the event subsystem sees it.</summary>
    private sealed class EventHost(ObjectManager owner) : IEventHost
    {
        public string ServerName => owner.ServerName;

        public OperationRegistry Operations => owner.Operations;

        public CimClass? GetClass(string @namespace, string className) => owner.GetClass(@namespace, className);

        public IEnumerable<CimClass> GetSubclasses(string @namespace, string className, bool deep) =>
            className.Length == 0 ? owner.Repository.GetClasses(@namespace) : owner.GetSubclasses(@namespace, className, deep);

        public CimProvider? FindProvider(string @namespace, string className) => owner.FindProvider(@namespace, className);

        public IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(string @namespace, string className, bool deep, CallOptions options,
            CancellationToken cancellationToken) =>
            owner.EnumerateInstancesAsync(@namespace, className, deep, options, cancellationToken);
    }
}

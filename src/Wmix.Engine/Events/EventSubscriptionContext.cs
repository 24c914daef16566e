using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Events;

/// <summary>
/// What a provider's event feed is opened for: the namespace, the provider's registrations there, helpers to build
/// event objects, and a token cancelled when the feed closes. Passed to
/// <see cref="Providers.CimProvider.SubscribeEvents"/>.
/// </summary>
public sealed class EventSubscriptionContext
{
    private readonly Func<string, CimClass?> _getClass;
    private readonly TimeProvider _time;

    internal EventSubscriptionContext(string @namespace, string serverName, IReadOnlyList<EventRegistration> registrations,
        Func<string, CimClass?> getClass, TimeProvider time, CancellationToken closed)
    {
        Namespace = @namespace;
        ServerName = serverName;
        Registrations = registrations;
        _getClass = getClass;
        _time = time;
        Closed = closed;
    }

    internal EventSubscriptionContext(string @namespace, string serverName, IReadOnlyList<EventRegistration> registrations,
        Func<string, CimClass?> getClass, TimeProvider time, CancellationToken closed, WqlEventQuery query, CimClass targetClass)
        : this(@namespace, serverName, registrations, getClass, time, closed)
    {
        Query = query;
        TargetClass = targetClass;
    }

    /// <summary>
    /// For <see cref="Providers.CimProvider.SubscribeInstanceEvents"/>: the subscription's parsed query; null for a
    /// namespace-wide feed (<see cref="Providers.CimProvider.SubscribeEvents"/>).
    /// </summary>
    public WqlEventQuery? Query { get; }

    /// <summary>
    /// For <see cref="Providers.CimProvider.SubscribeInstanceEvents"/>: the class whose instance events to raise; null
    /// for a namespace-wide feed.
    /// </summary>
    public CimClass? TargetClass { get; }

    /// <summary>The namespace of the feed, e.g. <c>root\cimv2</c>.</summary>
    public string Namespace { get; }

    /// <summary>The object manager's server name.</summary>
    public string ServerName { get; }

    /// <summary>The provider's registrations in <see cref="Namespace"/>: what subscribers may be waiting for.</summary>
    public IReadOnlyList<EventRegistration> Registrations { get; }

    /// <summary>
    /// Cancelled when the feed closes (just before its handle is disposed): a provider loop may stop on it.
    /// </summary>
    public CancellationToken Closed { get; }

    /// <summary>The installed class <paramref name="className"/> of the namespace.</summary>
    /// <exception cref="WbemException">wbemErrInvalidClass: no such class.</exception>
    public CimClass GetClass(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        return _getClass(className) ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass,
            $"Class '{className}' does not exist in namespace '{Namespace}'.");
    }

    /// <summary>
    /// A new, mutable instance of the event class <paramref name="eventClassName"/> with <c>TIME_CREATED</c> set to
    /// now; fill its properties and pass it to <see cref="ICimEventSink.Raise"/>.
    /// </summary>
    /// <exception cref="WbemException">wbemErrInvalidClass: no such class; wbemErrNotEventClass: not an <c>__Event</c>.</exception>
    public CimInstance CreateEvent(string eventClassName)
    {
        var cls = GetClass(eventClassName);
        if (!cls.IsSubclassOfOrSelf(EventObjects.EventClass))
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotEventClass, $"Class '{cls.Name}' is not an event class (it does not derive from __Event).");
        }
        return EventObjects.Spawn(cls, _time);
    }

    /// <summary>
    /// A frozen intrinsic instance event: <c>__InstanceCreationEvent</c>, <c>__InstanceDeletionEvent</c> (both with
    /// <c>TargetInstance</c>) or <c>__InstanceModificationEvent</c> (<c>TargetInstance</c> the new state,
    /// <c>PreviousInstance</c> the old one), with <c>TIME_CREATED</c> now.
    /// </summary>
    /// <param name="kind">Creation, deletion or modification.</param>
    /// <param name="target">The instance (new state for a modification).</param>
    /// <param name="previous">The state before a modification; ignored otherwise.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not an instance event.</exception>
    public CimInstance CreateInstanceEvent(IntrinsicEventKind kind, CimInstance target, CimInstance? previous = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (kind is not (IntrinsicEventKind.InstanceCreation or IntrinsicEventKind.InstanceDeletion or IntrinsicEventKind.InstanceModification))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Providers raise instance events only.");
        }
        return EventObjects.CreateIntrinsic(GetClass(EventObjects.ClassNameOf(kind)), kind, target, previous, _time);
    }
}

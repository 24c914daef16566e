using Wmix.Cim;

namespace Wmix.Engine.Events;

/// <summary>
/// Where an event provider raises its events, handed to <see cref="Providers.CimProvider.SubscribeEvents"/>. One sink
/// per provider feed (provider and namespace); it fans every event out to the subscriptions that want it.
/// </summary>
/// <remarks>
/// <para>Both methods are thread-safe, never block and never throw for delivery reasons: a subscriber whose sink is
/// full loses the event (the operation counts it in <see cref="CimOperation.DroppedCount"/>) instead of slowing the
/// provider. After the feed's handle is disposed, calls are ignored.</para>
/// <para>Create event objects with <see cref="EventSubscriptionContext.CreateEvent"/> or
/// <see cref="EventSubscriptionContext.CreateInstanceEvent"/>, which fill <c>TIME_CREATED</c>.</para>
/// </remarks>
public interface ICimEventSink
{
    /// <summary>
    /// Raises one event: an instance of an <c>__Event</c> subclass of the feed's namespace. The object is frozen
    /// (and shared by every subscriber), so do not change it afterwards. A missing <c>TIME_CREATED</c> is filled in.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="eventObject"/> is null.</exception>
    /// <exception cref="ArgumentException">The object is not an event (its class does not derive from <c>__Event</c>).</exception>
    void Raise(CimInstance eventObject);

    /// <summary>
    /// Tells subscribers that events were lost at the source (a netlink buffer overran, a rescan found a gap). The
    /// feed's namespace gets one <c>__EventDroppedEvent</c> (WMI's delivery-failure notice, an <c>__ExtrinsicEvent</c>)
    /// whose <c>Event</c> property is null, delivered like any event: subscriptions to <c>__EventDroppedEvent</c> or a
    /// base class (<c>__SystemEvent</c>, <c>__ExtrinsicEvent</c>, <c>__Event</c>) whose condition accepts it receive it;
    /// other subscriptions are not disturbed. The reason is traced.
    /// </summary>
    /// <param name="reason">Why events were lost, for the trace.</param>
    void ReportEventsLost(string reason);
}

using Wmix.Cim;
using Wmix.Engine.Events;
using Wmix.Wql;

namespace Wmix.Engine.Providers;

// The event-provider half of the SPI (issue "The heart" part 2): what a provider raises, and the feed the engine opens
// while somebody listens.
public abstract partial class CimProvider
{
    /// <summary>
    /// The events this provider raises: extrinsic event classes it installs (<c>Win32_ProcessStartTrace</c>), and
    /// intrinsic instance events for classes it serves (<c>__InstanceCreationEvent</c> for <c>Win32_Process</c>). Empty
    /// by default: then the engine polls the provider's classes for subscriptions that give <c>WITHIN</c>, and refuses
    /// intrinsic subscriptions on them that do not (wbemErrRegistrationTooPrecise).
    /// </summary>
    /// <remarks>Read when a subscription is planned; a provider should return the same list every time.</remarks>
    public virtual IReadOnlyList<EventRegistration> EventClasses => [];

    /// <summary>
    /// Opens the provider's event feed for one namespace: from now until the returned handle is disposed, raise the
    /// registered events through <paramref name="sink"/>. Called when the first subscription that may receive one of
    /// the provider's events in <see cref="EventSubscriptionContext.Namespace"/> appears; the handle is disposed when
    /// the last such subscription is cancelled (so a netlink socket or a watcher is open only while needed).
    /// </summary>
    /// <remarks>
    /// <para>Calls for one namespace never overlap: open, then dispose, then perhaps open again. Both must return
    /// quickly (start a reader, do not wait for events) and must not call back into the object manager's subscription
    /// methods. Dispose must stop raising; events raised after it are ignored.</para>
    /// <para>A throw fails the subscription that caused the open: it completes with the exception's status (a
    /// <see cref="WbemException"/> keeps its code).</para>
    /// </remarks>
    /// <param name="context">The namespace, the provider's registrations there, and event-object helpers.</param>
    /// <param name="sink">Where to raise events; thread-safe, never blocks.</param>
    /// <returns>A handle whose disposal closes the feed.</returns>
    /// <exception cref="WbemException">wbemErrProviderNotCapable unless overridden.</exception>
    public virtual IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        throw new WbemException(WbemErrorEnum.wbemErrProviderNotCapable,
            $"Provider '{Name}' declares event classes but does not implement SubscribeEvents.")
        {
            ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderNotCapable, "SubscribeEvents",
                "The provider cannot raise events.", ProviderName: Name),
        };
    }

    /// <summary>
    /// Asked while an intrinsic event query is planned, for each class of the provider that its
    /// <see cref="EventClasses"/> does not cover (classes that would otherwise be polled with <c>WITHIN</c>): true when
    /// the provider can raise this subscription's creation, deletion and modification events for
    /// <paramref name="targetClass"/> itself, typically because the condition restricts it to something the provider
    /// can watch (<c>TargetInstance.Path = "/tmp/x/"</c> → an inotify watch). False (the default) leaves the class to
    /// the engine's polling, or to wbemErrRegistrationTooPrecise without <c>WITHIN</c>.
    /// </summary>
    /// <remarks>Must be quick and free of side effects: the plan may still be refused afterwards. When it returns true,
    /// <see cref="SubscribeInstanceEvents"/> is called once the subscription starts.</remarks>
    /// <param name="namespace">The namespace of the subscription.</param>
    /// <param name="targetClass">The provider's class (never abstract) whose instances the events would carry.</param>
    /// <param name="query">The parsed event query (its WHERE clause names the target as <c>TargetInstance.…</c>).</param>
    public virtual bool AcceptsInstanceEvents(string @namespace, CimClass targetClass, WqlEventQuery query) => false;

    /// <summary>
    /// Starts raising one subscription's intrinsic events for <see cref="EventSubscriptionContext.TargetClass"/>, after
    /// <see cref="AcceptsInstanceEvents"/> said yes; the handle is disposed when that subscription ends. Events raised
    /// through <paramref name="sink"/> reach this subscription only (its condition is still applied), so a provider
    /// shares its watches between subscriptions but raises each event once per subscription that wants it.
    /// </summary>
    /// <remarks>Must return quickly and must not call back into the object manager's subscription methods. A throw
    /// completes the subscription with the exception's status, as a failed <see cref="SubscribeEvents"/> does.</remarks>
    /// <param name="context">The namespace, <see cref="EventSubscriptionContext.Query"/>,
    /// <see cref="EventSubscriptionContext.TargetClass"/>, and event-object helpers.</param>
    /// <param name="sink">Where to raise this subscription's events; thread-safe, never blocks.</param>
    /// <returns>A handle whose disposal stops the events.</returns>
    /// <exception cref="WbemException">wbemErrProviderNotCapable unless overridden.</exception>
    public virtual IDisposable SubscribeInstanceEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        throw new WbemException(WbemErrorEnum.wbemErrProviderNotCapable,
            $"Provider '{Name}' accepted instance events but does not implement SubscribeInstanceEvents.")
        {
            ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderNotCapable, "SubscribeInstanceEvents",
                "The provider cannot raise instance events.", ProviderName: Name),
        };
    }
}

using Wmix.Engine.Events;

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
}

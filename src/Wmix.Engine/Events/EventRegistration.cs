namespace Wmix.Engine.Events;

/// <summary>
/// One kind of event a provider raises: an extrinsic event class (<c>Win32_ProcessStartTrace</c>), or intrinsic
/// instance events for a class the provider serves (<c>__InstanceCreationEvent</c> for <c>Win32_Process</c>).
/// Returned by <see cref="Providers.CimProvider.EventClasses"/>.
/// </summary>
/// <remarks>
/// <para>A registration covers its event class and every subclass of it, so an intrinsic registration on
/// <c>__InstanceOperationEvent</c> promises creation, deletion and modification events, and one on an extrinsic
/// base class promises its subclasses too. An intrinsic registration covers <see cref="TargetClass"/> and its
/// subclasses served by the same provider.</para>
/// <para>The engine opens the provider's feed (<see cref="Providers.CimProvider.SubscribeEvents"/>) only while at
/// least one subscription in <see cref="Namespace"/> may receive one of these events. A class whose provider
/// registers intrinsic events needs no <c>WITHIN</c> polling.</para>
/// </remarks>
/// <param name="Namespace">The namespace the events are raised in, e.g. <c>root\cimv2</c>.</param>
/// <param name="EventClass">
/// The event class raised: an <c>__ExtrinsicEvent</c> subclass installed by the provider, or one of
/// <c>__InstanceOperationEvent</c>, <c>__InstanceCreationEvent</c>, <c>__InstanceDeletionEvent</c>,
/// <c>__InstanceModificationEvent</c>.
/// </param>
/// <param name="TargetClass">For intrinsic events: the class of the <c>TargetInstance</c>; null for extrinsic events.</param>
public sealed record EventRegistration(string Namespace, string EventClass, string? TargetClass = null)
{
    /// <summary>The class of <c>__InstanceOperationEvent</c>, whose three subclasses are the intrinsic instance events.</summary>
    public const string InstanceOperationEvent = "__InstanceOperationEvent";

    /// <summary>An extrinsic event class the provider raises in <paramref name="namespace"/>.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="eventClass">The <c>__ExtrinsicEvent</c> subclass (the provider installs it among its classes).</param>
    public static EventRegistration Extrinsic(string @namespace, string eventClass) => new(@namespace, eventClass);

    /// <summary>Intrinsic instance events the provider raises for <paramref name="targetClass"/>.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="targetClass">The class whose instances the events carry in <c>TargetInstance</c>.</param>
    /// <param name="eventClass">Which intrinsic events; all three (<see cref="InstanceOperationEvent"/>) by default.</param>
    public static EventRegistration Intrinsic(string @namespace, string targetClass, string eventClass = InstanceOperationEvent) =>
        new(@namespace, eventClass, targetClass);

    /// <summary>True for intrinsic registrations (those with a <see cref="TargetClass"/>).</summary>
    public bool IsIntrinsic => TargetClass is not null;
}

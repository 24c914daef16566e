using Wmix.Cim;

namespace Wmix.Engine.Events;

/// <summary>Names of the system event classes and the construction of event objects.</summary>
/// <remarks>
/// Event objects are instances without keys, so they have no <c>__PATH</c>, <c>__RELPATH</c>, <c>__SERVER</c> or
/// <c>__NAMESPACE</c>, as WMI's event objects (select-statement-for-event-queries.md). <c>TIME_CREATED</c> is a
/// FILETIME: 100-ns intervals since 1601-01-01 UTC, as uint64 (--event.md).
/// </remarks>
internal static class EventObjects
{
    public const string EventClass = "__Event";
    public const string ExtrinsicEventClass = "__ExtrinsicEvent";
    public const string InstanceOperationEvent = "__InstanceOperationEvent";
    public const string ClassOperationEvent = "__ClassOperationEvent";
    public const string NamespaceOperationEvent = "__NamespaceOperationEvent";
    public const string AggregateEvent = "__AggregateEvent";
    public const string EventDroppedEvent = "__EventDroppedEvent";
    public const string TimeCreated = "TIME_CREATED";
    public const string TargetInstance = "TargetInstance";
    public const string PreviousInstance = "PreviousInstance";
    public const string TargetClass = "TargetClass";
    public const string PreviousClass = "PreviousClass";
    public const string TargetNamespace = "TargetNamespace";
    public const string PreviousNamespace = "PreviousNamespace";

    /// <summary>The property holding the changed object in each intrinsic family, in lookup order.</summary>
    public static readonly string[] TargetProperties = [TargetInstance, TargetClass, TargetNamespace];

    /// <summary>The event class WMI raises for <paramref name="kind"/>.</summary>
    public static string ClassNameOf(IntrinsicEventKind kind) => kind switch
    {
        IntrinsicEventKind.InstanceCreation => "__InstanceCreationEvent",
        IntrinsicEventKind.InstanceModification => "__InstanceModificationEvent",
        IntrinsicEventKind.InstanceDeletion => "__InstanceDeletionEvent",
        IntrinsicEventKind.ClassCreation => "__ClassCreationEvent",
        IntrinsicEventKind.ClassModification => "__ClassModificationEvent",
        IntrinsicEventKind.ClassDeletion => "__ClassDeletionEvent",
        IntrinsicEventKind.NamespaceCreation => "__NamespaceCreationEvent",
        IntrinsicEventKind.NamespaceModification => "__NamespaceModificationEvent",
        IntrinsicEventKind.NamespaceDeletion => "__NamespaceDeletionEvent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an intrinsic event kind."),
    };

    /// <summary>The (target, previous) property names of <paramref name="kind"/>'s family.</summary>
    public static (string Target, string Previous) PropertiesOf(IntrinsicEventKind kind) => kind switch
    {
        IntrinsicEventKind.InstanceCreation or IntrinsicEventKind.InstanceModification or IntrinsicEventKind.InstanceDeletion
            => (TargetInstance, PreviousInstance),
        IntrinsicEventKind.ClassCreation or IntrinsicEventKind.ClassModification or IntrinsicEventKind.ClassDeletion
            => (TargetClass, PreviousClass),
        _ => (TargetNamespace, PreviousNamespace),
    };

    /// <summary>True for the three modification kinds, whose events carry the previous state.</summary>
    public static bool IsModification(IntrinsicEventKind kind) =>
        kind is IntrinsicEventKind.InstanceModification or IntrinsicEventKind.ClassModification or IntrinsicEventKind.NamespaceModification;

    /// <summary>Now as a FILETIME (UTC), the form of <c>TIME_CREATED</c>.</summary>
    public static ulong Now(TimeProvider time) => (ulong)time.GetUtcNow().UtcDateTime.ToFileTimeUtc();

    /// <summary>A new mutable instance of <paramref name="cls"/> with <c>TIME_CREATED</c> set.</summary>
    public static CimInstance Spawn(CimClass cls, TimeProvider time)
    {
        var instance = cls.SpawnInstance();
        var index = cls.IndexOf(TimeCreated);
        if (index >= 0)
        {
            instance.SetValue(index, Now(time));
        }
        return instance;
    }

    /// <summary>A frozen intrinsic event of class <paramref name="cls"/> about <paramref name="target"/>.</summary>
    public static CimInstance CreateIntrinsic(CimClass cls, IntrinsicEventKind kind, CimObject target, CimObject? previous, TimeProvider time)
    {
        var evt = Spawn(cls, time);
        var (targetName, previousName) = PropertiesOf(kind);
        evt.SetValue(targetName, Frozen(target));
        if (previous is not null && IsModification(kind))
        {
            evt.SetValue(previousName, Frozen(previous));
        }
        evt.Freeze();
        return evt;
    }

    /// <summary>The object an intrinsic event is about (its TargetInstance, TargetClass or TargetNamespace), or null.</summary>
    public static CimObject? TargetOf(CimObject evt)
    {
        var cls = evt.Class;
        foreach (var name in TargetProperties)
        {
            var index = cls.IndexOf(name);
            if (index >= 0)
            {
                return evt.GetValue(index) as CimObject;
            }
        }
        return null;
    }

    private static CimObject Frozen(CimObject value) => value.IsReadOnly ? value : value.Clone().Freeze();
}

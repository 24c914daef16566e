using Wmix.Cim;

namespace Wmix.Engine.Internal;

/// <summary>
/// WMI's system classes, present in every namespace: the <c>__SystemClass</c> root, <c>__NAMESPACE</c>, the event
/// hierarchy under <c>__Event</c>, <c>__AggregateEvent</c> and <c>__ExtendedStatus</c>. Built once, frozen, shared.
/// </summary>
/// <remarks>
/// Shapes follow WMI's documented MOF (classes whose names start with <c>__</c>, see the WMI System Classes pages);
/// <c>Abstract</c> marks the classes WMI declares abstract. Users cannot change or delete them
/// (wbemErrInvalidOperation, as IWbemServices::DeleteClass documents for system classes).
/// </remarks>
internal static class SystemSchema
{
    public const string NamespaceClass = "__NAMESPACE";

    private static readonly Lazy<IReadOnlyList<CimClass>> s_classes = new(Build);

    /// <summary>Every system class, parents before children.</summary>
    public static IReadOnlyList<CimClass> Classes => s_classes.Value;

    /// <summary>True for a system class name (anything starting with a double underscore).</summary>
    public static bool IsSystemClassName(string name) => name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>The frozen <c>__NAMESPACE</c> class.</summary>
    public static CimClass Namespace => Classes[1];

    private static IReadOnlyList<CimClass> Build()
    {
        var list = new List<CimClass>();
        CimClass Add(CimClass cls)
        {
            cls.Freeze();
            list.Add(cls);
            return cls;
        }

        var systemClass = Add(Abstract(new CimClass("__SystemClass")));

        var ns = new CimClass(NamespaceClass, systemClass);
        ns.AddProperty("Name", CimType.String, isKey: true);
        Add(ns);

        var indicationRelated = Add(Abstract(new CimClass("__IndicationRelated", systemClass)));

        var evt = new CimClass("__Event", indicationRelated);
        evt.Qualifiers.Set("Indication", true);
        evt.AddProperty("SECURITY_DESCRIPTOR", CimType.UInt8, isArray: true);
        evt.AddProperty("TIME_CREATED", CimType.UInt64);
        var @event = Add(Abstract(evt));

        var instanceOperation = new CimClass("__InstanceOperationEvent", @event);
        instanceOperation.AddProperty(new CimProperty("TargetInstance", CimType.Object));
        var instanceOp = Add(instanceOperation);
        Add(new CimClass("__InstanceCreationEvent", instanceOp));
        Add(new CimClass("__InstanceDeletionEvent", instanceOp));
        var instanceModification = new CimClass("__InstanceModificationEvent", instanceOp);
        instanceModification.AddProperty(new CimProperty("PreviousInstance", CimType.Object));
        Add(instanceModification);
        var methodInvocation = new CimClass("__MethodInvocationEvent", instanceOp);
        methodInvocation.AddProperty("Method", CimType.String);
        methodInvocation.AddProperty(new CimProperty("Parameters", CimType.Object, referenceClassName: "__PARAMETERS"));
        methodInvocation.AddProperty("PreCall", CimType.Boolean);
        Add(methodInvocation);

        var classOperation = new CimClass("__ClassOperationEvent", @event);
        classOperation.AddProperty(new CimProperty("TargetClass", CimType.Object));
        var classOp = Add(classOperation);
        Add(new CimClass("__ClassCreationEvent", classOp));
        Add(new CimClass("__ClassDeletionEvent", classOp));
        var classModification = new CimClass("__ClassModificationEvent", classOp);
        classModification.AddProperty(new CimProperty("PreviousClass", CimType.Object));
        Add(classModification);

        var namespaceOperation = new CimClass("__NamespaceOperationEvent", @event);
        namespaceOperation.AddProperty(new CimProperty("TargetNamespace", CimType.Object, referenceClassName: NamespaceClass));
        var namespaceOp = Add(namespaceOperation);
        Add(new CimClass("__NamespaceCreationEvent", namespaceOp));
        Add(new CimClass("__NamespaceDeletionEvent", namespaceOp));
        var namespaceModification = new CimClass("__NamespaceModificationEvent", namespaceOp);
        namespaceModification.AddProperty(new CimProperty("PreviousNamespace", CimType.Object, referenceClassName: NamespaceClass));
        Add(namespaceModification);

        var extrinsic = Add(Abstract(new CimClass("__ExtrinsicEvent", @event)));
        var systemEvent = Add(new CimClass("__SystemEvent", extrinsic));
        var dropped = new CimClass("__EventDroppedEvent", systemEvent);
        dropped.AddProperty(new CimProperty("Event", CimType.Object));
        dropped.AddProperty(new CimProperty("IntendedConsumer", CimType.Reference, referenceClassName: "__EventConsumer"));
        var droppedEvent = Add(dropped);
        Add(new CimClass("__EventQueueOverflowEvent", droppedEvent));
        var consumerFailure = new CimClass("__ConsumerFailureEvent", droppedEvent);
        consumerFailure.AddProperty("ErrorCode", CimType.UInt32);
        consumerFailure.AddProperty("ErrorDescription", CimType.String);
        consumerFailure.AddProperty(new CimProperty("ErrorObject", CimType.Object));
        Add(consumerFailure);

        var timer = new CimClass("__TimerEvent", @event);
        timer.AddProperty("TimerId", CimType.String);
        timer.AddProperty("NumFirings", CimType.UInt32);
        Add(timer);

        var aggregate = new CimClass("__AggregateEvent", indicationRelated);
        aggregate.AddProperty("NumberOfEvents", CimType.UInt32);
        aggregate.AddProperty(new CimProperty("Representative", CimType.Object));
        Add(aggregate);

        var notifyStatus = new CimClass("__NotifyStatus", systemClass);
        notifyStatus.AddProperty("StatusCode", CimType.UInt32);
        var notify = Add(notifyStatus);
        var extendedStatus = new CimClass("__ExtendedStatus", notify);
        extendedStatus.AddProperty("Description", CimType.String);
        extendedStatus.AddProperty("Operation", CimType.String);
        extendedStatus.AddProperty("ParameterInfo", CimType.String);
        extendedStatus.AddProperty("ProviderName", CimType.String);
        Add(extendedStatus);

        return list;
    }

    private static CimClass Abstract(CimClass cls)
    {
        cls.Qualifiers.Set("Abstract", true);
        return cls;
    }
}

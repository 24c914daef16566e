namespace Wmix.Engine;

/// <summary>A snapshot of an object manager's outstanding work, for <c>wmix</c> and for leak checks.</summary>
/// <param name="Operations">Every outstanding operation, oldest first.</param>
/// <param name="OperationsBySink">How many outstanding operations each sink has.</param>
/// <param name="OperationsByNamespace">How many outstanding operations run in each namespace.</param>
/// <param name="OperationsByKind">How many outstanding operations there are of each kind.</param>
/// <param name="OldestOperationAge">The age of the oldest outstanding operation, or zero.</param>
/// <param name="ActiveSubscriptions">Event subscriptions (ExecNotificationQuery) being served.</param>
/// <param name="ActivePolls">Polls (WITHIN) running for subscriptions.</param>
/// <param name="ProviderEventFeeds">Event feeds open on providers.</param>
public sealed record ObjectManagerDiagnostics(
    IReadOnlyList<OperationInfo> Operations,
    IReadOnlyDictionary<IOperationSink, int> OperationsBySink,
    IReadOnlyDictionary<string, int> OperationsByNamespace,
    IReadOnlyDictionary<OperationKind, int> OperationsByKind,
    TimeSpan OldestOperationAge,
    int ActiveSubscriptions,
    int ActivePolls,
    int ProviderEventFeeds)
{
    /// <summary>How many operations are outstanding.</summary>
    public int OutstandingOperations => Operations.Count;
}

public sealed partial class ObjectManager
{
    /// <summary>A snapshot of the outstanding operations and the event subsystem's activity.</summary>
    public ObjectManagerDiagnostics GetDiagnostics()
    {
        var operations = Operations.Snapshot();
        var bySink = operations.GroupBy(o => o.Sink, ReferenceEqualityComparer.Instance)
            .ToDictionary(g => (IOperationSink)g.Key!, g => g.Count(), ReferenceEqualityComparer.Instance as IEqualityComparer<IOperationSink>);
        var byNamespace = operations.GroupBy(o => o.Namespace, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var byKind = operations.GroupBy(o => o.Kind).ToDictionary(g => g.Key, g => g.Count());
        var oldest = operations.Count == 0 ? TimeSpan.Zero : operations.Max(o => o.Age);
        int subscriptions = 0, polls = 0, feeds = 0;
        AddEventDiagnostics(ref subscriptions, ref polls, ref feeds);
        return new ObjectManagerDiagnostics(operations, bySink, byNamespace, byKind, oldest, subscriptions, polls, feeds);
    }
}

using System.Collections.Concurrent;

namespace Wmix.Engine;

/// <summary>
/// The outstanding operations of an object manager, for diagnostics (<c>wmix</c>, tests that count what is
/// left alive after cancel).
/// </summary>
public sealed class OperationRegistry
{
    private readonly ConcurrentDictionary<long, CimOperation> _operations = new();

    /// <summary>How many operations are outstanding (not ended, or whose producer has not returned).</summary>
    public int Count => _operations.Count;

    /// <summary>A snapshot of the outstanding operations.</summary>
    public IReadOnlyList<OperationInfo> Snapshot() =>
        _operations.Values.Select(o => new OperationInfo(o.Id, o.Kind, o.Namespace, o.Description, o.Sink, o.StartedAt, o.Age, o.IsEnded))
            .OrderBy(o => o.Id).ToArray();

    /// <summary>The outstanding operations that report to <paramref name="sink"/>.</summary>
    public IReadOnlyList<CimOperation> ForSink(IOperationSink sink) =>
        _operations.Values.Where(o => ReferenceEquals(o.Sink, sink)).ToArray();

    internal void Add(CimOperation operation) => _operations[operation.Id] = operation;

    internal void Remove(CimOperation operation) => _operations.TryRemove(operation.Id, out _);
}

/// <summary>A snapshot of one outstanding operation.</summary>
/// <param name="Id">The operation's id.</param>
/// <param name="Kind">Its call family.</param>
/// <param name="Namespace">The namespace it runs in.</param>
/// <param name="Description">Query text or path.</param>
/// <param name="Sink">The sink it reports to.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Age">How long it has run.</param>
/// <param name="IsEnded">True when it has ended but its producer is still returning.</param>
public sealed record OperationInfo(
    long Id,
    OperationKind Kind,
    string Namespace,
    string? Description,
    IOperationSink Sink,
    DateTimeOffset StartedAt,
    TimeSpan Age,
    bool IsEnded);

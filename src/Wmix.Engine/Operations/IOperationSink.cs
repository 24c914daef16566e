using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>
/// Where an operation streams its results: the engine-side sink of one call. Synchronous, semi-synchronous
/// and .NET callers read a <see cref="ChannelOperationSink"/>; the scripting layer's <c>SWbemSink</c> adapter
/// and the remote server implement their own.
/// </summary>
/// <remarks>
/// The engine calls a sink for one operation from one producer at a time, in provider order. After
/// <see cref="OnCompleted"/> it calls nothing more. Writes never block: <see cref="TryWriteObject"/> refuses
/// when the sink is full, and the producer then awaits <see cref="WaitToWriteAsync"/> (back-pressure).
/// </remarks>
public interface IOperationSink
{
    /// <summary>Takes one result object, or returns false when full.</summary>
    bool TryWriteObject(CimObject value);

    /// <summary>
    /// Completes when the sink may accept another object. Returns false when the sink will never accept more
    /// (its reader is gone); the operation then ends.
    /// </summary>
    ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken);

    /// <summary>Interim progress; only called for operations that asked for status.</summary>
    void OnProgress(int upperBound, int current, string? message);

    /// <summary>A put stored its object at <paramref name="path"/>.</summary>
    void OnObjectPut(CimObjectPath path);

    /// <summary>The final status; called exactly once, last.</summary>
    void OnCompleted(OperationStatus status);
}

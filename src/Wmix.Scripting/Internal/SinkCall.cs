using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Scripting.Internal;

/// <summary>
/// The engine-side sink of one async call made with an <see cref="SWbemSink"/>: it forwards the operation's
/// results into the sink's queue, tagged with this call, and remembers the call's state for
/// <see cref="SWbemSink.Cancel"/>.
/// </summary>
/// <remarks>
/// Reference chain (issue #3, C4): operation → this call → dispatcher → sink, so an outstanding call keeps the sink
/// alive; when the call's final event has been raised the call lets go of the dispatcher, and nothing holds the
/// sink any more.
/// </remarks>
internal sealed class SinkCall : IOperationSink
{
    private SinkDispatcher? _dispatcher;

    public SinkCall(SinkDispatcher dispatcher, long id, SWbemServices? services, SWbemNamedValueSet? context, bool sendStatus,
        Func<CimOperation, Exception?>? canceller)
    {
        _dispatcher = dispatcher;
        Id = id;
        Services = services;
        Context = context;
        SendStatus = sendStatus;
        Canceller = canceller;
    }

    /// <summary>Unique per sink, increasing; a cancel only ever touches the calls it saw.</summary>
    public long Id { get; }

    public SWbemServices? Services { get; }

    public SWbemNamedValueSet? Context { get; }

    public bool SendStatus { get; }

    /// <summary>Cancels the operation; returns the failure a connection reported, if any (seam for remote cancels).</summary>
    public Func<CimOperation, Exception?>? Canceller { get; }

    // State below is guarded by the dispatcher's gate, except where noted.

    /// <summary>The engine operation, once the call has started.</summary>
    public CimOperation? Operation { get; set; }

    /// <summary>Set (under the gate) by Cancel; read by the pump with a full fence to drop this call's results.</summary>
    public volatile bool ClientCancelled;

    /// <summary>Cancel was asked before the operation was known; the starter cancels it.</summary>
    public bool CancelPending { get; set; }

    /// <summary>The operation reported its final status.</summary>
    public bool Ended { get; set; }

    /// <summary>Results dropped because of Cancel (pump thread only).</summary>
    public int Dropped { get; set; }

    public SinkDispatcher? Dispatcher => Volatile.Read(ref _dispatcher);

    public void Detach() => Volatile.Write(ref _dispatcher, null);

    public bool TryWriteObject(CimObject value) => Dispatcher?.TryEnqueueObject(this, value) ?? false;

    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) =>
        Dispatcher?.WaitForSpaceAsync(this, cancellationToken) ?? new ValueTask<bool>(false);

    public void OnProgress(int upperBound, int current, string? message)
    {
        if (SendStatus)
        {
            Dispatcher?.EnqueueProgress(this, upperBound, current, message);
        }
    }

    public void OnObjectPut(CimObjectPath path) => Dispatcher?.EnqueuePut(this, path);

    public void OnCompleted(OperationStatus status) => Dispatcher?.EnqueueCompleted(this, status);
}

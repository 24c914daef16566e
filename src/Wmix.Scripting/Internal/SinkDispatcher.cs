using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Scripting.Internal;

/// <summary>
/// The queue and the pump of one <see cref="SWbemSink"/>: every call made with the sink enqueues its events here;
/// one pump at a time raises them on the thread pool, in order, never overlapping.
/// </summary>
/// <remarks>
/// <para>Queue (issue #3): results count against a bounded capacity. A query producer that finds the queue full
/// waits (<see cref="WaitForSpaceAsync"/>, back-pressure); an event subscription's producer does not wait, the
/// engine drops and counts (never block the event source). Final, progress and put events are never refused.
/// The pump takes the whole queue in one swap under the gate and raises the batch outside it.</para>
/// <para>Cancel handshake: Cancel marks each call <see cref="SinkCall.ClientCancelled"/> under the gate; the pump
/// publishes the call it is about to raise an event for with a full fence (<see cref="Interlocked.Exchange{T}(ref T, T)"/>)
/// and re-reads the mark after it. Cancel, after its own fence, waits while the published call is one it
/// cancelled. One of the two always sees the other, so no result of a cancelled call is raised after Cancel
/// returns.</para>
/// </remarks>
internal sealed class SinkDispatcher : IThreadPoolWorkItem
{
    /// <summary>Results buffered per sink before producers must wait (same as a semi-synchronous channel).</summary>
    public const int DefaultCapacity = ChannelOperationSink.DefaultCapacity;

    /// <summary>How long Cancel waits for a running handler and for the engine to release the calls.</summary>
    public static readonly TimeSpan DefaultCancelTimeout = TimeSpan.FromSeconds(5);

    // A pump raises at most this many events before it yields its thread-pool thread, so that one busy sink
    // cannot starve others when the pool is small.
    private const int EventsPerTurn = 4096;

    private readonly SWbemSink _sink;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SinkCall> _active = [];
    private readonly ManualResetEventSlim _handlerDone = new(false);
    private List<SinkEvent> _pending = [];
    private List<SinkEvent>? _spare = [];
    private int _pendingObjects;
    private bool _pumpScheduled;
    private TaskCompletionSource<bool>? _space;
    private long _nextCallId;
    private SinkCall? _delivering;
    private int _pumpThread;
    private int _cancelWaiters;

    public SinkDispatcher(SWbemSink sink, int capacity)
    {
        _sink = sink;
        _capacity = capacity;
    }

    public int OutstandingCount
    {
        get
        {
            lock (_gate)
            {
                return _active.Count;
            }
        }
    }

    /// <summary>Registers a new call before its operation starts (the engine may report at once).</summary>
    public SinkCall Register(SWbemServices? services, SWbemNamedValueSet? context, bool sendStatus, Func<CimOperation, Exception?>? canceller)
    {
        lock (_gate)
        {
            var call = new SinkCall(this, ++_nextCallId, services, context, sendStatus, canceller);
            _active.Add(call.Id, call);
            return call;
        }
    }

    /// <summary>The call failed up front: forget it (no event is ever raised for it).</summary>
    public void Unregister(SinkCall call)
    {
        lock (_gate)
        {
            _active.Remove(call.Id);
        }
        call.Detach();
    }

    /// <summary>Records the started operation; cancels it at once when Cancel came in between.</summary>
    public void Bind(SinkCall call, CimOperation operation)
    {
        bool cancelNow;
        lock (_gate)
        {
            call.Operation = operation;
            cancelNow = call.CancelPending;
        }
        if (cancelNow)
        {
            CancelOperation(call, operation);
        }
    }

    public bool TryEnqueueObject(SinkCall call, CimObject value)
    {
        bool schedule;
        lock (_gate)
        {
            if (call.ClientCancelled)
            {
                // Accepted and discarded: the cancelled operation stops at its next write.
                return true;
            }
            if (_pendingObjects >= _capacity)
            {
                return false;
            }
            _pending.Add(new SinkEvent(call, SinkEventKind.ObjectReady, value, 0, 0));
            _pendingObjects++;
            schedule = ScheduleLocked();
        }
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        return true;
    }

    public ValueTask<bool> WaitForSpaceAsync(SinkCall call, CancellationToken cancellationToken)
    {
        Task<bool> wait;
        lock (_gate)
        {
            if (call.ClientCancelled || call.Ended)
            {
                return new ValueTask<bool>(false);
            }
            if (_pendingObjects < _capacity)
            {
                return new ValueTask<bool>(true);
            }
            _space ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _space.Task;
        }
        return new ValueTask<bool>(wait.WaitAsync(cancellationToken));
    }

    public void EnqueueProgress(SinkCall call, int upperBound, int current, string? message) =>
        Enqueue(new SinkEvent(call, SinkEventKind.Progress, message, upperBound, current));

    public void EnqueuePut(SinkCall call, CimObjectPath path) => Enqueue(new SinkEvent(call, SinkEventKind.ObjectPut, path, 0, 0));

    public void EnqueueCompleted(SinkCall call, OperationStatus status)
    {
        bool schedule;
        lock (_gate)
        {
            call.Ended = true;
            _pending.Add(new SinkEvent(call, SinkEventKind.Completed, status, 0, 0));
            schedule = ScheduleLocked();
        }
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private void Enqueue(SinkEvent e)
    {
        bool schedule;
        lock (_gate)
        {
            _pending.Add(e);
            schedule = ScheduleLocked();
        }
        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    private bool ScheduleLocked()
    {
        if (_pumpScheduled)
        {
            return false;
        }
        _pumpScheduled = true;
        return true;
    }

    /// <summary>The pump: raises queued events in order; exactly one runs per sink at a time.</summary>
    public void Execute()
    {
        Volatile.Write(ref _pumpThread, Environment.CurrentManagedThreadId);
        var raised = 0;
        try
        {
            while (true)
            {
                List<SinkEvent> batch;
                TaskCompletionSource<bool>? space;
                lock (_gate)
                {
                    if (_pending.Count == 0)
                    {
                        _pumpScheduled = false;
                        return;
                    }
                    if (raised >= EventsPerTurn)
                    {
                        // Yield the thread; _pumpScheduled stays true, so no second pump can start meanwhile.
                        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                        return;
                    }
                    batch = _pending;
                    _pending = _spare ?? [];
                    _spare = null;
                    _pendingObjects = 0;
                    space = _space;
                    _space = null;
                }
                space?.TrySetResult(true);
                foreach (var e in batch)
                {
                    Raise(e);
                }
                raised += batch.Count;
                batch.Clear();
                lock (_gate)
                {
                    _spare = batch;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _pumpThread, 0);
        }
    }

    private void Raise(in SinkEvent e)
    {
        var call = e.Call;
        if (e.Kind == SinkEventKind.Completed)
        {
            RaiseCompleted(call, (OperationStatus)e.Payload!);
            return;
        }
        // Publish first, then look at the cancel mark (see the class remarks).
        Interlocked.Exchange(ref _delivering, call);
        try
        {
            if (call.ClientCancelled)
            {
                call.Dropped++;
                return;
            }
            switch (e.Kind)
            {
                case SinkEventKind.ObjectReady:
                    RaiseObjectReady(call, (CimObject)e.Payload!);
                    break;
                case SinkEventKind.Progress:
                    RaiseProgress(call, e.A, e.B, (string?)e.Payload);
                    break;
                case SinkEventKind.ObjectPut:
                    RaisePut(call, (CimObjectPath)e.Payload!);
                    break;
            }
        }
        finally
        {
            EndDelivery();
        }
    }

    private void EndDelivery()
    {
        Volatile.Write(ref _delivering, null);
        if (Volatile.Read(ref _cancelWaiters) > 0)
        {
            _handlerDone.Set();
        }
    }

    private void RaiseObjectReady(SinkCall call, CimObject value)
    {
        var handlers = _sink.ObjectReadyHandlers;
        if (handlers is null)
        {
            return;
        }
        var obj = new SWbemObjectEx(value, call.Services);
        if (handlers.HasSingleTarget)
        {
            try
            {
                handlers(obj, call.Context);
            }
            catch (Exception ex)
            {
                SWbemSink.TraceHandlerFailure(nameof(SWbemSink.OnObjectReady), ex);
            }
            return;
        }
        foreach (SWbemSinkOnObjectReadyEventHandler h in handlers.GetInvocationList())
        {
            try
            {
                h(obj, call.Context);
            }
            catch (Exception ex)
            {
                SWbemSink.TraceHandlerFailure(nameof(SWbemSink.OnObjectReady), ex);
            }
        }
    }

    private void RaiseProgress(SinkCall call, int upperBound, int current, string? message)
    {
        var handlers = _sink.ProgressHandlers;
        if (handlers is null)
        {
            return;
        }
        foreach (SWbemSinkOnProgressEventHandler h in handlers.GetInvocationList())
        {
            try
            {
                h(upperBound, current, message, call.Context);
            }
            catch (Exception ex)
            {
                SWbemSink.TraceHandlerFailure(nameof(SWbemSink.OnProgress), ex);
            }
        }
    }

    private void RaisePut(SinkCall call, CimObjectPath path)
    {
        var handlers = _sink.ObjectPutHandlers;
        if (handlers is null)
        {
            return;
        }
        var p = SWbemObjectPath.FromCim(path);
        foreach (SWbemSinkOnObjectPutEventHandler h in handlers.GetInvocationList())
        {
            try
            {
                h(p, call.Context);
            }
            catch (Exception ex)
            {
                SWbemSink.TraceHandlerFailure(nameof(SWbemSink.OnObjectPut), ex);
            }
        }
    }

    private void RaiseCompleted(SinkCall call, OperationStatus status)
    {
        // A call whose natural end raced with Cancel keeps its natural status, unless Cancel made us drop some of
        // its results: a success after lost results would be a lie (spec C5/C7).
        if (call.ClientCancelled && call.Dropped > 0 && status.Code != WbemErrorEnum.wbemErrCallCancelled)
        {
            status = OperationStatus.Cancelled;
        }
        lock (_gate)
        {
            _active.Remove(call.Id);
        }
        var handlers = _sink.CompletedHandlers;
        Interlocked.Exchange(ref _delivering, call);
        try
        {
            if (handlers is not null)
            {
                var error = status.IsSuccess || status.Code == WbemErrorEnum.wbemErrCallCancelled || status.ExtendedStatus is null
                    ? null
                    : new SWbemLastError(status.ExtendedStatus);
                foreach (SWbemSinkOnCompletedEventHandler h in handlers.GetInvocationList())
                {
                    try
                    {
                        h(status.Code, error, call.Context);
                    }
                    catch (Exception ex)
                    {
                        SWbemSink.TraceHandlerFailure(nameof(SWbemSink.OnCompleted), ex);
                    }
                }
            }
        }
        finally
        {
            // The call is over: let go of the sink so that an operation still running on the engine (a method
            // that runs to completion after a client-side cancel) does not keep it alive.
            call.Detach();
            EndDelivery();
        }
    }

    /// <summary>Cancels every outstanding call; see <see cref="SWbemSink.Cancel"/>.</summary>
    public void CancelAll(TimeSpan timeout)
    {
        var inHandler = Volatile.Read(ref _pumpThread) == Environment.CurrentManagedThreadId;
        List<SinkCall> calls;
        TaskCompletionSource<bool>? space;
        lock (_gate)
        {
            if (_active.Count == 0)
            {
                return;
            }
            calls = new List<SinkCall>(_active.Count);
            foreach (var call in _active.Values)
            {
                if (call.ClientCancelled)
                {
                    continue;
                }
                call.ClientCancelled = true;
                if (call.Operation is null)
                {
                    call.CancelPending = true;
                }
                calls.Add(call);
            }
            // Producers waiting for room must wake up and see that their call is over.
            space = _space;
            _space = null;
        }
        Interlocked.MemoryBarrier();
        space?.TrySetResult(true);
        List<Exception>? failures = null;
        // Two passes: first end every operation (cheap, never blocks; a remote connection's OnEnd starts its
        // Release/Unsubscribe then), then let each canceller wait for its acknowledgement. One pass would make a
        // remote cancel of N calls N serial round trips, each waiting for the previous Release (issue #6).
        foreach (var call in calls)
        {
            if (call.Canceller is not null)
            {
                call.Operation?.Cancel();
            }
        }
        foreach (var call in calls)
        {
            if (call.Operation is { } op && CancelOperation(call, op) is { } failure)
            {
                (failures ??= []).Add(failure);
            }
        }
        if (!inHandler)
        {
            var deadline = DateTime.UtcNow + timeout;
            if (!WaitForHandler(calls, deadline))
            {
                (failures ??= []).Add(new WbemException(WbemErrorEnum.wbemErrFailed,
                    $"Cancel: a handler of this sink did not return within {timeout.TotalSeconds:0.#} s."));
            }
            // The bound is on progress, not on the whole batch: Cancel fails when the engine releases nothing for
            // `timeout`, however many calls it is releasing (issue #3, C10).
            deadline = DateTime.UtcNow + timeout;
            foreach (var call in calls)
            {
                // Method calls are cancelled on the client side only; their provider runs on (spec C8), so
                // waiting for them would turn Cancel into a wait for the method.
                if (call.Operation is not { Kind: not OperationKind.ExecMethod } op || op.Quiesced.IsCompleted)
                {
                    continue;
                }
                var remaining = deadline - DateTime.UtcNow;
                if (remaining > TimeSpan.Zero && op.Quiesced.Wait(remaining))
                {
                    deadline = DateTime.UtcNow + timeout;
                }
                else
                {
                    (failures ??= []).Add(new WbemException(WbemErrorEnum.wbemErrFailed,
                        $"Cancel: operation {op} was not released within {timeout.TotalSeconds:0.#} s."));
                }
            }
        }
        if (failures is not null)
        {
            throw CancelFailure(failures);
        }
    }

    private bool WaitForHandler(List<SinkCall> calls, DateTime deadline)
    {
        Interlocked.Increment(ref _cancelWaiters);
        try
        {
            while (true)
            {
                _handlerDone.Reset();
                var delivering = Volatile.Read(ref _delivering);
                if (delivering is null || !delivering.ClientCancelled || !calls.Contains(delivering))
                {
                    return true;
                }
                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero || !_handlerDone.Wait(remaining))
                {
                    return Volatile.Read(ref _delivering) != delivering;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _cancelWaiters);
        }
    }

    private static Exception? CancelOperation(SinkCall call, CimOperation op)
    {
        try
        {
            if (call.Canceller is { } canceller)
            {
                return canceller(op);
            }
            op.Cancel();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static WbemException CancelFailure(List<Exception> failures)
    {
        // Cancel may raise only wbemErrFailed, wbemErrOutOfMemory, wbemErrTransportFailure and wbemErrAccessDenied (C10).
        var first = failures[0];
        var code = first switch
        {
            WbemException { ErrorCode: WbemErrorEnum.wbemErrOutOfMemory or WbemErrorEnum.wbemErrTransportFailure or WbemErrorEnum.wbemErrAccessDenied } w => w.ErrorCode,
            OutOfMemoryException or InsufficientExecutionStackException => WbemErrorEnum.wbemErrOutOfMemory,
            _ => WbemErrorEnum.wbemErrFailed,
        };
        var message = failures.Count == 1 ? first.Message : $"{first.Message} (and {failures.Count - 1} more)";
        return new WbemException(code, message, failures.Count == 1 ? first : new AggregateException(failures));
    }
}

internal enum SinkEventKind : byte
{
    ObjectReady,
    Progress,
    ObjectPut,
    Completed,
}

internal readonly record struct SinkEvent(SinkCall Call, SinkEventKind Kind, object? Payload, int A, int B);

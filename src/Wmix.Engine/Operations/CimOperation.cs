using System.Diagnostics;
using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>The kinds of operation, one per WMI call family.</summary>
public enum OperationKind
{
    /// <summary>ExecQuery: a WQL data or schema query.</summary>
    Query,
    /// <summary>ExecNotificationQuery: an event subscription; never completes by itself.</summary>
    NotificationQuery,
    /// <summary>Get of a class or instance by path.</summary>
    Get,
    /// <summary>InstancesOf a class.</summary>
    InstancesOf,
    /// <summary>SubclassesOf a class.</summary>
    SubclassesOf,
    /// <summary>Put of a class or instance.</summary>
    Put,
    /// <summary>Delete of a class, instance or namespace.</summary>
    Delete,
    /// <summary>ExecMethod.</summary>
    ExecMethod,
    /// <summary>AssociatorsOf / ASSOCIATORS OF.</summary>
    AssociatorsOf,
    /// <summary>ReferencesTo / REFERENCES OF.</summary>
    ReferencesTo,
}

/// <summary>
/// One running call: it streams results into its <see cref="IOperationSink"/>, carries the cancellation token
/// that reaches the provider, and ends exactly once — by <see cref="Complete"/> from its source or by
/// <see cref="Cancel"/>.
/// </summary>
/// <remarks>
/// <para>Protocol (issue #3): every write to the sink and the transition to "ended" happen under one small
/// per-operation lock, so once <see cref="Cancel"/> or <see cref="Complete"/> has flipped the state no result
/// can reach the sink, and <see cref="IOperationSink.OnCompleted"/> is called after the flip, outside the
/// lock, exactly once. The lock is never held across an await: a full sink makes the producer wait outside
/// it and retry.</para>
/// <para>An operation stays in its <see cref="OperationRegistry"/> until it has ended <em>and</em> its
/// producer (if any) has returned, so diagnostics and leak tests count work that is still running.</para>
/// </remarks>
public sealed class CimOperation
{
    private static long s_nextId;

    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<OperationStatus> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _quiesced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly OperationRegistry? _registry;
    private readonly bool _cancelReachesSource;
    private List<Action>? _cleanups;
    private bool _ended;
    // Two parts must finish before the operation leaves the registry: the end (complete or cancel) and the producer.
    private int _pendingParts = 2;
    private long _dropped;
    private Task? _cancelCallbacks;

    /// <summary>Creates an operation that reports to <paramref name="sink"/>.</summary>
    /// <param name="kind">The call family.</param>
    /// <param name="namespace">The namespace it runs in.</param>
    /// <param name="description">What it works on (query text, path), for diagnostics.</param>
    /// <param name="sink">Where results go.</param>
    /// <param name="registry">Where outstanding operations are tracked, or null.</param>
    /// <param name="cancelReachesSource">False for method calls: cancelling releases the client only and the
    /// provider runs to completion (WMI's rule for ExecMethodAsync).</param>
    public CimOperation(OperationKind kind, string @namespace, string? description, IOperationSink sink,
        OperationRegistry? registry = null, bool cancelReachesSource = true)
    {
        ArgumentNullException.ThrowIfNull(sink);
        Id = Interlocked.Increment(ref s_nextId);
        Kind = kind;
        Namespace = @namespace;
        Description = description;
        Sink = sink;
        StartedAt = DateTimeOffset.UtcNow;
        _startTimestamp = Stopwatch.GetTimestamp();
        _registry = registry;
        _cancelReachesSource = cancelReachesSource;
        registry?.Add(this);
    }

    private readonly long _startTimestamp;

    /// <summary>A process-unique id; a late cancel for an old id never reaches a newer call.</summary>
    public long Id { get; }

    /// <summary>The call family.</summary>
    public OperationKind Kind { get; }

    /// <summary>The namespace the operation runs in.</summary>
    public string Namespace { get; }

    /// <summary>Query text or object path, for diagnostics.</summary>
    public string? Description { get; }

    /// <summary>Where results go.</summary>
    public IOperationSink Sink { get; }

    /// <summary>When the operation started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>How long the operation has been running.</summary>
    public TimeSpan Age => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>The token the operation's source (provider, repository scan, wire) must honour.</summary>
    public CancellationToken CancellationToken => _cts.Token;

    /// <summary>True once the operation has ended (completed, failed or cancelled).</summary>
    public bool IsEnded
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>The final status, once ended.</summary>
    public Task<OperationStatus> Completion => _completion.Task;

    /// <summary>Completes when the operation has ended and its producer has returned.</summary>
    public Task Quiesced => _quiesced.Task;

    /// <summary>Objects dropped because a subscriber's sink was full (<see cref="TryDeliver"/>).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Runs <paramref name="producer"/> on the thread pool as the operation's source. When it returns the
    /// operation completes with success unless it already ended; an exception becomes the failure status.
    /// </summary>
    public void Run(Func<CimOperation, Task> producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        _ = Task.Run(async () =>
        {
            try
            {
                await producer(this).ConfigureAwait(false);
                Complete(OperationStatus.Success);
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
                // Cancel() already reported the end.
            }
            catch (Exception e)
            {
                Complete(OperationStatus.FromException(e, Kind.ToString()));
            }
            finally
            {
                ReleasePart();
            }
        });
    }

    /// <summary>Marks an operation that has no producer task (event subscriptions, remote calls fed by a reader).</summary>
    public void MarkNoProducer() => ReleasePart();

    /// <summary>
    /// Delivers one result, waiting while the sink is full. Returns false when the operation has ended and the
    /// producer must stop.
    /// </summary>
    public ValueTask<bool> DeliverAsync(CimObject value)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return new ValueTask<bool>(false);
            }
            if (Sink.TryWriteObject(value))
            {
                return new ValueTask<bool>(true);
            }
        }
        return DeliverSlowAsync(value);
    }

    private async ValueTask<bool> DeliverSlowAsync(CimObject value)
    {
        while (true)
        {
            bool canWrite;
            try
            {
                canWrite = await Sink.WaitToWriteAsync(_cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
                return false;
            }
            if (!canWrite)
            {
                // The reader went away (a semi-synchronous enumerator released early): that cancels delivery.
                Cancel();
                return false;
            }
            lock (_gate)
            {
                if (_ended)
                {
                    return false;
                }
                if (Sink.TryWriteObject(value))
                {
                    return true;
                }
            }
        }
    }

    /// <summary>
    /// Delivers one result without waiting (event sources); a full sink drops it and counts the drop.
    /// Returns false when the operation has ended.
    /// </summary>
    public bool TryDeliver(CimObject value)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }
            if (!Sink.TryWriteObject(value))
            {
                Interlocked.Increment(ref _dropped);
            }
            return true;
        }
    }

    /// <summary>Reports progress to the sink unless the operation has ended.</summary>
    public void ReportProgress(int upperBound, int current, string? message)
    {
        lock (_gate)
        {
            if (!_ended)
            {
                Sink.OnProgress(upperBound, current, message);
            }
        }
    }

    /// <summary>Reports a stored object's path to the sink unless the operation has ended.</summary>
    public void ReportPut(CimObjectPath path)
    {
        lock (_gate)
        {
            if (!_ended)
            {
                Sink.OnObjectPut(path);
            }
        }
    }

    /// <summary>
    /// Registers work to do once when the operation ends (unsubscribe, stop a poll). Runs at once when the
    /// operation has already ended.
    /// </summary>
    public void OnEnd(Action cleanup)
    {
        ArgumentNullException.ThrowIfNull(cleanup);
        lock (_gate)
        {
            if (!_ended)
            {
                (_cleanups ??= []).Add(cleanup);
                return;
            }
        }
        RunCleanup(cleanup);
    }

    /// <summary>Ends the operation with <paramref name="status"/>; false when it had already ended.</summary>
    public bool Complete(OperationStatus status)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }
            _ended = true;
        }
        Finish(status, cancelSource: true);
        return true;
    }

    /// <summary>
    /// Cancels the operation: the sink gets <c>OnCompleted(wbemErrCallCancelled)</c> now, nothing else after it,
    /// and the source's token is cancelled (except for method calls). Returns false when the operation had
    /// already ended; never throws.
    /// </summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (_ended)
            {
                return false;
            }
            _ended = true;
        }
        Finish(OperationStatus.Cancelled, cancelSource: _cancelReachesSource);
        return true;
    }

    private void Finish(OperationStatus status, bool cancelSource)
    {
        List<Action>? cleanups;
        lock (_gate)
        {
            cleanups = _cleanups;
            _cleanups = null;
        }
        if (cancelSource)
        {
            // The token flips at once, but its callbacks — a provider unwinding from an awaited delay or read —
            // run on the thread pool, so Cancel() costs the same whatever the provider does (issue #3: 10,000
            // cancels within 10 ms). Quiesced still waits for the producer to return.
            _cancelCallbacks = _cts.CancelAsync();
        }
        if (cleanups is not null)
        {
            foreach (var cleanup in cleanups)
            {
                RunCleanup(cleanup);
            }
        }
        try
        {
            Sink.OnCompleted(status);
        }
        catch (Exception e)
        {
            // A sink must not throw; if one does, the operation still ends and is released.
            Trace.TraceError($"Wmix: the sink of operation {Id} threw from OnCompleted: {e}");
        }
        _completion.TrySetResult(status);
        ReleasePart();
    }

    private void RunCleanup(Action cleanup)
    {
        try
        {
            cleanup();
        }
        catch (Exception e)
        {
            Trace.TraceError($"Wmix: cleanup of operation {Id} failed: {e}");
        }
    }

    private void ReleasePart()
    {
        if (Interlocked.Decrement(ref _pendingParts) == 0)
        {
            _registry?.Remove(this);
            // Dispose the source only once its cancellation callbacks have run (they may still be queued).
            var callbacks = Volatile.Read(ref _cancelCallbacks);
            if (callbacks is null || callbacks.IsCompleted)
            {
                ObserveCallbacks(callbacks);
                _cts.Dispose();
            }
            else
            {
                _ = callbacks.ContinueWith(static (t, state) =>
                {
                    var self = (CimOperation)state!;
                    self.ObserveCallbacks(t);
                    self._cts.Dispose();
                }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            _quiesced.TrySetResult();
        }
    }

    private void ObserveCallbacks(Task? callbacks)
    {
        if (callbacks is { IsFaulted: true })
        {
            Trace.TraceError($"Wmix: a cancellation callback of operation {Id} failed: {callbacks.Exception?.InnerException}");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"#{Id} {Kind} {Namespace} {Description}";
}

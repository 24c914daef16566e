using System.Diagnostics;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Client;

public sealed partial class RemoteConnection
{
    /// <summary>
    /// The wire state of one operation: the token that abandons its in-flight request, the enumeration context or
    /// subscription it holds on the server, and the soft cancel (Release/Unsubscribe) once started.
    /// </summary>
    private sealed class RemoteCall(RemoteConnection owner, CimOperation operation, string resourceUri, IReadOnlyList<WsManSelector> selectors)
    {
        private readonly Lock _gate = new();
        private Task? _cancel;

        public CimOperation Operation { get; } = operation;

        public string ResourceUri { get; } = resourceUri;

        public IReadOnlyList<WsManSelector> Selectors { get; } = selectors;

        /// <summary>Cancelled to abandon the request in flight (after the soft cancel, or at once for single requests).</summary>
        public CancellationTokenSource Http { get; } = new();

        /// <summary>The latest enumeration context the server holds for us; null when there is none (not yet, or ended).</summary>
        public volatile string? Context;

        /// <summary>The subscription identifier (subscriptions only).</summary>
        public volatile string? SubscriptionId;

        /// <summary>
        /// Completed once the opening request (Enumerate/Subscribe) has been answered and <see cref="Context"/> or
        /// <see cref="SubscriptionId"/> recorded, or has failed. A cancel that arrives before then waits for it, so
        /// that what the server opened is released rather than left to expire.
        /// </summary>
        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Why the opening request could not reach the server or was refused, for a cancel that waited on it.</summary>
        public volatile WbemException? OpeningFailure;

        /// <summary>
        /// Starts the soft cancel once (Release or Unsubscribe for what the server still holds), then abandons the
        /// in-flight request. The task fails with the transport or access error when the server could not be told.
        /// </summary>
        public Task StartCancelAsync()
        {
            // One soft cancel per call, whoever asks first (the operation's end, SWbemSink.Cancel, Dispose).
            lock (_gate)
            {
                return _cancel ??= owner.SoftCancelAsync(this);
            }
        }

        public Task? CancelTask
        {
            get
            {
                lock (_gate)
                {
                    return _cancel;
                }
            }
        }
    }

    private RemoteCall Track(CimOperation op, string resourceUri, IReadOnlyList<WsManSelector> selectors)
    {
        var call = new RemoteCall(this, op, resourceUri, selectors);
        _calls[op.Id] = call;
        _wire.AddOrUpdate(op, call);
        // Any end — cancel, failure, even success with a context somehow left — releases what the server holds and
        // abandons what is in flight. OnEnd runs synchronously inside Cancel(); the soft cancel itself is async.
        op.OnEnd(() => _ = call.StartCancelAsync());
        _ = op.Quiesced.ContinueWith(static (task, state) =>
        {
            var (self, c) = ((RemoteConnection, RemoteCall))state!;
            self._calls.TryRemove(c.Operation.Id, out _);
            c.Http.Dispose();
        }, (this, call), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (Volatile.Read(ref _disposed) != 0)
        {
            op.Cancel();
        }
        return call;
    }

    private async Task SoftCancelAsync(RemoteCall call)
    {
        try
        {
            if (!call.Opened.Task.IsCompleted)
            {
                // The Enumerate/Subscribe is on the wire: the server may already hold a context for it, and only
                // its reply names it. Wait for that reply (bounded) instead of abandoning it.
                try
                {
                    await call.Opened.Task.WaitAsync(_session.Options.CancelTimeout).ConfigureAwait(false);
                }
                catch (TimeoutException e)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                        $"Cancel: {_session.To} did not answer the call's opening request within {_session.Options.CancelTimeout.TotalSeconds:0.#} s.", e);
                }
                if (call.OpeningFailure is { } failure)
                {
                    throw new WbemException(failure.ErrorCode, "Cancel: " + failure.Message, failure);
                }
            }
            if (call.SubscriptionId is { } id)
            {
                var headers = _session.Request(call.ResourceUri, WsManActions.Unsubscribe, _session.Options.CancelTimeout) with
                {
                    SubscriptionIdentifier = id,
                    Selectors = call.Selectors,
                };
                await SendSoftCancelAsync(headers, UnsubscribeBody.Instance).ConfigureAwait(false);
            }
            else if (call.Context is { Length: > 0 } context)
            {
                var headers = _session.Request(call.ResourceUri, WsManActions.Release, _session.Options.CancelTimeout) with { Selectors = call.Selectors };
                await SendSoftCancelAsync(headers, new ReleaseBody(context)).ConfigureAwait(false);
            }
        }
        finally
        {
            call.Context = null;
            call.SubscriptionId = null;
            // Only now abandon the parked Pull: the server has been told, so it will not keep work for us.
            try
            {
                await call.Http.CancelAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The call was already released.
            }
        }
    }

    private async Task SendSoftCancelAsync(WsManHeaders headers, WsManBody body)
    {
        try
        {
            await _session.SendAsync(headers, body, Namespace, CancellationToken.None,
                _session.Options.CancelTimeout).ConfigureAwait(false);
        }
        catch (WbemException e) when (WsManFaultException.Of(e) is { Subcode.Name: "InvalidEnumerationContext" or "DestinationUnreachable" or "UnableToRenew" })
        {
            // Already gone on the server (ended, expired): nothing left to release.
        }
        catch (WbemException e) when (WsManFaultException.Of(e) is not null)
        {
            // The server answered: it knows; a fault on a cancel is not the caller's problem.
            Trace.TraceWarning($"Wmix: {headers.Action} answered with a fault: {e.Message}");
        }
    }

    private Task<WsManEnvelope> SendAsync(RemoteCall call, WsManHeaders headers, WsManBody body) =>
        _session.SendAsync(headers, body, Namespace, call.Http.Token);

    /// <summary>The enumeration and subscription loops' request: null when the call abandoned it (cancel), without a throw.</summary>
    private Task<WsManEnvelope?> TrySendAsync(RemoteCall call, WsManHeaders headers, WsManBody body) =>
        _session.TrySendAsync(headers, body, Namespace, call.Http.Token);

    /// <summary>Sends a call's opening request (Enumerate/Subscribe), noting a transport or access failure for a waiting cancel.</summary>
    private async Task<WsManEnvelope> SendOpeningAsync(RemoteCall call, WsManHeaders headers, WsManBody body)
    {
        try
        {
            return await SendAsync(call, headers, body).ConfigureAwait(false);
        }
        catch (WbemException e) when (e.ErrorCode is WbemErrorEnum.wbemErrTransportFailure or WbemErrorEnum.wbemErrAccessDenied)
        {
            call.OpeningFailure = e;
            throw;
        }
    }

    private CimOperation StartEnumeration(OperationKind kind, string? description, IOperationSink sink, string resourceUri,
        IReadOnlyList<WsManSelector> selectors, WsManFilter? filter, string? polymorphism, Func<CimObject, bool>? accept)
    {
        var op = new CimOperation(kind, Namespace, description, sink, _shared.Registry);
        var call = Track(op, resourceUri, selectors);
        op.Run(_ => EnumerateAsync(call, filter, polymorphism, accept));
        return op;
    }

    private async Task EnumerateAsync(RemoteCall call, WsManFilter? filter, string? polymorphism, Func<CimObject, bool>? accept)
    {
        var batch = Math.Max(1, _session.Options.BatchSize);
        try
        {
            var headers = _session.Request(call.ResourceUri, WsManActions.Enumerate) with { Selectors = call.Selectors };
            var reply = await SendOpeningAsync(call, headers, new EnumerateBody
            {
                OptimizeEnumeration = true,
                MaxElements = batch,
                Filter = filter,
                PolymorphismMode = polymorphism,
            }).ConfigureAwait(false);
            var first = reply.Body as EnumerateResponseBody
                ?? throw Unexpected(reply, "EnumerateResponse");
            call.Context = first.EndOfSequence || string.IsNullOrEmpty(first.Context) ? null : first.Context;
            call.Opened.TrySetResult();
            if (call.Operation.IsEnded)
            {
                // Cancelled while the reply was on its way: release what it opened.
                await call.StartCancelAsync().ConfigureAwait(false);
                return;
            }
            if (!await DeliverAsync(call, first.Items, accept).ConfigureAwait(false))
            {
                return;
            }
            var timedOutOnce = false;
            while (call.Context is { } context && !call.Operation.IsEnded)
            {
                var pullHeaders = _session.Request(call.ResourceUri, WsManActions.Pull) with { Selectors = call.Selectors };
                PullResponseBody pulled;
                try
                {
                    if (await TrySendAsync(call, pullHeaders, new PullBody(context, batch)).ConfigureAwait(false) is not { } pullReply)
                    {
                        return;
                    }
                    pulled = pullReply.Body as PullResponseBody ?? throw Unexpected(pullReply, "PullResponse");
                }
                catch (WbemException e) when (!timedOutOnce && WsManFaultException.Of(e) is { Subcode.Name: "TimedOut" })
                {
                    // §1.7.3: nothing was ready within the timeout; the context stays valid — try once more.
                    timedOutOnce = true;
                    continue;
                }
                timedOutOnce = false;
                call.Context = pulled.EndOfSequence ? null : pulled.Context ?? context;
                if (!await DeliverAsync(call, pulled.Items, accept).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (call.Operation.IsEnded)
        {
            // Cancelled: the soft cancel below finishes the job.
        }
        finally
        {
            // Failed before the reply was read: there is nothing a cancel could release.
            call.Opened.TrySetResult();
            await AwaitSoftCancelAsync(call).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the soft cancel (Release/Unsubscribe) if one was started, ignoring its outcome here: Quiesced means
    /// "the server has acknowledged". Shared by the enumeration and subscription loops.
    /// </summary>
    private static async Task AwaitSoftCancelAsync(RemoteCall call)
    {
        if (call.CancelTask is { } cancel)
        {
            await cancel.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private static async Task<bool> DeliverAsync(RemoteCall call, IReadOnlyList<CimObject> items, Func<CimObject, bool>? accept)
    {
        foreach (var item in items)
        {
            if (accept is not null && !accept(item))
            {
                continue;
            }
            // Back-pressure: DeliverAsync waits while the sink is full, so the next Pull goes out only once the
            // consumer has taken this batch.
            if (!await call.Operation.DeliverAsync(item).ConfigureAwait(false))
            {
                return false;
            }
        }
        return !call.Operation.IsEnded;
    }

    private WbemException Unexpected(WsManEnvelope reply, string expected) =>
        new(WbemErrorEnum.wbemErrTransportFailure, $"{_session.To} answered with {reply.Body.GetType().Name} ({reply.Headers.Action}) where {expected} was expected.");

    private async Task SubscribeAsync(RemoteCall call, string query)
    {
        var options = _session.Options;
        try
        {
            var headers = _session.Request(call.ResourceUri, WsManActions.Subscribe) with { Selectors = call.Selectors };
            var reply = await SendOpeningAsync(call, headers, new SubscribeBody
            {
                DeliveryMode = WsManUris.PullDeliveryMode,
                Heartbeats = options.Heartbeat,
                Filter = new WsManQueryFilter(WsManUris.WqlDialect, query),
                SendBookmarks = true,
                ContentEncoding = "UTF-8",
            }).ConfigureAwait(false);
            var subscribed = reply.Body as SubscribeResponseBody ?? throw Unexpected(reply, "SubscribeResponse");
            call.SubscriptionId = subscribed.SubscriptionManager.Identifier ?? subscribed.Context;
            var context = subscribed.Context ?? throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                $"{_session.To} granted a subscription without an enumeration context (Pull mode).");
            call.Opened.TrySetResult();
            if (call.Operation.IsEnded)
            {
                await call.StartCancelAsync().ConfigureAwait(false);
                return;
            }
            // A Pull is held until an event, the heartbeat or the operation timeout; the reply must come within the
            // longer of those plus grace, else the server is gone.
            var pullTimeout = options.OperationTimeout > options.Heartbeat ? options.OperationTimeout : options.Heartbeat + options.ReplyGrace;
            while (!call.Operation.IsEnded)
            {
                var pullHeaders = _session.Request(call.ResourceUri, WsManActions.Pull, pullTimeout) with { Selectors = call.Selectors };
                PullResponseBody pulled;
                try
                {
                    if (await TrySendAsync(call, pullHeaders, new PullBody(context, options.BatchSize)).ConfigureAwait(false) is not { } pullReply)
                    {
                        return;
                    }
                    pulled = pullReply.Body as PullResponseBody ?? throw Unexpected(pullReply, "PullResponse");
                }
                catch (WbemException e) when (WsManFaultException.Of(e) is { Subcode.Name: "TimedOut" })
                {
                    // No event and no heartbeat requested in time: the subscription is still alive.
                    continue;
                }
                if (pulled.EndOfSequence)
                {
                    call.SubscriptionId = null;
                    throw new WbemException(WbemErrorEnum.wbemErrShuttingDown, $"{_session.To} ended the event subscription.");
                }
                context = pulled.Context ?? context;
                foreach (var item in pulled.Items)
                {
                    if (!await call.Operation.DeliverAsync(item).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (call.Operation.IsEnded)
        {
            // Cancelled: Unsubscribe is under way.
        }
        finally
        {
            // Failed before the reply was read: there is nothing a cancel could release.
            call.Opened.TrySetResult();
            await AwaitSoftCancelAsync(call).ConfigureAwait(false);
        }
    }
}

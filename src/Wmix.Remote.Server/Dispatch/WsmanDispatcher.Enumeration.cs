using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Hosting;
using Wmix.Remote.Server.Contexts;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Dispatch;

/// <summary>WS-Enumeration (Enumerate, Pull, Release) and Pull-mode WS-Eventing (Subscribe, Unsubscribe, Renew).</summary>
internal sealed partial class WsmanDispatcher
{
    /// <summary>Per-context settings a Pull needs again.</summary>
    private sealed record ContextState(WsManResourceUriStyle Style);

    /// <summary>How long a non-optimized Enumerate waits for the first result or failure (so bad queries fault at Enumerate, as on Windows).</summary>
    private static readonly TimeSpan s_firstResultWait = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_optimizedFirstResultWait = TimeSpan.FromMilliseconds(500);

    private async Task<WsmanReply> EnumerateAsync(Call call, CancellationToken ct)
    {
        var h = call.Headers;
        if (call.Request.Body is not EnumerateBody body)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidMessageInformationHeader, "The body is not an n:Enumerate.", null, WbemErrorEnum.wbemErrInvalidParameter));
        }
        var (ns, className, style) = ResourceOf(call);
        if (Check(call.Caller, ns, NamespaceRights.Read, "enumerate", className ?? "*") is { } denied)
        {
            return FaultReply(h, denied);
        }
        if (body.Mode != WsManEnumerationMode.Objects)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.UnsupportedFeature, "Only object enumeration is supported (not EnumerateEPR / EnumerateObjectAndEPR).", "EnumerationMode", WbemErrorEnum.wbemErrNotSupported));
        }
        var shallow = false;
        switch (body.PolymorphismMode)
        {
            case null or "IncludeSubClassProperties":
                break;
            case "None":
                shallow = true;
                break;
            default:
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.PolymorphismModeNotSupported, $"PolymorphismMode '{body.PolymorphismMode}' is not supported.", null, WbemErrorEnum.wbemErrNotSupported));
        }
        long expiresAt = 0;
        if (body.Expires is { Length: > 0 } expires)
        {
            TimeSpan lifetime;
            try
            {
                lifetime = CimXmlValues.ParseXsDuration(expires);
            }
            catch (FormatException)
            {
                return FaultReply(h, Fault(WsManFaultCode.Sender, new WsManSubcode(WsManNamespaces.Enumeration, "UnsupportedExpirationType"), "n:Expires must be a duration.", null, WbemErrorEnum.wbemErrInvalidParameter));
            }
            if (lifetime <= TimeSpan.Zero)
            {
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.EnumerationInvalidExpirationTime, "n:Expires must be positive.", null, WbemErrorEnum.wbemErrInvalidParameter));
            }
            expiresAt = Environment.TickCount64 + (long)Math.Min(lifetime.TotalMilliseconds, TimeSpan.FromDays(1).TotalMilliseconds);
        }
        var connection = _engine.Connect(ns);
        var options = CallOptions.Default with { Shallow = shallow };
        Func<IOperationSink, CimOperation> start;
        switch (body.Filter)
        {
            case null when className is null:
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.UnsupportedFeature, "Enumerating all classes needs a filter (a WQL query).", "FilteringRequired", WbemErrorEnum.wbemErrInvalidParameter));
            case null:
                start = s => connection.InstancesOf(className!, options, s);
                break;
            case WsManQueryFilter { Dialect: WsManUris.WqlDialect } q:
                start = s => connection.ExecQuery(q.Text, "WQL", options, s);
                break;
            case WsManQueryFilter q:
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.FilterDialectRequestedUnavailable, $"Filter dialect '{q.Dialect}' is not supported; use WQL ({WsManUris.WqlDialect}).", null, WbemErrorEnum.wbemErrInvalidQueryType));
            case WsManAssociationFilter a:
                var source = WsManPaths.ToObjectPath(a.Object, ns);
                var sourceNs = source.Namespace ?? ns;
                if (!string.Equals(AccessRules.Normalize(sourceNs), AccessRules.Normalize(ns), StringComparison.Ordinal)
                    && Check(call.Caller, sourceNs, NamespaceRights.Read, "enumerate", source.ToString()) is { } deniedSource)
                {
                    return FaultReply(h, deniedSource);
                }
                if (source.ClassName is { } sc && ClassOf(sourceNs, sc) is { } scls)
                {
                    source = WsManPaths.BindKeys(source, scls);
                }
                var sourcePath = source.WithLocation(null, null).ToString();
                start = a.Associators
                    ? s => connection.AssociatorsOf(sourcePath, new AssociatorsFilter(a.AssociationClassName, a.ResultClassName, a.ResultRole, a.Role), options, s)
                    : s => connection.ReferencesTo(sourcePath, new ReferencesFilter(a.ResultClassName, a.Role), options, s);
                break;
            default:
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.FilterDialectRequestedUnavailable, "Unsupported filter.", null, WbemErrorEnum.wbemErrInvalidQueryType));
        }

        var context = OpenContext(call, ContextKind.Enumeration, ns, style, start, _options.EnumerationIdleTimeout, expiresAt, TimeSpan.Zero, false, out var refusal);
        if (context is null)
        {
            return refusal!.Value;
        }
        // Bad queries and unknown classes fault here rather than at the first Pull.
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            // An optimized Enumerate answers with what is ready within a short window, not the whole OperationTimeout:
            // until its reply names the context the client cannot Release it, so a cancel waits for this reply
            // (issue #6). A slow provider's items then come with the first Pull.
            wait.CancelAfter(TimeSpan.FromTicks(Math.Min(call.Timeout.Ticks,
                (body.OptimizeEnumeration ? s_optimizedFirstResultWait : s_firstResultWait).Ticks)));
            try
            {
                await context.Sink.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // Nothing yet: a slow provider; the Pulls will wait for it.
            }
            catch (OperationCanceledException)
            {
                _contexts.Remove(context.Id);
                throw;
            }
        }
        if (context.Sink.IsCompleted && !context.Sink.Status.IsSuccess && !context.Sink.Reader.TryPeek(out _))
        {
            var status = context.Sink.Status;
            _contexts.Remove(context.Id);
            return FaultReply(h, WsManFaults.FromWbemError(status.Code, status.Message, inQuery: body.Filter is not null));
        }
        if (!body.OptimizeEnumeration)
        {
            ContextTable.EndPull(context);
            return Reply(call, WsManActions.EnumerateResponse, new EnumerateResponseBody(context.Id, [], false), ns, style);
        }
        return await PullFromAsync(call, context, body.MaxElements ?? 1, TimeSpan.Zero, optimizedEnumerate: true, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a context and starts its operation; takes one outstanding-operation slot of the client for its life.
    /// The context is returned held (Busy) so the sweeper leaves it alone until the first reply is out.
    /// </summary>
    private ServerContext? OpenContext(Call call, ContextKind kind, string ns, WsManResourceUriStyle style, Func<IOperationSink, CimOperation> start,
        TimeSpan idle, long expiresAt, TimeSpan heartbeat, bool sendBookmarks, out WsmanReply? refusal)
    {
        refusal = null;
        var caller = call.Caller;
        if (!_limiter.TryAcquireContext(caller.ClientKey))
        {
            refusal = FaultReply(call.Headers, Fault(WsManFaultCode.Receiver, WsManSubcode.QuotaLimit,
                $"Too many open enumerations and subscriptions for this client (limit {_options.MaxOperationsPerClient}); release some.", null, WbemErrorEnum.wbemErrServerTooBusy));
            return null;
        }
        var sink = new ChannelOperationSink(_options.ContextBufferCapacity);
        var context = new ServerContext(kind, WsManMessages.NewMessageId(), caller.Principal.User, caller.ClientKey, ns, call.Headers.ResourceUri ?? "", sink)
        {
            IdleTimeout = idle,
            Heartbeat = heartbeat,
            SendBookmarks = sendBookmarks,
            State = new ContextState(style),
            ExpiresAt = expiresAt,
            Busy = true,
        };
        try
        {
            context.Operation = _engine.Start(() => start(sink));
        }
        catch
        {
            // Up-front failure (bad arguments): no context, give the slot back; the caller maps the exception.
            _limiter.ReleaseContext(caller.ClientKey);
            throw;
        }
        // Added after the operation exists: the table's end action (cancel + slot release) then always has both.
        _contexts.Add(context);
        return context;
    }

    private async Task<WsmanReply> PullAsync(Call call, CancellationToken ct)
    {
        var h = call.Headers;
        if (call.Request.Body is not PullBody body)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidMessageInformationHeader, "The body is not an n:Pull.", null, WbemErrorEnum.wbemErrInvalidParameter));
        }
        switch (_contexts.TryBeginPull(body.Context, call.Caller.Principal.User, out var context))
        {
            case PullRefusal.Invalid:
                return InvalidContext(h);
            case PullRefusal.Busy:
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.Concurrency, "Another Pull on this context is outstanding.", null, WbemErrorEnum.wbemErrServerTooBusy));
        }
        var wait = body.MaxTime is { } mt && mt < call.Timeout ? mt : call.Timeout;
        return await PullFromAsync(call, context!, body.MaxElements ?? 1, wait, optimizedEnumerate: false, ct).ConfigureAwait(false);
    }

    private static WsmanReply InvalidContext(WsManHeaders h) =>
        FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidEnumerationContext,
            "The enumeration context is not valid: it ended, expired or was released.", null, WbemErrorEnum.wbemErrInvalidParameter));

    /// <summary>
    /// Answers a Pull (or an optimized Enumerate) from a held context: up to <paramref name="maxElements"/> items that
    /// fit the envelope, waiting up to <paramref name="wait"/> for the first one. Ends the context at the end of the
    /// sequence; always releases the hold.
    /// </summary>
    private async Task<WsmanReply> PullFromAsync(Call call, ServerContext context, int maxElements, TimeSpan wait, bool optimizedEnumerate, CancellationToken ct)
    {
        var h = call.Headers;
        var style = ((ContextState)context.State!).Style;
        var isSubscription = context.Kind == ContextKind.Subscription;
        if (isSubscription && context.Heartbeat > TimeSpan.Zero && context.Heartbeat < wait)
        {
            wait = context.Heartbeat;
        }
        maxElements = Math.Clamp(maxElements, 1, _options.MaxBatchItems);
        var items = new List<CimObject>();
        var ended = false;
        try
        {
            Take(context, items, maxElements);
            if (items.Count == 0 && wait > TimeSpan.Zero)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                cts.CancelAfter(wait);
                try
                {
                    await context.Sink.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Nothing arrived in time: heartbeat or w:TimedOut below.
                }
                Take(context, items, maxElements);
            }
            ended = items.Count == 0 && context.Held.Count == 0 && context.Sink.IsCompleted && !context.Sink.Reader.TryPeek(out _);
            if (ended && (!context.Sink.Status.IsSuccess || isSubscription))
            {
                var status = context.Sink.Status;
                _contexts.Remove(context.Id);
                if (status.Code == WbemErrorEnum.wbemErrCallCancelled)
                {
                    // Released, unsubscribed or expired while this Pull waited.
                    return InvalidContext(h);
                }
                return FaultReply(h, isSubscription
                    ? Fault(WsManFaultCode.Receiver, WsManSubcode.EventSourceUnableToProcess, status.Message ?? "The subscription ended.", null, status.IsSuccess ? WbemErrorEnum.wbemErrFailed : status.Code)
                    : WsManFaults.FromWbemError(status.Code, status.Message));
            }
            if (items.Count == 0 && !ended && !optimizedEnumerate)
            {
                if (isSubscription && context.Heartbeat > TimeSpan.Zero)
                {
                    // Heartbeat: an empty PullResponse that keeps the context (OMI's choice, safe for Windows clients).
                    return Reply(call, WsManActions.PullResponse, new PullResponseBody(context.Id, [], false), context.Namespace, style,
                        context.SendBookmarks ? context.Bookmark : null);
                }
                return FaultReply(h, Fault(WsManFaultCode.Receiver, WsManSubcode.TimedOut, "No results within the OperationTimeout; the context stays valid, pull again.", null, WbemErrorEnum.wbemErrTimedout));
            }
            // Fit the envelope: drop trailing items back into the context until the reply is small enough.
            while (true)
            {
                ended = !isSubscription && context.Held.Count == 0 && context.Sink.IsCompleted && context.Sink.Status.IsSuccess && !context.Sink.Reader.TryPeek(out _);
                WsManBody body = optimizedEnumerate
                    ? new EnumerateResponseBody(ended ? "" : context.Id, items, ended)
                    : new PullResponseBody(ended ? null : context.Id, items, ended);
                var reply = Reply(call, optimizedEnumerate ? WsManActions.EnumerateResponse : WsManActions.PullResponse, body, context.Namespace, style,
                    context.SendBookmarks ? BookmarkAfter(context, items.Count) : null);
                if (reply.Body.Length <= call.MaxEnvelope)
                {
                    context.Advance(items.Count);
                    if (ended)
                    {
                        _contexts.Remove(context.Id);
                    }
                    return reply;
                }
                if (items.Count <= 1)
                {
                    // OMI keeps the context so the client can retry with a larger MaxEnvelopeSize.
                    PutBack(context, items);
                    ended = false;
                    return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.EncodingLimit,
                        $"The next item does not fit in MaxEnvelopeSize {call.MaxEnvelope}; pull with a larger one.", "MaxEnvelopeSize", WbemErrorEnum.wbemErrInvalidParameter));
                }
                var keep = Math.Max(1, (int)(items.Count * (long)call.MaxEnvelope / reply.Body.Length * 9 / 10));
                if (keep >= items.Count)
                {
                    keep = items.Count - 1;
                }
                PutBack(context, items.GetRange(keep, items.Count - keep));
                items.RemoveRange(keep, items.Count - keep);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away mid-Pull: keep what was taken for the next Pull (or the expiry).
            PutBack(context, items);
            throw;
        }
        finally
        {
            if (!ended)
            {
                ContextTable.EndPull(context);
            }
        }
    }

    private static string BookmarkAfter(ServerContext context, int count) =>
        $"wmix:{context.Id}:{context.CreatedAt}:{context.Sequence + count}";

    private static void Take(ServerContext context, List<CimObject> items, int max)
    {
        while (items.Count < max && context.Held.First is { } first)
        {
            items.Add(first.Value);
            context.Held.RemoveFirst();
        }
        while (items.Count < max && context.Sink.Reader.TryRead(out var o))
        {
            items.Add(o);
        }
    }

    private static void PutBack(ServerContext context, List<CimObject> items)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            context.Held.AddFirst(items[i]);
        }
    }

    private WsmanReply Release(Call call)
    {
        if (call.Request.Body is not ReleaseBody body)
        {
            return FaultReply(call.Headers, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidMessageInformationHeader, "The body is not an n:Release.", null, WbemErrorEnum.wbemErrInvalidParameter));
        }
        // Release is the cancel: it ends the context even while a Pull is parked on it (that Pull then faults).
        return _contexts.TryGetOwned(body.Context, call.Caller.Principal.User, out _) && _contexts.Remove(body.Context)
            ? Reply(call, WsManActions.ReleaseResponse, WsManEmptyBody.Instance, DefaultNamespace, WsManResourceUriStyle.Wmi)
            : InvalidContext(call.Headers);
    }

    private async Task<WsmanReply> SubscribeAsync(Call call, CancellationToken ct)
    {
        var h = call.Headers;
        if (call.Request.Body is not SubscribeBody body)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidMessageInformationHeader, "The body is not an e:Subscribe.", null, WbemErrorEnum.wbemErrInvalidParameter));
        }
        var (ns, className, style) = ResourceOf(call);
        if (Check(call.Caller, ns, NamespaceRights.Subscribe, "subscribe", className ?? "*") is { } denied)
        {
            return FaultReply(h, denied);
        }
        if (!string.Equals(body.DeliveryMode, WsManUris.PullDeliveryMode, StringComparison.Ordinal))
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.DeliveryModeRequestedUnavailable,
                "Only Pull delivery is supported: events travel on the client's own connection, the server never connects back.", null, WbemErrorEnum.wbemErrNotSupported));
        }
        string query;
        switch (body.Filter)
        {
            case WsManQueryFilter { Dialect: WsManUris.WqlDialect } q:
                query = q.Text;
                break;
            case null when className is not null:
                query = "SELECT * FROM " + className;
                break;
            default:
                return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.FilteringRequestedUnavailable, "Subscribe needs a WQL event query filter.", null, WbemErrorEnum.wbemErrInvalidQueryType));
        }
        if (body.Heartbeats is { } hb && hb <= TimeSpan.Zero)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.UnsupportedFeature, "w:Heartbeats must be a positive duration.", "Heartbeats", WbemErrorEnum.wbemErrInvalidParameter));
        }
        if (body.Bookmark is { } bookmark && bookmark != WsManUris.EarliestBookmark && !bookmark.StartsWith("wmix:", StringComparison.Ordinal))
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidBookmark, "The bookmark was not issued by this server.", "InvalidFormat", WbemErrorEnum.wbemErrInvalidParameter));
        }
        if (body.Expires is { } requested && requested <= TimeSpan.Zero)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.EventingInvalidExpirationTime, "e:Expires must be a positive duration.", "ExpirationTime", WbemErrorEnum.wbemErrInvalidParameter));
        }
        var granted = body.Expires is { } e && e < _options.MaxSubscriptionExpiry ? e : _options.MaxSubscriptionExpiry;
        var heartbeat = body.Heartbeats ?? TimeSpan.Zero;
        // Two missed heartbeats (no Pull attached) end the subscription; without heartbeats the idle limit does.
        var idle = heartbeat > TimeSpan.Zero ? heartbeat * 2 + TimeSpan.FromSeconds(1) : _options.SubscriptionIdleTimeout;
        var connection = _engine.Connect(ns);
        var context = OpenContext(call, ContextKind.Subscription, ns, style, s => connection.ExecNotificationQuery(query, "WQL", CallOptions.Default, s),
            idle, Environment.TickCount64 + (long)granted.TotalMilliseconds, heartbeat, body.SendBookmarks, out var refusal);
        if (context is null)
        {
            return refusal!.Value;
        }
        // A query the event system rejects after the call returned still faults the Subscribe.
        await Task.Yield();
        if (context.Sink.IsCompleted && !context.Sink.Status.IsSuccess)
        {
            var status = context.Sink.Status;
            _contexts.Remove(context.Id);
            return FaultReply(h, WsManFaults.FromWbemError(status.Code, status.Message, inQuery: true));
        }
        ContextTable.EndPull(context);
        ct.ThrowIfCancellationRequested();
        var manager = new WsManEndpointReference(h.To ?? WsManUris.Anonymous, h.ResourceUri, [], context.Id);
        return Reply(call, WsManActions.SubscribeResponse, new SubscribeResponseBody(manager, granted, context.Id), ns, style);
    }

    private WsmanReply Unsubscribe(Call call)
    {
        var id = call.Headers.SubscriptionIdentifier;
        return id is not null && _contexts.TryGetOwned(id, call.Caller.Principal.User, out var c) && c!.Kind == ContextKind.Subscription && _contexts.Remove(id)
            ? Reply(call, WsManActions.UnsubscribeResponse, WsManEmptyBody.Instance, DefaultNamespace, WsManResourceUriStyle.Wmi)
            : InvalidContext(call.Headers);
    }

    private WsmanReply Renew(Call call)
    {
        var id = call.Headers.SubscriptionIdentifier;
        if (id is null || !_contexts.TryGetOwned(id, call.Caller.Principal.User, out var c) || c!.Kind != ContextKind.Subscription)
        {
            return FaultReply(call.Headers, Fault(WsManFaultCode.Sender, WsManSubcode.UnableToRenew, "The subscription does not exist or has expired.", null, WbemErrorEnum.wbemErrInvalidParameter));
        }
        var requested = (call.Request.Body as RenewBody)?.Expires;
        var granted = requested is { } r && r > TimeSpan.Zero && r < _options.MaxSubscriptionExpiry ? r : _options.MaxSubscriptionExpiry;
        ContextTable.Renew(c, Environment.TickCount64 + (long)granted.TotalMilliseconds);
        return Reply(call, WsManActions.RenewResponse, new RenewBody(granted, IsResponse: true), c.Namespace, ((ContextState)c.State!).Style);
    }
}

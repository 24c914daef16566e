using System.Collections.Concurrent;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Client;

/// <summary>
/// The state shared by every namespace connection to one server: the HTTP transport, the resource-URI style the
/// peer wants, and the class definitions fetched so far (instances carry no types on the wire, §1.6).
/// </summary>
internal sealed class WsManSession : IDisposable
{
    // One fetch per class per namespace, shared by concurrent callers; failed fetches (faults) are cached as null,
    // transport failures are not cached so a later call retries.
    private readonly ConcurrentDictionary<(string Ns, string Class), Task<CimClass?>> _classes = new();
    private int _disposed;

    public WsManSession(WsManTransport transport, string serverName)
    {
        Transport = transport;
        ServerName = serverName;
    }

    public WsManTransport Transport { get; }

    public WsManClientOptions Options => Transport.Options;

    public string ServerName { get; }

    public WsManResourceUriStyle Style { get; set; } = WsManResourceUriStyle.Wmi;

    public IdentifyResponseBody? Identity { get; private set; }

    public string To => Transport.Endpoint.ToString();

    public WsManHeaders Request(string? resourceUri, string action, TimeSpan? operationTimeout = null) =>
        WsManMessages.Request(To, resourceUri, action, operationTimeout ?? Options.OperationTimeout, Options.MaxEnvelopeSize, Options.Locale);

    /// <summary>An authenticated Identify: proves the endpoint speaks WS-Management and accepts the credentials.</summary>
    public async Task<IdentifyResponseBody> IdentifyAsync(CancellationToken cancellationToken)
    {
        var headers = new WsManHeaders { MessageId = WsManMessages.NewMessageId() };
        var reply = await SendAsync(headers, new IdentifyBody(), @"root\cimv2", cancellationToken).ConfigureAwait(false);
        var identity = reply.Body as IdentifyResponseBody
            ?? throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"{To} answered Identify with {reply.Body.GetType().Name}.");
        Identity = identity;
        // §1.5.1: the WMI form for Windows and Wmix peers, the DMTF form (+ __cimnamespace) for others (OMI).
        Style = identity.ProductVendor is { } v && (v.Contains("Microsoft", StringComparison.OrdinalIgnoreCase) || v.Contains("Wmix", StringComparison.OrdinalIgnoreCase))
            ? WsManResourceUriStyle.Wmi
            : WsManResourceUriStyle.Dmtf;
        // Plain HTTP: only a Wmix server is asked whether it speaks h2c (one more Identify); others stay on HTTP/1.1
        // without ever seeing a preface they might not survive. Issue #6: one connection for all outstanding calls.
        if (identity.ProductVendor?.Contains("Wmix", StringComparison.OrdinalIgnoreCase) == true)
        {
            var probe = WsManWriter.ToBytes(new WsManEnvelope(new WsManHeaders { MessageId = WsManMessages.NewMessageId() }, new IdentifyBody()),
                new CimXmlWriteOptions(@"root\cimv2", Style));
            await Transport.TryHttp2PriorKnowledgeAsync(probe, Options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        }
        return identity;
    }

    /// <summary>
    /// Sends one request and returns the reply; a SOAP fault is thrown as a <see cref="WbemException"/> whose inner
    /// exception is a <see cref="WsManFaultException"/>. Classes named in the reply and not cached yet are fetched,
    /// then the reply is decoded against them.
    /// </summary>
    public async Task<WsManEnvelope> SendAsync(WsManHeaders headers, WsManBody body, string @namespace, CancellationToken cancellationToken,
        TimeSpan? replyWithin = null) =>
        await TrySendAsync(headers, body, @namespace, cancellationToken, replyWithin).ConfigureAwait(false)
            ?? throw new OperationCanceledException(cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync"/>, but a request abandoned through <paramref name="cancellationToken"/> while it
    /// waits for its reply gives null instead of throwing (a cancelled call's usual end; see
    /// <see cref="WsManTransport.TryPostAsync"/>).
    /// </summary>
    public async Task<WsManEnvelope?> TrySendAsync(WsManHeaders headers, WsManBody body, string @namespace, CancellationToken cancellationToken,
        TimeSpan? replyWithin = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bytes = WsManWriter.ToBytes(new WsManEnvelope(headers, body), new CimXmlWriteOptions(@namespace, Style));
        var wait = replyWithin ?? (headers.OperationTimeout ?? Options.OperationTimeout) + Options.ReplyGrace;
        if (await Transport.TryPostAsync(bytes, wait, cancellationToken).ConfigureAwait(false) is not { } reply)
        {
            return null;
        }
        var limits = new WsManReaderLimits { MaxCharacters = Options.MaxEnvelopeSize };
        // One pass in the steady state: decode against the classes cached so far, noting any class the reply names
        // that is not cached yet. Only then (first contact with a class) fetch those and decode again. Reading every
        // reply twice (a scan for class names, then the decode) cost a full XML parse per PullResponse (#6).
        var resolver = new CacheResolver(this);
        WsManEnvelope? envelope = null;
        WsManProtocolException? unreadable = null;
        try
        {
            envelope = WsManReader.Read(reply, new CimXmlReadContext(@namespace, resolver, ServerName), limits);
        }
        catch (WsManProtocolException e)
        {
            // Perhaps only unreadable without a class definition; retried below when a class was missing.
            unreadable = e;
        }
        if (resolver.Missing is { } missing)
        {
            foreach (var (ns, cls) in missing)
            {
                await GetClassAsync(ns, cls, cancellationToken).ConfigureAwait(false);
            }
            try
            {
                envelope = WsManReader.Read(reply, new CimXmlReadContext(@namespace, new CacheResolver(this), ServerName), limits);
                unreadable = null;
            }
            catch (WsManProtocolException e)
            {
                unreadable = e;
            }
        }
        if (unreadable is not null || envelope is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"{To} sent an unreadable reply: {unreadable?.Message}", unreadable);
        }
        if (envelope.Body is FaultBody fault)
        {
            throw new WsManFaultException(fault.Fault).ToWbemException();
        }
        if (headers.MessageId is { } id && !WsManMessages.RelatesTo(envelope.Headers, id))
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                $"{To} answered message {id} with a reply to '{envelope.Headers.RelatesTo}'.");
        }
        return envelope;
    }

    /// <summary>The class definition (fetched once, with its superclasses), or null when the server has none to give.</summary>
    public Task<CimClass?> GetClassAsync(string @namespace, string className, CancellationToken cancellationToken)
    {
        var key = (@namespace.ToUpperInvariant(), className.ToUpperInvariant());
        if (!_classes.TryGetValue(key, out var task))
        {
            var fill = new TaskCompletionSource<CimClass?>(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _classes.GetOrAdd(key, fill.Task);
            if (task == fill.Task)
            {
                _ = FillAsync(fill, key, @namespace, className);
            }
        }
        return task.WaitAsync(cancellationToken);
    }

    private async Task FillAsync(TaskCompletionSource<CimClass?> fill, (string, string) key, string @namespace, string className)
    {
        try
        {
            // Shared by every caller, so not bound to one caller's token; the request has its own timeout.
            fill.SetResult(await FetchClassAsync(@namespace, className, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            // Transport failures are not remembered: the next caller tries again.
            _classes.TryRemove(new KeyValuePair<(string, string), Task<CimClass?>>(key, fill.Task));
            fill.SetException(e);
        }
    }

    /// <summary>Forgets a cached class (after a Put or Delete of it).</summary>
    public void Forget(string @namespace, string className) =>
        _classes.TryRemove((@namespace.ToUpperInvariant(), className.ToUpperInvariant()), out _);

    /// <summary>Fetches a class definition afresh, bypassing and refreshing the cache.</summary>
    public async Task<CimClass> FetchClassFreshAsync(string @namespace, string className, CancellationToken cancellationToken)
    {
        var reply = await SendClassGetAsync(@namespace, className, cancellationToken).ConfigureAwait(false);
        var cls = reply.Body is ObjectBody { Value: CimClass c } ? c
            : throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"{To} answered a class Get without a CLASS.");
        var key = (@namespace.ToUpperInvariant(), className.ToUpperInvariant());
        _classes[key] = Task.FromResult<CimClass?>(cls);
        return cls;
    }

    private async Task<CimClass?> FetchClassAsync(string @namespace, string className, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await SendClassGetAsync(@namespace, className, cancellationToken).ConfigureAwait(false);
            return reply.Body is ObjectBody { Value: CimClass c } ? c : null;
        }
        catch (WbemException e) when (WsManFaultException.Of(e) is not null && e.ErrorCode is not WbemErrorEnum.wbemErrAccessDenied)
        {
            // The server has no definition to give (unknown class, or no class resource): decode without it.
            return null;
        }
    }

    private Task<WsManEnvelope> SendClassGetAsync(string @namespace, string className, CancellationToken cancellationToken)
    {
        var headers = Request(WsManResource.ClassDefinitionUri, WsManActions.Get) with
        {
            Selectors =
            [
                new WsManSelector(WsManSelector.CimNamespace, WsManResource.WireNamespace(@namespace)),
                new WsManSelector(WsManSelector.ClassName, className),
            ],
        };
        return SendAsync(headers, WsManEmptyBody.Instance, @namespace, cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Transport.Dispose();
        }
    }

    /// <summary>
    /// Answers the decoder from the classes already fetched (decoding is synchronous) and notes the classes asked for
    /// that were never fetched, so that the caller can fetch them and decode again. One per decode.
    /// </summary>
    private sealed class CacheResolver(WsManSession session) : ICimClassResolver
    {
        /// <summary>Classes asked for that are not cached (nor known to be absent), in order of first request; null when none.</summary>
        public List<(string Ns, string Class)>? Missing { get; private set; }

        public CimClass? ResolveClass(string? @namespace, string className)
        {
            if (@namespace is null)
            {
                return null;
            }
            if (session._classes.TryGetValue((@namespace.ToUpperInvariant(), className.ToUpperInvariant()), out var task) && task.IsCompletedSuccessfully)
            {
                return task.Result;
            }
            // MSFT_WmiError travels in faults, which are decoded without it; names that are no identifiers cannot be fetched.
            if (CimNames.IsIdentifier(className) && !className.StartsWith("MSFT_WmiError", StringComparison.Ordinal)
                && !(Missing ??= []).Contains((@namespace, className)))
            {
                Missing.Add((@namespace, className));
            }
            return null;
        }
    }
}

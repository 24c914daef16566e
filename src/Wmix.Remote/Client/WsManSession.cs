using System.Collections.Concurrent;
using System.Xml;
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
    private readonly CacheResolver _resolver;
    private int _disposed;

    public WsManSession(WsManTransport transport, string serverName)
    {
        Transport = transport;
        ServerName = serverName;
        _resolver = new CacheResolver(this);
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
        return identity;
    }

    /// <summary>
    /// Sends one request and returns the reply; a SOAP fault is thrown as a <see cref="WbemException"/> whose inner
    /// exception is a <see cref="WsManFaultException"/>. Classes named in the reply are fetched first.
    /// </summary>
    public async Task<WsManEnvelope> SendAsync(WsManHeaders headers, WsManBody body, string @namespace, CancellationToken cancellationToken,
        TimeSpan? replyWithin = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bytes = WsManWriter.ToBytes(new WsManEnvelope(headers, body), new CimXmlWriteOptions(@namespace, Style));
        var wait = replyWithin ?? (headers.OperationTimeout ?? Options.OperationTimeout) + Options.ReplyGrace;
        var reply = await Transport.PostAsync(bytes, wait, cancellationToken).ConfigureAwait(false);
        foreach (var (ns, cls) in ScanClasses(reply, @namespace))
        {
            await GetClassAsync(ns, cls, cancellationToken).ConfigureAwait(false);
        }
        WsManEnvelope envelope;
        try
        {
            envelope = WsManReader.Read(reply, new CimXmlReadContext(@namespace, _resolver, ServerName),
                new WsManReaderLimits { MaxCharacters = Options.MaxEnvelopeSize });
        }
        catch (WsManProtocolException e)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"{To} sent an unreadable reply: {e.Message}", e);
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

    /// <summary>
    /// The classes a reply's body names — instance elements, <c>xsi:type</c>s of embedded objects, method
    /// parameter elements, superclasses of <c>CLASS</c> elements — that are not cached yet. Cheap: one forward pass.
    /// </summary>
    private List<(string Ns, string Class)> ScanClasses(byte[] reply, string defaultNamespace)
    {
        var found = new List<(string, string)>();
        try
        {
            using var r = WsManXml.CreateReader(reply, new WsManReaderLimits { MaxCharacters = Options.MaxEnvelopeSize });
            var inBody = false;
            var bodyDepth = -1;
            var inResourceUri = false;
            while (r.Read())
            {
                if (r.NodeType == XmlNodeType.EndElement && inBody && r.Depth == bodyDepth)
                {
                    break;
                }
                if (inResourceUri && r.NodeType == XmlNodeType.Text)
                {
                    // The resource URI of a reference (an EPR in a property): its class types the reference's keys.
                    // Only within the request's namespace, where the caller's rights are known to reach: a
                    // reference into another namespace keeps text keys rather than risk a refused class fetch.
                    var target = r.Value.Trim();
                    var targetNs = NamespaceOf(target);
                    if ((target.StartsWith(WsManResource.WmiPrefix, StringComparison.OrdinalIgnoreCase)
                            || target.StartsWith(WsManResource.DmtfPrefix, StringComparison.OrdinalIgnoreCase))
                        && (targetNs is null || string.Equals(targetNs, defaultNamespace, StringComparison.OrdinalIgnoreCase)))
                    {
                        Add(found, defaultNamespace, target[(target.LastIndexOf('/') + 1)..]);
                    }
                }
                if (r.NodeType != XmlNodeType.Element)
                {
                    continue;
                }
                inResourceUri = inBody && r.LocalName == "ResourceURI" && r.NamespaceURI == WsManNamespaces.WsMan;
                if (!inBody)
                {
                    if (r.LocalName == "Body" && r.NamespaceURI == WsManNamespaces.Soap)
                    {
                        inBody = true;
                        bodyDepth = r.Depth;
                    }
                    continue;
                }
                if (r.Depth == bodyDepth + 1 && r.LocalName == "Fault" && r.NamespaceURI == WsManNamespaces.Soap)
                {
                    break;
                }
                var uri = r.NamespaceURI;
                if (uri.Length == 0 && r.LocalName == "CLASS" && r.GetAttribute("SUPERCLASS") is { Length: > 0 } super)
                {
                    Add(found, defaultNamespace, super);
                }
                else if (uri.StartsWith(WsManResource.WmiPrefix, StringComparison.OrdinalIgnoreCase)
                    || uri.StartsWith(WsManResource.DmtfPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    var cls = uri[(uri.LastIndexOf('/') + 1)..];
                    var local = r.LocalName;
                    if (local == cls || local.EndsWith("_INPUT", StringComparison.Ordinal) || local.EndsWith("_OUTPUT", StringComparison.Ordinal))
                    {
                        Add(found, NamespaceOf(uri) ?? defaultNamespace, cls);
                    }
                }
                if (r.GetAttribute("type", WsManNamespaces.Xsi) is { } type && type.EndsWith("_Type", StringComparison.Ordinal))
                {
                    var colon = type.IndexOf(':', StringComparison.Ordinal);
                    var typeNs = r.LookupNamespace(colon < 0 ? "" : type[..colon]) ?? "";
                    if (typeNs != WsManNamespaces.WsCimCommon)
                    {
                        Add(found, NamespaceOf(typeNs) ?? defaultNamespace, type[(colon + 1)..^"_Type".Length]);
                    }
                }
            }
        }
        catch (WsManProtocolException)
        {
            // The full read that follows reports it.
        }
        return found;

        void Add(List<(string, string)> list, string ns, string cls)
        {
            if (!CimNames.IsIdentifier(cls) || cls.StartsWith("MSFT_WmiError", StringComparison.Ordinal))
            {
                return;
            }
            var key = (ns.ToUpperInvariant(), cls.ToUpperInvariant());
            if (_classes.TryGetValue(key, out var known) && known.IsCompletedSuccessfully)
            {
                return;
            }
            if (!list.Contains((ns, cls)))
            {
                list.Add((ns, cls));
            }
        }
    }

    private static string? NamespaceOf(string uri) =>
        uri.StartsWith(WsManResource.WmiPrefix, StringComparison.OrdinalIgnoreCase) && WsManResource.TryParse(uri, null, out var res) ? res.Namespace : null;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Transport.Dispose();
        }
    }

    /// <summary>Answers the decoder from the classes already fetched (decoding is synchronous; fetching happened before).</summary>
    private sealed class CacheResolver(WsManSession session) : ICimClassResolver
    {
        public CimClass? ResolveClass(string? @namespace, string className)
        {
            if (@namespace is null)
            {
                return null;
            }
            return session._classes.TryGetValue((@namespace.ToUpperInvariant(), className.ToUpperInvariant()), out var task)
                && task.IsCompletedSuccessfully ? task.Result : null;
        }
    }
}

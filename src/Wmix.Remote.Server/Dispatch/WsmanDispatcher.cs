using System.Collections.Concurrent;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Contexts;
using Wmix.Remote.Server.Hosting;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Dispatch;

/// <summary>
/// Reads each request with the codec's hardened reader, checks the caller's rights on the namespace, runs the
/// call through the engine's <see cref="ICimConnection"/> (one engine, one path), and writes the reply or the fault
/// that carries the WMI error (spec §1.9.4). Enumerations and subscriptions become <see cref="ServerContext"/>s.
/// </summary>
internal sealed partial class WsmanDispatcher : IWsmanDispatcher
{
    /// <summary>The namespace of DMTF-style requests without <c>__cimnamespace</c> (Windows uses root\hardware; Wmix's classes live in root\cimv2).</summary>
    private const string DefaultNamespace = @"root\cimv2";

    private static readonly HashSet<string> s_knownOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "IncludeInheritanceHierarchy", "IncludeInheritedElements", "IncludeQualifiers", "IncludeClassOrigin",
        "wmi:IncludeInheritanceHierarchy", "wmi:IncludeInheritedElements", "wmi:IncludeQualifiers", "wmi:IncludeClassOrigin",
        "msftwinrm:UsePreciseArrays", WsManUris.IncludePropertyMetadataOption, "__MI_CallbackRegistration",
        "wmiarray:__MI_OPERATIONOPTIONS_CHANNELVALUE", "wmi:__MI_OPERATIONOPTIONS_WRITEERRORMODE",
        "wmiarray:__MIInstanceModifiedPropertiesList",
    };

    private readonly WsmanServerOptions _options;
    private readonly ServerEngine _engine;
    private readonly ContextTable _contexts;
    private readonly ClientLimiter _limiter;
    private readonly AccessRules _rules;
    private readonly AuditLog _audit;
    private readonly ConcurrentDictionary<(string, string), (CimClass Class, long At)> _classes = new();

    public WsmanDispatcher(WsmanServerOptions options, ServerEngine engine, ContextTable contexts, ClientLimiter limiter, AccessRules rules, AuditLog audit)
    {
        _options = options;
        _engine = engine;
        _contexts = contexts;
        _limiter = limiter;
        _rules = rules;
        _audit = audit;
    }

    /// <summary>What one request is about, once read.</summary>
    private sealed record Call(WsmanCaller Caller, WsManEnvelope Request, int MaxEnvelope, TimeSpan Timeout, bool IncludeTypes)
    {
        public WsManHeaders Headers => Request.Headers;
    }

    public async Task<WsmanReply> DispatchAsync(WsmanCaller caller, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken)
    {
        WsManEnvelope request;
        try
        {
            request = WsManReader.Read(envelope, new CimXmlReadContext(null, new Resolver(this, caller)), ReaderLimits);
        }
        catch (WsManProtocolException e)
        {
            return FaultReply(null, WsManFaults.FromProtocolError(e));
        }
        var h = request.Headers;
        if (h.NotUnderstood.Count > 0)
        {
            return FaultReply(h, new WsManFault
            {
                Code = WsManFaultCode.MustUnderstand,
                Reason = "Header not understood: " + string.Join(", ", h.NotUnderstood),
                NotUnderstood = h.NotUnderstood,
            });
        }
        if (request.Body is IdentifyBody)
        {
            return Identify(h, authenticated: true);
        }
        if (h.OptionsMustBeUnderstood && h.Options.FirstOrDefault(o => !s_knownOptions.Contains(o.Name)) is { } unknown)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidOptions, $"Option '{unknown.Name}' is not supported.", "OptionSet", WbemErrorEnum.wbemErrNotSupported));
        }
        var maxEnvelope = Math.Min(h.MaxEnvelopeSize ?? _options.MaxEnvelopeSize, _options.MaxEnvelopeSize);
        if (maxEnvelope < _options.MinEnvelopeSize)
        {
            return FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.EncodingLimit, $"MaxEnvelopeSize must be at least {_options.MinEnvelopeSize}.", "MinimumEnvelopeLimit", WbemErrorEnum.wbemErrInvalidParameter));
        }
        var timeout = h.OperationTimeout is { } t ? (t < TimeSpan.Zero ? TimeSpan.Zero : t) : _options.MaxOperationTimeout;
        if (timeout > _options.MaxOperationTimeout)
        {
            timeout = _options.MaxOperationTimeout;
        }
        var includeTypes = string.Equals(h.GetOption(WsManUris.IncludePropertyMetadataOption), "true", StringComparison.OrdinalIgnoreCase);
        var call = new Call(caller, request, maxEnvelope, timeout, includeTypes);
        try
        {
            return h.Action switch
            {
                WsManActions.Get => await GetAsync(call, cancellationToken).ConfigureAwait(false),
                WsManActions.Put => await PutAsync(call, create: false, cancellationToken).ConfigureAwait(false),
                WsManActions.Create => await PutAsync(call, create: true, cancellationToken).ConfigureAwait(false),
                WsManActions.Delete => await DeleteAsync(call, cancellationToken).ConfigureAwait(false),
                WsManActions.Enumerate => await EnumerateAsync(call, cancellationToken).ConfigureAwait(false),
                WsManActions.Pull => await PullAsync(call, cancellationToken).ConfigureAwait(false),
                WsManActions.Release => Release(call),
                WsManActions.Subscribe => await SubscribeAsync(call, cancellationToken).ConfigureAwait(false),
                WsManActions.Unsubscribe => Unsubscribe(call),
                WsManActions.Renew => Renew(call),
                null or "" => FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.MessageInformationHeaderRequired, "The request has no a:Action.", null, WbemErrorEnum.wbemErrInvalidParameter)),
                _ when request.Body is MethodParametersBody || IsInvokeAction(h) => await InvokeAsync(call, cancellationToken).ConfigureAwait(false),
                _ => FaultReply(h, Fault(WsManFaultCode.Sender, WsManSubcode.ActionNotSupported, $"Action '{h.Action}' is not supported.", "ActionMismatch", WbemErrorEnum.wbemErrNotSupported)),
            };
        }
        catch (WbemException e)
        {
            return FaultReply(h, WsManFaults.FromWbemError(e.ErrorCode, e.Message, inQuery: h.Action is WsManActions.Enumerate or WsManActions.Subscribe));
        }
        catch (WsManProtocolException e)
        {
            return FaultReply(h, WsManFaults.FromProtocolError(e));
        }
    }

    private static bool IsInvokeAction(WsManHeaders h) =>
        h.ResourceUri is { } uri && h.Action is { } a && a.Length > uri.Length + 1
        && a.StartsWith(uri.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase);

    private WsManReaderLimits ReaderLimits => WsManReaderLimits.Default with { MaxCharacters = _options.MaxEnvelopeSize };

    public WsmanReply? IdentifyUnauthenticated(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            var request = WsManReader.Read(envelope, new CimXmlReadContext(null), WsManReaderLimits.Default with { MaxCharacters = 16 * 1024 });
            return request.Body is IdentifyBody ? Identify(request.Headers, authenticated: false) : null;
        }
        catch (WsManProtocolException)
        {
            return null;
        }
    }

    private WsmanReply Identify(WsManHeaders h, bool authenticated)
    {
        var profiles = authenticated ? (IReadOnlyList<string>)[WsManUris.HttpsBasicProfile, WsManUris.HttpBasicProfile] : [];
        var body = new IdentifyResponseBody(WsManNamespaces.WsMan, WsManMessages.ProductVendor, authenticated ? _options.ProductVersion : null, profiles, FaultIncludesCimError: true);
        // Identify is not an addressed request: the reply has no action and echoes a MessageID only if one came.
        var headers = new WsManHeaders { RelatesTo = h.MessageId };
        return new WsmanReply(200, WsManWriter.ToBytes(new WsManEnvelope(headers, body), new CimXmlWriteOptions(DefaultNamespace)));
    }

    public WsmanReply Fault(PipelineFault fault, string message)
    {
        var f = fault switch
        {
            PipelineFault.EnvelopeTooLarge => Fault(WsManFaultCode.Sender, WsManSubcode.EncodingLimit, message, "ServiceEnvelopeLimit", WbemErrorEnum.wbemErrInvalidParameter),
            PipelineFault.UnsupportedCharset => Fault(WsManFaultCode.Sender, WsManSubcode.EncodingLimit, message, "CharacterSet", WbemErrorEnum.wbemErrInvalidParameter),
            _ => Fault(WsManFaultCode.Receiver, WsManSubcode.QuotaLimit, message, null, WbemErrorEnum.wbemErrServerTooBusy),
        };
        return FaultReply(null, f);
    }

    private static WsManFault Fault(WsManFaultCode code, WsManSubcode subcode, string message, string? detail, WbemErrorEnum wmi) => new()
    {
        Code = code,
        Subcode = subcode,
        Reason = message,
        FaultDetail = detail is null ? null : WsManUris.FaultDetailPrefix + detail,
        WmiError = wmi,
        CimStatusCode = WsManFaults.CimStatusOf(wmi),
    };

    private static WsmanReply FaultReply(WsManHeaders? request, WsManFault fault) =>
        new(500, WsManWriter.ToBytes(WsManMessages.FaultReply(request, fault), new CimXmlWriteOptions(DefaultNamespace)));

    private static WsmanReply Reply(Call call, string action, WsManBody body, string ns, WsManResourceUriStyle style, string? bookmark = null)
    {
        var headers = WsManMessages.Reply(call.Headers, action);
        if (bookmark is not null)
        {
            headers = headers with { Bookmark = bookmark };
        }
        return new WsmanReply(200, WsManWriter.ToBytes(new WsManEnvelope(headers, body), new CimXmlWriteOptions(ns, style, call.IncludeTypes)));
    }

    /// <summary>The resource of the request: namespace (never null), class (null for all classes), style.</summary>
    private static (string Namespace, string? ClassName, WsManResourceUriStyle Style) ResourceOf(Call call)
    {
        var h = call.Headers;
        if (!WsManResource.TryParse(h.ResourceUri, h.Selectors, out var resource))
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue,
                string.IsNullOrEmpty(h.ResourceUri) ? "The request has no w:ResourceURI." : $"'{h.ResourceUri}' is not a CIM resource URI.");
        }
        return (resource.Namespace ?? DefaultNamespace, resource.ClassName, resource.Style);
    }

    /// <summary>Null when <paramref name="caller"/> has <paramref name="needed"/> in <paramref name="ns"/>; else the AccessDenied fault (audited).</summary>
    private WsManFault? Check(WsmanCaller caller, string ns, NamespaceRights needed, string action, string? target)
    {
        var p = caller.Principal;
        var rights = _rules.RightsOf(p.User, p.IsRoot, p.Groups, ns);
        if ((rights & needed) == needed)
        {
            return null;
        }
        _audit.Write(new AuditEntry(p.User, caller.RemoteAddress, "denied", ns, action + (target is null ? "" : " " + target),
            unchecked((uint)WbemErrorEnum.wbemErrAccessDenied), $"needs {needed}"));
        return WsManFaults.FromWbemError(WbemErrorEnum.wbemErrAccessDenied,
            $"Access denied: user '{p.User}' lacks the {needed.ToString().ToLowerInvariant()} right in namespace {ns}.");
    }

    private void AuditChange(WsmanCaller caller, string action, string ns, string target, WbemErrorEnum result, string? detail = null) =>
        _audit.Write(new AuditEntry(caller.Principal.User, caller.RemoteAddress, action, ns, target, (uint)result, detail));

    /// <summary>
    /// Runs a single-shot call to its end within the operation timeout: the items, the final status and any put path.
    /// A timeout cancels the operation and reports wbemErrTimedout; the client going away cancels it and throws.
    /// </summary>
    private async Task<(List<CimObject> Items, OperationStatus Status, CimObjectPath? PutPath)> RunAsync(
        Func<IOperationSink, CimOperation> start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sink = new ChannelOperationSink(64);
        var op = _engine.Start(() => start(sink));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var items = new List<CimObject>();
        try
        {
            while (await sink.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
            {
                while (sink.Reader.TryRead(out var o))
                {
                    items.Add(o);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout or client gone: either way the provider must stop now (issue #6 §4).
            op.Cancel();
            sink.Abandon();
            cancellationToken.ThrowIfCancellationRequested();
            return (items, new OperationStatus(WbemErrorEnum.wbemErrTimedout, OperationEndReason.Failed,
                $"The operation did not finish within the OperationTimeout ({timeout.TotalSeconds:0.###} s)."), null);
        }
        return (items, sink.Status, sink.PutPath);
    }

    /// <summary>The class <paramref name="className"/> of <paramref name="ns"/> through the engine, cached for 5 s.</summary>
    private CimClass? ClassOf(string ns, string className)
    {
        var key = (ns.ToLowerInvariant(), className.ToLowerInvariant());
        var now = Environment.TickCount64;
        if (_classes.TryGetValue(key, out var hit) && now - hit.At < 5000)
        {
            return hit.Class;
        }
        var sink = new ChannelOperationSink(4);
        CimOperation op;
        try
        {
            var connection = _engine.Connect(ns);
            op = _engine.Start(() => connection.GetObject(className, CallOptions.Default, sink));
        }
        catch (WbemException)
        {
            return null;
        }
        CimClass? cls = null;
        try
        {
            while (sink.TryTake(out var o))
            {
                cls ??= o as CimClass;
            }
        }
        catch (WbemException)
        {
            return null;
        }
        finally
        {
            op.Cancel();
        }
        if (cls is not null)
        {
            _classes[key] = (cls, now);
        }
        return cls;
    }

    private void ForgetClass(string ns, string className) => _classes.TryRemove((ns.ToLowerInvariant(), className.ToLowerInvariant()), out _);

    /// <summary>Resolves classes for the reader, but only in namespaces the caller may read (no schema probing).</summary>
    private sealed class Resolver(WsmanDispatcher dispatcher, WsmanCaller caller) : ICimClassResolver
    {
        public CimClass? ResolveClass(string? @namespace, string className)
        {
            var ns = @namespace ?? DefaultNamespace;
            var p = caller.Principal;
            return dispatcher._rules.RightsOf(p.User, p.IsRoot, p.Groups, ns) == NamespaceRights.None ? null : dispatcher.ClassOf(ns, className);
        }
    }
}

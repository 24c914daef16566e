using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wmix.Engine;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Contexts;
using Wmix.Remote.Server.Hosting;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server;

/// <summary>Counters of a running server, for diagnostics and leak tests.</summary>
/// <param name="EngineCalls">Calls made into the engine (connections and operations).</param>
/// <param name="LiveOperations">Engine operations started by the server that have not quiesced.</param>
/// <param name="Enumerations">Open enumeration contexts.</param>
/// <param name="Subscriptions">Open subscriptions.</param>
/// <param name="ExpiredContexts">Contexts ended because their client went idle or they expired.</param>
/// <param name="Requests">Requests received on the endpoint.</param>
/// <param name="AuthFailures">Requests refused with 401.</param>
/// <param name="Rejected">Requests refused by a limit (size, rate, outstanding operations).</param>
/// <param name="Verifications">Times a credential verifier actually ran (cache misses).</param>
public sealed record WsmanServerDiagnostics(
    long EngineCalls,
    int LiveOperations,
    int Enumerations,
    int Subscriptions,
    long ExpiredContexts,
    long Requests,
    long AuthFailures,
    long Rejected,
    long Verifications);

/// <summary>
/// The WS-Management server: Kestrel on the configured end points, <c>POST /wsman</c>, Basic authentication before
/// anything else, per-client limits, and dispatch into one engine through <see cref="ICimConnection"/>. Start with
/// <see cref="StartAsync"/>; <see cref="StopAsync"/> (or dispose) cancels every context and operation.
/// </summary>
public sealed partial class WsmanServer : IAsyncDisposable
{
    /// <summary>The endpoint path.</summary>
    public const string Path = "/wsman";

    private readonly WsmanServerOptions _options;
    private readonly BasicAuthenticator _authenticator;
    private readonly AuditLog _audit;
    private readonly ClientLimiter _limiter;
    private readonly ServerEngine _engine;
    private readonly ContextTable _contexts;
    private readonly IWsmanDispatcher _dispatcher;
    private WebApplication? _app;
    private long _requests;
    private long _authFailures;
    private long _rejected;

    /// <summary>Creates a server (not yet listening).</summary>
    /// <param name="options">End points, certificate, limits.</param>
    /// <param name="connect">Opens a connection to a namespace of the engine, e.g. <c>manager.Connect</c>.</param>
    /// <param name="verifiers">Who checks passwords: PAM and/or a users file, tried in order.</param>
    /// <param name="rules">Per-namespace access rules (root may do everything regardless).</param>
    /// <param name="audit">The audit log (owned by the caller).</param>
    /// <param name="accounts">Group membership; the system's files when null.</param>
    /// <exception cref="ArgumentException">The options are inconsistent: an HTTP end point off loopback or without <see cref="WsmanServerOptions.AllowHttp"/>, or HTTPS without a certificate.</exception>
    public WsmanServer(WsmanServerOptions options, Func<string, ICimConnection> connect, IReadOnlyList<ICredentialVerifier> verifiers,
        AccessRules rules, AuditLog audit, UnixAccounts? accounts = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(audit);
        Validate(options);
        _options = options;
        _audit = audit;
        _authenticator = new BasicAuthenticator(verifiers, accounts ?? new UnixAccounts(), options.CredentialCacheLifetime,
            options.MaxAuthFailuresPerMinute, options.MaxConcurrentAuthentications);
        _limiter = new ClientLimiter(options.MaxRequestsPerSecond, options.RequestBurst, options.MaxOperationsPerClient);
        _engine = new ServerEngine(connect);
        _contexts = new ContextTable(options.SweepInterval, c => _limiter.ReleaseContext(c.ClientKey));
        _dispatcher = new Dispatch.WsmanDispatcher(options, _engine, _contexts, _limiter, rules, audit);
    }

    /// <summary>The addresses actually bound (port 0 resolved), once started.</summary>
    public IReadOnlyList<Uri> BoundAddresses { get; private set; } = [];

    /// <summary>The current counters.</summary>
    public WsmanServerDiagnostics Diagnostics => new(
        _engine.Calls,
        _engine.LiveOperations,
        _contexts.CountOf(ContextKind.Enumeration),
        _contexts.CountOf(ContextKind.Subscription),
        _contexts.ExpiredCount,
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _authFailures),
        Interlocked.Read(ref _rejected),
        _authenticator.Verifications);

    /// <summary>Ends idle or expired contexts now instead of at the next sweep (tests, diagnostics).</summary>
    public void SweepContexts() => _contexts.Sweep();

    private static void Validate(WsmanServerOptions options)
    {
        if (options.EndPoints.Count == 0)
        {
            throw new ArgumentException("No end point to listen on.", nameof(options));
        }
        foreach (var ep in options.EndPoints)
        {
            if (!ep.Https)
            {
                if (!options.AllowHttp)
                {
                    throw new ArgumentException($"{ep}: plain HTTP sends passwords in clear; it is refused unless explicitly allowed (--http), and then only on loopback.", nameof(options));
                }
                if (!IPAddress.IsLoopback(ep.EndPoint.Address))
                {
                    throw new ArgumentException($"{ep}: plain HTTP is allowed only on a loopback address (127.0.0.1, ::1); use HTTPS with a certificate for {ep.EndPoint.Address}.", nameof(options));
                }
            }
            else if (options.Certificate is null)
            {
                throw new ArgumentException($"{ep}: HTTPS needs a certificate (--cert, and --key for PEM).", nameof(options));
            }
        }
        if (options.MaxEnvelopeSize < options.MinEnvelopeSize)
        {
            throw new ArgumentException("MaxEnvelopeSize is below MinEnvelopeSize.", nameof(options));
        }
    }

    /// <summary>Binds the end points and starts serving.</summary>
    /// <exception cref="IOException">An address is in use or cannot be bound.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // The hard cap: Kestrel itself refuses bodies beyond it (413) without buffering them. Envelopes over
            // MaxEnvelopeSize but under the cap get a proper w:EncodingLimit fault from the pipeline.
            k.Limits.MaxRequestBodySize = HardCap;
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            k.Limits.MaxRequestLineSize = 8 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            k.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(10));
            // HTTP/2 (issue #6): a Wmix client multiplexes its outstanding calls over a few connections. Each
            // client may park up to MaxOperationsPerClient Pulls; the stream limit leaves room beside them for as
            // many Releases, so a cancel never needs a new connection (100, Kestrel's default, at least).
            k.Limits.Http2.MaxStreamsPerConnection = (int)Math.Clamp(2L * _options.MaxOperationsPerClient + 16, 100, 100_000);
            foreach (var ep in _options.EndPoints)
            {
                if (ep.Https)
                {
                    // ALPN picks h2 or http/1.1 per connection.
                    k.Listen(ep.EndPoint, l =>
                    {
                        l.Protocols = HttpProtocols.Http1AndHttp2;
                        l.UseHttps(_options.Certificate!);
                    });
                }
                else
                {
                    // Loopback plain HTTP: one port, connections routed by their first bytes (CleartextPort).
                    var port = new CleartextPort(ep.EndPoint, k.Limits.RequestHeadersTimeout);
                    k.Listen(port.Http1, l => l.Protocols = HttpProtocols.Http1);
                    k.Listen(port.Http2, l => l.Protocols = HttpProtocols.Http2);
                }
            }
        });
        builder.Services.AddSingleton<IConnectionListenerFactory, CleartextListenerFactory>();
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        // Distinct: a cleartext port is two Kestrel end points with one address.
        BoundAddresses = [.. addresses.Distinct(StringComparer.Ordinal).Select(a => new Uri(a.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal)))];
    }

    private long HardCap => Math.Max(_options.MaxEnvelopeSize * 2L, 1024 * 1024);

    /// <summary>
    /// Stops listening, ends every context and cancels every engine operation the server started, then waits up to
    /// <paramref name="quiesceTimeout"/> for them to quiesce (default 5 s).
    /// </summary>
    public async Task StopAsync(TimeSpan? quiesceTimeout = null)
    {
        _contexts.Clear();
        _engine.CancelAll();
        if (_app is { } app)
        {
            _app = null;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(cts.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
        _engine.CancelAll();
        await _engine.WaitQuiescedAsync(quiesceTimeout ?? TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _contexts.Dispose();
        _engine.DisposeConnections();
        _authenticator.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        var request = http.Request;
        var response = http.Response;
        var path = request.Path.Value ?? "";
        if (!path.Equals(Path, StringComparison.OrdinalIgnoreCase) && !path.Equals(Path + "/", StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "POST";
            return;
        }
        var remote = http.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, http.Connection.RemotePort).ToString() : "?";
        var ct = http.RequestAborted;

        // 1. Authentication, before the body is read: an unauthenticated request never reaches the engine.
        var (principal, user, reason) = await _authenticator.AuthenticateAsync(request.Headers.Authorization, remote, ct).ConfigureAwait(false);
        if (principal is null)
        {
            if (_options.AllowUnauthenticatedIdentify
                && string.Equals(request.Headers["WSMANIDENTIFY"], "unauthenticated", StringComparison.OrdinalIgnoreCase)
                && request.ContentLength is null or <= 16 * 1024)
            {
                var body = await ReadBodyAsync(request, 16 * 1024, ct).ConfigureAwait(false);
                if (body is not null && _dispatcher.IdentifyUnauthenticated(body) is { } identify)
                {
                    await WriteAsync(response, identify, ct).ConfigureAwait(false);
                    return;
                }
            }
            Interlocked.Increment(ref _authFailures);
            if (request.Headers.Authorization.Count > 0)
            {
                _audit.Write(new AuditEntry(user ?? "", remote, "auth", null, null, StatusCodes.Status401Unauthorized, reason));
            }
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Basic realm=\"WSMAN\"";
            response.ContentLength = 0;
            return;
        }

        // 2. Content type: SOAP 1.2 (or text/xml), UTF-8 or UTF-16.
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !(string.Equals(media.MediaType, "application/soap+xml", StringComparison.OrdinalIgnoreCase)
                 || string.Equals(media.MediaType, "text/xml", StringComparison.OrdinalIgnoreCase)))
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var charset = media.CharSet?.Trim('"');
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.StartsWith("utf-16", StringComparison.OrdinalIgnoreCase))
        {
            await RejectAsync(response, PipelineFault.UnsupportedCharset, $"Charset '{charset}' is not supported; use UTF-8.", ct).ConfigureAwait(false);
            return;
        }

        // 3. Per-client limits.
        // A small Release or Unsubscribe passes both limits (issue #6): it only frees what the client holds, and a
        // client whose every in-flight slot is a parked Pull must still be able to cancel them — refused, its
        // contexts would live on until they expire idle.
        var clientKey = ClientLimiter.KeyOf(principal.User, http.Connection.RemoteIpAddress);
        byte[]? cancelEnvelope = null;
        if (!_limiter.TryRequest(clientKey))
        {
            if ((cancelEnvelope = await ReadCancelRequestAsync(request, ct).ConfigureAwait(false)) is null)
            {
                await RejectAsync(response, PipelineFault.RateLimited, "Too many requests from this client; slow down.", ct).ConfigureAwait(false);
                return;
            }
        }
        if (cancelEnvelope is null && request.ContentLength > _options.MaxEnvelopeSize)
        {
            // Do not read it: answer and drop the connection so the rest of the body is not drained.
            response.Headers.Connection = "close";
            await RejectAsync(response, PipelineFault.EnvelopeTooLarge, $"The request envelope exceeds {_options.MaxEnvelopeSize} bytes.", ct).ConfigureAwait(false);
            return;
        }
        var acquired = cancelEnvelope is null && _limiter.TryAcquire(clientKey);
        if (cancelEnvelope is null && !acquired)
        {
            if ((cancelEnvelope = await ReadCancelRequestAsync(request, ct).ConfigureAwait(false)) is null)
            {
                await RejectAsync(response, PipelineFault.TooManyOperations, $"This client already has {_options.MaxOperationsPerClient} requests in flight.", ct).ConfigureAwait(false);
                return;
            }
        }
        try
        {
            byte[]? envelope = cancelEnvelope;
            try
            {
                envelope ??= await ReadBodyAsync(request, _options.MaxEnvelopeSize, ct).ConfigureAwait(false);
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
            {
                // Over Kestrel's hard cap (chunked bodies have no Content-Length to check first).
                envelope = null;
            }
            if (envelope is null)
            {
                response.Headers.Connection = "close";
                await RejectAsync(response, PipelineFault.EnvelopeTooLarge, $"The request envelope exceeds {_options.MaxEnvelopeSize} bytes.", ct).ConfigureAwait(false);
                return;
            }
            var caller = new WsmanCaller(principal, clientKey, remote, request.Headers.UserAgent);
            var reply = await _dispatcher.DispatchAsync(caller, envelope, ct).ConfigureAwait(false);
            await WriteAsync(response, reply, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; the dispatcher has cancelled its operation. Nothing to answer.
        }
        finally
        {
            if (acquired)
            {
                _limiter.Release(clientKey);
            }
        }
    }

    /// <summary>
    /// Over a limit: reads a small body (Content-Length up to 16 KiB) and returns it when its <c>wsa:Action</c> is
    /// Release or Unsubscribe; null otherwise (the request is then refused as before).
    /// </summary>
    private static async Task<byte[]?> ReadCancelRequestAsync(HttpRequest request, CancellationToken ct)
    {
        const int Small = 16 * 1024;
        if (request.ContentLength is not (> 0 and <= Small))
        {
            return null;
        }
        byte[]? body;
        try
        {
            body = await ReadBodyAsync(request, Small, ct).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return null;
        }
        return body is not null && IsCancelAction(body) ? body : null;
    }

    private static bool IsCancelAction(byte[] body)
    {
        try
        {
            using var r = WsManXml.CreateReader(body, new WsManReaderLimits { MaxCharacters = body.Length });
            while (r.Read())
            {
                if (r.NodeType == System.Xml.XmlNodeType.Element && r.LocalName == "Action" && r.NamespaceURI == WsManNamespaces.Addressing)
                {
                    var action = r.ReadElementContentAsString().Trim();
                    return action is WsManActions.Release or WsManActions.Unsubscribe;
                }
                if (r.NodeType == System.Xml.XmlNodeType.Element && r.LocalName == "Body" && r.NamespaceURI == WsManNamespaces.Soap)
                {
                    return false;
                }
            }
        }
        catch (Exception e) when (e is System.Xml.XmlException or WsManProtocolException or InvalidOperationException)
        {
            // Unreadable: not a cancel; the refusal stands.
        }
        return false;
    }

    private async Task RejectAsync(HttpResponse response, PipelineFault fault, string message, CancellationToken ct)
    {
        Interlocked.Increment(ref _rejected);
        await WriteAsync(response, _dispatcher.Fault(fault, message), ct).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpResponse response, WsmanReply reply, CancellationToken ct)
    {
        response.StatusCode = reply.StatusCode;
        response.ContentType = "application/soap+xml;charset=UTF-8";
        response.ContentLength = reply.Body.Length;
        await response.Body.WriteAsync(reply.Body, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the whole body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        var declared = request.ContentLength;
        var buffer = new byte[declared is { } d && d <= limit ? (int)d : Math.Min(limit + 1, 16 * 1024)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return null;
                }
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
            }
            var n = await request.Body.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }
            total += n;
            if (total > limit)
            {
                return null;
            }
        }
        return total == buffer.Length ? buffer : buffer[..total];
    }
}

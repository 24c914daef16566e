using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Wmix.Remote.Client;

/// <summary>
/// One HTTP(S) endpoint: POSTs envelopes with Basic credentials and maps HTTP-level outcomes to WMI errors
/// (401 → wbemErrAccessDenied; no connection, reset, non-SOAP reply or no reply in time → wbemErrTransportFailure).
/// </summary>
/// <remarks>
/// <para>Over HTTP/1.1 each request gets its own pooled connection while it is outstanding (no pipelining), so a
/// Release or Unsubscribe never queues behind a parked Pull (spec §1.10); abandoning a request closes its connection.</para>
/// <para>Over HTTP/2 (<see cref="WsManClientOptions.Http2"/>: ALPN over HTTPS, h2c by prior knowledge after
/// <see cref="TryHttp2PriorKnowledgeAsync"/>) every request is a stream; more connections open when one is full of
/// parked Pulls (the server's stream limit), so a Release still never waits behind them, and abandoning a request
/// resets its stream only (issue #6).</para>
/// </remarks>
internal sealed class WsManTransport : IDisposable
{
    private static readonly MediaTypeHeaderValue s_contentType = MediaTypeHeaderValue.Parse("application/soap+xml;charset=UTF-8");
    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue? _authorization;
    private string? _tlsRefusal;

    public WsManTransport(Uri endpoint, string? user, string? password, WsManClientOptions options)
    {
        Endpoint = endpoint;
        Options = options;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // A connection full of parked Pulls (the server's stream limit) must not make a Release wait: open another.
            EnableMultipleHttp2Connections = true,
            // Replies are up to MaxEnvelopeSize; a 64 KiB initial window would make each large batch wait for window
            // updates before the dynamic window has grown.
            InitialHttp2StreamWindowSize = Math.Clamp(options.MaxEnvelopeSize, 65535, 16 * 1024 * 1024),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Check(certificate, chain, errors),
            },
        };
        // HTTPS: offer h2 and h1.1 by ALPN, take what the server picks. Plain HTTP: HTTP/1.1 until the h2c probe
        // succeeds — a prior-knowledge preface sent to an HTTP/1.1-only server fails the request.
        if (options.Http2 && endpoint.Scheme == Uri.UriSchemeHttps)
        {
            _version = HttpVersion.Version20;
            _policy = HttpVersionPolicy.RequestVersionOrLower;
        }
        // Timeouts are per request (linked token), so HttpClient's own is off.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Wmix/0.1");
        if (!string.IsNullOrEmpty(user))
        {
            _authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + (password ?? ""))));
        }
    }

    // Written once by the h2c probe before any other request of the session, read by every request.
    private volatile Version _version = HttpVersion.Version11;
    private volatile HttpVersionPolicy _policy = HttpVersionPolicy.RequestVersionExact;
    private volatile Version? _negotiated;

    public Uri Endpoint { get; }

    /// <summary>The HTTP version of the latest reply (null before the first): 2.0 when the session runs over HTTP/2.</summary>
    public Version? NegotiatedVersion => _negotiated;

    /// <summary>
    /// Plain HTTP only: sends <paramref name="envelope"/> (an Identify) over h2c with prior knowledge and, when the
    /// server answers it, makes every later request HTTP/2. False, and nothing changes, when the server does not
    /// speak h2c (an HTTP/1.1-only server rejects the preface) or does not answer within <paramref name="within"/>.
    /// </summary>
    public async Task<bool> TryHttp2PriorKnowledgeAsync(byte[] envelope, TimeSpan within, CancellationToken cancellationToken)
    {
        if (!Options.Http2 || Endpoint.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }
        try
        {
            await PostAsync(envelope, within, cancellationToken, HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact).ConfigureAwait(false);
        }
        catch (WbemException e) when (e.ErrorCode is WbemErrorEnum.wbemErrTransportFailure && !cancellationToken.IsCancellationRequested)
        {
            Trace.TraceInformation($"Wmix: {Endpoint} does not speak h2c ({e.Message}); staying on HTTP/1.1.");
            return false;
        }
        _version = HttpVersion.Version20;
        _policy = HttpVersionPolicy.RequestVersionExact;
        return true;
    }

    public WsManClientOptions Options { get; }

    /// <summary>
    /// Sends one envelope and returns the reply's bytes (success or SOAP fault). Cancelling
    /// <paramref name="cancellationToken"/> abandons the request (the connection is closed) and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="WbemException">wbemErrAccessDenied (401), wbemErrTransportFailure (anything else that is not an envelope).</exception>
    public async Task<byte[]> PostAsync(byte[] envelope, TimeSpan replyWithin, CancellationToken cancellationToken) =>
        await PostAsync(envelope, replyWithin, cancellationToken, _version, _policy).ConfigureAwait(false)
            ?? throw new OperationCanceledException(cancellationToken);

    /// <summary>
    /// As <see cref="PostAsync(byte[], TimeSpan, CancellationToken)"/>, but a request abandoned through
    /// <paramref name="cancellationToken"/> before its reply's headers gives null instead of throwing.
    /// </summary>
    /// <remarks>
    /// Issue #6: a cancel abandons every outstanding call's parked request at once, and an exception rethrown
    /// through each async frame of each call was the largest CPU cost of a mass cancel.
    /// </remarks>
    public Task<byte[]?> TryPostAsync(byte[] envelope, TimeSpan replyWithin, CancellationToken cancellationToken) =>
        PostAsync(envelope, replyWithin, cancellationToken, _version, _policy);

    private async Task<byte[]?> PostAsync(byte[] envelope, TimeSpan replyWithin, CancellationToken cancellationToken, Version version, HttpVersionPolicy policy)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(replyWithin);
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new ByteArrayContent(envelope),
            Version = version,
            VersionPolicy = policy,
        };
        request.Content.Headers.ContentType = s_contentType;
        request.Headers.Authorization = _authorization;
        try
        {
            var sending = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            // Observe the outcome without a throw first: an abandoned request is the common end of a cancelled call.
            await ((Task)sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (sending.IsCanceled && cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            using var response = await sending.ConfigureAwait(false);
            _negotiated = response.Version;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new WbemException(WbemErrorEnum.wbemErrAccessDenied,
                    $"{Endpoint.Host} rejected the credentials{(_authorization is null ? " (none were given)" : "")}.");
            }
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var soap = mediaType is "application/soap+xml" or "text/xml";
            if (!soap || (response.StatusCode != HttpStatusCode.OK && response.StatusCode != HttpStatusCode.InternalServerError))
            {
                throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                    $"{Endpoint} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} ({mediaType ?? "no content type"}), not a WS-Management envelope.");
            }
            var length = response.Content.Headers.ContentLength;
            if (length > Options.MaxEnvelopeSize)
            {
                throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                    $"{Endpoint} sent a {length}-byte reply, larger than MaxEnvelopeSize {Options.MaxEnvelopeSize}.");
            }
            return await ReadBoundedAsync(response.Content, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                $"{Endpoint} did not answer within {replyWithin.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"Cannot reach {Endpoint}: {Describe(e)}", e);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"The connection to {Endpoint} failed: {e.Message}", e);
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (content.Headers.ContentLength is { } declared)
            {
                // The common case (a Wmix server always sends Content-Length), already checked against
                // MaxEnvelopeSize: read straight into the result, no staging buffer and no copy. A short body
                // throws an IOException, as the handler's own length check does.
                var exact = new byte[declared];
                await stream.ReadExactlyAsync(exact, cancellationToken).ConfigureAwait(false);
                return exact;
            }
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var n = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return buffer.ToArray();
                }
                if (buffer.Length + n > Options.MaxEnvelopeSize)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                        $"{Endpoint} sent a reply larger than MaxEnvelopeSize {Options.MaxEnvelopeSize}.");
                }
                await buffer.WriteAsync(chunk.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Why the request failed, for the message: the certificate refusal this transport recorded when the TLS
    /// handshake failed (HttpClient only says "see inner exception"), else the innermost cause (e.g. "Connection
    /// refused", "The response ended prematurely").
    /// </summary>
    private string Describe(HttpRequestException e)
    {
        if (e.InnerException is AuthenticationException && Volatile.Read(ref _tlsRefusal) is { } refusal)
        {
            return refusal;
        }
        Exception inner = e;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }
        return ReferenceEquals(inner, e) || e.Message.Contains(inner.Message, StringComparison.Ordinal) ? e.Message : e.Message + " (" + inner.Message + ")";
    }

    private bool Check(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Validate(Options.Tls, certificate, chain, errors))
        {
            return true;
        }
        // Several handshakes to this endpoint may fail at once; they see the same certificate, so whichever reason
        // is written last describes them all.
        Volatile.Write(ref _tlsRefusal, RefusalReason(Endpoint.Host, chain, errors));
        return false;
    }

    /// <summary>A refused server certificate in words, with the knobs that would accept it.</summary>
    internal static string RefusalReason(string host, X509Chain? chain, SslPolicyErrors errors)
    {
        var why = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            why.Add("the server sent no certificate");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            why.Add($"the certificate does not name '{host}' (subject alternative names)");
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
            why.Add("its chain is not trusted" + (status.Length > 0 ? " (" + string.Join(", ", status) + ")" : ""));
        }
        return "the server's TLS certificate was refused: " + string.Join("; ", why)
            + ". Trust it with WsManTlsOptions (wmix and WsManConnector: $WMIX_TLS_CA=the CA or self-signed certificate, "
            + "$WMIX_TLS_THUMBPRINT=its SHA-256 thumbprint).";
    }

    internal static bool Validate(WsManTlsOptions tls, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (tls.SkipValidation || errors == SslPolicyErrors.None)
        {
            return true;
        }
        if (certificate is null)
        {
            return false;
        }
        using var cert = new X509Certificate2(certificate);
        if (tls.TrustedThumbprints.Count > 0)
        {
            var sha256 = Convert.ToHexString(cert.GetCertHash(HashAlgorithmName.SHA256));
            var sha1 = Convert.ToHexString(cert.GetCertHash(HashAlgorithmName.SHA1));
            foreach (var pin in tls.TrustedThumbprints)
            {
                var p = pin.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
                if (string.Equals(p, sha256, StringComparison.OrdinalIgnoreCase) || string.Equals(p, sha1, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }
        if (tls.TrustedCertificates.Count > 0 && errors == SslPolicyErrors.RemoteCertificateChainErrors)
        {
            // The name matched; only the chain failed against the system store: try the configured roots.
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            custom.ChainPolicy.CustomTrustStore.AddRange(tls.TrustedCertificates.ToArray());
            if (chain is not null)
            {
                foreach (var element in chain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
            return custom.Build(cert);
        }
        return false;
    }

    public void Dispose() => _http.Dispose();
}

using System.Security.Cryptography.X509Certificates;

namespace Wmix.Remote.Client;

/// <summary>How the client checks the server's TLS certificate. Immutable; start from <see cref="Default"/>.</summary>
public sealed record WsManTlsOptions
{
    /// <summary>The system trust store, host name checked.</summary>
    public static WsManTlsOptions Default { get; } = new();

    /// <summary>
    /// Trusts certificates chaining to these CA certificates (in addition to the system store), e.g. a private CA
    /// or a server's self-signed certificate. Loaded from a PEM file with <see cref="WithCaFile"/>.
    /// </summary>
    public IReadOnlyList<X509Certificate2> TrustedCertificates { get; init; } = [];

    /// <summary>
    /// Trusts a server certificate whose SHA-256 (or SHA-1) thumbprint, hex, is listed — pinning, whatever chains
    /// or names it has.
    /// </summary>
    public IReadOnlyList<string> TrustedThumbprints { get; init; } = [];

    /// <summary>Accepts any certificate (tests and labs only; the credentials can then be intercepted).</summary>
    public bool SkipValidation { get; init; }

    /// <summary>Adds the certificates of a PEM file to <see cref="TrustedCertificates"/>.</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter when the file cannot be read.</exception>
    public WsManTlsOptions WithCaFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPemFile(path);
            return this with { TrustedCertificates = [.. TrustedCertificates, .. collection] };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, $"Cannot read CA certificates from '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The options the environment asks for: <c>WMIX_TLS_CA</c> (PEM file of trusted CA or server certificates),
    /// <c>WMIX_TLS_THUMBPRINT</c> (comma-separated pinned thumbprints), <c>WMIX_TLS_INSECURE=1</c> (no validation).
    /// </summary>
    public static WsManTlsOptions FromEnvironment()
    {
        var options = Default;
        if (Environment.GetEnvironmentVariable("WMIX_TLS_CA") is { Length: > 0 } ca)
        {
            options = options.WithCaFile(ca);
        }
        if (Environment.GetEnvironmentVariable("WMIX_TLS_THUMBPRINT") is { Length: > 0 } pins)
        {
            options = options with { TrustedThumbprints = pins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        }
        if (Environment.GetEnvironmentVariable("WMIX_TLS_INSECURE") is "1" or "true" or "yes")
        {
            options = options with { SkipValidation = true };
        }
        return options;
    }
}

/// <summary>Settings of a WS-Management client connection. Immutable; start from <see cref="Default"/>.</summary>
public sealed record WsManClientOptions
{
    /// <summary>60 s operation timeout, 32 items per Pull, 30 s heartbeats, system TLS trust.</summary>
    public static WsManClientOptions Default { get; } = new();

    /// <summary><c>w:OperationTimeout</c> of each request; the server answers (or faults <c>w:TimedOut</c>) within it.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long past <see cref="OperationTimeout"/> the client waits for a reply before it calls the server unreachable.</summary>
    public TimeSpan ReplyGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long connecting (TCP + TLS) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a Release or Unsubscribe (cancel) may take before the cancel reports a transport failure.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Items asked for per EnumerateResponse/PullResponse (<c>MaxElements</c>).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary><c>w:MaxEnvelopeSize</c>: the largest reply accepted, in bytes.</summary>
    public int MaxEnvelopeSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>Heartbeat interval of event subscriptions: the server answers a parked Pull at least this often.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>w:Locale</c> sent (an RFC 4646 tag such as <c>en-US</c>), or null.</summary>
    public string? Locale { get; init; }

    /// <summary>
    /// Use HTTP/2 when the server speaks it: negotiated by ALPN over HTTPS, and on plain HTTP by prior knowledge
    /// (h2c) once the server has identified itself as Wmix and a probe over h2c succeeded; HTTP/1.1 otherwise. Over
    /// HTTP/2 every request of the session shares a few connections, so outstanding calls, their Releases and their
    /// abandons cost streams, not TCP connections (issue #6). False: HTTP/1.1 always.
    /// </summary>
    public bool Http2 { get; init; } = true;

    /// <summary>TLS certificate checks.</summary>
    public WsManTlsOptions Tls { get; init; } = WsManTlsOptions.Default;
}

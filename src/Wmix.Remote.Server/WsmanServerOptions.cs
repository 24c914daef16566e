using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Wmix.Remote.Server;

/// <summary>One address the server listens on.</summary>
/// <param name="EndPoint">The address and port; port 0 picks a free one (see <see cref="WsmanServer.BoundAddresses"/>).</param>
/// <param name="Https">True for TLS (the default); plain HTTP is allowed only on a loopback address with <see cref="WsmanServerOptions.AllowHttp"/>.</param>
public sealed record ListenEndPoint(IPEndPoint EndPoint, bool Https = true)
{
    /// <summary>
    /// Parses <c>address:port</c>, <c>[v6]:port</c> or <c>*:port</c> (all addresses); the default port is 5986 for
    /// HTTPS and 5985 for HTTP.
    /// </summary>
    /// <exception cref="FormatException">The text is not an address with an optional port.</exception>
    public static ListenEndPoint Parse(string text, bool https)
    {
        ArgumentNullException.ThrowIfNull(text);
        var defaultPort = https ? 5986 : 5985;
        if (text.StartsWith("*:", StringComparison.Ordinal) || text == "*")
        {
            var port = text.Length > 2 ? ParsePort(text[2..]) : defaultPort;
            return new(new IPEndPoint(IPAddress.IPv6Any, port), https);
        }
        if (IPEndPoint.TryParse(text, out var ep))
        {
            if (ep.Port == 0 && !text.EndsWith(":0", StringComparison.Ordinal))
            {
                ep.Port = defaultPort;
            }
            return new(ep, https);
        }
        if (text.StartsWith("localhost", StringComparison.OrdinalIgnoreCase))
        {
            var port = text.Length > "localhost".Length + 1 ? ParsePort(text["localhost:".Length..]) : defaultPort;
            return new(new IPEndPoint(IPAddress.Loopback, port), https);
        }
        throw new FormatException($"'{text}' is not address:port (e.g. 127.0.0.1:5985, [::1]:5986, *:5986).");
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535
            ? p
            : throw new FormatException($"'{text}' is not a port number (0-65535).");

    /// <inheritdoc />
    public override string ToString() => (Https ? "https://" : "http://") + EndPoint;
}

/// <summary>
/// The server's configuration. Immutable; start from <see cref="Default"/> and set what differs. Every limit has a
/// safe default; the ones a client can influence (MaxEnvelopeSize, OperationTimeout) are capped by these.
/// </summary>
public sealed record WsmanServerOptions
{
    /// <summary>The defaults: HTTPS on all addresses at 5986, with every limit at its default.</summary>
    public static WsmanServerOptions Default { get; } = new();

    /// <summary>Where to listen. Default: <c>*:5986</c> over HTTPS.</summary>
    public IReadOnlyList<ListenEndPoint> EndPoints { get; init; } = [new(new IPEndPoint(IPAddress.IPv6Any, 5986))];

    /// <summary>
    /// Permit the plain-HTTP end points. Even then each must be a loopback address: Basic credentials never travel
    /// unencrypted off the machine. Without it any HTTP end point is refused at start.
    /// </summary>
    public bool AllowHttp { get; init; }

    /// <summary>The TLS certificate (with its private key) for the HTTPS end points; required when there is one.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// The largest envelope the server accepts or sends (bytes). A client's <c>w:MaxEnvelopeSize</c> lowers the
    /// reply limit; never raises it. Default 512 KiB (Windows: 500 KiB).
    /// </summary>
    public int MaxEnvelopeSize { get; init; } = 512 * 1024;

    /// <summary>The smallest <c>w:MaxEnvelopeSize</c> a client may ask for (DSP0226's floor, 8192).</summary>
    public int MinEnvelopeSize { get; init; } = 8192;

    /// <summary>How long an idle enumeration context lives after its last response. Default 4 minutes (Windows' EnumerationTimeoutms).</summary>
    public TimeSpan EnumerationIdleTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>How long a subscription without heartbeats lives without a Pull. Default 4 minutes.</summary>
    public TimeSpan SubscriptionIdleTimeout { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>The longest subscription lifetime granted (<c>e:Expires</c>); Renew extends up to it. Default 1 day.</summary>
    public TimeSpan MaxSubscriptionExpiry { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The longest <c>w:OperationTimeout</c> honoured, and the one used when a request has none. Default 60 s.</summary>
    public TimeSpan MaxOperationTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Items buffered ahead of the Pulls per enumeration or subscription (back-pressure on the provider).</summary>
    public int ContextBufferCapacity { get; init; } = 1024;

    /// <summary>The most items one Pull returns, whatever the client asks. Default 32000 (Windows' MaxBatchItems).</summary>
    public int MaxBatchItems { get; init; } = 32000;

    /// <summary>Outstanding operations per client: at most this many requests in flight and, separately, this many open enumeration and subscription contexts; more → <c>w:QuotaLimit</c>. Default 64.</summary>
    public int MaxOperationsPerClient { get; init; } = 64;

    /// <summary>Sustained requests per second per client; 0 = unlimited. Default 1000.</summary>
    public double MaxRequestsPerSecond { get; init; } = 1000;

    /// <summary>Burst allowance over <see cref="MaxRequestsPerSecond"/>. Default 2000.</summary>
    public int RequestBurst { get; init; } = 2000;

    /// <summary>Failed authentications per remote address per minute before further attempts are refused without checking. Default 30.</summary>
    public int MaxAuthFailuresPerMinute { get; init; } = 30;

    /// <summary>How long a verified user/password pair is remembered (as a keyed digest) so that each request does not pay for PAM or a slow hash. 0 disables. Default 2 minutes.</summary>
    public TimeSpan CredentialCacheLifetime { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Concurrent PAM or hash verifications (they block a thread, and PAM sleeps on failure). Default 4.</summary>
    public int MaxConcurrentAuthentications { get; init; } = 4;

    /// <summary>Answer an Identify that carries <c>WSMANIDENTIFY: unauthenticated</c> without credentials (as Windows does; no version details). Default true.</summary>
    public bool AllowUnauthenticatedIdentify { get; init; } = true;

    /// <summary>How often contexts are checked for expiry. Default 1 s.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The product version reported by Identify.</summary>
    public string ProductVersion { get; init; } = "0.1.0";
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Wmix.Remote.Client;

/// <summary>
/// The endpoint of a server named the way <c>ConnectServer</c> takes it: <c>host</c>, <c>host:port</c>,
/// <c>[v6]:port</c>, or with an <c>https://</c> / <c>http://</c> prefix (and optionally the <c>/wsman</c> path).
/// Default: HTTPS on 5986; without a scheme, port 5985 means HTTP. Plain HTTP (default port 5985) is accepted for loopback addresses only, since Basic
/// credentials would travel in clear text.
/// </summary>
public static class WsManEndpoint
{
    /// <summary>WinRM's HTTPS port.</summary>
    public const int HttpsPort = 5986;

    /// <summary>WinRM's HTTP port.</summary>
    public const int HttpPort = 5985;

    /// <summary>Resolves <paramref name="server"/> to the endpoint URI (<c>…/wsman</c>).</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for a malformed name, an unknown scheme, or plain HTTP to a non-loopback host.</exception>
    public static Uri Parse(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var text = server.Trim();
        var scheme = "https";
        var schemeGiven = true;
        if (text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            text = text["https://".Length..];
        }
        else if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            scheme = "http";
            text = text["http://".Length..];
        }
        else if (text.Contains("://", StringComparison.Ordinal))
        {
            throw Invalid(server, "only https:// and http:// are supported");
        }
        else
        {
            schemeGiven = false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var path = "/wsman";
        if (slash >= 0)
        {
            path = text[slash..];
            text = text[..slash];
            if (path is "/" or "")
            {
                path = "/wsman";
            }
        }
        string host;
        int? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(server, "unclosed '['");
            }
            host = text[..(close + 1)];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? ParsePort(rest[1..], server) : throw Invalid(server, "unexpected text after ']'");
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                host = text[..colon];
                port = ParsePort(text[(colon + 1)..], server);
            }
            else if (colon >= 0)
            {
                // A bare IPv6 address without brackets and without a port.
                host = "[" + text + "]";
            }
            else
            {
                host = text;
            }
        }
        if (host.Length == 0 || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            throw Invalid(server, "not a host name or address");
        }
        if (!schemeGiven && port == HttpPort)
        {
            // WS-Management's HTTP port: "host:5985" means plain HTTP, as it does for WinRM clients.
            scheme = "http";
        }
        if (scheme == "http" && !IsLoopback(host))
        {
            throw Invalid(server, "plain http:// is accepted for loopback addresses only (Basic credentials would travel in clear text); use https://");
        }
        var uri = new UriBuilder(scheme, host.Trim('[', ']'), port ?? (scheme == "https" ? HttpsPort : HttpPort), path);
        return uri.Uri;
    }

    /// <summary>True for localhost and loopback addresses.</summary>
    public static bool IsLoopback(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim('[', ']');
        return h.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(h, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static int ParsePort(string text, string server) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536 ? p
            : throw Invalid(server, $"'{text}' is not a port");

    private static WbemException Invalid(string server, string why) =>
        new(WbemErrorEnum.wbemErrInvalidParameter, $"ConnectServer: '{server}' is not a usable server name: {why}.");

    /// <summary>True when <paramref name="e"/> is a socket-level failure to reach the host.</summary>
    internal static bool IsUnreachable(Exception e) => e is SocketException or HttpRequestException or IOException;
}

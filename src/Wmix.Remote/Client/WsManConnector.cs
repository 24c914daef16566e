using System.Globalization;
using Wmix.Engine;

namespace Wmix.Remote.Client;

/// <summary>
/// Opens remote connections for <c>SWbemLocator.ConnectServer</c>: parses the server name
/// (<see cref="WsManEndpoint.Parse"/>), connects with Basic credentials, verifies them with an authenticated Identify.
/// </summary>
public static class WsManConnector
{
    /// <summary>The options connections use; by default <see cref="WsManClientOptions.Default"/> with TLS settings from the environment.</summary>
    public static Func<WsManClientOptions> Options { get; set; } = static () => WsManClientOptions.Default with { Tls = WsManTlsOptions.FromEnvironment() };

    /// <summary>Connects; the signature of <c>SWbemRemoteConnector</c>.</summary>
    /// <exception cref="WbemException">wbemErrTransportFailure, wbemErrAccessDenied, wbemErrInvalidNamespace, wbemErrInvalidParameter.</exception>
    public static ICimConnection Connect(string server, string @namespace, string user, string password, string locale, string authority,
        int securityFlags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!string.IsNullOrEmpty(authority) && !authority.StartsWith("NTLMDomain:", StringComparison.OrdinalIgnoreCase))
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotSupported,
                $"ConnectServer: authority '{authority}' needs Kerberos, which the WS-Management client does not speak yet; Basic over HTTPS is supported.");
        }
        var domain = authority?.StartsWith("NTLMDomain:", StringComparison.OrdinalIgnoreCase) == true ? authority["NTLMDomain:".Length..] : "";
        var fullUser = domain.Length > 0 && !string.IsNullOrEmpty(user) ? domain + "\\" + user : user;
        var options = Options() with { Locale = LocaleTag(locale) };
        try
        {
            return RemoteConnection.ConnectAsync(server, @namespace, fullUser, password, options, cancellationToken).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException e)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTransportFailure, $"ConnectServer: '{server}' did not answer in time.", e);
        }
    }

    /// <summary>WMI's <c>MS_409</c> as an RFC 4646 tag (<c>en-US</c>); null when empty or unknown.</summary>
    public static string? LocaleTag(string? locale)
    {
        if (string.IsNullOrEmpty(locale) || !locale.StartsWith("MS_", StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(locale.AsSpan(3), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var lcid))
        {
            return null;
        }
        try
        {
            return CultureInfo.GetCultureInfo(lcid).Name is { Length: > 0 } name ? name : null;
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }
}

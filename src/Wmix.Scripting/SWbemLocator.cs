using System.Net;
using Wmix.Engine;
using Wmix.Hosting;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// Opens a connection to a remote namespace for <see cref="SWbemLocator.ConnectServer"/>. The default is the
/// WS-Management client (<see cref="Wmix.Remote.Client.WsManConnector.Connect"/>); <see cref="SWbemLocator.RemoteConnector"/>
/// replaces it (tests, other transports).
/// </summary>
/// <param name="strServer">The server as the script gave it.</param>
/// <param name="strNamespace">The namespace (backslash-separated, defaulted).</param>
/// <param name="strUser">User name, or empty.</param>
/// <param name="strPassword">Password, or empty.</param>
/// <param name="strLocale">Locale (<c>MS_409</c>), or empty.</param>
/// <param name="strAuthority">Authority (<c>Kerberos:…</c>, <c>NTLMDomain:…</c>), or empty.</param>
/// <param name="iSecurityFlags">0, or <c>wbemConnectFlagUseMaxWait</c> (0x80).</param>
/// <param name="cancellationToken">Cancelled when the caller's wait limit (two minutes with 0x80) has passed.</param>
/// <returns>The connection.</returns>
public delegate ICimConnection SWbemRemoteConnector(string strServer, string strNamespace, string strUser, string strPassword,
    string strLocale, string strAuthority, int iSecurityFlags, CancellationToken cancellationToken);

/// <summary>
/// Connects to WMI namespaces (WMI's <c>SWbemLocator</c>, creatable).
/// </summary>
/// <remarks>
/// The local server ("", ".", "localhost", this machine's name or a loopback address) is the in-process local WMI,
/// <see cref="WmixHost.Local"/>: an object manager over the durable repository (<c>$WMIX_REPOSITORY</c>, else
/// <c>$XDG_DATA_HOME/wmix</c>) with the Linux providers registered, opened on the first local connection. Other
/// servers go through <see cref="RemoteConnector"/>, by default WS-Management: <c>host</c>, <c>host:port</c> or
/// <c>https://host:port</c> (HTTPS, port 5986 by default), or <c>http://127.0.0.1:port</c> (plain HTTP for loopback
/// only); see docs/REMOTE.md.
/// </remarks>
public sealed class SWbemLocator
{
    private const string DefaultNamespace = @"root\cimv2";
    private static readonly TimeSpan s_maxWait = TimeSpan.FromMinutes(2);

    /// <summary>Creates a locator.</summary>
    public SWbemLocator()
    {
    }

    /// <summary>
    /// How other servers are reached: by default the WS-Management client; null makes remote connections fail
    /// with wbemErrTransportFailure.
    /// </summary>
    public static SWbemRemoteConnector? RemoteConnector { get; set; } = Wmix.Remote.Client.WsManConnector.Connect;

    /// <summary>
    /// How a local namespace is opened: the process-wide local WMI (<see cref="WmixHost.Local"/>: the durable
    /// repository with the Linux providers). Opening it may fail with the repository's WBEM error (read-only location,
    /// damaged file), which ConnectServer raises; the next ConnectServer tries again.
    /// </summary>
    internal static Func<string, ICimConnection> LocalConnector { get; set; } = static ns => WmixHost.Local.Connect(ns);

    /// <summary>Security settings used for connections.</summary>
    public SWbemSecurity Security_ { get; } = new();

    /// <summary>Connects to a namespace on a server.</summary>
    /// <param name="strServer">"" or "." (local, the default), a DNS name or an IP address.</param>
    /// <param name="strNamespace">The namespace; "" means <c>root\cimv2</c>.</param>
    /// <param name="strUser">User for a remote connection (<c>user</c>, <c>DOMAIN\user</c> or a UPN); must be empty locally.</param>
    /// <param name="strPassword">Password for a remote connection; must be empty locally.</param>
    /// <param name="strLocale">"" (current locale) or <c>MS_xxxx</c> with a hexadecimal LCID.</param>
    /// <param name="strAuthority">"" (negotiate), <c>Kerberos:principal</c> or <c>NTLMDomain:domain</c>.</param>
    /// <param name="iSecurityFlags">0 (wait as long as it takes) or <c>wbemConnectFlagUseMaxWait</c> (0x80: fail within two minutes).</param>
    /// <param name="objwbemNamedValueSet">Provider context for the connection, or null.</param>
    /// <returns>The connection (an <see cref="SWbemServicesEx"/>).</returns>
    /// <exception cref="WbemException">
    /// wbemErrInvalidNamespace for a namespace that does not exist; wbemErrAccessDenied, wbemErrCriticalError or
    /// wbemErrDatabaseVerMismatch when the local repository cannot be opened (read-only location, damaged file, newer
    /// Wmix; the message names the file); wbemErrLocalCredentials for a user or password
    /// on a local connection; wbemErrInvalidParameter for a malformed namespace, locale or authority, or a domain
    /// in both the user and the authority; wbemErrTransportFailure for a server that cannot be reached.
    /// </exception>
    public SWbemServicesEx ConnectServer(string strServer = "", string strNamespace = "", string strUser = "", string strPassword = "",
        string strLocale = "", string strAuthority = "", int iSecurityFlags = 0, SWbemNamedValueSet? objwbemNamedValueSet = null)
    {
        strServer ??= "";
        strUser ??= "";
        strPassword ??= "";
        strLocale ??= "";
        strAuthority ??= "";
        var ns = NormalizeNamespace(strNamespace);
        ValidateLocale(strLocale);
        ValidateAuthority(strAuthority, strUser);
        ScriptErrors.CheckFlags(iSecurityFlags, (int)WbemConnectOptionsEnum.wbemConnectFlagUseMaxWait, nameof(ConnectServer));
        try
        {
            ICimConnection connection;
            if (IsLocal(strServer))
            {
                if (strUser.Length > 0 || strPassword.Length > 0)
                {
                    throw ScriptErrors.Error(WbemErrorEnum.wbemErrLocalCredentials,
                        "ConnectServer: user credentials cannot be used for local connections; leave strUser and strPassword empty.");
                }
                connection = LocalConnector(ns);
            }
            else
            {
                connection = ConnectRemote(strServer, ns, strUser, strPassword, strLocale, strAuthority, iSecurityFlags);
            }
            var services = new SWbemServicesEx(connection);
            services.Security_.ImpersonationLevel = Security_.ImpersonationLevel;
            services.Security_.AuthenticationLevel = Security_.AuthenticationLevel;
            return services;
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    private static ICimConnection ConnectRemote(string server, string ns, string user, string password, string locale, string authority, int flags)
    {
        var connector = RemoteConnector ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrTransportFailure,
            $"ConnectServer: cannot reach '{server}': no remote transport is installed (SWbemLocator.RemoteConnector).");
        if ((flags & (int)WbemConnectOptionsEnum.wbemConnectFlagUseMaxWait) == 0)
        {
            return connector(server, ns, user, password, locale, authority, flags, CancellationToken.None);
        }
        using var cts = new CancellationTokenSource(s_maxWait);
        var attempt = Task.Run(() => connector(server, ns, user, password, locale, authority, flags, cts.Token));
        try
        {
            if (attempt.Wait(s_maxWait))
            {
                return attempt.Result;
            }
        }
        catch (AggregateException e) when (e.InnerException is WbemException w)
        {
            throw w;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException)
        {
            // Fall through to the timeout below.
        }
        throw new WbemException(WbemErrorEnum.wbemErrTransportFailure,
            $"ConnectServer: '{server}' did not answer within {s_maxWait.TotalMinutes:0} minutes (wbemConnectFlagUseMaxWait).");
    }

    internal static bool IsLocal(string server)
    {
        if (server.Length == 0 || server == "." || server.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || server.Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var host = server.TrimEnd('.');
        if (host.Equals(Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(server.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string NormalizeNamespace(string? ns)
    {
        if (string.IsNullOrEmpty(ns))
        {
            return DefaultNamespace;
        }
        var normalized = ns.Replace('/', '\\').Trim('\\');
        foreach (var part in normalized.Split('\\'))
        {
            if (!Cim.CimNames.IsIdentifier(part))
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"ConnectServer: '{ns}' is not a namespace name.");
            }
        }
        return normalized;
    }

    private static void ValidateLocale(string locale)
    {
        if (locale.Length == 0)
        {
            return;
        }
        if (!locale.StartsWith("MS_", StringComparison.OrdinalIgnoreCase) || locale.Length == 3
            || !int.TryParse(locale.AsSpan(3), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"ConnectServer: '{locale}' is not a locale; use MS_ and a hexadecimal LCID, e.g. MS_409.");
        }
    }

    private static void ValidateAuthority(string authority, string user)
    {
        if (authority.Length == 0)
        {
            return;
        }
        var ntlm = authority.StartsWith("NTLMDomain:", StringComparison.OrdinalIgnoreCase);
        var kerberos = authority.StartsWith("Kerberos:", StringComparison.OrdinalIgnoreCase);
        if (!ntlm && !kerberos)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter,
                $"ConnectServer: '{authority}' is not an authority; use Kerberos:<principal> or NTLMDomain:<domain>.");
        }
        var userHasDomain = user.Contains('\\', StringComparison.Ordinal) || user.Contains('@', StringComparison.Ordinal);
        if (ntlm && userHasDomain && authority.Length > "NTLMDomain:".Length)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter,
                "ConnectServer: the domain is given both in strUser and in strAuthority; give it in one place only.");
        }
    }
}

using System.Globalization;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>The logon classes: Win32_Session, Win32_LogonSession and the Win32_LoggedOnUser association.</summary>
public static class LogonSchema
{
    /// <summary>Win32_Session (abstract).</summary>
    public static CimClass Session { get; } = new ClassBuilder("Win32_Session", CimSchema.LogicalElement).Abstract().DateTime("StartTime").Build();

    /// <summary>Win32_LogonSession (key LogonId).</summary>
    public static CimClass LogonSession { get; } = new ClassBuilder("Win32_LogonSession", Session)
        .S("AuthenticationPackage").Key("LogonId").U32("LogonType").Build();

    /// <summary>Win32_LoggedOnUser (association: an account and a logon session of it).</summary>
    public static CimClass LoggedOnUser { get; } = new ClassBuilder("Win32_LoggedOnUser", CimSchema.Dependency).Association()
        .Ref("Antecedent", "Win32_Account").Ref("Dependent", "Win32_LogonSession").Build();
}

/// <summary>
/// <c>Win32_LogonSession</c> and <c>Win32_LoggedOnUser</c> from the utmp file's login records (<c>USER_PROCESS</c>
/// entries whose login process is still alive — utmp keeps stale entries when a session dies without logging out).
/// </summary>
/// <remarks>
/// Mapping: <c>LogonId</c> = the login process's pid as text (unique while the session lives);
/// <c>StartTime</c> = <c>ut_tv</c>; <c>LogonType</c> = 10 (RemoteInteractive) when <c>ut_host</c> names a remote host,
/// else 2 (Interactive); <c>Caption</c>/<c>Name</c> = the terminal (<c>ut_line</c>). <c>AuthenticationPackage</c>
/// (PAM does not record which module authenticated), <c>Description</c>, <c>InstallDate</c> and <c>Status</c> are NULL.
/// <c>Win32_LoggedOnUser</c> links the Win32_UserAccount named by <c>ut_user</c> (when it exists in passwd) with
/// each of its sessions. Machines without utmp (containers) have no instances.
/// </remarks>
public sealed class LogonProvider : CimProvider
{
    private readonly string _utmpPath;
    private readonly AccountSource _accounts;

    /// <summary>Reads <paramref name="utmpPath"/> (default <c>/run/utmp</c>) and the given accounts (default the machine's).</summary>
    public LogonProvider(string utmpPath = UtmpReader.DefaultPath, AccountSource? accounts = null)
    {
        _utmpPath = utmpPath;
        _accounts = accounts ?? AccountSource.System;
    }

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Logon";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        new(CimSchema.Namespace, LogonSchema.Session, ProviderCapabilities.None),
        new(CimSchema.Namespace, LogonSchema.LogonSession),
        new(CimSchema.Namespace, LogonSchema.LoggedOnUser),
    ];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        return FromEnumerableAsync(Enumerate(cls), cancellationToken);
    }

    private IEnumerable<UtmpEntry> LiveLogins() =>
        UtmpReader.Read(_utmpPath).Where(e => e.Type == UtmpReader.UserProcess && e.ProcessId > 0 && e.User.Length > 0
            && Directory.Exists("/proc/" + e.ProcessId.ToString(CultureInfo.InvariantCulture)));

    private IEnumerable<CimInstance> Enumerate(CimClass cls)
    {
        if (CimNames.AreEqual(cls.Name, "Win32_LogonSession"))
        {
            foreach (var e in LiveLogins())
            {
                var i = cls.SpawnInstance();
                i["LogonId"] = e.ProcessId.ToString(CultureInfo.InvariantCulture);
                i["LogonType"] = e.Host.Length > 0 ? 10u : 2u;
                i["StartTime"] = CimDateTime.FromDateTimeOffset(e.Time.ToLocalTime()).ToString();
                i["Name"] = e.Line;
                i["Caption"] = e.Line;
                yield return i;
            }
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_LoggedOnUser"))
        {
            var users = _accounts.Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
            var host = HostInfo.HostName;
            foreach (var e in LiveLogins())
            {
                if (!users.Contains(e.User))
                {
                    continue;
                }
                var link = cls.SpawnInstance();
                link["Antecedent"] = AccountProvider.UserPath(host, e.User);
                link["Dependent"] = new CimObjectPath(null, null, "Win32_LogonSession",
                    [new CimKeyBinding("LogonId", e.ProcessId.ToString(CultureInfo.InvariantCulture))]).RelativePath;
                yield return link;
            }
        }
    }
}

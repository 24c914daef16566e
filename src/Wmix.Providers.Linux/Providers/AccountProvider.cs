using System.Globalization;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// <c>Win32_UserAccount</c>, <c>Win32_Group</c> and <c>Win32_GroupUser</c> from <c>/etc/passwd</c>,
/// <c>/etc/group</c> (and <c>/etc/shadow</c> when readable); <c>Win32_Environment</c> from <c>/etc/environment</c>.
/// </summary>
/// <remarks>
/// <para>Accounts: <c>Domain</c> = the host name (every account is local, <c>LocalAccount</c> = true);
/// <c>Caption</c> = <c>HOST\name</c>. <c>SID</c>: Linux has no SIDs; the provider uses the mapping Samba uses for
/// Unix accounts, <c>S-1-22-1-&lt;uid&gt;</c> for users and <c>S-1-22-2-&lt;gid&gt;</c> for groups, so a SID is
/// stable, unique per id and recognisable. <c>SIDType</c> = 1 (user) / 2 (group). <c>AccountType</c> = 512 (normal
/// account). <c>FullName</c> = the first GECOS field. <c>Disabled</c> = the login shell refuses logins
/// (<c>nologin</c>/<c>false</c>) or the password is locked in shadow (<c>!</c> prefix). From <c>/etc/shadow</c>, only
/// when it is readable (root): <c>Lockout</c> = password locked, <c>PasswordRequired</c> = the hash is not empty,
/// <c>PasswordExpires</c> = a maximum age other than none/99999, <c>PasswordChangeable</c> = the minimum age is 0 or
/// unset; otherwise these stay NULL. <c>Description</c> and <c>InstallDate</c> are NULL.</para>
/// <para><c>Win32_GroupUser</c> links a group with each member: users whose primary group it is, then the users listed
/// in the group line (each once; listed names with no passwd entry are skipped).</para>
/// <para><c>Win32_Environment</c>: the <c>/etc/environment</c> variables with <c>UserName</c> = <c>&lt;SYSTEM&gt;</c>
/// and <c>SystemVariable</c> = true. Linux keeps no per-user variable store WMI could mirror (shell start-up files
/// are programs, not data; <c>~/.pam_environment</c> is deprecated and ignored by current PAM), so there are no
/// per-user instances.</para>
/// <para>Push-down: <c>Name = …</c> on each class.</para>
/// </remarks>
public sealed class AccountProvider : CimProvider
{
    /// <summary>The <c>UserName</c> of system-wide environment variables, as WMI writes it.</summary>
    public const string SystemUserName = "<SYSTEM>";

    private readonly AccountSource _accounts;
    private readonly string _shadowPath;
    private readonly string _environmentPath;

    /// <summary>Reads the machine's files, or the given ones (tests).</summary>
    public AccountProvider(AccountSource? accounts = null, string shadowPath = "/etc/shadow", string environmentPath = "/etc/environment")
    {
        _accounts = accounts ?? AccountSource.System;
        _shadowPath = shadowPath;
        _environmentPath = environmentPath;
    }

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Account";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        new(CimSchema.Namespace, AccountSchema.Account, ProviderCapabilities.None),
        new(CimSchema.Namespace, AccountSchema.UserAccount),
        new(CimSchema.Namespace, AccountSchema.Group),
        new(CimSchema.Namespace, AccountSchema.GroupUser),
        new(CimSchema.Namespace, AccountSchema.SystemSetting, ProviderCapabilities.None),
        new(CimSchema.Namespace, AccountSchema.Environment),
    ];

    /// <summary>The Samba-style SID of a Unix user.</summary>
    public static string UserSid(uint uid) => "S-1-22-1-" + uid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The Samba-style SID of a Unix group.</summary>
    public static string GroupSid(uint gid) => "S-1-22-2-" + gid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The relative path of a Win32_UserAccount.</summary>
    public static string UserPath(string domain, string name) => AccountPath("Win32_UserAccount", domain, name);

    /// <summary>The relative path of a Win32_Group.</summary>
    public static string GroupPath(string domain, string name) => AccountPath("Win32_Group", domain, name);

    private static string AccountPath(string className, string domain, string name) =>
        new CimObjectPath(null, null, className, [new CimKeyBinding("Domain", domain), new CimKeyBinding("Name", name)]).RelativePath;

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cls);
        return FromEnumerableAsync(Enumerate(cls, context.Query?.Where), cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(path);
        if (CimNames.AreEqual(cls.Name, "Win32_GroupUser"))
        {
            // Two references as keys: the default (enumerate and compare keys) handles path normalisation.
            return base.GetInstanceAsync(context, cls, path, cancellationToken);
        }
        var keyName = CimNames.AreEqual(cls.Name, "Win32_Environment") ? "UserName" : "Domain";
        var scope = KeyText(path, keyName);
        var name = KeyText(path, "Name");
        if (scope is null || name is null)
        {
            return ValueTask.FromResult<CimInstance?>(null);
        }
        var found = Enumerate(cls, null, name).FirstOrDefault(i => string.Equals((string?)i[keyName], scope, StringComparison.OrdinalIgnoreCase));
        return ValueTask.FromResult(found);
    }

    private static string? KeyText(CimObjectPath path, string key) =>
        path.Keys.FirstOrDefault(k => CimNames.AreEqual(k.Name, key)).Value as string;

    private IEnumerable<CimInstance> Enumerate(CimClass cls, WqlExpression? where, string? onlyName = null)
    {
        IReadOnlyList<string>? names = onlyName is not null ? [onlyName] : PushDown.StringValues(where, "Name");
        // WMI compares account and variable names case-insensitively (Windows names are); so does push-down.
        bool Wanted(string name) => names is null || names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        var host = HostInfo.HostName;
        if (CimNames.AreEqual(cls.Name, "Win32_UserAccount"))
        {
            var shadow = ReadShadow();
            foreach (var u in _accounts.Users)
            {
                if (Wanted(u.Name))
                {
                    yield return ToInstance(cls, u, host, shadow?.GetValueOrDefault(u.Name), shadowKnown: shadow is not null);
                }
            }
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_Group"))
        {
            foreach (var g in _accounts.Groups)
            {
                if (Wanted(g.Name))
                {
                    yield return ToInstance(cls, g, host);
                }
            }
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_GroupUser"))
        {
            var users = _accounts.Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var g in _accounts.Groups)
            {
                foreach (var member in _accounts.MembersOf(g))
                {
                    if (!users.Contains(member))
                    {
                        continue;
                    }
                    var link = cls.SpawnInstance();
                    link["GroupComponent"] = GroupPath(host, g.Name);
                    link["PartComponent"] = UserPath(host, member);
                    yield return link;
                }
            }
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_Environment"))
        {
            foreach (var (name, value) in EnvironmentSource.ReadSystem(_environmentPath))
            {
                if (!Wanted(name))
                {
                    continue;
                }
                var i = cls.SpawnInstance();
                i["Name"] = name;
                i["UserName"] = SystemUserName;
                i["VariableValue"] = value;
                i["SystemVariable"] = true;
                i["Caption"] = SystemUserName + "\\" + name;
                i["Description"] = SystemUserName + "\\" + name;
                i["Status"] = "OK";
                yield return i;
            }
        }
    }

    private static CimInstance ToInstance(CimClass cls, LinuxUser u, string host, ShadowEntry? shadow, bool shadowKnown)
    {
        var i = cls.SpawnInstance();
        i["Domain"] = host;
        i["Name"] = u.Name;
        i["Caption"] = host + "\\" + u.Name;
        i["LocalAccount"] = true;
        i["SID"] = UserSid(u.Uid);
        i["SIDType"] = (byte)1;
        i["Status"] = "OK";
        i["AccountType"] = 512u;
        i["FullName"] = u.FullName;
        var locked = shadow?.Locked ?? u.PasswordField.StartsWith('!');
        i["Disabled"] = u.LoginDisabled || locked;
        if (shadowKnown && shadow is { } s)
        {
            i["Lockout"] = s.Locked;
            i["PasswordRequired"] = s.Hash.Length > 0;
            i["PasswordExpires"] = s.MaxDays is { } max && max < 99999;
            i["PasswordChangeable"] = s.MinDays is null or 0;
        }
        return i;
    }

    private static CimInstance ToInstance(CimClass cls, LinuxGroup g, string host)
    {
        var i = cls.SpawnInstance();
        i["Domain"] = host;
        i["Name"] = g.Name;
        i["Caption"] = host + "\\" + g.Name;
        i["LocalAccount"] = true;
        i["SID"] = GroupSid(g.Gid);
        i["SIDType"] = (byte)2;
        i["Status"] = "OK";
        return i;
    }

    /// <summary>A line of /etc/shadow (only what the provider maps).</summary>
    private sealed record ShadowEntry(string Hash, bool Locked, long? MinDays, long? MaxDays);

    /// <summary>/etc/shadow by user name, or null when it cannot be read (not root): the shadow-based properties are then NULL.</summary>
    private Dictionary<string, ShadowEntry>? ReadShadow()
    {
        string text;
        try
        {
            text = File.ReadAllText(_shadowPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var map = new Dictionary<string, ShadowEntry>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length < 5 || f[0].Length == 0)
            {
                continue;
            }
            var hash = f[1];
            var locked = hash.StartsWith('!');
            if (locked)
            {
                hash = hash[1..];
            }
            map.TryAdd(f[0], new ShadowEntry(hash, locked, Days(f[3]), Days(f[4])));
        }
        return map;

        static long? Days(string field) => long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : null;
    }
}

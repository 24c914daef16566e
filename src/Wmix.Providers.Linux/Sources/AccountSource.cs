using Wmix.Providers.Linux.Sources.Internal;

namespace Wmix.Providers.Linux.Sources;

/// <summary>A user from <c>/etc/passwd</c>.</summary>
/// <param name="Name">Login name.</param>
/// <param name="Uid">User id.</param>
/// <param name="Gid">Primary group id.</param>
/// <param name="FullName">The GECOS field's first comma-separated part (the full name), or empty.</param>
/// <param name="Home">Home directory.</param>
/// <param name="Shell">Login shell.</param>
/// <param name="PasswordField">The password field as written in passwd (<c>x</c> = in shadow, <c>*</c>/<c>!</c> = locked, empty = none).</param>
public sealed record LinuxUser(string Name, uint Uid, uint Gid, string FullName, string Home, string Shell, string PasswordField)
{
    /// <summary>True when the shell refuses logins (<c>nologin</c>, <c>false</c>).</summary>
    public bool LoginDisabled => Shell.EndsWith("/nologin", StringComparison.Ordinal) || Shell.EndsWith("/false", StringComparison.Ordinal);
}

/// <summary>A group from <c>/etc/group</c>.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Gid">Group id.</param>
/// <param name="Members">Supplementary members listed in the group line (primary members are in passwd).</param>
public sealed record LinuxGroup(string Name, uint Gid, IReadOnlyList<string> Members);

/// <summary>
/// Users and groups from <c>/etc/passwd</c> and <c>/etc/group</c> (local accounts only; NSS sources such as LDAP are
/// not consulted). The parsed files are cached and re-read when their modification time changes.
/// </summary>
public sealed class AccountSource
{
    private readonly string _passwdPath;
    private readonly string _groupPath;
    private readonly Lock _gate = new();
    private (DateTime Stamp, IReadOnlyList<LinuxUser> Users, Dictionary<uint, LinuxUser> ByUid)? _users;
    private (DateTime Stamp, IReadOnlyList<LinuxGroup> Groups)? _groups;

    /// <summary>The accounts of this machine.</summary>
    public static AccountSource System { get; } = new();

    /// <summary>Reads the given files (tests point these at their own copies).</summary>
    public AccountSource(string passwdPath = "/etc/passwd", string groupPath = "/etc/group")
    {
        _passwdPath = passwdPath;
        _groupPath = groupPath;
    }

    /// <summary>Every user, in file order.</summary>
    public IReadOnlyList<LinuxUser> Users => LoadUsers().Users;

    /// <summary>Every group, in file order.</summary>
    public IReadOnlyList<LinuxGroup> Groups => LoadGroups();

    /// <summary>The user with <paramref name="uid"/>, or null.</summary>
    public LinuxUser? FindUser(uint uid) => LoadUsers().ByUid.GetValueOrDefault(uid);

    /// <summary>The members of <paramref name="group"/>: users whose primary group it is, then the listed members (each once).</summary>
    public IEnumerable<string> MembersOf(LinuxGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in Users)
        {
            if (u.Gid == group.Gid && seen.Add(u.Name))
            {
                yield return u.Name;
            }
        }
        foreach (var m in group.Members)
        {
            if (seen.Add(m))
            {
                yield return m;
            }
        }
    }

    private (DateTime Stamp, IReadOnlyList<LinuxUser> Users, Dictionary<uint, LinuxUser> ByUid) LoadUsers()
    {
        var stamp = File.GetLastWriteTimeUtc(_passwdPath);
        // The lock makes the check-and-reload atomic, so two callers never parse the file twice or see a torn cache.
        lock (_gate)
        {
            if (_users is { } cached && cached.Stamp == stamp)
            {
                return cached;
            }
            var users = new List<LinuxUser>();
            var byUid = new Dictionary<uint, LinuxUser>();
            var text = new ProcFile().ReadText(_passwdPath) ?? "";
            foreach (var line in text.Split('\n'))
            {
                var f = line.Split(':');
                if (f.Length < 7 || !uint.TryParse(f[2], out var uid) || !uint.TryParse(f[3], out var gid))
                {
                    continue;
                }
                var user = new LinuxUser(f[0], uid, gid, f[4].Split(',')[0], f[5], f[6].Trim(), f[1]);
                users.Add(user);
                byUid.TryAdd(uid, user);
            }
            var loaded = (stamp, (IReadOnlyList<LinuxUser>)users, byUid);
            _users = loaded;
            return loaded;
        }
    }

    private IReadOnlyList<LinuxGroup> LoadGroups()
    {
        var stamp = File.GetLastWriteTimeUtc(_groupPath);
        // Same check-and-reload discipline as LoadUsers.
        lock (_gate)
        {
            if (_groups is { } cached && cached.Stamp == stamp)
            {
                return cached.Groups;
            }
            var groups = new List<LinuxGroup>();
            var text = new ProcFile().ReadText(_groupPath) ?? "";
            foreach (var line in text.Split('\n'))
            {
                var f = line.Split(':');
                if (f.Length < 4 || !uint.TryParse(f[2], out var gid))
                {
                    continue;
                }
                var members = f[3].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                groups.Add(new LinuxGroup(f[0], gid, members));
            }
            _groups = (stamp, groups);
            return groups;
        }
    }
}

namespace Wmix.Remote.Server.Security;

/// <summary>
/// Group membership of a user from <c>/etc/passwd</c> (primary group) and <c>/etc/group</c> (supplementary groups),
/// for access rules. Re-read when either file changes (checked by modification time, at most once a second).
/// </summary>
public sealed class UnixAccounts
{
    private readonly string _passwdPath;
    private readonly string _groupPath;
    // One snapshot replaced as a whole: readers take the reference and never see a half-built table.
    private volatile Snapshot? _snapshot;
    private long _checkedAt;

    /// <summary>Reads the system's files.</summary>
    public UnixAccounts()
        : this("/etc/passwd", "/etc/group")
    {
    }

    /// <summary>Reads the given files (tests).</summary>
    public UnixAccounts(string passwdPath, string groupPath)
    {
        _passwdPath = passwdPath;
        _groupPath = groupPath;
    }

    /// <summary>The names of the groups <paramref name="user"/> belongs to (primary first); empty for an unknown user.</summary>
    public IReadOnlyList<string> GroupsOf(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var snapshot = Current();
        var result = new List<string>();
        if (snapshot.PrimaryGid.TryGetValue(user, out var gid) && snapshot.GroupNames.TryGetValue(gid, out var primary))
        {
            result.Add(primary);
        }
        if (snapshot.Members.TryGetValue(user, out var more))
        {
            foreach (var g in more)
            {
                if (!result.Contains(g, StringComparer.Ordinal))
                {
                    result.Add(g);
                }
            }
        }
        return result;
    }

    /// <summary>True when <paramref name="user"/> has uid 0.</summary>
    public bool IsRoot(string user) => Current().Uid.TryGetValue(user, out var uid) && uid == 0;

    private Snapshot Current()
    {
        var now = Environment.TickCount64;
        var snapshot = _snapshot;
        if (snapshot is not null && now - Interlocked.Read(ref _checkedAt) < 1000)
        {
            return snapshot;
        }
        Interlocked.Exchange(ref _checkedAt, now);
        var stamp = (Stamp(_passwdPath), Stamp(_groupPath));
        if (snapshot is not null && snapshot.Stamp == stamp)
        {
            return snapshot;
        }
        // Two threads may both rebuild after a change; both build the same table and the last write wins.
        snapshot = Load(stamp);
        _snapshot = snapshot;
        return snapshot;
    }

    private static DateTime Stamp(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;

    private Snapshot Load((DateTime, DateTime) stamp)
    {
        var uid = new Dictionary<string, long>(StringComparer.Ordinal);
        var primary = new Dictionary<string, long>(StringComparer.Ordinal);
        var names = new Dictionary<long, string>();
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in ReadLines(_passwdPath))
        {
            // name:x:uid:gid:gecos:home:shell
            var f = line.Split(':');
            if (f.Length >= 4 && long.TryParse(f[2], out var u) && long.TryParse(f[3], out var g))
            {
                uid.TryAdd(f[0], u);
                primary.TryAdd(f[0], g);
            }
        }
        foreach (var line in ReadLines(_groupPath))
        {
            // name:x:gid:member,member
            var f = line.Split(':');
            if (f.Length >= 4 && long.TryParse(f[2], out var g))
            {
                names.TryAdd(g, f[0]);
                foreach (var m in f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!members.TryGetValue(m, out var list))
                    {
                        members[m] = list = [];
                    }
                    list.Add(f[0]);
                }
            }
        }
        return new Snapshot(stamp, uid, primary, names, members);
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            // No passwd/group file (a container): nobody has system groups; rules naming users still work.
            yield break;
        }
        catch (UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var l in lines)
        {
            if (l.Length > 0 && l[0] != '#')
            {
                yield return l;
            }
        }
    }

    private sealed record Snapshot(
        (DateTime, DateTime) Stamp,
        Dictionary<string, long> Uid,
        Dictionary<string, long> PrimaryGid,
        Dictionary<long, string> GroupNames,
        Dictionary<string, List<string>> Members);
}

using System.Globalization;
using Wmix.Providers.Linux.Interop;

namespace Wmix.Providers.Linux.Sources;

/// <summary>The kind of a directory entry (<c>st_mode &amp; S_IFMT</c>).</summary>
public enum LinuxFileKind
{
    /// <summary>A regular file.</summary>
    Regular,
    /// <summary>A directory.</summary>
    Directory,
    /// <summary>A symbolic link (never followed).</summary>
    SymbolicLink,
    /// <summary>A named pipe.</summary>
    Fifo,
    /// <summary>A Unix domain socket.</summary>
    Socket,
    /// <summary>A character device node.</summary>
    CharacterDevice,
    /// <summary>A block device node.</summary>
    BlockDevice,
}

/// <summary>
/// What is known about one directory entry at one moment: <c>statx(2)</c> of the entry itself (links not followed),
/// what the caller may do with it (<c>faccessat(2)</c> with the effective ids), and the type of the filesystem it is on.
/// Everything an instance needs, so instances can be rebuilt without touching the disk (events keep these).
/// </summary>
/// <param name="FullName">The absolute path, e.g. <c>/etc/hosts</c>; <c>/</c> for the root.</param>
/// <param name="Kind">What the entry is.</param>
/// <param name="Size">st_size in bytes (for a link: the length of its target text).</param>
/// <param name="Mode">st_mode.</param>
/// <param name="Uid">The owner.</param>
/// <param name="BirthTime">The creation time when the filesystem records it (statx STATX_BTIME), else null.</param>
/// <param name="AccessTime">atime.</param>
/// <param name="ModifyTime">mtime.</param>
/// <param name="ChangeTime">ctime (not a WMI property; part of the identity of a state for change detection).</param>
/// <param name="Compressed">The filesystem's compressed attribute, or null when it does not report one.</param>
/// <param name="Encrypted">The filesystem's encrypted attribute, or null when it does not report one.</param>
/// <param name="Readable">The caller may read it (through a link: what opening the name gives).</param>
/// <param name="Writeable">The caller may write it.</param>
/// <param name="AccessMask">The caller's rights as WMI's <c>AccessMask</c> bits (see <see cref="FileSource"/>).</param>
/// <param name="FileSystem">The type of the filesystem it is on (<c>ext4</c>, <c>tmpfs</c>), or null when unknown.</param>
public sealed record LinuxFileFacts(string FullName, LinuxFileKind Kind, ulong Size, uint Mode, uint Uid, DateTimeOffset? BirthTime,
    DateTimeOffset AccessTime, DateTimeOffset ModifyTime, DateTimeOffset ChangeTime, bool? Compressed, bool? Encrypted,
    bool Readable, bool Writeable, uint AccessMask, string? FileSystem)
{
    /// <summary>True for directories.</summary>
    public bool IsDirectory => Kind == LinuxFileKind.Directory;
}

/// <summary>The mounts of the machine (every one, pseudo filesystems included), by mount id and by device.</summary>
public sealed class MountTable
{
    // Filesystems a walk of the whole machine does not enter: kernel interfaces whose "files" are not files (proc,
    // sysfs, cgroup, …), device nodes (devtmpfs) and network filesystems (a dead server would hang the walk).
    private static readonly HashSet<string> s_skippedTypes = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "cgroup", "cgroup2", "devtmpfs", "devpts", "debugfs", "tracefs", "securityfs", "pstore", "bpf",
        "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs", "binfmt_misc", "efivarfs", "selinuxfs", "nsfs",
        "rpc_pipefs", "nfsd", "fuse.gvfsd-fuse", "fuse.portal",
    };

    private readonly Dictionary<ulong, string> _byId = [];
    private readonly Dictionary<(uint, uint), string> _byDevice = [];

    private MountTable()
    {
    }

    /// <summary>Reads <c>/proc/self/mountinfo</c> now.</summary>
    public static MountTable Read() => Parse(SystemSource.ReadLines("/proc/self/mountinfo"));

    internal static MountTable Parse(IEnumerable<string> lines)
    {
        var table = new MountTable();
        foreach (var line in lines)
        {
            var f = line.Split(' ');
            var dash = Array.IndexOf(f, "-");
            if (f.Length < 7 || dash < 6 || dash + 1 >= f.Length
                || !ulong.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }
            var type = f[dash + 1];
            table._byId[id] = type;
            var colon = f[2].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && uint.TryParse(f[2].AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var major)
                && uint.TryParse(f[2].AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            {
                // Later lines are mounted over earlier ones; the same device normally carries one filesystem type anyway.
                table._byDevice[(major, minor)] = type;
            }
        }
        return table;
    }

    /// <summary>The filesystem type of the entry described by <paramref name="st"/>, or null.</summary>
    internal string? TypeOf(in Libc.Statx st) =>
        (st.Mask & Libc.STATX_MNT_ID) != 0 && _byId.TryGetValue(st.MountId, out var t) ? t
        : _byDevice.TryGetValue((st.DevMajor, st.DevMinor), out var d) ? d : null;

    /// <summary>True when a whole-machine walk does not enter filesystems of type <paramref name="type"/>.</summary>
    public static bool IsSkipped(string? type) => type is not null && (s_skippedTypes.Contains(type) || MountSource.IsNetworkType(type));
}

/// <summary>
/// Reads files and directories for <c>CIM_DataFile</c> and <c>Win32_Directory</c>: one entry by path, one
/// directory's entries, or a walk of a whole tree. Symbolic links are never followed (a link is an entry of its own).
/// </summary>
/// <remarks>
/// <para><c>AccessMask</c> maps what the caller may do to WMI's bits: always FILE_READ_ATTRIBUTES (0x80),
/// READ_CONTROL (0x20000) and SYNCHRONIZE (0x100000) (the entry could be stat'ed); read access adds FILE_READ_DATA
/// (0x1) and FILE_READ_EA (0x8); write access FILE_WRITE_DATA (0x2), FILE_APPEND_DATA (0x4) and FILE_WRITE_EA (0x10),
/// plus FILE_DELETE_CHILD (0x40) on a directory; execute/search access FILE_EXECUTE (0x20); the owner (or root) gets
/// FILE_WRITE_ATTRIBUTES (0x100) and WRITE_DAC (0x40000) (chmod), root WRITE_OWNER (0x80000) (chown); DELETE
/// (0x10000) when the parent directory is writable and searchable and, if it is sticky, the caller owns the entry or
/// the directory (or is root).</para>
/// </remarks>
public static class FileSource
{
    private const uint S_IFMT = 0xF000;
    private const uint S_ISVTX = 0x200;
    private const uint StatxMask = Libc.STATX_BASIC_STATS | Libc.STATX_BTIME | Libc.STATX_MNT_ID;

    /// <summary>The entry at <paramref name="fullName"/> (not following a final link), or null when it does not exist or cannot be stat'ed.</summary>
    public static LinuxFileFacts? Read(string fullName, MountTable mounts) => Read(fullName, mounts, ParentOf(fullName));

    /// <summary>The parent directory of an absolute path ("/" for top-level entries and for "/" itself).</summary>
    public static string ParentOf(string fullName)
    {
        var slash = fullName.LastIndexOf('/');
        return slash <= 0 ? "/" : fullName[..slash];
    }

    /// <summary>The child <paramref name="name"/> of directory <paramref name="directory"/>.</summary>
    public static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>
    /// True for a canonical absolute path as the provider names entries: starts with "/", no empty, "." or ".."
    /// segment, no trailing "/" (except "/" itself), no NUL.
    /// </summary>
    public static bool IsCanonical(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }
        if (path == "/")
        {
            return true;
        }
        foreach (var segment in path[1..].Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return false;
            }
        }
        return true;
    }

    private static LinuxFileFacts? Read(string fullName, MountTable mounts, string parent)
    {
        if (Libc.statx(Libc.AT_FDCWD, fullName, Libc.AT_SYMLINK_NOFOLLOW, StatxMask, out var st) != 0)
        {
            return null;
        }
        var parentAccess = fullName == "/" ? default : ParentAccess.Of(parent);
        return ToFacts(fullName, st, mounts, parentAccess);
    }

    /// <summary>
    /// The entries of directory <paramref name="directory"/> in ordinal name order; empty when it cannot be listed
    /// (gone, not a directory, no permission). Entries that vanish while listing are left out.
    /// </summary>
    public static IEnumerable<LinuxFileFacts> List(string directory, MountTable mounts, CancellationToken cancellationToken = default)
    {
        var names = ListNames(directory);
        if (names.Count == 0)
        {
            yield break;
        }
        var parentAccess = ParentAccess.Of(directory);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var full = Combine(directory, name);
            if (Libc.statx(Libc.AT_FDCWD, full, Libc.AT_SYMLINK_NOFOLLOW, StatxMask, out var st) == 0)
            {
                yield return ToFacts(full, st, mounts, parentAccess);
            }
        }
    }

    /// <summary>The names in <paramref name="directory"/> (ordinal order), or empty when it cannot be listed.</summary>
    internal static List<string> ListNames(string directory)
    {
        var names = new List<string>();
        try
        {
            // A directory that is a link is not listed through it: symlinked directories are not followed.
            if (Libc.statx(Libc.AT_FDCWD, directory, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, out var st) != 0
                || (st.Mode & S_IFMT) != 0x4000)
            {
                return names;
            }
            foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*",
                new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false, ReturnSpecialDirectories = false }))
            {
                names.Add(Path.GetFileName(entry));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable or vanished while listing: what was read so far is still true.
            System.Diagnostics.Trace.TraceInformation($"Wmix: listing {directory} stopped: {e.Message}");
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Every entry under <paramref name="root"/> (the root itself first), depth first in name order, never following
    /// links and never entering the filesystems <see cref="MountTable.IsSkipped"/> names (nor yielding their mount
    /// points). Unreadable directories are yielded but not entered. Cancellation is checked before every entry.
    /// </summary>
    public static IEnumerable<LinuxFileFacts> Walk(string root, MountTable mounts, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Read(root, mounts) is not { } top || MountTable.IsSkipped(top.FileSystem))
        {
            yield break;
        }
        yield return top;
        if (!top.IsDirectory)
        {
            yield break;
        }
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out var directory))
        {
            var subdirectories = new List<string>();
            foreach (var entry in List(directory, mounts, cancellationToken))
            {
                if (entry.IsDirectory)
                {
                    if (MountTable.IsSkipped(entry.FileSystem))
                    {
                        continue;
                    }
                    subdirectories.Add(entry.FullName);
                }
                yield return entry;
            }
            // Reversed onto the stack so that directories are entered in name order.
            for (var i = subdirectories.Count - 1; i >= 0; i--)
            {
                pending.Push(subdirectories[i]);
            }
        }
    }

    private static LinuxFileFacts ToFacts(string fullName, in Libc.Statx st, MountTable mounts, ParentAccess parent)
    {
        var kind = (st.Mode & S_IFMT) switch
        {
            0x4000 => LinuxFileKind.Directory,
            0xA000 => LinuxFileKind.SymbolicLink,
            0x1000 => LinuxFileKind.Fifo,
            0xC000 => LinuxFileKind.Socket,
            0x2000 => LinuxFileKind.CharacterDevice,
            0x6000 => LinuxFileKind.BlockDevice,
            _ => LinuxFileKind.Regular,
        };
        // Access is asked through the name (a link answers for its target): what the caller gets by opening it.
        var readable = Libc.faccessat(Libc.AT_FDCWD, fullName, Libc.R_OK, Libc.AT_EACCESS) == 0;
        var writeable = Libc.faccessat(Libc.AT_FDCWD, fullName, Libc.W_OK, Libc.AT_EACCESS) == 0;
        var executable = Libc.faccessat(Libc.AT_FDCWD, fullName, Libc.X_OK, Libc.AT_EACCESS) == 0;
        var euid = Libc.geteuid();
        var mask = 0x80u | 0x20000u | 0x100000u;
        if (readable)
        {
            mask |= 0x1 | 0x8;
        }
        if (writeable)
        {
            mask |= 0x2 | 0x4 | 0x10 | (kind == LinuxFileKind.Directory ? 0x40u : 0u);
        }
        if (executable)
        {
            mask |= 0x20;
        }
        if (euid == 0 || euid == st.Uid)
        {
            mask |= 0x100 | 0x40000;
        }
        if (euid == 0)
        {
            mask |= 0x80000;
        }
        if (parent.CanModify && (!parent.Sticky || euid == 0 || euid == st.Uid || euid == parent.Uid))
        {
            mask |= 0x10000;
        }
        return new LinuxFileFacts(fullName, kind, st.Size, st.Mode, st.Uid,
            (st.Mask & Libc.STATX_BTIME) != 0 ? Time(st.BirthTime) : null,
            Time(st.AccessTime), Time(st.ModifyTime), Time(st.ChangeTime),
            (st.AttributesMask & Libc.STATX_ATTR_COMPRESSED) != 0 ? (st.Attributes & Libc.STATX_ATTR_COMPRESSED) != 0 : null,
            (st.AttributesMask & Libc.STATX_ATTR_ENCRYPTED) != 0 ? (st.Attributes & Libc.STATX_ATTR_ENCRYPTED) != 0 : null,
            readable, writeable, mask, mounts.TypeOf(st));
    }

    private static DateTimeOffset Time(in Libc.StatxTimestamp t) =>
        DateTimeOffset.FromUnixTimeSeconds(t.Seconds).AddTicks(t.Nanoseconds / 100);

    /// <summary>What the caller may do in a directory (for the DELETE right of its entries).</summary>
    private readonly record struct ParentAccess(bool CanModify, bool Sticky, uint Uid)
    {
        public static ParentAccess Of(string directory) =>
            Libc.statx(Libc.AT_FDCWD, directory, 0, Libc.STATX_BASIC_STATS, out var st) != 0
                ? default
                : new ParentAccess(Libc.faccessat(Libc.AT_FDCWD, directory, Libc.W_OK | Libc.X_OK, Libc.AT_EACCESS) == 0,
                    (st.Mode & S_ISVTX) != 0, st.Uid);
    }
}

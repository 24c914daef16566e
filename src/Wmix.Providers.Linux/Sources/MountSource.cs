using System.Globalization;
using System.Text;
using Wmix.Providers.Linux.Interop;

namespace Wmix.Providers.Linux.Sources;

/// <summary>One mounted real filesystem from <c>/proc/self/mountinfo</c>.</summary>
/// <param name="MountPoint">Where it is mounted.</param>
/// <param name="FileSystem">The filesystem type (<c>ext4</c>, <c>nfs4</c>, …).</param>
/// <param name="Source">The mount source (<c>/dev/vda1</c>, <c>server:/export</c>).</param>
/// <param name="Device">The kernel's <c>major:minor</c> of the filesystem.</param>
/// <param name="ReadOnly">Mounted read-only.</param>
/// <param name="IsNetwork">A network filesystem (NFS, CIFS/SMB, Ceph, GlusterFS, 9p, SSHFS).</param>
public sealed record LinuxMount(string MountPoint, string FileSystem, string Source, string Device, bool ReadOnly, bool IsNetwork);

/// <summary>Space figures of a mounted filesystem (<c>statvfs</c>), in bytes.</summary>
/// <param name="Size">Total size (blocks × fragment size).</param>
/// <param name="Available">Free space available to unprivileged users (df's "Avail").</param>
/// <param name="BlockSize">The fragment (allocation unit) size.</param>
/// <param name="MaxNameLength">The longest file name.</param>
public readonly record struct FsSpace(ulong Size, ulong Available, ulong BlockSize, uint MaxNameLength);

/// <summary>
/// The real filesystems mounted on the machine: block-device filesystems (source under <c>/dev/</c>) and network
/// filesystems. Pseudo filesystems (proc, sysfs, tmpfs, cgroup, devpts, overlay roots of no device, …) and bind
/// mounts of subdirectories (mountinfo root other than <c>/</c>) are skipped; when a mount point is mounted over, the
/// top mount wins.
/// </summary>
public static class MountSource
{
    private static readonly HashSet<string> s_networkTypes = new(StringComparer.Ordinal)
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "9p", "fuse.sshfs", "afs", "ncpfs",
    };

    /// <summary>True for a network filesystem type (NFS, CIFS/SMB, Ceph, GlusterFS, 9p, SSHFS, AFS).</summary>
    public static bool IsNetworkType(string type) => s_networkTypes.Contains(type);

    /// <summary>The real mounts, in mount order.</summary>
    public static IReadOnlyList<LinuxMount> Mounts() => Parse(SystemSource.ReadLines("/proc/self/mountinfo"));

    /// <summary>Parses mountinfo lines (proc(5)).</summary>
    internal static IReadOnlyList<LinuxMount> Parse(IEnumerable<string> lines)
    {
        var byPoint = new Dictionary<string, LinuxMount>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in lines)
        {
            var f = line.Split(' ');
            var dash = Array.IndexOf(f, "-");
            if (f.Length < 7 || dash < 6 || dash + 2 >= f.Length)
            {
                continue;
            }
            var root = Unescape(f[3]);
            var point = Unescape(f[4]);
            var type = f[dash + 1];
            var source = Unescape(f[dash + 2]);
            var network = s_networkTypes.Contains(type);
            // Bind mounts of subdirectories repeat a filesystem already listed; btrfs subvolumes are real mounts of their own.
            if (root != "/" && !network && type != "btrfs" || !network && !source.StartsWith("/dev/", StringComparison.Ordinal))
            {
                continue;
            }
            var readOnly = f[5].Split(',').Contains("ro", StringComparer.Ordinal);
            if (!byPoint.ContainsKey(point))
            {
                order.Add(point);
            }
            byPoint[point] = new LinuxMount(point, type, source, f[2], readOnly, network);
        }
        return [.. order.Select(p => byPoint[p])];
    }

    /// <summary><c>statvfs</c> of <paramref name="mountPoint"/>; null when it fails (a hung network mount, no permission).</summary>
    public static FsSpace? Space(string mountPoint)
    {
        if (Libc.statvfs(mountPoint, out var s) != 0)
        {
            return null;
        }
        var unit = s.FragmentSize != 0 ? s.FragmentSize : s.BlockSize;
        return new FsSpace(s.Blocks * unit, s.BlocksAvailable * unit, unit, (uint)Math.Min(s.NameMax, uint.MaxValue));
    }

    /// <summary>The label of the filesystem on block device <paramref name="device"/> (its <c>/dev/disk/by-label</c> link); null without one.</summary>
    public static string? Label(string device)
    {
        const string dir = "/dev/disk/by-label";
        if (!Directory.Exists(dir))
        {
            return null;
        }
        var target = Canonical(device);
        foreach (var link in Directory.EnumerateFileSystemEntries(dir))
        {
            if (Canonical(link) == target)
            {
                return Unescape(Path.GetFileName(link).Replace("\\x", "\\", StringComparison.Ordinal), hex: true);
            }
        }
        return null;
    }

    /// <summary>1 when the kernel marks the block device behind <paramref name="device"/> (<c>major:minor</c>) removable.</summary>
    public static bool IsRemovable(string device) =>
        SystemSource.ReadTrimmed($"/sys/dev/block/{device}/removable") == "1"
        || SystemSource.ReadTrimmed($"/sys/dev/block/{device}/../removable") == "1";

    private static string Canonical(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            // A dangling link: compare by its own path.
            return path;
        }
    }

    /// <summary>Undoes mountinfo's octal escapes (<c>\040</c> for a space); with <paramref name="hex"/>, udev's <c>\xNN</c> (pre-stripped of the x).</summary>
    internal static string Unescape(string text, bool hex = false)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            var digits = hex ? 2 : 3;
            if (text[i] == '\\' && text.Length - i - 1 >= digits && TryNumber(text.AsSpan(i + 1, digits), hex, out var b))
            {
                bytes.Add(b);
                i += digits;
                continue;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool TryNumber(ReadOnlySpan<char> s, bool hex, out byte value)
    {
        value = 0;
        if (hex)
        {
            return byte.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }
        var n = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }
            n = n * 8 + (c - '0');
        }
        value = (byte)n;
        return n <= 255;
    }
}

using System.Runtime.InteropServices;

namespace Wmix.Providers.Linux.Interop;

/// <summary>
/// The few libc calls the Linux sources need, as source-generated (AOT-friendly) P/Invokes. Layouts are those of
/// 64-bit glibc/musl on x86-64 and AArch64, the platforms Wmix supports.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int AF_NETLINK = 16;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int NETLINK_CONNECTOR = 11;
    public const int SOL_SOCKET = 1;
    public const int SO_RCVBUF = 8;
    public const int SO_RCVBUFFORCE = 33;
    public const int SO_RCVTIMEO = 20;

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOBUFS = 105;
    public const int ESRCH = 3;
    public const int EPERM = 1;
    public const int EACCES = 13;

    public const int SIGKILL = 9;

    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int CLOCK_REALTIME = 0;
    public const int CLOCK_BOOTTIME = 7;

    public const int POLLIN = 0x001;

    public const int IN_NONBLOCK = 0x800;
    public const int IN_CLOEXEC = 0x80000;
    public const uint IN_ACCESS = 0x1;
    public const uint IN_MODIFY = 0x2;
    public const uint IN_ATTRIB = 0x4;
    public const uint IN_CLOSE_WRITE = 0x8;
    public const uint IN_MOVED_FROM = 0x40;
    public const uint IN_MOVED_TO = 0x80;
    public const uint IN_CREATE = 0x100;
    public const uint IN_DELETE = 0x200;
    public const uint IN_DELETE_SELF = 0x400;
    public const uint IN_MOVE_SELF = 0x800;
    public const uint IN_Q_OVERFLOW = 0x4000;
    public const uint IN_IGNORED = 0x8000;
    public const uint IN_ONLYDIR = 0x1000000;
    public const uint IN_DONT_FOLLOW = 0x2000000;
    public const uint IN_EXCL_UNLINK = 0x4000000;
    public const uint IN_ISDIR = 0x40000000;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EACCESS = 0x200;
    public const uint STATX_BASIC_STATS = 0x7ff;
    public const uint STATX_BTIME = 0x800;
    public const uint STATX_MNT_ID = 0x1000;
    public const ulong STATX_ATTR_COMPRESSED = 0x4;
    public const ulong STATX_ATTR_ENCRYPTED = 0x800;
    public const int R_OK = 4;
    public const int W_OK = 2;
    public const int X_OK = 1;
    public const int ENOENT = 2;
    public const int ENOTDIR = 20;
    public const int ENOEXEC = 8;
    public const int EEXIST = 17;
    public const int EXDEV = 18;
    public const int EINVAL = 22;
    public const int EBUSY = 16;
    public const int ETXTBSY = 26;
    public const int ENOTEMPTY = 39;
    public const int EROFS = 30;
    public const uint RENAME_NOREPLACE = 1;

    public const int _SC_CLK_TCK = 2;
    public const int _SC_PAGESIZE = 30;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int bind(int fd, void* addr, uint addrlen);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint send(int fd, void* buf, nuint len, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint recv(int fd, void* buf, nuint len, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, void* value, uint len);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint read(int fd, void* buf, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int open(byte* path, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint readlink(byte* path, byte* buf, nuint size);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int clock_gettime(int clock, out TimeSpec value);

    [LibraryImport(Lib)]
    public static partial uint geteuid();

    [LibraryImport(Lib)]
    public static partial int getpid();

    [LibraryImport(Lib)]
    public static partial long sysconf(int name);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statvfs(string path, out StatVfs buf);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int inotify_init1(int flags);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int inotify_add_watch(int fd, string path, uint mask);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int inotify_rm_watch(int fd, int wd);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int statx(int dirfd, string path, int flags, uint mask, out Statx buf);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int faccessat(int dirfd, string path, int mode, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int eventfd(uint initval, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial nint write(int fd, void* buf, nuint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getifaddrs(out IfAddrs* ifap);

    [LibraryImport(Lib)]
    public static partial void freeifaddrs(IfAddrs* ifa);

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct timespec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>struct statvfs (64-bit: every count is an unsigned long).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatVfs
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FsId;
        public ulong Flags;
        public ulong NameMax;
        private fixed int _spare[6];
    }

    /// <summary>struct statx_timestamp.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        private int _reserved;
    }

    /// <summary>struct statx (statx(2); 256 bytes, the same on every architecture).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        private ushort _spare0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTimestamp AccessTime;
        public StatxTimestamp BirthTime;
        public StatxTimestamp ChangeTime;
        public StatxTimestamp ModifyTime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
        public ulong MountId;
    }

    /// <summary>struct ifaddrs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IfAddrs
    {
        public IfAddrs* Next;
        public byte* Name;
        public uint Flags;
        public void* Address;
        public void* Netmask;
        public void* BroadcastOrDestination;
        public void* Data;
    }

    /// <summary>errno of the last failed call.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>The C string at <paramref name="p"/> as UTF-8.</summary>
    public static string? Utf8(byte* p) => p is null ? null : Marshal.PtrToStringUTF8((nint)p);

    private static readonly Lazy<long> s_clockTicks = new(() => sysconf(_SC_CLK_TCK) is > 0 and var t ? t : 100);
    private static readonly Lazy<long> s_pageSize = new(() => sysconf(_SC_PAGESIZE) is > 0 and var p ? p : 4096);

    /// <summary>USER_HZ: the unit of the tick counts in /proc (sysconf(_SC_CLK_TCK)).</summary>
    public static long ClockTicksPerSecond => s_clockTicks.Value;

    /// <summary>The page size in bytes.</summary>
    public static long PageSize => s_pageSize.Value;
}

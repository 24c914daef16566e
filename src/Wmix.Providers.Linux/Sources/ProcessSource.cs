using System.IO.Enumeration;
using System.Runtime.CompilerServices;
using System.Text;
using Wmix.Providers.Linux.Sources.Internal;

namespace Wmix.Providers.Linux.Sources;

/// <summary>What to read beyond <c>/proc/[pid]/stat</c>; each part costs one more file per process.</summary>
[Flags]
public enum ProcessParts
{
    /// <summary>Only <c>stat</c> and <c>statm</c>: ids, name (comm), state, times, sizes, threads, priority, session.</summary>
    Stat = 0,
    /// <summary><c>status</c>: owner uid, peak virtual size and peak working set.</summary>
    Status = 0x1,
    /// <summary><c>cmdline</c>.</summary>
    CommandLine = 0x2,
    /// <summary>The <c>exe</c> link (executable path, and the image name taken from it).</summary>
    Executable = 0x4,
    /// <summary><c>io</c>: read/write operation and byte counts (needs ptrace access: root or the owner).</summary>
    IO = 0x8,
    /// <summary>Everything.</summary>
    All = Status | CommandLine | Executable | IO,
}

/// <summary>One process as read from <c>/proc/[pid]</c>. Fields that could not be read are null.</summary>
public sealed class LinuxProcess
{
    /// <summary>Process id.</summary>
    public int ProcessId { get; init; }
    /// <summary>Parent process id (0 for init and kthreadd).</summary>
    public int ParentProcessId { get; init; }
    /// <summary>The kernel's <c>comm</c> (at most 15 bytes).</summary>
    public required string Comm { get; init; }
    /// <summary>The state letter (R, S, D, Z, T, t, X, I…).</summary>
    public char State { get; init; }
    /// <summary>The POSIX session id (pid of the session leader), field 6 of stat.</summary>
    public int SessionId { get; init; }
    /// <summary>Nice value, −20…19.</summary>
    public int Nice { get; init; }
    /// <summary>Real-time priority (1…99) for SCHED_FIFO/SCHED_RR, else 0.</summary>
    public int RealTimePriority { get; init; }
    /// <summary>Scheduling policy (0 normal, 1 FIFO, 2 RR, 3 batch, 5 idle, 6 deadline).</summary>
    public int Policy { get; init; }
    /// <summary>Number of threads.</summary>
    public int ThreadCount { get; init; }
    /// <summary>Start time in clock ticks after boot.</summary>
    public ulong StartTimeTicks { get; init; }
    /// <summary>User-mode time in clock ticks.</summary>
    public ulong UserTicks { get; init; }
    /// <summary>Kernel-mode time in clock ticks.</summary>
    public ulong KernelTicks { get; init; }
    /// <summary>Virtual size in bytes.</summary>
    public ulong VirtualSize { get; init; }
    /// <summary>Resident set in pages.</summary>
    public ulong ResidentPages { get; init; }
    /// <summary>Minor plus major page faults.</summary>
    public ulong PageFaults { get; init; }
    /// <summary>Effective uid (from status), or null.</summary>
    public uint? Uid { get; init; }
    /// <summary>Peak virtual size in kB (VmPeak), or null (kernel threads, not read).</summary>
    public ulong? PeakVirtualKb { get; init; }
    /// <summary>Peak resident set in kB (VmHWM), or null.</summary>
    public ulong? PeakResidentKb { get; init; }
    /// <summary>The arguments joined by spaces (as <c>ps -o args</c>), or null (kernel threads, zombies, not read).</summary>
    public string? CommandLine { get; init; }
    /// <summary>The target of <c>exe</c>, or null (kernel threads, no permission, not read).</summary>
    public string? ExecutablePath { get; init; }
    /// <summary>read() family calls (<c>syscr</c>), or null.</summary>
    public ulong? ReadOperations { get; init; }
    /// <summary>write() family calls (<c>syscw</c>), or null.</summary>
    public ulong? WriteOperations { get; init; }
    /// <summary>Bytes read (<c>rchar</c>), or null.</summary>
    public ulong? ReadBytes { get; init; }
    /// <summary>Bytes written (<c>wchar</c>), or null.</summary>
    public ulong? WriteBytes { get; init; }

    /// <summary>
    /// The image name, as WMI's <c>Name</c>: the file name of the executable when <c>exe</c> was read, else
    /// <c>comm</c> (kernel threads, or no permission). A deleted executable's " (deleted)" mark is dropped.
    /// </summary>
    public string Name
    {
        get
        {
            if (ExecutablePath is { Length: > 0 } exe)
            {
                var path = exe.EndsWith(" (deleted)", StringComparison.Ordinal) ? exe[..^10] : exe;
                var slash = path.LastIndexOf('/');
                return slash >= 0 && slash < path.Length - 1 ? path[(slash + 1)..] : path;
            }
            return Comm;
        }
    }

    /// <summary>When the process started.</summary>
    public DateTimeOffset CreationDate => BootClock.FromBootTicks(StartTimeTicks);

    /// <summary>Working set in bytes (resident pages × page size).</summary>
    public ulong WorkingSetSize => ResidentPages * (ulong)BootClock.PageSize;

    /// <summary>
    /// WMI's base priority (0–31, normal 8), mapped from Linux scheduling: real-time policies give 24 (Windows'
    /// REALTIME class); otherwise nice 0 is 8, nice −20 rises linearly to 13 (HIGH) and nice 19 falls to 4 (IDLE).
    /// </summary>
    public uint BasePriority => MapPriority(Nice, Policy, RealTimePriority);

    /// <summary>The Win32 priority mapping of <see cref="BasePriority"/>.</summary>
    public static uint MapPriority(int nice, int policy, int realTimePriority)
    {
        if (policy is 1 or 2 or 6 || realTimePriority > 0)
        {
            return 24;
        }
        return nice switch
        {
            < 0 => (uint)(8 + (-Math.Max(nice, -20) * 5 + 10) / 20),
            > 0 => (uint)(8 - (Math.Min(nice, 19) * 4 + 9) / 19),
            _ => 8,
        };
    }
}

/// <summary>
/// Reads processes from <c>/proc</c>. Every method reads live data; a process that exits while being read is
/// skipped (or gives null). Thread-safe: each call uses its own buffers.
/// </summary>
public static class ProcessSource
{
    /// <summary>The ids of the processes that exist now (directories of <c>/proc</c> with numeric names).</summary>
    public static IEnumerable<int> EnumerateProcessIds() => EnumerateNumericDirectories("/proc");

    /// <summary>Every process, reading <paramref name="parts"/> of each.</summary>
    public static IEnumerable<LinuxProcess> EnumerateProcesses(ProcessParts parts = ProcessParts.All, CancellationToken cancellationToken = default)
    {
        var file = new ProcFile();
        foreach (var pid in EnumerateProcessIds())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Read(file, pid, parts) is { } process)
            {
                yield return process;
            }
        }
    }

    /// <summary>One process (reads only <c>/proc/&lt;pid&gt;</c>), or null when it does not exist.</summary>
    public static LinuxProcess? TryRead(int processId, ProcessParts parts = ProcessParts.All) =>
        processId <= 0 ? null : Read(new ProcFile(), processId, parts);

    internal static IEnumerable<int> EnumerateNumericDirectories(string directory) =>
        new FileSystemEnumerable<int>(directory, static (ref FileSystemEntry e) => int.Parse(e.FileName, provider: null),
            new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry e) => IsPidName(e.FileName),
        };

    private static bool IsPidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > 10)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    internal static LinuxProcess? Read(ProcFile file, int pid, ProcessParts parts)
    {
        var stat = file.ReadPid(pid, "stat"u8, out var ok);
        if (!ok || !TryParseStat(stat, out var s))
        {
            return null;
        }
        // statm's resident count is exact; stat's rss field is the kernel's approximate per-CPU counter, which can lag
        // by dozens of pages on recent kernels.
        var rss = s.Rss;
        var statm = file.ReadPid(pid, "statm"u8, out ok);
        if (ok)
        {
            ProcParse.SkipField(ref statm);
            if (ProcParse.NextUInt64(ref statm, out var resident))
            {
                rss = resident;
            }
        }
        uint? uid = null;
        ulong? peakVirtual = null, peakResident = null;
        if ((parts & ProcessParts.Status) != 0)
        {
            var status = file.ReadPid(pid, "status"u8, out ok);
            if (!ok)
            {
                return null;
            }
            var uidLine = ProcParse.FindLine(status, "Uid:"u8);
            if (!uidLine.IsEmpty)
            {
                uidLine = uidLine[4..];
                ProcParse.SkipField(ref uidLine); // real
                if (ProcParse.NextUInt64(ref uidLine, out var euid))
                {
                    uid = (uint)euid;
                }
            }
            peakVirtual = (ulong?)ProcParse.KeyedNumber(status, "VmPeak"u8);
            peakResident = (ulong?)ProcParse.KeyedNumber(status, "VmHWM"u8);
        }
        string? commandLine = null;
        if ((parts & ProcessParts.CommandLine) != 0)
        {
            var cmd = file.ReadPid(pid, "cmdline"u8, out ok);
            if (ok && !cmd.IsEmpty)
            {
                commandLine = JoinArguments(cmd);
            }
        }
        string? exe = (parts & ProcessParts.Executable) != 0 ? file.ReadPidLink(pid, "exe"u8) : null;
        ulong? rchar = null, wchar = null, syscr = null, syscw = null;
        if ((parts & ProcessParts.IO) != 0)
        {
            var io = file.ReadPid(pid, "io"u8, out ok);
            if (ok)
            {
                rchar = (ulong?)ProcParse.KeyedNumber(io, "rchar"u8);
                wchar = (ulong?)ProcParse.KeyedNumber(io, "wchar"u8);
                syscr = (ulong?)ProcParse.KeyedNumber(io, "syscr"u8);
                syscw = (ulong?)ProcParse.KeyedNumber(io, "syscw"u8);
            }
        }
        return new LinuxProcess
        {
            ProcessId = pid,
            ParentProcessId = s.Ppid,
            Comm = s.Comm,
            State = s.State,
            SessionId = s.Session,
            Nice = s.Nice,
            RealTimePriority = s.RtPriority,
            Policy = s.Policy,
            ThreadCount = s.Threads,
            StartTimeTicks = s.StartTime,
            UserTicks = s.UTime,
            KernelTicks = s.STime,
            VirtualSize = s.VSize,
            ResidentPages = rss,
            PageFaults = s.MinFlt + s.MajFlt,
            Uid = uid,
            PeakVirtualKb = peakVirtual,
            PeakResidentKb = peakResident,
            CommandLine = commandLine,
            ExecutablePath = exe,
            ReadBytes = rchar,
            WriteBytes = wchar,
            ReadOperations = syscr,
            WriteOperations = syscw,
        };
    }

    /// <summary>The fields of one <c>stat</c> line that the sources use.</summary>
    internal struct StatFields
    {
        public int Pid;
        public string Comm;
        public char State;
        public int Ppid;
        public int Session;
        public ulong MinFlt;
        public ulong MajFlt;
        public ulong UTime;
        public ulong STime;
        public int KernelPriority;
        public int Nice;
        public int Threads;
        public ulong StartTime;
        public ulong VSize;
        public ulong Rss;
        public int Processor;
        public int RtPriority;
        public int Policy;
    }

    /// <summary>Parses <c>/proc/[pid]/stat</c> (or a task's): comm may hold spaces and parentheses, so it ends at the last ')'.</summary>
    internal static bool TryParseStat(ReadOnlySpan<byte> stat, out StatFields f)
    {
        f = default;
        var open = stat.IndexOf((byte)'(');
        var close = stat.LastIndexOf((byte)')');
        if (open < 0 || close < open)
        {
            return false;
        }
        var head = stat[..open];
        if (!ProcParse.NextInt64(ref head, out var pid))
        {
            return false;
        }
        f.Pid = (int)pid;
        f.Comm = Encoding.UTF8.GetString(stat[(open + 1)..close]);
        var s = stat[(close + 1)..].TrimStart(" "u8);
        if (s.IsEmpty)
        {
            return false;
        }
        f.State = (char)s[0];
        s = s[1..];
        // Fields 4.. (1-based, proc(5)); missing trailing fields on old kernels leave zeros.
        Span<long> v = stackalloc long[42];
        for (var field = 4; field <= 41; field++)
        {
            if (!ProcParse.NextInt64(ref s, out v[field]))
            {
                // Unsigned fields above long.MaxValue (e.g. a huge vsize) still parse as ulong.
                if (!ProcParse.NextUInt64(ref s, out var u))
                {
                    break;
                }
                v[field] = unchecked((long)u);
            }
        }
        f.Ppid = (int)v[4];
        f.Session = (int)v[6];
        f.MinFlt = (ulong)v[10];
        f.MajFlt = (ulong)v[12];
        f.UTime = (ulong)v[14];
        f.STime = (ulong)v[15];
        f.KernelPriority = (int)v[18];
        f.Nice = (int)v[19];
        f.Threads = (int)v[20];
        f.StartTime = (ulong)v[22];
        f.VSize = unchecked((ulong)v[23]);
        f.Rss = (ulong)Math.Max(0, v[24]);
        f.Processor = (int)v[39];
        f.RtPriority = (int)v[40];
        f.Policy = (int)v[41];
        return true;
    }

    /// <summary>The NUL-separated arguments of <c>cmdline</c> joined by single spaces (trailing NULs dropped).</summary>
    internal static string JoinArguments(ReadOnlySpan<byte> cmdline)
    {
        while (!cmdline.IsEmpty && cmdline[^1] == 0)
        {
            cmdline = cmdline[..^1];
        }
        var text = Encoding.UTF8.GetString(cmdline);
        return text.Replace('\0', ' ');
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static string StateName(char state) => state switch
    {
        'R' => "Running",
        'S' => "Sleeping",
        'D' => "Disk sleep",
        'Z' => "Zombie",
        'T' => "Stopped",
        't' => "Tracing stop",
        'X' => "Dead",
        'I' => "Idle",
        _ => "Unknown",
    };
}

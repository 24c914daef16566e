using System.Buffers.Binary;
using System.Diagnostics;
using Wmix.Providers.Linux.Interop;
using Wmix.Providers.Linux.Sources;
using Wmix.Providers.Linux.Sources.Internal;

namespace Wmix.Providers.Linux.Events;

/// <summary>
/// Watches process starts and exits: through the kernel's netlink process connector when it can be opened (root),
/// otherwise by polling <c>/proc</c> (<see cref="Mode"/> says which). Reports go to an
/// <see cref="IProcessEventHandler"/> on the monitor's own thread, in kernel order.
/// </summary>
/// <remarks>
/// <para>Threads are not processes: fork events of new threads and exits of non-leader threads are ignored.</para>
/// <para>A start is reported at the process's first exec (so the name is the new image's), or after
/// <see cref="ProcessEventMonitorOptions.ExecGrace"/> for a fork that does not exec, or just before its stop if it
/// exits first. Every started process is therefore reported exactly once, however short its life.</para>
/// <para>Polling sees a process only at a listing, possibly between its fork and its exec, when it still runs its
/// parent's image under the parent's name. Such a process is held back and re-read at the following listings until it
/// runs another image (or a second passes: a fork that never execs keeps its parent's name), so the reported name
/// is the exec'd one.</para>
/// <para>When the kernel drops messages (<c>ENOBUFS</c>) the monitor rescans <c>/proc</c>, reports what appeared or
/// vanished meanwhile, and calls <see cref="IProcessEventHandler.OnEventsLost"/>.</para>
/// </remarks>
public sealed unsafe class ProcessEventMonitor : IDisposable
{
    private const int CN_IDX_PROC = 1;
    private const int CN_VAL_PROC = 1;
    private const int PROC_CN_MCAST_LISTEN = 1;
    private const int PROC_CN_MCAST_IGNORE = 2;
    private const uint PROC_EVENT_FORK = 0x1;
    private const uint PROC_EVENT_EXEC = 0x2;
    private const uint PROC_EVENT_EXIT = 0x80000000;
    private const int NLMSG_ERROR = 2;
    private const int NLMSG_DONE = 3;
    private const int NLMSG_OVERRUN = 4;
    private const int NlmsgHeaderSize = 16;
    private const int CnMsgSize = 20;

    private readonly IProcessEventHandler _handler;
    private readonly ProcessEventMonitorOptions _options;
    private readonly int _socket = -1;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly ProcFile _file = new();
    // Live processes as last known (pid -> state); touched only by the monitor thread.
    private readonly Dictionary<int, Tracked> _known = [];
    // Forks waiting for their exec (pid -> deadline, Stopwatch ticks); monitor thread only.
    private readonly Dictionary<int, long> _pending = [];
    // Polling only: processes first seen still running their parent's image (between fork and exec), held back until
    // a later listing shows the new image or the deadline (Stopwatch ticks) passes, so the reported name is the exec'd
    // one (#4). Monitor thread only.
    private readonly Dictionary<int, long> _deferred = [];
    // Polling only: the parents' images read during one listing (pid -> process, null when gone), so a burst of
    // children of one parent reads the parent once. Cleared at each listing; monitor thread only.
    private readonly Dictionary<int, LinuxProcess?> _parentImages = [];
    private volatile bool _stopping;
    private long _lost;
    private int _disposed;

    private sealed class Tracked
    {
        public int ParentProcessId;
        public string? Name;
        public LinuxProcess? Snapshot;
        public DateTimeOffset ForkTime;
        public long ForkNs;
        public bool Reported;
    }

    private ProcessEventMonitor(IProcessEventHandler handler, ProcessEventMonitorOptions options, int socket, ProcessEventMode mode)
    {
        _handler = handler;
        _options = options;
        _socket = socket;
        Mode = mode;
        _wake = Libc.eventfd(0, Libc.O_CLOEXEC);
        if (_wake < 0)
        {
            if (_socket >= 0)
            {
                Libc.close(_socket);
            }
            throw new IOException($"eventfd failed (errno {Libc.Errno}).");
        }
        // The initial listing is taken before the thread starts, so that every exit the kernel reports from now on
        // finds its process, and processes that existed before are never reported as new.
        foreach (var p in ProcessSource.EnumerateProcesses(ProcessParts.Executable))
        {
            _known[p.ProcessId] = new Tracked { ParentProcessId = p.ParentProcessId, Name = p.Name, Snapshot = p, Reported = true };
        }
        _thread = new Thread(mode == ProcessEventMode.Netlink ? NetlinkLoop : PollLoop)
        {
            IsBackground = true,
            Name = mode == ProcessEventMode.Netlink ? "Wmix netlink process events" : "Wmix /proc polling",
        };
        _thread.Start();
    }

    /// <summary>Netlink or polling.</summary>
    public ProcessEventMode Mode { get; }

    /// <summary>Why netlink was not used, when <see cref="Mode"/> is polling; null otherwise.</summary>
    public string? FallbackReason { get; private init; }

    /// <summary>How many times the kernel reported lost messages.</summary>
    public long LostCount => Interlocked.Read(ref _lost);

    /// <summary>
    /// Starts watching. Returns once subscribed (netlink) or once the first listing is taken (polling); events of
    /// processes that start afterwards are reported.
    /// </summary>
    /// <exception cref="IOException">No watcher could be started at all.</exception>
    public static ProcessEventMonitor Start(IProcessEventHandler handler, ProcessEventMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= ProcessEventMonitorOptions.Default;
        string? reason;
        if (options.ForcePolling)
        {
            reason = "polling was requested";
        }
        else
        {
            var fd = TryOpenNetlink(options, out reason);
            if (fd >= 0)
            {
                return new ProcessEventMonitor(handler, options, fd, ProcessEventMode.Netlink);
            }
        }
        return new ProcessEventMonitor(handler, options, -1, ProcessEventMode.Polling) { FallbackReason = reason };
    }

    /// <summary>Stops watching and waits for the monitor thread to end (unless called from a handler). Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping = true;
        ulong one = 1;
        Libc.write(_wake, &one, 8);
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
        // The descriptors are closed only after the thread has left poll/recv, so it never reads a reused fd.
        if (_socket >= 0)
        {
            Subscribe(_socket, PROC_CN_MCAST_IGNORE);
            Libc.close(_socket);
        }
        Libc.close(_wake);
    }

    private static int TryOpenNetlink(ProcessEventMonitorOptions options, out string? reason)
    {
        var fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, Libc.NETLINK_CONNECTOR);
        if (fd < 0)
        {
            reason = $"socket(AF_NETLINK, NETLINK_CONNECTOR) failed with errno {Libc.Errno}";
            return -1;
        }
        // sockaddr_nl: family, pad, pid (0: the kernel assigns one, so several monitors can coexist), groups.
        var addr = stackalloc byte[12];
        new Span<byte>(addr, 12).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(addr, 2), Libc.AF_NETLINK);
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(addr + 8, 4), CN_IDX_PROC);
        if (Libc.bind(fd, addr, 12) < 0)
        {
            reason = $"bind to the process connector failed with errno {Libc.Errno} (root/CAP_NET_ADMIN and the initial network namespace are needed)";
            Libc.close(fd);
            return -1;
        }
        var size = options.ReceiveBufferBytes;
        // SO_RCVBUFFORCE passes rmem_max for root; fall back to the capped option otherwise.
        if (Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &size, 4) < 0)
        {
            Libc.setsockopt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, 4);
        }
        if (!Subscribe(fd, PROC_CN_MCAST_LISTEN))
        {
            reason = $"subscribing to process events failed with errno {Libc.Errno}";
            Libc.close(fd);
            return -1;
        }
        reason = null;
        return fd;
    }

    private static bool Subscribe(int fd, int op)
    {
        const int length = NlmsgHeaderSize + CnMsgSize + 4;
        var msg = stackalloc byte[length];
        var span = new Span<byte>(msg, length);
        span.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(span, length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], NLMSG_DONE);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], CN_IDX_PROC);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], CN_VAL_PROC);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(span[36..], (uint)op);
        return Libc.send(fd, msg, length, 0) == length;
    }

    private void NetlinkLoop()
    {
        var buffer = new byte[64 * 1024];
        var fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { Fd = _socket, Events = Libc.POLLIN };
        fds[1] = new Libc.PollFd { Fd = _wake, Events = Libc.POLLIN };
        while (!_stopping)
        {
            fds[0].Revents = 0;
            fds[1].Revents = 0;
            var rc = Libc.poll(fds, 2, NextTimeoutMs());
            if (_stopping)
            {
                break;
            }
            if (rc < 0 && Libc.Errno != Libc.EINTR)
            {
                Trace.TraceError($"Wmix: poll on the netlink socket failed with errno {Libc.Errno}; process events stop.");
                break;
            }
            if ((fds[0].Revents & Libc.POLLIN) != 0)
            {
                // Drain everything queued before handling timeouts, so that an exec is matched before its fork expires.
                while (true)
                {
                    nint n;
                    fixed (byte* b = buffer)
                    {
                        n = Libc.recv(_socket, b, (nuint)buffer.Length, 0x40 /* MSG_DONTWAIT */);
                    }
                    if (n < 0)
                    {
                        var errno = Libc.Errno;
                        if (errno == Libc.ENOBUFS)
                        {
                            Rescan("the netlink receive buffer overflowed (ENOBUFS)");
                            continue;
                        }
                        if (errno is Libc.EAGAIN or Libc.EINTR)
                        {
                            break;
                        }
                        Trace.TraceError($"Wmix: recv on the netlink socket failed with errno {errno}.");
                        break;
                    }
                    Dispatch(buffer.AsSpan(0, (int)n));
                }
            }
            FlushExpired();
        }
    }

    private void Dispatch(ReadOnlySpan<byte> data)
    {
        while (data.Length >= NlmsgHeaderSize)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (length < NlmsgHeaderSize || length > data.Length)
            {
                return;
            }
            if (type == NLMSG_OVERRUN)
            {
                Rescan("the kernel reported a netlink overrun");
            }
            else if (type == NLMSG_DONE && length >= NlmsgHeaderSize + CnMsgSize + 16)
            {
                var cn = data[NlmsgHeaderSize..length];
                if (BinaryPrimitives.ReadUInt32LittleEndian(cn) == CN_IDX_PROC)
                {
                    HandleProcEvent(cn[CnMsgSize..]);
                }
            }
            else if (type != NLMSG_ERROR)
            {
                // NOOP and unknown types carry nothing for us.
            }
            data = data[((length + 3) & ~3)..];
        }
    }

    private void HandleProcEvent(ReadOnlySpan<byte> ev)
    {
        var what = BinaryPrimitives.ReadUInt32LittleEndian(ev);
        var timestampNs = BinaryPrimitives.ReadUInt64LittleEndian(ev[8..]);
        var data = ev[16..];
        var time = BootClock.FromMonotonicNs((long)timestampNs);
        switch (what)
        {
            case PROC_EVENT_FORK when data.Length >= 16:
                {
                    var parentTgid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                    var childPid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
                    var childTgid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
                    if (childPid != childTgid)
                    {
                        return; // a new thread
                    }
                    OnFork(childTgid, parentTgid, time, (long)timestampNs);
                    break;
                }
            case PROC_EVENT_EXEC when data.Length >= 8:
                {
                    var pid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
                    var tgid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                    if (pid == tgid)
                    {
                        OnExec(tgid);
                    }
                    break;
                }
            case PROC_EVENT_EXIT when data.Length >= 16:
                {
                    var pid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
                    var tgid = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                    if (pid != tgid)
                    {
                        return; // a thread other than the leader
                    }
                    var code = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
                    // exit_code is a wait status: low 7 bits the killing signal, bits 8-15 the exit code.
                    var status = (code & 0x7f) != 0 ? 128 + (code & 0x7f) : (code >> 8) & 0xff;
                    OnExit(tgid, time, status);
                    break;
                }
        }
    }

    private void OnFork(int pid, int ppid, DateTimeOffset time, long ns)
    {
        var tracked = new Tracked { ParentProcessId = ppid, ForkTime = time, ForkNs = ns, Name = _known.GetValueOrDefault(ppid)?.Name };
        _known[pid] = tracked;
        _pending[pid] = Stopwatch.GetTimestamp() + (long)(_options.ExecGrace.TotalSeconds * Stopwatch.Frequency);
    }

    private void OnExec(int pid)
    {
        if (!_known.TryGetValue(pid, out var tracked))
        {
            return;
        }
        var snapshot = ProcessSource.Read(_file, pid, ProcessParts.All);
        if (snapshot is not null)
        {
            tracked.Snapshot = snapshot;
            tracked.Name = snapshot.Name;
        }
        if (_pending.Remove(pid))
        {
            ReportStart(pid, tracked, fromRescan: false);
        }
    }

    private void OnExit(int pid, DateTimeOffset time, uint status)
    {
        if (!_known.Remove(pid, out var tracked))
        {
            tracked = new Tracked { Reported = true };
        }
        if (_pending.Remove(pid))
        {
            ReportStart(pid, tracked, fromRescan: false);
        }
        // A zombie can still be read; it gives the final times and sizes.
        if (ProcessSource.Read(_file, pid, ProcessParts.Stat) is { } last)
        {
            if (tracked.Snapshot is not { } before)
            {
                tracked.Snapshot = last;
                tracked.Name ??= last.Comm;
            }
            else if (before.StartTimeTicks == last.StartTimeTicks)
            {
                tracked.Snapshot = Merge(before, last);
            }
        }
        Safe(() => _handler.OnProcessStopped(new ProcessStopped(pid, tracked.ParentProcessId, tracked.Name, time, status, tracked.Snapshot, false)));
    }

    private static LinuxProcess Merge(LinuxProcess before, LinuxProcess last) => new()
    {
        ProcessId = before.ProcessId,
        ParentProcessId = last.ParentProcessId,
        Comm = last.Comm,
        State = last.State,
        SessionId = last.SessionId,
        Nice = last.Nice,
        Policy = last.Policy,
        RealTimePriority = last.RealTimePriority,
        ThreadCount = last.ThreadCount,
        StartTimeTicks = last.StartTimeTicks,
        UserTicks = last.UserTicks,
        KernelTicks = last.KernelTicks,
        VirtualSize = last.VirtualSize,
        ResidentPages = last.ResidentPages,
        PageFaults = last.PageFaults,
        Uid = before.Uid,
        PeakVirtualKb = before.PeakVirtualKb,
        PeakResidentKb = before.PeakResidentKb,
        CommandLine = before.CommandLine,
        ExecutablePath = before.ExecutablePath,
        ReadBytes = before.ReadBytes,
        WriteBytes = before.WriteBytes,
        ReadOperations = before.ReadOperations,
        WriteOperations = before.WriteOperations,
    };

    private void ReportStart(int pid, Tracked tracked, bool fromRescan)
    {
        if (tracked.Reported)
        {
            return;
        }
        tracked.Reported = true;
        if (tracked.Snapshot is null && ProcessSource.Read(_file, pid, ProcessParts.All) is { } snapshot)
        {
            tracked.Snapshot = snapshot;
            tracked.Name = snapshot.Name;
        }
        var time = tracked.ForkTime == default ? DateTimeOffset.UtcNow : tracked.ForkTime;
        Safe(() => _handler.OnProcessStarted(new ProcessStarted(pid, tracked.ParentProcessId, tracked.Name, time, tracked.Snapshot, fromRescan, tracked.ForkNs)));
    }

    private int NextTimeoutMs()
    {
        if (_pending.Count == 0)
        {
            return -1;
        }
        var now = Stopwatch.GetTimestamp();
        var earliest = long.MaxValue;
        foreach (var (_, deadline) in _pending)
        {
            earliest = Math.Min(earliest, deadline);
        }
        return (int)Math.Clamp((earliest - now) * 1000 / Stopwatch.Frequency + 1, 0, int.MaxValue);
    }

    private void FlushExpired()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        List<int>? due = null;
        foreach (var (pid, deadline) in _pending)
        {
            if (deadline <= now)
            {
                (due ??= []).Add(pid);
            }
        }
        if (due is null)
        {
            return;
        }
        due.Sort();
        foreach (var pid in due)
        {
            _pending.Remove(pid);
            if (_known.TryGetValue(pid, out var tracked))
            {
                ReportStart(pid, tracked, fromRescan: false);
            }
        }
    }

    /// <summary>Lists /proc and reports the differences with what is known: what the lost messages would have said.</summary>
    private void Rescan(string reason)
    {
        Interlocked.Increment(ref _lost);
        Diff(fromRescan: true);
        Safe(() => _handler.OnEventsLost(reason));
    }

    private void Diff(bool fromRescan)
    {
        var now = DateTimeOffset.UtcNow;
        _parentImages.Clear();
        var live = new HashSet<int>(ProcessSource.EnumerateProcessIds());
        var gone = new List<int>();
        foreach (var (pid, _) in _known)
        {
            if (!live.Contains(pid))
            {
                gone.Add(pid);
            }
        }
        foreach (var pid in gone)
        {
            _known.Remove(pid, out var tracked);
            _pending.Remove(pid);
            _deferred.Remove(pid);
            if (!tracked!.Reported)
            {
                ReportStart(pid, tracked, fromRescan);
            }
            Safe(() => _handler.OnProcessStopped(new ProcessStopped(pid, tracked.ParentProcessId, tracked.Name, now, null, tracked.Snapshot, fromRescan)));
        }
        if (_deferred.Count > 0)
        {
            ReportDeferred();
        }
        foreach (var pid in live)
        {
            if (_known.ContainsKey(pid))
            {
                continue;
            }
            var snapshot = ProcessSource.Read(_file, pid, ProcessParts.All);
            if (snapshot is null)
            {
                continue; // it came and went between the listing and the read
            }
            var tracked = new Tracked
            {
                ParentProcessId = snapshot.ParentProcessId,
                Name = snapshot.Name,
                Snapshot = snapshot,
                ForkTime = snapshot.CreationDate,
            };
            _known[pid] = tracked;
            if (!fromRescan && Mode == ProcessEventMode.Polling && RunsParentImage(snapshot))
            {
                // Seen between fork and exec: its name is still the parent's. Look again at the next listings.
                _deferred[pid] = Stopwatch.GetTimestamp() + (long)(PreExecWait.TotalSeconds * Stopwatch.Frequency);
                continue;
            }
            ReportStart(pid, tracked, fromRescan);
        }
    }

    /// <summary>
    /// How long the polling fallback holds back a process that still runs its parent's image: at least three listings
    /// and one second, so a loaded machine has time to reach the exec. A fork that never execs is reported then,
    /// with the parent's name, which is its honest name.
    /// </summary>
    private TimeSpan PreExecWait => TimeSpan.FromTicks(Math.Max(3 * _options.PollInterval.Ticks, TimeSpan.FromSeconds(1).Ticks));

    /// <summary>Reports the held-back processes that have exec'd (re-read now) or waited long enough.</summary>
    private void ReportDeferred()
    {
        var now = Stopwatch.GetTimestamp();
        List<int>? due = null;
        foreach (var (pid, deadline) in _deferred)
        {
            if (!_known.TryGetValue(pid, out var tracked))
            {
                (due ??= []).Add(pid);
                continue;
            }
            var fresh = ProcessSource.Read(_file, pid, ProcessParts.All);
            if (fresh is not null && tracked.Snapshot is { } old && fresh.StartTimeTicks == old.StartTimeTicks)
            {
                tracked.Snapshot = fresh;
                tracked.Name = fresh.Name;
                if (RunsParentImage(fresh) && now < deadline)
                {
                    continue;
                }
            }
            (due ??= []).Add(pid);
        }
        if (due is null)
        {
            return;
        }
        due.Sort();
        foreach (var pid in due)
        {
            _deferred.Remove(pid);
            if (_known.TryGetValue(pid, out var tracked))
            {
                ReportStart(pid, tracked, fromRescan: false);
            }
        }
    }

    /// <summary>True when <paramref name="child"/> runs the same image as its parent (as it does between fork and exec).</summary>
    private bool RunsParentImage(LinuxProcess child)
    {
        if (!_parentImages.TryGetValue(child.ParentProcessId, out var parent))
        {
            parent = ProcessSource.Read(_file, child.ParentProcessId, ProcessParts.Executable);
            _parentImages[child.ParentProcessId] = parent;
        }
        parent ??= _known.GetValueOrDefault(child.ParentProcessId)?.Snapshot;
        if (parent is null)
        {
            return false;
        }
        return child.ExecutablePath is { Length: > 0 } exe && parent.ExecutablePath is { Length: > 0 } parentExe
            ? string.Equals(exe, parentExe, StringComparison.Ordinal)
            : string.Equals(child.Comm, parent.Comm, StringComparison.Ordinal);
    }

    private void PollLoop()
    {
        var fds = stackalloc Libc.PollFd[1];
        fds[0] = new Libc.PollFd { Fd = _wake, Events = Libc.POLLIN };
        var interval = (int)Math.Max(1, _options.PollInterval.TotalMilliseconds);
        while (!_stopping)
        {
            Libc.poll(fds, 1, interval);
            if (_stopping)
            {
                break;
            }
            Diff(fromRescan: false);
        }
    }

    private static void Safe(Action report)
    {
        try
        {
            report();
        }
        catch (Exception e)
        {
            // A throwing handler must not end the monitor: later processes still have to be reported.
            Trace.TraceError($"Wmix: a process event handler threw: {e}");
        }
    }
}

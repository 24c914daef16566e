using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Events;

/// <summary>How a <see cref="ProcessEventMonitor"/> learns about processes.</summary>
public enum ProcessEventMode
{
    /// <summary>
    /// The kernel's process connector (netlink, <c>CN_IDX_PROC</c>): every fork, exec and exit is reported, however
    /// short-lived the process. Needs root (CAP_NET_ADMIN) in the initial network namespace.
    /// </summary>
    Netlink,

    /// <summary>
    /// The fallback: <c>/proc</c> is listed every <see cref="ProcessEventMonitorOptions.PollInterval"/> and compared
    /// with the previous listing. A process that starts and exits between two listings is never seen.
    /// </summary>
    Polling,
}

/// <summary>A process start, as reported to <see cref="IProcessEventHandler.OnProcessStarted"/>.</summary>
/// <param name="ProcessId">The new process's id.</param>
/// <param name="ParentProcessId">Its parent (the process that forked it).</param>
/// <param name="Name">
/// The image name after its first exec (or the inherited name when it has not exec'd within the grace period); null
/// when the process was gone before it could be read.
/// </param>
/// <param name="Time">When the kernel reported the event (fork, or exec when the start was held for it).</param>
/// <param name="Snapshot">The process as read from <c>/proc</c> when reported, or null if it had already gone.</param>
/// <param name="FromRescan">True when found by a rescan after lost kernel messages, not by an event.</param>
/// <param name="KernelTimestampNs">The fork event's kernel timestamp (CLOCK_MONOTONIC ns), or 0 when not from netlink.</param>
public sealed record ProcessStarted(int ProcessId, int ParentProcessId, string? Name, DateTimeOffset Time, LinuxProcess? Snapshot, bool FromRescan,
    long KernelTimestampNs = 0);

/// <summary>A process exit, as reported to <see cref="IProcessEventHandler.OnProcessStopped"/>.</summary>
/// <param name="ProcessId">The process's id.</param>
/// <param name="ParentProcessId">Its parent as last known, or 0.</param>
/// <param name="Name">The image name as last known, or null.</param>
/// <param name="Time">When the kernel reported the exit.</param>
/// <param name="ExitStatus">
/// The exit code (0–255) for a normal exit, 128 + the signal number for a process killed by a signal (the shells'
/// convention), or null when unknown (polling, rescan).
/// </param>
/// <param name="LastSnapshot">The process as last read (at its start or exit), or null.</param>
/// <param name="FromRescan">True when found missing by a rescan, not by an event.</param>
public sealed record ProcessStopped(int ProcessId, int ParentProcessId, string? Name, DateTimeOffset Time, uint? ExitStatus,
    LinuxProcess? LastSnapshot, bool FromRescan);

/// <summary>Receives a <see cref="ProcessEventMonitor"/>'s reports, on the monitor's thread, one at a time and in order.</summary>
public interface IProcessEventHandler
{
    /// <summary>A process started.</summary>
    void OnProcessStarted(ProcessStarted e);

    /// <summary>A process exited.</summary>
    void OnProcessStopped(ProcessStopped e);

    /// <summary>
    /// Kernel messages were lost (the socket's buffer overran); the monitor has rescanned <c>/proc</c> and reported
    /// the differences it found (<c>FromRescan</c>), but processes that lived entirely inside the gap are unknown.
    /// </summary>
    void OnEventsLost(string reason);
}

/// <summary>Options of a <see cref="ProcessEventMonitor"/>.</summary>
public sealed record ProcessEventMonitorOptions
{
    /// <summary>Netlink when possible, polling every 100 ms otherwise.</summary>
    public static ProcessEventMonitorOptions Default { get; } = new();

    /// <summary>Force polling even when netlink works (tests, unprivileged runs).</summary>
    public bool ForcePolling { get; init; }

    /// <summary>How often the polling fallback lists <c>/proc</c>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a forked process's start is held waiting for its exec, so that the report carries the new image's
    /// name (a fork is almost always followed by an exec within microseconds). Exit ends the wait early.
    /// </summary>
    public TimeSpan ExecGrace { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The netlink socket's receive buffer; large, so that bursts of thousands of processes are not lost.</summary>
    public int ReceiveBufferBytes { get; init; } = 8 << 20;
}

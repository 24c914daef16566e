using Wmix.Providers.Linux.Sources.Internal;

namespace Wmix.Providers.Linux.Sources;

/// <summary>One thread (task) as read from <c>/proc/[pid]/task/[tid]/stat</c>.</summary>
/// <param name="ProcessId">The owning process (thread group id).</param>
/// <param name="ThreadId">The thread id.</param>
/// <param name="Name">The thread's comm.</param>
/// <param name="State">The state letter.</param>
/// <param name="Nice">Nice value.</param>
/// <param name="Policy">Scheduling policy.</param>
/// <param name="RealTimePriority">Real-time priority.</param>
/// <param name="StartTimeTicks">Start, in ticks after boot.</param>
/// <param name="UserTicks">User-mode ticks.</param>
/// <param name="KernelTicks">Kernel-mode ticks.</param>
public sealed record LinuxThread(int ProcessId, int ThreadId, string Name, char State, int Nice, int Policy, int RealTimePriority,
    ulong StartTimeTicks, ulong UserTicks, ulong KernelTicks);

/// <summary>Reads threads from <c>/proc/[pid]/task</c>.</summary>
public static class ThreadSource
{
    /// <summary>The threads of <paramref name="processId"/> (empty when it does not exist).</summary>
    public static IEnumerable<LinuxThread> EnumerateThreads(int processId)
    {
        IEnumerable<int> tids;
        try
        {
            tids = ProcessSource.EnumerateNumericDirectories($"/proc/{processId}/task").ToList();
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            // The process exited (or is hidden from us) between listing and reading: it simply has no threads now.
            yield break;
        }
        var file = new ProcFile();
        foreach (var tid in tids)
        {
            if (Read(file, processId, tid) is { } thread)
            {
                yield return thread;
            }
        }
    }

    /// <summary>Every thread of every process.</summary>
    public static IEnumerable<LinuxThread> EnumerateAll(CancellationToken cancellationToken = default)
    {
        foreach (var pid in ProcessSource.EnumerateProcessIds())
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var t in EnumerateThreads(pid))
            {
                yield return t;
            }
        }
    }

    /// <summary>One thread, or null.</summary>
    public static LinuxThread? TryRead(int processId, int threadId) => Read(new ProcFile(), processId, threadId);

    private static LinuxThread? Read(ProcFile file, int pid, int tid)
    {
        Span<byte> name = stackalloc byte[32];
        "task/"u8.CopyTo(name);
        System.Buffers.Text.Utf8Formatter.TryFormat(tid, name[5..], out var n);
        "/stat"u8.CopyTo(name[(5 + n)..]);
        var stat = file.ReadPid(pid, name[..(10 + n)], out var ok);
        if (!ok || !ProcessSource.TryParseStat(stat, out var s))
        {
            return null;
        }
        return new LinuxThread(pid, tid, s.Comm, s.State, s.Nice, s.Policy, s.RtPriority, s.StartTime, s.UTime, s.STime);
    }
}

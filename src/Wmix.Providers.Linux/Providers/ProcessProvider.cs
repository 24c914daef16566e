using System.Globalization;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Events;
using Wmix.Providers.Linux.Interop;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// <c>Win32_Process</c> and <c>Win32_Thread</c> from <c>/proc</c>; the methods <c>Create</c>, <c>Terminate</c> and
/// <c>GetOwner</c>; and process events — extrinsic <c>Win32_ProcessStartTrace</c> / <c>Win32_ProcessStopTrace</c>
/// and intrinsic creation/deletion events for <c>Win32_Process</c> — from one <see cref="ProcessEventMonitor"/>
/// (netlink when root, else polling).
/// </summary>
/// <remarks>
/// <para>Property mapping (Linux → WMI): <c>Handle</c> = pid as text; <c>Name</c>/<c>Caption</c>/<c>Description</c>
/// = the executable's file name (comm for kernel threads); <c>CommandLine</c> = argv joined by spaces;
/// <c>CreationDate</c> = boot time + start ticks; <c>KernelModeTime</c>/<c>UserModeTime</c> in 100 ns;
/// <c>WorkingSetSize</c> = RSS bytes; <c>VirtualSize</c> = VSZ bytes; <c>PeakVirtualSize</c> = VmPeak;
/// <c>PeakWorkingSetSize</c> = VmHWM (kB); <c>PageFaults</c> = minor + major faults; <c>Read/WriteOperationCount</c>
/// = syscr/syscw and <c>Read/WriteTransferCount</c> = rchar/wchar from <c>/proc/[pid]/io</c>;
/// <c>Priority</c> per <see cref="LinuxProcess.MapPriority"/>; <c>SessionId</c> = the POSIX session id (the
/// session leader's pid; <c>/proc/[pid]/sessionid</c> is the audit session, unset on most systems);
/// <c>ExecutionState</c> from the state letter (R→Running 3, S/D/I→Blocked 4, T/t→Stopped 8, Z/X→Terminated 7).
/// <c>HandleCount</c>, page-file and quota figures, <c>PrivatePageCount</c>, <c>Other*</c>,
/// <c>WindowsVersion</c>, <c>Min/MaximumWorkingSetSize</c>, <c>InstallDate</c>, <c>TerminationDate</c> and
/// <c>Status</c> have no Linux counterpart and stay NULL. <c>GetOwner</c> and <c>GetOwnerSid</c> report the effective
/// user (<c>GetOwnerSid</c> as <c>S-1-22-1-&lt;uid&gt;</c>, the SID of that user's <c>Win32_UserAccount</c>).</para>
/// <para>Push-down: <c>ProcessId = n</c> or <c>Handle = 'n'</c> (alone, in an AND, or ORed) reads only those
/// <c>/proc</c> entries.</para>
/// </remarks>
public sealed class ProcessProvider : CimProvider
{
    private readonly ProcessEventMonitorOptions _eventOptions;

    /// <summary>Creates the provider; <paramref name="eventOptions"/> configure the process event monitor.</summary>
    public ProcessProvider(ProcessEventMonitorOptions? eventOptions = null) => _eventOptions = eventOptions ?? ProcessEventMonitorOptions.Default;

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Process";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        new(CimSchema.Namespace, ProcessSchema.ProcessStartup),
        new(CimSchema.Namespace, ProcessSchema.Process, ProviderCapabilities.Enumerate | ProviderCapabilities.Get | ProviderCapabilities.Methods),
        new(CimSchema.Namespace, ProcessSchema.Thread),
        new(CimSchema.Namespace, ProcessSchema.SystemTrace, ProviderCapabilities.None),
        new(CimSchema.Namespace, ProcessSchema.ProcessTrace, ProviderCapabilities.None),
        new(CimSchema.Namespace, ProcessSchema.ProcessStartTrace, ProviderCapabilities.None),
        new(CimSchema.Namespace, ProcessSchema.ProcessStopTrace, ProviderCapabilities.None),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<EventRegistration> EventClasses { get; } =
    [
        EventRegistration.Extrinsic(CimSchema.Namespace, "Win32_ProcessTrace"),
        EventRegistration.Intrinsic(CimSchema.Namespace, "Win32_Process", "__InstanceCreationEvent"),
        EventRegistration.Intrinsic(CimSchema.Namespace, "Win32_Process", "__InstanceDeletionEvent"),
    ];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cls);
        return FromEnumerableAsync(Enumerate(cls, context.Query?.Where, cancellationToken), cancellationToken);
    }

    /// <summary>The instances of <paramref name="cls"/> that may match <paramref name="where"/> (push-down; the engine filters exactly).</summary>
    internal static IEnumerable<CimInstance> Enumerate(CimClass cls, WqlExpression? where, CancellationToken cancellationToken)
    {
        if (CimNames.AreEqual(cls.Name, "Win32_Process"))
        {
            return EnumerateProcesses(cls, where, cancellationToken);
        }
        if (CimNames.AreEqual(cls.Name, "Win32_Thread"))
        {
            return EnumerateThreads(cls, where, cancellationToken);
        }
        return [];
    }

    private static IEnumerable<CimInstance> EnumerateProcesses(CimClass cls, WqlExpression? where, CancellationToken cancellationToken)
    {
        var host = new HostNames();
        if (ProcessIdsWanted(where, "ProcessId", "Handle") is { } ids)
        {
            foreach (var pid in ids)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (ProcessSource.TryRead(pid) is { } p)
                {
                    yield return ToInstance(cls, p, host);
                }
            }
            yield break;
        }
        foreach (var p in ProcessSource.EnumerateProcesses(ProcessParts.All, cancellationToken))
        {
            yield return ToInstance(cls, p, host);
        }
    }

    private static IEnumerable<CimInstance> EnumerateThreads(CimClass cls, WqlExpression? where, CancellationToken cancellationToken)
    {
        var host = new HostNames();
        var pids = ProcessIdsWanted(where, "ProcessHandle", null) ?? ProcessSource.EnumerateProcessIds();
        foreach (var pid in pids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var t in ThreadSource.EnumerateThreads(pid))
            {
                yield return ToInstance(cls, t, host);
            }
        }
    }

    /// <summary>The distinct pids a WHERE clause restricts the listing to, or null for all.</summary>
    private static IEnumerable<int>? ProcessIdsWanted(WqlExpression? where, string numeric, string? text)
    {
        var values = PushDown.IntegerValues(where, numeric);
        if (values is null && text is not null)
        {
            values = PushDown.IntegerValues(where, text);
        }
        return values?.Where(v => v is > 0 and <= int.MaxValue).Select(v => (int)v).Distinct().Order();
    }

    /// <inheritdoc />
    public override ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(path);
        return ValueTask.FromResult(Get(cls, path));
    }

    internal static CimInstance? Get(CimClass cls, CimObjectPath path)
    {
        var host = new HostNames();
        if (CimNames.AreEqual(cls.Name, "Win32_Process"))
        {
            return PidKey(path, "Handle") is { } pid && ProcessSource.TryRead(pid) is { } p ? ToInstance(cls, p, host) : null;
        }
        if (CimNames.AreEqual(cls.Name, "Win32_Thread"))
        {
            return PidKey(path, "ProcessHandle") is { } pid && PidKey(path, "Handle") is { } tid && ThreadSource.TryRead(pid, tid) is { } t
                ? ToInstance(cls, t, host)
                : null;
        }
        return null;
    }

    private static int? PidKey(CimObjectPath path, string key)
    {
        foreach (var k in path.Keys)
        {
            if (CimNames.AreEqual(k.Name, key) && k.Value is string s && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
                && s == pid.ToString(CultureInfo.InvariantCulture))
            {
                return pid;
            }
        }
        return null;
    }

    /// <summary>Host-wide names every instance carries, read once per call.</summary>
    internal sealed class HostNames
    {
        public string ComputerName { get; } = HostInfo.HostName;
        public string OSName { get; } = HostInfo.OSName;
    }

    /// <summary>A Win32_Process instance of <paramref name="cls"/> for <paramref name="p"/>.</summary>
    internal static CimInstance ToInstance(CimClass cls, LinuxProcess p, HostNames host)
    {
        var i = cls.SpawnInstance();
        var name = p.Name;
        i["Handle"] = p.ProcessId.ToString(CultureInfo.InvariantCulture);
        i["ProcessId"] = (uint)p.ProcessId;
        i["ParentProcessId"] = (uint)p.ParentProcessId;
        i["Name"] = name;
        i["Caption"] = name;
        i["Description"] = name;
        i["CreationClassName"] = "Win32_Process";
        i["CSCreationClassName"] = "Win32_ComputerSystem";
        i["CSName"] = host.ComputerName;
        i["OSCreationClassName"] = "Win32_OperatingSystem";
        i["OSName"] = host.OSName;
        i["CommandLine"] = p.CommandLine;
        i["ExecutablePath"] = p.ExecutablePath;
        i["CreationDate"] = CimDateTime.FromDateTimeOffset(p.CreationDate.ToLocalTime()).ToString();
        i["ExecutionState"] = ExecutionState(p.State);
        i["KernelModeTime"] = BootClock.TicksTo100Ns(p.KernelTicks);
        i["UserModeTime"] = BootClock.TicksTo100Ns(p.UserTicks);
        i["WorkingSetSize"] = p.WorkingSetSize;
        i["VirtualSize"] = p.VirtualSize;
        i["PeakVirtualSize"] = p.PeakVirtualKb * 1024;
        i["PeakWorkingSetSize"] = p.PeakResidentKb is { } hwm ? (uint)Math.Min(hwm, uint.MaxValue) : null;
        i["PageFaults"] = (uint)Math.Min(p.PageFaults, uint.MaxValue);
        i["ThreadCount"] = (uint)p.ThreadCount;
        i["Priority"] = p.BasePriority;
        i["SessionId"] = (uint)p.SessionId;
        i["ReadOperationCount"] = p.ReadOperations;
        i["WriteOperationCount"] = p.WriteOperations;
        i["ReadTransferCount"] = p.ReadBytes;
        i["WriteTransferCount"] = p.WriteBytes;
        return i;
    }

    /// <summary>A minimal Win32_Process instance for a process that was gone before it could be read.</summary>
    internal static CimInstance ToMinimalInstance(CimClass cls, int pid, int ppid, string? name, HostNames host)
    {
        var i = cls.SpawnInstance();
        i["Handle"] = pid.ToString(CultureInfo.InvariantCulture);
        i["ProcessId"] = (uint)pid;
        i["ParentProcessId"] = (uint)ppid;
        i["Name"] = name;
        i["Caption"] = name;
        i["Description"] = name;
        i["CreationClassName"] = "Win32_Process";
        i["CSCreationClassName"] = "Win32_ComputerSystem";
        i["CSName"] = host.ComputerName;
        i["OSCreationClassName"] = "Win32_OperatingSystem";
        i["OSName"] = host.OSName;
        return i;
    }

    internal static ushort? ExecutionState(char state) => state switch
    {
        'R' => 3,
        'S' or 'D' or 'I' => 4,
        'T' or 't' => 8,
        'Z' or 'X' => 7,
        _ => null,
    };

    private static CimInstance ToInstance(CimClass cls, LinuxThread t, HostNames host)
    {
        var i = cls.SpawnInstance();
        i["Handle"] = t.ThreadId.ToString(CultureInfo.InvariantCulture);
        i["ProcessHandle"] = t.ProcessId.ToString(CultureInfo.InvariantCulture);
        i["Name"] = t.Name;
        i["Caption"] = t.Name;
        i["Description"] = t.Name;
        i["CreationClassName"] = "Win32_Thread";
        i["ProcessCreationClassName"] = "Win32_Process";
        i["CSCreationClassName"] = "Win32_ComputerSystem";
        i["CSName"] = host.ComputerName;
        i["OSCreationClassName"] = "Win32_OperatingSystem";
        i["OSName"] = host.OSName;
        var priority = LinuxProcess.MapPriority(t.Nice, t.Policy, t.RealTimePriority);
        i["Priority"] = priority;
        i["PriorityBase"] = priority;
        i["ExecutionState"] = ExecutionState(t.State);
        // Win32_Thread.ThreadState: 2 Running, 4 Terminated, 5 Waiting.
        i["ThreadState"] = t.State switch { 'R' => 2u, 'Z' or 'X' => 4u, _ => 5u };
        i["KernelModeTime"] = t.KernelTicks * 1000 / (ulong)BootClock.TicksPerSecond;
        i["UserModeTime"] = t.UserTicks * 1000 / (ulong)BootClock.TicksPerSecond;
        var started = BootClock.FromBootTicks(t.StartTimeTicks);
        i["ElapsedTime"] = (ulong)Math.Max(0, (DateTimeOffset.UtcNow - started).TotalMilliseconds);
        return i;
    }

    /// <inheritdoc />
    public override ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(method);
        if (!CimNames.AreEqual(cls.Name, "Win32_Process"))
        {
            return base.InvokeMethodAsync(context, cls, target, method, inParameters, cancellationToken);
        }
        var output = method.OutParameters!.SpawnInstance();
        switch (method.Name.ToUpperInvariant())
        {
            case "CREATE":
                {
                    var (code, pid) = Create(inParameters?["CommandLine"] as string, inParameters?["CurrentDirectory"] as string,
                        inParameters?["ProcessStartupInformation"] as CimObject);
                    output["ReturnValue"] = code;
                    output["ProcessId"] = pid;
                    break;
                }
            case "TERMINATE":
                output["ReturnValue"] = Terminate(RequirePid(target));
                break;
            case "GETOWNER":
                {
                    var pid = RequirePid(target);
                    var process = ProcessSource.TryRead(pid, ProcessParts.Status) ?? throw NotFound(pid);
                    if (process.Uid is not { } uid)
                    {
                        output["ReturnValue"] = 8u;
                        break;
                    }
                    output["ReturnValue"] = 0u;
                    output["User"] = AccountSource.System.FindUser(uid)?.Name ?? uid.ToString(CultureInfo.InvariantCulture);
                    output["Domain"] = HostInfo.HostName;
                    break;
                }
            case "GETOWNERSID":
                {
                    // The owner's SID in the form Win32_UserAccount.SID uses (S-1-22-1-<uid>), so it joins with that class.
                    var pid = RequirePid(target);
                    var process = ProcessSource.TryRead(pid, ProcessParts.Status) ?? throw NotFound(pid);
                    output["ReturnValue"] = process.Uid is null ? 8u : 0u;
                    output["Sid"] = process.Uid is { } uid ? AccountProvider.UserSid(uid) : null;
                    break;
                }
            default:
                return base.InvokeMethodAsync(context, cls, target, method, inParameters, cancellationToken);
        }
        return ValueTask.FromResult<CimInstance?>(output);
    }

    private static int RequirePid(CimObjectPath? target) =>
        target is null
            ? throw new WbemException(WbemErrorEnum.wbemErrInvalidMethodParameters, "This method must be called on a Win32_Process instance, not on the class.")
            : PidKey(target, "Handle") is { } pid ? pid : throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"No process has the path '{target}'.");

    private static WbemException NotFound(int pid) => new(WbemErrorEnum.wbemErrNotFound, $"Process {pid} does not exist.");

    /// <summary>
    /// <c>Terminate</c>: SIGKILL, the counterpart of TerminateProcess (unconditional). Linux cannot impose the exit
    /// code, so <c>Reason</c> is accepted but the process ends with "killed by signal 9". Return codes: 0 done,
    /// 2 access denied (EACCES), 3 insufficient privilege (EPERM), 8 other failure; a missing process gives
    /// wbemErrNotFound as for any missing instance.
    /// </summary>
    internal static uint Terminate(int pid)
    {
        if (Libc.kill(pid, Libc.SIGKILL) == 0)
        {
            return 0;
        }
        return Libc.Errno switch
        {
            Libc.ESRCH => throw NotFound(pid),
            Libc.EPERM => 3,
            Libc.EACCES => 2,
            _ => 8,
        };
    }

    /// <summary>
    /// <c>Create</c>: runs the command directly (no shell; words split by <see cref="CommandLineSplitter"/>, the
    /// program looked up in PATH), in <paramref name="directory"/> or the provider's current directory, detached as a
    /// Windows process started by WMI is (see <see cref="Spawn"/>): standard input, output and error on /dev/null, a
    /// session of its own, default signal dispositions — so it outlives its caller (e.g. <c>wmix call</c>) and can
    /// still write. From
    /// <c>ProcessStartupInformation</c> only <c>EnvironmentVariables</c> ("NAME=value" entries, replacing the
    /// inherited environment, as on Windows) has a Linux meaning; the window and console fields are ignored.
    /// Return codes as WMI: 0 started, 2 access denied, 3 insufficient privilege, 8 unknown failure, 9 path not found
    /// (program or directory), 21 invalid parameter (empty command line, unbalanced quotes, bad environment entry).
    /// </summary>
    internal static (uint Code, uint? ProcessId) Create(string? commandLine, string? directory, CimObject? startup)
    {
        if (string.IsNullOrWhiteSpace(commandLine) || CommandLineSplitter.Split(commandLine) is not { Count: > 0 } words)
        {
            return (21, null);
        }
        if (directory is not null && (directory.Length == 0 || !Directory.Exists(directory)))
        {
            return (9, null);
        }
        IReadOnlyList<string> environment;
        if (startup?.TryGetValue("EnvironmentVariables", out var envValue) == true && envValue is string[] env)
        {
            // As on Windows, the given block replaces the inherited environment; a later duplicate wins.
            var entries = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in env)
            {
                var eq = entry?.IndexOf('=', StringComparison.Ordinal) ?? -1;
                if (eq <= 0)
                {
                    return (21, null);
                }
                entries[entry![..eq]] = entry;
            }
            environment = [.. entries.Values];
        }
        else
        {
            environment = [.. Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                .Select(e => $"{e.Key}={e.Value}")];
        }
        var error = Spawn.Start(words, environment, directory, out var pid);
        if (error != 0)
        {
            return (error switch { Libc.ENOENT or Libc.ENOTDIR => 9u, Libc.EACCES or Libc.ENOEXEC => 2u, Libc.EPERM => 3u, _ => 8u }, null);
        }
        return (0, (uint)pid);
    }

    /// <inheritdoc />
    public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        return ProcessEventMonitor.Start(new EventFeed(context, sink), _eventOptions);
    }

    /// <summary>Turns monitor reports into WMI events.</summary>
    internal sealed class EventFeed(EventSubscriptionContext context, ICimEventSink sink) : IProcessEventHandler
    {
        private readonly HostNames _host = new();
        private readonly CimClass _processClass = context.GetClass("Win32_Process");

        public void OnProcessStarted(ProcessStarted e)
        {
            var trace = context.CreateEvent("Win32_ProcessStartTrace");
            FillTrace(trace, e.ProcessId, e.ParentProcessId, e.Name, e.Snapshot, e.Time);
            sink.Raise(trace);
            var target = e.Snapshot is { } s ? ToInstance(_processClass, s, _host) : ToMinimalInstance(_processClass, e.ProcessId, e.ParentProcessId, e.Name, _host);
            sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceCreation, (CimInstance)target.Freeze()));
        }

        public void OnProcessStopped(ProcessStopped e)
        {
            var trace = context.CreateEvent("Win32_ProcessStopTrace");
            FillTrace(trace, e.ProcessId, e.ParentProcessId, e.Name, e.LastSnapshot, e.Time);
            trace["ExitStatus"] = e.ExitStatus;
            sink.Raise(trace);
            var target = e.LastSnapshot is { } s ? ToInstance(_processClass, s, _host) : ToMinimalInstance(_processClass, e.ProcessId, e.ParentProcessId, e.Name, _host);
            sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceDeletion, (CimInstance)target.Freeze()));
        }

        public void OnEventsLost(string reason) => sink.ReportEventsLost(reason);

        private static void FillTrace(CimInstance trace, int pid, int ppid, string? name, LinuxProcess? snapshot, DateTimeOffset time)
        {
            trace["ProcessID"] = (uint)pid;
            trace["ParentProcessID"] = (uint)ppid;
            trace["ProcessName"] = name;
            trace["SessionID"] = snapshot is null ? null : (uint)snapshot.SessionId;
            trace["TIME_CREATED"] = (ulong)time.ToFileTime();
        }
    }
}

using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;
using static Wmix.Providers.Linux.Providers.Internal.ClassBuilder;

namespace Wmix.Providers.Linux.Providers;

/// <summary>The process classes: Win32_Process, Win32_Thread, Win32_ProcessStartup and the process trace events.</summary>
public static class ProcessSchema
{
    /// <summary>Win32_ProcessStartup (the embedded object of <c>Win32_Process.Create</c>).</summary>
    public static CimClass ProcessStartup { get; } = new ClassBuilder("Win32_ProcessStartup")
        .U32("CreateFlags").P("EnvironmentVariables", CimType.String, array: true).U16("ErrorMode").U32("FillAttribute")
        .U32("PriorityClass").U16("ShowWindow").S("Title", "WinstationDesktop").U32("X", "XCountChars", "XSize", "Y", "YCountChars", "YSize")
        .Build();

    /// <summary>Win32_Process.</summary>
    public static CimClass Process { get; } = new ClassBuilder("Win32_Process", CimSchema.Process)
        .Q("SupportsCreate", true).Q("CreateBy", "Create")
        .S("CommandLine", "ExecutablePath").U32("HandleCount").P("MaximumWorkingSetSize", CimType.UInt32, units: "kilobytes")
        .P("MinimumWorkingSetSize", CimType.UInt32, units: "kilobytes").U64("OtherOperationCount").P("OtherTransferCount", CimType.UInt64, units: "bytes")
        .U32("PageFaults").P("PageFileUsage", CimType.UInt32, units: "kilobytes").U32("ParentProcessId")
        .P("PeakPageFileUsage", CimType.UInt32, units: "kilobytes").P("PeakVirtualSize", CimType.UInt64, units: "bytes")
        .P("PeakWorkingSetSize", CimType.UInt32, units: "kilobytes").U64("PrivatePageCount").U32("ProcessId")
        .U32("QuotaNonPagedPoolUsage", "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage", "QuotaPeakPagedPoolUsage")
        .U64("ReadOperationCount").P("ReadTransferCount", CimType.UInt64, units: "bytes").U32("SessionId").U32("ThreadCount")
        .P("VirtualSize", CimType.UInt64, units: "bytes").S("WindowsVersion").U64("WriteOperationCount").P("WriteTransferCount", CimType.UInt64, units: "bytes")
        .Method("Create", CimType.UInt32, isStatic: true, In("CommandLine", CimType.String, 0), In("CurrentDirectory", CimType.String, 1),
            In("ProcessStartupInformation", CimType.Object, 2, "Win32_ProcessStartup"), Out("ProcessId", CimType.UInt32, 3))
        .Method("Terminate", CimType.UInt32, isStatic: false, In("Reason", CimType.UInt32, 0))
        .Method("GetOwner", CimType.UInt32, isStatic: false, Out("User", CimType.String, 0), Out("Domain", CimType.String, 1))
        .Method("GetOwnerSid", CimType.UInt32, isStatic: false, Out("Sid", CimType.String, 0))
        .Build();

    /// <summary>Win32_Thread.</summary>
    public static CimClass Thread { get; } = new ClassBuilder("Win32_Thread", CimSchema.Thread)
        .P("ElapsedTime", CimType.UInt64, units: "milliseconds").U32("PriorityBase").U32("StartAddress").U32("ThreadState").U32("ThreadWaitReason")
        .Build();

    /// <summary>Win32_SystemTrace (abstract parent of the kernel trace events).</summary>
    public static CimClass SystemTrace { get; } = new ClassBuilder("Win32_SystemTrace", SystemParent("__ExtrinsicEvent", "__Event")).Abstract().Build();

    /// <summary>Win32_ProcessTrace.</summary>
    public static CimClass ProcessTrace { get; } = new ClassBuilder("Win32_ProcessTrace", SystemTrace)
        .U32("ParentProcessID", "ProcessID").S("ProcessName").U32("SessionID").P("Sid", CimType.UInt8, array: true).Build();

    /// <summary>Win32_ProcessStartTrace.</summary>
    public static CimClass ProcessStartTrace { get; } = new ClassBuilder("Win32_ProcessStartTrace", ProcessTrace).Build();

    /// <summary>Win32_ProcessStopTrace.</summary>
    public static CimClass ProcessStopTrace { get; } = new ClassBuilder("Win32_ProcessStopTrace", ProcessTrace).U32("ExitStatus").Build();
}

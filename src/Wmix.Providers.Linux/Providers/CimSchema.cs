using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers.Internal;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// The CIM classes WMI's Win32 classes derive from (abstract, with WMI's properties, keys and qualifiers), installed
/// once by <see cref="CimSchemaProvider"/> before the providers that need them.
/// </summary>
public static class CimSchema
{
    /// <summary>The namespace every Linux class lives in.</summary>
    public const string Namespace = @"root\cimv2";

    /// <summary>CIM_ManagedSystemElement.</summary>
    public static CimClass ManagedSystemElement { get; } = new ClassBuilder("CIM_ManagedSystemElement").Abstract()
        .S("Caption", "Description").DateTime("InstallDate").S("Name", "Status").Build();

    /// <summary>CIM_LogicalElement.</summary>
    public static CimClass LogicalElement { get; } = new ClassBuilder("CIM_LogicalElement", ManagedSystemElement).Abstract().Build();

    /// <summary>CIM_Process.</summary>
    public static CimClass Process { get; } = new ClassBuilder("CIM_Process", LogicalElement).Abstract()
        .CimKey("CreationClassName").DateTime("CreationDate").CimKey("CSCreationClassName").CimKey("CSName")
        .U16("ExecutionState").Key("Handle").P("KernelModeTime", CimType.UInt64, units: "100 nanoseconds")
        .CimKey("OSCreationClassName").CimKey("OSName").U32("Priority").DateTime("TerminationDate")
        .P("UserModeTime", CimType.UInt64, units: "100 nanoseconds").P("WorkingSetSize", CimType.UInt64, units: "bytes").Build();

    /// <summary>CIM_Thread.</summary>
    public static CimClass Thread { get; } = new ClassBuilder("CIM_Thread", LogicalElement).Abstract()
        .CimKey("CreationClassName").CimKey("CSCreationClassName").CimKey("CSName").U16("ExecutionState").Key("Handle")
        .P("KernelModeTime", CimType.UInt64, units: "milliseconds").CimKey("OSCreationClassName").CimKey("OSName").U32("Priority")
        .CimKey("ProcessCreationClassName").Key("ProcessHandle").P("UserModeTime", CimType.UInt64, units: "milliseconds").Build();

    /// <summary>CIM_LogicalDevice.</summary>
    public static CimClass LogicalDevice { get; } = new ClassBuilder("CIM_LogicalDevice", LogicalElement).Abstract()
        .U16("Availability").U32("ConfigManagerErrorCode").Bool("ConfigManagerUserConfig").CimKey("CreationClassName")
        .Key("DeviceID").Bool("ErrorCleared").S("ErrorDescription").U32("LastErrorCode").S("PNPDeviceID")
        .P("PowerManagementCapabilities", CimType.UInt16, array: true).Bool("PowerManagementSupported").U16("StatusInfo")
        .CimKey("SystemCreationClassName").CimKey("SystemName").Build();

    /// <summary>CIM_System.</summary>
    public static CimClass System { get; } = new ClassBuilder("CIM_System", LogicalElement).Abstract()
        .CimKey("CreationClassName").S("NameFormat", "PrimaryOwnerContact", "PrimaryOwnerName")
        .P("Roles", CimType.String, array: true).Build();

    /// <summary>CIM_Component (association).</summary>
    public static CimClass Component { get; } = new ClassBuilder("CIM_Component").Abstract().Association()
        .Ref("GroupComponent", "CIM_ManagedSystemElement").Ref("PartComponent", "CIM_ManagedSystemElement").Build();

    /// <summary>CIM_Dependency (association).</summary>
    public static CimClass Dependency { get; } = new ClassBuilder("CIM_Dependency").Abstract().Association()
        .Ref("Antecedent", "CIM_ManagedSystemElement").Ref("Dependent", "CIM_ManagedSystemElement").Build();

    /// <summary>CIM_SystemComponent (association).</summary>
    public static CimClass SystemComponent { get; } = new ClassBuilder("CIM_SystemComponent", Component).Abstract().Association()
        .Ref("GroupComponent", "CIM_System").Ref("PartComponent", "CIM_ManagedSystemElement").Build();

    /// <summary>CIM_Setting.</summary>
    public static CimClass Setting { get; } = new ClassBuilder("CIM_Setting").Abstract()
        .S("Caption", "Description", "SettingID").Build();

    /// <summary>CIM_LogicalFile.</summary>
    public static CimClass LogicalFile { get; } = new ClassBuilder("CIM_LogicalFile", LogicalElement).Abstract()
        .U32("AccessMask").Bool("Archive", "Compressed").S("CompressionMethod").CimKey("CreationClassName")
        .DateTime("CreationDate").CimKey("CSCreationClassName").CimKey("CSName").S("Drive", "EightDotThreeFileName")
        .Bool("Encrypted").S("EncryptionMethod", "Extension", "FileName").P("FileSize", CimType.UInt64, units: "bytes")
        .S("FileType").CimKey("FSCreationClassName").CimKey("FSName").Bool("Hidden").U64("InUseCount")
        .DateTime("LastAccessed", "LastModified").S("Path").Bool("Readable", "System", "Writeable").Build();

    /// <summary>The classes in install order (parents first).</summary>
    public static IReadOnlyList<CimClass> All { get; } =
        [ManagedSystemElement, LogicalElement, Process, Thread, LogicalDevice, System, Component, Dependency, SystemComponent, Setting, LogicalFile];
}

/// <summary>
/// Installs <see cref="CimSchema"/>'s abstract classes. They have no instances of their own (the engine asks each
/// subclass's provider for those), so enumeration yields nothing.
/// </summary>
public sealed class CimSchemaProvider : CimProvider
{
    /// <inheritdoc />
    public override string Name => "Wmix.Linux.CimSchema";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
        [.. CimSchema.All.Select(c => new ProviderClassRegistration(CimSchema.Namespace, c))];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken) =>
        FromEnumerableAsync([], cancellationToken);
}

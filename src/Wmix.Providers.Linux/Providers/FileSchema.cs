using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;
using static Wmix.Providers.Linux.Providers.Internal.ClassBuilder;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// The file classes as WMI defines them: abstract <c>CIM_Directory</c> (below <see cref="CimSchema.LogicalFile"/>),
/// its concrete <c>Win32_Directory</c>, concrete <c>CIM_DataFile</c>, and the associations
/// <c>CIM_DirectoryContainsFile</c> and <c>Win32_SubDirectory</c>.
/// </summary>
public static class FileSchema
{
    /// <summary>CIM_Directory (abstract in WMI: its instances are Win32_Directory).</summary>
    public static CimClass CimDirectory { get; } = new ClassBuilder("CIM_Directory", CimSchema.LogicalFile).Abstract().Build();

    /// <summary>Win32_Directory.</summary>
    public static CimClass Directory { get; } = WithMethods(new ClassBuilder("Win32_Directory", CimDirectory).Key("Name")).Build();

    /// <summary>CIM_DataFile.</summary>
    public static CimClass DataFile { get; } = WithMethods(new ClassBuilder("CIM_DataFile", CimSchema.LogicalFile).Key("Name").S("Manufacturer", "Version")).Build();

    /// <summary>CIM_DirectoryContainsFile: a directory and a (non-directory) entry in it.</summary>
    public static CimClass DirectoryContainsFile { get; } = new ClassBuilder("CIM_DirectoryContainsFile", CimSchema.Component).Association()
        .Ref("GroupComponent", "CIM_Directory").Ref("PartComponent", "CIM_DataFile").Build();

    /// <summary>Win32_SubDirectory: a directory and a directory in it.</summary>
    public static CimClass SubDirectory { get; } = new ClassBuilder("Win32_SubDirectory", CimSchema.Component).Association()
        .Ref("GroupComponent", "Win32_Directory").Ref("PartComponent", "Win32_Directory").Build();

    // CIM_LogicalFile's Delete, Rename and Copy (WMI implements them on its concrete file classes).
    private static ClassBuilder WithMethods(ClassBuilder b) => b
        .Method("Copy", CimType.UInt32, isStatic: false, In("FileName", CimType.String, 0))
        .Method("Delete", CimType.UInt32, isStatic: false)
        .Method("Rename", CimType.UInt32, isStatic: false, In("FileName", CimType.String, 0));
}

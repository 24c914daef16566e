using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;

namespace Wmix.Providers.Linux.Providers;

/// <summary>The filesystem classes — Win32_LogicalDisk and Win32_Volume — and their abstract CIM parents.</summary>
public static class StorageSchema
{
    /// <summary>CIM_StorageExtent.</summary>
    public static CimClass CimStorageExtent { get; } = new ClassBuilder("CIM_StorageExtent", CimSchema.LogicalDevice).Abstract()
        .U16("Access").P("BlockSize", CimType.UInt64, units: "bytes").S("ErrorMethodology").U64("NumberOfBlocks").S("Purpose").Build();

    /// <summary>CIM_LogicalDisk.</summary>
    public static CimClass CimLogicalDisk { get; } = new ClassBuilder("CIM_LogicalDisk", CimStorageExtent).Abstract()
        .P("FreeSpace", CimType.UInt64, units: "bytes").P("Size", CimType.UInt64, units: "bytes").Build();

    /// <summary>CIM_StorageVolume.</summary>
    public static CimClass CimStorageVolume { get; } = new ClassBuilder("CIM_StorageVolume", CimStorageExtent).Abstract().Build();

    /// <summary>Win32_LogicalDisk.</summary>
    public static CimClass LogicalDisk { get; } = new ClassBuilder("Win32_LogicalDisk", CimLogicalDisk)
        .Bool("Compressed").U32("DriveType").S("FileSystem").U32("MaximumComponentLength", "MediaType").S("ProviderName")
        .Bool("QuotasDisabled", "QuotasIncomplete", "QuotasRebuilding", "SupportsDiskQuotas", "SupportsFileBasedCompression", "VolumeDirty")
        .S("VolumeName", "VolumeSerialNumber").Build();

    /// <summary>Win32_Volume.</summary>
    public static CimClass Volume { get; } = new ClassBuilder("Win32_Volume", CimStorageVolume)
        .Bool("Automount", "BootVolume").P("Capacity", CimType.UInt64, units: "bytes").Bool("Compressed", "DirtyBitSet").S("DriveLetter")
        .U32("DriveType").S("FileSystem").P("FreeSpace", CimType.UInt64, units: "bytes").Bool("IndexingEnabled").S("Label")
        .U32("MaximumFileNameLength").Bool("PageFile", "QuotasEnabled", "QuotasIncomplete", "QuotasRebuilding").U32("SerialNumber")
        .Bool("SupportsDiskQuotas", "SupportsFileBasedCompression", "SystemVolume").Build();

    /// <summary>CIM_MediaAccessDevice.</summary>
    public static CimClass CimMediaAccessDevice { get; } = new ClassBuilder("CIM_MediaAccessDevice", CimSchema.LogicalDevice).Abstract()
        .P("Capabilities", CimType.UInt16, array: true).P("CapabilityDescriptions", CimType.String, array: true).S("CompressionMethod")
        .P("DefaultBlockSize", CimType.UInt64, units: "bytes").S("ErrorMethodology").P("MaxBlockSize", CimType.UInt64, units: "bytes")
        .P("MaxMediaSize", CimType.UInt64, units: "kilobytes").P("MinBlockSize", CimType.UInt64, units: "bytes").Bool("NeedsCleaning")
        .U32("NumberOfMediaSupported").Build();

    /// <summary>CIM_DiskDrive.</summary>
    public static CimClass CimDiskDrive { get; } = new ClassBuilder("CIM_DiskDrive", CimMediaAccessDevice).Abstract().Build();

    /// <summary>Win32_DiskDrive.</summary>
    public static CimClass DiskDrive { get; } = new ClassBuilder("Win32_DiskDrive", CimDiskDrive)
        .U32("BytesPerSector").S("FirmwareRevision").U32("Index").S("InterfaceType", "Manufacturer").Bool("MediaLoaded").S("MediaType", "Model")
        .U32("Partitions", "SCSIBus").U16("SCSILogicalUnit", "SCSIPort", "SCSITargetId").U32("SectorsPerTrack").S("SerialNumber").U32("Signature")
        .P("Size", CimType.UInt64, units: "bytes").U64("TotalCylinders").U32("TotalHeads").U64("TotalSectors", "TotalTracks").U32("TracksPerCylinder").Build();

    /// <summary>The abstract parents, in install order.</summary>
    public static IReadOnlyList<CimClass> Parents { get; } = [CimStorageExtent, CimLogicalDisk, CimStorageVolume, CimMediaAccessDevice, CimDiskDrive];
}

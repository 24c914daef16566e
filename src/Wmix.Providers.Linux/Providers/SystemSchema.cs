using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// The machine classes — Win32_OperatingSystem, Win32_ComputerSystem, Win32_BIOS, Win32_Processor — and the abstract
/// CIM parents they derive from in WMI's schema (installed by <see cref="SystemProvider"/>).
/// </summary>
public static class SystemSchema
{
    /// <summary>CIM_OperatingSystem.</summary>
    public static CimClass CimOperatingSystem { get; } = new ClassBuilder("CIM_OperatingSystem", CimSchema.LogicalElement).Abstract()
        .CimKey("CreationClassName").CimKey("CSCreationClassName").CimKey("CSName").P("CurrentTimeZone", CimType.SInt16)
        .Bool("Distributed").P("FreePhysicalMemory", CimType.UInt64, units: "kilobytes").P("FreeSpaceInPagingFiles", CimType.UInt64, units: "kilobytes")
        .P("FreeVirtualMemory", CimType.UInt64, units: "kilobytes").DateTime("LastBootUpTime", "LocalDateTime").U32("MaxNumberOfProcesses")
        .P("MaxProcessMemorySize", CimType.UInt64, units: "kilobytes").Key("Name").U32("NumberOfLicensedUsers", "NumberOfProcesses", "NumberOfUsers")
        .U16("OSType").S("OtherTypeDescription").P("SizeStoredInPagingFiles", CimType.UInt64, units: "kilobytes")
        .P("TotalSwapSpaceSize", CimType.UInt64, units: "kilobytes").P("TotalVirtualMemorySize", CimType.UInt64, units: "kilobytes")
        .P("TotalVisibleMemorySize", CimType.UInt64, units: "kilobytes").S("Version").Build();

    /// <summary>CIM_ComputerSystem.</summary>
    public static CimClass CimComputerSystem { get; } = new ClassBuilder("CIM_ComputerSystem", CimSchema.System).Abstract().Key("Name").Build();

    /// <summary>CIM_UnitaryComputerSystem.</summary>
    public static CimClass CimUnitaryComputerSystem { get; } = new ClassBuilder("CIM_UnitaryComputerSystem", CimComputerSystem).Abstract()
        .P("InitialLoadInfo", CimType.String, array: true).S("LastLoadInfo").P("PowerManagementCapabilities", CimType.UInt16, array: true)
        .Bool("PowerManagementSupported").U16("PowerState").U16("ResetCapability").Build();

    /// <summary>CIM_SoftwareElement.</summary>
    public static CimClass CimSoftwareElement { get; } = new ClassBuilder("CIM_SoftwareElement", CimSchema.LogicalElement).Abstract()
        .S("BuildNumber", "CodeSet", "IdentificationCode", "LanguageEdition", "Manufacturer").Key("Name").S("OtherTargetOS", "SerialNumber")
        .Key("SoftwareElementID").Key("SoftwareElementState", CimType.UInt16).Key("TargetOperatingSystem", CimType.UInt16).Key("Version").Build();

    /// <summary>CIM_BIOSElement.</summary>
    public static CimClass CimBiosElement { get; } = new ClassBuilder("CIM_BIOSElement", CimSoftwareElement).Abstract()
        .Bool("PrimaryBIOS").DateTime("ReleaseDate").Build();

    /// <summary>CIM_Processor.</summary>
    public static CimClass CimProcessor { get; } = new ClassBuilder("CIM_Processor", CimSchema.LogicalDevice).Abstract()
        .P("AddressWidth", CimType.UInt16, units: "bits").P("CurrentClockSpeed", CimType.UInt32, units: "megahertz")
        .P("DataWidth", CimType.UInt16, units: "bits").U16("Family").P("LoadPercentage", CimType.UInt16, units: "percent")
        .P("MaxClockSpeed", CimType.UInt32, units: "megahertz").S("OtherFamilyDescription", "Role", "Stepping", "UniqueId").U16("UpgradeMethod").Build();

    /// <summary>Win32_OperatingSystem.</summary>
    public static CimClass OperatingSystem { get; } = new ClassBuilder("Win32_OperatingSystem", CimOperatingSystem)
        .S("BootDevice", "BuildNumber", "BuildType", "CodeSet", "CountryCode", "CSDVersion").Bool("DataExecutionPrevention_32BitApplications",
            "DataExecutionPrevention_Available", "DataExecutionPrevention_Drivers").P("DataExecutionPrevention_SupportPolicy", CimType.UInt8)
        .Bool("Debug").U32("EncryptionLevel").P("ForegroundApplicationBoost", CimType.UInt8).U32("LargeSystemCache").S("Locale", "Manufacturer")
        .P("MUILanguages", CimType.String, array: true).U32("OperatingSystemSKU").S("Organization", "OSArchitecture").U32("OSLanguage", "OSProductSuite")
        .Bool("PAEEnabled").S("PlusProductID", "PlusVersionNumber").Bool("PortableOperatingSystem", "Primary").U32("ProductType").S("RegisteredUser", "SerialNumber")
        .U16("ServicePackMajorVersion", "ServicePackMinorVersion").U32("SuiteMask").S("SystemDevice", "SystemDirectory", "SystemDrive", "WindowsDirectory").Build();

    /// <summary>Win32_ComputerSystem.</summary>
    public static CimClass ComputerSystem { get; } = new ClassBuilder("Win32_ComputerSystem", CimUnitaryComputerSystem)
        .U16("AdminPasswordStatus").Bool("AutomaticManagedPagefile", "AutomaticResetBootOption", "AutomaticResetCapability")
        .U16("BootOptionOnLimit", "BootOptionOnWatchDog").Bool("BootROMSupported").S("BootupState").U16("ChassisBootupState").S("ChassisSKUNumber")
        .P("CurrentTimeZone", CimType.SInt16).Bool("DaylightInEffect").S("DNSHostName", "Domain").U16("DomainRole").Bool("EnableDaylightSavingsTime")
        .U16("FrontPanelResetStatus").Bool("HypervisorPresent", "InfraredSupported").U16("KeyboardPasswordStatus").S("Manufacturer", "Model")
        .Bool("NetworkServerModeEnabled").U32("NumberOfLogicalProcessors", "NumberOfProcessors").P("OEMStringArray", CimType.String, array: true)
        .Bool("PartOfDomain").P("PauseAfterReset", CimType.SInt64).U16("PCSystemType", "PowerOnPasswordStatus", "PowerSupplyState")
        .P("ResetCount", CimType.SInt16).P("ResetLimit", CimType.SInt16).S("SKUNumber", "SystemFamily").S("SystemType").U16("ThermalState")
        .P("TotalPhysicalMemory", CimType.UInt64, units: "bytes").S("UserName").U16("WakeUpType").S("Workgroup").Build();

    /// <summary>Win32_BIOS.</summary>
    public static CimClass Bios { get; } = new ClassBuilder("Win32_BIOS", CimBiosElement)
        .P("BiosCharacteristics", CimType.UInt16, array: true).P("BIOSVersion", CimType.String, array: true).S("CurrentLanguage")
        .P("EmbeddedControllerMajorVersion", CimType.UInt8).P("EmbeddedControllerMinorVersion", CimType.UInt8).U16("InstallableLanguages")
        .P("ListOfLanguages", CimType.String, array: true).S("SMBIOSBIOSVersion").U16("SMBIOSMajorVersion", "SMBIOSMinorVersion").Bool("SMBIOSPresent")
        .P("SystemBiosMajorVersion", CimType.UInt8).P("SystemBiosMinorVersion", CimType.UInt8).Build();

    /// <summary>Win32_Processor.</summary>
    public static CimClass Processor { get; } = new ClassBuilder("Win32_Processor", CimProcessor)
        .U16("Architecture").S("AssetTag").U32("Characteristics").U16("CpuStatus").P("CurrentVoltage", CimType.UInt16)
        .P("ExtClock", CimType.UInt32, units: "megahertz").P("L2CacheSize", CimType.UInt32, units: "kilobytes").P("L2CacheSpeed", CimType.UInt32, units: "megahertz")
        .P("L3CacheSize", CimType.UInt32, units: "kilobytes").P("L3CacheSpeed", CimType.UInt32, units: "megahertz").U16("Level").S("Manufacturer")
        .U32("NumberOfCores", "NumberOfEnabledCore", "NumberOfLogicalProcessors").S("PartNumber", "ProcessorId").U16("ProcessorType", "Revision")
        .Bool("SecondLevelAddressTranslationExtensions").S("SerialNumber", "SocketDesignation").U32("ThreadCount").S("Version")
        .Bool("VirtualizationFirmwareEnabled", "VMMonitorModeExtensions").U32("VoltageCaps").Build();

    /// <summary>The abstract parents, in install order.</summary>
    public static IReadOnlyList<CimClass> Parents { get; } =
        [CimOperatingSystem, CimComputerSystem, CimUnitaryComputerSystem, CimSoftwareElement, CimBiosElement, CimProcessor];
}

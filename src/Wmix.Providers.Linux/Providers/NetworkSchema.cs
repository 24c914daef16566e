using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// The network classes — Win32_NetworkAdapter, Win32_NetworkAdapterConfiguration and their association
/// Win32_NetworkAdapterSetting — with the abstract CIM parents they derive from in WMI's schema (installed by
/// <see cref="NetworkProvider"/>).
/// </summary>
public static class NetworkSchema
{
    /// <summary>CIM_NetworkAdapter.</summary>
    public static CimClass CimNetworkAdapter { get; } = new ClassBuilder("CIM_NetworkAdapter", CimSchema.LogicalDevice).Abstract()
        .Bool("AutoSense").P("MaxSpeed", CimType.UInt64, units: "bits per second").P("NetworkAddresses", CimType.String, array: true)
        .S("PermanentAddress").P("Speed", CimType.UInt64, units: "bits per second").Build();

    /// <summary>CIM_ElementSetting (association).</summary>
    public static CimClass CimElementSetting { get; } = new ClassBuilder("CIM_ElementSetting").Abstract().Association()
        .Ref("Element", "CIM_ManagedSystemElement").Ref("Setting", "CIM_Setting").Build();

    /// <summary>Win32_DeviceSettings (association).</summary>
    public static CimClass DeviceSettings { get; } = new ClassBuilder("Win32_DeviceSettings", CimElementSetting).Abstract().Association()
        .Ref("Element", "CIM_LogicalDevice").Ref("Setting", "CIM_Setting").Build();

    /// <summary>Win32_NetworkAdapter.</summary>
    public static CimClass NetworkAdapter { get; } = new ClassBuilder("Win32_NetworkAdapter", CimNetworkAdapter)
        .S("AdapterType").U16("AdapterTypeID").S("GUID").U32("Index").Bool("Installed").U32("InterfaceIndex").S("MACAddress", "Manufacturer")
        .U32("MaxNumberControlled").S("NetConnectionID").U16("NetConnectionStatus").Bool("NetEnabled", "PhysicalAdapter")
        .S("ProductName", "ServiceName").DateTime("TimeOfLastReset").Build();

    /// <summary>Win32_NetworkAdapterConfiguration.</summary>
    public static CimClass NetworkAdapterConfiguration { get; } = new ClassBuilder("Win32_NetworkAdapterConfiguration", CimSchema.Setting)
        .Bool("ArpAlwaysSourceRoute", "ArpUseEtherSNAP").S("DatabasePath").Bool("DeadGWDetectEnabled")
        .P("DefaultIPGateway", CimType.String, array: true).P("DefaultTOS", CimType.UInt8).P("DefaultTTL", CimType.UInt8).Bool("DHCPEnabled")
        .DateTime("DHCPLeaseExpires", "DHCPLeaseObtained").S("DHCPServer", "DNSDomain").P("DNSDomainSuffixSearchOrder", CimType.String, array: true)
        .Bool("DNSEnabledForWINSResolution").S("DNSHostName").P("DNSServerSearchOrder", CimType.String, array: true)
        .Bool("DomainDNSRegistrationEnabled").U32("ForwardBufferMemory").Bool("FullDNSRegistrationEnabled")
        .P("GatewayCostMetric", CimType.UInt16, array: true).P("IGMPLevel", CimType.UInt8).Key("Index", CimType.UInt32).U32("InterfaceIndex")
        .P("IPAddress", CimType.String, array: true).U32("IPConnectionMetric").Bool("IPEnabled", "IPFilterSecurityEnabled", "IPPortSecurityEnabled")
        .P("IPSecPermitIPProtocols", CimType.String, array: true).P("IPSecPermitTCPPorts", CimType.String, array: true)
        .P("IPSecPermitUDPPorts", CimType.String, array: true).P("IPSubnet", CimType.String, array: true).Bool("IPUseZeroBroadcast")
        .S("IPXAddress").Bool("IPXEnabled").P("IPXFrameType", CimType.UInt32, array: true).U32("IPXMediaType")
        .P("IPXNetworkNumber", CimType.String, array: true).S("IPXVirtualNetNumber").U32("KeepAliveInterval", "KeepAliveTime").S("MACAddress")
        .U32("MTU", "NumForwardPackets").Bool("PMTUBHDetectEnabled", "PMTUDiscoveryEnabled").S("ServiceName")
        .U32("TcpipNetbiosOptions", "TcpMaxConnectRetransmissions", "TcpMaxDataRetransmissions", "TcpNumConnections")
        .Bool("TcpUseRFC1122UrgentPointer").U16("TcpWindowSize").Bool("WINSEnableLMHostsLookup")
        .S("WINSHostLookupFile", "WINSPrimaryServer", "WINSScopeID", "WINSSecondaryServer").Build();

    /// <summary>Win32_NetworkAdapterSetting (association of an adapter with its configuration).</summary>
    public static CimClass NetworkAdapterSetting { get; } = new ClassBuilder("Win32_NetworkAdapterSetting", DeviceSettings).Association()
        .Ref("Element", "Win32_NetworkAdapter").Ref("Setting", "Win32_NetworkAdapterConfiguration").Build();

    /// <summary>The abstract parents, in install order.</summary>
    public static IReadOnlyList<CimClass> Parents { get; } = [CimNetworkAdapter, CimElementSetting, DeviceSettings];
}

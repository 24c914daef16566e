using System.Globalization;
using System.Net.Sockets;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// <c>Win32_NetworkAdapter</c>, <c>Win32_NetworkAdapterConfiguration</c> and <c>Win32_NetworkAdapterSetting</c>: one
/// adapter and one configuration per kernel network interface (<c>/sys/class/net</c>, loopback included), linked by
/// the kernel's interface index.
/// </summary>
/// <remarks>
/// <para><b>Keys</b>: <c>Win32_NetworkAdapter.DeviceID</c> is the interface index as text, <c>Index</c>,
/// <c>InterfaceIndex</c> and <c>Win32_NetworkAdapterConfiguration.Index</c> the same number (WMI's registry index has
/// no Linux counterpart; the ifindex is stable while the interface exists and is what routing tables name, as WMI's
/// <c>InterfaceIndex</c> is).</para>
/// <para><b>Win32_NetworkAdapter</b>: <c>Name</c>/<c>NetConnectionID</c> = the interface name; <c>Description</c> =
/// <c>ifalias</c> when set, else the name; <c>Caption</c> = "[%08u] name" as WMI composes it; <c>MACAddress</c> = the
/// 6-byte link-layer address upper-case ("02:FC:00:00:00:01"), NULL for other lengths and the all-zero address of
/// loopback; <c>AdapterType</c>/<c>AdapterTypeID</c> from the ARPHRD type (Ethernet → "Ethernet 802.3"/0, unless
/// wireless → "Wireless"/9; token ring 1, FDDI 2, PPP/WAN 3, ARCNET 6, ATM 8, IrDA 10, IEEE 1394 13; loopback, tunnels
/// and others NULL: WMI has no code for them); <c>Speed</c> = sysfs <c>speed</c> × 10⁶ bit/s when the driver reports
/// one; <c>NetEnabled</c> = IFF_UP; <c>NetConnectionStatus</c> = 2 (connected) when <c>operstate</c> is up (or
/// unknown with carrier, as for loopback and dummy devices), 0 (disconnected) when administratively down, 7 (media
/// disconnected) when up without carrier or with the lower layer down, 8 (authenticating) when dormant, 4 (hardware
/// not present) for notpresent; <c>Availability</c> = 3 (running) when enabled, 8 (off line) otherwise;
/// <c>PhysicalAdapter</c> = a <c>device</c> link exists; <c>ServiceName</c> = the bound driver (NULL for virtual
/// interfaces); <c>Installed</c> = true. <c>GUID</c>, <c>Manufacturer</c>, <c>ProductName</c>, <c>PNPDeviceID</c>,
/// <c>PermanentAddress</c>, <c>MaxSpeed</c>, <c>AutoSense</c>, <c>MaxNumberControlled</c>, <c>TimeOfLastReset</c> and
/// the Plug-and-Play error fields are NULL: Linux keeps no such records for an interface.</para>
/// <para><b>Win32_NetworkAdapterConfiguration</b>: <c>IPAddress</c>/<c>IPSubnet</c> from <c>getifaddrs</c>, IPv4 then
/// IPv6, subnets as a dotted mask (IPv4) or prefix length (IPv6) like WMI; <c>IPEnabled</c> = the interface is up and
/// has an address; <c>DefaultIPGateway</c>/<c>GatewayCostMetric</c> = the default routes through a gateway leaving by
/// the interface (<c>/proc/net/route</c>, <c>/proc/net/ipv6_route</c>) and their metrics; <c>MTU</c>;
/// <c>MACAddress</c>, <c>ServiceName</c>, <c>SettingID</c> (= the interface name), <c>Caption</c>/<c>Description</c> as
/// on the adapter. For IP-enabled interfaces other than loopback, the resolver settings, which are system-wide on
/// Linux: <c>DNSServerSearchOrder</c> (resolv.conf <c>nameserver</c>s), <c>DNSDomain</c> (its <c>domain</c>, else the
/// machine's DNS domain), <c>DNSDomainSuffixSearchOrder</c> (its <c>search</c> list), <c>DNSHostName</c> (the short host
/// name); and the kernel's TCP/IP settings <c>DefaultTTL</c> (<c>ip_default_ttl</c>), <c>KeepAliveTime</c>/<c>KeepAliveInterval</c>
/// (<c>tcp_keepalive_time</c>/<c>_intvl</c>, in ms as WMI), <c>PMTUDiscoveryEnabled</c> (<c>ip_no_pmtu_disc</c> = 0),
/// <c>TcpMaxConnectRetransmissions</c> (<c>tcp_syn_retries</c>), <c>TcpMaxDataRetransmissions</c> (<c>tcp_retries2</c>).
/// <c>DHCPEnabled</c> = true with <c>DHCPLeaseExpires</c> (now + the remaining valid lifetime) when the interface has
/// an IPv4 address with a finite lifetime — the kernel's record of a lease, which DHCP clients (dhclient-script,
/// networkd, NetworkManager) program; otherwise NULL, never false: a client may also install its lease as a permanent
/// address (busybox udhcpc does), so a permanent address does not prove DHCP is off. <c>DHCPServer</c> and
/// <c>DHCPLeaseObtained</c> are known only to the client and stay NULL. WINS, IPX, IPsec and the Windows-only tuning
/// fields are NULL.</para>
/// <para><b>Push-down</b>: <c>DeviceID</c>, <c>Index</c>, <c>InterfaceIndex</c> and <c>NetConnectionID</c>/<c>SettingID</c>
/// equalities read only the named interfaces; <c>IPEnabled = TRUE/FALSE</c> skips the others before building
/// instances.</para>
/// </remarks>
public sealed class NetworkProvider : CimProvider
{
    private readonly string _resolvConf;

    /// <summary>Creates the provider (reading <c>/etc/resolv.conf</c>, or <paramref name="resolvConf"/> in tests).</summary>
    public NetworkProvider(string resolvConf = "/etc/resolv.conf") => _resolvConf = resolvConf;

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Network";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        // The abstract association parents are enumerable (with no instances of their own), as CimSchemaProvider's
        // are: ASSOCIATORS OF walks every association class, abstract ones included.
        new(CimSchema.Namespace, NetworkSchema.CimNetworkAdapter, ProviderCapabilities.None),
        new(CimSchema.Namespace, NetworkSchema.CimElementSetting, ProviderCapabilities.Enumerate),
        new(CimSchema.Namespace, NetworkSchema.DeviceSettings, ProviderCapabilities.Enumerate),
        new(CimSchema.Namespace, NetworkSchema.NetworkAdapter),
        new(CimSchema.Namespace, NetworkSchema.NetworkAdapterConfiguration),
        new(CimSchema.Namespace, NetworkSchema.NetworkAdapterSetting),
    ];

    /// <summary>The relative path of the Win32_NetworkAdapter of interface <paramref name="index"/>.</summary>
    public static string AdapterPath(int index) =>
        new CimObjectPath(null, null, "Win32_NetworkAdapter", [new CimKeyBinding("DeviceID", index.ToString(CultureInfo.InvariantCulture))]).RelativePath;

    /// <summary>The relative path of the Win32_NetworkAdapterConfiguration of interface <paramref name="index"/>.</summary>
    public static string ConfigurationPath(int index) =>
        new CimObjectPath(null, null, "Win32_NetworkAdapterConfiguration", [new CimKeyBinding("Index", (uint)index)]).RelativePath;

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cls);
        return FromEnumerableAsync(Enumerate(cls, context.Query?.Where, null), cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(path);
        if (CimNames.AreEqual(cls.Name, "Win32_NetworkAdapterSetting"))
        {
            // Two references as keys: the default (enumerate and compare keys) handles path normalisation.
            return base.GetInstanceAsync(context, cls, path, cancellationToken);
        }
        var keyName = CimNames.AreEqual(cls.Name, "Win32_NetworkAdapter") ? "DeviceID" : "Index";
        var key = path.Keys.FirstOrDefault(k => CimNames.AreEqual(k.Name, keyName)).Value;
        if (!long.TryParse(Convert.ToString(key, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return ValueTask.FromResult<CimInstance?>(null);
        }
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Enumerate(cls, null, [index]).FirstOrDefault());
    }

    private IEnumerable<CimInstance> Enumerate(CimClass cls, WqlExpression? where, IReadOnlyList<long>? onlyIndexes)
    {
        var isAdapter = CimNames.AreEqual(cls.Name, "Win32_NetworkAdapter");
        var isConfiguration = CimNames.AreEqual(cls.Name, "Win32_NetworkAdapterConfiguration");
        var isSetting = CimNames.AreEqual(cls.Name, "Win32_NetworkAdapterSetting");
        if (!isAdapter && !isConfiguration && !isSetting)
        {
            yield break;
        }
        var interfaces = Select(isSetting ? null : where, onlyIndexes, isAdapter ? "DeviceID" : "Index", isAdapter ? "NetConnectionID" : "SettingID");
        if (isSetting)
        {
            foreach (var nic in interfaces)
            {
                var link = cls.SpawnInstance();
                link["Element"] = AdapterPath(nic.Index);
                link["Setting"] = ConfigurationPath(nic.Index);
                yield return link;
            }
            yield break;
        }
        var host = HostInfo.HostName;
        if (isAdapter)
        {
            foreach (var nic in interfaces)
            {
                yield return Adapter(cls, nic, host);
            }
            yield break;
        }
        // The addresses (a getifaddrs dump) serve only the configurations.
        var ipEnabled = where is null ? null : PushDown.EqualityValues(where, "IPEnabled");
        var addresses = NetworkSource.Addresses();
        var gateways = NetworkSource.DefaultGateways();
        var leases = ReadLeases();
        var now = DateTimeOffset.Now;
        var resolver = NetworkSource.Resolver(_resolvConf);
        var tcp = TcpSettings.Read();
        foreach (var nic in interfaces)
        {
            var own = addresses.GetValueOrDefault(nic.Name) ?? [];
            var enabled = nic.IsUp && own.Count > 0;
            // Only boolean literals are pushed down; anything else (IPEnabled = 1) is left to the engine's conversion rules.
            if (ipEnabled is not null && ipEnabled.All(v => v is bool) && !ipEnabled.Any(v => (bool)v == enabled))
            {
                continue;
            }
            var configuration = Configuration(cls, nic, own, enabled, gateways, resolver, tcp, host);
            if (leases.TryGetValue(nic.Index, out var remaining))
            {
                configuration["DHCPEnabled"] = true;
                configuration["DHCPLeaseExpires"] = CimDateTime.FromDateTimeOffset(now + remaining).ToString();
            }
            yield return configuration;
        }
    }

    /// <summary>The leased IPv4 lifetimes, or none when netlink is unavailable (a sandbox): DHCPEnabled then stays NULL.</summary>
    private static IReadOnlyDictionary<int, TimeSpan> ReadLeases()
    {
        try
        {
            return NetworkSource.LeasedIPv4Lifetimes();
        }
        catch (IOException e)
        {
            // Lease lifetimes only add DHCPEnabled/DHCPLeaseExpires; without them the rest of the answer is still right.
            System.Diagnostics.Trace.TraceWarning($"Wmix: address lifetimes are unavailable, DHCPEnabled stays NULL: {e.Message}");
            return new Dictionary<int, TimeSpan>();
        }
    }

    /// <summary>The interfaces the condition can match (all when it names none), in index order.</summary>
    private static List<NetworkInterface> Select(WqlExpression? where, IReadOnlyList<long>? onlyIndexes, string keyProperty, string nameProperty)
    {
        var indexes = onlyIndexes ?? Intersect(PushDown.IntegerValues(where, keyProperty), PushDown.IntegerValues(where, "InterfaceIndex"));
        var names = PushDown.StringValues(where, nameProperty);
        IEnumerable<NetworkInterface> candidates;
        if (names is not null)
        {
            // Names are file names under /sys/class/net: read just those (WMI compares strings case-insensitively,
            // Linux names are case-sensitive; an exact read may miss a differently cased name, so fall back to a scan then).
            var direct = names.Select(NetworkSource.Read).OfType<NetworkInterface>().ToList();
            candidates = direct.Count == names.Count ? direct
                : NetworkSource.Interfaces().Where(n => names.Any(x => string.Equals(x, n.Name, StringComparison.OrdinalIgnoreCase)));
        }
        else
        {
            candidates = NetworkSource.Interfaces(indexes);
        }
        if (indexes is not null)
        {
            candidates = candidates.Where(n => indexes.Contains(n.Index));
        }
        return [.. candidates.DistinctBy(n => n.Index).OrderBy(n => n.Index)];
    }

    private static IReadOnlyList<long>? Intersect(IReadOnlyList<long>? a, IReadOnlyList<long>? b) =>
        a is null ? b : b is null ? a : [.. a.Intersect(b)];

    private static string Caption(NetworkInterface nic) =>
        "[" + nic.Index.ToString("D8", CultureInfo.InvariantCulture) + "] " + (nic.Alias ?? nic.Name);

    /// <summary>WMI's MAC form ("00:1A:2B:3C:4D:5E") of a 6-byte link-layer address; null for other or all-zero addresses.</summary>
    internal static string? MacAddress(NetworkInterface nic) =>
        nic.AddressLength == 6 && nic.Address is { Length: 17 } a && a != "00:00:00:00:00:00" ? a.ToUpperInvariant() : null;

    /// <summary>WMI's AdapterType text and AdapterTypeID for an ARPHRD type; (null, null) when WMI has no code for it.</summary>
    internal static (string? Text, ushort? Id) AdapterType(int? arphrd, bool wireless) => arphrd switch
    {
        1 when wireless => ("Wireless", 9),
        1 => ("Ethernet 802.3", 0),
        801 or 802 or 803 => ("Wireless", 9),
        800 or 6 => ("Token Ring 802.5", 1),
        774 => ("Fiber Distributed Data Interface (FDDI)", 2),
        512 or 513 or 516 or 517 => ("Wide Area Network (WAN)", 3),
        7 => ("ARCNET", 6),
        19 => ("ATM", 8),
        783 => ("Infrared Wireless", 10),
        24 => ("1394", 13),
        _ => (null, null),
    };

    /// <summary>WMI's NetConnectionStatus for an interface's state.</summary>
    internal static ushort? ConnectionStatus(NetworkInterface nic)
    {
        if (!nic.IsUp)
        {
            return 0;
        }
        return nic.OperState switch
        {
            "up" => 2,
            "dormant" => 8,
            "notpresent" => 4,
            "lowerlayerdown" or "down" => 7,
            "testing" => null,
            // "unknown" (loopback, dummy, tun and drivers without operstate): carrier is what says the link works.
            _ => nic.Carrier switch { true => 2, false => 7, null => null },
        };
    }

    internal static CimInstance Adapter(CimClass cls, NetworkInterface nic, string host)
    {
        var i = cls.SpawnInstance();
        var (typeText, typeId) = AdapterType(nic.HardwareType, nic.IsWireless);
        i["DeviceID"] = nic.Index.ToString(CultureInfo.InvariantCulture);
        i["Index"] = (uint)nic.Index;
        i["InterfaceIndex"] = (uint)nic.Index;
        i["Name"] = nic.Name;
        i["NetConnectionID"] = nic.Name;
        i["Description"] = nic.Alias ?? nic.Name;
        i["Caption"] = Caption(nic);
        i["CreationClassName"] = "Win32_NetworkAdapter";
        i["SystemCreationClassName"] = "Win32_ComputerSystem";
        i["SystemName"] = host;
        i["AdapterType"] = typeText;
        i["AdapterTypeID"] = typeId;
        i["MACAddress"] = MacAddress(nic);
        i["Speed"] = nic.SpeedMbps is { } mbps ? (ulong)mbps * 1_000_000UL : null;
        i["NetEnabled"] = nic.IsUp;
        i["NetConnectionStatus"] = ConnectionStatus(nic);
        i["Availability"] = nic.IsUp ? (ushort)3 : (ushort)8;
        i["PhysicalAdapter"] = nic.HasDevice;
        i["ServiceName"] = nic.Driver;
        i["Installed"] = true;
        return i;
    }

    internal static CimInstance Configuration(CimClass cls, NetworkInterface nic, IReadOnlyList<InterfaceAddress> addresses, bool ipEnabled,
        IReadOnlyList<DefaultGateway> gateways, ResolverConfig resolver, TcpSettings tcp, string host)
    {
        var i = cls.SpawnInstance();
        i["Index"] = (uint)nic.Index;
        i["InterfaceIndex"] = (uint)nic.Index;
        i["SettingID"] = nic.Name;
        i["Caption"] = Caption(nic);
        i["Description"] = nic.Alias ?? nic.Name;
        i["MACAddress"] = MacAddress(nic);
        i["ServiceName"] = nic.Driver;
        i["MTU"] = nic.Mtu;
        i["IPEnabled"] = ipEnabled;
        if (addresses.Count > 0)
        {
            i["IPAddress"] = addresses.Select(a => a.Address.ToString()).ToArray();
            i["IPSubnet"] = addresses.Select(a => a.Subnet).ToArray();
        }
        // Both families, IPv4 first (the order DefaultGateways gives).
        var own = gateways.Where(g => string.Equals(g.InterfaceName, nic.Name, StringComparison.Ordinal)).ToList();
        if (own.Count > 0)
        {
            i["DefaultIPGateway"] = own.Select(g => g.Gateway.ToString()).ToArray();
            i["GatewayCostMetric"] = own.Select(g => (ushort)Math.Min(g.Metric, ushort.MaxValue)).ToArray();
        }
        if (ipEnabled && !nic.IsLoopback)
        {
            if (resolver.Servers.Count > 0)
            {
                i["DNSServerSearchOrder"] = resolver.Servers.ToArray();
            }
            i["DNSDomain"] = resolver.Domain ?? SystemSource.DnsDomain();
            if (resolver.Search.Count > 0)
            {
                i["DNSDomainSuffixSearchOrder"] = resolver.Search.ToArray();
            }
            i["DNSHostName"] = host.Split('.')[0];
            i["DefaultTTL"] = tcp.DefaultTtl;
            i["KeepAliveTime"] = tcp.KeepAliveTimeMs;
            i["KeepAliveInterval"] = tcp.KeepAliveIntervalMs;
            i["PMTUDiscoveryEnabled"] = tcp.PmtuDiscovery;
            i["TcpMaxConnectRetransmissions"] = tcp.SynRetries;
            i["TcpMaxDataRetransmissions"] = tcp.DataRetries;
        }
        return i;
    }

    /// <summary>The kernel's system-wide TCP/IP settings that WMI shows per adapter.</summary>
    internal sealed record TcpSettings(byte? DefaultTtl, uint? KeepAliveTimeMs, uint? KeepAliveIntervalMs, bool? PmtuDiscovery, uint? SynRetries, uint? DataRetries)
    {
        public static TcpSettings Read()
        {
            static uint? U(string name) =>
                uint.TryParse(SystemSource.ReadTrimmed("/proc/sys/net/ipv4/" + name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
            var ttl = U("ip_default_ttl");
            var noPmtu = U("ip_no_pmtu_disc");
            return new TcpSettings(ttl is { } t && t <= byte.MaxValue ? (byte)t : null, U("tcp_keepalive_time") * 1000u, U("tcp_keepalive_intvl") * 1000u,
                noPmtu is { } n ? n == 0 : null, U("tcp_syn_retries"), U("tcp_retries2"));
        }
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Wmix.Providers.Linux.Interop;

namespace Wmix.Providers.Linux.Sources;

/// <summary>One IP address of an interface with its prefix length.</summary>
/// <param name="Address">The address (IPv6 without a scope id, as WMI writes it).</param>
/// <param name="PrefixLength">The network prefix length in bits.</param>
public sealed record InterfaceAddress(IPAddress Address, int PrefixLength)
{
    /// <summary>WMI's <c>IPSubnet</c> form: a dotted mask for IPv4 ("255.255.255.0"), the prefix length for IPv6 ("64").</summary>
    public string Subnet
    {
        get
        {
            if (Address.AddressFamily != AddressFamily.InterNetwork)
            {
                return PrefixLength.ToString(CultureInfo.InvariantCulture);
            }
            Span<byte> mask = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(mask, PrefixLength <= 0 ? 0u : uint.MaxValue << (32 - Math.Min(32, PrefixLength)));
            return new IPAddress(mask).ToString();
        }
    }
}

/// <summary>A default route through a gateway.</summary>
/// <param name="InterfaceName">The interface the route leaves by.</param>
/// <param name="Gateway">The next hop.</param>
/// <param name="Metric">The route's metric.</param>
public sealed record DefaultGateway(string InterfaceName, IPAddress Gateway, uint Metric);

/// <summary>The resolver configuration of <c>/etc/resolv.conf</c> (system-wide on Linux).</summary>
/// <param name="Servers">The <c>nameserver</c> addresses in order.</param>
/// <param name="Domain">The <c>domain</c> line, or null.</param>
/// <param name="Search">The <c>search</c> list (the last <c>search</c>/<c>domain</c> line wins, as in the resolver).</param>
public sealed record ResolverConfig(IReadOnlyList<string> Servers, string? Domain, IReadOnlyList<string> Search);

/// <summary>A network interface as <c>/sys/class/net/&lt;name&gt;</c> describes it.</summary>
public sealed record NetworkInterface
{
    /// <summary>The kernel's name (eth0, lo, …).</summary>
    public required string Name { get; init; }

    /// <summary>The kernel interface index (<c>ifindex</c>).</summary>
    public required int Index { get; init; }

    /// <summary>The ARPHRD hardware type (<c>type</c>): 1 Ethernet, 772 loopback, …</summary>
    public int? HardwareType { get; init; }

    /// <summary>The link-layer address as the kernel prints it (lower-case, colon-separated), or null.</summary>
    public string? Address { get; init; }

    /// <summary>The length of the link-layer address in bytes.</summary>
    public int? AddressLength { get; init; }

    /// <summary>The <c>IFF_*</c> flags.</summary>
    public uint Flags { get; init; }

    /// <summary><c>operstate</c> (up, down, unknown, dormant, lowerlayerdown, notpresent, testing).</summary>
    public string? OperState { get; init; }

    /// <summary><c>carrier</c>: true/false, or null when it cannot be read (administratively down).</summary>
    public bool? Carrier { get; init; }

    /// <summary>The link speed in Mb/s when the driver reports one (not for virtual devices or links without carrier).</summary>
    public long? SpeedMbps { get; init; }

    /// <summary>The MTU in bytes.</summary>
    public uint? Mtu { get; init; }

    /// <summary>True when backed by a device (<c>/sys/class/net/&lt;name&gt;/device</c> exists): a physical adapter.</summary>
    public bool HasDevice { get; init; }

    /// <summary>The bound driver's name (from <c>device/driver</c>), or null for virtual interfaces.</summary>
    public string? Driver { get; init; }

    /// <summary>True when the interface is a wireless one (<c>wireless</c> or <c>phy80211</c> present).</summary>
    public bool IsWireless { get; init; }

    /// <summary><c>ifalias</c> when set.</summary>
    public string? Alias { get; init; }

    /// <summary>IFF_UP: administratively enabled.</summary>
    public bool IsUp => (Flags & 0x1) != 0;

    /// <summary>IFF_LOOPBACK.</summary>
    public bool IsLoopback => (Flags & 0x8) != 0 || HardwareType == 772;
}

/// <summary>
/// Reads network interfaces from <c>/sys/class/net</c>, their addresses through <c>getifaddrs(3)</c>, default gateways
/// from <c>/proc/net/route</c> and <c>/proc/net/ipv6_route</c>, and the resolver from <c>/etc/resolv.conf</c>.
/// </summary>
public static class NetworkSource
{
    /// <summary>Where interfaces are listed.</summary>
    public const string ClassNetDirectory = "/sys/class/net";

    private const uint RTF_UP = 0x1;
    private const uint RTF_GATEWAY = 0x2;

    /// <summary>Every interface, in index order.</summary>
    public static IReadOnlyList<NetworkInterface> Interfaces() => Interfaces(null);

    /// <summary>
    /// The interfaces whose index is in <paramref name="indexes"/> (all when null), in index order; only their
    /// <c>ifindex</c> file is read for the others.
    /// </summary>
    public static IReadOnlyList<NetworkInterface> Interfaces(IReadOnlyCollection<long>? indexes)
    {
        var list = new List<NetworkInterface>();
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(ClassNetDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No sysfs (an unusual container): no interfaces can be described.
            return list;
        }
        foreach (var path in names)
        {
            if (indexes is not null && (SystemSource.ParseInt(SystemSource.ReadTrimmed(Path.Combine(path, "ifindex"))) is not { } index || !indexes.Contains(index)))
            {
                continue;
            }
            if (Read(Path.GetFileName(path)) is { } nic)
            {
                list.Add(nic);
            }
        }
        list.Sort((a, b) => a.Index.CompareTo(b.Index));
        return list;
    }

    /// <summary>The interface called <paramref name="name"/>, or null when there is none (or it vanished meanwhile).</summary>
    public static NetworkInterface? Read(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            return null;
        }
        var dir = Path.Combine(ClassNetDirectory, name);
        if (SystemSource.ParseInt(SystemSource.ReadTrimmed(Path.Combine(dir, "ifindex"))) is not { } index)
        {
            return null;
        }
        string? driver = null;
        var device = Path.Combine(dir, "device");
        var hasDevice = Directory.Exists(device);
        if (hasDevice)
        {
            try
            {
                driver = Directory.ResolveLinkTarget(Path.Combine(device, "driver"), false) is { } target ? Path.GetFileName(target.FullName) : null;
            }
            catch (IOException)
            {
                // An unbound device has no driver link.
            }
        }
        var speed = long.TryParse(SystemSource.ReadTrimmed(Path.Combine(dir, "speed")), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : (long?)null;
        return new NetworkInterface
        {
            Name = name,
            Index = index,
            HardwareType = SystemSource.ParseInt(SystemSource.ReadTrimmed(Path.Combine(dir, "type"))),
            Address = SystemSource.ReadTrimmed(Path.Combine(dir, "address")),
            AddressLength = SystemSource.ParseInt(SystemSource.ReadTrimmed(Path.Combine(dir, "addr_len"))),
            Flags = uint.TryParse(SystemSource.ReadTrimmed(Path.Combine(dir, "flags"))?.Replace("0x", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var f) ? f : 0,
            OperState = SystemSource.ReadTrimmed(Path.Combine(dir, "operstate")),
            Carrier = SystemSource.ReadTrimmed(Path.Combine(dir, "carrier")) switch { "1" => true, "0" => false, _ => null },
            SpeedMbps = speed,
            Mtu = uint.TryParse(SystemSource.ReadTrimmed(Path.Combine(dir, "mtu")), NumberStyles.None, CultureInfo.InvariantCulture, out var mtu) ? mtu : null,
            HasDevice = hasDevice,
            Driver = driver,
            IsWireless = Directory.Exists(Path.Combine(dir, "wireless")) || Directory.Exists(Path.Combine(dir, "phy80211")),
            Alias = SystemSource.ReadTrimmed(Path.Combine(dir, "ifalias")) is { Length: > 0 } alias ? alias : null,
        };
    }

    /// <summary>
    /// The IP addresses of every interface by name, IPv4 before IPv6 and otherwise in the kernel's order (the order
    /// <c>ip addr</c> shows), from <c>getifaddrs(3)</c>.
    /// </summary>
    public static unsafe IReadOnlyDictionary<string, IReadOnlyList<InterfaceAddress>> Addresses()
    {
        var v4 = new Dictionary<string, List<InterfaceAddress>>(StringComparer.Ordinal);
        var v6 = new Dictionary<string, List<InterfaceAddress>>(StringComparer.Ordinal);
        if (Libc.getifaddrs(out var head) != 0)
        {
            throw new IOException($"getifaddrs failed with errno {Libc.Errno}.");
        }
        try
        {
            for (var p = head; p is not null; p = p->Next)
            {
                if (p->Address is null || Libc.Utf8(p->Name) is not { } name)
                {
                    continue;
                }
                var family = *(ushort*)p->Address;
                if (family == 2)
                {
                    var address = new IPAddress(new ReadOnlySpan<byte>((byte*)p->Address + 4, 4));
                    var prefix = p->Netmask is null ? 32 : PrefixOf(new ReadOnlySpan<byte>((byte*)p->Netmask + 4, 4));
                    Add(v4, name, new InterfaceAddress(address, prefix));
                }
                else if (family == 10)
                {
                    var address = new IPAddress(new ReadOnlySpan<byte>((byte*)p->Address + 8, 16));
                    var prefix = p->Netmask is null ? 128 : PrefixOf(new ReadOnlySpan<byte>((byte*)p->Netmask + 8, 16));
                    Add(v6, name, new InterfaceAddress(address, prefix));
                }
            }
        }
        finally
        {
            Libc.freeifaddrs(head);
        }
        var result = new Dictionary<string, IReadOnlyList<InterfaceAddress>>(StringComparer.Ordinal);
        foreach (var name in v4.Keys.Concat(v6.Keys).Distinct(StringComparer.Ordinal))
        {
            result[name] = [.. v4.GetValueOrDefault(name) ?? [], .. v6.GetValueOrDefault(name) ?? []];
        }
        return result;

        static void Add(Dictionary<string, List<InterfaceAddress>> map, string name, InterfaceAddress a)
        {
            if (!map.TryGetValue(name, out var list))
            {
                map[name] = list = [];
            }
            list.Add(a);
        }
    }

    /// <summary>
    /// For each interface index with an IPv4 address that has a finite lifetime (not <c>IFA_F_PERMANENT</c>: the kernel's
    /// record of a leased address, which DHCP clients program), the longest remaining valid lifetime. Read with a
    /// netlink <c>RTM_GETADDR</c> dump, since <c>getifaddrs</c> does not give lifetimes.
    /// </summary>
    /// <exception cref="IOException">The netlink socket could not be used.</exception>
    public static unsafe IReadOnlyDictionary<int, TimeSpan> LeasedIPv4Lifetimes()
    {
        const int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0;
        const ushort RTM_GETADDR = 22, NLM_F_REQUEST = 0x1, NLM_F_DUMP = 0x300;
        var fd = Libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
        {
            throw new IOException($"socket(AF_NETLINK, NETLINK_ROUTE) failed with errno {Libc.Errno}.");
        }
        try
        {
            // nlmsghdr (16 bytes) + ifaddrmsg (8 bytes) asking for every IPv4 address.
            Span<byte> request = stackalloc byte[24];
            request.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(request, 24);
            BinaryPrimitives.WriteUInt16LittleEndian(request[4..], RTM_GETADDR);
            BinaryPrimitives.WriteUInt16LittleEndian(request[6..], NLM_F_REQUEST | NLM_F_DUMP);
            BinaryPrimitives.WriteUInt32LittleEndian(request[8..], 1);
            request[16] = 2; // AF_INET
            fixed (byte* p = request)
            {
                if (Libc.send(fd, p, 24, 0) != 24)
                {
                    throw new IOException($"sending RTM_GETADDR failed with errno {Libc.Errno}.");
                }
            }
            var result = new Dictionary<int, TimeSpan>();
            var buffer = new byte[32 * 1024];
            while (true)
            {
                nint n;
                fixed (byte* b = buffer)
                {
                    n = Libc.recv(fd, b, (nuint)buffer.Length, 0);
                }
                if (n < 0)
                {
                    if (Libc.Errno == Libc.EINTR)
                    {
                        continue;
                    }
                    throw new IOException($"receiving the RTM_GETADDR dump failed with errno {Libc.Errno}.");
                }
                if (ParseAddressDump(buffer.AsSpan(0, (int)n), result))
                {
                    return result;
                }
            }
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /// <summary>Adds the leased IPv4 addresses of one datagram of an RTM_GETADDR dump; true at the dump's end.</summary>
    internal static bool ParseAddressDump(ReadOnlySpan<byte> data, Dictionary<int, TimeSpan> leases)
    {
        const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3, RTM_NEWADDR = 20, IFA_CACHEINFO = 6, IFA_FLAGS = 8;
        const uint IFA_F_PERMANENT = 0x80, Forever = uint.MaxValue;
        while (data.Length >= 16)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
            if (length < 16 || length > data.Length)
            {
                return true;
            }
            if (type is NLMSG_DONE or NLMSG_ERROR)
            {
                return true;
            }
            if (type == RTM_NEWADDR && length >= 24 && data[16] == 2)
            {
                uint flags = data[18];
                var index = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[20..]);
                uint? valid = null;
                var attributes = data[24..length];
                while (attributes.Length >= 4)
                {
                    var attributeLength = BinaryPrimitives.ReadUInt16LittleEndian(attributes);
                    var attributeType = BinaryPrimitives.ReadUInt16LittleEndian(attributes[2..]);
                    if (attributeLength < 4 || attributeLength > attributes.Length)
                    {
                        break;
                    }
                    var payload = attributes[4..attributeLength];
                    if (attributeType == IFA_FLAGS && payload.Length >= 4)
                    {
                        // The 32-bit flags supersede the 8-bit field of ifaddrmsg.
                        flags = BinaryPrimitives.ReadUInt32LittleEndian(payload);
                    }
                    else if (attributeType == IFA_CACHEINFO && payload.Length >= 8)
                    {
                        valid = BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]);
                    }
                    attributes = attributes[Math.Min(attributes.Length, (attributeLength + 3) & ~3)..];
                }
                if ((flags & IFA_F_PERMANENT) == 0 && valid is { } v && v != Forever)
                {
                    var remaining = TimeSpan.FromSeconds(v);
                    if (!leases.TryGetValue(index, out var known) || remaining > known)
                    {
                        leases[index] = remaining;
                    }
                }
            }
            data = data[Math.Min(data.Length, (length + 3) & ~3)..];
        }
        return false;
    }

    /// <summary>The number of leading one bits of a netmask.</summary>
    internal static int PrefixOf(ReadOnlySpan<byte> mask)
    {
        var bits = 0;
        foreach (var b in mask)
        {
            if (b == 0xff)
            {
                bits += 8;
                continue;
            }
            bits += System.Numerics.BitOperations.LeadingZeroCount((uint)(byte)~b) - 24;
            break;
        }
        return bits;
    }

    /// <summary>The default routes through a gateway (IPv4 then IPv6), from the kernel's routing tables.</summary>
    public static IReadOnlyList<DefaultGateway> DefaultGateways() =>
        [.. ParseIPv4Routes(SystemSource.ReadLines("/proc/net/route")), .. ParseIPv6Routes(SystemSource.ReadLines("/proc/net/ipv6_route"))];

    /// <summary>The default gateways of <c>/proc/net/route</c> lines (hex fields in host byte order).</summary>
    internal static IEnumerable<DefaultGateway> ParseIPv4Routes(IEnumerable<string> lines)
    {
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || !uint.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway)
                || !uint.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || !uint.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var metric)
                || !uint.TryParse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
            {
                continue;
            }
            if (destination == 0 && mask == 0 && gateway != 0 && (flags & (RTF_UP | RTF_GATEWAY)) == (RTF_UP | RTF_GATEWAY))
            {
                // The kernel prints the address as a host-order integer of network-order bytes: little-endian bytes are the address.
                Span<byte> bytes = stackalloc byte[4];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, gateway);
                yield return new DefaultGateway(f[0], new IPAddress(bytes), metric);
            }
        }
    }

    /// <summary>The default gateways of <c>/proc/net/ipv6_route</c> lines (32-hex-digit addresses in network order).</summary>
    internal static IEnumerable<DefaultGateway> ParseIPv6Routes(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[0].Length != 32 || f[4].Length != 32
                || !uint.TryParse(f[8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || !uint.TryParse(f[5], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var metric))
            {
                continue;
            }
            var destination = Convert.FromHexString(f[0]);
            var nextHop = Convert.FromHexString(f[4]);
            if (f[1] == "00" && destination.All(b => b == 0) && nextHop.Any(b => b != 0)
                && (flags & (RTF_UP | RTF_GATEWAY)) == (RTF_UP | RTF_GATEWAY))
            {
                yield return new DefaultGateway(f[9], new IPAddress(nextHop), metric);
            }
        }
    }

    /// <summary>Reads <paramref name="path"/> (default <c>/etc/resolv.conf</c>) as the resolver does.</summary>
    public static ResolverConfig Resolver(string path = "/etc/resolv.conf") => ParseResolver(SystemSource.ReadLines(path));

    /// <summary>Parses resolv.conf lines: <c>nameserver</c>, <c>domain</c> and <c>search</c> (comments start with # or ;).</summary>
    internal static ResolverConfig ParseResolver(IEnumerable<string> lines)
    {
        var servers = new List<string>();
        string? domain = null;
        IReadOnlyList<string> search = [];
        foreach (var raw in lines)
        {
            var cut = raw.IndexOfAny(['#', ';']);
            var line = cut >= 0 ? raw[..cut] : raw;
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2)
            {
                continue;
            }
            switch (f[0])
            {
                case "nameserver":
                    servers.Add(f[1]);
                    break;
                case "domain":
                    domain = f[1].TrimEnd('.');
                    // resolv(5): domain and search are mutually exclusive; the last one given wins.
                    search = [domain];
                    break;
                case "search":
                    search = [.. f.Skip(1).Select(s => s.TrimEnd('.')).Where(s => s.Length > 0)];
                    break;
            }
        }
        return new ResolverConfig(servers, domain, search);
    }
}

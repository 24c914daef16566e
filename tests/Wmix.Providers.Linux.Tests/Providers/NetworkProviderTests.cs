using System.Diagnostics;
using System.Globalization;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

// The root test adds and removes an interface: the network classes run one at a time.
[Collection(NetworkCollection.Name)]
public sealed class Win32NetworkAdapterContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_NetworkAdapter";
    protected override CimProvider CreateProvider() => new NetworkProvider();
    protected override IEnumerable<string> PushDownProperties => ["DeviceID", "Index", "InterfaceIndex", "NetConnectionID"];
}

// The root test adds and removes an interface: the network classes run one at a time.
[Collection(NetworkCollection.Name)]
public sealed class Win32NetworkAdapterConfigurationContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_NetworkAdapterConfiguration";
    protected override CimProvider CreateProvider() => new NetworkProvider();
    protected override IEnumerable<string> PushDownProperties => ["Index", "InterfaceIndex", "SettingID", "IPEnabled"];
}

// The root test adds and removes an interface: the network classes run one at a time.
[Collection(NetworkCollection.Name)]
public sealed class Win32NetworkAdapterSettingContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_NetworkAdapterSetting";
    protected override CimProvider CreateProvider() => new NetworkProvider();
    protected override IEnumerable<string> PushDownProperties => [];
}

// The root test adds and removes an interface: the network classes run one at a time.
[Collection(NetworkCollection.Name)]
public sealed class NetworkProviderTests : IDisposable
{
    private readonly ObjectManager _manager = TestSupport.NewManager();
    private readonly CimSession _session;

    public NetworkProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private static string? Sys(string name, string file)
    {
        try
        {
            return File.ReadAllText($"/sys/class/net/{name}/{file}").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Runs <c>ip</c> with <paramref name="args"/>; returns its exit code and standard output.</summary>
    private static (int Code, string Output) Ip(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    /// <summary>The addresses of an interface as <c>ip -o addr</c> lists them: (address, prefix), IPv4 first.</summary>
    private static List<(string Address, int Prefix)> IpAddresses(string name)
    {
        var rows = Ip("-o", "addr", "show", "dev", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (Family: f[2], Cidr: f[3])).ToList();
        return [.. rows.Where(r => r.Family == "inet").Concat(rows.Where(r => r.Family == "inet6"))
            .Select(r => (r.Cidr.Split('/')[0], int.Parse(r.Cidr.Split('/')[1], CultureInfo.InvariantCulture)))];
    }

    private async Task<List<CimInstance>> QueryAsync(string wql) =>
        [.. (await _session.QueryAsync(wql, TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>()];

    [Fact]
    public async Task Query_Adapters_MatchSysClassNet()
    {
        var names = Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var rows = await QueryAsync("SELECT * FROM Win32_NetworkAdapter");
        Assert.Equal(names, rows.Select(r => (string)r["NetConnectionID"]!).Order(StringComparer.Ordinal));
        foreach (var r in rows)
        {
            var name = (string)r["Name"]!;
            var index = uint.Parse(Sys(name, "ifindex")!, CultureInfo.InvariantCulture);
            Assert.Equal(index.ToString(CultureInfo.InvariantCulture), r["DeviceID"]);
            Assert.Equal(index, r["Index"]);
            Assert.Equal(index, r["InterfaceIndex"]);
            var label = Sys(name, "ifalias") is { Length: > 0 } alias ? alias : name;
            Assert.Equal($"[{index:D8}] {label}", r["Caption"]);
            Assert.Equal(Directory.Exists($"/sys/class/net/{name}/device"), r["PhysicalAdapter"]);
            var flags = Convert.ToUInt32(Sys(name, "flags"), 16);
            Assert.Equal((flags & 1) != 0, r["NetEnabled"]);
            var mac = Sys(name, "address");
            if (Sys(name, "addr_len") == "6" && mac != "00:00:00:00:00:00")
            {
                Assert.Equal(mac!.ToUpperInvariant(), r["MACAddress"]);
            }
            else
            {
                Assert.Null(r["MACAddress"]);
            }
            if (Sys(name, "type") == "1")
            {
                Assert.Equal("Ethernet 802.3", r["AdapterType"]);
                Assert.Equal((ushort)0, r["AdapterTypeID"]);
            }
            if (long.TryParse(Sys(name, "speed"), out var mbps) && mbps > 0)
            {
                Assert.Equal((ulong)mbps * 1_000_000, r["Speed"]);
            }
            else
            {
                Assert.Null(r["Speed"]);
            }
            if (Sys(name, "operstate") == "up")
            {
                Assert.Equal((ushort)2, r["NetConnectionStatus"]);
            }
            Assert.Null(r["TimeOfLastReset"]);
            Assert.Null(r["GUID"]);
        }
        var lo = rows.Single(r => (string)r["Name"]! == "lo");
        Assert.Equal("1", lo["DeviceID"]);
        Assert.Null(lo["MACAddress"]);
        Assert.Null(lo["AdapterType"]);
        Assert.Equal(false, lo["PhysicalAdapter"]);
    }

    [Fact]
    public async Task Query_Configurations_MatchIpAddrRoutesAndResolvConf()
    {
        var rows = await QueryAsync("SELECT * FROM Win32_NetworkAdapterConfiguration");
        var resolver = NetworkSource.Resolver();
        foreach (var r in rows)
        {
            var name = (string)r["SettingID"]!;
            var expected = IpAddresses(name);
            var addresses = (string[]?)r["IPAddress"] ?? [];
            Assert.Equal(expected.Select(e => e.Address), addresses);
            Assert.Equal(expected.Select(e => e.Address.Contains(':', StringComparison.Ordinal)
                ? e.Prefix.ToString(CultureInfo.InvariantCulture)
                : new System.Net.IPAddress(BitConverter.GetBytes(System.Net.IPAddress.HostToNetworkOrder(e.Prefix == 0 ? 0 : -1 << (32 - e.Prefix)))).ToString()),
                (string[]?)r["IPSubnet"] ?? []);
            Assert.Equal(uint.Parse(Sys(name, "mtu")!, CultureInfo.InvariantCulture), r["MTU"]);
            var up = (Convert.ToUInt32(Sys(name, "flags"), 16) & 1) != 0;
            Assert.Equal(up && expected.Count > 0, r["IPEnabled"]);
            // Default routes through a gateway leaving by this interface, as iproute2 shows them.
            var gateways = new[] { "-4", "-6" }.SelectMany(family => Ip(family, "route", "show", "default", "dev", name).Output
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Contains("via")).Select(f => f[Array.IndexOf(f, "via") + 1])).ToList();
            Assert.Equal(gateways, (string[]?)r["DefaultIPGateway"] ?? []);
            if (true.Equals(r["IPEnabled"]) && name != "lo" && resolver.Servers.Count > 0)
            {
                Assert.Equal(resolver.Servers, (string[])r["DNSServerSearchOrder"]!);
                Assert.Equal(HostInfo.HostName.Split('.')[0], r["DNSHostName"]);
            }
            else
            {
                Assert.Null(r["DNSServerSearchOrder"]);
            }
            // A leased (finite-lifetime) IPv4 address is what iproute2 marks "dynamic".
            var leased = Ip("-4", "-o", "addr", "show", "dev", name).Output.Contains(" dynamic ", StringComparison.Ordinal);
            Assert.Equal(leased ? true : null, r["DHCPEnabled"]);
        }
    }

    [Fact]
    public async Task Query_WhereIPEnabledTrue_OnlyConfiguredInterfaces()
    {
        var all = await QueryAsync("SELECT Index, IPEnabled FROM Win32_NetworkAdapterConfiguration");
        var enabled = await QueryAsync("SELECT Index, IPEnabled FROM Win32_NetworkAdapterConfiguration WHERE IPEnabled = TRUE");
        Assert.Equal(all.Where(r => true.Equals(r["IPEnabled"])).Select(r => r["Index"]), enabled.Select(r => r["Index"]));
        Assert.Contains(enabled, r => (uint)r["Index"]! == 1); // loopback is up with 127.0.0.1
    }

    [Fact]
    public async Task Associators_LoopbackAdapter_IsItsConfiguration()
    {
        var rows = await QueryAsync("ASSOCIATORS OF {Win32_NetworkAdapter.DeviceID=\"1\"}");
        var config = Assert.Single(rows);
        Assert.Equal("Win32_NetworkAdapterConfiguration", config.ClassName);
        Assert.Equal(1u, config["Index"]);
        Assert.Contains("127.0.0.1", (string[])config["IPAddress"]!);
        var back = await QueryAsync("ASSOCIATORS OF {Win32_NetworkAdapterConfiguration.Index=1} WHERE ResultClass = Win32_NetworkAdapter");
        Assert.Equal("lo", Assert.Single(back)["Name"]);
        var links = await QueryAsync("REFERENCES OF {Win32_NetworkAdapter.DeviceID=\"1\"}");
        var link = Assert.Single(links);
        Assert.Equal("Win32_NetworkAdapterSetting", link.ClassName);
        Assert.Equal(NetworkProvider.ConfigurationPath(1), link["Setting"]);
    }

    [Fact]
    public async Task Query_TestInterfaceAsRoot_EveryPropertyMatchesWhatWasConfigured()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("Creating a network interface needs root (CAP_NET_ADMIN).");
        }
        const string Name = "wmixtst0";
        const string Peer = "wmixtst1";
        Ip("link", "del", Name);
        // A dummy interface when the kernel has the module; otherwise a veth pair (both ends up, so it has carrier).
        var kind = Ip("link", "add", Name, "type", "dummy").Code == 0 ? "dummy"
            : Ip("link", "add", Name, "type", "veth", "peer", "name", Peer).Code == 0 ? "veth" : null;
        if (kind is null)
        {
            Assert.Skip("Neither a dummy nor a veth interface can be created here (no CAP_NET_ADMIN or no kernel support).");
        }
        try
        {
            void Run(params string[] args) => Assert.True(Ip(args).Code == 0, "ip " + string.Join(' ', args));
            Run("link", "set", Name, "address", "02:00:5e:10:20:30");
            Run("link", "set", Name, "mtu", "1400");
            Run("link", "set", Name, "addrgenmode", "none"); // no automatic link-local address: the list is exactly ours
            Run("addr", "add", "198.51.100.7/24", "dev", Name);
            Run("addr", "add", "2001:db8:4::7/64", "dev", Name, "nodad");
            Run("link", "set", Name, "up");
            if (kind == "veth")
            {
                Run("link", "set", Peer, "up");
            }
            // Default routes with a metric far above the machine's own, so they never carry its traffic.
            Run("route", "add", "default", "via", "198.51.100.1", "dev", Name, "metric", "4242");
            Run("-6", "route", "add", "default", "via", "2001:db8:4::1", "dev", Name, "metric", "4242");
            var index = uint.Parse(Sys(Name, "ifindex")!, CultureInfo.InvariantCulture);
            await WaitForCarrierAsync(Name);

            var adapter = Assert.Single(await QueryAsync($"SELECT * FROM Win32_NetworkAdapter WHERE NetConnectionID = '{Name}'"));
            Assert.Equal(index.ToString(CultureInfo.InvariantCulture), adapter["DeviceID"]);
            Assert.Equal(index, adapter["Index"]);
            Assert.Equal(index, adapter["InterfaceIndex"]);
            Assert.Equal(Name, adapter["Name"]);
            Assert.Equal(Name, adapter["Description"]);
            Assert.Equal($"[{index:D8}] {Name}", adapter["Caption"]);
            Assert.Equal("02:00:5E:10:20:30", adapter["MACAddress"]);
            Assert.Equal("Ethernet 802.3", adapter["AdapterType"]);
            Assert.Equal((ushort)0, adapter["AdapterTypeID"]);
            Assert.Equal(true, adapter["NetEnabled"]);
            Assert.Equal((ushort)2, adapter["NetConnectionStatus"]);
            Assert.Equal((ushort)3, adapter["Availability"]);
            Assert.Equal(false, adapter["PhysicalAdapter"]);
            Assert.Null(adapter["ServiceName"]);
            Assert.Equal(true, adapter["Installed"]);
            Assert.Equal("Win32_NetworkAdapter", adapter["CreationClassName"]);
            Assert.Equal("Win32_ComputerSystem", adapter["SystemCreationClassName"]);
            Assert.Equal(HostInfo.HostName, adapter["SystemName"]);
            // veth reports a nominal speed, dummy none.
            Assert.Equal(long.TryParse(Sys(Name, "speed"), out var mbps) && mbps > 0 ? (ulong)mbps * 1_000_000 : null, adapter["Speed"]);
            foreach (var absent in new[] { "GUID", "Manufacturer", "ProductName", "PNPDeviceID", "PermanentAddress", "MaxSpeed", "AutoSense", "TimeOfLastReset", "InstallDate" })
            {
                Assert.Null(adapter[absent]);
            }

            var config = Assert.Single(await QueryAsync($"SELECT * FROM Win32_NetworkAdapterConfiguration WHERE Index = {index}"));
            Assert.Equal(index, config["InterfaceIndex"]);
            Assert.Equal(Name, config["SettingID"]);
            Assert.Equal($"[{index:D8}] {Name}", config["Caption"]);
            Assert.Equal("02:00:5E:10:20:30", config["MACAddress"]);
            Assert.Equal(1400u, config["MTU"]);
            Assert.Equal(true, config["IPEnabled"]);
            Assert.Equal(new[] { "198.51.100.7", "2001:db8:4::7" }, (string[])config["IPAddress"]!);
            Assert.Equal(new[] { "255.255.255.0", "64" }, (string[])config["IPSubnet"]!);
            Assert.Equal(new[] { "198.51.100.1", "2001:db8:4::1" }, (string[])config["DefaultIPGateway"]!);
            Assert.Equal(new ushort[] { 4242, 4242 }, (ushort[])config["GatewayCostMetric"]!);
            var resolver = NetworkSource.Resolver();
            Assert.Equal(resolver.Servers.Count > 0 ? resolver.Servers : null, (string[]?)config["DNSServerSearchOrder"]);
            Assert.Equal(resolver.Search.Count > 0 ? resolver.Search : null, (string[]?)config["DNSDomainSuffixSearchOrder"]);
            Assert.Equal(HostInfo.HostName.Split('.')[0], config["DNSHostName"]);
            Assert.Equal(byte.Parse((await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_default_ttl", TestContext.Current.CancellationToken)).Trim(), CultureInfo.InvariantCulture), config["DefaultTTL"]);
            Assert.Equal(uint.Parse((await File.ReadAllTextAsync("/proc/sys/net/ipv4/tcp_keepalive_time", TestContext.Current.CancellationToken)).Trim(), CultureInfo.InvariantCulture) * 1000, config["KeepAliveTime"]);
            Assert.Null(config["DHCPEnabled"]);
            Assert.Null(config["DHCPServer"]);
            Assert.Null(config["WINSPrimaryServer"]);

            // The association both ways, through the engine.
            var associated = Assert.Single(await QueryAsync($"ASSOCIATORS OF {{Win32_NetworkAdapter.DeviceID=\"{index}\"}} WHERE AssocClass = Win32_NetworkAdapterSetting"));
            Assert.Equal(index, associated["Index"]);
            Assert.Equal(Name, Assert.Single(await QueryAsync($"ASSOCIATORS OF {{Win32_NetworkAdapterConfiguration.Index={index}}}"))["Name"]);

            // An address with a finite lifetime, as a DHCP client installs a lease: DHCP is on and the lease ends then.
            Run("addr", "add", "198.51.100.8/24", "dev", Name, "valid_lft", "3600", "preferred_lft", "3600");
            var leased = Assert.Single(await QueryAsync($"SELECT * FROM Win32_NetworkAdapterConfiguration WHERE InterfaceIndex = {index}"));
            Assert.Equal(true, leased["DHCPEnabled"]);
            var expires = CimDateTime.Parse((string)leased["DHCPLeaseExpires"]!).ToDateTimeOffset();
            Assert.InRange(expires, DateTimeOffset.Now.AddSeconds(3600 - 120), DateTimeOffset.Now.AddSeconds(3600 + 5));
            Assert.Equal(new[] { "198.51.100.7", "198.51.100.8", "2001:db8:4::7" }, (string[])leased["IPAddress"]!);
            Assert.Null(leased["DHCPLeaseObtained"]);

            // Administratively down: disabled, disconnected, no longer IP-enabled.
            Run("link", "set", Name, "down");
            adapter = Assert.Single(await QueryAsync($"SELECT * FROM Win32_NetworkAdapter WHERE DeviceID = '{index}'"));
            Assert.Equal(false, adapter["NetEnabled"]);
            Assert.Equal((ushort)0, adapter["NetConnectionStatus"]);
            config = (CimInstance)await _session.GetAsync(NetworkProvider.ConfigurationPath((int)index), TestContext.Current.CancellationToken);
            Assert.Equal(false, config["IPEnabled"]);
            Assert.Null(config["DNSServerSearchOrder"]);
        }
        finally
        {
            Ip("link", "del", Name);
        }
        Assert.Empty(await QueryAsync($"SELECT * FROM Win32_NetworkAdapter WHERE NetConnectionID = '{Name}'"));
    }

    private static async Task WaitForCarrierAsync(string name)
    {
        var deadline = Stopwatch.StartNew();
        while (Sys(name, "carrier") != "1" && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData(new byte[] { 255, 255, 255, 0 }, 24)]
    [InlineData(new byte[] { 255, 255, 254, 0 }, 23)]
    [InlineData(new byte[] { 0, 0, 0, 0 }, 0)]
    [InlineData(new byte[] { 255, 255, 255, 255 }, 32)]
    [InlineData(new byte[] { 255, 128, 0, 0 }, 9)]
    public void PrefixOf_Netmask_CountsLeadingOnes(byte[] mask, int expected) => Assert.Equal(expected, NetworkSource.PrefixOf(mask));

    [Fact]
    public void ParseRoutes_DefaultRoutesThroughGateways_Found()
    {
        var v4 = NetworkSource.ParseIPv4Routes([
            "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
            "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",
            "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
            "eth1\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0",
        ]).ToList();
        var gw = Assert.Single(v4);
        Assert.Equal(("eth0", "192.0.2.1", 100u), (gw.InterfaceName, gw.Gateway.ToString(), gw.Metric));
        var v6 = NetworkSource.ParseIPv6Routes([
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0",
            "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo",
            "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0",
        ]).ToList();
        var gw6 = Assert.Single(v6);
        Assert.Equal(("eth0", "fd00::1", 1024u), (gw6.InterfaceName, gw6.Gateway.ToString(), gw6.Metric));
    }

    [Fact]
    public void ParseResolver_LastOfDomainAndSearchWins_CommentsIgnored()
    {
        var r = NetworkSource.ParseResolver(["# comment", "nameserver 10.0.0.1", "nameserver 2001:db8::53 ; trailing", "domain example.org.", "search a.example b.example", "options ndots:2"]);
        Assert.Equal(["10.0.0.1", "2001:db8::53"], r.Servers);
        Assert.Equal("example.org", r.Domain);
        Assert.Equal(["a.example", "b.example"], r.Search);
        Assert.Equal(["example.org"], NetworkSource.ParseResolver(["search x.example", "domain example.org"]).Search);
    }

    [Fact]
    public void ConnectionStatus_OperStates_MapToWmiCodes()
    {
        NetworkInterface Nic(uint flags, string oper, bool? carrier) => new() { Name = "x", Index = 9, Flags = flags, OperState = oper, Carrier = carrier };
        Assert.Equal((ushort)2, NetworkProvider.ConnectionStatus(Nic(1, "up", true)));
        Assert.Equal((ushort)0, NetworkProvider.ConnectionStatus(Nic(0, "down", null)));
        Assert.Equal((ushort)7, NetworkProvider.ConnectionStatus(Nic(1, "down", false)));
        Assert.Equal((ushort)7, NetworkProvider.ConnectionStatus(Nic(1, "lowerlayerdown", false)));
        Assert.Equal((ushort)8, NetworkProvider.ConnectionStatus(Nic(1, "dormant", true)));
        Assert.Equal((ushort)2, NetworkProvider.ConnectionStatus(Nic(1, "unknown", true)));
        Assert.Equal((ushort)7, NetworkProvider.ConnectionStatus(Nic(1, "unknown", false)));
        Assert.Equal((ushort)4, NetworkProvider.ConnectionStatus(Nic(1, "notpresent", null)));
    }
}

/// <summary>The tests that list or change network interfaces (not run in parallel with each other).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NetworkCollection
{
    public const string Name = "Network interfaces";
}

[Collection(NetworkCollection.Name)]
public sealed class NetworkDeepEnumerationTests : IDisposable
{
    private readonly ObjectManager _manager = TestSupport.NewManager();
    private readonly CimSession _session;

    public NetworkDeepEnumerationTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    [Theory]
    [InlineData("CIM_NetworkAdapter")]
    [InlineData("CIM_LogicalDevice")]
    [InlineData("CIM_Setting")]
    [InlineData("CIM_ElementSetting")]
    public async Task Query_AbstractParent_ListsTheAdapters(string className)
    {
        var rows = (await _session.QueryAsync($"SELECT * FROM {className}", TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>().ToList();
        var adapters = Directory.GetFileSystemEntries("/sys/class/net").Length;
        Assert.True(rows.Count >= adapters, $"{rows.Count} instances of {className}");
    }
}

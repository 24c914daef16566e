using System.Globalization;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32OperatingSystemContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_OperatingSystem";
    protected override CimProvider CreateProvider() => new SystemProvider();
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class Win32ComputerSystemContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_ComputerSystem";
    protected override CimProvider CreateProvider() => new SystemProvider();
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class Win32ProcessorContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_Processor";
    protected override CimProvider CreateProvider() => new SystemProvider();
    protected override IEnumerable<string> PushDownProperties => ["DeviceID"];
}

public sealed class SystemProviderTests : IDisposable
{
    private readonly Wmix.Engine.ObjectManager _manager = TestSupport.NewManager();
    private readonly Wmix.Engine.CimSession _session;

    public SystemProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private async Task<List<CimInstance>> AllAsync(string cls) =>
        (await _session.QueryAsync($"SELECT * FROM {cls}", TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>().ToList();

    private static string Text(string path) => File.ReadAllText(path).Trim();

    private static string[] Lines(string path) => File.ReadAllLines(path);

    private static ulong MemInfoKb(string field)
    {
        var line = File.ReadAllLines("/proc/meminfo").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return ulong.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static string[] CpuInfoValues(string key) =>
        [.. File.ReadAllLines("/proc/cpuinfo").Where(l => l.StartsWith(key, StringComparison.Ordinal) && l[key.Length..].TrimStart().StartsWith(':'))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())];

    [Fact]
    public async Task OperatingSystem_RealMachine_MatchesKernelFiles()
    {
        var os = Assert.Single(await AllAsync("Win32_OperatingSystem"));
        Assert.Equal(Text("/proc/sys/kernel/osrelease"), os["Version"]);
        Assert.Equal(Text("/proc/sys/kernel/version"), os["BuildNumber"]);
        Assert.Equal(Text("/proc/sys/kernel/hostname"), os["CSName"]);
        Assert.Equal((ushort)36, os["OSType"]);
        var total = MemInfoKb("MemTotal");
        var swap = MemInfoKb("SwapTotal");
        Assert.Equal(total, os["TotalVisibleMemorySize"]);
        Assert.Equal(total + swap, os["TotalVirtualMemorySize"]);
        Assert.Equal(swap, os["SizeStoredInPagingFiles"]);
        // Free memory moves while other engineers build; the reading must be close to the kernel's own now.
        var free = (ulong)os["FreePhysicalMemory"]!;
        Assert.InRange((double)free, MemInfoKb("MemAvailable") - total * 0.05, MemInfoKb("MemAvailable") + total * 0.05);
        Assert.True((ulong)os["FreeVirtualMemory"]! >= free);
        var procs = Directory.EnumerateDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _));
        Assert.InRange((int)(uint)os["NumberOfProcesses"]!, procs - 50, procs + 50);
        Assert.Equal(uint.Parse(Text("/proc/sys/kernel/pid_max"), CultureInfo.InvariantCulture), os["MaxNumberOfProcesses"]);
        var btime = long.Parse(Lines("/proc/stat").Single(l => l.StartsWith("btime ", StringComparison.Ordinal))[6..], CultureInfo.InvariantCulture);
        Assert.True(CimDateTime.TryParse((string)os["LastBootUpTime"]!, out var boot));
        Assert.InRange((boot.ToDateTimeOffset() - DateTimeOffset.FromUnixTimeSeconds(btime)).Duration().TotalSeconds, 0, 2);
        Assert.True(CimDateTime.TryParse((string)os["LocalDateTime"]!, out var local));
        Assert.InRange((local.ToDateTimeOffset() - DateTimeOffset.Now).Duration().TotalSeconds, 0, 30);
        Assert.Equal((short)TimeZoneInfo.Local.GetUtcOffset(DateTimeOffset.Now).TotalMinutes, os["CurrentTimeZone"]);
        Assert.Null(os["SerialNumber"]);
        Assert.Null(os["NumberOfUsers"]);
    }

    [Fact]
    public async Task OperatingSystem_Name_IsTheOSNameOfProcesses()
    {
        var os = Assert.Single(await AllAsync("Win32_OperatingSystem"));
        var self = Assert.Single(await _session.QueryAsync($"SELECT OSName FROM Win32_Process WHERE ProcessId = {Environment.ProcessId}",
            TestContext.Current.CancellationToken).ToListAsync());
        Assert.Equal(os["Name"], ((CimInstance)self)["OSName"]);
        Assert.Equal("Win32_OperatingSystem", os.Class.Name);
        Assert.Contains("CIM_OperatingSystem", os.Derivation);
    }

    [Fact]
    public async Task ComputerSystem_RealMachine_MatchesKernelFiles()
    {
        var cs = Assert.Single(await AllAsync("Win32_ComputerSystem"));
        Assert.Equal(Text("/proc/sys/kernel/hostname"), cs["Name"]);
        Assert.Equal(MemInfoKb("MemTotal") * 1024, cs["TotalPhysicalMemory"]);
        Assert.Equal((uint)CpuInfoValues("processor").Length, cs["NumberOfLogicalProcessors"]);
        var packages = Directory.EnumerateDirectories("/sys/devices/system/cpu", "cpu*")
            .Select(d => Path.Combine(d, "topology/physical_package_id")).Where(File.Exists).Select(Text).Distinct().Count();
        Assert.Equal((uint)Math.Max(packages, 1), cs["NumberOfProcessors"]);
        Assert.Equal(CpuInfoValues("flags")[0].Split(' ').Contains("hypervisor"), cs["HypervisorPresent"]);
        var vendor = "/sys/class/dmi/id/sys_vendor";
        Assert.Equal(File.Exists(vendor) ? Text(vendor) : null, cs["Manufacturer"]);
        Assert.Contains("CIM_UnitaryComputerSystem", cs.Derivation);
    }

    [Fact]
    public async Task Processor_RealMachine_MatchesCpuInfo()
    {
        var cpus = await AllAsync("Win32_Processor");
        Assert.NotEmpty(cpus);
        Assert.Equal(CpuInfoValues("processor").Length, cpus.Sum(c => (int)(uint)c["NumberOfLogicalProcessors"]!));
        var first = cpus.Single(c => (string)c["DeviceID"]! == "CPU0");
        Assert.Equal(CpuInfoValues("model name")[0], first["Name"]);
        Assert.Equal(CpuInfoValues("vendor_id")[0], first["Manufacturer"]);
        Assert.Equal(CpuInfoValues("stepping")[0], first["Stepping"]);
        Assert.InRange((ushort)first["LoadPercentage"]!, (ushort)0, (ushort)100);
        Assert.True((uint)first["MaxClockSpeed"]! > 0);
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Equal((ushort)9, first["Architecture"]);
        }
        var l2 = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(l2))
        {
            Assert.Null(first["L2CacheSize"]);
        }
    }

    [Fact]
    public async Task Bios_RealMachine_PresentExactlyWhenDmiIs()
    {
        var bios = await AllAsync("Win32_BIOS");
        var version = "/sys/class/dmi/id/bios_version";
        if (!File.Exists(version))
        {
            Assert.Empty(bios);
            return;
        }
        var b = Assert.Single(bios);
        Assert.Equal(Text(version), b["SMBIOSBIOSVersion"]);
    }

    [Fact]
    public void Bios_DmiDirectory_FillsFromItsFiles()
    {
        var dir = Directory.CreateTempSubdirectory("wmix-dmi").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "bios_vendor"), "SeaBIOS\n");
            File.WriteAllText(Path.Combine(dir, "bios_version"), "1.16.3-debian\n");
            File.WriteAllText(Path.Combine(dir, "bios_date"), "04/01/2014\n");
            File.WriteAllText(Path.Combine(dir, "bios_release"), "0.0\n");
            var b = SystemProvider.Bios(SystemSchema.Bios, dir)!;
            Assert.Equal("SeaBIOS", b["Manufacturer"]);
            Assert.Equal("1.16.3-debian", b["Name"]);
            Assert.Equal("1.16.3-debian", b["Version"]);
            Assert.Equal("20140401000000.000000+000", b["ReleaseDate"]);
            Assert.Equal((byte)0, b["SystemBiosMajorVersion"]);
            Assert.Null(b["SerialNumber"]);
            Assert.Equal((ushort)3, b["SoftwareElementState"]);
            Assert.NotNull(b.RelativePath);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

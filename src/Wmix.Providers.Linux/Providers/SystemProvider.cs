using System.Globalization;
using System.Runtime.InteropServices;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// <c>Win32_OperatingSystem</c>, <c>Win32_ComputerSystem</c>, <c>Win32_BIOS</c> and <c>Win32_Processor</c> from the
/// kernel's files (see <see cref="SystemSource"/>), with their abstract CIM parents.
/// </summary>
/// <remarks>
/// <para><b>Win32_OperatingSystem</b> (one instance): <c>Name</c>/<c>Caption</c> = os-release <c>PRETTY_NAME</c> (the
/// <c>OSName</c> every Win32_Process carries); <c>Version</c> = the kernel release (<c>uname -r</c>);
/// <c>BuildNumber</c> = the kernel build string (<c>uname -v</c>); <c>OSType</c> = 36 (CIM's LINUX);
/// memory figures in KB from <c>/proc/meminfo</c>: <c>TotalVisibleMemorySize</c> = MemTotal,
/// <c>FreePhysicalMemory</c> = MemAvailable (what Windows counts as free: free plus reclaimable cache),
/// <c>TotalVirtualMemorySize</c> = MemTotal + SwapTotal, <c>FreeVirtualMemory</c> = MemAvailable + SwapFree,
/// <c>SizeStoredInPagingFiles</c>/<c>TotalSwapSpaceSize</c> = SwapTotal, <c>FreeSpaceInPagingFiles</c> = SwapFree;
/// <c>MaxNumberOfProcesses</c> = <c>kernel.pid_max</c>; <c>NumberOfProcesses</c> = the <c>/proc</c> pid entries.
/// <c>NumberOfUsers</c> (utmp sessions, served by the account providers), serial number, registered user, language,
/// code set, directories and the Windows-only flags stay NULL.</para>
/// <para><b>Win32_ComputerSystem</b>: <c>Name</c> = the kernel host name; <c>Domain</c> per
/// <see cref="SystemSource.DnsDomain"/> (NULL when none is configured; WMI's "WORKGROUP" has no Linux meaning);
/// <c>Manufacturer</c>/<c>Model</c>/<c>SystemFamily</c>/<c>SKUNumber</c> from DMI <c>sys_vendor</c>,
/// <c>product_name</c>, <c>product_family</c>, <c>product_sku</c>; <c>NumberOfProcessors</c> = distinct physical
/// packages; <c>NumberOfLogicalProcessors</c> = online CPUs; <c>TotalPhysicalMemory</c> = MemTotal in bytes;
/// <c>HypervisorPresent</c> = the CPU's <c>hypervisor</c> flag.</para>
/// <para><b>Win32_BIOS</b>: one instance from DMI (<c>bios_vendor</c>, <c>bios_version</c>, <c>bios_date</c>,
/// <c>bios_release</c>, <c>ec_firmware_release</c>, <c>product_serial</c> when readable — root only); the key
/// properties <c>Name</c>, <c>SoftwareElementID</c> and <c>Version</c> are the BIOS version string,
/// <c>SoftwareElementState</c> 3 (running), <c>TargetOperatingSystem</c> 0 (unknown). A machine without
/// <c>/sys/class/dmi/id</c> (many VMs and containers) has no Win32_BIOS instance: no key could be filled honestly.</para>
/// <para><b>Win32_Processor</b>: one instance per physical package (<c>DeviceID</c> "CPU0", "CPU1", … in package order),
/// as WMI has one per socket: <c>Name</c> = cpuinfo "model name"; <c>Manufacturer</c> = "vendor_id";
/// <c>Caption</c>/<c>Description</c> as WMI composes them ("AMD64 Family 26 Model 2 Stepping 1");
/// <c>NumberOfCores</c> = distinct core ids; <c>NumberOfLogicalProcessors</c>/<c>ThreadCount</c> = its online CPUs;
/// <c>MaxClockSpeed</c> = cpufreq <c>cpuinfo_max_freq</c>, else cpuinfo "cpu MHz" (the nominal clock a VM reports);
/// <c>CurrentClockSpeed</c> = cpufreq <c>scaling_cur_freq</c>, else "cpu MHz"; <c>L2CacheSize</c>/<c>L3CacheSize</c>
/// from sysfs cache descriptors (NULL when the kernel has none: cpuinfo's "cache size" does not say which level);
/// <c>LoadPercentage</c> = busy share of its CPUs between two <c>/proc/stat</c> samples (see <see cref="CpuSampler"/>);
/// <c>Level</c> = cpuid family; <c>Revision</c> = model × 256 + stepping (WMI's x86 encoding); <c>Stepping</c>.
/// WMI's <c>Family</c> is an SMBIOS code and <c>ProcessorId</c> raw CPUID words: both NULL.</para>
/// </remarks>
public sealed class SystemProvider : CimProvider
{
    private readonly CpuSampler _sampler = new();
    private readonly string _dmiDirectory;

    /// <summary>Creates the provider.</summary>
    public SystemProvider()
        : this(SystemSource.DmiDirectory)
    {
    }

    /// <summary>Creates the provider reading DMI strings from <paramref name="dmiDirectory"/> (tests).</summary>
    internal SystemProvider(string dmiDirectory) => _dmiDirectory = dmiDirectory;

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.System";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        .. SystemSchema.Parents.Select(c => new ProviderClassRegistration(CimSchema.Namespace, c, ProviderCapabilities.None)),
        new(CimSchema.Namespace, SystemSchema.OperatingSystem),
        new(CimSchema.Namespace, SystemSchema.ComputerSystem),
        new(CimSchema.Namespace, SystemSchema.Bios),
        new(CimSchema.Namespace, SystemSchema.Processor),
    ];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        return EnumerateAsync(cls, cancellationToken);
    }

    private async IAsyncEnumerable<CimInstance> EnumerateAsync(CimClass cls, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IEnumerable<CimInstance> items;
        if (CimNames.AreEqual(cls.Name, "Win32_OperatingSystem"))
        {
            items = [OperatingSystem(cls)];
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_ComputerSystem"))
        {
            items = [ComputerSystem(cls, _dmiDirectory)];
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_BIOS"))
        {
            items = Bios(cls, _dmiDirectory) is { } bios ? [bios] : [];
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_Processor"))
        {
            var deltas = await _sampler.DeltasAsync(cancellationToken).ConfigureAwait(false);
            items = Processors(cls, deltas);
        }
        else
        {
            items = [];
        }
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        // A cancellation after the last item still ends the call as cancelled (singletons have only one item).
        cancellationToken.ThrowIfCancellationRequested();
    }

    internal static CimInstance OperatingSystem(CimClass cls)
    {
        var i = cls.SpawnInstance();
        var now = DateTimeOffset.Now;
        var mem = SystemSource.MemInfo();
        var name = HostInfo.OSName;
        i["Name"] = name;
        i["Caption"] = name;
        i["CreationClassName"] = "Win32_OperatingSystem";
        i["CSCreationClassName"] = "Win32_ComputerSystem";
        i["CSName"] = HostInfo.HostName;
        i["Version"] = SystemSource.ReadTrimmed("/proc/sys/kernel/osrelease");
        i["BuildNumber"] = SystemSource.ReadTrimmed("/proc/sys/kernel/version");
        i["OSType"] = (ushort)36;
        i["OSArchitecture"] = RuntimeInformation.OSArchitecture is Architecture.X64 or Architecture.Arm64 ? "64-bit" : "32-bit";
        i["Status"] = "OK";
        i["Primary"] = true;
        i["Distributed"] = false;
        i["LastBootUpTime"] = CimDateTime.FromDateTimeOffset(BootClock.BootTime.ToLocalTime()).ToString();
        i["LocalDateTime"] = CimDateTime.FromDateTimeOffset(now).ToString();
        i["CurrentTimeZone"] = SystemSource.TimeZoneMinutes(now);
        var total = mem.GetValueOrDefault("MemTotal");
        var available = mem.TryGetValue("MemAvailable", out var a) ? a : mem.GetValueOrDefault("MemFree");
        var swapTotal = mem.GetValueOrDefault("SwapTotal");
        var swapFree = mem.GetValueOrDefault("SwapFree");
        if (total > 0)
        {
            i["TotalVisibleMemorySize"] = total;
            i["FreePhysicalMemory"] = available;
            i["TotalVirtualMemorySize"] = total + swapTotal;
            i["FreeVirtualMemory"] = available + swapFree;
            i["SizeStoredInPagingFiles"] = swapTotal;
            i["TotalSwapSpaceSize"] = swapTotal;
            i["FreeSpaceInPagingFiles"] = swapFree;
        }
        i["MaxNumberOfProcesses"] = uint.TryParse(SystemSource.ReadTrimmed("/proc/sys/kernel/pid_max"), NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : null;
        i["NumberOfProcesses"] = (uint)ProcessSource.EnumerateProcessIds().Count();
        return i;
    }

    internal static CimInstance ComputerSystem(CimClass cls, string dmiDirectory)
    {
        var i = cls.SpawnInstance();
        var now = DateTimeOffset.Now;
        var host = HostInfo.HostName;
        var cpus = SystemSource.LogicalCpus();
        var mem = SystemSource.MemInfo();
        var shortName = host.Split('.')[0];
        i["Name"] = host;
        i["Caption"] = host;
        i["DNSHostName"] = shortName;
        i["CreationClassName"] = "Win32_ComputerSystem";
        i["Domain"] = SystemSource.DnsDomain();
        i["Manufacturer"] = SystemSource.Dmi("sys_vendor", dmiDirectory);
        i["Model"] = SystemSource.Dmi("product_name", dmiDirectory);
        i["SystemFamily"] = SystemSource.Dmi("product_family", dmiDirectory);
        i["SKUNumber"] = SystemSource.Dmi("product_sku", dmiDirectory);
        i["NumberOfProcessors"] = (uint)cpus.Select(c => c.Package).Distinct().Count();
        i["NumberOfLogicalProcessors"] = (uint)cpus.Count;
        i["TotalPhysicalMemory"] = mem.TryGetValue("MemTotal", out var total) ? total * 1024 : null;
        i["SystemType"] = SystemSource.SystemType;
        i["HypervisorPresent"] = cpus.Count > 0 ? HasFlag(cpus[0], "hypervisor") : null;
        i["CurrentTimeZone"] = SystemSource.TimeZoneMinutes(now);
        i["DaylightInEffect"] = TimeZoneInfo.Local.IsDaylightSavingTime(now);
        i["EnableDaylightSavingsTime"] = TimeZoneInfo.Local.SupportsDaylightSavingTime;
        i["Status"] = "OK";
        return i;
    }

    internal static CimInstance? Bios(CimClass cls, string dmiDirectory)
    {
        if (SystemSource.Dmi("bios_version", dmiDirectory) is not { } version)
        {
            return null;
        }
        var i = cls.SpawnInstance();
        i["Name"] = version;
        i["Caption"] = version;
        i["Description"] = version;
        i["SoftwareElementID"] = version;
        i["SoftwareElementState"] = (ushort)3;
        i["TargetOperatingSystem"] = (ushort)0;
        i["Version"] = version;
        i["SMBIOSBIOSVersion"] = version;
        i["BIOSVersion"] = new[] { version };
        i["Manufacturer"] = SystemSource.Dmi("bios_vendor", dmiDirectory);
        i["ReleaseDate"] = ParseBiosDate(SystemSource.Dmi("bios_date", dmiDirectory));
        i["SerialNumber"] = SystemSource.Dmi("product_serial", dmiDirectory);
        i["SMBIOSPresent"] = true;
        i["PrimaryBIOS"] = true;
        i["Status"] = "OK";
        if (ParseRelease(SystemSource.Dmi("bios_release", dmiDirectory)) is var (major, minor))
        {
            i["SystemBiosMajorVersion"] = major;
            i["SystemBiosMinorVersion"] = minor;
        }
        if (ParseRelease(SystemSource.Dmi("ec_firmware_release", dmiDirectory)) is var (ecMajor, ecMinor))
        {
            i["EmbeddedControllerMajorVersion"] = ecMajor;
            i["EmbeddedControllerMinorVersion"] = ecMinor;
        }
        return i;
    }

    /// <summary>DMI's <c>MM/DD/YYYY</c> as a CIM datetime (midnight UTC, as WMI reports it); null when malformed.</summary>
    internal static string? ParseBiosDate(string? text) =>
        DateTime.TryParseExact(text, "MM/dd/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? CimDateTime.FromDateTimeOffset(new DateTimeOffset(d, TimeSpan.Zero)).ToString()
            : null;

    private static (byte Major, byte Minor)? ParseRelease(string? text)
    {
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot > 0 && byte.TryParse(text![..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && byte.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? (major, minor)
            : null;
    }

    internal static IEnumerable<CimInstance> Processors(CimClass cls, IReadOnlyDictionary<string, CpuTicks> deltas)
    {
        var host = HostInfo.HostName;
        var index = 0;
        foreach (var package in SystemSource.LogicalCpus().GroupBy(c => c.Package).OrderBy(g => g.Key))
        {
            var first = package.First();
            var info = first.Info;
            var i = cls.SpawnInstance();
            var deviceId = "CPU" + index.ToString(CultureInfo.InvariantCulture);
            index++;
            i["DeviceID"] = deviceId;
            i["CreationClassName"] = "Win32_Processor";
            i["SystemCreationClassName"] = "Win32_ComputerSystem";
            i["SystemName"] = host;
            i["Name"] = info.GetValueOrDefault("model name");
            i["Manufacturer"] = info.GetValueOrDefault("vendor_id");
            var family = SystemSource.ParseInt(info.GetValueOrDefault("cpu family"));
            var model = SystemSource.ParseInt(info.GetValueOrDefault("model"));
            var stepping = SystemSource.ParseInt(info.GetValueOrDefault("stepping"));
            if (family is { } f && model is { } m && stepping is { } s && SystemSource.ArchitectureCode is 0 or 9)
            {
                var caption = string.Create(CultureInfo.InvariantCulture,
                    $"{(SystemSource.ArchitectureCode == 9 ? (info.GetValueOrDefault("vendor_id") == "GenuineIntel" ? "Intel64" : "AMD64") : "x86")} Family {f} Model {m} Stepping {s}");
                i["Caption"] = caption;
                i["Description"] = caption;
                i["Level"] = (ushort)f;
                i["Revision"] = (ushort)(m * 256 + s);
            }
            i["Stepping"] = stepping?.ToString(CultureInfo.InvariantCulture);
            i["Architecture"] = SystemSource.ArchitectureCode;
            var width = (ushort)(RuntimeInformation.OSArchitecture is Architecture.X64 or Architecture.Arm64 ? 64 : 32);
            i["AddressWidth"] = width;
            i["DataWidth"] = width;
            i["ProcessorType"] = (ushort)3;
            i["Role"] = "CPU";
            i["NumberOfCores"] = (uint)package.Select(c => c.Core).Distinct().Count();
            i["NumberOfEnabledCore"] = (uint)package.Select(c => c.Core).Distinct().Count();
            i["NumberOfLogicalProcessors"] = (uint)package.Count();
            i["ThreadCount"] = (uint)package.Count();
            var mhz = double.TryParse(info.GetValueOrDefault("cpu MHz"), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (uint?)Math.Round(v) : null;
            i["MaxClockSpeed"] = SystemSource.CpuFreqMHz(first.Id, "cpuinfo_max_freq") ?? mhz;
            i["CurrentClockSpeed"] = SystemSource.CpuFreqMHz(first.Id, "scaling_cur_freq") ?? mhz;
            i["L2CacheSize"] = SystemSource.CacheSizeKb(first.Id, 2);
            i["L3CacheSize"] = SystemSource.CacheSizeKb(first.Id, 3);
            i["VMMonitorModeExtensions"] = HasFlag(first, "vmx") || HasFlag(first, "svm");
            i["SecondLevelAddressTranslationExtensions"] = HasFlag(first, "ept") || HasFlag(first, "npt");
            ulong busy = 0, all = 0;
            foreach (var cpu in package)
            {
                if (deltas.TryGetValue(cpu.Id.ToString(CultureInfo.InvariantCulture), out var d))
                {
                    busy += d.Total - d.Idle;
                    all += d.Total;
                }
            }
            i["LoadPercentage"] = all == 0 ? null : (ushort)Math.Min(100, (busy * 100 + all / 2) / all);
            i["CpuStatus"] = (ushort)1;
            i["Status"] = "OK";
            yield return i;
        }
    }

    private static bool HasFlag(LogicalCpu cpu, string flag) =>
        (cpu.Info.GetValueOrDefault("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(flag, StringComparer.Ordinal);
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace Wmix.Providers.Linux.Sources;

/// <summary>One logical CPU as the kernel describes it (sysfs topology plus its <c>/proc/cpuinfo</c> block).</summary>
/// <param name="Id">The kernel's CPU number (<c>cpuN</c>).</param>
/// <param name="Package">The physical package (socket) id.</param>
/// <param name="Core">The core id within the package.</param>
/// <param name="Info">The CPU's <c>/proc/cpuinfo</c> fields (empty when the block is missing).</param>
public sealed record LogicalCpu(int Id, int Package, int Core, IReadOnlyDictionary<string, string> Info);

/// <summary>
/// Whole-machine facts read from the kernel's files: <c>/proc/meminfo</c>, <c>/proc/cpuinfo</c>, the CPU topology
/// and caches under <c>/sys/devices/system/cpu</c>, firmware strings under <c>/sys/class/dmi/id</c>, and the DNS
/// domain. Every reader returns null (or an empty result) when its file is absent or unreadable.
/// </summary>
public static class SystemSource
{
    /// <summary>The sysfs directory of the firmware's DMI/SMBIOS strings.</summary>
    public const string DmiDirectory = "/sys/class/dmi/id";

    /// <summary>The text of a small file, trimmed; null when it is missing, unreadable or empty.</summary>
    public static string? ReadTrimmed(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length == 0 ? null : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Absent (no DMI on this machine) or root-only (product_serial): the property stays NULL.
            return null;
        }
    }

    /// <summary>A DMI string (<c>sys_vendor</c>, <c>bios_date</c>, …) from <paramref name="directory"/>; null when absent.</summary>
    public static string? Dmi(string name, string directory = DmiDirectory) => ReadTrimmed(Path.Combine(directory, name));

    /// <summary><c>/proc/meminfo</c> as kB values by field name (<c>MemTotal</c>, <c>SwapFree</c>, …).</summary>
    public static IReadOnlyDictionary<string, ulong> MemInfo()
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in ReadLines("/proc/meminfo"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var rest = line.AsSpan(colon + 1).Trim();
            var space = rest.IndexOf(' ');
            if (ulong.TryParse(space < 0 ? rest : rest[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                map[line[..colon]] = value;
            }
        }
        return map;
    }

    /// <summary>The online logical CPUs, in kernel order.</summary>
    public static IReadOnlyList<LogicalCpu> LogicalCpus()
    {
        var info = CpuInfoBlocks();
        var list = new List<LogicalCpu>();
        foreach (var id in OnlineCpuIds())
        {
            var topology = $"/sys/devices/system/cpu/cpu{id.ToString(CultureInfo.InvariantCulture)}/topology/";
            var fields = info.GetValueOrDefault(id) ?? new Dictionary<string, string>(StringComparer.Ordinal);
            // sysfs topology first; cpuinfo's "physical id"/"core id" where sysfs has none (some containers).
            var package = ParseInt(ReadTrimmed(topology + "physical_package_id")) ?? ParseInt(fields.GetValueOrDefault("physical id")) ?? 0;
            var core = ParseInt(ReadTrimmed(topology + "core_id")) ?? ParseInt(fields.GetValueOrDefault("core id")) ?? id;
            list.Add(new LogicalCpu(id, Math.Max(package, 0), core, fields));
        }
        return list;
    }

    /// <summary>The ids of the online CPUs (<c>/sys/devices/system/cpu/online</c>, else every cpuinfo block).</summary>
    public static IReadOnlyList<int> OnlineCpuIds()
    {
        if (ReadTrimmed("/sys/devices/system/cpu/online") is { } ranges)
        {
            var ids = new List<int>();
            foreach (var part in ranges.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var dash = part.IndexOf('-', StringComparison.Ordinal);
                var lo = ParseInt(dash < 0 ? part : part[..dash]);
                var hi = dash < 0 ? lo : ParseInt(part[(dash + 1)..]);
                for (var i = lo ?? 0; lo is not null && hi is not null && i <= hi; i++)
                {
                    ids.Add(i);
                }
            }
            return ids;
        }
        return [.. CpuInfoBlocks().Keys.Order()];
    }

    /// <summary><c>/proc/cpuinfo</c>'s blocks keyed by their <c>processor</c> number.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>> CpuInfoBlocks()
    {
        var blocks = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        void Flush()
        {
            if (ParseInt(current.GetValueOrDefault("processor")) is { } n)
            {
                blocks[n] = current;
            }
            current = new Dictionary<string, string>(StringComparer.Ordinal);
        }
        foreach (var line in ReadLines("/proc/cpuinfo"))
        {
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                current[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        Flush();
        return blocks;
    }

    /// <summary>
    /// The size in KB of the level-<paramref name="level"/> unified/data cache of <paramref name="cpu"/> from sysfs
    /// (<c>cache/indexN/size</c>); null when the kernel exposes no cache information (common in VMs).
    /// </summary>
    public static uint? CacheSizeKb(int cpu, int level)
    {
        var dir = $"/sys/devices/system/cpu/cpu{cpu.ToString(CultureInfo.InvariantCulture)}/cache";
        if (!Directory.Exists(dir))
        {
            return null;
        }
        foreach (var index in Directory.EnumerateDirectories(dir, "index*"))
        {
            if (ParseInt(ReadTrimmed(Path.Combine(index, "level"))) == level
                && ReadTrimmed(Path.Combine(index, "type")) is "Unified" or "Data"
                && ReadTrimmed(Path.Combine(index, "size")) is { } size)
            {
                var k = size.EndsWith('K') ? size[..^1] : size;
                var m = size.EndsWith('M');
                if (uint.TryParse(m ? size[..^1] : k, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    return m ? n * 1024 : n;
                }
            }
        }
        return null;
    }

    /// <summary>A cpufreq value of <paramref name="cpu"/> (<c>cpuinfo_max_freq</c>, <c>scaling_cur_freq</c>) in MHz; null without cpufreq.</summary>
    public static uint? CpuFreqMHz(int cpu, string name) =>
        ReadTrimmed($"/sys/devices/system/cpu/cpu{cpu.ToString(CultureInfo.InvariantCulture)}/cpufreq/{name}") is { } khz
        && ulong.TryParse(khz, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? (uint)(v / 1000) : null;

    /// <summary>
    /// The machine's DNS domain: the part of the kernel host name after its first dot when it is fully qualified,
    /// else the <c>domain</c> line of <c>/etc/resolv.conf</c>, else its first <c>search</c> entry; null when none is set.
    /// (<c>hostname -d</c> resolves the name through NSS instead; this reads only local configuration.)
    /// </summary>
    public static string? DnsDomain()
    {
        var host = HostInfo.HostName;
        var dot = host.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && dot < host.Length - 1)
        {
            return host[(dot + 1)..];
        }
        string? search = null;
        foreach (var line in ReadLines("/etc/resolv.conf"))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2 && parts[0] == "domain")
            {
                return parts[1].TrimEnd('.');
            }
            if (parts.Length >= 2 && parts[0] == "search" && search is null)
            {
                search = parts[1].TrimEnd('.');
            }
        }
        return search;
    }

    /// <summary>The current offset of local time from UTC, in minutes (WMI's <c>CurrentTimeZone</c>).</summary>
    public static short TimeZoneMinutes(DateTimeOffset now) => (short)TimeZoneInfo.Local.GetUtcOffset(now).TotalMinutes;

    /// <summary>WMI's processor architecture code for the running machine (0 x86, 5 ARM, 9 x64, 12 ARM64); null for others.</summary>
    public static ushort? ArchitectureCode => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X86 => 0,
        Architecture.Arm => 5,
        Architecture.X64 => 9,
        Architecture.Arm64 => 12,
        _ => null,
    };

    /// <summary>WMI's <c>SystemType</c> text for the running machine; null for architectures WMI has no text for.</summary>
    public static string? SystemType => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X86 => "X86-based PC",
        Architecture.X64 => "x64-based PC",
        Architecture.Arm64 => "ARM64-based PC",
        _ => null,
    };

    /// <summary>The lines of a text file; none when it is missing or unreadable.</summary>
    public static IEnumerable<string> ReadLines(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An absent file (no resolv.conf, a kernel without the file) reads as empty.
            return [];
        }
        return lines;
    }

    /// <summary>A decimal integer, or null.</summary>
    public static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null;
}

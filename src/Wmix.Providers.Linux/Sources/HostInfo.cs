using Wmix.Providers.Linux.Sources.Internal;

namespace Wmix.Providers.Linux.Sources;

/// <summary>Names that scope many WMI objects: the computer's name and the operating system's name.</summary>
public static class HostInfo
{
    /// <summary>The kernel's host name (<c>/proc/sys/kernel/hostname</c>), as WMI's <c>CSName</c>.</summary>
    public static string HostName =>
        new ProcFile().ReadText("/proc/sys/kernel/hostname")?.Trim() is { Length: > 0 } name ? name : Environment.MachineName;

    /// <summary>The distribution's name (<c>PRETTY_NAME</c> of os-release), as WMI's <c>OSName</c>/<c>Caption</c>.</summary>
    public static string OSName => OsRelease.GetValueOrDefault("PRETTY_NAME") ?? OsRelease.GetValueOrDefault("NAME") ?? "Linux";

    /// <summary><c>/etc/os-release</c> (or <c>/usr/lib/os-release</c>) as key/value pairs.</summary>
    public static IReadOnlyDictionary<string, string> OsRelease => s_osRelease.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, string>> s_osRelease = new(() =>
    {
        var file = new ProcFile();
        var text = file.ReadText("/etc/os-release") ?? file.ReadText("/usr/lib/os-release") ?? "";
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in ProcParse.KeyValueLines(text))
        {
            map[k] = v;
        }
        return map;
    });
}

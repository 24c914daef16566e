using System.Diagnostics;

namespace Wmix.Providers.Linux.Sources;

/// <summary>A SysV init script as a service.</summary>
/// <param name="Name">The script's file name (the service name).</param>
/// <param name="Path">The script's full path.</param>
/// <param name="ShortDescription">The LSB header's <c>Short-Description</c>, or null.</param>
/// <param name="Description">The LSB header's <c>Description</c>, or null.</param>
/// <param name="StartMode">WMI's start mode: <c>Auto</c> (an <c>S</c> link in a multi-user runlevel 2–5),
/// <c>Disabled</c> (only <c>K</c> links there), <c>Manual</c> (no links in 2–5).</param>
public sealed record SysVService(string Name, string Path, string? ShortDescription, string? Description, string StartMode);

/// <summary>What <c>&lt;script&gt; status</c> said (LSB exit codes: 0 running, 1–3 not running, 4 unknown).</summary>
public enum SysVState
{
    /// <summary>Exit code 0.</summary>
    Running,

    /// <summary>Exit code 3 (also 1 and 2: dead with a pid or lock file left behind).</summary>
    Stopped,

    /// <summary>Any other code, no status action, or no answer within the timeout.</summary>
    Unknown,
}

/// <summary>
/// SysV services: the executable scripts of an init.d directory, their LSB headers and rc?.d links, and running
/// <c>status</c>/<c>start</c>/<c>stop</c> with a timeout.
/// </summary>
public sealed class SysVServices
{
    private readonly string _initDirectory;
    private readonly string _rcRoot;
    private readonly TimeSpan _timeout;

    /// <summary>Scripts of <paramref name="initDirectory"/>, links of <paramref name="rcRoot"/>/rc?.d, each script action bounded by <paramref name="timeout"/>.</summary>
    public SysVServices(string initDirectory = "/etc/init.d", string rcRoot = "/etc", TimeSpan? timeout = null)
    {
        _initDirectory = initDirectory;
        _rcRoot = rcRoot;
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The services, by name. Non-executable files, hidden files and helper files (README, skeleton, rc, rcS) are skipped.</summary>
    public IReadOnlyList<SysVService> List()
    {
        if (!Directory.Exists(_initDirectory))
        {
            return [];
        }
        var links = ReadLinks();
        var result = new List<SysVService>();
        foreach (var path in Directory.EnumerateFiles(_initDirectory).Order(StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(path);
            if (name.StartsWith('.') || name is "README" or "skeleton" or "rc" or "rcS" || name.EndsWith(".dpkg-dist", StringComparison.Ordinal)
                || OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
            {
                continue;
            }
            result.Add(Describe(path, links));
        }
        return result;
    }

    /// <summary>The service named <paramref name="name"/>, or null.</summary>
    public SysVService? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or ".."
            ? null
            : List().FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    private SysVService Describe(string path, Dictionary<string, (bool Start, bool Kill)> links)
    {
        string? shortDescription = null, description = null;
        try
        {
            var inHeader = false;
            foreach (var line in File.ReadLines(path).Take(200))
            {
                if (line.StartsWith("### BEGIN INIT INFO", StringComparison.Ordinal))
                {
                    inHeader = true;
                }
                else if (line.StartsWith("### END INIT INFO", StringComparison.Ordinal))
                {
                    break;
                }
                else if (inHeader && line.StartsWith("# Short-Description:", StringComparison.Ordinal))
                {
                    shortDescription = line["# Short-Description:".Length..].Trim();
                }
                else if (inHeader && line.StartsWith("# Description:", StringComparison.Ordinal))
                {
                    description = line["# Description:".Length..].Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable script still is a service; it just has no description.
        }
        var name = System.IO.Path.GetFileName(path);
        var mode = links.TryGetValue(name, out var l) ? l.Start ? "Auto" : l.Kill ? "Disabled" : "Manual" : "Manual";
        return new SysVService(name, path, shortDescription, description, mode);
    }

    /// <summary>Per script: an S link in a multi-user runlevel (2–5), a K link there.</summary>
    private Dictionary<string, (bool Start, bool Kill)> ReadLinks()
    {
        var map = new Dictionary<string, (bool Start, bool Kill)>(StringComparer.Ordinal);
        for (var level = 2; level <= 5; level++)
        {
            var dir = System.IO.Path.Combine(_rcRoot, $"rc{level}.d");
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (var link in Directory.EnumerateFileSystemEntries(dir))
            {
                var file = System.IO.Path.GetFileName(link);
                // S<nn><name> / K<nn><name>; the link's target names the script (names may differ only in theory).
                if (file.Length < 4 || (file[0] != 'S' && file[0] != 'K') || !char.IsAsciiDigit(file[1]) || !char.IsAsciiDigit(file[2]))
                {
                    continue;
                }
                var target = new FileInfo(link).LinkTarget is { } t ? System.IO.Path.GetFileName(t) : file[3..];
                var entry = map.GetValueOrDefault(target);
                map[target] = file[0] == 'S' ? (true, entry.Kill) : (entry.Start, true);
            }
        }
        return map;
    }

    /// <summary>Runs <c>&lt;script&gt; status</c>.</summary>
    public async Task<SysVState> StatusAsync(SysVService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return await RunAsync(service, "status", cancellationToken).ConfigureAwait(false) switch
        {
            0 => SysVState.Running,
            1 or 2 or 3 => SysVState.Stopped,
            _ => SysVState.Unknown,
        };
    }

    /// <summary>
    /// Runs <c>&lt;script&gt; &lt;action&gt;</c> with stdio discarded; returns its exit code, or null when it did not
    /// finish within the timeout (it is then killed with its children) or could not be started.
    /// </summary>
    public async Task<int?> RunAsync(SysVService service, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        // Through sh with stdio on /dev/null: a daemon that `start` leaves behind inherits no pipe of ours, so
        // waiting for the script never turns into waiting for the daemon.
        var info = new ProcessStartInfo("/bin/sh") { WorkingDirectory = "/" };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$1\" </dev/null >/dev/null 2>&1");
        info.ArgumentList.Add(service.Path);
        info.ArgumentList.Add(action);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                // sh's exec failed (not executable, bad interpreter): 126/127, which LSB reserves for the same meaning.
                return process.ExitCode;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return null;
            }
        }
    }
}

using System.Diagnostics;

namespace Wmix.Tests.Shared;

/// <summary>
/// A tmpfs mounted for one test (needs root with CAP_SYS_ADMIN): a small, full or read-only file system under a
/// test's directory. Linked into the test projects that need it.
/// </summary>
internal sealed class Mount : IDisposable
{
    private readonly string _path;

    private Mount(string path) => _path = path;

    /// <summary>True when this process may mount a tmpfs.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux() && Environment.UserName == "root" && Probe();

    /// <summary>Why a test that needs a mount is skipped.</summary>
    public static string Reason => "needs root and the right to mount a tmpfs (CAP_SYS_ADMIN) to make a location read-only or full";

    private static bool Probe()
    {
        var path = Path.Combine(Path.GetTempPath(), "wmix-mount-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(path);
        var ok = Run("mount", "-t tmpfs -o size=64k tmpfs " + path) == 0 && Run("umount", path) == 0;
        Directory.Delete(path);
        return ok;
    }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax, e.g. "1m") on <paramref name="path"/>.</summary>
    public static Mount Tmpfs(string path, string size)
    {
        if (Run("mount", $"-t tmpfs -o size={size} tmpfs {path}") != 0)
        {
            throw new InvalidOperationException("mount failed");
        }
        return new Mount(path);
    }

    /// <summary>Remounts with <paramref name="options"/> (e.g. "ro").</summary>
    public void Remount(string options)
    {
        if (Run("mount", $"-o remount,{options} {_path}") != 0)
        {
            throw new InvalidOperationException("remount failed");
        }
    }

    /// <summary>Unmounts lazily, so a file still open in the test does not keep the mount.</summary>
    public void Dispose() => Run("umount", "-l " + _path);

    private static int Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}

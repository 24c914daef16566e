using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Wmix.Hosting.Tests.Support;

/// <summary>
/// Keeps every repository of this test run out of the developer's home: unless a parent process chose one (for a
/// child worker), <c>WMIX_REPOSITORY</c> points at a fresh temporary directory before any test runs.
/// </summary>
internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Initialise()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WMIX_REPOSITORY")))
        {
            return;
        }
        var directory = Path.Combine(Path.GetTempPath(), "wmix-hosting-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Environment.SetEnvironmentVariable("WMIX_REPOSITORY", directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing used the default location.
            }
        };
    }
}

/// <summary>A fresh directory under the temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wmix-host-" + Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The repository directory the tests use inside it.</summary>
    public string Repository => System.IO.Path.Combine(Path, "repo");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A mount left behind by a failed test; the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException)
        {
            // A directory a test made read-only (non-root runs).
        }
    }
}

/// <summary>A tmpfs mounted for one test (needs root with CAP_SYS_ADMIN).</summary>
internal sealed class Mount : IDisposable
{
    private readonly string _path;

    private Mount(string path) => _path = path;

    public static bool Available { get; } = OperatingSystem.IsLinux() && Environment.UserName == "root" && Probe();

    public static string Reason => "needs root and the right to mount a tmpfs (CAP_SYS_ADMIN) to make a location read-only for root";

    private static bool Probe()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wmix-host-mount-probe-" + Environment.ProcessId);
        Directory.CreateDirectory(path);
        var ok = Run("mount", "-t tmpfs -o size=64k tmpfs " + path) == 0 && Run("umount", path) == 0;
        Directory.Delete(path);
        return ok;
    }

    public static Mount Tmpfs(string path, string size)
    {
        if (Run("mount", $"-t tmpfs -o size={size} tmpfs {path}") != 0)
        {
            throw new InvalidOperationException("mount failed");
        }
        return new Mount(path);
    }

    public void Remount(string options)
    {
        if (Run("mount", $"-o remount,{options} {_path}") != 0)
        {
            throw new InvalidOperationException("remount failed");
        }
    }

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

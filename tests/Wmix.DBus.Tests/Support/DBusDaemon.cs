using System.Diagnostics;

namespace Wmix.DBus.Tests.Support;

/// <summary>
/// A private, real message bus: Debian's <c>dbus-daemon</c> with the session configuration, listening on a socket
/// in a throwaway directory, killed (with its directory removed) on dispose. Tests skip only when the daemon is not
/// installed (.ci/packages installs it).
/// </summary>
public sealed class DBusDaemon : IDisposable
{
    public const string Executable = "/usr/bin/dbus-daemon";
    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private DBusDaemon(Process process, DirectoryInfo directory, string address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    /// <summary>The address the daemon printed, e.g. <c>unix:path=/tmp/…/bus,guid=…</c>.</summary>
    public string Address { get; }

    /// <summary>The daemon's socket path.</summary>
    public string SocketPath => Path.Combine(_directory.FullName, "bus");

    public int ProcessId => _process.Id;

    /// <summary>Starts a daemon (at <paramref name="address"/> when given, else a socket in a new temp directory) and waits until it listens.</summary>
    public static DBusDaemon Start(string? address = null)
    {
        if (!File.Exists(Executable))
        {
            Assert.Skip($"{Executable} is not installed (Debian package dbus-daemon; .ci/packages installs it).");
        }
        var directory = Directory.CreateTempSubdirectory("wmix-dbus");
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add("--session");
        info.ArgumentList.Add("--nofork");
        info.ArgumentList.Add("--print-address");
        info.ArgumentList.Add("--address=" + (address ?? "unix:path=" + Path.Combine(directory.FullName, "bus")));
        var process = Process.Start(info)!;
        // The daemon prints its address once it listens; that line is the readiness signal.
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(30)) || string.IsNullOrEmpty(line.Result))
        {
            process.Kill();
            process.Dispose();
            directory.Delete(true);
            throw new InvalidOperationException("dbus-daemon did not print its address: " + process.StandardError.ReadToEnd());
        }
        return new DBusDaemon(process, directory, line.Result.Trim());
    }

    /// <summary>Kills the daemon now (peers see their connections end).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        try
        {
            _directory.Delete(true);
        }
        catch (IOException)
        {
            // A socket left behind by a killed daemon is harmless in a temp directory.
        }
    }
}

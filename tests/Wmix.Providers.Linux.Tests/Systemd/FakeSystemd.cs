using System.Diagnostics;
using Wmix.DBus.Tests.Support;

namespace Wmix.Providers.Linux.Tests.Systemd;

/// <summary>
/// A private dbus-daemon with the scripted <c>org.freedesktop.systemd1</c> peer (fake_systemd.py, python3-dbus) on it.
/// Why a scripted peer: this machine has no systemd as PID 1, so there is no systemd to ask; the script models the
/// units and job semantics the backend relies on (see its docstring). Both processes are killed on dispose.
/// </summary>
internal sealed class FakeSystemd : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly DBusDaemon _daemon;
    private readonly Process _peer;

    private FakeSystemd(DBusDaemon daemon, Process peer)
    {
        _daemon = daemon;
        _peer = peer;
    }

    public string Address => _daemon.Address;

    public static FakeSystemd Start(bool jobSignals = true)
    {
        if (!File.Exists(Python))
        {
            Assert.Skip($"{Python} is not installed (Debian packages python3, python3-dbus, python3-gi; .ci/packages installs them).");
        }
        var daemon = DBusDaemon.Start();
        try
        {
            var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Systemd", "fake_systemd.py"));
            info.ArgumentList.Add(daemon.Address);
            if (!jobSignals)
            {
                info.ArgumentList.Add("--no-job-signals");
            }
            var peer = Process.Start(info)!;
            var line = peer.StandardOutput.ReadLineAsync();
            if (!line.Wait(TimeSpan.FromSeconds(60)) || line.Result != "READY")
            {
                var error = peer.HasExited ? peer.StandardError.ReadToEnd() : "no READY within 60 s";
                peer.Kill();
                peer.Dispose();
                if (error.Contains("No module named", StringComparison.Ordinal))
                {
                    Assert.Skip($"The scripted systemd peer needs python3-dbus and python3-gi: {error.Trim()}");
                }
                throw new InvalidOperationException("The scripted systemd peer did not start: " + error);
            }
            return new FakeSystemd(daemon, peer);
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

    /// <summary>Kills the bus (the peer follows): clients see their connection end.</summary>
    public void KillBus() => _daemon.Kill();

    public void Dispose()
    {
        try
        {
            _peer.Kill();
            _peer.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _peer.Dispose();
        _daemon.Dispose();
    }
}

using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Wmix.DBus;

namespace Wmix.Benchmarks;

/// <summary>
/// The D-Bus wire codec on in-memory input: a ListUnits reply (<c>a(ssssssouso)</c>) of <see cref="Units"/> units, as
/// systemd sends it, encoded and decoded; a GetAll reply (<c>a{sv}</c>) of a service's 40 properties. Baseline: encode.
/// </summary>
[MemoryDiagnoser]
public class DBusCodecBenchmarks
{
    private DBusMessage _listUnits = null!;
    private byte[] _listUnitsBytes = null!;
    private byte[] _getAllBytes = null!;

    /// <summary>Units in the ListUnits reply.</summary>
    [Params(20, 300)]
    public int Units { get; set; }

    /// <summary>Builds the replies.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var units = Enumerable.Range(0, Units).Select(i => (object)new DBusStruct(
            $"unit-{i}.service", $"Description of unit {i}", "loaded", i % 3 == 0 ? "inactive" : "active", i % 3 == 0 ? "dead" : "running", "",
            new DBusObjectPath($"/org/freedesktop/systemd1/unit/unit_2d{i}_2eservice"), 0u, "", new DBusObjectPath("/"))).ToArray();
        _listUnits = new DBusMessage { Type = DBusMessageType.MethodReturn, ReplySerial = 2, Sender = ":1.0", Signature = new("a(ssssssouso)"), Body = [units] };
        _listUnitsBytes = DBusMessageCodec.Encode(_listUnits, 5);
        var properties = new Dictionary<string, DBusVariant>();
        for (var i = 0; i < 30; i++)
        {
            properties["Text" + i] = new DBusVariant("s", "value " + i);
        }
        for (var i = 0; i < 8; i++)
        {
            properties["Number" + i] = new DBusVariant("t", (ulong)i * 1_000_000);
        }
        properties["ExecStart"] = new DBusVariant("a(sasbttttuii)", new object[]
        {
            new DBusStruct("/usr/sbin/sshd", new[] { "/usr/sbin/sshd", "-D" }, false, 0ul, 0ul, 0ul, 0ul, 0u, 0, 0),
        });
        properties["MainPID"] = new DBusVariant("u", 812u);
        _getAllBytes = DBusMessageCodec.Encode(new DBusMessage { Type = DBusMessageType.MethodReturn, ReplySerial = 3, Signature = new("a{sv}"), Body = [properties] }, 6);
    }

    /// <summary>Encodes the ListUnits reply.</summary>
    [Benchmark(Baseline = true)]
    public int EncodeListUnits() => DBusMessageCodec.Encode(_listUnits, 5).Length;

    /// <summary>Decodes (and validates) the ListUnits reply.</summary>
    [Benchmark]
    public int DecodeListUnits() => ((object[])DBusMessageCodec.Decode(_listUnitsBytes).Body[0]).Length;

    /// <summary>Decodes a GetAll reply and builds its property map.</summary>
    [Benchmark]
    public int DecodeGetAll() => DBusValues.ToPropertyMap(DBusMessageCodec.Decode(_getAllBytes).Body[0]).Count;
}

/// <summary>
/// Round trips through a real dbus-daemon on a private socket (started in setup, killed in cleanup): a call to the
/// bus (ListNames), and connect + authenticate + Hello + dispose, which the systemd backend does once per operation.
/// </summary>
[MemoryDiagnoser]
public class DBusBusBenchmarks
{
    private Process _daemon = null!;
    private string _directory = null!;
    private string _address = null!;
    private DBusConnection _connection = null!;

    /// <summary>Starts the daemon and one connection.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("wmix-dbus-bench").FullName;
        var info = new ProcessStartInfo("/usr/bin/dbus-daemon") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--session");
        info.ArgumentList.Add("--nofork");
        info.ArgumentList.Add("--print-address");
        info.ArgumentList.Add("--address=unix:path=" + Path.Combine(_directory, "bus"));
        _daemon = Process.Start(info)!;
        _address = _daemon.StandardOutput.ReadLine()!;
        _connection = DBusConnection.ConnectAsync(_address).GetAwaiter().GetResult();
    }

    /// <summary>Kills the daemon.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        _daemon.Kill();
        _daemon.WaitForExit();
        _daemon.Dispose();
        Directory.Delete(_directory, true);
    }

    /// <summary>One call and its reply.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ListNamesAsync() => ((object[])(await _connection.CallMethodAsync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ListNames"))[0]).Length;

    /// <summary>A whole connection's life: connect, SASL EXTERNAL, Hello, dispose.</summary>
    [Benchmark]
    public async Task<string?> ConnectHelloDisposeAsync()
    {
        await using var connection = await DBusConnection.ConnectAsync(_address);
        return connection.UniqueName;
    }
}

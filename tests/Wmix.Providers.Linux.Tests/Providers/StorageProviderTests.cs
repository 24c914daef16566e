using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32LogicalDiskContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_LogicalDisk";
    protected override CimProvider CreateProvider() => new StorageProvider();
    protected override IEnumerable<string> PushDownProperties => ["DeviceID", "FileSystem"];
}

public sealed class Win32VolumeContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_Volume";
    protected override CimProvider CreateProvider() => new StorageProvider();
    protected override IEnumerable<string> PushDownProperties => ["DeviceID", "Name"];
}

public sealed class Win32DiskDriveContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_DiskDrive";
    protected override CimProvider CreateProvider() => new StorageProvider();
    protected override IEnumerable<string> PushDownProperties => ["DeviceID", "Index"];
}

public sealed class StorageProviderTests : IDisposable
{
    private readonly Wmix.Engine.ObjectManager _manager = TestSupport.NewManager();
    private readonly Wmix.Engine.CimSession _session;

    public StorageProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private async Task<List<CimInstance>> AllAsync(string query) =>
        (await _session.QueryAsync(query, TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>().ToList();

    private static string RootLine() => File.ReadAllLines("/proc/self/mountinfo").Last(l => l.Split(' ')[4] == "/");

    [Fact]
    public async Task LogicalDisk_Root_MatchesStatvfsAndMountinfo()
    {
        var root = Assert.Single(await AllAsync("SELECT * FROM Win32_LogicalDisk WHERE DeviceID = '/'"));
        var fields = RootLine().Split(' ');
        Assert.Equal(fields[Array.IndexOf(fields, "-") + 1], root["FileSystem"]);
        // DriveInfo is .NET's own statvfs reading, independent of the provider's P/Invoke.
        var drive = new DriveInfo("/");
        Assert.Equal((ulong)drive.TotalSize, root["Size"]);
        var free = (ulong)root["FreeSpace"]!;
        Assert.InRange((double)free, drive.AvailableFreeSpace - drive.TotalSize * 0.02, drive.AvailableFreeSpace + drive.TotalSize * 0.02);
        Assert.Equal(3u, root["DriveType"]);
        Assert.Contains("CIM_LogicalDisk", root.Derivation);
    }

    [Fact]
    public async Task LogicalDisk_Enumerate_NoPseudoFilesystems()
    {
        var disks = await AllAsync("SELECT DeviceID, FileSystem FROM Win32_LogicalDisk");
        Assert.Contains(disks, d => (string)d["DeviceID"]! == "/");
        Assert.DoesNotContain(disks, d => (string)d["FileSystem"]! is "proc" or "sysfs" or "tmpfs" or "cgroup" or "cgroup2" or "devpts" or "devtmpfs");
    }

    [Fact]
    public async Task Volume_Root_IsSystemVolumeWithRootDevice()
    {
        var volumes = await AllAsync("SELECT * FROM Win32_Volume WHERE Name = '/'");
        var v = Assert.Single(volumes);
        var fields = RootLine().Split(' ');
        Assert.Equal(fields[Array.IndexOf(fields, "-") + 2], v["DeviceID"]);
        Assert.Equal(true, v["SystemVolume"]);
        Assert.Equal((ulong)new DriveInfo("/").TotalSize, v["Capacity"]);
    }

    [Fact]
    public async Task DiskDrive_Enumerate_MatchesSysBlock()
    {
        var drives = await AllAsync("SELECT * FROM Win32_DiskDrive");
        var expected = Directory.EnumerateFileSystemEntries("/sys/block")
            .Where(d => !(new DirectoryInfo(d).ResolveLinkTarget(true)?.FullName ?? d).Contains("/devices/virtual/", StringComparison.Ordinal))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(n => "/dev/" + n), drives.OrderBy(d => (uint)d["Index"]!).Select(d => (string)d["DeviceID"]!));
        foreach (var d in drives)
        {
            var name = ((string)d["DeviceID"]!)[5..];
            Assert.Equal(ulong.Parse(Text($"/sys/block/{name}/size"), System.Globalization.CultureInfo.InvariantCulture) * 512, d["Size"]);
            var serial = $"/sys/block/{name}/serial";
            if (File.Exists(serial))
            {
                Assert.Equal(Text(serial), d["SerialNumber"]);
            }
            var partitions = Directory.EnumerateDirectories($"/sys/block/{name}").Count(p => File.Exists(Path.Combine(p, "partition")));
            Assert.Equal((uint)partitions, d["Partitions"]);
        }
    }

    private static string Text(string path) => File.ReadAllText(path).Trim();

    [Fact]
    public void Parse_Mountinfo_KeepsRealFilesystemsOnly()
    {
        string[] lines =
        [
            "21 26 0:20 / /proc rw,relatime - proc proc rw",
            "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
            "27 26 254:0 /etc/hosts /etc/hosts rw - ext4 /dev/vda rw",
            "28 26 8:17 / /mnt/my\\040disk ro,relatime - vfat /dev/sdb1 ro",
            "29 26 0:50 / /srv/nfs rw - nfs4 server:/export rw",
            "30 26 0:24 / /run rw - tmpfs tmpfs rw",
            "31 26 0:33 /@home /home rw - btrfs /dev/sda2 rw",
        ];
        var mounts = MountSource.Parse(lines);
        Assert.Equal(["/", "/mnt/my disk", "/srv/nfs", "/home"], mounts.Select(m => m.MountPoint));
        Assert.True(mounts[1].ReadOnly);
        Assert.True(mounts[2].IsNetwork);
        Assert.Equal("server:/export", mounts[2].Source);
    }
}

using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// <c>Win32_LogicalDisk</c> and <c>Win32_Volume</c> from <c>/proc/self/mountinfo</c> and <c>statvfs</c> (see
/// <see cref="MountSource"/> for which mounts count as real filesystems).
/// </summary>
/// <remarks>
/// <para>Linux has no drive letters: WMI's <c>DeviceID</c> "C:" of <b>Win32_LogicalDisk</b> becomes the mount point
/// ("/", "/home", "/mnt/share"), one instance per mounted real filesystem; <c>Name</c>/<c>Caption</c> likewise.
/// <c>FileSystem</c> = the filesystem type; <c>Size</c> = statvfs blocks × fragment size; <c>FreeSpace</c> = the
/// space available to unprivileged users (as Windows reports the caller's free space, and df's "Avail");
/// <c>DriveType</c> 4 for network filesystems, 5 for iso9660/udf, 2 when the kernel marks the device removable,
/// else 3; <c>ProviderName</c> = the network source (<c>server:/export</c>); <c>VolumeName</c> = the filesystem label
/// from <c>/dev/disk/by-label</c>; <c>MaximumComponentLength</c> = statvfs name max; <c>Access</c> 1 (readable) for
/// read-only mounts, else 3. Compression, quota and dirty flags and the serial number stay NULL.</para>
/// <para><b>Win32_Volume</b>: one instance per block device with a mounted filesystem (network mounts are not
/// volumes); <c>DeviceID</c> = the device node ("/dev/vda1", where Windows has "\\?\Volume{guid}\"); <c>Name</c> =
/// its first mount point ("C:\" on Windows); <c>Capacity</c>/<c>FreeSpace</c> as above; <c>Label</c> as
/// <c>VolumeName</c>; <c>BlockSize</c> = the fragment size; <c>Automount</c> true (it is mounted);
/// <c>SystemVolume</c>/<c>BootVolume</c> true for the volume mounted at "/" (Linux boots and runs from its root
/// filesystem; a separate /boot is not distinguished). Unmounted volumes are not listed.</para>
/// <para><b>Win32_DiskDrive</b>: one instance per non-virtual whole disk in <c>/sys/block</c> (loop, zram, dm and
/// other devices under <c>/sys/devices/virtual</c> are not drives), in name order; <c>DeviceID</c>/<c>Name</c> = the
/// device node ("/dev/sda", where Windows has "\\.\PHYSICALDRIVE0"); <c>Index</c> = the position in that order;
/// <c>Size</c> = sectors × 512 (the kernel's <c>size</c> is always in 512-byte units); <c>BytesPerSector</c> = the
/// logical block size; <c>TotalSectors</c> = Size / BytesPerSector; <c>Partitions</c> = its partition entries;
/// <c>Model</c>/<c>Manufacturer</c>/<c>FirmwareRevision</c> from <c>device/model</c>, <c>device/vendor</c>,
/// <c>device/rev</c> (or <c>firmware_rev</c>); <c>SerialNumber</c> from <c>serial</c> or <c>device/serial</c>;
/// <c>MediaType</c> "Removable Media" or "Fixed hard disk media"; <c>InterfaceType</c> as Windows reports the bus:
/// "USB", "IDE" for ATA/SATA, "SCSI" for SCSI, SAS, NVMe and virtio (Windows' virtio and NVMe drivers present SCSI
/// disks), NULL otherwise. CHS geometry, signature and SCSI addresses stay NULL.</para>
/// </remarks>
public sealed class StorageProvider : CimProvider
{
    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Storage";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        .. StorageSchema.Parents.Select(c => new ProviderClassRegistration(CimSchema.Namespace, c, ProviderCapabilities.None)),
        new(CimSchema.Namespace, StorageSchema.LogicalDisk),
        new(CimSchema.Namespace, StorageSchema.Volume),
        new(CimSchema.Namespace, StorageSchema.DiskDrive),
    ];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        return EnumerateAsync(Enumerate(cls, cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<CimInstance> EnumerateAsync(IEnumerable<CimInstance> items,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        // A cancellation after the last item still ends the call as cancelled (a machine may have one filesystem).
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    internal static IEnumerable<CimInstance> Enumerate(CimClass cls, CancellationToken cancellationToken)
    {
        var host = HostInfo.HostName;
        var mounts = MountSource.Mounts();
        if (CimNames.AreEqual(cls.Name, "Win32_LogicalDisk"))
        {
            foreach (var m in mounts)
            {
                // statvfs per item, between cancellation checks: a hung network mount blocks only its own item.
                cancellationToken.ThrowIfCancellationRequested();
                yield return LogicalDisk(cls, m, host);
            }
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_Volume"))
        {
            foreach (var group in mounts.Where(m => !m.IsNetwork).GroupBy(m => m.Device))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Volume(cls, group.ToList(), host);
            }
        }
        else if (CimNames.AreEqual(cls.Name, "Win32_DiskDrive"))
        {
            foreach (var d in DiskDrives(cls, host, cancellationToken))
            {
                yield return d;
            }
        }
    }

    private static IEnumerable<CimInstance> DiskDrives(CimClass cls, string host, CancellationToken cancellationToken)
    {
        const string blocks = "/sys/block";
        if (!Directory.Exists(blocks))
        {
            yield break;
        }
        var index = 0u;
        foreach (var dir in Directory.EnumerateFileSystemEntries(blocks).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var real = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;
            if (real.Contains("/devices/virtual/", StringComparison.Ordinal))
            {
                continue;
            }
            var name = Path.GetFileName(dir);
            var node = "/dev/" + name;
            var i = cls.SpawnInstance();
            i["DeviceID"] = node;
            i["Name"] = node;
            i["Index"] = index++;
            i["CreationClassName"] = "Win32_DiskDrive";
            i["SystemCreationClassName"] = "Win32_ComputerSystem";
            i["SystemName"] = host;
            var model = SystemSource.ReadTrimmed(Path.Combine(dir, "device/model"));
            i["Model"] = model;
            i["Caption"] = model ?? node;
            i["Manufacturer"] = SystemSource.ReadTrimmed(Path.Combine(dir, "device/vendor"));
            i["FirmwareRevision"] = SystemSource.ReadTrimmed(Path.Combine(dir, "device/rev")) ?? SystemSource.ReadTrimmed(Path.Combine(dir, "device/firmware_rev"));
            i["SerialNumber"] = SystemSource.ReadTrimmed(Path.Combine(dir, "serial")) ?? SystemSource.ReadTrimmed(Path.Combine(dir, "device/serial"));
            var removable = SystemSource.ReadTrimmed(Path.Combine(dir, "removable")) == "1";
            i["MediaType"] = removable ? "Removable Media" : "Fixed hard disk media";
            i["Description"] = "Disk drive";
            i["MediaLoaded"] = true;
            var readOnly = SystemSource.ReadTrimmed(Path.Combine(dir, "ro")) == "1";
            i["Capabilities"] = removable ? (readOnly ? new ushort[] { 3, 7 } : new ushort[] { 3, 4, 7 }) : (readOnly ? new ushort[] { 3 } : new ushort[] { 3, 4 });
            i["InterfaceType"] = real.Contains("/usb", StringComparison.Ordinal) ? "USB"
                : real.Contains("/ata", StringComparison.Ordinal) ? "IDE"
                : real.Contains("/nvme", StringComparison.Ordinal) || real.Contains("/virtio", StringComparison.Ordinal) || real.Contains("/host", StringComparison.Ordinal) ? "SCSI"
                : null;
            if (ulong.TryParse(SystemSource.ReadTrimmed(Path.Combine(dir, "size")), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sectors))
            {
                var size = sectors * 512;
                i["Size"] = size;
                if (uint.TryParse(SystemSource.ReadTrimmed(Path.Combine(dir, "queue/logical_block_size")), System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out var bytesPerSector) && bytesPerSector > 0)
                {
                    i["BytesPerSector"] = bytesPerSector;
                    i["TotalSectors"] = size / bytesPerSector;
                }
            }
            i["Partitions"] = (uint)Directory.EnumerateDirectories(dir).Count(d => File.Exists(Path.Combine(d, "partition")));
            i["Status"] = "OK";
            yield return i;
        }
    }

    private static uint DriveType(LinuxMount m) =>
        m.IsNetwork ? 4u : m.FileSystem is "iso9660" or "udf" ? 5u : MountSource.IsRemovable(m.Device) ? 2u : 3u;

    private static CimInstance LogicalDisk(CimClass cls, LinuxMount m, string host)
    {
        var i = cls.SpawnInstance();
        i["DeviceID"] = m.MountPoint;
        i["Name"] = m.MountPoint;
        i["Caption"] = m.MountPoint;
        i["CreationClassName"] = "Win32_LogicalDisk";
        i["SystemCreationClassName"] = "Win32_ComputerSystem";
        i["SystemName"] = host;
        i["FileSystem"] = m.FileSystem;
        var type = DriveType(m);
        i["DriveType"] = type;
        i["Description"] = type switch
        {
            2 => "Removable Disk",
            4 => "Network Connection",
            5 => "CD-ROM Disc",
            _ => "Local Fixed Disk",
        };
        i["Access"] = m.ReadOnly ? (ushort)1 : (ushort)3;
        if (m.IsNetwork)
        {
            i["ProviderName"] = m.Source;
        }
        else
        {
            i["VolumeName"] = MountSource.Label(m.Source);
        }
        if (MountSource.Space(m.MountPoint) is { } s)
        {
            i["Size"] = s.Size;
            i["FreeSpace"] = s.Available;
            i["MaximumComponentLength"] = s.MaxNameLength;
        }
        return i;
    }

    private static CimInstance Volume(CimClass cls, IReadOnlyList<LinuxMount> mounts, string host)
    {
        var m = mounts[0];
        var i = cls.SpawnInstance();
        var isRoot = mounts.Any(x => x.MountPoint == "/");
        var name = isRoot ? "/" : m.MountPoint;
        i["DeviceID"] = m.Source;
        i["Name"] = name;
        i["Caption"] = name;
        i["CreationClassName"] = "Win32_Volume";
        i["SystemCreationClassName"] = "Win32_ComputerSystem";
        i["SystemName"] = host;
        i["FileSystem"] = m.FileSystem;
        i["DriveType"] = DriveType(m);
        i["Label"] = MountSource.Label(m.Source);
        i["Automount"] = true;
        i["SystemVolume"] = isRoot;
        i["BootVolume"] = isRoot;
        i["Access"] = m.ReadOnly ? (ushort)1 : (ushort)3;
        if (MountSource.Space(name) is { } s)
        {
            i["Capacity"] = s.Size;
            i["FreeSpace"] = s.Available;
            i["BlockSize"] = s.BlockSize;
            i["MaximumFileNameLength"] = s.MaxNameLength;
        }
        return i;
    }
}

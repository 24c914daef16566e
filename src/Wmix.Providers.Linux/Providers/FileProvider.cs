using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Events;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Providers;

/// <summary>Options of <see cref="FileProvider"/>.</summary>
public sealed record FileProviderOptions
{
    /// <summary>Unrestricted enumerations walk the whole machine from "/".</summary>
    public static FileProviderOptions Default { get; } = new();

    /// <summary>
    /// Where an enumeration without a usable WHERE restriction starts its walk (default "/"). Names stay absolute
    /// paths and restricted queries, Get and events reach anywhere; this only bounds the walk.
    /// </summary>
    public string ScanRoot { get; init; } = "/";
}

/// <summary>
/// <c>CIM_DataFile</c> and <c>Win32_Directory</c> (with abstract <c>CIM_Directory</c>) over the Linux file system, the
/// associations <c>CIM_DirectoryContainsFile</c> and <c>Win32_SubDirectory</c>, and their instance events from inotify.
/// </summary>
/// <remarks>
/// <para><b>Names.</b> The key <c>Name</c> is the absolute path ("/etc/hosts"), exactly as the kernel spells it: Linux
/// paths are case-sensitive, so nothing is case-folded and <c>Name = '/ETC/HOSTS'</c> does not find
/// <c>/etc/hosts</c>. (WMI's object paths compare keys case-insensitively, so two entries whose names differ only in
/// case share one canonical path; Get and push-down use the exact spelling.) <c>Drive</c> is "" (no drive letters);
/// <c>Path</c> is the directory with a trailing "/" ("/etc/"; "/" for top-level entries and for "/" itself);
/// <c>FileName</c>/<c>Extension</c> split the last segment at its last dot, without the dot, a leading dot starting no
/// extension (".bashrc"); <c>Caption</c>/<c>Description</c> = <c>Name</c>.</para>
/// <para><b>Properties.</b> From <c>statx(2)</c> of the entry itself: <c>FileSize</c>, <c>LastAccessed</c>,
/// <c>LastModified</c>, <c>CreationDate</c> (birth time when the filesystem records it, else NULL);
/// <c>Readable</c>/<c>Writeable</c> and <c>AccessMask</c> from <c>faccessat(2)</c> for the caller's effective ids (see
/// <see cref="FileSource"/>); <c>Hidden</c> = the name starts with "."; <c>Compressed</c>/<c>Encrypted</c> from the
/// statx attributes when the filesystem reports them, else NULL; <c>FSName</c> the filesystem type from
/// <c>/proc/self/mountinfo</c>; <c>FileType</c> "File Folder", "Symbolic Link", "FIFO", "Socket", "Character Device",
/// "Block Device", or for regular files "&lt;EXT&gt; File" / "File" (Windows' wording for unregistered types).
/// <c>System</c>, <c>Archive</c> (no such attributes), <c>InstallDate</c>, <c>InUseCount</c>,
/// <c>EightDotThreeFileName</c>, the compression/encryption methods, <c>Manufacturer</c> and <c>Version</c> stay
/// NULL.</para>
/// <para><b>Links.</b> Never followed. A symbolic link is a <c>CIM_DataFile</c> of its own whatever it points at
/// (<c>FileType</c> "Symbolic Link", <c>FileSize</c> the length of its target text, times of the link); only
/// <c>Readable</c>/<c>Writeable</c> answer for the target (what opening the name gives). Directories are
/// <c>Win32_Directory</c>; every other entry (devices, sockets, FIFOs) is a <c>CIM_DataFile</c>.</para>
/// <para><b>Enumeration.</b> WHERE push-down (see <see cref="FileScope"/>): <c>Name = …</c> reads those entries,
/// <c>Path = …</c> lists one directory, <c>Drive</c> is "" or nothing, <c>FileName</c>/<c>Extension</c> ride on a
/// <c>Path</c>, and ORs of these are unions. Anything else walks the tree from <see cref="FileProviderOptions.ScanRoot"/>
/// depth first in name order, crossing into other local filesystems (tmpfs included) but never into pseudo
/// filesystems (proc, sysfs, cgroup, devtmpfs, …) or network filesystems, never following links, skipping
/// unreadable directories, and checking cancellation before every entry.</para>
/// <para><b>Associations.</b> Under <c>ASSOCIATORS OF</c>/<c>REFERENCES OF</c> the engine names the source object,
/// so a directory lists only itself (its entries and its parent); a plain enumeration of an association walks like
/// the classes do. <c>CIM_DirectoryContainsFile</c> links a directory to its non-directory entries,
/// <c>Win32_SubDirectory</c> to its subdirectories.</para>
/// <para><b>Events.</b> A subscription whose condition restricts <c>TargetInstance.Path</c> or
/// <c>TargetInstance.Name</c> (also with <c>Drive</c> and ORs) is served from inotify (<see cref="FileEventMonitor"/>):
/// every entry created, deleted or changed in the watched directories is reported, however short its life. Other
/// file event subscriptions get the engine's WITHIN polling.</para>
/// <para><b>Methods.</b> <c>Delete</c>, <c>Rename</c> and <c>Copy</c> (see <see cref="InvokeMethodAsync"/>).</para>
/// </remarks>
public sealed partial class FileProvider : CimProvider
{
    private readonly FileProviderOptions _options;

    /// <summary>A provider with <paramref name="options"/> (default: walks from "/").</summary>
    public FileProvider(FileProviderOptions? options = null)
    {
        _options = options ?? FileProviderOptions.Default;
        Events = new FileEventMonitor(HostInfo.HostName);
    }

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Files";

    /// <summary>The inotify monitor shared by this provider's subscriptions.</summary>
    internal FileEventMonitor Events { get; }

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        // Abstract: enumerating it yields nothing of its own (the engine asks Win32_Directory for its instances).
        new(CimSchema.Namespace, FileSchema.CimDirectory),
        new(CimSchema.Namespace, FileSchema.Directory, ProviderCapabilities.Enumerate | ProviderCapabilities.Get | ProviderCapabilities.Methods),
        new(CimSchema.Namespace, FileSchema.DataFile, ProviderCapabilities.Enumerate | ProviderCapabilities.Get | ProviderCapabilities.Methods),
        new(CimSchema.Namespace, FileSchema.DirectoryContainsFile),
        new(CimSchema.Namespace, FileSchema.SubDirectory),
    ];

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cls);
        IEnumerable<CimInstance> items = Kind(cls) switch
        {
            FileClass.DataFile or FileClass.Directory => Entries(cls, FileScope.Of(context.Query?.Where), cancellationToken),
            FileClass.ContainsFile or FileClass.SubDirectory => Links(cls, context.AssociationSource, cancellationToken),
            _ => [],
        };
        return EnumerateAsync(items, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(path);
        cancellationToken.ThrowIfCancellationRequested();
        var kind = Kind(cls);
        if (kind is FileClass.DataFile or FileClass.Directory)
        {
            return ValueTask.FromResult(Key(path, "Name") is { } name ? Entry(cls, name, MountTable.Read()) : null);
        }
        if (kind is FileClass.ContainsFile or FileClass.SubDirectory
            && Reference(path, "GroupComponent") is { } group && Reference(path, "PartComponent") is { } part
            && group != part && FileSource.ParentOf(part) == group)
        {
            var mounts = MountTable.Read();
            var wantDirectory = kind == FileClass.SubDirectory;
            if (FileSource.Read(group, mounts) is { IsDirectory: true } && FileSource.Read(part, mounts) is { } entry && entry.IsDirectory == wantDirectory)
            {
                return ValueTask.FromResult<CimInstance?>(FileInstances.Link(cls, group, part, wantDirectory));
            }
        }
        return ValueTask.FromResult<CimInstance?>(null);
    }

    /// <inheritdoc />
    /// <remarks>True for CIM_DataFile and Win32_Directory when the condition restricts <c>TargetInstance.Path</c> or <c>.Name</c>.</remarks>
    public override bool AcceptsInstanceEvents(string @namespace, CimClass targetClass, WqlEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(targetClass);
        ArgumentNullException.ThrowIfNull(query);
        return Kind(targetClass) is FileClass.DataFile or FileClass.Directory && FileScope.Of(query.Where, "TargetInstance") is not null;
    }

    /// <inheritdoc />
    public override IDisposable SubscribeInstanceEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sink);
        var cls = context.TargetClass ?? throw new ArgumentException("The context names no target class.", nameof(context));
        var scope = FileScope.Of(context.Query?.Where, "TargetInstance") ?? FileScope.Empty;
        var directories = scope.Directories.Concat(scope.Names.Where(n => n != "/").Select(FileSource.ParentOf)).Distinct(StringComparer.Ordinal).ToList();
        return Events.Subscribe(directories, new FileEventMonitor.Subscriber(cls, Kind(cls) == FileClass.Directory, context, sink));
    }

    private static async IAsyncEnumerable<CimInstance> EnumerateAsync(IEnumerable<CimInstance> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
    }

    private IEnumerable<CimInstance> Entries(CimClass cls, FileScope? scope, CancellationToken cancellationToken)
    {
        var host = HostInfo.HostName;
        var mounts = MountTable.Read();
        var wantDirectories = Kind(cls) == FileClass.Directory;
        IEnumerable<LinuxFileFacts> facts;
        if (scope is null)
        {
            facts = FileSource.Walk(_options.ScanRoot, mounts, cancellationToken);
        }
        else
        {
            facts = Scoped(scope, mounts, wantDirectories, cancellationToken);
        }
        foreach (var f in facts)
        {
            if (f.IsDirectory == wantDirectories)
            {
                yield return FileInstances.Build(cls, f, host);
            }
        }
    }

    private static IEnumerable<LinuxFileFacts> Scoped(FileScope scope, MountTable mounts, bool wantDirectories, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in scope.Names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (seen.Add(name) && FileSource.Read(name, mounts) is { } f)
            {
                yield return f;
            }
        }
        foreach (var directory in scope.Directories)
        {
            // "/" has Path "/" like the top-level entries (as WMI's C:\ has Path "\").
            if (directory == "/" && wantDirectories && seen.Add("/") && FileSource.Read("/", mounts) is { } root)
            {
                yield return root;
            }
            foreach (var f in FileSource.List(directory, mounts, cancellationToken))
            {
                if (seen.Add(f.FullName))
                {
                    yield return f;
                }
            }
        }
    }

    private IEnumerable<CimInstance> Links(CimClass cls, CimInstance? source, CancellationToken cancellationToken)
    {
        var wantDirectories = Kind(cls) == FileClass.SubDirectory;
        var mounts = MountTable.Read();
        if (source is null)
        {
            foreach (var f in FileSource.Walk(_options.ScanRoot, mounts, cancellationToken))
            {
                if (f.FullName != "/" && f.IsDirectory == wantDirectories && f.FullName != _options.ScanRoot)
                {
                    yield return FileInstances.Link(cls, FileSource.ParentOf(f.FullName), f.FullName, wantDirectories);
                }
            }
            yield break;
        }
        if (source.GetValue("Name") is not string name || !FileSource.IsCanonical(name))
        {
            yield break;
        }
        var sourceIsDirectory = source.IsA("CIM_Directory");
        // The source as a part: its link to its parent directory.
        if (name != "/" && sourceIsDirectory == wantDirectories)
        {
            yield return FileInstances.Link(cls, FileSource.ParentOf(name), name, wantDirectories);
        }
        // The source as a group: its entries of the right kind.
        if (sourceIsDirectory)
        {
            foreach (var f in FileSource.List(name, mounts, cancellationToken))
            {
                if (f.IsDirectory == wantDirectories)
                {
                    yield return FileInstances.Link(cls, name, f.FullName, wantDirectories);
                }
            }
        }
    }

    private static CimInstance? Entry(CimClass cls, string name, MountTable mounts) =>
        FileSource.IsCanonical(name) && FileSource.Read(name, mounts) is { } f && f.IsDirectory == (Kind(cls) == FileClass.Directory)
            ? FileInstances.Build(cls, f, HostInfo.HostName)
            : null;

    private static string? Key(CimObjectPath path, string name)
    {
        foreach (var key in path.Keys)
        {
            if (CimNames.AreEqual(key.Name, name) || (path.Keys.Count == 1 && key.Name is null or ""))
            {
                return key.Value as string;
            }
        }
        return null;
    }

    /// <summary>The Name key of the object a reference key names, or null.</summary>
    private static string? Reference(CimObjectPath path, string role)
    {
        foreach (var key in path.Keys)
        {
            if (CimNames.AreEqual(key.Name, role))
            {
                // Typed paths carry references as paths; raw text is parsed here.
                return key.Value switch
                {
                    CimObjectPath target => Key(target, "Name"),
                    string text when CimObjectPath.TryParse(text, out var target) => Key(target, "Name"),
                    _ => null,
                };
            }
        }
        return null;
    }

    private enum FileClass
    {
        Other,
        DataFile,
        Directory,
        ContainsFile,
        SubDirectory,
    }

    private static FileClass Kind(CimClass cls) =>
        cls.Name.ToUpperInvariant() switch
        {
            "CIM_DATAFILE" => FileClass.DataFile,
            "WIN32_DIRECTORY" => FileClass.Directory,
            "CIM_DIRECTORYCONTAINSFILE" => FileClass.ContainsFile,
            "WIN32_SUBDIRECTORY" => FileClass.SubDirectory,
            _ => FileClass.Other,
        };
}

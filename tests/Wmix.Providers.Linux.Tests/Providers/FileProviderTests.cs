using System.Runtime.InteropServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Interop;
using Wmix.Providers.Linux.Providers;

namespace Wmix.Providers.Linux.Tests.Providers;

/// <summary>A temporary directory tree, removed on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Root = Directory.CreateTempSubdirectory("wmix-files-").FullName;
    }

    /// <summary>The root (absolute, canonical).</summary>
    public string Root { get; }

    public string File(string relative, string content = "x")
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string Dir(string relative) => Directory.CreateDirectory(Path.Combine(Root, relative)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a test may have left a read-only or busy entry.
        }
    }

    /// <summary>A small tree: files with and without extensions, a dotfile, subdirectories, a link to a file, a link to a directory, a dangling link and a link loop.</summary>
    public static TempTree Sample()
    {
        var t = new TempTree();
        t.File("a.txt", "hello");
        t.File("archive.tar.gz", new string('z', 1000));
        t.File("README");
        t.File(".hidden");
        t.File("sub/inner.log", "log");
        t.File("sub/deeper/leaf.dat", "leaf");
        t.Dir("empty.d");
        System.IO.File.CreateSymbolicLink(Path.Combine(t.Root, "link-to-a"), Path.Combine(t.Root, "a.txt"));
        Directory.CreateSymbolicLink(Path.Combine(t.Root, "link-to-sub"), Path.Combine(t.Root, "sub"));
        System.IO.File.CreateSymbolicLink(Path.Combine(t.Root, "dangling"), Path.Combine(t.Root, "nothing-here"));
        // A loop: sub/deeper/up points back at the root; a walk that followed it would never end.
        Directory.CreateSymbolicLink(Path.Combine(t.Root, "sub", "deeper", "up"), t.Root);
        return t;
    }
}

/// <summary>Object managers with the file provider walking a temporary tree.</summary>
internal static class FileTestSupport
{
    public static (ObjectManager Manager, FileProvider Provider) NewManager(string scanRoot)
    {
        var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        var provider = new FileProvider(new FileProviderOptions { ScanRoot = scanRoot });
        manager.RegisterProvider(new CimSchemaProvider());
        manager.RegisterProvider(provider);
        return (manager, provider);
    }
}

public sealed class CimDataFileContractTests : ProviderContractTests
{
    private static readonly TempTree s_tree = TempTree.Sample();

    protected override string ClassName => "CIM_DataFile";
    protected override CimProvider CreateProvider() => new FileProvider(new FileProviderOptions { ScanRoot = s_tree.Root });
    protected override LinuxProviderOptions Options => new() { Files = new FileProviderOptions { ScanRoot = s_tree.Root } };
    protected override IEnumerable<string> PushDownProperties => ["Name", "Path", "Drive"];
}

public sealed class Win32DirectoryContractTests : ProviderContractTests
{
    private static readonly TempTree s_tree = TempTree.Sample();

    protected override string ClassName => "Win32_Directory";
    protected override CimProvider CreateProvider() => new FileProvider(new FileProviderOptions { ScanRoot = s_tree.Root });
    protected override LinuxProviderOptions Options => new() { Files = new FileProviderOptions { ScanRoot = s_tree.Root } };
    protected override IEnumerable<string> PushDownProperties => ["Name", "Path", "Drive"];

    // The scan root's own Path is its parent, whose listing reaches beyond the walk: samples come from inside the tree.
    protected override IEnumerable<CimInstance> PickSamples(IReadOnlyList<CimInstance> all) =>
        all.Where(i => (string)i["Name"]! != s_tree.Root).Take(3);
}

public sealed class FileProviderTests : IDisposable
{
    private readonly TempTree _tree = TempTree.Sample();
    private readonly ObjectManager _manager;
    private readonly CimSession _session;

    public FileProviderTests()
    {
        (_manager, _) = FileTestSupport.NewManager(_tree.Root);
        _session = _manager.OpenSession(@"root\cimv2");
    }

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
        _tree.Dispose();
    }

    private async Task<List<CimInstance>> QueryAsync(string wql) =>
        (await _session.QueryAsync(wql, TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>().ToList();

    private static string Literal(string s) => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private static string? Cim(DateTimeOffset? t) => t is { } v ? CimDateTime.FromDateTimeOffset(v.ToLocalTime()).ToString() : null;

    private static DateTimeOffset Time(Libc.StatxTimestamp t) => DateTimeOffset.FromUnixTimeSeconds(t.Seconds).AddTicks(t.Nanoseconds / 100);

    [Fact]
    public async Task Get_RegularFile_EveryPropertyMatchesStatx()
    {
        var path = Path.Combine(_tree.Root, "archive.tar.gz");
        var file = (CimInstance)await _session.GetAsync($"CIM_DataFile.Name={Literal(path).Replace('\'', '"')}", TestContext.Current.CancellationToken);
        Assert.Equal(0, Libc.statx(Libc.AT_FDCWD, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS | Libc.STATX_BTIME, out var st));
        Assert.Equal(path, file["Name"]);
        Assert.Equal(path, file["Caption"]);
        Assert.Equal("", file["Drive"]);
        Assert.Equal(_tree.Root + "/", file["Path"]);
        Assert.Equal("archive.tar", file["FileName"]);
        Assert.Equal("gz", file["Extension"]);
        Assert.Equal(1000UL, file["FileSize"]);
        Assert.Equal(st.Size, file["FileSize"]);
        Assert.Equal(Cim(Time(st.ModifyTime)), file["LastModified"]);
        Assert.Equal(Cim(Time(st.AccessTime)), file["LastAccessed"]);
        Assert.Equal((st.Mask & Libc.STATX_BTIME) != 0 ? Cim(Time(st.BirthTime)) : null, file["CreationDate"]);
        Assert.Null(file["InstallDate"]);
        Assert.Equal(true, file["Readable"]);
        Assert.Equal(true, file["Writeable"]);
        Assert.Equal(false, file["Hidden"]);
        Assert.Null(file["System"]);
        Assert.Null(file["Archive"]);
        Assert.Equal("GZ File", file["FileType"]);
        Assert.Equal("CIM_DataFile", file["CreationClassName"]);
        Assert.Equal("Win32_ComputerSystem", file["CSCreationClassName"]);
        Assert.Equal(Wmix.Providers.Linux.Sources.HostInfo.HostName, file["CSName"]);
        Assert.Equal("Win32_FileSystem", file["FSCreationClassName"]);
        Assert.Equal(FsTypeOf(path), file["FSName"]);
        Assert.Equal("OK", file["Status"]);
        var mask = (uint)file["AccessMask"]!;
        Assert.Equal(0x3u, mask & 0x3u); // read and write data
        Assert.Equal(0x10000u, mask & 0x10000u); // the temp directory is writable: DELETE
        Assert.Equal(0u, mask & 0x20u); // written with mode 0644: not executable
    }

    /// <summary>The filesystem type of the mount holding <paramref name="path"/>: the longest mount point that is a prefix (an independent reading of mountinfo).</summary>
    private static string FsTypeOf(string path)
    {
        var best = ("", "");
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var f = line.Split(' ');
            var point = f[4].Replace("\\040", " ", StringComparison.Ordinal);
            var type = f[Array.IndexOf(f, "-") + 1];
            if ((path == point || path.StartsWith(point.TrimEnd('/') + "/", StringComparison.Ordinal)) && point.Length >= best.Item1.Length)
            {
                best = (point, type);
            }
        }
        return best.Item2;
    }

    [Fact]
    public async Task Get_Directory_IsWin32DirectoryWithFolderType()
    {
        var sub = Path.Combine(_tree.Root, "sub");
        var dir = (CimInstance)await _session.GetAsync($"Win32_Directory.Name=\"{sub}\"", TestContext.Current.CancellationToken);
        Assert.Equal("Win32_Directory", dir.ClassName);
        Assert.Contains("CIM_Directory", dir.Derivation);
        Assert.Contains("CIM_LogicalFile", dir.Derivation);
        Assert.Equal("File Folder", dir["FileType"]);
        Assert.Equal("sub", dir["FileName"]);
        Assert.Equal(0x40u, (uint)dir["AccessMask"]! & 0x40u); // writable directory: delete child
        // A file is not a directory and a directory is not a data file.
        await Assert.ThrowsAsync<WbemException>(() => _session.GetAsync($"CIM_DataFile.Name=\"{sub}\"", TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<WbemException>(() => _session.GetAsync($"Win32_Directory.Name=\"{_tree.Root}/a.txt\"", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Get_CaseDifferentName_NotFound()
    {
        var e = await Assert.ThrowsAsync<WbemException>(() => _session.GetAsync($"CIM_DataFile.Name=\"{_tree.Root}/A.TXT\"", TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
    }

    [Fact]
    public async Task Query_HiddenFileAndNoExtension_SplitLikeLinux()
    {
        var hidden = Assert.Single(await QueryAsync($"SELECT * FROM CIM_DataFile WHERE Name = {Literal(_tree.Root + "/.hidden")}"));
        Assert.Equal(true, hidden["Hidden"]);
        Assert.Equal(".hidden", hidden["FileName"]);
        Assert.Equal("", hidden["Extension"]);
        var readme = Assert.Single(await QueryAsync($"SELECT * FROM CIM_DataFile WHERE Name = {Literal(_tree.Root + "/README")}"));
        Assert.Equal("README", readme["FileName"]);
        Assert.Equal("", readme["Extension"]);
        Assert.Equal("File", readme["FileType"]);
    }

    [Fact]
    public async Task Query_SymbolicLinks_AreDataFilesOfTheirOwn()
    {
        var links = await QueryAsync($"SELECT * FROM CIM_DataFile WHERE Path = {Literal(_tree.Root + "/")} AND FileType = 'Symbolic Link'");
        Assert.Equal(["dangling", "link-to-a", "link-to-sub"], links.Select(l => (string)l["FileName"]!).Order(StringComparer.Ordinal));
        var toA = links.Single(l => (string)l["FileName"]! == "link-to-a");
        Assert.Equal((ulong)(_tree.Root + "/a.txt").Length, toA["FileSize"]); // the length of the target text, not of a.txt
        Assert.Equal(true, toA["Readable"]); // through the link
        Assert.Equal(false, links.Single(l => (string)l["FileName"]! == "dangling")["Readable"]);
        // The directory link is not a directory and is not entered.
        var dirs = await QueryAsync($"SELECT Name FROM Win32_Directory WHERE Path = {Literal(_tree.Root + "/")}");
        Assert.DoesNotContain(dirs, d => ((string)d["Name"]!).EndsWith("link-to-sub", StringComparison.Ordinal));
        Assert.Empty(await QueryAsync($"SELECT * FROM CIM_DataFile WHERE Path = {Literal(_tree.Root + "/link-to-sub/")}"));
    }

    [Fact]
    public async Task Enumerate_WithLinkLoop_FinishesWithoutFollowingLinks()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        var files = await _session.InstancesAsync("CIM_DataFile", deep: false, cts.Token).ToListAsync();
        var names = files.Select(f => (string)f["Name"]!).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(_tree.Root + "/sub/deeper/up", names); // the loop link itself, as a file
        Assert.Contains(_tree.Root + "/sub/deeper/leaf.dat", names);
        Assert.DoesNotContain(names, n => n.Contains("/up/", StringComparison.Ordinal) || n.Contains("/link-to-sub/", StringComparison.Ordinal));
        // Exactly what `find -P` sees: every non-directory entry.
        Assert.Equal(Find(_tree.Root, "!", "-type", "d"), names.Order(StringComparer.Ordinal));
        var directories = (await _session.InstancesAsync("Win32_Directory", deep: false, cts.Token).ToListAsync()).Select(d => (string)d["Name"]!);
        Assert.Equal(Find(_tree.Root, "-type", "d"), directories.Order(StringComparer.Ordinal));
    }

    /// <summary>The paths <c>find -P root …</c> prints (never following links), ordinal order.</summary>
    private static List<string> Find(string root, params string[] test)
    {
        var info = new System.Diagnostics.ProcessStartInfo("find") { RedirectStandardOutput = true };
        info.ArgumentList.Add("-P");
        info.ArgumentList.Add(root);
        foreach (var t in test)
        {
            info.ArgumentList.Add(t);
        }
        using var p = System.Diagnostics.Process.Start(info)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        return [.. lines.Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Enumerate_Directories_IncludeRootOfScanAndEveryRealDirectory()
    {
        var dirs = (await _session.InstancesAsync("CIM_Directory", deep: true, TestContext.Current.CancellationToken).ToListAsync())
            .Select(d => (string)d["Name"]!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { _tree.Root, _tree.Root + "/empty.d", _tree.Root + "/sub", _tree.Root + "/sub/deeper" }, dirs);
    }

    [Theory]
    [InlineData("Path = '{0}/'")]
    [InlineData("Path = '{0}/' AND Extension = 'txt'")]
    [InlineData("Path = '{0}/' AND FileName = 'README'")]
    [InlineData("Name = '{0}/a.txt' OR Name = '{0}/sub/inner.log'")]
    [InlineData("Name = '{0}/sub'")]
    [InlineData("Path = '{0}/sub/' OR Name = '{0}/a.txt'")]
    [InlineData("Drive = '' AND Path = '{0}/sub/deeper/'")]
    [InlineData("Drive = 'c:'")]
    [InlineData("Name = '{0}/nothing'")]
    public async Task Query_PushedDown_SameAsScanOfTree(string condition)
    {
        var where = string.Format(System.Globalization.CultureInfo.InvariantCulture, condition, _tree.Root);
        foreach (var cls in new[] { "CIM_DataFile", "Win32_Directory" })
        {
            var pushed = (await QueryAsync($"SELECT * FROM {cls} WHERE {where}")).Select(i => (string)i["Name"]!).Order(StringComparer.Ordinal);
            // The same condition over a full walk, through a query the provider cannot push down (NOT around a tautology).
            var scanned = (await QueryAsync($"SELECT * FROM {cls} WHERE ({where}) AND NOT (FileSize = 12345678)")).Select(i => (string)i["Name"]!).Order(StringComparer.Ordinal);
            Assert.Equal(scanned, pushed);
        }
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Query_UnreadableDirectory_SkippedNotFatal()
    {
        var locked = _tree.Dir("locked");
        _tree.File("locked/secret");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            var files = await _session.InstancesAsync("CIM_DataFile", deep: false, TestContext.Current.CancellationToken).ToListAsync();
            Assert.Contains(files, f => (string)f["Name"]! == _tree.Root + "/a.txt");
            var dir = Assert.Single(await QueryAsync($"SELECT * FROM Win32_Directory WHERE Name = '{locked}'"));
            Assert.Equal(Libc.geteuid() == 0, dir["Readable"]);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Associators_DirectoryFiles_AreItsNonDirectoryEntries()
    {
        var sub = Path.Combine(_tree.Root, "sub");
        var files = await _session.QueryAsync($"ASSOCIATORS OF {{Win32_Directory.Name=\"{sub}\"}} WHERE ResultClass = CIM_DataFile",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal([sub + "/inner.log"], files.Select(f => (string)f["Name"]!));
        var root = await _session.QueryAsync($"ASSOCIATORS OF {{Win32_Directory.Name=\"{_tree.Root}\"}} WHERE ResultClass = CIM_DataFile",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(Find(_tree.Root, "-mindepth", "1", "-maxdepth", "1", "!", "-type", "d"), root.Select(f => (string)f["Name"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Associators_SubDirectory_ChildrenAndParent()
    {
        var sub = Path.Combine(_tree.Root, "sub");
        var related = await _session.QueryAsync($"ASSOCIATORS OF {{Win32_Directory.Name=\"{sub}\"}} WHERE AssocClass = Win32_SubDirectory",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(new[] { _tree.Root, sub + "/deeper" }, related.Select(d => (string)d["Name"]!).Order(StringComparer.Ordinal));
        var children = await _session.QueryAsync($"ASSOCIATORS OF {{Win32_Directory.Name=\"{sub}\"}} WHERE AssocClass = Win32_SubDirectory Role = GroupComponent",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal([sub + "/deeper"], children.Select(d => (string)d["Name"]!));
    }

    [Fact]
    public async Task Associators_FileToItsDirectory_AndReferences()
    {
        var file = Path.Combine(_tree.Root, "sub", "inner.log");
        var dirs = await _session.QueryAsync($"ASSOCIATORS OF {{CIM_DataFile.Name=\"{file}\"}}", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal([Path.Combine(_tree.Root, "sub")], dirs.Select(d => (string)d["Name"]!));
        var refs = await _session.QueryAsync($"REFERENCES OF {{CIM_DataFile.Name=\"{file}\"}}", TestContext.Current.CancellationToken).ToListAsync();
        var link = (CimInstance)Assert.Single(refs);
        Assert.Equal("CIM_DirectoryContainsFile", link.ClassName);
        // The link can be read back by its path.
        var again = (CimInstance)await _session.GetAsync(link.RelativePath!, TestContext.Current.CancellationToken);
        Assert.Equal(link.Path!.ToCanonicalString(), again.Path!.ToCanonicalString());
    }

    [Fact]
    public async Task Enumerate_Associations_OneLinkPerEntry()
    {
        var links = await _session.InstancesAsync("CIM_DirectoryContainsFile", deep: false, TestContext.Current.CancellationToken).ToListAsync();
        var files = await _session.InstancesAsync("CIM_DataFile", deep: false, TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(files.Count, links.Count);
        var subs = await _session.InstancesAsync("Win32_SubDirectory", deep: false, TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(3, subs.Count); // empty.d, sub, sub/deeper
    }

    [Fact]
    public async Task EnumerateInstancesAsync_CancelledMidWalk_StopsWithinOneItem()
    {
        for (var i = 0; i < 50; i++)
        {
            _tree.File($"many/f{i:D3}");
        }
        var provider = new FileProvider(new FileProviderOptions { ScanRoot = _tree.Root });
        var cls = (CimClass)await _session.GetAsync("CIM_DataFile", TestContext.Current.CancellationToken);
        var context = await CaptureContextAsync();
        using var cts = new CancellationTokenSource();
        await using var items = provider.EnumerateInstancesAsync(context, cls, cts.Token).GetAsyncEnumerator(cts.Token);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await items.MoveNextAsync());
        }
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await items.MoveNextAsync());
    }

    private async Task<ProviderContext> CaptureContextAsync()
    {
        var spy = new ContextSpy();
        _manager.RegisterProvider(spy);
        await _session.InstancesAsync(ContextSpy.ClassName, deep: false, TestContext.Current.CancellationToken).ToListAsync();
        return spy.Captured!;
    }

    private sealed class ContextSpy : CimProvider
    {
        public const string ClassName = "Wmix_FileContextSpy";

        public ProviderContext? Captured { get; private set; }

        public override string Name => "Spy";

        public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
            [new(@"root\cimv2", (CimClass)new CimClass(ClassName).Freeze())];

        public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
        {
            Captured = context;
            return FromEnumerableAsync([], cancellationToken);
        }
    }

    [Fact]
    public void Statx_LayoutIs256Bytes() => Assert.Equal(256, Marshal.SizeOf<Libc.Statx>());
}

using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Providers.Linux.Tests.Providers;

/// <summary>Delete, Rename and Copy on real files, with WMI's return codes.</summary>
public sealed class FileMethodTests : IDisposable
{
    private readonly TempTree _tree = TempTree.Sample();
    private readonly ObjectManager _manager;
    private readonly CimSession _session;

    public FileMethodTests()
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

    private async Task<uint> CallAsync(string cls, string name, string method, string? fileName = null)
    {
        CimInstance? input = null;
        if (fileName is not null)
        {
            var c = (CimClass)await _session.GetAsync(cls, TestContext.Current.CancellationToken);
            input = c.Methods.Find(method)!.InParameters!.SpawnInstance();
            input["FileName"] = fileName;
        }
        var result = await _session.InvokeAsync($"{cls}.Name=\"{name}\"", method, input, TestContext.Current.CancellationToken);
        return (uint)result!["ReturnValue"]!;
    }

    [Fact]
    public async Task Delete_File_RemovedAndGoneAfterwards()
    {
        var path = _tree.Root + "/a.txt";
        Assert.Equal(0u, await CallAsync("CIM_DataFile", path, "Delete"));
        Assert.False(File.Exists(path));
        var e = await Assert.ThrowsAsync<WbemException>(() => CallAsync("CIM_DataFile", path, "Delete"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
    }

    [Fact]
    public async Task Delete_DirectoryTreeWithLinkOut_TreeGoneLinkTargetKept()
    {
        var dir = _tree.Dir("tree");
        _tree.File("tree/x/y.txt");
        var outside = _tree.File("keep-me.txt", "precious");
        File.CreateSymbolicLink(Path.Combine(dir, "x", "out"), outside);
        Directory.CreateSymbolicLink(Path.Combine(dir, "up"), _tree.Root);
        Assert.Equal(0u, await CallAsync("Win32_Directory", dir, "Delete"));
        Assert.False(Directory.Exists(dir));
        Assert.Equal("precious", await File.ReadAllTextAsync(outside, TestContext.Current.CancellationToken));
        Assert.True(File.Exists(_tree.Root + "/README"));
    }

    [Fact]
    public async Task Rename_ToFreeName_Moved_ToExistingName_AlreadyExists()
    {
        var from = _tree.Root + "/README";
        Assert.Equal(10u, await CallAsync("CIM_DataFile", from, "Rename", _tree.Root + "/a.txt"));
        Assert.Equal(21u, await CallAsync("CIM_DataFile", from, "Rename", "relative/name"));
        Assert.Equal(21u, await CallAsync("CIM_DataFile", from, "Rename", _tree.Root + "/no-such-dir/README"));
        Assert.Equal(0u, await CallAsync("CIM_DataFile", from, "Rename", _tree.Root + "/README.md"));
        Assert.False(File.Exists(from));
        Assert.True(File.Exists(_tree.Root + "/README.md"));
    }

    [Fact]
    public async Task Copy_FileAndDirectory_CopiedLinksAsLinks()
    {
        Assert.Equal(0u, await CallAsync("CIM_DataFile", _tree.Root + "/a.txt", "Copy", _tree.Root + "/b.txt"));
        Assert.Equal("hello", await File.ReadAllTextAsync(_tree.Root + "/b.txt", TestContext.Current.CancellationToken));
        Assert.Equal(10u, await CallAsync("CIM_DataFile", _tree.Root + "/a.txt", "Copy", _tree.Root + "/b.txt"));

        Assert.Equal(0u, await CallAsync("Win32_Directory", _tree.Root + "/sub", "Copy", _tree.Root + "/sub2"));
        Assert.Equal("leaf", await File.ReadAllTextAsync(_tree.Root + "/sub2/deeper/leaf.dat", TestContext.Current.CancellationToken));
        // The loop link is copied as a link, not followed.
        Assert.Equal(_tree.Root, new DirectoryInfo(_tree.Root + "/sub2/deeper/up").LinkTarget);
        Assert.Equal(21u, await CallAsync("Win32_Directory", _tree.Root + "/sub", "Copy", _tree.Root + "/sub/inside"));
    }
}

using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class FileScopeTests
{
    private static FileScope? Of(string where, string? embedded = null) =>
        FileScope.Of(((WqlSelectQuery)WqlParser.Parse($"SELECT * FROM CIM_DataFile WHERE {where}", WqlQueryKind.Data)).Where, embedded);

    [Theory]
    [InlineData("Name = '/etc/hosts'", "/etc/hosts", "")]
    [InlineData("Path = '/etc/'", "", "/etc")]
    [InlineData("Path = '/'", "", "/")]
    [InlineData("Path = '/etc/' AND Extension = 'conf'", "", "/etc")]
    [InlineData("Extension = 'conf' AND Drive = '' AND Path = '/etc/'", "", "/etc")]
    [InlineData("Name = '/a' OR Name = '/b' OR Path = '/c/'", "/a,/b", "/c")]
    [InlineData("Name = '/a' AND Path = '/x/'", "/a", "")]
    public void Of_RestrictingCondition_NamesAndDirectories(string where, string names, string directories)
    {
        var scope = Of(where);
        Assert.NotNull(scope);
        Assert.Equal(names.Split(',', StringSplitOptions.RemoveEmptyEntries), scope.Names);
        Assert.Equal(directories.Split(',', StringSplitOptions.RemoveEmptyEntries), scope.Directories);
    }

    [Theory]
    [InlineData("Extension = 'conf'")]
    [InlineData("Drive = ''")]
    [InlineData("Name = '/a' OR Extension = 'x'")]
    [InlineData("NOT Name = '/a'")]
    [InlineData("Name <> '/a'")]
    [InlineData("Name LIKE '/etc/%'")]
    public void Of_UnrestrictingCondition_Null(string where) => Assert.Null(Of(where));

    [Theory]
    [InlineData("Drive = 'C:'")]
    [InlineData("Name = 'relative'")]
    [InlineData("Name = '/etc/../etc/hosts'")]
    [InlineData("Name = '/etc//hosts'")]
    [InlineData("Path = '/etc'")]
    [InlineData("Path = 'etc/'")]
    public void Of_ImpossibleValue_Empty(string where)
    {
        var scope = Of(where);
        Assert.NotNull(scope);
        Assert.Empty(scope.Names);
        Assert.Empty(scope.Directories);
    }

    [Fact]
    public void Of_EventCondition_ReadsThroughTargetInstance()
    {
        var query = (WqlEventQuery)WqlParser.Parse(
            "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '/tmp/x/'", WqlQueryKind.Event);
        Assert.Equal(["/tmp/x"], FileScope.Of(query.Where, "TargetInstance")!.Directories);
        Assert.Null(FileScope.Of(query.Where)); // not a data-query property
    }
}

public sealed class FileRegistrationTests : IDisposable
{
    private readonly Wmix.Engine.ObjectManager _manager = TestSupport.NewManager();

    public void Dispose() => _manager.Dispose();

    [Fact]
    public async Task LinuxProviders_RealEtc_QueryByNameAndPath()
    {
        using var session = _manager.OpenSession(@"root\cimv2");
        var hosts = Assert.Single(await session.QueryAsync("SELECT * FROM CIM_LogicalFile WHERE Name = '/etc/hosts'", TestContext.Current.CancellationToken).ToListAsync());
        Assert.Equal("CIM_DataFile", hosts.ClassName);
        var etc = await session.QueryAsync("SELECT Name FROM CIM_DataFile WHERE Path = '/etc/'", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Contains(etc, f => (string)f["Name"]! == "/etc/hosts");
        var root = await session.QueryAsync("SELECT Name FROM Win32_Directory WHERE Path = '/'", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Contains(root, d => (string)d["Name"]! == "/");
        Assert.Contains(root, d => (string)d["Name"]! == "/etc");
    }
}

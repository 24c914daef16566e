using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class QueryTests : EngineTestBase
{
    private async Task<CimClass> FiveAsync()
    {
        var b = await DefineAsync(TestSchema.Base());
        var sub = await DefineAsync(new CimClass("Test_Sub", b));
        for (var i = 1u; i <= 4; i++)
        {
            await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", i), ("Name", "n" + i), ("Size", i * 100))));
        }
        await AssertSucceedsAsync(PutAsync(TestSchema.New(sub, ("Id", 5u), ("Name", "n5"), ("Size", 500u))));
        return b;
    }

    [Fact]
    public async Task Query_FiveMatches_FiveObjectsThenOneCompletion()
    {
        // Vector 13; also vector 36's second half: FROM Base includes subclass instances.
        await FiveAsync();
        var sink = await QueryAsync("SELECT * FROM Test_Base");
        Assert.Equal([.. Enumerable.Repeat("OR", 5), "OC(wbemNoErr)"], sink.Events);
        Assert.Contains(sink.Objects, o => o.ClassName == "Test_Sub");
    }

    [Fact]
    public async Task Query_NoMatch_CompletesWithoutObjects()
    {
        await DefineAsync(TestSchema.Base());
        var sink = await QueryAsync("select * from test_base");
        Assert.Equal(["OC(wbemNoErr)"], sink.Events);
    }

    [Fact]
    public async Task Query_UnknownClass_IsInvalidClass() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidClass, QueryAsync("SELECT * FROM NoSuchClass"));

    [Theory]
    [InlineData("SELECT FROM")]
    [InlineData("SELECT * FROM A, B")]
    [InlineData("SELECT * FROM Test_Base WITHIN 5")]
    [InlineData("ASSOCIATORS OF {Test_Base.Id=1} WHERE ResultClass = X ClassDefsOnly")]
    [InlineData("ASSOCIATORS OF {Test_Base.Id=1} WHERE ResultClass = X AND Role = Y")]
    public async Task Query_BadSyntax_IsInvalidQueryAsCompletion(string wql)
    {
        // Vectors 18, 38, 39: syntax errors arrive as the completion, with no object before it.
        await DefineAsync(TestSchema.Base());
        var sink = await QueryAsync(wql);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, (await sink.Completed).Code);
        Assert.Empty(sink.Objects);
    }

    [Theory]
    [InlineData("SQL")]
    [InlineData("")]
    [InlineData("WQL2")]
    public void Query_WrongLanguage_ThrowsInvalidQueryTypeWithoutEvents(string language)
    {
        var sink = new RecordingSink();
        var e = Assert.Throws<WbemException>(() => Connection.ExecQuery("SELECT * FROM __SystemClass", language, CallOptions.Default, sink));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQueryType, e.ErrorCode);
        Assert.Empty(sink.Events);
        Assert.Equal(0, Manager.Operations.Count);
    }

    [Fact]
    public async Task Query_LanguageCaseInsensitive_Runs() =>
        await AssertSucceedsAsync(RunAsync(s => Connection.ExecQuery("SELECT * FROM __NAMESPACE", "wql", CallOptions.Default, s)));

    [Fact]
    public void Query_EmptyOrNullQueryOrSink_ThrowsInvalidParameterWithoutEvents()
    {
        // Vector 17.
        var sink = new RecordingSink();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter,
            Assert.Throws<WbemException>(() => Connection.ExecQuery("", "WQL", CallOptions.Default, sink)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter,
            Assert.Throws<WbemException>(() => Connection.ExecQuery(null!, "WQL", CallOptions.Default, sink)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter,
            Assert.Throws<WbemException>(() => Connection.ExecQuery("SELECT * FROM X", "WQL", CallOptions.Default, null!)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter,
            Assert.Throws<WbemException>(() => Connection.ExecQuery(new string('x', 20000), "WQL", CallOptions.Default, sink)).ErrorCode);
        Assert.Empty(sink.Events);
        Assert.Equal(0, Manager.Operations.Count);
    }

    [Fact]
    public async Task Query_PropertyList_ReturnsPartialInstanceWithKeysAndSystemProperties()
    {
        // Vector 37 (first half).
        await FiveAsync();
        var sink = await QueryAsync("SELECT Name FROM Test_Base");
        Assert.Equal(5, sink.Objects.Count);
        foreach (var o in sink.Objects)
        {
            Assert.NotNull(o["Name"]);
            Assert.NotNull(o["Id"]);
            Assert.Null(o["Size"]);
            Assert.True(o.IsReadOnly);
            Assert.Equal(o.ClassName, o["__CLASS"]);
            Assert.Equal(@"root\cimv2", o["__NAMESPACE"]);
            Assert.NotNull(o["__PATH"]);
        }
    }

    [Fact]
    public async Task Query_SelectSystemProperty_IsAccepted()
    {
        await FiveAsync();
        var sink = await QueryAsync("SELECT __RELPATH FROM Test_Base");
        Assert.All(sink.Objects, o => Assert.Null(o["Name"]));
        Assert.All(sink.Objects, o => Assert.NotNull(o["__RELPATH"]));
    }

    [Fact]
    public async Task Query_UnknownSelectedProperty_IsInvalidQuery()
    {
        await FiveAsync();
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidQuery, QueryAsync("SELECT Nope FROM Test_Base"));
    }

    [Fact]
    public async Task Query_Prototype_OneClassShapedObject()
    {
        await FiveAsync();
        var sink = await QueryAsync("SELECT Name FROM Test_Base", CallOptions.Default with { Prototype = true });
        var prototype = Assert.IsType<CimClass>(sink.Objects.Single());
        Assert.Equal("Test_Base", prototype.Name);
        Assert.Equal(["Id", "Name"], prototype.Properties.Select(p => p.Name));
        var star = await QueryAsync("SELECT * FROM Test_Base", CallOptions.Default with { Prototype = true });
        Assert.Equal(3, Assert.IsType<CimClass>(star.Objects.Single()).Properties.Count);
    }

    [Fact]
    public async Task Query_ProviderClass_StreamsProviderInstancesWithQueryAndContext()
    {
        var provider = new TestProvider(count: 25);
        Manager.RegisterProvider(provider);
        var context = new Dictionary<string, object?> { ["hint"] = 7 };
        var sink = await QueryAsync("SELECT * FROM Test_Item", CallOptions.Default with { Context = context });
        Assert.Equal(25, sink.Objects.Count);
        Assert.Equal("Test_Item", provider.LastQuery!.ClassName);
        Assert.Same(context, provider.LastContext);
        Assert.All(sink.Objects, o => Assert.Equal("TESTHOST", o.Server));
    }
}

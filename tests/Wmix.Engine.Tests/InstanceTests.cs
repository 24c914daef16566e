using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class InstanceTests : EngineTestBase
{
    private async Task<(CimClass Base, CimClass Sub)> HierarchyAsync()
    {
        var b = await DefineAsync(TestSchema.Base());
        var sub = new CimClass("Test_Sub", b);
        sub.AddProperty("Extra", CimType.String);
        var s = await DefineAsync(sub);
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 1u), ("Name", "one"))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 2u), ("Name", "two"))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(s, ("Id", 3u), ("Name", "three"), ("Extra", "x"))));
        return (b, s);
    }

    [Fact]
    public async Task PutInstance_New_ReportsStoredPathOnly()
    {
        // Vector 19: OP(path) naming the stored instance, then OC(0), no OR.
        var b = await DefineAsync(TestSchema.Base());
        var sink = await PutAsync(TestSchema.New(b, ("Id", 7u), ("Name", "seven")));
        Assert.Equal(["OP", "OC(wbemNoErr)"], sink.Events);
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Base.Id=7", sink.PutPath!.ToString());
        var got = (await GetAsync(sink.PutPath.ToString())).Objects.Single();
        Assert.Equal("seven", got["Name"]);
    }

    [Fact]
    public async Task PutInstance_CreateOnlyExisting_IsAlreadyExists()
    {
        var b = await DefineAsync(TestSchema.Base());
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 1u))));
        await AssertFailsAsync(WbemErrorEnum.wbemErrAlreadyExists,
            PutAsync(TestSchema.New(b, ("Id", 1u)), CallOptions.Default with { PutMode = PutMode.CreateOnly }));
    }

    [Fact]
    public async Task PutInstance_UpdateOnlyMissing_IsNotFound()
    {
        var b = await DefineAsync(TestSchema.Base());
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound,
            PutAsync(TestSchema.New(b, ("Id", 1u)), CallOptions.Default with { PutMode = PutMode.UpdateOnly }));
    }

    [Fact]
    public async Task PutInstance_UpdateExisting_Replaces()
    {
        var b = await DefineAsync(TestSchema.Base());
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 1u), ("Name", "old"))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 1u), ("Name", "new")), CallOptions.Default with { PutMode = PutMode.UpdateOnly }));
        Assert.Equal("new", (await GetAsync("Test_Base.Id=1")).Objects.Single()["Name"]);
    }

    [Fact]
    public async Task PutInstance_NullKey_IsIllegalNull()
    {
        var b = await DefineAsync(TestSchema.Base());
        await AssertFailsAsync(WbemErrorEnum.wbemErrIllegalNull, PutAsync(TestSchema.New(b, ("Name", "no key"))));
    }

    [Fact]
    public async Task PutInstance_AbstractClass_IsInvalidOperation()
    {
        var a = TestSchema.Base();
        a.Qualifiers.Set("Abstract", true);
        var stored = await DefineAsync(a);
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidOperation, PutAsync(TestSchema.New(stored, ("Id", 1u))));
    }

    [Fact]
    public async Task PutInstance_UnknownClass_IsInvalidClass() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidClass, PutAsync(TestSchema.New(TestSchema.Base(), ("Id", 1u))));

    [Fact]
    public async Task PutInstance_DynamicClassWithoutPut_IsProviderNotCapable()
    {
        var provider = new TestProvider(capabilities: Providers.ProviderCapabilities.Enumerate);
        Manager.RegisterProvider(provider);
        var cls = (CimClass)(await GetAsync(TestProvider.ClassName)).Objects.Single();
        await AssertFailsAsync(WbemErrorEnum.wbemErrProviderNotCapable, PutAsync(TestSchema.New(cls, ("Id", 1u))));
    }

    [Fact]
    public async Task PutInstance_DynamicClass_GoesToProvider()
    {
        var provider = new TestProvider();
        Manager.RegisterProvider(provider);
        var cls = (CimClass)(await GetAsync(TestProvider.ClassName)).Objects.Single();
        Assert.True(cls.IsDynamic);
        var sink = await PutAsync(TestSchema.New(cls, ("Id", 42u), ("Name", "answer")));
        Assert.Equal("answer", provider.Stored[42]);
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Item.Id=42", sink.PutPath!.ToString());
    }

    [Theory]
    [InlineData("Test_Int.K=1")]
    [InlineData("Test_Int.K=\"1\"")]
    [InlineData("Test_Int=1")]
    [InlineData("test_int.k=0x1")]
    public async Task Get_IntegerKey_CoercesPathValue(string path)
    {
        var cls = await DefineAsync(TestSchema.Keyed("Test_Int", CimType.SInt32));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(cls, ("K", 1), ("Value", "int"))));
        Assert.Equal("int", (await GetAsync(path)).Objects.Single()["Value"]);
    }

    [Theory]
    [InlineData("Test_Str.K=\"1\"")]
    [InlineData("Test_Str.K=1")]
    [InlineData("Test_Str=\"1\"")]
    public async Task Get_StringKey_CoercesPathValue(string path)
    {
        var cls = await DefineAsync(TestSchema.Keyed("Test_Str", CimType.String));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(cls, ("K", "1"), ("Value", "str"))));
        Assert.Equal("str", (await GetAsync(path)).Objects.Single()["Value"]);
    }

    [Fact]
    public async Task Get_StringKeyMissing_IsNotFound()
    {
        // Vector 28 at engine level: Item("C.K=\"none\"") is wbemErrNotFound.
        var cls = await DefineAsync(TestSchema.Keyed("Test_Str", CimType.String));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(cls, ("K", "some"))));
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, GetAsync("Test_Str.K=\"none\""));
    }

    [Fact]
    public async Task Get_StringKey_IsCaseInsensitive()
    {
        var cls = await DefineAsync(TestSchema.Keyed("Test_Str", CimType.String));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(cls, ("K", "Disk"), ("Value", "str"))));
        Assert.Equal("Disk", (await GetAsync("Test_Str.K=\"DISK\"")).Objects.Single()["K"]);
    }

    [Fact]
    public async Task Get_ExistingInstance_OneFrozenLocatedObject()
    {
        // Vector 16.
        await HierarchyAsync();
        var sink = await GetAsync("Test_Base.Id=1");
        Assert.Equal(["OR", "OC(wbemNoErr)"], sink.Events);
        var instance = sink.Objects.Single();
        Assert.True(instance.IsReadOnly);
        Assert.Equal("TESTHOST", instance["__SERVER"]);
        Assert.Equal(@"root\cimv2", instance["__NAMESPACE"]);
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Base.Id=1", instance["__PATH"]);
        Assert.Equal("Test_Base.Id=1", instance["__RELPATH"]);
    }

    [Fact]
    public async Task Get_BasePathOfSubclassInstance_FindsIt()
    {
        await HierarchyAsync();
        var found = (await GetAsync("Test_Base.Id=3")).Objects.Single();
        Assert.Equal("Test_Sub", found.ClassName);
    }

    [Theory]
    [InlineData("Test_Base.Id=99", WbemErrorEnum.wbemErrNotFound)]
    [InlineData("Test_Base.Id=\"none\"", WbemErrorEnum.wbemErrNotFound)]
    [InlineData("Nope.Id=1", WbemErrorEnum.wbemErrNotFound)]
    [InlineData("Nope", WbemErrorEnum.wbemErrNotFound)]
    [InlineData("Test_Base.Id=1,", WbemErrorEnum.wbemErrInvalidObjectPath)]
    [InlineData("Test_Base.Nope=1", WbemErrorEnum.wbemErrInvalidObjectPath)]
    [InlineData("Test_Base.Id=1,Name=\"x\"", WbemErrorEnum.wbemErrInvalidObjectPath)]
    [InlineData("Test_Base=@", WbemErrorEnum.wbemErrInvalidObjectPath)]
    [InlineData(@"root\default:Test_Base.Id=1", WbemErrorEnum.wbemErrInvalidNamespace)]
    [InlineData(@"\\elsewhere\root\cimv2:Test_Base.Id=1", WbemErrorEnum.wbemErrInvalidNamespace)]
    public async Task Get_BadOrMissing_FailsAsCompletion(string path, WbemErrorEnum expected)
    {
        // Vectors 16 and 28: errors surface once, as the completion, never thrown by the call.
        await HierarchyAsync();
        var sink = await GetAsync(path);
        Assert.Empty(sink.Objects);
        Assert.Equal(expected, (await sink.Completed).Code);
    }

    [Theory]
    [InlineData(@"root\cimv2:Test_Base.Id=1")]
    [InlineData(@"\\.\root\cimv2:Test_Base.Id=1")]
    [InlineData(@"\\TESTHOST\ROOT/CIMV2:Test_Base.Id=1")]
    public async Task Get_FullPathToConnectedNamespace_Works(string path)
    {
        await HierarchyAsync();
        Assert.Single((await GetAsync(path)).Objects);
    }

    [Fact]
    public async Task Get_EmptyPath_NewEmptyClass()
    {
        var sink = await GetAsync("");
        var cls = Assert.IsType<CimClass>(sink.Objects.Single());
        Assert.Null(cls["__CLASS"]);
        Assert.Empty(cls.Properties);
        Assert.Single((await GetAsync(null)).Objects);
    }

    [Fact]
    public async Task InstancesOf_DeepAndShallow_IncludeOrExcludeSubclasses()
    {
        // Vector 23.
        await HierarchyAsync();
        var deep = await RunAsync(s => Connection.InstancesOf("Test_Base", CallOptions.Default, s));
        Assert.Equal([1u, 2u, 3u], deep.Objects.Select(o => (uint)o["Id"]!).Order());
        var shallow = await RunAsync(s => Connection.InstancesOf("Test_Base", CallOptions.Default with { Shallow = true }, s));
        Assert.Equal([1u, 2u], shallow.Objects.Select(o => (uint)o["Id"]!).Order());
        Assert.Equal("OC(wbemNoErr)", deep.Events[^1]);
    }

    [Fact]
    public async Task InstancesOf_UnknownClass_IsInvalidClass() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidClass, RunAsync(s => Connection.InstancesOf("NoSuchClass", CallOptions.Default, s)));

    [Fact]
    public async Task Delete_Instance_OnlyCompletes()
    {
        // Vector 20.
        await HierarchyAsync();
        var sink = await DeleteAsync("Test_Base.Id=1");
        Assert.Equal(["OC(wbemNoErr)"], sink.Events);
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, GetAsync("Test_Base.Id=1"));
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, DeleteAsync("Test_Base.Id=1"));
    }

    [Fact]
    public async Task Delete_SubclassInstanceThroughBasePath_Works()
    {
        await HierarchyAsync();
        await AssertSucceedsAsync(DeleteAsync("Test_Base.Id=3"));
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, GetAsync("Test_Sub.Id=3"));
    }

    [Fact]
    public async Task Delete_DynamicInstance_GoesToProvider()
    {
        var provider = new TestProvider(count: 3);
        Manager.RegisterProvider(provider);
        await AssertSucceedsAsync(DeleteAsync("Test_Item.Id=0"));
        Assert.Equal(2, provider.Count);
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, DeleteAsync("Test_Item.Id=7"));
    }

    [Fact]
    public async Task DeliveredObjects_AreFrozen()
    {
        await HierarchyAsync();
        var instance = (await GetAsync("Test_Base.Id=1")).Objects.Single();
        Assert.Equal(WbemErrorEnum.wbemErrReadOnly, Assert.Throws<WbemException>(() => instance["Name"] = "changed").ErrorCode);
        var copy = instance.Clone();
        copy["Name"] = "changed";
        Assert.Equal("one", (await GetAsync("Test_Base.Id=1")).Objects.Single()["Name"]);
    }
}

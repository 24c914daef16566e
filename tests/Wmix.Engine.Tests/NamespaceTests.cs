using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class NamespaceTests : EngineTestBase
{
    [Theory]
    [InlineData("root", "root")]
    [InlineData(@"root\cimv2", @"root\cimv2")]
    [InlineData("ROOT/CIMV2", @"root\cimv2")]
    [InlineData(@"Root\Default", @"root\default")]
    public void Connect_ExistingNamespace_UsesStoredName(string requested, string expected)
    {
        using var connection = Manager.Connect(requested);
        Assert.Equal(expected, connection.Namespace);
        Assert.Equal("TESTHOST", connection.Server);
    }

    [Fact]
    public void Connect_UnknownNamespace_IsInvalidNamespace() =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Assert.Throws<WbemException>(() => Manager.Connect(@"root\nope")).ErrorCode);

    [Theory]
    [InlineData("")]
    [InlineData(@"root\\cimv2")]
    [InlineData("root/ci mv2")]
    [InlineData(@"\\server\root")]
    [InlineData("root:cimv2")]
    public void Connect_UnparsableName_IsInvalidParameter(string name) =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => Manager.Connect(name)).ErrorCode);

    [Fact]
    public async Task InstancesOfNamespace_Root_ListsChildren()
    {
        using var root = Manager.Connect("root");
        var sink = await RunAsync(s => root.InstancesOf("__NAMESPACE", CallOptions.Default, s));
        var names = sink.Objects.Select(o => (string)o["Name"]!).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        Assert.Equal(["cimv2", "default"], names);
        Assert.All(sink.Objects, o => Assert.Equal("root", o.Namespace));
    }

    [Fact]
    public async Task PutNamespaceInstance_New_CreatesNamespaceWithSystemClasses()
    {
        var ns = (CimClass)(await GetAsync("__NAMESPACE")).Objects.Single();
        var sink = await PutAsync(TestSchema.New(ns, ("Name", "Apps")));
        Assert.Equal(["OP", "OC(wbemNoErr)"], sink.Events);
        Assert.Equal(@"\\TESTHOST\root\cimv2:__NAMESPACE.Name=""Apps""", sink.PutPath!.ToString());

        using var apps = Manager.Connect(@"root\cimv2\apps");
        Assert.Equal(@"root\cimv2\Apps", apps.Namespace);
        var system = await RunAsync(s => apps.GetObject("__SystemClass", CallOptions.Default, s));
        Assert.True(((CimClass)system.Objects.Single()).IsAbstract);
        var found = await GetAsync(@"__NAMESPACE.Name=""apps""");
        Assert.Equal("Apps", found.Objects.Single()["Name"]);
    }

    [Fact]
    public async Task PutNamespaceInstance_CreateOnlyExisting_IsAlreadyExists()
    {
        var ns = (CimClass)(await GetAsync("__NAMESPACE")).Objects.Single();
        await AssertSucceedsAsync(PutAsync(TestSchema.New(ns, ("Name", "Twice"))));
        await AssertFailsAsync(WbemErrorEnum.wbemErrAlreadyExists,
            PutAsync(TestSchema.New(ns, ("Name", "Twice")), CallOptions.Default with { PutMode = PutMode.CreateOnly }));
    }

    [Fact]
    public async Task DeleteNamespaceInstance_Existing_RemovesItAndEverythingBelow()
    {
        var ns = (CimClass)(await GetAsync("__NAMESPACE")).Objects.Single();
        await AssertSucceedsAsync(PutAsync(TestSchema.New(ns, ("Name", "Gone"))));
        using (var gone = Manager.Connect(@"root\cimv2\Gone"))
        {
            var inner = (CimClass)(await RunAsync(s => gone.GetObject("__NAMESPACE", CallOptions.Default, s))).Objects.Single();
            await AssertSucceedsAsync(RunAsync(s => gone.Put(TestSchema.New(inner, ("Name", "Child")), CallOptions.Default, s)));
            await AssertSucceedsAsync(RunAsync(s => gone.Put(TestSchema.Base(), CallOptions.Default, s)));
        }

        var sink = await DeleteAsync(@"__NAMESPACE.Name=""Gone""");
        Assert.Equal(["OC(wbemNoErr)"], sink.Events);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Assert.Throws<WbemException>(() => Manager.Connect(@"root\cimv2\Gone")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Assert.Throws<WbemException>(() => Manager.Connect(@"root\cimv2\Gone\Child")).ErrorCode);
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, DeleteAsync(@"__NAMESPACE.Name=""Gone"""));
    }

    [Fact]
    public async Task PutNamespaceInstance_NullName_IsIllegalNull()
    {
        var ns = (CimClass)(await GetAsync("__NAMESPACE")).Objects.Single();
        await AssertFailsAsync(WbemErrorEnum.wbemErrIllegalNull, PutAsync(ns.SpawnInstance()));
    }

    [Fact]
    public void RegisterProvider_NewNamespace_CreatesChain()
    {
        Manager.RegisterProvider(new TestProvider(@"root\vendor\inner"));
        using var inner = Manager.Connect(@"root\vendor\inner");
        Assert.Equal(@"root\vendor\inner", inner.Namespace);
    }
}

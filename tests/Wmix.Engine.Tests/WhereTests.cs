using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class WhereTests : EngineTestBase
{
    private async Task SetUpAsync()
    {
        var b = await DefineAsync(TestSchema.Base());
        var sub = await DefineAsync(new CimClass("Test_Sub", b));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 1u), ("Name", "CAT"), ("Size", 10u))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(b, ("Id", 2u), ("Name", "dog"), ("Size", 20u))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(sub, ("Id", 3u), ("Name", "cat"), ("Size", 30u))));
    }

    private static uint[] Ids(RecordingSink sink) => [.. sink.Objects.Select(o => (uint)o["Id"]!).Order()];

    [Fact]
    public async Task Where_ClassCondition_RestrictsToExactClass()
    {
        // Vector 36.
        await SetUpAsync();
        Assert.Equal(new uint[] { 1u, 2u }, Ids(await QueryAsync(@"SELECT * FROM Test_Base WHERE __CLASS = ""Test_Base""")));
        Assert.Equal(new uint[] { 3u }, Ids(await QueryAsync(@"SELECT * FROM Test_Base WHERE __CLASS = ""test_sub""")));
        Assert.Equal(new uint[] { 1u, 2u, 3u }, Ids(await QueryAsync("SELECT * FROM Test_Base")));
        Assert.Equal(new uint[] { 3u }, Ids(await QueryAsync(@"SELECT * FROM Test_Base WHERE __CLASS <> ""Test_Base""")));
    }

    [Fact]
    public async Task Where_StringComparison_IsCaseInsensitive()
    {
        await SetUpAsync();
        Assert.Equal(new uint[] { 1u, 3u }, Ids(await QueryAsync("SELECT * FROM Test_Base WHERE Name = 'cat'")));
        Assert.Equal(new uint[] { 2u, 3u }, Ids(await QueryAsync("SELECT * FROM Test_Base WHERE Size > 15")));
        Assert.Equal(new uint[] { 1u }, Ids(await QueryAsync(@"SELECT Name FROM Test_Base WHERE Size < 15 AND Name LIKE ""c%""")));
    }

    [Fact]
    public async Task Where_ConstantOfWrongType_IsInvalidQuery()
    {
        await SetUpAsync();
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidQuery, QueryAsync(@"SELECT * FROM Test_Base WHERE Size = ""big"""));
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidQuery, QueryAsync("SELECT * FROM Test_Base WHERE Nope = 1"));
    }

    [Fact]
    public async Task Where_MissingEmbeddedProperty_NoRowsNoError()
    {
        // Vector 37 (second half).
        var holder = new CimClass("Test_Holder");
        holder.AddProperty("Id", CimType.UInt32, isKey: true);
        holder.AddProperty(new CimProperty("Emb", CimType.Object));
        var stored = await DefineAsync(holder);
        var inner = TestSchema.Base();
        inner.Freeze();
        await AssertSucceedsAsync(PutAsync(TestSchema.New(stored, ("Id", 1u), ("Emb", TestSchema.New(inner, ("Id", 9u), ("Size", 1u))))));
        var sink = await QueryAsync("SELECT * FROM Test_Holder WHERE Emb.NoSuchProp = 1");
        Assert.Equal(["OC(wbemNoErr)"], sink.Events);
        Assert.Single((await QueryAsync("SELECT * FROM Test_Holder WHERE Emb.Size = 1")).Objects);
    }

    [Theory]
    [InlineData("SELECT * FROM Test_Item WHERE Id < 7")]
    [InlineData("SELECT * FROM Test_Item WHERE Id = 12")]
    [InlineData("SELECT * FROM Test_Item WHERE Id < 30 AND Size >= 100")]
    [InlineData("SELECT Name FROM Test_Item WHERE Id < 30 OR Name = 'item40'")]
    [InlineData("SELECT * FROM Test_Item WHERE NOT Id < 45")]
    public async Task Where_ProviderPushDown_SameRowsAsWithout(string wql)
    {
        var provider = new TestProvider(count: 50);
        Manager.RegisterProvider(provider);
        var plain = await QueryAsync(wql);
        provider.PushDown = true;
        var pushed = await QueryAsync(wql);
        Assert.Equal(plain.Objects.Select(o => o.GetObjectText()), pushed.Objects.Select(o => o.GetObjectText()));
        Assert.Equal(plain.Events, pushed.Events);
    }

    [Fact]
    public async Task Where_ProviderWhoIgnoresPushDownHonestly_EngineStillFilters()
    {
        // A provider that pushed down only part of the condition (Id < 7) still yields rows the rest (Size > 30)
        // excludes; the engine applies the full predicate.
        var provider = new TestProvider(count: 50) { PushDown = true };
        Manager.RegisterProvider(provider);
        var sink = await QueryAsync("SELECT * FROM Test_Item WHERE Id < 7 AND Size > 30");
        Assert.Equal(new uint[] { 4u, 5u, 6u }, Ids(sink));
    }
}

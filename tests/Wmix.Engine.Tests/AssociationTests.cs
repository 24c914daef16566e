using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class AssociationTests : EngineTestBase
{
    /// <summary>A.K=1 and X.K=1 linked by two associations (Link1, Link2); A.K=2 linked to nothing; Y.K=1 linked by Link1 to A.K=1.</summary>
    private async Task SetUpAsync()
    {
        var a = await DefineAsync(TestSchema.Keyed("Test_A", CimType.SInt32));
        var x = await DefineAsync(TestSchema.Keyed("Test_X", CimType.SInt32));
        var ySpec = new CimClass("Test_Y", x);
        ySpec.Qualifiers.Set("Special", true);
        var y = await DefineAsync(ySpec);
        foreach (var name in (string[])["Test_Link1", "Test_Link2"])
        {
            var link = new CimClass(name);
            link.Qualifiers.Set("Association", true);
            link.AddProperty(new CimProperty("Left", CimType.Reference, referenceClassName: "Test_A", qualifiers: KeyQualifier()));
            link.AddProperty(new CimProperty("Right", CimType.Reference, referenceClassName: "Test_X", qualifiers: KeyQualifier()));
            await DefineAsync(link);
        }
        await AssertSucceedsAsync(PutAsync(TestSchema.New(a, ("K", 1))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(a, ("K", 2))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(x, ("K", 1))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(y, ("K", 5))));
        var link1 = (CimClass)(await GetAsync("Test_Link1")).Objects.Single();
        var link2 = (CimClass)(await GetAsync("Test_Link2")).Objects.Single();
        await AssertSucceedsAsync(PutAsync(TestSchema.New(link1, ("Left", "Test_A.K=1"), ("Right", "Test_X.K=1"))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(link2, ("Left", @"\\TESTHOST\root\cimv2:Test_A.K=1"), ("Right", "Test_X=1"))));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(link1, ("Left", "Test_A.K=1"), ("Right", "Test_Y.K=5"))));
    }

    private static CimQualifierSet KeyQualifier()
    {
        var q = new CimQualifierSet();
        q.Set("Key", true);
        return q;
    }

    [Fact]
    public async Task Associators_TwoAssociationsLinkSameEndpoint_EndpointTwice()
    {
        // Vector 40.
        await SetUpAsync();
        var sink = await QueryAsync("ASSOCIATORS OF {Test_A.K=1}");
        Assert.Equal(["Test_X.K=1", "Test_X.K=1", "Test_Y.K=5"], sink.Objects.Select(o => o.RelativePath!).Order(StringComparer.Ordinal));
        var references = await QueryAsync("REFERENCES OF {Test_A.K=1}");
        Assert.Equal(3, references.Objects.Count);
        Assert.Equal(["Test_Link1", "Test_Link1", "Test_Link2"], references.Objects.Select(o => o.ClassName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetAssociation_ReferenceKeysWithOrWithoutServerAndNamespace_SameInstance()
    {
        // Link2 was stored with a full-path Left, Link1 with relative references: a path may use either form.
        // (Link2's Right was stored in the unnamed-key form, Test_X=1, which key comparison keeps as written.)
        await SetUpAsync();
        string[] paths =
        [
            @"Test_Link2.Left=""Test_A.K=1"",Right=""Test_X=1""",
            @"Test_Link2.Left=""\\\\TESTHOST\\root\\cimv2:Test_A.K=1"",Right=""Test_X=1""",
            @"Test_Link1.Left=""\\\\.\\root\\cimv2:Test_A.K=1"",Right=""\\\\TESTHOST\\root\\cimv2:Test_X.K=1""",
            @"Test_Link1.Left=""root\\cimv2:Test_A.K=1"",Right=""Test_X.K=1""",
        ];
        foreach (var path in paths)
        {
            var sink = await GetAsync(path);
            Assert.True(sink.Objects.Count == 1, $"{path}: {(await sink.Completed).Code}");
        }
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, (await (await GetAsync(@"Test_Link2.Left=""\\\\.\\root\\cimv2:Test_A.K=2"",Right=""Test_X=1""")).Completed).Code);
    }

    [Fact]
    public async Task Associators_Filters_Apply()
    {
        await SetUpAsync();
        Assert.Equal(2, (await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE AssocClass = Test_Link1")).Objects.Count);
        Assert.Single((await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE ResultClass = Test_Y")).Objects);
        Assert.Equal(3, (await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE ResultClass = Test_X Role = Left")).Objects.Count);
        Assert.Empty((await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE Role = Right")).Objects);
        Assert.Equal(3, (await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE ResultRole = Right")).Objects.Count);
        Assert.Single((await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE RequiredQualifier = Special")).Objects);
        Assert.Empty((await QueryAsync("ASSOCIATORS OF {Test_A.K=2}")).Objects);
        var backwards = await QueryAsync("ASSOCIATORS OF {Test_X.K=1}");
        Assert.Equal(["Test_A.K=1", "Test_A.K=1"], backwards.Objects.Select(o => o.RelativePath));
    }

    [Fact]
    public async Task Associators_ClassDefsOnly_DistinctClasses()
    {
        await SetUpAsync();
        var sink = await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE ClassDefsOnly");
        Assert.Equal(["Test_X", "Test_Y"], sink.Objects.Select(o => o.ClassName).Order(StringComparer.Ordinal));
        Assert.All(sink.Objects, o => Assert.Equal(CimGenus.Class, o.Genus));
        var refs = await QueryAsync("REFERENCES OF {Test_A.K=1} WHERE ClassDefsOnly");
        Assert.Equal(["Test_Link1", "Test_Link2"], refs.Objects.Select(o => o.ClassName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Associators_KeysOnly_KeysOnly()
    {
        await SetUpAsync();
        var sink = await QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE KeysOnly");
        Assert.All(sink.Objects, o => Assert.Null(o["Value"]));
        Assert.All(sink.Objects, o => Assert.NotNull(o["K"]));
    }

    [Fact]
    public async Task Associators_SchemaOnly_ClassLevel()
    {
        await SetUpAsync();
        var sink = await QueryAsync("ASSOCIATORS OF {Test_A} WHERE SchemaOnly");
        Assert.Equal(["Test_X", "Test_X"], sink.Objects.Select(o => o.ClassName));
        var refs = await QueryAsync("REFERENCES OF {Test_A} WHERE SchemaOnly");
        Assert.Equal(["Test_Link1", "Test_Link2"], refs.Objects.Select(o => o.ClassName));
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidQuery, QueryAsync("ASSOCIATORS OF {Test_A.K=1} WHERE SchemaOnly"));
    }

    [Fact]
    public async Task Associators_MissingSource_IsNotFound()
    {
        await SetUpAsync();
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, QueryAsync("ASSOCIATORS OF {Test_A.K=9}"));
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, QueryAsync("REFERENCES OF {Nope.K=1}"));
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidObjectPath, QueryAsync("ASSOCIATORS OF {Test_A.K=}"));
    }

    [Fact]
    public async Task AssociatorsOf_FilterRecords_SameAsQuery()
    {
        await SetUpAsync();
        var viaCall = await RunAsync(s => Connection.AssociatorsOf("Test_A.K=1", new AssociatorsFilter(ResultClass: "Test_Y"), CallOptions.Default, s));
        Assert.Equal(["Test_Y.K=5"], viaCall.Objects.Select(o => o.RelativePath));
        var refs = await RunAsync(s => Connection.ReferencesTo("Test_A.K=1", new ReferencesFilter(ResultClass: "Test_Link2"), CallOptions.Default, s));
        Assert.Single(refs.Objects);
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidQuery,
            RunAsync(s => Connection.AssociatorsOf("Test_A.K=1", new AssociatorsFilter(ResultClass: "Test_X", ClassesOnly: true), CallOptions.Default, s)));
    }
}

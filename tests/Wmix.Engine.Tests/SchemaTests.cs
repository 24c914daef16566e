using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class SchemaTests : EngineTestBase
{
    private async Task<CimClass> GetClassAsync(string name) => (CimClass)(await GetAsync(name)).Objects.Single();

    [Theory]
    [InlineData("__SystemClass", true, null)]
    [InlineData("__IndicationRelated", true, "__SystemClass")]
    [InlineData("__Event", true, "__IndicationRelated")]
    [InlineData("__ExtrinsicEvent", true, "__Event")]
    [InlineData("__InstanceOperationEvent", false, "__Event")]
    [InlineData("__InstanceModificationEvent", false, "__InstanceOperationEvent")]
    [InlineData("__MethodInvocationEvent", false, "__InstanceOperationEvent")]
    [InlineData("__ClassModificationEvent", false, "__ClassOperationEvent")]
    [InlineData("__NamespaceDeletionEvent", false, "__NamespaceOperationEvent")]
    [InlineData("__EventQueueOverflowEvent", false, "__EventDroppedEvent")]
    [InlineData("__ConsumerFailureEvent", false, "__EventDroppedEvent")]
    [InlineData("__TimerEvent", false, "__Event")]
    [InlineData("__AggregateEvent", false, "__IndicationRelated")]
    [InlineData("__ExtendedStatus", false, "__NotifyStatus")]
    [InlineData("__NAMESPACE", false, "__SystemClass")]
    public async Task SystemClass_InEveryNamespace_HasWmiShape(string name, bool isAbstract, string? superclass)
    {
        foreach (var ns in (string[])["root", @"root\cimv2", @"root\default"])
        {
            using var connection = Manager.Connect(ns);
            var cls = (CimClass)(await RunAsync(s => connection.GetObject(name, CallOptions.Default, s))).Objects.Single();
            Assert.Equal(isAbstract, cls.IsAbstract);
            Assert.Equal(superclass, cls.SuperclassName);
            Assert.Equal(ns, cls.Namespace);
            Assert.True(cls.IsReadOnly);
        }
    }

    [Fact]
    public async Task SystemClasses_Properties_MatchWmi()
    {
        var evt = await GetClassAsync("__Event");
        Assert.Equal(CimType.UInt8, evt.FindProperty("SECURITY_DESCRIPTOR")!.Type);
        Assert.True(evt.FindProperty("SECURITY_DESCRIPTOR")!.IsArray);
        Assert.Equal(CimType.UInt64, evt.FindProperty("TIME_CREATED")!.Type);
        var modification = await GetClassAsync("__InstanceModificationEvent");
        Assert.Equal(CimType.Object, modification.FindProperty("TargetInstance")!.Type);
        Assert.Equal(CimType.Object, modification.FindProperty("PreviousInstance")!.Type);
        var method = await GetClassAsync("__MethodInvocationEvent");
        Assert.Equal(CimType.String, method.FindProperty("Method")!.Type);
        Assert.Equal(CimType.Object, method.FindProperty("Parameters")!.Type);
        Assert.Equal(CimType.Boolean, method.FindProperty("PreCall")!.Type);
        var ns = await GetClassAsync("__NamespaceCreationEvent");
        Assert.Equal("__NAMESPACE", ns.FindProperty("TargetNamespace")!.ReferenceClassName);
        var timer = await GetClassAsync("__TimerEvent");
        Assert.Equal(CimType.UInt32, timer.FindProperty("NumFirings")!.Type);
        Assert.Equal(CimType.String, timer.FindProperty("TimerId")!.Type);
        var aggregate = await GetClassAsync("__AggregateEvent");
        Assert.Equal(CimType.UInt32, aggregate.FindProperty("NumberOfEvents")!.Type);
        Assert.Equal(CimType.Object, aggregate.FindProperty("Representative")!.Type);
        var status = await GetClassAsync("__ExtendedStatus");
        Assert.Equal(["Description", "Operation", "ParameterInfo", "ProviderName", "StatusCode"],
            status.Properties.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(CimType.UInt32, status.FindProperty("StatusCode")!.Type);
        var nsClass = await GetClassAsync("__NAMESPACE");
        Assert.True(nsClass.FindProperty("Name")!.IsKey);
    }

    [Fact]
    public async Task DeleteSystemClass_Any_IsInvalidOperation() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidOperation, DeleteAsync("__Event"));

    [Fact]
    public async Task PutSystemClass_Reserved_IsInvalidOperation() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidOperation, PutAsync(new CimClass("__Mine")));

    [Fact]
    public async Task PutClass_New_ReportsPathAndStores()
    {
        var sink = await PutAsync(TestSchema.Base());
        Assert.Equal(["OP", "OC(wbemNoErr)"], sink.Events);
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Base", sink.PutPath!.ToString());
        var stored = await GetClassAsync("test_base");
        Assert.Equal("Test_Base", stored.Name);
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Base", stored["__PATH"]);
    }

    [Fact]
    public async Task PutClass_MissingSuperclass_IsInvalidSuperclass()
    {
        var parent = new CimClass("Test_Missing");
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidSuperclass, PutAsync(new CimClass("Test_Child", parent)));
    }

    [Fact]
    public async Task PutClass_CreateOnlyExisting_IsAlreadyExists()
    {
        await DefineAsync(TestSchema.Base());
        await AssertFailsAsync(WbemErrorEnum.wbemErrAlreadyExists, PutAsync(TestSchema.Base(), CallOptions.Default with { PutMode = PutMode.CreateOnly }));
    }

    [Fact]
    public async Task PutClass_UpdateOnlyMissing_IsNotFound() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, PutAsync(TestSchema.Base(), CallOptions.Default with { PutMode = PutMode.UpdateOnly }));

    [Fact]
    public async Task PutClass_InvalidKeyType_FailsValidation()
    {
        var bad = new CimClass("Test_BadKey");
        bad.AddProperty("R", CimType.Real64, isKey: true);
        await AssertFailsAsync(WbemErrorEnum.wbemErrCannotBeKey, PutAsync(bad));
    }

    [Fact]
    public async Task UpdateClass_WithInstancesCompatible_IsClassHasInstances()
    {
        var stored = await DefineAsync(TestSchema.Base());
        await AssertSucceedsAsync(PutAsync(TestSchema.New(stored, ("Id", 1u))));
        var changed = TestSchema.Base();
        changed.AddProperty("Extra", CimType.String);
        await AssertFailsAsync(WbemErrorEnum.wbemErrClassHasInstances, PutAsync(changed));
        await AssertFailsAsync(WbemErrorEnum.wbemErrClassHasInstances, PutAsync(changed, CallOptions.Default with { ClassUpdateMode = ClassUpdateMode.SafeMode }));
    }

    [Fact]
    public async Task UpdateClass_OnlyDescriptionChanges_AllowedWithInstancesAndChildren()
    {
        var stored = await DefineAsync(TestSchema.Base());
        await DefineAsync(new CimClass("Test_Sub", stored));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(stored, ("Id", 1u), ("Name", "one"))));
        var described = TestSchema.Base();
        described.Qualifiers.Set("Description", "A documented class");
        await AssertSucceedsAsync(PutAsync(described));

        Assert.Equal("A documented class", (await GetClassAsync("Test_Base")).Qualifiers.GetValue("Description"));
        var instance = (await GetAsync("Test_Base.Id=1")).Objects.Single();
        Assert.Equal("one", instance["Name"]);
        Assert.Equal("A documented class", instance.Class.Qualifiers.GetValue("Description"));
    }

    [Fact]
    public async Task UpdateClass_WithChildrenCompatible_IsClassHasChildren()
    {
        var stored = await DefineAsync(TestSchema.Base());
        await DefineAsync(new CimClass("Test_Sub", stored));
        var changed = TestSchema.Base();
        changed.AddProperty("Extra", CimType.String);
        await AssertFailsAsync(WbemErrorEnum.wbemErrClassHasChildren, PutAsync(changed));
    }

    [Fact]
    public async Task UpdateClass_WithChildrenSafeMode_RebuildsChildren()
    {
        var stored = await DefineAsync(TestSchema.Base());
        var sub = new CimClass("Test_Sub", stored);
        sub.AddProperty("Own", CimType.SInt32);
        await DefineAsync(sub);
        var changed = TestSchema.Base();
        changed.AddProperty("Extra", CimType.String);
        await AssertSucceedsAsync(PutAsync(changed, CallOptions.Default with { ClassUpdateMode = ClassUpdateMode.SafeMode }));

        var rebuilt = await GetClassAsync("Test_Sub");
        Assert.NotNull(rebuilt.FindProperty("Extra"));
        Assert.NotNull(rebuilt.FindProperty("Own"));
        Assert.Same(await GetClassAsync("Test_Base"), rebuilt.Superclass);
    }

    [Fact]
    public async Task UpdateClass_SafeModeConflictWithChild_IsClassHasChildren()
    {
        var stored = await DefineAsync(TestSchema.Base());
        var sub = new CimClass("Test_Sub", stored);
        sub.AddProperty("Clash", CimType.SInt32);
        await DefineAsync(sub);
        var changed = TestSchema.Base();
        changed.AddProperty("Clash", CimType.String);
        await AssertFailsAsync(WbemErrorEnum.wbemErrClassHasChildren, PutAsync(changed, CallOptions.Default with { ClassUpdateMode = ClassUpdateMode.SafeMode }));
    }

    [Fact]
    public async Task UpdateClass_ForceModeWithInstances_DeletesThemAndResolvesConflicts()
    {
        // Spec §8.13: ForceMode follows the CIMOM; this is our contract (not asserted by Microsoft's docs).
        var stored = await DefineAsync(TestSchema.Base());
        var sub = new CimClass("Test_Sub", stored);
        sub.AddProperty("Clash", CimType.SInt32);
        var storedSub = await DefineAsync(sub);
        await AssertSucceedsAsync(PutAsync(TestSchema.New(storedSub, ("Id", 2u))));
        var changed = TestSchema.Base();
        changed.AddProperty("Clash", CimType.String);
        await AssertSucceedsAsync(PutAsync(changed, CallOptions.Default with { ClassUpdateMode = ClassUpdateMode.ForceMode }));

        Assert.Equal(CimType.String, (await GetClassAsync("Test_Sub")).FindProperty("Clash")!.Type);
        Assert.Empty((await RunAsync(s => Connection.InstancesOf("Test_Base", CallOptions.Default, s))).Objects);
    }

    [Fact]
    public async Task DeleteClass_WithSubclassesAndInstances_RemovesAll()
    {
        var stored = await DefineAsync(TestSchema.Base());
        var sub = await DefineAsync(new CimClass("Test_Sub", stored));
        await DefineAsync(new CimClass("Test_SubSub", sub));
        await AssertSucceedsAsync(PutAsync(TestSchema.New(sub, ("Id", 3u))));

        var sink = await DeleteAsync("Test_Base");
        Assert.Equal(["OC(wbemNoErr)"], sink.Events);
        foreach (var name in (string[])["Test_Base", "Test_Sub", "Test_SubSub"])
        {
            await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, GetAsync(name));
        }
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, DeleteAsync("Test_Base"));
    }

    [Fact]
    public async Task SubclassesOf_DefaultDeep_IncludesGrandchildrenButNotParent()
    {
        // Vector 22.
        var stored = await DefineAsync(TestSchema.Base());
        var sub = await DefineAsync(new CimClass("Test_Sub", stored));
        await DefineAsync(new CimClass("Test_SubSub", sub));

        var deep = await RunAsync(s => Connection.SubclassesOf("Test_Base", CallOptions.Default, s));
        Assert.Equal(["Test_Sub", "Test_SubSub"], deep.Objects.Select(o => o.ClassName));
        var shallow = await RunAsync(s => Connection.SubclassesOf("Test_Base", CallOptions.Default with { Shallow = true }, s));
        Assert.Equal(["Test_Sub"], shallow.Objects.Select(o => o.ClassName));
    }

    [Fact]
    public async Task SubclassesOf_BlankShallow_TopLevelOnly()
    {
        await DefineAsync(TestSchema.Base());
        var top = await RunAsync(s => Connection.SubclassesOf(null, CallOptions.Default with { Shallow = true }, s));
        Assert.All(top.Objects, o => Assert.Null(o.SuperclassName));
        Assert.Contains(top.Objects, o => o.ClassName == "Test_Base");
        Assert.Contains(top.Objects, o => o.ClassName == "__SystemClass");
        Assert.DoesNotContain(top.Objects, o => o.ClassName == "__NAMESPACE");
        var all = await RunAsync(s => Connection.SubclassesOf("", CallOptions.Default, s));
        Assert.Contains(all.Objects, o => o.ClassName == "__NAMESPACE");
    }

    [Fact]
    public async Task SubclassesOf_UnknownClass_IsInvalidClass() =>
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidClass, RunAsync(s => Connection.SubclassesOf("Nope", CallOptions.Default, s)));

    [Fact]
    public async Task SchemaQuery_IsaAndClassConditions_ReturnClassDefinitions()
    {
        var stored = await DefineAsync(TestSchema.Base());
        await DefineAsync(new CimClass("Test_Sub", stored));
        var isa = await QueryAsync(@"SELECT * FROM meta_class WHERE __this ISA ""Test_Base""");
        Assert.Equal(["Test_Base", "Test_Sub"], isa.Objects.Select(o => o.ClassName));
        Assert.All(isa.Objects, o => Assert.Equal(CimGenus.Class, o.Genus));
        var byName = await QueryAsync(@"SELECT * FROM meta_class WHERE __CLASS = ""test_sub""");
        Assert.Equal(["Test_Sub"], byName.Objects.Select(o => o.ClassName));
        var bySuper = await QueryAsync(@"SELECT * FROM meta_class WHERE __SUPERCLASS = ""Test_Base"" OR __CLASS = ""__Event""");
        Assert.Equal(["Test_Sub", "__Event"], bySuper.Objects.Select(o => o.ClassName).Order(StringComparer.Ordinal));
        var dynasty = await QueryAsync(@"SELECT * FROM meta_class WHERE __DYNASTY = ""Test_Base""");
        Assert.Equal(2, dynasty.Objects.Count);
        var all = await QueryAsync("SELECT * FROM meta_class");
        Assert.True(all.Objects.Count > 20);
    }
}

using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class ProviderTests : EngineTestBase
{
    [Fact]
    public async Task InstancesOf_ProviderClass_StreamsAllFrozenAndLocated()
    {
        var provider = new TestProvider(count: 100);
        Manager.RegisterProvider(provider);
        var sink = await RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (uint)i), sink.Objects.Select(o => (uint)o["Id"]!));
        Assert.All(sink.Objects, o => Assert.True(o.IsReadOnly));
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Item.Id=0", sink.Objects[0]["__PATH"]);
        Assert.Null(provider.LastQuery);
    }

    [Fact]
    public async Task Get_ProviderClass_DefaultGetEnumeratesAndMatchesKeys()
    {
        Manager.RegisterProvider(new TestProvider(count: 10));
        Assert.Equal("item7", (await GetAsync("Test_Item.Id=7")).Objects.Single()["Name"]);
        Assert.Equal("item7", (await GetAsync("Test_Item=\"7\"")).Objects.Single()["Name"]);
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, GetAsync("Test_Item.Id=70"));
    }

    [Fact]
    public async Task Enumerate_ProviderThrows_IsProviderFailureNamingProvider()
    {
        Manager.RegisterProvider(new TestProvider(count: 10) { Failure = new InvalidOperationException("disk on fire"), FailAfter = 3 });
        var sink = await RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s));
        var status = await sink.Completed;
        Assert.Equal(3, sink.Objects.Count);
        Assert.Equal(WbemErrorEnum.wbemErrProviderFailure, status.Code);
        Assert.Equal("TestProvider", status.ExtendedStatus!.ProviderName);
        Assert.Equal("EnumerateInstances", status.ExtendedStatus.Operation);
        Assert.Contains("disk on fire", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enumerate_ProviderThrowsWbemException_KeepsCode()
    {
        Manager.RegisterProvider(new TestProvider(count: 10) { Failure = new WbemException(WbemErrorEnum.wbemErrAccessDenied, "no"), FailAfter = 0 });
        var status = await StatusAsync(RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s)));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, status.Code);
        Assert.Equal("TestProvider", status.ExtendedStatus!.ProviderName);
    }

    [Fact]
    public async Task Enumerate_NotCapable_IsProviderNotCapable()
    {
        Manager.RegisterProvider(new TestProvider(capabilities: ProviderCapabilities.Put));
        await AssertFailsAsync(WbemErrorEnum.wbemErrProviderNotCapable, RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s)));
    }

    [Fact]
    public async Task Query_AbstractParentOnlyInstalled_ListsTheSubclassInstances()
    {
        // Issue #4: a provider installs an abstract parent without serving it (it has no instances of its own); a
        // query on the parent and ASSOCIATORS OF (which walks every association class) must not fail on it.
        Manager.RegisterProvider(new ParentOnlyProvider());
        var sink = await QueryAsync("SELECT * FROM Test_AbstractParent");
        Assert.Equal(["Test_Concrete"], sink.Objects.Select(o => o.ClassName));
        var links = await QueryAsync("ASSOCIATORS OF {Test_Concrete.Id=1}");
        Assert.Empty(links.Objects);
        Assert.Equal(WbemErrorEnum.wbemNoErr, (await links.Completed).Code);
    }

    private sealed class ParentOnlyProvider : CimProvider
    {
        private static readonly CimClass s_parent = Abstract(new CimClass("Test_AbstractParent"));
        private static readonly CimClass s_concrete = Concrete();
        private static readonly CimClass s_association = AbstractAssociation();

        public override string Name => "ParentOnly";

        public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
        [
            new(@"root\cimv2", s_parent, ProviderCapabilities.None),
            new(@"root\cimv2", s_concrete),
            new(@"root\cimv2", s_association, ProviderCapabilities.None),
        ];

        private static CimClass Abstract(CimClass c)
        {
            c.Qualifiers.Set("Abstract", true);
            return (CimClass)c.Freeze();
        }

        private static CimClass Concrete()
        {
            var c = new CimClass("Test_Concrete", s_parent);
            c.AddProperty("Id", CimType.UInt32, isKey: true);
            return (CimClass)c.Freeze();
        }

        private static CimClass AbstractAssociation()
        {
            var c = new CimClass("Test_AbstractLink");
            c.Qualifiers.Set("Association", true);
            c.AddProperty(new CimProperty("Left", CimType.Reference, referenceClassName: "Test_AbstractParent"));
            c.AddProperty(new CimProperty("Right", CimType.Reference, referenceClassName: "Test_AbstractParent"));
            return Abstract(c);
        }

        public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(cls);
            if (!CimNames.AreEqual(cls.Name, "Test_Concrete"))
            {
                throw new InvalidOperationException($"asked for instances of {cls.Name}");
            }
            var instance = cls.SpawnInstance();
            instance["Id"] = 1u;
            return FromEnumerableAsync([instance], cancellationToken);
        }
    }

    [Fact]
    public async Task Cancel_SlowProvider_ProviderSeesTokenAndRegistryEmpties()
    {
        var provider = new TestProvider(count: 1000, delay: TimeSpan.FromMilliseconds(20));
        Manager.RegisterProvider(provider);
        var sink = new RecordingSink();
        var operation = Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, sink);
        while (sink.Objects.Count < 2)
        {
            await Task.Delay(5, Token);
        }
        Assert.True(operation.Cancel());
        Assert.False(operation.Cancel());
        await operation.Quiesced.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await sink.Completed).Code);
        Assert.Equal(1, sink.Completions);
        Assert.False(sink.Violated);
        Assert.Equal(1, provider.CancellationsObserved);
        Assert.Equal(0, provider.Active);
        Assert.Equal(0, Manager.Operations.Count);
        Assert.True(sink.Objects.Count < 1000);
    }

    [Fact]
    public async Task Progress_WithSendStatus_ReportedBeforeCompletion()
    {
        // Vector 14.
        Manager.RegisterProvider(new TestProvider(count: 3) { ReportsProgress = true });
        var withStatus = await RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default with { SendStatus = true }, s));
        Assert.Equal(["PR(3,1,item)", "OR", "PR(3,2,item)", "OR", "PR(3,3,item)", "OR", "OC(wbemNoErr)"], withStatus.Events);
        var without = await RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s));
        Assert.DoesNotContain(without.Events, e => e.StartsWith("PR", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InstancesOf_ProviderAndRepositorySubclasses_DeepUnion()
    {
        Manager.RegisterProvider(new TestProvider(count: 2));
        var item = (CimClass)(await GetAsync(TestProvider.ClassName)).Objects.Single();
        var sub = new CimClass("Test_StaticItem", item);
        sub.Qualifiers.Set("Dynamic", false);
        var storedSub = await DefineAsync(sub);
        Assert.False(storedSub.IsDynamic);
        await AssertSucceedsAsync(PutAsync(TestSchema.New(storedSub, ("Id", 99u))));

        var deep = await RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s));
        Assert.Equal([0u, 1u, 99u], deep.Objects.Select(o => (uint)o["Id"]!));
        var shallow = await RunAsync(s => Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default with { Shallow = true }, s));
        Assert.Equal(2, shallow.Objects.Count);
        Assert.Equal("Test_StaticItem", (await GetAsync("Test_Item.Id=99")).Objects.Single().ClassName);
    }

    [Fact]
    public void RegisterProvider_SystemClass_IsInvalidOperation() =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidOperation,
            Assert.Throws<WbemException>(() => Manager.RegisterProvider(new TestProvider(className: "__Sneaky"))).ErrorCode);

    [Fact]
    public async Task RegisterProvider_MarksClassDynamicWithProviderName()
    {
        Manager.RegisterProvider(new TestProvider());
        var cls = (CimClass)(await GetAsync(TestProvider.ClassName)).Objects.Single();
        Assert.True(cls.IsDynamic);
        Assert.Equal("TestProvider", cls.Qualifiers.GetValue("Provider"));
    }
}

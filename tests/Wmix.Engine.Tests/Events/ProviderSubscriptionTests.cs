using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;
using Wmix.Wql;

namespace Wmix.Engine.Tests.Events;

/// <summary>
/// Providers that raise one subscription's instance events themselves (AcceptsInstanceEvents / SubscribeInstanceEvents),
/// the polling fallback when they decline, and the association source handed to association providers.
/// </summary>
public sealed class ProviderSubscriptionTests : IDisposable
{
    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;
    private readonly WatchProvider _provider = new();

    public ProviderSubscriptionTests()
    {
        _connection = _manager.Connect(EventTestHelpers.Cimv2);
        _manager.RegisterProvider(_provider);
    }

    public void Dispose() => _manager.Dispose();

    private const string Restricted = "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Watch_Item' AND TargetInstance.Dir = 'a'";

    [Fact]
    public void Accepted_EventsReachOnlyTheirSubscription_HandleDisposedOnCancel()
    {
        var sink1 = new RecordingSink();
        var sink2 = new RecordingSink();
        var op1 = _connection.Subscribe(Restricted, sink1);
        var op2 = _connection.Subscribe(Restricted, sink2);
        Assert.Equal(2, _provider.Handles.Count);
        Assert.Equal(0, _manager.GetDiagnostics().ActivePolls);
        var (context, sink, _) = _provider.Handles[0];
        Assert.Equal("Watch_Item", context.TargetClass!.Name);
        Assert.NotNull(context.Query!.Where);

        sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceCreation, _provider.Item(context.TargetClass, "x", "a")));
        sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceCreation, _provider.Item(context.TargetClass, "y", "b"))); // fails the condition
        sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceDeletion, _provider.Item(context.TargetClass, "z", "a"))); // not a creation

        // The first handle raised for the first subscription only: no double delivery through the namespace.
        var got = Assert.Single(sink1.Objects);
        Assert.Equal("x", ((CimInstance)got["TargetInstance"]!)["Name"]);
        Assert.Empty(sink2.Objects);

        op1.Cancel();
        Assert.True(_provider.Handles[0].Handle.Disposed);
        Assert.True(context.Closed.IsCancellationRequested);
        Assert.False(_provider.Handles[1].Handle.Disposed);
        sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceCreation, _provider.Item(context.TargetClass, "late", "a")));
        Assert.Single(sink1.Objects); // ignored after the end
        op2.Cancel();
        Assert.True(_provider.Handles[1].Handle.Disposed);
        _manager.AssertClean();
    }

    [Fact]
    public void Declined_WithWithin_Polled_WithoutWithin_TooPrecise()
    {
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 5 WHERE TargetInstance ISA 'Watch_Item'", new RecordingSink());
        Assert.Empty(_provider.Handles);
        Assert.Equal(1, _manager.GetDiagnostics().ActivePolls);
        op.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrRegistrationTooPrecise,
            EventTestHelpers.ErrorOf(() => _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Watch_Item'", new RecordingSink())));
        _manager.AssertClean();
    }

    [Fact]
    public void AbstractBound_NeitherPolledNorTooPrecise()
    {
        var op = _connection.Subscribe("SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA 'Watch_Base' AND TargetInstance.Dir = 'a'", new RecordingSink());
        Assert.False(op.IsEnded);
        Assert.Equal("Watch_Item", Assert.Single(_provider.Handles).Context.TargetClass!.Name);
        Assert.Equal(0, _manager.GetDiagnostics().ActivePolls);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public void SubscribeInstanceEventsThrows_SubscriptionFailsWithItsCode()
    {
        _provider.FailWith = new WbemException(WbemErrorEnum.wbemErrAccessDenied, "no");
        var sink = new RecordingSink();
        var op = _connection.Subscribe(Restricted, sink);
        Assert.True(op.IsEnded);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, Assert.Single(sink.Completions).Code);
        _manager.AssertClean();
    }

    [Fact]
    public async Task Associators_ProviderLearnsTheSource()
    {
        var sink = new ChannelOperationSink();
        var op = _connection.AssociatorsOf("Watch_Item.Name=\"x\"", new AssociatorsFilter(), CallOptions.Default, sink);
        await op.Completion;
        var source = Assert.Single(_provider.AssociationSources);
        Assert.Equal("x", source!["Name"]);
        var found = new List<CimObject>();
        while (sink.Reader.TryRead(out var o))
        {
            found.Add(o);
        }
        Assert.Equal("y", ((CimInstance)Assert.Single(found))["Name"]);
    }

    /// <summary>Watch_Base (abstract) ← Watch_Item; accepts subscriptions that restrict TargetInstance.Dir; Watch_Link links x to y.</summary>
    private sealed class WatchProvider : CimProvider
    {
        private readonly CimClass _item;

        public WatchProvider()
        {
            var b = new CimClass("Watch_Base");
            b.Qualifiers.Set("Abstract", true);
            b.AddProperty("Name", CimType.String, isKey: true);
            b.AddProperty("Dir", CimType.String);
            b.Freeze();
            _item = (CimClass)new CimClass("Watch_Item", b).Freeze();
            var link = new CimClass("Watch_Link");
            link.Qualifiers.Set("Association", true);
            link.AddProperty(new CimProperty("A", CimType.Reference, referenceClassName: "Watch_Item", qualifiers: KeyQualifier()));
            link.AddProperty(new CimProperty("B", CimType.Reference, referenceClassName: "Watch_Item", qualifiers: KeyQualifier()));
            Classes = [new(EventTestHelpers.Cimv2, b), new(EventTestHelpers.Cimv2, _item), new(EventTestHelpers.Cimv2, (CimClass)link.Freeze())];
        }

        private static CimQualifierSet KeyQualifier()
        {
            var q = new CimQualifierSet();
            q.Set(new CimQualifier("Key", true));
            return q;
        }

        public override string Name => "WatchProvider";

        public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

        public List<(EventSubscriptionContext Context, ICimEventSink Sink, Handle Handle)> Handles { get; } = [];

        public List<CimInstance?> AssociationSources { get; } = [];

        public WbemException? FailWith { get; set; }

        public CimInstance Item(CimClass cls, string name, string dir)
        {
            var i = cls.SpawnInstance();
            i["Name"] = name;
            i["Dir"] = dir;
            return i;
        }

        public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            if (cls.Name == "Watch_Link")
            {
                AssociationSources.Add(context.AssociationSource);
                var link = cls.SpawnInstance();
                link["A"] = "Watch_Item.Name=\"x\"";
                link["B"] = "Watch_Item.Name=\"y\"";
                yield return link;
            }
            else if (cls.Name == "Watch_Item")
            {
                yield return Item(_item, "x", "a");
                yield return Item(_item, "y", "b");
            }
        }

        public override bool AcceptsInstanceEvents(string @namespace, CimClass targetClass, WqlEventQuery query) => RestrictsDir(query.Where);

        private static bool RestrictsDir(WqlExpression? e) => e switch
        {
            WqlComparison c => c.Property.IsNested && c.Property.LeafName == "Dir",
            WqlAnd a => RestrictsDir(a.Left) || RestrictsDir(a.Right),
            _ => false,
        };

        public override IDisposable SubscribeInstanceEvents(EventSubscriptionContext context, ICimEventSink sink)
        {
            if (FailWith is { } e)
            {
                throw e;
            }
            var handle = new Handle();
            Handles.Add((context, sink, handle));
            return handle;
        }
    }

    private sealed class Handle : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}

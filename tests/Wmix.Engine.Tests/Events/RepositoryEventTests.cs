using Wmix.Cim;

namespace Wmix.Engine.Tests.Events;

/// <summary>Intrinsic events for stored data: instances, classes and namespaces, raised immediately.</summary>
public sealed class RepositoryEventTests : IDisposable
{
    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;

    public RepositoryEventTests() => _connection = _manager.Connect(EventTestHelpers.Cimv2);

    public void Dispose() => _manager.Dispose();

    private static void AssertEventObject(CimObject evt, string className)
    {
        Assert.Equal(className, evt.ClassName);
        Assert.True(evt.IsReadOnly);
        // Event objects carry no location (select-statement-for-event-queries.md).
        Assert.True(evt.TryGetSystemProperty("__PATH", out var path));
        Assert.Null(path);
        Assert.True(evt.TryGetSystemProperty("__RELPATH", out var relpath));
        Assert.Null(relpath);
        // TIME_CREATED: FILETIME UTC, close to now.
        var created = DateTime.FromFileTimeUtc((long)(ulong)evt["TIME_CREATED"]!);
        Assert.InRange(created, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task InstanceModification_WithinOnStoredClass_OneEventWithNewAndPreviousState()
    {
        // Vector 43.
        await _manager.PutClassAsync(_connection, "C");
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "I", 1));
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceModificationEvent WITHIN 1 WHERE TargetInstance ISA \"C\"", sink);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "I", 2));

        var events = await sink.WaitForAsync(1);
        var evt = Assert.Single(events);
        AssertEventObject(evt, "__InstanceModificationEvent");
        var target = Assert.IsAssignableFrom<CimInstance>(evt["TargetInstance"]);
        var previous = Assert.IsAssignableFrom<CimInstance>(evt["PreviousInstance"]);
        Assert.Equal(2u, target["Size"]);
        Assert.Equal(1u, previous["Size"]);
        // The embedded instances keep their own location.
        Assert.Equal(@"\\TESTHOST\root\cimv2:C.Name=""I""", target.Path!.ToString());
        Assert.Empty(sink.Completions);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public async Task InstanceCreationAndDeletion_CarryTargetInstanceOnly()
    {
        await _manager.PutClassAsync(_connection, "C");
        var created = new RecordingSink();
        var deleted = new RecordingSink();
        var op1 = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"C\"", created);
        var op2 = _connection.Subscribe("SELECT * FROM __InstanceDeletionEvent WHERE TargetInstance ISA 'C'", deleted);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "A", 7));
        await _connection.DeleteAsync("C.Name=\"A\"");

        var c = Assert.Single(await created.WaitForAsync(1));
        AssertEventObject(c, "__InstanceCreationEvent");
        Assert.False(c.HasProperty("PreviousInstance"));
        Assert.Equal("A", ((CimObject)c["TargetInstance"]!)["Name"]);
        var d = Assert.Single(await deleted.WaitForAsync(1));
        AssertEventObject(d, "__InstanceDeletionEvent");
        Assert.Equal(7u, ((CimObject)d["TargetInstance"]!)["Size"]);
        op1.Cancel();
        op2.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public async Task InstanceOperationEvent_ReceivesAllThreeKindsInOrder()
    {
        await _manager.PutClassAsync(_connection, "C");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA \"C\"", sink);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "A", 1));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "A", 2));
        await _connection.DeleteAsync("C.Name=\"A\"");

        var events = await sink.WaitForAsync(3);
        Assert.Equal(["__InstanceCreationEvent", "__InstanceModificationEvent", "__InstanceDeletionEvent"], events.Select(e => e.ClassName));
        op.Cancel();
    }

    [Fact]
    public async Task IsaBase_SubclassCreatedAfterSubscribing_Fires()
    {
        // Vector 44.
        await _manager.PutClassAsync(_connection, "Base");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"Base\"", sink);

        await _manager.PutClassAsync(_connection, "Derived", "Base");
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "Derived", "D", 1));

        var evt = Assert.Single(await sink.WaitForAsync(1));
        Assert.Equal("Derived", ((CimObject)evt["TargetInstance"]!).ClassName);
        op.Cancel();
    }

    [Fact]
    public async Task Condition_FiltersOnTargetProperties()
    {
        await _manager.PutClassAsync(_connection, "C");
        var sink = new RecordingSink();
        var op = _connection.Subscribe(
            "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"C\" AND TargetInstance.Name LIKE 'keep%' AND TargetInstance.Size > 1", sink);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "keep-1", 1));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "drop", 5));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "KEEP-2", 5));

        var evt = Assert.Single(await sink.WaitForAsync(1));
        Assert.Equal("KEEP-2", ((CimObject)evt["TargetInstance"]!)["Name"]);
        op.Cancel();
        Assert.Single(sink.Objects);
    }

    [Fact]
    public async Task OtherClassesAndNamespaces_DoNotReachTheSubscription()
    {
        await _manager.PutClassAsync(_connection, "C");
        await _manager.PutClassAsync(_connection, "Other");
        using var other = _manager.Connect(@"root\default");
        await _manager.PutClassAsync(other, "C");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"C\"", sink);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "Other", "x", 1));
        await other.PutAsync(_manager.NewInstance(@"root\default", "C", "x", 1));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "mine", 1));

        var evt = Assert.Single(await sink.WaitForAsync(1));
        Assert.Equal("mine", ((CimObject)evt["TargetInstance"]!)["Name"]);
        op.Cancel();
    }

    [Fact]
    public async Task ClassEvents_CreationModificationDeletion()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __ClassOperationEvent WHERE TargetClass ISA \"Test_Schema\"", sink);

        await _manager.PutClassAsync(_connection, "Test_Schema");
        var changed = new CimClass("Test_Schema");
        changed.AddProperty("Name", CimType.String, isKey: true);
        changed.AddProperty("Size", CimType.UInt32);
        changed.AddProperty("Extra", CimType.String);
        await _connection.PutAsync(changed);
        await _connection.DeleteAsync("Test_Schema");

        var events = await sink.WaitForAsync(3);
        Assert.Equal(["__ClassCreationEvent", "__ClassModificationEvent", "__ClassDeletionEvent"], events.Select(e => e.ClassName));
        var modification = events[1];
        Assert.True(((CimClass)modification["TargetClass"]!).HasProperty("Extra"));
        Assert.False(((CimClass)modification["PreviousClass"]!).HasProperty("Extra"));
        Assert.Equal("Test_Schema", ((CimClass)events[2]["TargetClass"]!).Name);
        op.Cancel();
    }

    [Fact]
    public async Task NamespaceEvents_ReportedInTheParent()
    {
        using var root = _manager.Connect("root");
        var sink = new RecordingSink();
        var op = root.Subscribe("SELECT * FROM __NamespaceOperationEvent WHERE TargetNamespace.Name = 'Test_Ns'", sink);

        var ns = _manager.GetClass("root", "__NAMESPACE")!.SpawnInstance();
        ns["Name"] = "Test_Ns";
        await root.PutAsync(ns);
        await root.DeleteAsync("__NAMESPACE.Name=\"Test_Ns\"");

        var events = await sink.WaitForAsync(2);
        Assert.Equal(["__NamespaceCreationEvent", "__NamespaceDeletionEvent"], events.Select(e => e.ClassName));
        Assert.Equal("Test_Ns", ((CimObject)events[0]["TargetNamespace"]!)["Name"]);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public async Task Subscription_EventsFlowing_NoCompletionUntilCancelThenExactlyOne()
    {
        // Vector 9 (compressed: events keep flowing, the subscription never completes by itself).
        await _manager.PutClassAsync(_connection, "C");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"C\"", sink);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var writer = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", $"n{i++}", 1));
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
        }, TestContext.Current.CancellationToken);
        await writer;
        Assert.Empty(sink.Completions);
        Assert.False(op.IsEnded);
        Assert.NotEmpty(sink.Objects);
        Assert.Equal(1, _manager.GetDiagnostics().ActiveSubscriptions);

        Assert.True(op.Cancel());
        var delivered = sink.Objects.Count;
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "after", 1));

        var status = Assert.Single(sink.Completions);
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, status.Code);
        Assert.Equal(delivered, sink.Objects.Count);
        Assert.Equal(0, sink.AfterCompletion);
        Assert.False(op.Cancel());
        _manager.AssertClean();
    }

    [Fact]
    public async Task WithinOnStoredClass_AcceptedAndEventsAreImmediate()
    {
        await _manager.PutClassAsync(_connection, "C");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 3600 WHERE TargetInstance ISA \"C\"", sink);
        Assert.Equal(0, _manager.GetDiagnostics().ActivePolls);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "x", 1));

        Assert.Single(sink.Objects); // delivered synchronously by the put, long before 3600 s
        op.Cancel();
    }

    [Fact]
    public async Task UnboundedSubscription_SeesEveryInstanceEvent()
    {
        await _manager.PutClassAsync(_connection, "C");
        await _manager.PutClassAsync(_connection, "D");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent", sink);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "x", 1));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "D", "y", 1));

        Assert.Equal(2, (await sink.WaitForAsync(2)).Count);
        op.Cancel();
    }

    [Fact]
    public async Task IsaOr_SubscriptionInTwoIndexLists_DeliveredOnce()
    {
        await _manager.PutClassAsync(_connection, "Base");
        await _manager.PutClassAsync(_connection, "Derived", "Base");
        var sink = new RecordingSink();
        var op = _connection.Subscribe(
            "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"Base\" OR TargetInstance ISA \"Derived\"", sink);

        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "Derived", "x", 1));

        Assert.Single(sink.Objects);
        op.Cancel();
        _manager.AssertClean();
    }
}

using Wmix.Cim;
using Wmix.Engine.Events;

namespace Wmix.Engine.Tests.Events;

/// <summary>Events raised by providers: extrinsic classes and intrinsic feeds, opened only while needed.</summary>
public sealed class ProviderEventTests : IDisposable
{
    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;
    private readonly TraceProvider _traces;
    private readonly IntrinsicFeedProvider _feed = new();

    public ProviderEventTests()
    {
        _connection = _manager.Connect(EventTestHelpers.Cimv2);
        _traces = new TraceProvider(_manager.GetClass(EventTestHelpers.Cimv2, "__ExtrinsicEvent")!);
        _manager.RegisterProvider(_traces);
        _manager.RegisterProvider(_feed);
    }

    public void Dispose() => _manager.Dispose();

    [Fact]
    public void Extrinsic_FromBaseClass_ReceivesSubclassEvents()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessTrace", sink);
        Assert.True(_traces.IsOpen);

        Assert.True(_traces.Raise("Test_ProcessStartTrace", "bash"));
        Assert.True(_traces.Raise("Test_ProcessStopTrace", "bash"));

        Assert.Equal(["Test_ProcessStartTrace", "Test_ProcessStopTrace"], sink.Objects.Select(o => o.ClassName));
        var evt = sink.Objects[0];
        Assert.True(evt.IsReadOnly);
        Assert.NotNull(evt["TIME_CREATED"]);
        Assert.True(evt.TryGetSystemProperty("__PATH", out var path));
        Assert.Null(path);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public void Extrinsic_SubclassQueryAndCondition_Filter()
    {
        var starts = new RecordingSink();
        var notepad = new RecordingSink();
        var op1 = _connection.Subscribe("SELECT * FROM Test_ProcessStartTrace", starts);
        var op2 = _connection.Subscribe("SELECT * FROM Test_ProcessTrace WHERE ProcessName = 'NOTEPAD.exe'", notepad);

        _traces.Raise("Test_ProcessStartTrace", "bash");
        _traces.Raise("Test_ProcessStopTrace", "notepad.exe");
        _traces.Raise("Test_ProcessStartTrace", "notepad.exe");

        Assert.Equal(2, starts.Objects.Count);
        Assert.All(starts.Objects, o => Assert.Equal("Test_ProcessStartTrace", o.ClassName));
        Assert.Equal(["Test_ProcessStopTrace", "Test_ProcessStartTrace"], notepad.Objects.Select(o => o.ClassName));
        op1.Cancel();
        op2.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public void Feed_OpenedOnFirstSubscriberClosedAfterLast()
    {
        Assert.False(_traces.IsOpen);
        var a = _connection.Subscribe("SELECT * FROM Test_ProcessStartTrace", new RecordingSink());
        var b = _connection.Subscribe("SELECT * FROM Test_ProcessTrace", new RecordingSink());
        Assert.Equal(1, _traces.Opens);
        Assert.Equal(1, _manager.GetDiagnostics().ProviderEventFeeds);
        var closed = _traces.ClosedToken;

        a.Cancel();
        Assert.True(_traces.IsOpen);
        Assert.False(closed.IsCancellationRequested);
        b.Cancel();
        // Released synchronously inside the last Cancel.
        Assert.False(_traces.IsOpen);
        Assert.Equal(1, _traces.Closes);
        Assert.True(closed.IsCancellationRequested);
        Assert.False(_traces.Raise("Test_ProcessStartTrace", "late"));
        _manager.AssertClean();

        var c = _connection.Subscribe("SELECT * FROM __ExtrinsicEvent", new RecordingSink());
        Assert.Equal(2, _traces.Opens);
        c.Cancel();
        Assert.Equal(2, _traces.Closes);
    }

    [Fact]
    public void Feed_NotOpenedForUnrelatedQueries()
    {
        var op = _connection.Subscribe("SELECT * FROM __ClassCreationEvent", new RecordingSink());
        Assert.False(_traces.IsOpen);
        Assert.Equal(0, _feed.Opens);
        op.Cancel();
    }

    [Fact]
    public void Feed_EventsOfClosedSinkIgnored()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessTrace", sink);
        op.Cancel();
        Assert.False(_traces.Raise("Test_ProcessStartTrace", "x"));
        Assert.Empty(sink.Objects);
    }

    [Fact]
    public void ReportEventsLost_DroppedEventReachesItsSubscribersOnly()
    {
        var dropped = new RecordingSink();
        var traces = new RecordingSink();
        var op1 = _connection.Subscribe("SELECT * FROM __EventDroppedEvent", dropped);
        var op2 = _connection.Subscribe("SELECT * FROM Test_ProcessTrace", traces);

        Assert.True(_traces.ReportLost("ring buffer overrun"));

        var evt = Assert.Single(dropped.Objects);
        Assert.Equal("__EventDroppedEvent", evt.ClassName);
        Assert.Null(evt["Event"]);
        Assert.Empty(traces.Objects);
        op1.Cancel();
        op2.Cancel();
    }

    [Fact]
    public void Raise_NotAnEvent_ArgumentException()
    {
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"Feed_Item\"", new RecordingSink());
        var sinkField = typeof(IntrinsicFeedProvider).GetField("_sink", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        var eventSink = (ICimEventSink)sinkField.GetValue(_feed)!;
        var notAnEvent = _manager.GetClass(EventTestHelpers.Cimv2, "Feed_Item")!.SpawnInstance();
        Assert.Throws<ArgumentException>(() => eventSink.Raise(notAnEvent));
        Assert.Throws<ArgumentNullException>(() => eventSink.Raise(null!));
        op.Cancel();
    }

    [Fact]
    public void IntrinsicFeed_NoWithinNeeded_EventsFromProvider()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"Feed_Item\"", sink);
        Assert.Equal(1, _feed.Opens);
        Assert.Equal(0, _manager.GetDiagnostics().ActivePolls);

        Assert.True(_feed.RaiseCreated("one"));

        var evt = Assert.Single(sink.Objects);
        Assert.Equal("__InstanceCreationEvent", evt.ClassName);
        Assert.Equal("one", ((CimObject)evt["TargetInstance"]!)["Name"]);
        op.Cancel();
        Assert.Equal(1, _feed.Closes);
        _manager.AssertClean();
    }

    [Fact]
    public void IntrinsicFeed_WithWithin_UsesFeedNotPoll()
    {
        var op = _connection.Subscribe("SELECT * FROM __InstanceOperationEvent WITHIN 5 WHERE TargetInstance ISA \"Feed_Item\"", new RecordingSink());
        Assert.Equal(0, _manager.GetDiagnostics().ActivePolls);
        Assert.Equal(1, _manager.GetDiagnostics().ProviderEventFeeds);
        op.Cancel();
    }

    [Fact]
    public void IntrinsicFeed_UnboundedInstanceQuery_OpensIntrinsicFeeds()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent", sink);
        Assert.Equal(1, _feed.Opens);
        Assert.False(_traces.IsOpen);
        _feed.RaiseCreated("x");
        Assert.Single(sink.Objects);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public void Feed_OpenFails_SubscriptionCompletesWithProviderError()
    {
        var broken = new BrokenFeedProvider(_manager.GetClass(EventTestHelpers.Cimv2, "__ExtrinsicEvent")!);
        _manager.RegisterProvider(broken);
        var sink = new RecordingSink();

        var op = _connection.Subscribe("SELECT * FROM Broken_Event", sink);

        Assert.True(op.IsEnded);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, Assert.Single(sink.Completions).Code);
        _manager.AssertClean();
    }

    [Fact]
    public void ObjectManagerDispose_CancelsSubscriptionsClosesFeedsStopsPolls()
    {
        var polled = new PolledProvider();
        _manager.RegisterProvider(polled);
        var sinks = new[] { new RecordingSink(), new RecordingSink(), new RecordingSink() };
        _connection.Subscribe("SELECT * FROM Test_ProcessTrace", sinks[0]);
        _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Feed_Item'", sinks[1]);
        _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 0.5 WHERE TargetInstance ISA 'Poll_Item'", sinks[2]);
        Assert.Equal(2, _manager.GetDiagnostics().ProviderEventFeeds);

        _manager.Dispose();

        Assert.All(sinks, s => Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, Assert.Single(s.Completions).Code));
        Assert.False(_traces.IsOpen);
        Assert.Equal(1, _feed.Closes);
        _manager.AssertClean();
    }

    /// <summary>Declares an extrinsic event class but refuses to open its feed.</summary>
    private sealed class BrokenFeedProvider(CimClass extrinsic) : Providers.CimProvider
    {
        public override string Name => "Broken";

        public override IReadOnlyList<Providers.ProviderClassRegistration> Classes { get; } =
            [new(EventTestHelpers.Cimv2, new CimClass("Broken_Event", extrinsic), Providers.ProviderCapabilities.None)];

        public override IReadOnlyList<EventRegistration> EventClasses { get; } = [EventRegistration.Extrinsic(EventTestHelpers.Cimv2, "Broken_Event")];

        public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink) =>
            throw new WbemException(WbemErrorEnum.wbemErrAccessDenied, "no");
    }
}

using Wmix.Cim;

namespace Wmix.Engine.Tests.Events;

/// <summary>GROUP WITHIN / BY / HAVING, on a manual clock.</summary>
public sealed class AggregationTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;
    private readonly TraceProvider _traces;

    public AggregationTests()
    {
        _manager.EventTimeProvider = _time;
        _connection = _manager.Connect(EventTestHelpers.Cimv2);
        _traces = new TraceProvider(_manager.GetClass(EventTestHelpers.Cimv2, "__ExtrinsicEvent")!);
        _manager.RegisterProvider(_traces);
    }

    public void Dispose() => _manager.Dispose();

    private void Raise(int count, string sender = "s")
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(_traces.Raise("Test_ProcessStartTrace", $"p{i}", sender));
        }
    }

    [Fact]
    public void GroupWithinHaving_FourEvents_NothingDelivered()
    {
        // Vector 45, first half.
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessTrace GROUP WITHIN 3 HAVING NumberOfEvents > 5", sink);

        Raise(4);
        _time.Advance(TimeSpan.FromSeconds(3.5));

        Assert.Empty(sink.Objects);
        Assert.Equal(0, _time.ActiveTimers);
        op.Cancel();
    }

    [Fact]
    public void GroupWithinHaving_SixEvents_OneAggregate()
    {
        // Vector 45, second half.
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessTrace GROUP WITHIN 3 HAVING NumberOfEvents > 5", sink);

        Raise(6);
        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.Empty(sink.Objects); // the window is still open
        _time.Advance(TimeSpan.FromSeconds(0.2));

        var aggregate = Assert.Single(sink.Objects);
        Assert.Equal("__AggregateEvent", aggregate.ClassName);
        Assert.Equal(6u, aggregate["NumberOfEvents"]);
        var representative = Assert.IsAssignableFrom<CimObject>(aggregate["Representative"]);
        Assert.True(representative.IsA("Test_ProcessTrace"));
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public void GroupWithinBy_OneAggregatePerValue()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessTrace GROUP WITHIN 3 BY Sender", sink);

        Raise(3, "alpha");
        Raise(2, "beta");
        Raise(1, "ALPHA"); // WQL compares strings case-insensitively
        _time.Advance(TimeSpan.FromSeconds(3));

        var counts = sink.Objects.ToDictionary(o => (string)((CimObject)o["Representative"]!)["Sender"]!, o => (uint)o["NumberOfEvents"]!,
            StringComparer.OrdinalIgnoreCase);
        Assert.Equal(2, counts.Count);
        Assert.Equal(4u, counts["alpha"]);
        Assert.Equal(2u, counts["beta"]);
        op.Cancel();
    }

    [Fact]
    public void GroupWithin_WindowStartsAtFirstEventAndRestarts()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessStartTrace WHERE ProcessName <> 'skip' GROUP WITHIN 2", sink);

        _time.Advance(TimeSpan.FromSeconds(10)); // idle: no window, no timer
        Assert.Equal(0, _time.ActiveTimers);
        Raise(2);
        _traces.Raise("Test_ProcessStartTrace", "skip");
        _time.Advance(TimeSpan.FromSeconds(1));
        Raise(1);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3u, Assert.Single(sink.Objects)["NumberOfEvents"]);

        Raise(1);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([3u, 1u], sink.Objects.Select(o => (uint)o["NumberOfEvents"]!));
        op.Cancel();
    }

    [Fact]
    public void GroupWithin_CancelWithOpenWindow_TimerGoneNothingDelivered()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM Test_ProcessTrace GROUP WITHIN 3", sink);
        Raise(5);
        Assert.Equal(1, _time.ActiveTimers);

        op.Cancel();

        Assert.Equal(0, _time.ActiveTimers);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(sink.Objects);
        Assert.Equal(0, sink.AfterCompletion);
        _manager.AssertClean();
    }

    [Fact]
    public async Task GroupWithin_IntrinsicEvents_ByTargetProperty()
    {
        await _manager.PutClassAsync(_connection, "C");
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'C' GROUP WITHIN 5 BY TargetInstance.Size", sink);
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "a", 1));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "b", 1));
        await _connection.PutAsync(_manager.NewInstance(EventTestHelpers.Cimv2, "C", "c", 2));
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([1u, 2u], sink.Objects.Select(o => (uint)o["NumberOfEvents"]!).Order());
        op.Cancel();
    }
}

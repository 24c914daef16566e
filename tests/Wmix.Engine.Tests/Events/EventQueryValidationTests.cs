using Wmix.Cim;

namespace Wmix.Engine.Tests.Events;

/// <summary>Up-front failures of ExecNotificationQuery: thrown by the call, no sink event, nothing left running.</summary>
public sealed class EventQueryValidationTests : IDisposable
{
    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;

    public EventQueryValidationTests()
    {
        _connection = _manager.Connect(EventTestHelpers.Cimv2);
        _manager.RegisterProvider(new PolledProvider());
    }

    public void Dispose() => _manager.Dispose();

    private WbemErrorEnum Fails(string query, string language = "WQL")
    {
        var sink = new RecordingSink();
        var code = EventTestHelpers.ErrorOf(() => _connection.ExecNotificationQuery(query, language, CallOptions.Default, sink));
        Assert.Empty(sink.Objects);
        Assert.Empty(sink.Completions);
        _manager.AssertClean();
        return code;
    }

    private void Accepted(string query)
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe(query, sink);
        Assert.False(op.IsEnded);
        Assert.True(op.Cancel());
        _manager.AssertClean();
    }

    [Fact]
    public async Task ExecNotificationQuery_FromDataClass_NotEventClass()
    {
        // Vector 41: an event query FROM a class that is not an event class.
        await _manager.PutClassAsync(_connection, "Win32_Process");
        Assert.Equal(WbemErrorEnum.wbemErrNotEventClass, Fails("SELECT * FROM Win32_Process"));
        Assert.Equal(unchecked((int)0x80041059), (int)Fails("SELECT * FROM Win32_Process"));
    }

    [Fact]
    public void ExecNotificationQuery_FromAggregateEvent_NotEventClass() =>
        Assert.Equal(WbemErrorEnum.wbemErrNotEventClass, Fails("SELECT * FROM __AggregateEvent"));

    [Fact]
    public void ExecNotificationQuery_UnknownClass_InvalidClass() =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Fails("SELECT * FROM NoSuchEventClass"));

    [Fact]
    public void ExecNotificationQuery_PolledOnlyClassWithoutWithin_RegistrationTooPrecise()
    {
        // Vector 42: the provider raises no events for Poll_Item, so it can only be polled.
        var code = Fails($"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"{PolledProvider.ClassName}\"");
        Assert.Equal(WbemErrorEnum.wbemErrRegistrationTooPrecise, code);
        Assert.Equal(unchecked((int)0x80042002), (int)code);
    }

    [Fact]
    public void ExecNotificationQuery_PolledOnlyClassWithWithin_Accepted() =>
        Accepted($"SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA \"{PolledProvider.ClassName}\"");

    [Fact]
    public async Task ExecNotificationQuery_RepositoryClassWithoutWithin_Accepted()
    {
        await _manager.PutClassAsync(_connection, "Test_Stored");
        Accepted("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"Test_Stored\"");
    }

    [Fact]
    public async Task ExecNotificationQuery_BaseWithPolledSubclassWithoutWithin_RegistrationTooPrecise()
    {
        // A provider class below the ISA class needs polling too.
        var stored = await _manager.PutClassAsync(_connection, "Test_PolledBase");
        var provider = new SubclassProvider(stored);
        _manager.RegisterProvider(provider);
        Assert.Equal(WbemErrorEnum.wbemErrRegistrationTooPrecise,
            Fails("SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA \"Test_PolledBase\""));
        Accepted("SELECT * FROM __InstanceOperationEvent WITHIN 5 WHERE TargetInstance ISA \"Test_PolledBase\"");
    }

    [Fact]
    public void ExecNotificationQuery_GroupByWithoutGroupWithin_MissingGroupWithin()
    {
        var code = Fails("SELECT * FROM __InstanceCreationEvent GROUP BY TargetInstance.Name");
        Assert.Equal(WbemErrorEnum.wbemErrMissingGroupWithin, code);
        Assert.Equal(unchecked((int)0x8004105A), (int)code);
    }

    [Fact]
    public void ExecNotificationQuery_DotIntoScalar_PropertyNotAnObject()
    {
        Assert.Equal(WbemErrorEnum.wbemErrPropertyNotAnObject, Fails("SELECT * FROM __InstanceCreationEvent WHERE TIME_CREATED.Low = 1"));
        Assert.Equal(WbemErrorEnum.wbemErrPropertyNotAnObject,
            Fails($"SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA \"{PolledProvider.ClassName}\" AND TargetInstance.Size.X = 1"));
    }

    [Fact]
    public void ExecNotificationQuery_IsaOnScalar_InvalidOperator()
    {
        Assert.Equal(WbemErrorEnum.wbemErrInvalidOperator, Fails("SELECT * FROM __InstanceCreationEvent WHERE TIME_CREATED ISA \"X\""));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidOperator,
            Fails($"SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA \"{PolledProvider.ClassName}\" AND TargetInstance.Size ISA \"X\""));
    }

    [Fact]
    public void ExecNotificationQuery_UnknownEventProperty_InvalidQuery() =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, Fails("SELECT * FROM __InstanceCreationEvent WHERE NoSuchProperty = 1"));

    [Fact]
    public void ExecNotificationQuery_GroupByEmbeddedObject_AggregatingByObject()
    {
        var code = Fails("SELECT * FROM __InstanceCreationEvent GROUP WITHIN 10 BY TargetInstance");
        Assert.Equal(WbemErrorEnum.wbemErrAggregatingByObject, code);
        Assert.Equal(unchecked((int)0x8004105D), (int)code);
    }

    [Fact]
    public void ExecNotificationQuery_NotWql_InvalidQueryType() =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQueryType, Fails("SELECT * FROM __InstanceCreationEvent", "SQL"));

    [Theory]
    [InlineData("SELECT * FROM")]
    [InlineData("SELECT * FROM __InstanceCreationEvent WHERE")]
    [InlineData("ASSOCIATORS OF {Win32_Process.Handle=1}")]
    public void ExecNotificationQuery_BadSyntax_InvalidQuery(string query) =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, Fails(query));

    [Fact]
    public void ExecNotificationQuery_EmbeddedUnknownProperty_AcceptedAndNeverMatches() =>
        Accepted("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance.NoSuchProp = 1");

    /// <summary>A provider serving a subclass of a stored class, with no event support.</summary>
    private sealed class SubclassProvider(CimClass stored) : Providers.CimProvider
    {
        public override string Name => "SubclassProvider";

        public override IReadOnlyList<Providers.ProviderClassRegistration> Classes { get; } =
            [new(EventTestHelpers.Cimv2, new CimClass("Test_PolledChild", stored))];
    }
}

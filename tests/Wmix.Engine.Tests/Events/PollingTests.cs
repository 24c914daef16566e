using Wmix.Cim;

namespace Wmix.Engine.Tests.Events;

/// <summary>WITHIN polling of provider classes without event support.</summary>
public sealed class PollingTests : IDisposable
{
    private const string Query = "SELECT * FROM __InstanceOperationEvent WITHIN 0.2 WHERE TargetInstance ISA \"Poll_Item\"";

    private readonly ObjectManager _manager = new(new ObjectManagerOptions { ServerName = "TESTHOST" });
    private readonly ICimConnection _connection;
    private readonly PolledProvider _provider = new();

    public PollingTests()
    {
        _connection = _manager.Connect(EventTestHelpers.Cimv2);
        _manager.RegisterProvider(_provider);
    }

    public void Dispose() => _manager.Dispose();

    private async Task WaitForPollsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (_manager.Events.Pollers.Sum(p => p.PollCount) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, "The poller did not poll.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Poll_ChangesInProviderData_CreationModificationDeletion()
    {
        _provider.Set("existing", 1);
        var sink = new RecordingSink();
        var op = _connection.Subscribe(Query, sink);
        await WaitForPollsAsync(1); // the baseline: no events for what already exists
        Assert.Empty(sink.Objects);

        _provider.Set("new", 5);
        var created = Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(5)));
        Assert.Equal("__InstanceCreationEvent", created.ClassName);
        Assert.Equal("new", ((CimObject)created["TargetInstance"]!)["Name"]);

        _provider.Set("existing", 2);
        var modified = (await sink.WaitForAsync(2, TimeSpan.FromSeconds(5)))[1];
        Assert.Equal("__InstanceModificationEvent", modified.ClassName);
        Assert.Equal(2u, ((CimObject)modified["TargetInstance"]!)["Size"]);
        Assert.Equal(1u, ((CimObject)modified["PreviousInstance"]!)["Size"]);

        _provider.Remove("new");
        var deleted = (await sink.WaitForAsync(3, TimeSpan.FromSeconds(5)))[2];
        Assert.Equal("__InstanceDeletionEvent", deleted.ClassName);
        Assert.Equal("new", ((CimObject)deleted["TargetInstance"]!)["Name"]);
        Assert.NotNull(deleted["TIME_CREATED"]);

        Assert.Empty(sink.Completions);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public async Task Poll_ConditionAndEventClass_FilterPolledEvents()
    {
        var sink = new RecordingSink();
        var op = _connection.Subscribe(
            "SELECT * FROM __InstanceCreationEvent WITHIN 0.2 WHERE TargetInstance ISA \"Poll_Item\" AND TargetInstance.Size >= 10", sink);
        await WaitForPollsAsync(1);

        _provider.Set("small", 1);
        _provider.Set("big", 10);
        await sink.WaitForAsync(1, TimeSpan.FromSeconds(5));
        _provider.Remove("small");
        _provider.Remove("big");
        await WaitForPollsAsync(_manager.Events.Pollers.Sum(p => p.PollCount) + 2);

        var evt = Assert.Single(sink.Objects);
        Assert.Equal("big", ((CimObject)evt["TargetInstance"]!)["Name"]);
        op.Cancel();
    }

    [Fact]
    public async Task Poll_FiftySubscribers_OneSharedPollerGoneAfterAllCancel()
    {
        var sinks = Enumerable.Range(0, 50).Select(_ => new RecordingSink()).ToArray();
        var ops = sinks.Select(s => _connection.Subscribe(Query, s)).ToArray();
        var diagnostics = _manager.GetDiagnostics();
        Assert.Equal(50, diagnostics.ActiveSubscriptions);
        Assert.Equal(1, diagnostics.ActivePolls);
        await WaitForPollsAsync(1);

        _provider.Set("x", 1);
        foreach (var sink in sinks)
        {
            Assert.Equal("__InstanceCreationEvent", Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(5))).ClassName);
        }
        // One enumeration per poll, whatever the number of subscribers.
        Assert.InRange(_provider.Enumerations, 1, _manager.Events.Pollers.Single().PollCount + 1);

        foreach (var op in ops)
        {
            Assert.True(op.Cancel());
        }
        _manager.AssertClean();
        Assert.Empty(_manager.Events.Pollers);
        var enumerations = _provider.Enumerations;
        await Task.Delay(600, TestContext.Current.CancellationToken);
        Assert.InRange(_provider.Enumerations, enumerations, enumerations + 1); // at most the one in flight at cancel
        Assert.All(sinks, s => Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, Assert.Single(s.Completions).Code));
        Assert.All(sinks, s => Assert.Equal(0, s.AfterCompletion));
    }

    [Fact]
    public void Poll_DifferentIntervals_SeparatePollers_TinyIntervalClamped()
    {
        var a = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA \"Poll_Item\"", new RecordingSink());
        var b = _connection.Subscribe("SELECT * FROM __InstanceDeletionEvent WITHIN 2 WHERE TargetInstance ISA \"Poll_Item\"", new RecordingSink());
        var c = _connection.Subscribe("SELECT * FROM __InstanceDeletionEvent WITHIN 0.001 WHERE TargetInstance ISA \"Poll_Item\"", new RecordingSink());
        var d = _connection.Subscribe("SELECT * FROM __InstanceDeletionEvent WITHIN 0.05 WHERE TargetInstance ISA \"Poll_Item\"", new RecordingSink());

        var pollers = _manager.Events.Pollers;
        Assert.Equal(3, pollers.Count);
        Assert.Contains(pollers, p => p.Interval == TimeSpan.FromMilliseconds(100));
        foreach (var op in new[] { a, b, c, d })
        {
            op.Cancel();
        }
        _manager.AssertClean();
    }

    [Fact]
    public async Task Poll_ProviderFailure_SubscriptionStaysAndRecovers()
    {
        var failing = new FailingOnceProvider();
        _manager.RegisterProvider(failing);
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 0.1 WHERE TargetInstance ISA \"Flaky_Item\"", sink);

        var evt = Assert.Single(await sink.WaitForAsync(1, TimeSpan.FromSeconds(5)));
        Assert.Equal("after-failure", ((CimObject)evt["TargetInstance"]!)["Name"]);
        Assert.Empty(sink.Completions);
        op.Cancel();
        _manager.AssertClean();
    }

    [Fact]
    public async Task Poll_CancelWhileEnumerating_ProviderTokenCancelledInsideCancel()
    {
        var slow = new HangingProvider();
        _manager.RegisterProvider(slow);
        var sink = new RecordingSink();
        var op = _connection.Subscribe("SELECT * FROM __InstanceCreationEvent WITHIN 0.1 WHERE TargetInstance ISA \"Hang_Item\"", sink);
        var token = await slow.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(token.IsCancellationRequested);

        op.Cancel();

        // Synchronously: the enumeration in flight was told to stop before Cancel returned.
        Assert.True(token.IsCancellationRequested);
        _manager.AssertClean();
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(1, slow.Calls); // and no further poll was scheduled
    }

    /// <summary>Each enumeration waits until it is cancelled.</summary>
    private sealed class HangingProvider : Providers.CimProvider
    {
        private int _calls;

        public TaskCompletionSource<CancellationToken> Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => Volatile.Read(ref _calls);

        public override string Name => "Hang";

        public override IReadOnlyList<Providers.ProviderClassRegistration> Classes { get; } = [Registration()];

        private static Providers.ProviderClassRegistration Registration()
        {
            var cls = new CimClass("Hang_Item");
            cls.AddProperty("Name", CimType.String, isKey: true);
            return new(EventTestHelpers.Cimv2, cls);
        }

        public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(Providers.ProviderContext context, CimClass cls,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            Entered.TrySetResult(cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }
    }

    /// <summary>Empty at first (baseline), fails once, then has one instance.</summary>
    private sealed class FailingOnceProvider : Providers.CimProvider
    {
        private int _calls;

        public override string Name => "Flaky";

        public override IReadOnlyList<Providers.ProviderClassRegistration> Classes { get; } = [Registration()];

        private static Providers.ProviderClassRegistration Registration()
        {
            var cls = new CimClass("Flaky_Item");
            cls.AddProperty("Name", CimType.String, isKey: true);
            return new(EventTestHelpers.Cimv2, cls);
        }

        public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(Providers.ProviderContext context, CimClass cls,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            var call = Interlocked.Increment(ref _calls);
            if (call == 2)
            {
                throw new InvalidOperationException("transient");
            }
            if (call >= 3)
            {
                var instance = cls.SpawnInstance();
                instance["Name"] = "after-failure";
                yield return instance;
            }
        }
    }
}

using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class SessionTests : EngineTestBase
{
    private async Task WaitForEmptyRegistryAsync()
    {
        for (var i = 0; i < 1000 && Manager.Operations.Count > 0; i++)
        {
            await Task.Delay(5, Token);
        }
        Assert.Equal(0, Manager.Operations.Count);
    }

    [Fact]
    public async Task QueryAsync_AwaitForeach_YieldsEverything()
    {
        Manager.RegisterProvider(new TestProvider(count: 3000));
        using var session = Manager.OpenSession(Cimv2);
        var count = 0;
        await foreach (var item in session.QueryAsync("SELECT * FROM Test_Item", Token))
        {
            Assert.Equal((uint)count, item["Id"]);
            count++;
        }
        Assert.Equal(3000, count);
        await WaitForEmptyRegistryAsync();
    }

    [Fact]
    public async Task QueryAsync_BreakEarly_CancelsOperation()
    {
        var provider = new TestProvider(count: 1_000_000);
        Manager.RegisterProvider(provider);
        using var session = Manager.OpenSession(Cimv2);
        var seen = 0;
        await foreach (var _ in session.InstancesAsync(TestProvider.ClassName, cancellationToken: Token))
        {
            if (++seen == 10)
            {
                break;
            }
        }
        await WaitForEmptyRegistryAsync();
        Assert.True(provider.Produced < 1_000_000);
        Assert.Equal(0, provider.Active);
    }

    [Fact]
    public async Task QueryAsync_TokenCancelled_ThrowsOperationCanceledWithThatToken()
    {
        Manager.RegisterProvider(new TestProvider(count: 1000, delay: TimeSpan.FromMilliseconds(5)));
        using var session = Manager.OpenSession(Cimv2);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var seen = 0;
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in session.QueryAsync("SELECT * FROM Test_Item", cts.Token))
            {
                if (++seen == 3)
                {
                    await cts.CancelAsync();
                }
            }
        });
        Assert.Equal(cts.Token, e.CancellationToken);
        Assert.Equal(3, seen);
        await WaitForEmptyRegistryAsync();
    }

    [Fact]
    public async Task QueryAsync_AlreadyCancelledToken_StartsNothing()
    {
        using var session = Manager.OpenSession(Cimv2);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in session.QueryAsync("SELECT * FROM __NAMESPACE", cts.Token))
            {
            }
        });
        Assert.Equal(0, Manager.Operations.Count);
    }

    [Fact]
    public async Task QueryAsync_Failure_ThrowsWbemException()
    {
        using var session = Manager.OpenSession(Cimv2);
        var e = await Assert.ThrowsAsync<WbemException>(async () =>
        {
            await foreach (var _ in session.QueryAsync("SELECT * FROM NoSuchClass", Token))
            {
            }
        });
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, e.ErrorCode);
    }

    [Fact]
    public void Methods_BadArguments_ThrowEagerly()
    {
        using var session = Manager.OpenSession(Cimv2);
        Assert.Throws<ArgumentException>(() => { _ = session.QueryAsync("", Token); });
        Assert.Throws<ArgumentNullException>(() => { _ = session.QueryAsync(null!, Token); });
        Assert.Throws<ArgumentException>(() => { _ = session.InstancesAsync("", cancellationToken: Token); });
        Assert.Throws<ArgumentNullException>(() => { _ = session.GetAsync(null!, Token); });
        Assert.Throws<ArgumentNullException>(() => { _ = session.PutAsync(null!, cancellationToken: Token); });
        Assert.Throws<ArgumentException>(() => { _ = session.DeleteAsync("", Token); });
        Assert.Throws<ArgumentException>(() => { _ = session.InvokeAsync("Test_Item.Id=1", "", cancellationToken: Token); });
        Assert.Throws<ArgumentException>(() => { _ = session.AssociatorsAsync("", cancellationToken: Token); });
        Assert.Throws<ArgumentException>(() => { _ = session.ReferencesAsync("", cancellationToken: Token); });
        Assert.Throws<ArgumentException>(() => { _ = session.WatchAsync("", Token); });
        Assert.Equal(0, Manager.Operations.Count);
    }

    [Fact]
    public async Task Session_FullRoundTrip_PutGetInvokeDeleteSubclassesAssociators()
    {
        Manager.RegisterProvider(new TestProvider(count: 5));
        using var session = new CimSession(Manager.Connect(Cimv2));
        var path = await session.PutAsync(TestSchema.Base(), cancellationToken: Token);
        Assert.Equal(@"\\TESTHOST\root\cimv2:Test_Base", path.ToString());
        var cls = (CimClass)await session.GetAsync("Test_Base", Token);
        var instancePath = await session.PutAsync(TestSchema.New(cls, ("Id", 1u)), PutMode.CreateOnly, Token);
        Assert.Equal("Test_Base.Id=1", instancePath.RelativePath);
        var e = await Assert.ThrowsAsync<WbemException>(() => session.PutAsync(TestSchema.New(cls, ("Id", 1u)), PutMode.CreateOnly, Token));
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, e.ErrorCode);

        var method = ((CimClass)await session.GetAsync(TestProvider.ClassName, Token)).Methods.Find("Double")!;
        var input = method.InParameters!.SpawnInstance();
        input["Value"] = 4u;
        var output = await session.InvokeAsync("Test_Item.Id=2", "Double", input, Token);
        Assert.Equal(8u, output!["Result"]);

        var subclasses = new List<string>();
        await foreach (var c in session.SubclassesAsync("__Event", deep: false, Token))
        {
            subclasses.Add(c.Name);
        }
        Assert.Contains("__InstanceOperationEvent", subclasses);
        Assert.DoesNotContain("__InstanceCreationEvent", subclasses);

        await foreach (var _ in session.AssociatorsAsync("Test_Base.Id=1", cancellationToken: Token))
        {
            Assert.Fail("no associations exist");
        }
        await foreach (var _ in session.ReferencesAsync("Test_Base.Id=1", cancellationToken: Token))
        {
            Assert.Fail("no associations exist");
        }

        await session.DeleteAsync("Test_Base.Id=1", Token);
        var missing = await Assert.ThrowsAsync<WbemException>(() => session.GetAsync("Test_Base.Id=1", Token));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, missing.ErrorCode);
        await WaitForEmptyRegistryAsync();
    }

    [Fact]
    public async Task WatchAsync_WithoutEventSubsystem_IsNotSupportedOrStreams()
    {
        using var session = Manager.OpenSession(Cimv2);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        cts.CancelAfter(TimeSpan.FromMilliseconds(200));
        try
        {
            await foreach (var _ in session.WatchAsync("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA '__NAMESPACE'", cts.Token))
            {
            }
        }
        catch (WbemException e)
        {
            // Builds without the event subsystem (ObjectManager.Events.cs) refuse subscriptions synchronously.
            Assert.Equal(WbemErrorEnum.wbemErrNotSupported, e.ErrorCode);
        }
        catch (OperationCanceledException e)
        {
            Assert.Equal(cts.Token, e.CancellationToken);
        }
        await WaitForEmptyRegistryAsync();
    }

    [Fact]
    public async Task Dispose_Connection_CancelsOutstandingOperations()
    {
        Manager.RegisterProvider(new TestProvider(count: 1000, delay: TimeSpan.FromMilliseconds(10)));
        var connection = Manager.Connect(Cimv2);
        var sink = new RecordingSink();
        var operation = connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, sink);
        connection.Dispose();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await sink.Completed).Code);
        await operation.Quiesced.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Throws<ObjectDisposedException>(() => connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, sink));
    }

    [Fact]
    public async Task Dispose_ObjectManager_CancelsEverything()
    {
        var manager = new ObjectManager();
        manager.RegisterProvider(new TestProvider(count: 1000, delay: TimeSpan.FromMilliseconds(10)));
        var connection = manager.Connect(Cimv2);
        var sinks = Enumerable.Range(0, 5).Select(_ => new RecordingSink()).ToArray();
        var operations = sinks.Select(s => connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, s)).ToArray();
        manager.Dispose();
        foreach (var op in operations)
        {
            await op.Quiesced.WaitAsync(TimeSpan.FromSeconds(10), Token);
        }
        Assert.All(sinks, s => Assert.Equal(1, s.Completions));
        Assert.Equal(0, manager.Operations.Count);
        Assert.Throws<ObjectDisposedException>(() => manager.Connect(Cimv2));
    }

    [Fact]
    public void Shared_IsOneInstance() => Assert.Same(ObjectManager.Shared, ObjectManager.Shared);

    [Fact]
    public async Task Diagnostics_GroupOutstandingOperations()
    {
        Manager.RegisterProvider(new TestProvider(count: 1000, delay: TimeSpan.FromMilliseconds(50)));
        var sink = new RecordingSink();
        var a = Connection.InstancesOf(TestProvider.ClassName, CallOptions.Default, sink);
        var b = Connection.ExecQuery("SELECT * FROM Test_Item", "WQL", CallOptions.Default, sink);
        var d = Manager.GetDiagnostics();
        Assert.Equal(2, d.OutstandingOperations);
        Assert.Equal(2, d.OperationsBySink[sink]);
        Assert.Equal(2, d.OperationsByNamespace[Cimv2]);
        Assert.Equal(1, d.OperationsByKind[OperationKind.Query]);
        Assert.Equal(0, d.ActiveSubscriptions);
        a.Cancel();
        b.Cancel();
        await a.Quiesced.WaitAsync(TimeSpan.FromSeconds(10), Token);
        await b.Quiesced.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(0, Manager.GetDiagnostics().OutstandingOperations);
    }
}

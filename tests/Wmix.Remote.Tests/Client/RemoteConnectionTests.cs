using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Client;
using Wmix.Remote.Protocol;
using Wmix.Remote.Tests.Support;

namespace Wmix.Remote.Tests.Client;

/// <summary>
/// The client against a scripted test peer on 127.0.0.1 (not the Wmix server): results, back-pressure, and the
/// transport failures — killed server, refused credentials, slow server + cancel, dropped connection.
/// Time bounds are generous (the machine is shared); they only prove that nothing hangs.
/// </summary>
public sealed class RemoteConnectionTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    private static readonly WsManClientOptions s_options = WsManClientOptions.Default with
    {
        OperationTimeout = TimeSpan.FromSeconds(5),
        ReplyGrace = TimeSpan.FromSeconds(3),
        CancelTimeout = TimeSpan.FromSeconds(3),
        BatchSize = 10,
        Heartbeat = TimeSpan.FromMilliseconds(200),
    };

    private static (ScriptedWsManPeer Peer, PeerScript Script) StartPeer(Action<PeerScript>? configure = null)
    {
        var script = new PeerScript();
        configure?.Invoke(script);
        return (new ScriptedWsManPeer(script.HandleAsync), script);
    }

    private static Task<RemoteConnection> ConnectAsync(ScriptedWsManPeer peer, string password = "secret") =>
        RemoteConnection.ConnectAsync(peer.Address, @"root\cimv2", "alice", password, s_options, TestContext.Current.CancellationToken);

    private static async Task<(List<CimObject> Items, OperationStatus Status)> DrainAsync(CimOperation op, ChannelOperationSink sink)
    {
        var items = new List<CimObject>();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(s_bound);
        await foreach (var o in sink.Reader.ReadAllAsync(bound.Token))
        {
            items.Add(o);
        }
        var status = await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken);
        return (items, status);
    }

    [Fact]
    public async Task ExecQuery_ManyBatches_DeliversEveryItemTyped()
    {
        var (peer, script) = StartPeer(s => s.ItemCount = 95);
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        var sink = new ChannelOperationSink();
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        var (items, status) = await DrainAsync(op, sink);
        Assert.True(status.IsSuccess, status.Message);
        Assert.Equal(95, items.Count);
        Assert.Equal(Enumerable.Range(0, 95).Select(i => (uint)i), items.Select(i => (uint)i["ProcessId"]!));
        Assert.Equal("127.0.0.1", items[0].Server);
        Assert.Equal(@"root\cimv2", items[0].Namespace);
        Assert.Equal("Win32_Process.Handle=\"7\"", items[7].RelativePath);
        Assert.Equal(9, peer.Count(WsManActions.Pull));
        Assert.Equal(0, peer.Count(WsManActions.Release));
        // One class fetch for the namespace check, one for Win32_Process; none per item.
        Assert.Equal(2, peer.Requests.Count(r => r.Envelope.Headers.ResourceUri == WsManResource.ClassDefinitionUri));
        await op.Quiesced.WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(0, connection.Operations.Count);
    }

    [Fact]
    public async Task Connect_WmixPeerSpeakingOnlyHttp11_FallsBackFromH2cAndWorks()
    {
        // Issue #6: the peer names itself Wmix, so the client probes h2c; the peer cannot parse the HTTP/2 preface and
        // drops the connection. The session must stay on HTTP/1.1 and every call work as before.
        var (peer, _) = StartPeer(s => s.ItemCount = 25);
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        Assert.Equal(new Version(1, 1), connection.HttpVersion);
        // The probe's own connection, refused.
        Assert.Equal(2, peer.Connections);
        var sink = new ChannelOperationSink();
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        var (items, status) = await DrainAsync(op, sink);
        Assert.True(status.IsSuccess, status.Message);
        Assert.Equal(25, items.Count);
        Assert.Equal(new Version(1, 1), connection.HttpVersion);
    }

    [Fact]
    public async Task Connect_Http2TurnedOff_NeverSendsTheH2cProbe()
    {
        var (peer, _) = StartPeer();
        await using var _ = peer;
        using var connection = await RemoteConnection.ConnectAsync(peer.Address, @"root\cimv2", "alice", "secret",
            s_options with { Http2 = false }, TestContext.Current.CancellationToken);
        Assert.Equal(new Version(1, 1), connection.HttpVersion);
        Assert.Equal(1, peer.Requests.Count(r => r.Envelope.Body is IdentifyBody));
        // Identify and the namespace check, one after the other on one kept-alive connection: no probe connection.
        Assert.Equal(1, peer.Connections);
    }

    [Fact]
    public async Task ExecQuery_SinkFull_PullsOnlyWhenTheSinkHasRoom()
    {
        var (peer, _) = StartPeer(s => s.ItemCount = 200);
        await using var __ = peer;
        using var connection = await ConnectAsync(peer);
        var sink = new ChannelOperationSink(capacity: 5);
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        // 10 in the EnumerateResponse; 5 fit in the sink; no Pull may go out until the consumer reads.
        Assert.Equal(0, peer.Count(WsManActions.Pull));
        var (items, status) = await DrainAsync(op, sink);
        Assert.True(status.IsSuccess, status.Message);
        Assert.Equal(200, items.Count);
    }

    [Fact]
    public async Task ExecQuery_ServerKilledMidEnumeration_EndsWithTransportFailure()
    {
        ScriptedWsManPeer? self = null;
        var (peer, script) = StartPeer(s => s.ItemCount = 1000);
        self = peer;
        script.OnPull = n =>
        {
            if (n == 3)
            {
                self.Kill();
            }
        };
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        var sink = new ChannelOperationSink();
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        var items = new List<CimObject>();
        while (sink.Reader.TryRead(out var item) || await sink.Reader.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(s_bound, TestContext.Current.CancellationToken))
        {
            if (item is not null)
            {
                items.Add(item);
            }
        }
        var status = await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, status.Code);
        Assert.True(items.Count >= 10, $"{items.Count} items before the failure");
        await op.Quiesced.WaitAsync(s_bound, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Connect_WrongPassword_ThrowsAccessDenied()
    {
        var (peer, _) = StartPeer();
        await using var __ = peer;
        var e = await Assert.ThrowsAsync<WbemException>(() => ConnectAsync(peer, "wrong"));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, e.ErrorCode);
    }

    [Fact]
    public async Task Connect_NobodyListening_ThrowsTransportFailure()
    {
        var (peer, _) = StartPeer();
        var address = peer.Address;
        await peer.DisposeAsync();
        var e = await Assert.ThrowsAsync<WbemException>(() => RemoteConnection.ConnectAsync(address, @"root\cimv2", "alice", "secret", s_options, TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, e.ErrorCode);
    }

    [Fact]
    public async Task LaterCall_CredentialsRefused_EndsWithAccessDenied()
    {
        var (peer, script) = StartPeer();
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        script.RefuseAfterIdentify = true;
        var sink = new ChannelOperationSink();
        var op = connection.GetObject("Win32_Process.Handle=\"1\"", CallOptions.Default, sink);
        var status = await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, status.Code);
    }

    [Fact]
    public async Task Cancel_SlowServer_SendsReleaseAndEndsCancelled()
    {
        var (peer, script) = StartPeer(s => s.PullDelay = TimeSpan.FromSeconds(4));
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        var sink = new ChannelOperationSink();
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        await peer.WaitForAsync(WsManActions.Pull, s_bound);
        var failure = connection.CancelOperation(op);
        Assert.Null(failure);
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken)).Code);
        Assert.Equal(1, peer.Count(WsManActions.Release));
        var release = (ReleaseBody)peer.Requests.First(r => r.Action == WsManActions.Release).Envelope.Body;
        Assert.Equal("uuid:ctx-1", release.Context);
        await op.Quiesced.WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(0, connection.Operations.Count);
    }

    [Fact]
    public async Task Cancel_ServerGone_ReportsTransportFailure()
    {
        var (peer, _) = StartPeer();
        await using var __ = peer;
        using var connection = await ConnectAsync(peer);
        // A sink that takes nothing: the enumeration holds a live context and waits for room.
        var sink = new ChannelOperationSink(capacity: 1);
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        await peer.WaitForAsync(WsManActions.Enumerate, s_bound);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        peer.Kill();
        var failure = Assert.IsType<WbemException>(connection.CancelOperation(op));
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, failure.ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken)).Code);
    }

    [Fact]
    public async Task Cancel_WhileEnumerateIsOnTheWire_WaitsForItsContextAndReleasesIt()
    {
        var (peer, _) = StartPeer(s => s.EnumerateDelay = TimeSpan.FromMilliseconds(500));
        await using var __ = peer;
        using var connection = await ConnectAsync(peer);
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, new ChannelOperationSink(capacity: 1));
        await peer.WaitForAsync(WsManActions.Enumerate, s_bound);
        // The peer holds the reply: the context it opened is known to the client only once the reply arrives.
        Assert.Null(connection.CancelOperation(op));
        var release = (ReleaseBody)Assert.Single(peer.Requests, r => r.Action == WsManActions.Release).Envelope.Body;
        Assert.Equal("uuid:ctx-1", release.Context);
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken)).Code);
    }

    [Fact]
    public async Task Cancel_ReleaseRefused_ReportsAccessDenied()
    {
        var (peer, script) = StartPeer();
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        script.RefuseCancel = true;
        var sink = new ChannelOperationSink(capacity: 1);
        var op = connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, sink);
        await peer.WaitForAsync(WsManActions.Enumerate, s_bound);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        var failure = Assert.IsType<WbemException>(connection.CancelOperation(op));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, failure.ErrorCode);
    }

    [Fact]
    public async Task DroppedConnection_TenOutstandingCalls_AllEndWithTransportFailure()
    {
        var (peer, _) = StartPeer(s => s.PullDelay = TimeSpan.FromSeconds(60));
        await using var __ = peer;
        using var connection = await ConnectAsync(peer);
        var ops = Enumerable.Range(0, 10)
            .Select(_ => connection.ExecQuery("SELECT * FROM Win32_Process", "WQL", CallOptions.Default, new ChannelOperationSink()))
            .ToList();
        var until = DateTime.UtcNow + s_bound;
        while (peer.Count(WsManActions.Pull) < 10 && DateTime.UtcNow < until)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.Equal(10, peer.Count(WsManActions.Pull));
        peer.Kill();
        var statuses = await Task.WhenAll(ops.Select(o => o.Completion)).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.All(statuses, s => Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, s.Code));
        await Task.WhenAll(ops.Select(o => o.Quiesced)).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(0, connection.Operations.Count);
    }

    [Fact]
    public async Task ExecNotificationQuery_HeartbeatsThenEvent_DeliversTheEventAndUnsubscribesOnCancel()
    {
        var (peer, script) = StartPeer();
        await using var _ = peer;
        using var connection = await ConnectAsync(peer);
        var sink = new ChannelOperationSink();
        var op = connection.ExecNotificationQuery("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'", "WQL", CallOptions.Default, sink);
        // Let a few heartbeats pass (empty PullResponses), then raise an event.
        var until = DateTime.UtcNow + s_bound;
        while (script.Pulls < 3 && DateTime.UtcNow < until)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        var ev = TestClasses.CreationEvent.SpawnInstance();
        ev["TargetInstance"] = PeerScript.Process(4242);
        ev["TIME_CREATED"] = 42ul;
        script.Events.Enqueue(ev);
        Assert.True(await sink.Reader.WaitToReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(s_bound, TestContext.Current.CancellationToken));
        Assert.True(sink.Reader.TryRead(out var received));
        Assert.Equal("__InstanceCreationEvent", received!.ClassName);
        Assert.Equal(4242u, ((CimObject)received["TargetInstance"]!)["ProcessId"]);
        Assert.Null(connection.CancelOperation(op));
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await op.Completion.WaitAsync(s_bound, TestContext.Current.CancellationToken)).Code);
        Assert.Equal(1, peer.Count(WsManActions.Unsubscribe));
        var unsubscribe = peer.Requests.First(r => r.Action == WsManActions.Unsubscribe).Envelope.Headers;
        Assert.StartsWith("uuid:sub-", unsubscribe.SubscriptionIdentifier, StringComparison.Ordinal);
        await op.Quiesced.WaitAsync(s_bound, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SingleCalls_GetPutCreateDeleteInvoke_Work()
    {
        var (peer, _) = StartPeer();
        await using var __ = peer;
        using var connection = await ConnectAsync(peer);
        using var session = new CimSession(connection);
        var got = await session.GetAsync("Win32_Process.Handle=\"5\"", TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(5u, got["ProcessId"]);
        var cls = await session.GetAsync("Win32_Process", TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.IsType<CimClass>(cls);
        var missing = await Assert.ThrowsAsync<WbemException>(() => session.GetAsync("Win32_Process.Handle=\"999\"", TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, missing.ErrorCode);
        var instance = PeerScript.Process(77);
        var path = await session.PutAsync(instance, PutMode.CreateOrUpdate, TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal("Win32_Process.Handle=\"77\"", path.RelativePath);
        var created = await session.PutAsync(instance, PutMode.CreateOnly, TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal("Win32_Process.Handle=\"77\"", created.RelativePath);
        Assert.Equal(1, peer.Count(WsManActions.Create));
        await session.DeleteAsync("Win32_Process.Handle=\"77\"", TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(1, peer.Count(WsManActions.Delete));
        var input = TestClasses.Process.Methods.Find("Create")!.InParameters!.SpawnInstance();
        input["CommandLine"] = "/bin/true";
        var output = await session.InvokeAsync("Win32_Process", "Create", input, TestContext.Current.CancellationToken).WaitAsync(s_bound, TestContext.Current.CancellationToken);
        Assert.Equal(0u, output!["ReturnValue"]);
        Assert.Equal(9u, output["ProcessId"]);
    }
}

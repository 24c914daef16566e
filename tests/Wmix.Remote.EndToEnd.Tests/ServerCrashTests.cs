using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Wmix.Remote.EndToEnd.Tests;

/// <summary>
/// The server dies under a running call: the client reaches the real server through a TCP relay that can "crash" —
/// reset every connection and stop listening, which is what a client sees when the server process is killed. Every
/// outstanding call ends with wbemErrTransportFailure, nothing hangs, and the server, which saw its client vanish,
/// frees everything once the contexts' idle expiry passes.
/// </summary>
public sealed class ServerCrashTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    private static Task<RealServer> StartServerAsync() => RealServer.StartAsync(o => o with
    {
        EnumerationIdleTimeout = TimeSpan.FromSeconds(2),
        SubscriptionIdleTimeout = TimeSpan.FromSeconds(2),
    });

    private static void WaitUntil(Func<bool> condition, string what, TimeSpan? bound = null)
    {
        var until = DateTime.UtcNow + (bound ?? s_bound);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, what + " did not happen in time");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public async Task ExecQueryAsync_ServerDiesMidEnumeration_EndsWithTransportFailure()
    {
        await using var server = await StartServerAsync();
        server.Items.Count = 100_000;
        server.Items.Delay = TimeSpan.FromMilliseconds(5);
        await using var relay = CrashableRelay.Start(server.Port);
        var svc = new SWbemLocator().ConnectServer(relay.Address, @"root\cimv2", RealServer.User, RealServer.Password);
        var sink = new SWbemSink();
        var objects = 0;
        var completed = new ConcurrentQueue<WbemErrorEnum>();
        sink.OnObjectReady += (_, _) => Interlocked.Increment(ref objects);
        sink.OnCompleted += (code, _, _) => completed.Enqueue(code);
        svc.ExecQueryAsync(sink, "SELECT * FROM E2E_Item");
        WaitUntil(() => Volatile.Read(ref objects) >= 5, "the first objects");

        relay.Crash();
        var clock = Stopwatch.StartNew();
        WaitUntil(() => !completed.IsEmpty, "OnCompleted after the crash");
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, Assert.Single(completed));
        Assert.True(clock.Elapsed < s_bound);
        Assert.True(Volatile.Read(ref objects) < 100_000);

        // The server lost its client: the enumeration's operation ends at the idle expiry, down to the provider.
        WaitUntil(() => server.Manager.Operations.Count == 0, "the server's operations ending");
        WaitUntil(() => server.Items.Active == 0, "the provider stopping");
    }

    [Fact]
    public async Task ExecQuery_SemiSynchronous_ServerDiesMidEnumeration_NextItemRaisesTransportFailure()
    {
        await using var server = await StartServerAsync();
        server.Items.Count = 100_000;
        server.Items.Delay = TimeSpan.FromMilliseconds(5);
        await using var relay = CrashableRelay.Start(server.Port);
        var svc = new SWbemLocator().ConnectServer(relay.Address, @"root\cimv2", RealServer.User, RealServer.Password);
        var set = svc.ExecQuery("SELECT * FROM E2E_Item");
        using var items = set.GetEnumerator();
        Assert.True(items.MoveNext());

        relay.Crash();
        var e = Assert.Throws<WbemException>(() =>
        {
            while (items.MoveNext())
            {
            }
        });
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, e.ErrorCode);
        WaitUntil(() => server.Manager.Operations.Count == 0, "the server's operations ending");
    }

    [Fact]
    public async Task ExecNotificationQueryAsync_ServerDiesMidSubscription_EndsWithTransportFailure()
    {
        await using var server = await StartServerAsync();
        await using var relay = CrashableRelay.Start(server.Port);
        var svc = new SWbemLocator().ConnectServer(relay.Address, @"root\cimv2", RealServer.User, RealServer.Password);
        var sink = new SWbemSink();
        var events = 0;
        var completed = new ConcurrentQueue<WbemErrorEnum>();
        sink.OnObjectReady += (_, _) => Interlocked.Increment(ref events);
        sink.OnCompleted += (code, _, _) => completed.Enqueue(code);
        svc.ExecNotificationQueryAsync(sink, "SELECT * FROM E2E_Tick");
        WaitUntil(() => server.Ticks.IsOpen, "the subscription reaching the provider");
        Assert.True(server.Ticks.Raise(1));
        WaitUntil(() => Volatile.Read(ref events) == 1, "the first event");

        relay.Crash();
        WaitUntil(() => !completed.IsEmpty, "OnCompleted after the crash");
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, Assert.Single(completed));

        // No Pull attached any more: the subscription ends after two missed heartbeat intervals (the client asked
        // for 30 s heartbeats) and the provider's feed closes.
        WaitUntil(() => !server.Ticks.IsOpen, "the server closing the subscription", TimeSpan.FromSeconds(120));
        WaitUntil(() => server.Manager.Operations.Count == 0, "the server's operations ending");
        sink.Cancel();
        Assert.Single(completed);
    }

    [Fact]
    public async Task ConnectServer_ServerGone_LaterCallsAndConnectsAreTransportFailures()
    {
        await using var server = await StartServerAsync();
        await using var relay = CrashableRelay.Start(server.Port);
        var svc = new SWbemLocator().ConnectServer(relay.Address, @"root\cimv2", RealServer.User, RealServer.Password);
        Assert.Equal("item1", svc.Get("E2E_Item.Id=1").Properties_["Name"].Value);
        relay.Crash();
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, Assert.Throws<WbemException>(() => svc.Get("E2E_Item.Id=1")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, Assert.Throws<WbemException>(() =>
            new SWbemLocator().ConnectServer(relay.Address, @"root\cimv2", RealServer.User, RealServer.Password)).ErrorCode);
    }

    /// <summary>A loopback TCP relay to the server whose <see cref="Crash"/> resets every connection and stops listening.</summary>
    private sealed class CrashableRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentBag<Socket> _sockets = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly int _target;
        private Task _accepting = Task.CompletedTask;

        private CrashableRelay(int target) => _target = target;

        /// <summary>The relay's address (kept: a stopped listener no longer knows its port).</summary>
        public string Address { get; private set; } = "";

        public static CrashableRelay Start(int target)
        {
            var relay = new CrashableRelay(target);
            relay._listener.Start();
            relay.Address = "http://127.0.0.1:" + ((IPEndPoint)relay._listener.LocalEndpoint).Port;
            relay._accepting = relay.AcceptAsync();
            return relay;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var inbound = await _listener.AcceptSocketAsync(_stop.Token);
                    var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await outbound.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                    _sockets.Add(inbound);
                    _sockets.Add(outbound);
                    _ = PumpAsync(inbound, outbound);
                    _ = PumpAsync(outbound, inbound);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Crashed or disposed: stop accepting.
                return;
            }
        }

        private async Task PumpAsync(Socket from, Socket to)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var n = await from.ReceiveAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }
                    await to.SendAsync(buffer.AsMemory(0, n), _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The other side or the crash closed it.
                return;
            }
        }

        /// <summary>Resets every relayed connection (linger 0: RST, as a killed process's sockets) and stops listening.</summary>
        public void Crash()
        {
            _listener.Stop();
            _stop.Cancel();
            foreach (var s in _sockets)
            {
                try
                {
                    s.LingerState = new LingerOption(true, 0);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Already closed (by its peer, or by an earlier Crash).
                    continue;
                }
                finally
                {
                    s.Dispose();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            Crash();
            await _accepting;
            _stop.Dispose();
        }
    }
}

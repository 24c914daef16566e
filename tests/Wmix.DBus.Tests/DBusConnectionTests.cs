using System.Net.Sockets;
using System.Text;
using CsCheck;
using Wmix.DBus.Tests.Support;

namespace Wmix.DBus.Tests;

/// <summary>The client against a real <c>dbus-daemon</c> on a private socket: the daemon validates every message we send.</summary>
public sealed class DBusConnectionTests : IDisposable
{
    private const string Bus = "org.freedesktop.DBus";
    private const string BusPath = "/org/freedesktop/DBus";
    private readonly DBusDaemon _daemon = DBusDaemon.Start();

    public void Dispose() => _daemon.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<DBusConnection> ConnectAsync(DBusConnectionOptions? options = null) => DBusConnection.ConnectAsync(_daemon.Address, options, Ct);

    [Fact]
    public async Task ConnectAsync_PrivateBus_HelloGivesUniqueNameListedByBus()
    {
        await using var connection = await ConnectAsync();
        Assert.StartsWith(":", connection.UniqueName, StringComparison.Ordinal);
        Assert.True(connection.IsConnected);
        Assert.Matches("^[0-9a-f]{32}$", connection.ServerGuid);
        var names = (object[])(await connection.CallMethodAsync(Bus, BusPath, Bus, "ListNames", cancellationToken: Ct))[0];
        Assert.Contains(Bus, names.Cast<string>());
        Assert.Contains(connection.UniqueName, names.Cast<string>());
        var owner = await connection.CallMethodAsync(Bus, BusPath, Bus, "GetNameOwner", "s", [Bus], cancellationToken: Ct);
        Assert.Equal(Bus, owner[0]);
        var self = await connection.CallMethodAsync(Bus, BusPath, Bus, "GetNameOwner", "s", [connection.UniqueName!], cancellationToken: Ct);
        Assert.Equal(connection.UniqueName, self[0]);
    }

    [Fact]
    public async Task ConnectAsync_AbstractSocketAndFallbackEntry_Connects()
    {
        var name = "wmix-test-" + Guid.NewGuid().ToString("n");
        using var daemon = DBusDaemon.Start("unix:abstract=" + name);
        // The first entry does not exist; the client moves on to the next, as the specification says.
        await using var connection = await DBusConnection.ConnectAsync($"unix:path=/nonexistent/socket;unix:abstract={name}", null, Ct);
        Assert.NotNull(connection.UniqueName);
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_IOExceptionNamingAddress()
    {
        var e = await Assert.ThrowsAsync<IOException>(() => DBusConnection.ConnectAsync("unix:path=/nonexistent/wmix-bus", null, Ct));
        Assert.Contains("/nonexistent/wmix-bus", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FormatException>(() => DBusConnection.ConnectAsync("nonsense", null, Ct));
        await Assert.ThrowsAsync<IOException>(() => DBusConnection.ConnectAsync("tcp:host=localhost,port=1", null, Ct));
    }

    [Fact]
    public async Task CallAsync_UnknownNameOrMethod_ErrorNamesFromBus()
    {
        await using var connection = await ConnectAsync();
        var e = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(Bus, BusPath, Bus, "GetNameOwner", "s", ["org.wmix.Nobody"], cancellationToken: Ct));
        Assert.Equal("org.freedesktop.DBus.Error.NameHasNoOwner", e.ErrorName);
        e = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(Bus, BusPath, Bus, "NoSuchMethod", cancellationToken: Ct));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", e.ErrorName);
        e = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync("org.wmix.Nobody", "/", "org.wmix.I", "M", cancellationToken: Ct));
        Assert.Equal("org.freedesktop.DBus.Error.ServiceUnknown", e.ErrorName);
        // Wrong argument types: the bus checks signatures.
        e = await Assert.ThrowsAsync<DBusErrorException>(() => connection.CallMethodAsync(Bus, BusPath, Bus, "GetNameOwner", "u", [5u], cancellationToken: Ct));
        Assert.Equal("org.freedesktop.DBus.Error.InvalidArgs", e.ErrorName);
        Assert.True(connection.IsConnected, "error replies leave the connection usable");
    }

    [Fact]
    public async Task CallAsync_PeerMethodThroughBus_ValuesRoundTrip()
    {
        await using var server = await ConnectAsync();
        await using var client = await ConnectAsync();
        server.SetMethodHandler((call, _) => Task.FromResult(call.Member == "Echo"
            ? new DBusReply(call.Signature.Value, [.. call.Body])
            : throw new DBusErrorException("org.wmix.Error.Nope", "no " + call.Member)));
        // The daemon parses and re-validates every message it routes, so this also checks our encoding against libdbus.
        await Gen.Select(DBusGen.Type(3).Array[1, 3].Select(a => string.Concat(a)).Where(s => s.Length <= 255), Gen.Bool).SelectMany(t =>
            DBusGen.Sequence(DBusGen.Split(t.Item1)).Select(body => (t.Item1, body))).SampleAsync(async t =>
        {
            var (signature, body) = t;
            var reply = await client.CallMethodAsync(server.UniqueName, "/echo", "org.wmix.Test", "Echo", signature, body, cancellationToken: Ct);
            Assert.True(DBusValues.StructuralEquals(body, reply), $"echo of '{signature}' differs");
        }, iter: 300, threads: 1);
        var e = await Assert.ThrowsAsync<DBusErrorException>(() => client.CallMethodAsync(server.UniqueName, "/echo", "org.wmix.Test", "Other", cancellationToken: Ct));
        Assert.Equal("org.wmix.Error.Nope", e.ErrorName);
        Assert.Equal("no Other", e.ErrorMessage);
    }

    [Fact]
    public async Task CallAsync_HandlerThrows_GenericErrorReplyAndConnectionLives()
    {
        await using var server = await ConnectAsync();
        await using var client = await ConnectAsync();
        server.SetMethodHandler((call, _) => call.Member == "Boom" ? throw new InvalidOperationException("kaboom") : Task.FromResult(new DBusReply("s", ["fine"])));
        var e = await Assert.ThrowsAsync<DBusErrorException>(() => client.CallMethodAsync(server.UniqueName, "/", "org.wmix.Test", "Boom", cancellationToken: Ct));
        Assert.Equal("org.freedesktop.DBus.Error.Failed", e.ErrorName);
        Assert.Contains("kaboom", e.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("fine", (await client.CallMethodAsync(server.UniqueName, "/", "org.wmix.Test", "Other", cancellationToken: Ct))[0]);
        // Without a handler, a call gets UnknownMethod and Peer.Ping an empty reply.
        server.SetMethodHandler(null);
        e = await Assert.ThrowsAsync<DBusErrorException>(() => client.CallMethodAsync(server.UniqueName, "/", "org.wmix.Test", "Other", cancellationToken: Ct));
        Assert.Equal("org.freedesktop.DBus.Error.UnknownMethod", e.ErrorName);
        Assert.Empty(await client.CallMethodAsync(server.UniqueName, "/", "org.freedesktop.DBus.Peer", "Ping", cancellationToken: Ct));
    }

    [Fact]
    public async Task CallAsync_LargeArrays_RoundTripThroughBus()
    {
        await using var server = await ConnectAsync();
        await using var client = await ConnectAsync();
        server.SetMethodHandler((call, _) => Task.FromResult(new DBusReply(call.Signature.Value, [.. call.Body])));
        var bytes = new byte[4 * 1024 * 1024];
        new Random(42).NextBytes(bytes);
        var strings = Enumerable.Range(0, 50_000).Select(i => "unit-" + i + ".service").ToArray();
        var reply = await client.CallMethodAsync(server.UniqueName, "/echo", "org.wmix.Test", "Echo", "ayas", [bytes, strings], cancellationToken: Ct);
        Assert.Equal(bytes, (byte[])reply[0]);
        Assert.Equal(strings, ((object[])reply[1]).Cast<string>());
    }

    [Fact]
    public async Task SubscribeAsync_SignalFromPeerAndBus_Delivered()
    {
        await using var listener = await ConnectAsync();
        await using var emitter = await ConnectAsync();
        await using var subscription = await listener.SubscribeAsync(new DBusMatchRule { Interface = "org.wmix.Test", Member = "Changed" }, Ct);
        await using var owners = await listener.SubscribeAsync(new DBusMatchRule { Sender = Bus, Interface = Bus, Member = "NameOwnerChanged" }, Ct);
        await emitter.SendAsync(DBusMessage.Signal("/a/b", "org.wmix.Test", "Other", "s", "ignored"), Ct);
        await emitter.SendAsync(DBusMessage.Signal("/a/b", "org.wmix.Test", "Changed", "sa{sv}", "x", new Dictionary<string, DBusVariant> { ["k"] = new("u", 7u) }), Ct);
        var signal = await subscription.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("Changed", signal.Member);
        Assert.Equal(emitter.UniqueName, signal.Sender);
        Assert.Equal("/a/b", signal.Path?.Value);
        Assert.Equal(7u, DBusValues.ToPropertyMap(signal.Body[1])["k"]);

        string third;
        await using (var other = await ConnectAsync())
        {
            third = other.UniqueName!;
        }
        // The bus announces the new name and then its loss.
        var announcements = new List<DBusMessage>();
        while (announcements.Count(m => (string)m.Body[0] == third) < 2)
        {
            announcements.Add(await owners.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct));
        }
        var mine = announcements.Where(m => (string)m.Body[0] == third).ToList();
        Assert.Equal(["", third], [(string)mine[0].Body[1], (string)mine[0].Body[2]]);
        Assert.Equal([third, ""], [(string)mine[1].Body[1], (string)mine[1].Body[2]]);
    }

    [Fact]
    public async Task SubscribeAsync_Disposed_ReaderCompletesAndNoMoreDelivery()
    {
        await using var listener = await ConnectAsync();
        await using var emitter = await ConnectAsync();
        var subscription = await listener.SubscribeAsync(new DBusMatchRule { Interface = "org.wmix.Test" }, Ct);
        await subscription.DisposeAsync();
        await emitter.SendAsync(DBusMessage.Signal("/", "org.wmix.Test", "Changed"), Ct);
        Assert.False(await subscription.Reader.WaitToReadAsync(Ct));
    }

    [Fact]
    public async Task CallAsync_NoAnswer_TimeoutThenCancelBothHonoured()
    {
        await using var server = await ConnectAsync();
        await using var client = await ConnectAsync();
        var release = new TaskCompletionSource<DBusReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.SetMethodHandler((_, _) => release.Task);
        var call = DBusMessage.MethodCall(server.UniqueName, "/", "org.wmix.Test", "Slow");
        var started = DateTime.UtcNow;
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync(call, TimeSpan.FromMilliseconds(300), Ct));
        Assert.Contains("org.wmix.Test.Slow", timeout.Message, StringComparison.Ordinal);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.25, 30);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var pending = client.CallAsync(call, Timeout.InfiniteTimeSpan, cts.Token);
        await Task.Delay(100, Ct);
        Assert.False(pending.IsCompleted);
        await cts.CancelAsync();
        var oce = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(cts.Token, oce.CancellationToken);
        release.SetResult(new DBusReply("", []));
        // Late replies to abandoned calls are dropped; the connection still works.
        Assert.NotEmpty(await client.CallMethodAsync(Bus, BusPath, Bus, "ListNames", cancellationToken: Ct));
    }

    [Fact]
    public async Task DisposeAsync_PendingCall_FailsWithObjectDisposed()
    {
        await using var server = await ConnectAsync();
        var client = await ConnectAsync();
        server.SetMethodHandler((_, _) => new TaskCompletionSource<DBusReply>().Task);
        var pending = client.CallAsync(DBusMessage.MethodCall(server.UniqueName, "/", "org.wmix.Test", "Never"), Timeout.InfiniteTimeSpan, Ct);
        await Task.Delay(100, Ct);
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.CallMethodAsync(Bus, BusPath, Bus, "ListNames", cancellationToken: Ct));
        await client.Completion.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Connection_BusKilled_PendingCallAndSubscriptionFail()
    {
        await using var server = await ConnectAsync();
        await using var client = await ConnectAsync();
        server.SetMethodHandler((_, _) => new TaskCompletionSource<DBusReply>().Task);
        await using var subscription = await client.SubscribeAsync(new DBusMatchRule { Interface = "org.wmix.Test" }, Ct);
        var pending = client.CallAsync(DBusMessage.MethodCall(server.UniqueName, "/", "org.wmix.Test", "Never"), Timeout.InfiniteTimeSpan, Ct);
        await Task.Delay(100, Ct);
        _daemon.Kill();
        await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        await Assert.ThrowsAsync<IOException>(() => subscription.Reader.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task Connection_ManyConcurrentCalls_EachGetsItsOwnReply()
    {
        await using var server = await ConnectAsync();
        await using var client = await ConnectAsync();
        server.SetMethodHandler(async (call, ct) =>
        {
            await Task.Delay((int)(uint)call.Body[0] % 7, ct);
            return new DBusReply("u", [(uint)call.Body[0] * 2]);
        });
        var calls = Enumerable.Range(0, 500).Select(async i =>
            (uint)(await client.CallMethodAsync(server.UniqueName, "/", "org.wmix.Test", "Double", "u", [(uint)i], cancellationToken: Ct))[0]).ToArray();
        var results = await Task.WhenAll(calls);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (uint)i * 2), results);
    }
}

/// <summary>The client against scripted misbehaving servers (no daemon): rejected auth, garbage, truncation, fuzzed frames.</summary>
public sealed class DBusConnectionPeerTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("wmix-dbus-peer");

    public void Dispose() => _directory.Delete(true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Listens on a fresh socket; <paramref name="script"/> runs against the first client.</summary>
    private (string Address, Task Server) Serve(Func<Socket, Task> script)
    {
        var path = Path.Combine(_directory.FullName, Guid.NewGuid().ToString("n"));
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var server = Task.Run(async () =>
        {
            using (listener)
            {
                using var peer = await listener.AcceptAsync(Ct);
                await script(peer);
            }
        });
        return ("unix:path=" + DBusAddress.Escape(path), server);
    }

    private static async Task<string> ReadLineAsync(Socket s)
    {
        var sb = new StringBuilder();
        var one = new byte[1];
        while (!sb.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            if (await s.ReceiveAsync(one, SocketFlags.None, Ct) == 0)
            {
                break;
            }
            sb.Append((char)one[0]);
        }
        return sb.ToString();
    }

    /// <summary>Accepts EXTERNAL (checking the uid is hex-encoded decimal), then BEGIN.</summary>
    private static async Task AuthAsync(Socket s)
    {
        var auth = await ReadLineAsync(s);
        var uid = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(GetUid().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("\0AUTH EXTERNAL " + uid + "\r\n", auth);
        await s.SendAsync("OK 0123456789abcdef0123456789abcdef\r\n"u8.ToArray(), SocketFlags.None, Ct);
        Assert.Equal("BEGIN\r\n", await ReadLineAsync(s));
    }

    /// <summary>Reads one whole message from the client (so closing afterwards is an orderly close, not a reset).</summary>
    private static async Task ReceiveCallAsync(Socket s)
    {
        var header = new byte[16];
        var got = 0;
        while (got < 16)
        {
            got += await s.ReceiveAsync(header.AsMemory(got), SocketFlags.None, Ct);
        }
        var rest = new byte[DBusMessageCodec.GetMessageLength(header) - 16];
        got = 0;
        while (got < rest.Length)
        {
            got += await s.ReceiveAsync(rest.AsMemory(got), SocketFlags.None, Ct);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
#pragma warning disable CA5392, SYSLIB1054 // a test-only P/Invoke
    private static extern uint GetUid();
#pragma warning restore CA5392, SYSLIB1054

    private static readonly DBusConnectionOptions s_peer = new() { SayHello = false, ConnectTimeout = TimeSpan.FromSeconds(20) };

    [Fact]
    public async Task ConnectAsync_Rejected_IOExceptionWithMechanisms()
    {
        var (address, server) = Serve(async s =>
        {
            await ReadLineAsync(s);
            await s.SendAsync("REJECTED DBUS_COOKIE_SHA1\r\n"u8.ToArray(), SocketFlags.None, Ct);
        });
        var e = await Assert.ThrowsAsync<IOException>(() => DBusConnection.ConnectAsync(address, s_peer, Ct));
        Assert.Contains("DBUS_COOKIE_SHA1", e.Message, StringComparison.Ordinal);
        await server;
    }

    [Fact]
    public async Task ConnectAsync_SilentServer_TimesOut()
    {
        var (address, server) = Serve(async s => await Task.Delay(3000, Ct));
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<IOException>(() => DBusConnection.ConnectAsync(address, s_peer with { ConnectTimeout = TimeSpan.FromMilliseconds(300) }, Ct));
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0, 20);
        await server;
    }

    [Fact]
    public async Task ReadLoop_GarbageAfterAuth_PendingCallFailsWithProtocolError()
    {
        var (address, server) = Serve(async s =>
        {
            await AuthAsync(s);
            await s.SendAsync(new byte[] { (byte)'l', 2, 0, 9, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, SocketFlags.None, Ct); // version 9
            await Task.Delay(2000, Ct);
        });
        await using var connection = await DBusConnection.ConnectAsync(address, s_peer, Ct);
        var e = await Assert.ThrowsAsync<IOException>(() => connection.CallMethodAsync("org.x.Y", "/", "org.x.Y", "M", cancellationToken: Ct));
        Assert.IsType<DBusProtocolException>(e.InnerException);
        Assert.Contains("protocol version 9", e.InnerException!.Message, StringComparison.Ordinal);
        await server;
    }

    [Fact]
    public async Task ReadLoop_PeerClosesMidMessage_PendingCallFails()
    {
        var (address, server) = Serve(async s =>
        {
            await AuthAsync(s);
            await ReceiveCallAsync(s);
            var reply = DBusMessageCodec.Encode(new DBusMessage { Type = DBusMessageType.MethodReturn, ReplySerial = 1, Signature = new("s"), Body = ["hello"] }, 1);
            await s.SendAsync(reply.AsMemory(0, reply.Length - 3), SocketFlags.None, Ct);
        });
        await using var connection = await DBusConnection.ConnectAsync(address, s_peer, Ct);
        var e = await Assert.ThrowsAsync<IOException>(() => connection.CallMethodAsync("org.x.Y", "/", "org.x.Y", "M", cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Contains("middle of a message", e.InnerException?.Message ?? e.Message, StringComparison.Ordinal);
        await server;
    }

    /// <summary>
    /// Fuzz through the real reader loop: a server answers the first call with a mutated reply. The call must end
    /// (reply, error reply, or connection failure) — never hang and never crash the process.
    /// </summary>
    [Fact(Timeout = 300_000)]
    public async Task ReadLoop_MutatedReplies_CallEndsCleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(1234);
        var outcomes = new Dictionary<string, int>();
        for (var n = 0; n < 150; n++)
        {
            var reply = DBusMessageCodec.EncodeInByteOrder(new DBusMessage
            {
                Type = random.Next(2) == 0 ? DBusMessageType.MethodReturn : DBusMessageType.Error,
                ErrorName = "org.x.Error.E",
                ReplySerial = 1,
                Signature = new("sa{sv}(ut)"),
                Body = ["text", new Dictionary<string, DBusVariant> { ["a"] = new("as", new[] { "x", "y" }) }, new object[] { 5u, 6ul }],
            }, 1, null, random.Next(2) == 0);
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                reply[random.Next(reply.Length)] = (byte)random.Next(256);
            }
            var (address, server) = Serve(async s =>
            {
                await AuthAsync(s);
                await ReceiveCallAsync(s);
                await s.SendAsync(reply, SocketFlags.None, Ct);
                await Task.Delay(50, Ct);
            });
            await using var connection = await DBusConnection.ConnectAsync(address, s_peer, ct);
            string outcome;
            try
            {
                await connection.CallMethodAsync("org.x.Y", "/", "org.x.Y", "M", timeout: TimeSpan.FromSeconds(5), cancellationToken: Ct);
                outcome = "reply";
            }
            catch (DBusErrorException)
            {
                outcome = "error reply";
            }
            catch (IOException)
            {
                // Malformed input (DBusProtocolException inside), or the server's close after a reply we could not use.
                outcome = "connection ended";
            }
            catch (TimeoutException)
            {
                // A mutated reply serial answers some other call: ours then gets no reply.
                outcome = "timeout";
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            await server;
        }
        Assert.True(outcomes.GetValueOrDefault("connection ended") > 0, string.Join(", ", outcomes));
    }
}

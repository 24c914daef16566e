using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Wmix.DBus.Internal;

namespace Wmix.DBus;

/// <summary>
/// A D-Bus client connection over a Unix socket: SASL EXTERNAL authentication, <c>Hello</c> on a bus, method calls
/// matched to replies by serial, signal subscriptions, and a single reader loop that owns the socket's input.
/// </summary>
/// <remarks>
/// Thread-safe: calls, sends and subscriptions may come from any thread at once. Malformed input, a peer closing the
/// socket or <see cref="DisposeAsync"/> end the connection; every pending call then fails (with
/// <see cref="DBusProtocolException"/>, <see cref="IOException"/> or <see cref="ObjectDisposedException"/>) and every
/// subscription's reader completes with that error.
/// </remarks>
public sealed class DBusConnection : IAsyncDisposable, IDisposable
{
    private const string BusName = "org.freedesktop.DBus";
    private const string BusPath = "/org/freedesktop/DBus";

    private readonly Socket _socket;
    private readonly DBusConnectionOptions _options;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Guards _pending, _subscriptions and _closed together, so that a call registering its reply slot and the reader
    // failing every slot on close cannot interleave: a slot is either failed by the sweep or sees _closed itself.
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, TaskCompletionSource<DBusMessage>> _pending = [];
    // Copy-on-write: replaced (under _lock) when a subscription comes or goes, so that dispatching a signal — far more
    // frequent — takes the current array without copying it.
    private DBusSignalSubscription[] _subscriptions = [];
    private Exception? _closed;
    private uint _serial;
    private Task _reader = Task.CompletedTask;
    private Func<DBusMessage, CancellationToken, Task<DBusReply>>? _methodHandler;

    private DBusConnection(Socket socket, DBusConnectionOptions options, string guid)
    {
        _socket = socket;
        _options = options;
        ServerGuid = guid;
    }

    /// <summary>The bus's unique name for this connection (e.g. <c>:1.42</c>), or null without <c>Hello</c>.</summary>
    public string? UniqueName { get; private set; }

    /// <summary>The server's GUID from the authentication exchange.</summary>
    public string ServerGuid { get; }

    /// <summary>True until the connection ends (peer close, malformed input, dispose).</summary>
    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _closed is null;
            }
        }
    }

    /// <summary>Completes when the reader loop ends, whatever the reason; never faults.</summary>
    public Task Completion => _reader;

    /// <summary>Connects to the system bus (<see cref="DBusAddress.SystemBus"/>).</summary>
    /// <exception cref="IOException">No entry of the address could be connected to or authenticated on.</exception>
    public static Task<DBusConnection> ConnectSystemBusAsync(CancellationToken cancellationToken = default)
        => ConnectAsync(DBusAddress.SystemBus, null, cancellationToken);

    /// <summary>
    /// Connects to the first entry of <paramref name="address"/> that accepts, authenticates with SASL EXTERNAL (the
    /// effective uid) and, on a bus, sends <c>Hello</c>. Completes once the connection is usable.
    /// </summary>
    /// <exception cref="FormatException">The address does not parse.</exception>
    /// <exception cref="IOException">Nothing could be connected to, authentication failed (<see cref="DBusProtocolException"/>
    /// when the server spoke nonsense) or the connect timeout passed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<DBusConnection> ConnectAsync(string address, DBusConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DBusConnectionOptions.Default;
        var entries = DBusAddress.Parse(address);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var failures = new List<Exception>();
        foreach (var entry in entries)
        {
            Socket? socket = null;
            try
            {
                var endPoint = entry.ToEndPoint();
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
                var guid = await AuthenticateAsync(socket, timeout.Token).ConfigureAwait(false);
                var connection = new DBusConnection(socket, options, guid);
                socket = null;
                connection.Start();
                try
                {
                    if (options.SayHello)
                    {
                        var reply = await connection.CallAsync(DBusMessage.MethodCall(BusName, BusPath, BusName, "Hello"), options.ConnectTimeout, timeout.Token).ConfigureAwait(false);
                        connection.UniqueName = reply.Body.Count == 1 && reply.Body[0] is string name ? name
                            : throw new DBusProtocolException("The bus answered Hello without a unique name.");
                    }
                    return connection;
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (Exception e) when (e is SocketException or IOException or NotSupportedException or OperationCanceledException or TimeoutException or DBusErrorException)
            {
                failures.Add(e is OperationCanceledException ? new TimeoutException($"No D-Bus connection within {options.ConnectTimeout}.", e) : e);
            }
            finally
            {
                socket?.Dispose();
            }
        }
        throw new IOException($"Could not connect to D-Bus at '{address}': {string.Join("; ", failures.Select(f => f.Message))}",
            failures.Count == 1 ? failures[0] : new AggregateException(failures));
    }

    /// <summary>SASL: a NUL byte, AUTH EXTERNAL with the uid as hex-encoded decimal text, OK, BEGIN.</summary>
    private static async Task<string> AuthenticateAsync(Socket socket, CancellationToken cancellationToken)
    {
        var uid = Libc.GetEffectiveUserId().ToString(CultureInfo.InvariantCulture);
        var hex = Convert.ToHexStringLower(Encoding.ASCII.GetBytes(uid));
        await SendAllAsync(socket, Encoding.ASCII.GetBytes($"\0AUTH EXTERNAL {hex}\r\n"), cancellationToken).ConfigureAwait(false);
        var line = await ReadLineAsync(socket, cancellationToken).ConfigureAwait(false);
        if (line.StartsWith("REJECTED", StringComparison.Ordinal))
        {
            throw new IOException($"The D-Bus server rejected EXTERNAL authentication as uid {uid} (it offers: {line[8..].Trim()}).");
        }
        if (!line.StartsWith("OK ", StringComparison.Ordinal) || line.Length < 4)
        {
            throw new DBusProtocolException($"Unexpected D-Bus authentication answer '{Printable(line)}'.");
        }
        await SendAllAsync(socket, "BEGIN\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        return line[3..].Trim();
    }

    private static string Printable(string s) => new([.. s.Take(80).Select(c => c is >= ' ' and < (char)127 ? c : '?')]);

    private static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        // One byte at a time: the server says nothing after OK until we speak, but reading ahead would still take
        // bytes that belong to the message stream, so never read past the line's end.
        var line = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("The D-Bus server closed the connection during authentication.");
            }
            line.Add(one[0]);
            if (line.Count >= 2 && line[^2] == '\r' && line[^1] == '\n')
            {
                return Encoding.ASCII.GetString([.. line.Take(line.Count - 2)]);
            }
            if (line.Count > 16 * 1024)
            {
                throw new DBusProtocolException("The D-Bus server's authentication line is longer than 16 KiB.");
            }
        }
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (data.Length > 0)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            data = data[sent..];
        }
    }

    private void Start() => _reader = Task.Run(ReadLoopAsync);

    /// <summary>
    /// Handles method calls addressed to this connection. Without a handler, calls get
    /// <c>org.freedesktop.DBus.Error.UnknownMethod</c> (and <c>org.freedesktop.DBus.Peer.Ping</c> an empty reply).
    /// The handler runs on the thread pool; a <see cref="DBusErrorException"/> it throws becomes an error reply.
    /// </summary>
    public void SetMethodHandler(Func<DBusMessage, CancellationToken, Task<DBusReply>>? handler) => Volatile.Write(ref _methodHandler, handler);

    /// <summary>
    /// Sends <paramref name="call"/> and waits for its reply. Completes with the method return.
    /// Cancel removes the wait (a reply arriving later is dropped).
    /// </summary>
    /// <exception cref="DBusErrorException">The peer answered with an error.</exception>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/> (default <see cref="DBusConnectionOptions.CallTimeout"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">The connection ended before the reply came.</exception>
    /// <exception cref="ObjectDisposedException">The connection was disposed.</exception>
    public async Task<DBusMessage> CallAsync(DBusMessage call, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Type != DBusMessageType.MethodCall || (call.Flags & DBusMessageFlags.NoReplyExpected) != 0)
        {
            throw new ArgumentException("CallAsync sends method calls that expect a reply; use SendAsync for others.", nameof(call));
        }
        cancellationToken.ThrowIfCancellationRequested();
        var reply = new TaskCompletionSource<DBusMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serial = await SendCoreAsync(call, reply, cancellationToken).ConfigureAwait(false);
        var limit = timeout ?? _options.CallTimeout;
        using var scope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit != Timeout.InfiniteTimeSpan)
        {
            scope.CancelAfter(limit);
        }
        DBusMessage answer;
        try
        {
            answer = await reply.Task.WaitAsync(scope.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (scope.IsCancellationRequested)
        {
            lock (_lock)
            {
                _pending.Remove(serial);
            }
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"No reply to {call.Interface}.{call.Member} on {call.Destination ?? "the peer"} within {limit.TotalSeconds:0.###} s.");
        }
        if (answer.Type == DBusMessageType.Error)
        {
            throw new DBusErrorException(answer.ErrorName!, answer.ErrorText);
        }
        return answer;
    }

    /// <summary>Calls a method and returns the reply's body (see <see cref="CallAsync"/> for what it throws).</summary>
    public async Task<IReadOnlyList<object>> CallMethodAsync(string? destination, string path, string? @interface, string member,
        string signature = "", object[]? body = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        => (await CallAsync(DBusMessage.MethodCall(destination, path, @interface, member, signature, body ?? []), timeout, cancellationToken).ConfigureAwait(false)).Body;

    /// <summary>Sends a message that expects no reply (a signal, a reply, a no-reply call); completes when written. Returns its serial.</summary>
    /// <exception cref="ArgumentException">The message is invalid (see <see cref="DBusMessageCodec.Encode"/>).</exception>
    /// <exception cref="IOException">The connection has ended.</exception>
    public Task<uint> SendAsync(DBusMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendCoreAsync(message, null, cancellationToken);
    }

    private async Task<uint> SendCoreAsync(DBusMessage message, TaskCompletionSource<DBusMessage>? reply, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        uint serial;
        try
        {
            // Serial and write under one lock, so serials reach the wire in increasing order.
            serial = ++_serial == 0 ? ++_serial : _serial;
            var bytes = DBusMessageCodec.Encode(message, serial, _options.Limits);
            if (reply is not null)
            {
                lock (_lock)
                {
                    ThrowIfClosed();
                    // Registered before the bytes leave, so a fast reply always finds its slot.
                    _pending[serial] = reply;
                }
            }
            else
            {
                lock (_lock)
                {
                    ThrowIfClosed();
                }
            }
            try
            {
                // Not cancellable once started: a half-written message would corrupt the stream for everyone.
                await SendAllAsync(_socket, bytes, _shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                Close(new IOException("Writing to the D-Bus connection failed.", e));
                lock (_lock)
                {
                    ThrowIfClosed();
                }
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
        return serial;
    }

    private void ThrowIfClosed()
    {
        if (_closed is ObjectDisposedException)
        {
            throw new ObjectDisposedException(nameof(DBusConnection));
        }
        if (_closed is not null)
        {
            throw new IOException("The D-Bus connection has ended.", _closed);
        }
    }

    /// <summary>
    /// Subscribes to the signals <paramref name="rule"/> matches: registers locally, then <c>AddMatch</c> on the bus
    /// (when connected to one). A well-known sender is resolved to its current owner first. Completes when the bus
    /// has the rule, so no signal emitted afterwards is missed.
    /// </summary>
    /// <exception cref="DBusErrorException">The bus refused the rule.</exception>
    public async Task<DBusSignalSubscription> SubscribeAsync(DBusMatchRule rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        string? owner = null;
        if (rule.Sender is { } sender && !sender.StartsWith(':') && UniqueName is not null)
        {
            try
            {
                var body = await CallMethodAsync(BusName, BusPath, BusName, "GetNameOwner", "s", [sender], null, cancellationToken).ConfigureAwait(false);
                owner = (string)body[0];
            }
            catch (DBusErrorException e) when (e.ErrorName == "org.freedesktop.DBus.Error.NameHasNoOwner")
            {
                // Nobody owns it yet: match the name literally, which only the bus itself ever stamps as a sender.
                owner = sender;
            }
        }
        var subscription = new DBusSignalSubscription(this, rule, owner, _options.SignalQueueCapacity);
        lock (_lock)
        {
            ThrowIfClosed();
            _subscriptions = [.. _subscriptions, subscription];
        }
        if (UniqueName is not null)
        {
            try
            {
                await CallMethodAsync(BusName, BusPath, BusName, "AddMatch", "s", [rule.ToString()], null, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Remove(subscription);
                throw;
            }
        }
        return subscription;
    }

    internal async ValueTask UnsubscribeAsync(DBusSignalSubscription subscription)
    {
        if (!Remove(subscription) || UniqueName is null)
        {
            return;
        }
        try
        {
            await CallMethodAsync(BusName, BusPath, BusName, "RemoveMatch", "s", [subscription.Rule.ToString()], TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException or DBusErrorException)
        {
            // The connection is ending (its rules die with it) or the bus forgot the rule: nothing left to undo.
        }
    }

    private bool Remove(DBusSignalSubscription subscription)
    {
        lock (_lock)
        {
            if (Array.IndexOf(_subscriptions, subscription) < 0)
            {
                return false;
            }
            _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s, subscription))];
            return true;
        }
    }

    private async Task ReadLoopAsync()
    {
        var header = new byte[DBusMessageCodec.FixedHeaderLength];
        try
        {
            while (true)
            {
                if (!await ReceiveExactlyAsync(header, allowEof: true).ConfigureAwait(false))
                {
                    Close(new IOException("The D-Bus peer closed the connection."));
                    return;
                }
                var length = DBusMessageCodec.GetMessageLength(header, _options.Limits);
                var data = new byte[length];
                header.CopyTo(data, 0);
                await ReceiveExactlyAsync(data.AsMemory(DBusMessageCodec.FixedHeaderLength), allowEof: false).ConfigureAwait(false);
                Dispatch(DBusMessageCodec.Decode(data, _options.Limits));
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            Close(new ObjectDisposedException(nameof(DBusConnection)));
        }
        catch (Exception e) when (e is DBusProtocolException or IOException or SocketException or ObjectDisposedException)
        {
            Close(e is DBusProtocolException or IOException ? e : new IOException("Reading from the D-Bus connection failed.", e));
        }
    }

    private async Task<bool> ReceiveExactlyAsync(Memory<byte> buffer, bool allowEof)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _socket.ReceiveAsync(buffer[read..], SocketFlags.None, _shutdown.Token).ConfigureAwait(false);
            if (n == 0)
            {
                if (allowEof && read == 0)
                {
                    return false;
                }
                throw new DBusProtocolException($"The D-Bus peer closed the connection in the middle of a message ({read} of {buffer.Length} bytes).");
            }
            read += n;
        }
        return true;
    }

    private void Dispatch(DBusMessage message)
    {
        switch (message.Type)
        {
            case DBusMessageType.MethodReturn:
            case DBusMessageType.Error:
                {
                    TaskCompletionSource<DBusMessage>? slot;
                    lock (_lock)
                    {
                        _pending.Remove(message.ReplySerial, out slot);
                    }
                    // No slot: the caller timed out or cancelled; the late reply is dropped.
                    slot?.TrySetResult(message);
                    break;
                }
            case DBusMessageType.Signal:
                {
                    DBusSignalSubscription[] targets;
                    lock (_lock)
                    {
                        targets = _subscriptions;
                    }
                    // Delivered outside the lock: a subscription's channel never blocks, but its completion may run code.
                    foreach (var s in targets)
                    {
                        if (s.Rule.Matches(message, s.SenderOwner))
                        {
                            s.Deliver(message);
                        }
                    }
                    break;
                }
            default:
                _ = AnswerCallAsync(message);
                break;
        }
    }

    private async Task AnswerCallAsync(DBusMessage call)
    {
        if ((call.Flags & DBusMessageFlags.NoReplyExpected) != 0 && Volatile.Read(ref _methodHandler) is null)
        {
            return;
        }
        DBusMessage answer;
        try
        {
            DBusReply reply;
            if (Volatile.Read(ref _methodHandler) is { } handler)
            {
                // Off the reader loop: a slow handler must not hold up replies and signals.
                reply = await Task.Run(() => handler(call, _shutdown.Token)).ConfigureAwait(false);
            }
            else if (call.Interface == "org.freedesktop.DBus.Peer" && call.Member == "Ping")
            {
                reply = new DBusReply("", []);
            }
            else
            {
                throw new DBusErrorException("org.freedesktop.DBus.Error.UnknownMethod", $"No method {call.Interface}.{call.Member} at {call.Path} here.");
            }
            answer = new DBusMessage
            {
                Type = DBusMessageType.MethodReturn, ReplySerial = call.Serial, Destination = call.Sender,
                Signature = new DBusSignature(reply.Signature), Body = reply.Body,
            };
        }
        catch (DBusErrorException e)
        {
            answer = ErrorReply(call, e.ErrorName, e.ErrorMessage ?? e.ErrorName);
        }
        catch (Exception e) when (e is not OperationCanceledException || !_shutdown.IsCancellationRequested)
        {
            // A handler's own failure is contained: the caller gets a generic error reply naming it, the connection lives on.
            answer = ErrorReply(call, "org.freedesktop.DBus.Error.Failed", $"{e.GetType().Name}: {e.Message}");
        }
        if ((call.Flags & DBusMessageFlags.NoReplyExpected) != 0)
        {
            return;
        }
        try
        {
            await SendAsync(answer).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The connection ended while the handler ran; the caller sees its own connection error.
        }
    }

    private static DBusMessage ErrorReply(DBusMessage call, string name, string text) => new()
    {
        Type = DBusMessageType.Error, ReplySerial = call.Serial, Destination = call.Sender, ErrorName = name,
        Signature = new DBusSignature("s"), Body = [text],
    };

    /// <summary>Ends the connection with <paramref name="reason"/>: fails pending calls, completes subscriptions.</summary>
    private void Close(Exception reason)
    {
        TaskCompletionSource<DBusMessage>[] pending;
        DBusSignalSubscription[] subscriptions;
        lock (_lock)
        {
            if (_closed is not null)
            {
                return;
            }
            _closed = reason;
            pending = [.. _pending.Values];
            _pending.Clear();
            subscriptions = _subscriptions;
            _subscriptions = [];
        }
        // Completed outside the lock (continuations are asynchronous, but completing is still foreign code).
        var error = reason is ObjectDisposedException ? reason : new IOException($"The D-Bus connection ended: {reason.Message}", reason);
        foreach (var p in pending)
        {
            p.TrySetException(error);
        }
        foreach (var s in subscriptions)
        {
            s.Complete(reason is ObjectDisposedException ? null : error);
        }
        _shutdown.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already disconnected.
        }
    }

    /// <summary>Closes the socket, fails pending calls with <see cref="ObjectDisposedException"/>, ends subscriptions, waits for the reader.</summary>
    public async ValueTask DisposeAsync()
    {
        Close(new ObjectDisposedException(nameof(DBusConnection)));
        await _reader.ConfigureAwait(false);
        _socket.Dispose();
        _shutdown.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        Close(new ObjectDisposedException(nameof(DBusConnection)));
        // The reader ends promptly once the socket is shut down and the token cancelled.
        _reader.Wait(TimeSpan.FromSeconds(5));
        _socket.Dispose();
    }
}

/// <summary>A method handler's answer: the body signature and values.</summary>
/// <param name="Signature">The body's signature.</param>
/// <param name="Body">The values.</param>
public sealed record DBusReply(string Signature, object[] Body);

/// <summary>A signal subscription: matching signals arrive on <see cref="Reader"/> until disposed or the connection ends.</summary>
public sealed class DBusSignalSubscription : IAsyncDisposable
{
    private readonly DBusConnection _connection;
    private readonly Channel<DBusMessage> _channel;
    private readonly int _capacity;

    internal DBusSignalSubscription(DBusConnection connection, DBusMatchRule rule, string? senderOwner, int capacity)
    {
        _connection = connection;
        Rule = rule;
        SenderOwner = senderOwner;
        _capacity = capacity;
        _channel = Channel.CreateBounded<DBusMessage>(new BoundedChannelOptions(capacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>The rule.</summary>
    public DBusMatchRule Rule { get; }

    internal string? SenderOwner { get; }

    /// <summary>The matching signals, in arrival order. Completes on dispose (normally) or when the connection ends
    /// or the queue overflows (with an error).</summary>
    public ChannelReader<DBusMessage> Reader => _channel.Reader;

    internal void Deliver(DBusMessage message)
    {
        if (!_channel.Writer.TryWrite(message))
        {
            // Never block the reader loop: a subscriber that falls this far behind loses the subscription, loudly.
            _channel.Writer.TryComplete(new InvalidOperationException($"More than {_capacity} signals were waiting unread; the subscription ended."));
        }
    }

    internal void Complete(Exception? error) => _channel.Writer.TryComplete(error);

    /// <summary>Removes the rule (locally and on the bus) and completes <see cref="Reader"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.UnsubscribeAsync(this).ConfigureAwait(false);
        _channel.Writer.TryComplete();
    }
}

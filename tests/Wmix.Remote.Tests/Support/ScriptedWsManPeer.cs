using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Tests.Support;

/// <summary>One request as the peer saw it.</summary>
internal sealed record PeerRequest(WsManEnvelope Envelope, string? Authorization)
{
    public string? Action => Envelope.Headers.Action;
}

/// <summary>What the peer answers: an envelope (HTTP 200, or 500 for a fault), a bare status, or a dropped connection.</summary>
internal sealed record PeerReply(WsManEnvelope? Envelope, int Status = 200, bool Drop = false)
{
    public static PeerReply Unauthorized { get; } = new(null, 401);

    public static PeerReply DropConnection { get; } = new(null, 0, Drop: true);
}

/// <summary>
/// A test peer, not the Wmix server: a raw HTTP/1.1 endpoint on 127.0.0.1:0 that reads requests with the codec and
/// answers with a script. It can be killed (every connection reset at once), delay replies, refuse credentials, and
/// records every request so a test can check that a Release or Unsubscribe arrived.
/// </summary>
internal sealed class ScriptedWsManPeer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly Task _accept;
    private readonly Func<PeerRequest, CancellationToken, Task<PeerReply>> _script;

    public ScriptedWsManPeer(Func<PeerRequest, CancellationToken, Task<PeerReply>> script)
    {
        _script = script;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptLoopAsync();
    }

    public int Port { get; }

    private int _connections;

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public string Address => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<PeerRequest> Requests { get; } = new();

    public int Count(string action) => Requests.Count(r => r.Action == action);

    /// <summary>Completes when a request with <paramref name="action"/> has arrived.</summary>
    public async Task WaitForAsync(string action, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (Count(action) == 0)
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No {action} within {within}.");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Kills the peer: no more connections, every open one reset.</summary>
    public void Kill()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var s in _sockets.Keys)
        {
            try
            {
                s.LingerState = new LingerOption(true, 0);
                s.Close();
            }
            catch (ObjectDisposedException)
            {
                // Already closed by its handler.
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _sockets[socket] = 0;
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            while (!_stop.IsCancellationRequested)
            {
                var (headers, body) = await ReadRequestAsync(stream);
                if (headers is null)
                {
                    return;
                }
                headers.TryGetValue("authorization", out var auth);
                WsManEnvelope envelope;
                try
                {
                    envelope = WsManReader.Read(body, new CimXmlReadContext(null, new DictionaryResolver(TestClasses.Process, TestClasses.CreationEvent)));
                }
                catch (WsManProtocolException e)
                {
                    await WriteAsync(stream, 500, WsManWriter.ToBytes(WsManMessages.FaultReply(null, WsManFaults.FromProtocolError(e)), new CimXmlWriteOptions("root")));
                    continue;
                }
                var request = new PeerRequest(envelope, auth);
                Requests.Enqueue(request);
                var reply = await _script(request, _stop.Token);
                if (reply.Drop)
                {
                    socket.LingerState = new LingerOption(true, 0);
                    return;
                }
                if (reply.Envelope is null)
                {
                    await WriteAsync(stream, reply.Status, null);
                    continue;
                }
                var status = reply.Envelope.Body is FaultBody ? 500 : reply.Status;
                await WriteAsync(stream, status, WsManWriter.ToBytes(reply.Envelope, new CimXmlWriteOptions(@"root\cimv2")));
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Killed or the client went away.
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
        }
    }

    private static async Task<(Dictionary<string, string>? Headers, byte[] Body)> ReadRequestAsync(Stream stream)
    {
        var head = new MemoryStream();
        var one = new byte[1];
        while (true)
        {
            var n = await stream.ReadAsync(one);
            if (n == 0)
            {
                return (null, []);
            }
            head.WriteByte(one[0]);
            var b = head.GetBuffer();
            var len = (int)head.Length;
            if (len >= 4 && b[len - 4] == '\r' && b[len - 3] == '\n' && b[len - 2] == '\r' && b[len - 1] == '\n')
            {
                break;
            }
        }
        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var length = int.Parse(headers["content-length"], System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return (headers, body);
    }

    private static async Task WriteAsync(Stream stream, int status, byte[]? body)
    {
        var reason = status switch { 200 => "OK", 401 => "Unauthorized", 500 => "Internal Server Error", _ => "Status" };
        var head = new StringBuilder($"HTTP/1.1 {status} {reason}\r\n");
        if (status == 401)
        {
            head.Append("WWW-Authenticate: Basic realm=\"WSMAN\"\r\n");
        }
        if (body is not null)
        {
            head.Append("Content-Type: application/soap+xml;charset=UTF-8\r\n");
        }
        head.Append($"Content-Length: {body?.Length ?? 0}\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        if (body is not null)
        {
            await stream.WriteAsync(body);
        }
        await stream.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _accept;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _stop.Dispose();
    }
}

/// <summary>
/// A small scripted WS-Man service over <see cref="TestClasses.Process"/> instances, with knobs for the transport
/// scenarios: delays, a kill after N pulls, refused credentials.
/// </summary>
internal sealed class PeerScript
{
    private readonly ConcurrentDictionary<string, int> _contexts = new();
    private int _nextContext;

    public int ItemCount { get; set; } = 100;

    /// <summary>How long a Pull is held before the reply (slow server).</summary>
    public TimeSpan PullDelay { get; set; }

    /// <summary>How long an Enumerate is held before the reply (the context exists on the peer from the start).</summary>
    public TimeSpan EnumerateDelay { get; set; }

    /// <summary>True: every request after Identify gets 401.</summary>
    public bool RefuseAfterIdentify { get; set; }

    /// <summary>True: Release and Unsubscribe get 401.</summary>
    public bool RefuseCancel { get; set; }

    /// <summary>Called on every Pull after it was recorded; a test kills the peer from here.</summary>
    public Action<int>? OnPull { get; set; }

    public int Pulls;

    public string User { get; set; } = "alice";

    public string Password { get; set; } = "secret";

    /// <summary>Events to hand out on subscription Pulls (null entries are heartbeats).</summary>
    public ConcurrentQueue<CimObject?> Events { get; } = new();

    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromMilliseconds(200);

    public static CimInstance Process(int pid)
    {
        var p = TestClasses.Process.SpawnInstance();
        p["Handle"] = pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        p["Name"] = "proc" + pid;
        p["ProcessId"] = (uint)pid;
        return p;
    }

    private static WsManEnvelope Reply(PeerRequest r, string action, WsManBody body) =>
        new(WsManMessages.Reply(r.Envelope.Headers, action), body);

    private static WsManEnvelope Fault(PeerRequest r, WbemErrorEnum code, string message) =>
        WsManMessages.FaultReply(r.Envelope.Headers, WsManFaults.FromWbemError(code, message));

    public async Task<PeerReply> HandleAsync(PeerRequest r, CancellationToken stop)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password));
        if (r.Authorization != expected)
        {
            return PeerReply.Unauthorized;
        }
        var h = r.Envelope.Headers;
        if (r.Envelope.Body is IdentifyBody)
        {
            return new(Reply(r, null!, new IdentifyResponseBody(WsManNamespaces.WsMan, "Wmix", "test-peer", [WsManUris.HttpBasicProfile], true)));
        }
        if (RefuseAfterIdentify)
        {
            return PeerReply.Unauthorized;
        }
        switch (h.Action)
        {
            case WsManActions.Get when h.ResourceUri == WsManResource.ClassDefinitionUri:
                var name = h.Selectors.FirstOrDefault(s => s.Name == WsManSelector.ClassName)?.Value;
                CimClass? cls = name switch
                {
                    "Win32_Process" => TestClasses.Process,
                    "__InstanceCreationEvent" => TestClasses.CreationEvent,
                    "__NAMESPACE" => Namespace,
                    _ => null,
                };
                return new(cls is null ? Fault(r, WbemErrorEnum.wbemErrInvalidClass, "no class " + name) : Reply(r, WsManActions.GetResponse, new ObjectBody(cls)));
            case WsManActions.Get:
                var key = h.Selectors.FirstOrDefault(s => s.Name == "Handle")?.Value;
                return new(key is not null && int.TryParse(key, out var pid) && pid < ItemCount
                    ? Reply(r, WsManActions.GetResponse, new ObjectBody(Process(pid)))
                    : Fault(r, WbemErrorEnum.wbemErrNotFound, "no such process"));
            case WsManActions.Enumerate:
                var ctx = "uuid:ctx-" + Interlocked.Increment(ref _nextContext);
                var first = Math.Min(ItemCount, ((EnumerateBody)r.Envelope.Body).MaxElements ?? 1);
                _contexts[ctx] = first;
                if (EnumerateDelay > TimeSpan.Zero)
                {
                    await Task.Delay(EnumerateDelay, stop);
                }
                return new(Reply(r, WsManActions.EnumerateResponse,
                    new EnumerateResponseBody(first == ItemCount ? "" : ctx, [.. Enumerable.Range(0, first).Select(Process)], first == ItemCount)));
            case WsManActions.Pull:
                var pull = (PullBody)r.Envelope.Body;
                var n = Interlocked.Increment(ref Pulls);
                OnPull?.Invoke(n);
                if (PullDelay > TimeSpan.Zero)
                {
                    await Task.Delay(PullDelay, stop);
                }
                if (pull.Context.StartsWith("uuid:sub-", StringComparison.Ordinal))
                {
                    return new(await PullEventsAsync(r, pull, stop));
                }
                if (!_contexts.TryGetValue(pull.Context, out var at))
                {
                    return new(WsManMessages.FaultReply(h, new WsManFault { Code = WsManFaultCode.Sender, Subcode = WsManSubcode.InvalidEnumerationContext, Reason = "gone" }));
                }
                var take = Math.Min(pull.MaxElements ?? 1, ItemCount - at);
                _contexts[pull.Context] = at + take;
                var end = at + take >= ItemCount;
                if (end)
                {
                    _contexts.TryRemove(pull.Context, out _);
                }
                return new(Reply(r, WsManActions.PullResponse,
                    new PullResponseBody(end ? null : pull.Context, [.. Enumerable.Range(at, take).Select(Process)], end)));
            case WsManActions.Release:
                if (RefuseCancel)
                {
                    return PeerReply.Unauthorized;
                }
                var released = _contexts.TryRemove(((ReleaseBody)r.Envelope.Body).Context, out _);
                return new(released ? Reply(r, WsManActions.ReleaseResponse, WsManEmptyBody.Instance)
                    : WsManMessages.FaultReply(h, new WsManFault { Code = WsManFaultCode.Sender, Subcode = WsManSubcode.InvalidEnumerationContext, Reason = "gone" }));
            case WsManActions.Subscribe:
                var id = "uuid:sub-" + Interlocked.Increment(ref _nextContext);
                return new(Reply(r, WsManActions.SubscribeResponse,
                    new SubscribeResponseBody(new WsManEndpointReference("http://x/wsman", h.ResourceUri, [], id), null, id)));
            case WsManActions.Unsubscribe:
                return RefuseCancel ? PeerReply.Unauthorized : new(Reply(r, WsManActions.UnsubscribeResponse, WsManEmptyBody.Instance));
            case WsManActions.Delete:
                return new(Reply(r, WsManActions.DeleteResponse, WsManEmptyBody.Instance));
            case WsManActions.Put:
                return new(Reply(r, WsManActions.PutResponse, (ObjectBody)r.Envelope.Body));
            case WsManActions.Create:
                var created = ((ObjectBody)r.Envelope.Body).Value;
                return new(Reply(r, WsManActions.CreateResponse, new ResourceCreatedBody(
                    WsManPaths.ToEndpointReference(created.RelativeObjectPath!, @"root\cimv2", WsManResourceUriStyle.Wmi))));
            default:
                if (r.Envelope.Body is MethodParametersBody { MethodName: "Create" } input)
                {
                    var output = TestClasses.Process.Methods.Find("Create")!.OutParameters!.SpawnInstance();
                    output["ReturnValue"] = 0u;
                    output["ProcessId"] = (uint)((string)input.Parameters!["CommandLine"]!).Length;
                    return new(Reply(r, WsManActions.InvokeResponse(h.ResourceUri!, "Create"), new MethodParametersBody("Win32_Process", "Create", true, output)));
                }
                return new(Fault(r, WbemErrorEnum.wbemErrInvalidMethod, "unknown action " + h.Action));
        }
    }

    private async Task<WsManEnvelope> PullEventsAsync(PeerRequest r, PullBody pull, CancellationToken stop)
    {
        var until = DateTime.UtcNow + Heartbeat;
        while (DateTime.UtcNow < until)
        {
            if (Events.TryDequeue(out var ev) && ev is not null)
            {
                return Reply(r, WsManActions.PullResponse, new PullResponseBody(pull.Context, [ev], false)) with { };
            }
            await Task.Delay(10, stop);
        }
        return Reply(r, WsManActions.PullResponse, new PullResponseBody(pull.Context, [], false));
    }

    private static readonly CimClass Namespace = BuildNamespace();

    private static CimClass BuildNamespace()
    {
        var c = new CimClass("__NAMESPACE");
        c.AddProperty("Name", CimType.String, isKey: true);
        return (CimClass)c.Freeze();
    }
}

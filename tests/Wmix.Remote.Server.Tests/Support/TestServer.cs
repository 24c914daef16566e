using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Tests.Support;

/// <summary>
/// A real server on 127.0.0.1 (random free port, plain HTTP) over an in-memory engine with <see cref="ItemProvider"/>
/// and <see cref="TickProvider"/>; users from a users file: alice (all rights in root\cimv2), carol (group readers:
/// read only), bob (no rules: nothing).
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string AlicePassword = "alice-Pw1";
    public const string BobPassword = "bob-Pw1";
    public const string CarolPassword = "carol-Pw1";

    public const string Rules = """
        { "rules": [
            { "namespace": "root/cimv2", "user": "alice", "allow": ["all"] },
            { "namespace": "root/cimv2", "group": "readers", "allow": ["read"] }
        ] }
        """;

    private readonly string _dir;

    private TestServer(string dir, ObjectManager manager, ItemProvider items, TickProvider ticks, WsmanServer server, AuditLog audit)
    {
        _dir = dir;
        Manager = manager;
        Items = items;
        Ticks = ticks;
        Server = server;
        Audit = audit;
    }

    public ObjectManager Manager { get; }

    public ItemProvider Items { get; }

    public TickProvider Ticks { get; }

    public WsmanServer Server { get; }

    public AuditLog Audit { get; }

    public string AuditPath => Path.Combine(_dir, "audit.jsonl");

    public Uri Endpoint => new(Server.BoundAddresses[0], "wsman");

    public static async Task<TestServer> StartAsync(Func<WsmanServerOptions, WsmanServerOptions>? configure = null, int items = 10, bool https = false)
    {
        var dir = Directory.CreateTempSubdirectory("wmix-server-").FullName;
        var users = new UsersFile(Path.Combine(dir, "users"), UsersFile.MinIterations);
        users.SetPassword("alice", AlicePassword);
        users.SetPassword("bob", BobPassword);
        users.SetPassword("carol", CarolPassword, ["readers"]);
        var manager = new ObjectManager();
        var itemProvider = new ItemProvider(items);
        manager.RegisterProvider(itemProvider);
        var connection = manager.Connect(@"root\cimv2");
        var sink = new ChannelOperationSink();
        connection.GetObject("__ExtrinsicEvent", CallOptions.Default, sink);
        sink.TryTake(out var extrinsic);
        var ticks = new TickProvider((CimClass)extrinsic!);
        manager.RegisterProvider(ticks);
        var audit = AuditLog.Open(Path.Combine(dir, "audit.jsonl"));
        var options = WsmanServerOptions.Default with
        {
            EndPoints = [new ListenEndPoint(new IPEndPoint(IPAddress.Loopback, 0), Https: https)],
            AllowHttp = !https,
            Certificate = https ? ServerCertificates.CreateSelfSigned("localhost") : null,
            SweepInterval = TimeSpan.FromMilliseconds(100),
        };
        options = configure?.Invoke(options) ?? options;
        var server = new WsmanServer(options, manager.Connect, [users], AccessRules.Parse(Rules), audit,
            new UnixAccounts(Path.Combine(dir, "passwd"), Path.Combine(dir, "group")));
        await server.StartAsync();
        return new TestServer(dir, manager, itemProvider, ticks, server, audit);
    }

    public WsmanTestClient Client(string user = "alice", string? password = null) =>
        new(Endpoint, user, password ?? user switch { "alice" => AlicePassword, "bob" => BobPassword, "carol" => CarolPassword, _ => "x" });

    public string[] AuditLines() => File.Exists(AuditPath) ? File.ReadAllLines(AuditPath) : [];

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Audit.Dispose();
        Manager.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>Posts envelopes built with the codec; returns the HTTP status and the parsed reply.</summary>
internal sealed class WsmanTestClient : IDisposable
{
    public const string ItemUri = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item";
    public const string AllUri = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private long _decodeTicks;

    public WsmanTestClient(Uri endpoint, string user, string password)
    {
        _endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        })
        { Timeout = TimeSpan.FromSeconds(120) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
    }

    /// <summary>Time spent decoding replies (WsManReader) since construction: the client's share of a figure.</summary>
    public TimeSpan DecodeTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _decodeTicks));

    public static WsManHeaders Headers(string resourceUri, string action, TimeSpan? timeout = null) =>
        WsManMessages.Request("http://127.0.0.1/wsman", resourceUri, action, timeout ?? TimeSpan.FromSeconds(30));

    public Task<(HttpStatusCode Status, WsManEnvelope? Reply)> SendAsync(WsManHeaders headers, WsManBody body, CancellationToken ct = default) =>
        SendRawAsync(WsManWriter.ToBytes(new WsManEnvelope(headers, body), new CimXmlWriteOptions(@"root\cimv2")), ct);

    public async Task<(HttpStatusCode Status, WsManEnvelope? Reply)> SendRawAsync(byte[] body, CancellationToken ct = default, string contentType = "application/soap+xml;charset=UTF-8")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await _http.PostAsync(_endpoint, content, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var started = Stopwatch.GetTimestamp();
        var reply = bytes.Length == 0 ? null : WsManReader.Read(bytes, new CimXmlReadContext(@"root\cimv2"));
        Interlocked.Add(ref _decodeTicks, Stopwatch.GetTimestamp() - started);
        return (response.StatusCode, reply);
    }

    /// <summary>Sends and expects success; returns the reply body.</summary>
    public async Task<WsManBody> CallAsync(WsManHeaders headers, WsManBody body, CancellationToken ct = default)
    {
        var (status, reply) = await SendAsync(headers, body, ct);
        if (status != HttpStatusCode.OK)
        {
            var fault = (reply?.Body as FaultBody)?.Fault;
            throw new InvalidOperationException($"HTTP {(int)status}: {fault?.Subcode} {fault?.Reason}");
        }
        return reply!.Body;
    }

    /// <summary>Sends and expects a fault; returns it.</summary>
    public async Task<WsManFault> FaultAsync(WsManHeaders headers, WsManBody body, CancellationToken ct = default)
    {
        var (status, reply) = await SendAsync(headers, body, ct);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        return Assert.IsType<FaultBody>(reply!.Body).Fault;
    }

    /// <summary>Enumerate (optimized) + Pull until the end; returns every item.</summary>
    public async Task<List<CimObject>> EnumerateAllAsync(string resourceUri, WsManFilter? filter, int batch = 100, CancellationToken ct = default)
    {
        var items = new List<CimObject>();
        var er = (EnumerateResponseBody)await CallAsync(Headers(resourceUri, WsManActions.Enumerate),
            new EnumerateBody { OptimizeEnumeration = true, MaxElements = batch, Filter = filter }, ct);
        items.AddRange(er.Items);
        var context = er.EndOfSequence ? null : er.Context;
        while (!string.IsNullOrEmpty(context))
        {
            var pr = (PullResponseBody)await CallAsync(Headers(resourceUri, WsManActions.Pull), new PullBody(context, batch), ct);
            items.AddRange(pr.Items);
            context = pr.EndOfSequence ? null : pr.Context;
        }
        return items;
    }

    public void Dispose() => _http.Dispose();
}

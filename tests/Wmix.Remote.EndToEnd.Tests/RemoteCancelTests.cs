using System.Collections.Concurrent;
using System.Net;
using Wmix.Remote.Client;

namespace Wmix.Remote.EndToEnd.Tests;

/// <summary>Tests that change <see cref="WsManConnector.Options"/> (process-wide) run alone.</summary>
[CollectionDefinition(nameof(ConnectorOptionsCollection), DisableParallelization = true)]
public sealed class ConnectorOptionsCollection;

/// <summary>
/// Issue #6: cancelling many outstanding remote calls at once, over HTTP/2 (h2c on loopback) and over HTTP/1.1 —
/// every call ends exactly once with wbemErrCallCancelled, the other sink's calls are untouched, and the server ends
/// up holding nothing (operations, contexts, provider calls). Bounds are generous: they prove nothing hangs.
/// </summary>
[Collection(nameof(ConnectorOptionsCollection))]
public sealed class RemoteCancelTests
{
    private const int Outstanding = 250;
    private const int Bystanders = 5;
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    private static void WaitUntil(Func<bool> condition, string what, Func<string>? state = null)
    {
        var until = DateTime.UtcNow + s_bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, what + " did not happen in time " + state?.Invoke());
            Thread.Sleep(5);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cancel_250OutstandingQueries_EachEndsCancelledOnceAndTheServerHoldsNothing(bool http2)
    {
        var previous = WsManConnector.Options;
        WsManConnector.Options = () => WsManClientOptions.Default with
        {
            Http2 = http2,
            OperationTimeout = TimeSpan.FromSeconds(30),
            CancelTimeout = TimeSpan.FromSeconds(30),
        };
        try
        {
            await using var server = await RealServer.StartAsync(o => o with { MaxOperationsPerClient = 4 * Outstanding, MaxRequestsPerSecond = 0 });
            server.Items.Count = int.MaxValue;
            server.Items.Delay = TimeSpan.FromMinutes(10);
            var svc = new SWbemLocator().ConnectServer(server.Address, @"root\cimv2", RealServer.User, RealServer.Password);

            var sink = new SWbemSink();
            var completed = new ConcurrentDictionary<int, ConcurrentQueue<WbemErrorEnum>>();
            sink.OnCompleted += (code, _, ctx) => completed.GetOrAdd(ContextId(ctx), _ => new()).Enqueue(code);
            var bystander = new SWbemSink();
            var bystanderCompleted = 0;
            bystander.OnCompleted += (_, _, _) => Interlocked.Increment(ref bystanderCompleted);
            for (var i = 0; i < Outstanding; i++)
            {
                var context = new SWbemNamedValueSet();
                context.Add("id", i);
                svc.ExecQueryAsync(sink, "SELECT * FROM E2E_Item", objWbemAsyncContext: context);
            }
            for (var i = 0; i < Bystanders; i++)
            {
                svc.ExecQueryAsync(bystander, "SELECT * FROM E2E_Item");
            }
            const int all = Outstanding + Bystanders;
            WaitUntil(() => server.Server.Diagnostics.Enumerations >= all && server.Items.Active >= all, "every call reaching the provider",
                () => $"{server.Server.Diagnostics}, provider calls {server.Items.Active}, completed {completed.Count}");
            Assert.Empty(completed);

            sink.Cancel();

            WaitUntil(() => completed.Count == Outstanding, "every OnCompleted", () => $"completed {completed.Count}");
            // Exactly once each, all cancelled.
            Assert.All(completed.Values, q => Assert.Equal([WbemErrorEnum.wbemErrCallCancelled], q.ToArray()));
            WaitUntil(() => server.Server.Diagnostics.Enumerations == Bystanders && server.Items.Active == Bystanders,
                "the server releasing the cancelled calls", () => $"{server.Server.Diagnostics}, provider calls {server.Items.Active}");
            // The other sink's calls are untouched.
            Assert.Equal(0, Volatile.Read(ref bystanderCompleted));

            bystander.Cancel();
            WaitUntil(() => Volatile.Read(ref bystanderCompleted) == Bystanders, "the bystanders' OnCompleted");
            WaitUntil(() => server.Manager.Operations.Count == 0 && server.Server.Diagnostics.LiveOperations == 0
                    && server.Server.Diagnostics.Enumerations == 0 && server.Items.Active == 0,
                "the server quiescing", () => $"{server.Manager.Operations.Count} engine operations, {server.Server.Diagnostics}, provider calls {server.Items.Active}");
            Assert.Single(completed.Values.Select(q => q.Count).Distinct());
        }
        finally
        {
            WsManConnector.Options = previous;
        }
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task Connect_WmixServerOnPlainHttp_RunsOverH2cUnlessTurnedOff(bool http2, int major)
    {
        await using var server = await RealServer.StartAsync();
        using var connection = await RemoteConnection.ConnectAsync(server.Address, @"root\cimv2", RealServer.User, RealServer.Password,
            WsManClientOptions.Default with { Http2 = http2 }, TestContext.Current.CancellationToken);
        var sink = new Engine.ChannelOperationSink();
        var op = connection.ExecQuery("SELECT * FROM E2E_Item", "WQL", Engine.CallOptions.Default, sink);
        var count = 0;
        await foreach (var _ in sink.Reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            count++;
        }
        Assert.True((await op.Completion).IsSuccess);
        Assert.Equal(server.Items.Count, count);
        Assert.Equal(new Version(major, major == 2 ? 0 : 1), connection.HttpVersion);
    }

    [Fact]
    public async Task PlainHttpPort_Http11AndH2cClients_AreBothServed()
    {
        await using var server = await RealServer.StartAsync();
        var identify = """
            <s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd">
              <s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>
            """;
        foreach (var version in new[] { HttpVersion.Version11, HttpVersion.Version20 })
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, server.Address + "/wsman")
            {
                Version = version,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new StringContent(identify, System.Text.Encoding.UTF8, "application/soap+xml"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(RealServer.User + ":" + RealServer.Password)));
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(version, response.Version);
            Assert.Contains("IdentifyResponse", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PlainHttpPort_Http11RequestTrickledBytewise_IsServed()
    {
        // The port routes a connection by its first bytes; "P" could begin the HTTP/2 preface ("PRI * …") or a
        // POST, so a client that sends one byte at a time exercises the wait-for-more path.
        await using var server = await RealServer.StartAsync();
        var port = server.Server.BoundAddresses[0].Port;
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        client.NoDelay = true;
        var stream = client.GetStream();
        var request = "GET /wsman HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8.ToArray();
        request[0] = (byte)'P'; // "PET": still HTTP/1.1 framing, and it shares the preface's first letter.
        foreach (var b in request)
        {
            await stream.WriteAsync(new[] { b }, TestContext.Current.CancellationToken);
            await stream.FlushAsync(TestContext.Current.CancellationToken);
        }
        using var reader = new StreamReader(stream);
        var status = await reader.ReadLineAsync(TestContext.Current.CancellationToken);
        Assert.NotNull(status);
        Assert.StartsWith("HTTP/1.1 ", status, StringComparison.Ordinal);
    }

    private static int ContextId(SWbemNamedValueSet? context) =>
        context is null ? -1 : Convert.ToInt32(context.Item("id").Value, System.Globalization.CultureInfo.InvariantCulture);
}

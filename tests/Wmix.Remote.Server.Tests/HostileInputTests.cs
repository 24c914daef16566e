using System.Net;
using System.Text;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Tests.Support;

namespace Wmix.Remote.Server.Tests;

/// <summary>Malformed, oversized and hostile envelopes: each refused with a fault (or an HTTP error), the server unharmed.</summary>
public sealed class HostileInputTests
{
    private static readonly CancellationToken s_ct = TestContext.Current.CancellationToken;

    private const string Head = """<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</a:Action><a:MessageID>uuid:11111111-2222-3333-4444-555555555555</a:MessageID><w:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item</w:ResourceURI><w:SelectorSet><w:Selector Name="Id">""";
    private const string Tail = """</w:Selector></w:SelectorSet></s:Header><s:Body/></s:Envelope>""";

    public static TheoryData<string, string> Hostile => new()
    {
        { "xxe", """<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>""" + Head + "&x;" + Tail },
        { "billion-laughs", """<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>""" + Head + "&h;" + Tail },
        { "deep-nesting", Head + "1" + Tail.Replace("<s:Body/>", "<s:Body>" + string.Concat(Enumerable.Repeat("<x>", 10_000)) + string.Concat(Enumerable.Repeat("</x>", 10_000)) + "</s:Body>", StringComparison.Ordinal) },
        { "not-xml", "this is not xml at all <<<" },
        { "truncated", Head + "1</w:Selector></w:SelectorSet></s:Hea" },
        { "soap-1.1", """<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>""" },
        { "external-dtd", """<?xml version="1.0"?><!DOCTYPE s SYSTEM "http://127.0.0.1:1/evil.dtd">""" + Head + "1" + Tail },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task HostileEnvelope_FaultsAndServerStaysHealthy(string name, string envelope)
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var calls = server.Items.Enumerations;
        var (status, reply) = await client.SendRawAsync(Encoding.UTF8.GetBytes(envelope), s_ct);
        Assert.True(status == HttpStatusCode.InternalServerError, $"{name}: HTTP {(int)status}");
        var fault = Assert.IsType<FaultBody>(reply!.Body).Fault;
        Assert.Equal(WsManFaultCode.Sender, fault.Code);
        Assert.DoesNotContain("root:", fault.Reason, StringComparison.Ordinal); // nothing of /etc/passwd leaks
        Assert.Equal(calls, server.Items.Enumerations);
        await AssertHealthyAsync(server, client);
    }

    private static async Task AssertHealthyAsync(TestServer server, WsmanTestClient client)
    {
        var ok = await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Get) with { Selectors = [new WsManSelector("Id", "1")] }, WsManEmptyBody.Instance, s_ct);
        Assert.IsType<ObjectBody>(ok);
        Assert.Equal(0, server.Server.Diagnostics.LiveOperations);
    }

    [Fact]
    public async Task OversizedEnvelope_EncodingLimitFault_WithoutReadingIt()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxEnvelopeSize = 64 * 1024 });
        using var client = server.Client();
        var big = Head + "1" + Tail.Replace("<s:Body/>", "<s:Body><x>" + new string('A', 200_000) + "</x></s:Body>", StringComparison.Ordinal);
        var (status, reply) = await client.SendRawAsync(Encoding.UTF8.GetBytes(big), s_ct);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var fault = Assert.IsType<FaultBody>(reply!.Body).Fault;
        Assert.Equal("EncodingLimit", fault.Subcode?.Name);
        Assert.True(server.Server.Diagnostics.Rejected >= 1);
        using var fresh = server.Client();
        await AssertHealthyAsync(server, fresh);
    }

    [Fact]
    public async Task BeyondHardCap_RefusedByKestrel_ServerHealthy()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxEnvelopeSize = 16 * 1024 });
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + TestServer.AlicePassword)));
        // Chunked (no Content-Length), far beyond the 1 MiB hard cap.
        var stream = new StreamContent(new RepeatStream(8 * 1024 * 1024));
        stream.Headers.TryAddWithoutValidation("Content-Type", "application/soap+xml;charset=UTF-8");
        try
        {
            using var response = await http.PostAsync(server.Endpoint, stream, s_ct);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The server closed the connection mid-upload: also a refusal.
        }
        using var client = server.Client();
        await AssertHealthyAsync(server, client);
    }

    [Fact]
    public async Task WrongContentType_400_NotParsed()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var (status, _) = await client.SendRawAsync(Encoding.UTF8.GetBytes(Head + "1" + Tail), s_ct, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        await AssertHealthyAsync(server, client);
    }

    [Fact]
    public async Task UnknownMustUnderstandHeader_MustUnderstandFault()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var envelope = Head.Replace("<s:Header>", """<s:Header><z:Strange xmlns:z="urn:strange" s:mustUnderstand="true">1</z:Strange>""", StringComparison.Ordinal) + "1" + Tail;
        var (status, reply) = await client.SendRawAsync(Encoding.UTF8.GetBytes(envelope), s_ct);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(WsManFaultCode.MustUnderstand, Assert.IsType<FaultBody>(reply!.Body).Fault.Code);
    }

    [Fact]
    public async Task TooManyOutstandingOperations_QuotaLimitFault_ThenRecovers()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxOperationsPerClient = 3 }, items: 1000);
        using var client = server.Client();
        var contexts = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var er = (EnumerateResponseBody)await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Enumerate), new EnumerateBody(), s_ct);
            contexts.Add(er.Context!);
        }
        // Three open contexts hold the client's three slots: the next request of any kind is refused.
        var fault = await client.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Enumerate), new EnumerateBody(), s_ct);
        Assert.Equal("QuotaLimit", fault.Subcode?.Name);
        // Another user is a different client.
        using var carol = server.Client("carol");
        Assert.IsType<ObjectBody>(await carol.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Get) with { Selectors = [new WsManSelector("Id", "1")] }, WsManEmptyBody.Instance, s_ct));
        // At the limit, Release still works and frees a slot.
        Assert.IsType<WsManEmptyBody>(await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Release), new ReleaseBody(contexts[0]), s_ct));
        Assert.IsType<EnumerateResponseBody>(await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Enumerate), new EnumerateBody(), s_ct));
        Assert.Equal(3, server.Server.Diagnostics.Enumerations);
    }

    [Fact]
    public async Task RequestRateLimit_QuotaLimitFault()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxRequestsPerSecond = 1, RequestBurst = 3 });
        using var client = server.Client();
        var get = WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Get) with { Selectors = [new WsManSelector("Id", "1")] };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.SendAsync(get, WsManEmptyBody.Instance, s_ct)).Status);
        }
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.InternalServerError, statuses);
    }

    [Fact]
    public async Task RequestRateLimitExhausted_ReleaseStillPasses_AndFreesTheContext()
    {
        // Issue #6: a client at its limit must still be able to cancel what it holds.
        await using var server = await TestServer.StartAsync(o => o with { MaxRequestsPerSecond = 0.01, RequestBurst = 2 }, items: 1000);
        using var client = server.Client();
        var er = (EnumerateResponseBody)await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Enumerate), new EnumerateBody(), s_ct);
        var get = WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Get) with { Selectors = [new WsManSelector("Id", "1")] };
        await client.SendAsync(get, WsManEmptyBody.Instance, s_ct);
        var fault = await client.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Enumerate), new EnumerateBody(), s_ct);
        Assert.Equal("QuotaLimit", fault.Subcode?.Name);
        Assert.Equal(1, server.Server.Diagnostics.Enumerations);
        Assert.IsType<WsManEmptyBody>(await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.ItemUri, WsManActions.Release), new ReleaseBody(er.Context!), s_ct));
        Assert.Equal(0, server.Server.Diagnostics.Enumerations);
        // Anything else is still refused.
        fault = await client.FaultAsync(get, WsManEmptyBody.Instance, s_ct);
        Assert.Equal("QuotaLimit", fault.Subcode?.Name);
    }

    /// <summary>A read-only stream of <c>length</c> bytes of 'A'.</summary>
    private sealed class RepeatStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            buffer.AsSpan(offset, n).Fill((byte)'A');
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

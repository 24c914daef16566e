using System.Net;
using System.Text;
using System.Text.Json;
using Wmix.Cim;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Tests.Support;

namespace Wmix.Remote.Server.Tests;

public sealed class DispatchTests
{
    private static readonly CancellationToken s_ct = TestContext.Current.CancellationToken;

    private static WsManHeaders ItemHeaders(string action, uint? id = null)
    {
        var h = WsmanTestClient.Headers(WsmanTestClient.ItemUri, action);
        return id is { } i ? h with { Selectors = [new WsManSelector("Id", i.ToString(System.Globalization.CultureInfo.InvariantCulture))] } : h;
    }

    [Fact]
    public async Task Identify_Authenticated_ReportsVendorVersionAndProfiles()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var body = Assert.IsType<IdentifyResponseBody>(await client.CallAsync(new WsManHeaders(), new IdentifyBody(), s_ct));
        Assert.Equal("Wmix", body.ProductVendor);
        Assert.NotNull(body.ProductVersion);
        Assert.NotEmpty(body.SecurityProfiles);
        Assert.True(body.FaultIncludesCimError);
    }

    [Fact]
    public async Task Identify_UnauthenticatedWithHeader_AnswersWithoutVersion_AndNeverTouchesTheEngine()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var envelope = WsManWriter.ToBytes(new WsManEnvelope(new WsManHeaders(), new IdentifyBody()), new CimXmlWriteOptions(@"root\cimv2"));
        var calls = server.Server.Diagnostics.EngineCalls;
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Endpoint) { Content = new ByteArrayContent(envelope) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/soap+xml;charset=UTF-8");
        request.Headers.Add("WSMANIDENTIFY", "unauthenticated");
        using var response = await http.SendAsync(request, s_ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = WsManReader.Read(await response.Content.ReadAsByteArrayAsync(s_ct), new CimXmlReadContext(null));
        var body = Assert.IsType<IdentifyResponseBody>(reply.Body);
        Assert.Null(body.ProductVersion);
        Assert.Empty(body.SecurityProfiles);
        Assert.Equal(calls, server.Server.Diagnostics.EngineCalls);
    }

    [Fact]
    public async Task AnyRequest_WithoutCredentials_401WithChallenge_NeverReachesEngine()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        var before = server.Server.Diagnostics;
        var envelope = WsManWriter.ToBytes(new WsManEnvelope(ItemHeaders(WsManActions.Enumerate), new EnumerateBody()), new CimXmlWriteOptions(@"root\cimv2"));
        for (var i = 0; i < 5; i++)
        {
            using var content = new ByteArrayContent(envelope);
            content.Headers.TryAddWithoutValidation("Content-Type", "application/soap+xml;charset=UTF-8");
            using var response = await http.PostAsync(server.Endpoint, content, s_ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        var after = server.Server.Diagnostics;
        Assert.Equal(before.EngineCalls, after.EngineCalls);
        Assert.Equal(0, server.Items.Enumerations);
        Assert.Equal(before.AuthFailures + 5, after.AuthFailures);
    }

    [Fact]
    public async Task WrongPassword_401_AuditedAndEngineUntouched()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client("alice", "wrong");
        var calls = server.Server.Diagnostics.EngineCalls;
        var (status, reply) = await client.SendAsync(ItemHeaders(WsManActions.Get, 1), WsManEmptyBody.Instance, s_ct);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Null(reply);
        Assert.Equal(calls, server.Server.Diagnostics.EngineCalls);
        var line = Assert.Single(server.AuditLines());
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("auth", doc.RootElement.GetProperty("action").GetString());
        Assert.Equal("alice", doc.RootElement.GetProperty("user").GetString());
        Assert.StartsWith("127.0.0.1:", doc.RootElement.GetProperty("remote").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ByKeySelector_ReturnsTypedInstance()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var body = Assert.IsType<ObjectBody>(await client.CallAsync(ItemHeaders(WsManActions.Get, 7), WsManEmptyBody.Instance, s_ct));
        Assert.Equal("Test_Item", body.Value.ClassName);
        Assert.Equal("item7", body.Value["Name"]);
        Assert.Equal("70", Convert.ToString(body.Value["Size"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Get_DmtfResourceUriWithNamespaceSelector_Works()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var h = WsmanTestClient.Headers("http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/Test_Item", WsManActions.Get) with
        {
            Selectors = [new WsManSelector("__cimnamespace", "root/cimv2"), new WsManSelector("Id", "3")],
        };
        var body = Assert.IsType<ObjectBody>(await client.CallAsync(h, WsManEmptyBody.Instance, s_ct));
        Assert.Equal("item3", body.Value["Name"]);
    }

    [Fact]
    public async Task Get_Missing_DestinationUnreachableWithNotFoundCode()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var fault = await client.FaultAsync(ItemHeaders(WsManActions.Get, 999), WsManEmptyBody.Instance, s_ct);
        Assert.Equal("DestinationUnreachable", fault.Subcode?.Name);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, fault.ToWbemError());
    }

    [Fact]
    public async Task Get_UnknownNamespace_FaultsWithInvalidNamespace()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client("root-less-alice");
        var (status, _) = await client.SendAsync(ItemHeaders(WsManActions.Get, 1), WsManEmptyBody.Instance, s_ct);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        using var alice = server.Client();
        var h = WsmanTestClient.Headers("http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/nothere/Test_Item", WsManActions.Get) with
        {
            Selectors = [new WsManSelector("Id", "1")],
        };
        var fault = await alice.FaultAsync(h, WsManEmptyBody.Instance, s_ct);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, fault.ToWbemError());
    }

    [Fact]
    public async Task EnumeratePull_WqlFilter_AllMatchingItemsInBatches()
    {
        await using var server = await TestServer.StartAsync(items: 250);
        using var client = server.Client();
        var items = await client.EnumerateAllAsync(WsmanTestClient.AllUri, new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Item WHERE Size >= 1000"), batch: 17, ct: s_ct);
        Assert.Equal(150, items.Count);
        Assert.Equal(Enumerable.Range(100, 150).Select(i => "item" + i), items.Select(i => (string)i["Name"]!));
        Assert.Equal(0, server.Server.Diagnostics.Enumerations);
    }

    [Fact]
    public async Task Enumerate_NotOptimized_ReturnsContextThenPullsEverything()
    {
        await using var server = await TestServer.StartAsync(items: 5);
        using var client = server.Client();
        var er = Assert.IsType<EnumerateResponseBody>(await client.CallAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody(), s_ct));
        Assert.Empty(er.Items);
        Assert.False(string.IsNullOrEmpty(er.Context));
        var pr = Assert.IsType<PullResponseBody>(await client.CallAsync(ItemHeaders(WsManActions.Pull), new PullBody(er.Context!, 100), s_ct));
        Assert.Equal(5, pr.Items.Count);
        Assert.True(pr.EndOfSequence);
        var fault = await client.FaultAsync(ItemHeaders(WsManActions.Pull), new PullBody(er.Context!, 100), s_ct);
        Assert.Equal("InvalidEnumerationContext", fault.Subcode?.Name);
    }

    [Fact]
    public async Task Enumerate_BadWql_CannotProcessFilter()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var fault = await client.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Enumerate),
            new EnumerateBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELEKT * FROM") }, s_ct);
        Assert.Equal("CannotProcessFilter", fault.Subcode?.Name);
        Assert.Equal(0, server.Server.Diagnostics.Enumerations);
        var unknownClass = await client.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Enumerate),
            new EnumerateBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM No_Such_Class") }, s_ct);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, unknownClass.ToWbemError());
    }

    [Fact]
    public async Task Enumerate_UnknownDialect_FilterDialectRequestedUnavailable()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var fault = await client.FaultAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody { Filter = new WsManQueryFilter("urn:xpath", "//x") }, s_ct);
        Assert.Equal("FilterDialectRequestedUnavailable", fault.Subcode?.Name);
    }

    [Fact]
    public async Task Pull_MaxEnvelopeSizeSmall_SplitsBatchesAndLosesNothing()
    {
        await using var server = await TestServer.StartAsync(items: 200);
        using var client = server.Client();
        var er = Assert.IsType<EnumerateResponseBody>(await client.CallAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody(), s_ct));
        var context = er.Context;
        var names = new List<string>();
        while (!string.IsNullOrEmpty(context))
        {
            var (status, reply) = await client.SendAsync(ItemHeaders(WsManActions.Pull) with { MaxEnvelopeSize = 8192 }, new PullBody(context, 1000), s_ct);
            Assert.Equal(HttpStatusCode.OK, status);
            var pr = Assert.IsType<PullResponseBody>(reply!.Body);
            Assert.True(pr.Items.Count < 200);
            names.AddRange(pr.Items.Select(i => (string)i["Name"]!));
            context = pr.EndOfSequence ? null : pr.Context;
        }
        Assert.Equal(Enumerable.Range(0, 200).Select(i => "item" + i), names);
    }

    [Fact]
    public async Task Release_MidEnumeration_CancelsTheProviderAndFreesEverything()
    {
        await using var server = await TestServer.StartAsync(items: 1_000_000);
        server.Items.Delay = TimeSpan.FromMilliseconds(1);
        using var client = server.Client();
        var er = Assert.IsType<EnumerateResponseBody>(await client.CallAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody { OptimizeEnumeration = true, MaxElements = 2 }, s_ct));
        Assert.InRange(er.Items.Count, 1, 2); // the optimized batch holds what is ready, up to MaxElements
        Assert.Equal(1, server.Server.Diagnostics.Enumerations);
        Assert.True(server.Server.Diagnostics.LiveOperations >= 1);
        Assert.IsType<WsManEmptyBody>(await client.CallAsync(ItemHeaders(WsManActions.Release), new ReleaseBody(er.Context!), s_ct));
        await Eventually.TrueAsync(() => server.Server.Diagnostics.LiveOperations == 0 && server.Items.Active == 0);
        Assert.Equal(0, server.Server.Diagnostics.Enumerations);
        Assert.Equal(1, server.Items.CancellationsObserved);
        var fault = await client.FaultAsync(ItemHeaders(WsManActions.Release), new ReleaseBody(er.Context!), s_ct);
        Assert.Equal("InvalidEnumerationContext", fault.Subcode?.Name);
    }

    [Fact]
    public async Task ClientVanishesMidEnumeration_ContextExpires_ProviderCancelled_CountsReturnToZero()
    {
        await using var server = await TestServer.StartAsync(o => o with { EnumerationIdleTimeout = TimeSpan.FromMilliseconds(500) }, items: 1_000_000);
        server.Items.Delay = TimeSpan.FromMilliseconds(1);
        using var client = server.Client();
        for (var i = 0; i < 5; i++)
        {
            await client.CallAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody { OptimizeEnumeration = true, MaxElements = 1 }, s_ct);
        }
        Assert.Equal(5, server.Server.Diagnostics.Enumerations);
        // The client never pulls again and never releases.
        await Eventually.TrueAsync(() => server.Server.Diagnostics is { Enumerations: 0, LiveOperations: 0 } && server.Items.Active == 0);
        Assert.Equal(5, server.Server.Diagnostics.ExpiredContexts);
        Assert.Equal(5, server.Items.CancellationsObserved);
    }

    [Fact]
    public async Task Pull_ContextOfAnotherUser_Invalid()
    {
        await using var server = await TestServer.StartAsync(items: 100);
        using var alice = server.Client();
        using var carol = server.Client("carol");
        var er = Assert.IsType<EnumerateResponseBody>(await alice.CallAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody(), s_ct));
        var fault = await carol.FaultAsync(ItemHeaders(WsManActions.Pull), new PullBody(er.Context!, 5), s_ct);
        Assert.Equal("InvalidEnumerationContext", fault.Subcode?.Name);
        var release = await carol.FaultAsync(ItemHeaders(WsManActions.Release), new ReleaseBody(er.Context!), s_ct);
        Assert.Equal("InvalidEnumerationContext", release.Subcode?.Name);
        Assert.Equal(1, server.Server.Diagnostics.Enumerations);
    }

    [Fact]
    public async Task Invoke_MethodWithParameters_ReturnsOutputAndIsAudited()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var cls = (CimClass)(await client.CallAsync(WsmanTestClient.Headers(WsManResource.ClassDefinitionUri, WsManActions.Get) with
        {
            Selectors = [new WsManSelector("__cimnamespace", "root/cimv2"), new WsManSelector("ClassName", "Test_Item")],
        }, WsManEmptyBody.Instance, s_ct) as ObjectBody)!.Value;
        var input = cls.Methods.First(m => m.Name == "Double").InParameters!.SpawnInstance();
        input["Value"] = 21u;
        var h = ItemHeaders(WsManActions.Invoke(WsmanTestClient.ItemUri, "Double"), 2);
        var body = Assert.IsType<MethodParametersBody>(await client.CallAsync(h, new MethodParametersBody("Test_Item", "Double", false, input), s_ct));
        Assert.True(body.IsOutput);
        Assert.Equal("42", Convert.ToString(body.Parameters!["Result"], System.Globalization.CultureInfo.InvariantCulture));
        var line = Assert.Single(server.AuditLines());
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("invoke", doc.RootElement.GetProperty("action").GetString());
        Assert.Contains("Double", doc.RootElement.GetProperty("target").GetString(), StringComparison.Ordinal);
        Assert.Equal("0x00000000", doc.RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Invoke_StaticMethod_NoSelectors()
    {
        await using var server = await TestServer.StartAsync(items: 12);
        using var client = server.Client();
        var body = Assert.IsType<MethodParametersBody>(await client.CallAsync(ItemHeaders(WsManActions.Invoke(WsmanTestClient.ItemUri, "Count")),
            new MethodParametersBody("Test_Item", "Count", false, null), s_ct));
        Assert.Equal("12", Convert.ToString(body.Parameters!["ReturnValue"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Invoke_UnknownMethod_FaultsWithInvalidMethod()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var fault = await client.FaultAsync(ItemHeaders(WsManActions.Invoke(WsmanTestClient.ItemUri, "Nope"), 1),
            new MethodParametersBody("Test_Item", "Nope", false, null), s_ct);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidMethod, fault.ToWbemError());
    }

    [Fact]
    public async Task PutCreateDelete_ChangeTheProviderAndAreAudited()
    {
        await using var server = await TestServer.StartAsync(items: 10);
        using var client = server.Client();
        var get = Assert.IsType<ObjectBody>(await client.CallAsync(ItemHeaders(WsManActions.Get, 4), WsManEmptyBody.Instance, s_ct));
        var changed = get.Value.Clone();
        changed["Name"] = "renamed";
        Assert.IsType<WsManEmptyBody>(await client.CallAsync(ItemHeaders(WsManActions.Put, 4), new ObjectBody(changed), s_ct));
        Assert.Equal("renamed", server.Items.Stored[4]);

        var fresh = changed.Clone();
        fresh["Id"] = 5u;
        fresh["Name"] = "created";
        var created = Assert.IsType<ResourceCreatedBody>(await client.CallAsync(ItemHeaders(WsManActions.Create), new ObjectBody(fresh), s_ct));
        Assert.Contains(created.Reference.Selectors, s => s.Name == "Id" && s.Value == "5");

        Assert.IsType<WsManEmptyBody>(await client.CallAsync(ItemHeaders(WsManActions.Delete, 9), WsManEmptyBody.Instance, s_ct));
        Assert.Equal(9, server.Items.Count);

        var actions = server.AuditLines().Select(l => JsonDocument.Parse(l).RootElement.GetProperty("action").GetString()).ToArray();
        Assert.Equal(["put", "create", "delete"], actions);
    }

    [Fact]
    public async Task UserWithoutRights_AccessDeniedFaultWithWmiCode_Audited_EngineUntouched()
    {
        await using var server = await TestServer.StartAsync();
        using var bob = server.Client("bob");
        var before = server.Items.Enumerations;
        var fault = await bob.FaultAsync(ItemHeaders(WsManActions.Enumerate), new EnumerateBody(), s_ct);
        Assert.Equal("AccessDenied", fault.Subcode?.Name);
        Assert.Equal(WsManFaultCode.Sender, fault.Code);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, fault.WmiError);
        Assert.Equal(2u, fault.CimStatusCode);
        Assert.Equal(before, server.Items.Enumerations);
        var line = Assert.Single(server.AuditLines());
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("denied", doc.RootElement.GetProperty("action").GetString());
        Assert.Equal("0x80041003", doc.RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public async Task ReadOnlyGroupMember_MayReadButNotInvokeWriteOrSubscribe()
    {
        await using var server = await TestServer.StartAsync();
        using var carol = server.Client("carol");
        Assert.IsType<ObjectBody>(await carol.CallAsync(ItemHeaders(WsManActions.Get, 1), WsManEmptyBody.Instance, s_ct));
        var invoke = await carol.FaultAsync(ItemHeaders(WsManActions.Invoke(WsmanTestClient.ItemUri, "Count")), new MethodParametersBody("Test_Item", "Count", false, null), s_ct);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, invoke.ToWbemError());
        var delete = await carol.FaultAsync(ItemHeaders(WsManActions.Delete, 1), WsManEmptyBody.Instance, s_ct);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, delete.ToWbemError());
        var subscribe = await carol.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Subscribe),
            new SubscribeBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Tick") }, s_ct);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, subscribe.ToWbemError());
        Assert.Equal(10, server.Items.Count);
    }

    [Fact]
    public async Task SubscribePull_EventsArriveHeartbeatsKeepItAlive_UnsubscribeClosesTheFeed()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var sr = Assert.IsType<SubscribeResponseBody>(await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Subscribe),
            new SubscribeBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Tick"), Heartbeats = TimeSpan.FromMilliseconds(300), SendBookmarks = true }, s_ct));
        Assert.NotNull(sr.Context);
        Assert.Equal(1, server.Server.Diagnostics.Subscriptions);
        await Eventually.TrueAsync(() => server.Ticks.IsOpen);

        // Heartbeat: nothing raised, the Pull comes back empty after ~300 ms with the context kept.
        var (status, heartbeat) = await client.SendAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Pull), new PullBody(sr.Context!, 10), s_ct);
        Assert.Equal(HttpStatusCode.OK, status);
        var hb = Assert.IsType<PullResponseBody>(heartbeat!.Body);
        Assert.Empty(hb.Items);
        Assert.False(hb.EndOfSequence);

        var pull = client.SendAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Pull, TimeSpan.FromSeconds(20)), new PullBody(sr.Context!, 10), s_ct);
        await Task.Delay(50, s_ct);
        server.Ticks.Raise(1, "one");
        var (s2, r2) = await pull;
        Assert.Equal(HttpStatusCode.OK, s2);
        var events = Assert.IsType<PullResponseBody>(r2!.Body);
        var evt = Assert.Single(events.Items);
        Assert.Equal("Test_Tick", evt.ClassName);
        Assert.Equal("one", evt["Text"]);
        Assert.StartsWith("wmix:", r2.Headers.Bookmark, StringComparison.Ordinal);

        var unsubscribe = WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Unsubscribe) with { SubscriptionIdentifier = sr.SubscriptionManager.Identifier };
        Assert.IsType<WsManEmptyBody>(await client.CallAsync(unsubscribe, UnsubscribeBody.Instance, s_ct));
        await Eventually.TrueAsync(() => !server.Ticks.IsOpen && server.Server.Diagnostics is { Subscriptions: 0, LiveOperations: 0 });
        var fault = await client.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Pull), new PullBody(sr.Context!, 10), s_ct);
        Assert.Equal("InvalidEnumerationContext", fault.Subcode?.Name);
    }

    [Fact]
    public async Task ClientVanishesFromSubscription_EndedAfterMissedHeartbeats_FeedClosed()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        for (var i = 0; i < 3; i++)
        {
            await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Subscribe),
                new SubscribeBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Tick"), Heartbeats = TimeSpan.FromMilliseconds(200) }, s_ct);
        }
        Assert.Equal(3, server.Server.Diagnostics.Subscriptions);
        await Eventually.TrueAsync(() => server.Ticks.IsOpen);
        await Eventually.TrueAsync(() => server.Server.Diagnostics is { Subscriptions: 0, LiveOperations: 0 } && !server.Ticks.IsOpen);
        Assert.Equal(3, server.Server.Diagnostics.ExpiredContexts);
    }

    [Fact]
    public async Task Renew_ExtendsSubscription_UnknownFaultsUnableToRenew()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var sr = Assert.IsType<SubscribeResponseBody>(await client.CallAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Subscribe),
            new SubscribeBody { Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Tick"), Expires = TimeSpan.FromMinutes(1) }, s_ct));
        var renew = WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Renew) with { SubscriptionIdentifier = sr.SubscriptionManager.Identifier };
        var body = Assert.IsType<RenewBody>(await client.CallAsync(renew, new RenewBody(TimeSpan.FromMinutes(10)), s_ct));
        Assert.Equal(TimeSpan.FromMinutes(10), body.Expires);
        var unknown = await client.FaultAsync(renew with { SubscriptionIdentifier = "uuid:nope" }, new RenewBody(TimeSpan.FromMinutes(10)), s_ct);
        Assert.Equal("UnableToRenew", unknown.Subcode?.Name);
    }

    [Fact]
    public async Task Subscribe_PushMode_DeliveryModeRequestedUnavailable()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var fault = await client.FaultAsync(WsmanTestClient.Headers(WsmanTestClient.AllUri, WsManActions.Subscribe),
            new SubscribeBody { DeliveryMode = WsManUris.PushDeliveryMode, Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Test_Tick") }, s_ct);
        Assert.Equal("DeliveryModeRequestedUnavailable", fault.Subcode?.Name);
        Assert.Equal(0, server.Server.Diagnostics.Subscriptions);
    }

    [Fact]
    public async Task UnknownAction_ActionNotSupported()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.Client();
        var fault = await client.FaultAsync(WsmanTestClient.Headers("http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd", "http://schemas.xmlsoap.org/ws/2004/09/transfer/Bogus"), WsManEmptyBody.Instance, s_ct);
        Assert.NotNull(fault.Subcode);
    }
}

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until true, failing after a generous 30 s (loaded machines).</summary>
    public static async Task TrueAsync(Func<bool> condition, int timeoutMs = 30_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}

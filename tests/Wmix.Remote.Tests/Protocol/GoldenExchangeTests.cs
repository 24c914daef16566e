using System.Text;
using Wmix.Cim;
using Wmix.Remote.Protocol;
using Wmix.Remote.Tests.Support;

namespace Wmix.Remote.Tests.Protocol;

/// <summary>The composed example exchanges of spec §1.11: each is read, and the ones Wmix sends are written byte-equivalent.</summary>
public sealed class GoldenExchangeTests
{
    private const string To = "https://srv1.example.net:5986/wsman";
    private const string AllClasses = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*";
    private static readonly CimXmlWriteOptions s_write = new(@"root\cimv2");

    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name + ".xml"));

    private static WsManEnvelope ReadGolden(string name, ICimClassResolver? classes = null) =>
        WsManReader.Read(Encoding.UTF8.GetBytes(Golden(name)), new CimXmlReadContext(null, classes));

    private static string Write(WsManEnvelope envelope) => Encoding.UTF8.GetString(WsManWriter.ToBytes(envelope, s_write));

    private static WsManHeaders RequestHeaders(string action, string messageId, string timeout = "60", bool locale = true, bool dataLocale = false) => new()
    {
        To = To,
        ResourceUri = AllClasses,
        ReplyTo = WsManUris.Anonymous,
        Action = action,
        MaxEnvelopeSize = 512000,
        MessageId = messageId,
        Locale = locale ? "en-US" : null,
        DataLocale = dataLocale ? "en-US" : null,
        OperationTimeout = TimeSpan.FromSeconds(int.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Fact]
    public void Write_EnumerateA1_MatchesSpec()
    {
        var env = new WsManEnvelope(RequestHeaders(WsManActions.Enumerate, "uuid:0B6E2C71-5A3D-4F0E-9C1B-3D2A7F5E8101", dataLocale: true),
            new EnumerateBody
            {
                OptimizeEnumeration = true,
                MaxElements = 2,
                Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM Win32_Process WHERE Name = 'bash'"),
            });
        XmlCompare.AssertEquivalent(Golden("A1"), Write(env));
    }

    [Fact]
    public void Read_EnumerateA1_GivesFilterAndHeaders()
    {
        var env = ReadGolden("A1");
        Assert.Equal(WsManActions.Enumerate, env.Headers.Action);
        Assert.Equal(AllClasses, env.Headers.ResourceUri);
        Assert.Equal(TimeSpan.FromSeconds(60), env.Headers.OperationTimeout);
        Assert.Equal(512000, env.Headers.MaxEnvelopeSize);
        Assert.Equal("en-US", env.Headers.Locale);
        Assert.Equal("en-US", env.Headers.DataLocale);
        Assert.Empty(env.Headers.NotUnderstood);
        var body = Assert.IsType<EnumerateBody>(env.Body);
        Assert.True(body.OptimizeEnumeration);
        Assert.Equal(2, body.MaxElements);
        var filter = Assert.IsType<WsManQueryFilter>(body.Filter);
        Assert.Equal(WsManUris.WqlDialect, filter.Dialect);
        Assert.Equal("SELECT * FROM Win32_Process WHERE Name = 'bash'", filter.Text);
    }

    [Fact]
    public void Read_EnumerateResponseA2WithClass_TypesValues()
    {
        var env = ReadGolden("A2", new DictionaryResolver(TestClasses.Process));
        Assert.Equal("uuid:0B6E2C71-5A3D-4F0E-9C1B-3D2A7F5E8101", env.Headers.RelatesTo);
        var body = Assert.IsType<EnumerateResponseBody>(env.Body);
        Assert.Equal("uuid:7D3C9E12-8B4A-4C6D-A1E0-5F2B9C8D0001", body.Context);
        Assert.False(body.EndOfSequence);
        Assert.Equal(2, body.Items.Count);
        var first = body.Items[0];
        Assert.Equal("Win32_Process", first.ClassName);
        Assert.Equal(@"root\cimv2", first.Namespace);
        Assert.Equal(1201u, first["ProcessId"]);
        Assert.Equal("1201", first["Handle"]);
        Assert.Null(first["CommandLine"]);
        Assert.Equal("Win32_Process.Handle=\"1201\"", first.RelativePath);
        Assert.Equal(1377u, body.Items[1]["ProcessId"]);
    }

    [Fact]
    public void Read_EnumerateResponseA2WithoutClass_GivesStrings()
    {
        var body = Assert.IsType<EnumerateResponseBody>(ReadGolden("A2").Body);
        Assert.Equal("1201", body.Items[0]["ProcessId"]);
        Assert.Equal("bash", body.Items[0]["Name"]);
    }

    [Fact]
    public void Write_EnumerateResponseA2_MatchesSpec()
    {
        var request = ReadGolden("A1").Headers;
        var headers = WsManMessages.Reply(request, WsManActions.EnumerateResponse) with { MessageId = "uuid:6C1F0A44-0D9E-4B57-8E2A-11D0C3B4A901" };
        var items = new[] { Process(1201), Process(1377) };
        var env = new WsManEnvelope(headers, new EnumerateResponseBody("uuid:7D3C9E12-8B4A-4C6D-A1E0-5F2B9C8D0001", items, false));
        XmlCompare.AssertEquivalent(Golden("A2"), Write(env));
    }

    private static CimObject Process(int pid)
    {
        var cls = new CimClass("Win32_Process");
        cls.AddProperty("Handle", CimType.String, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("ProcessId", CimType.UInt32);
        cls.Freeze();
        var p = cls.SpawnInstance();
        p["Handle"] = pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        p["Name"] = "bash";
        p["ProcessId"] = (uint)pid;
        return p;
    }

    [Theory]
    [InlineData("A3", "uuid:0B6E2C71-5A3D-4F0E-9C1B-3D2A7F5E8102", "uuid:7D3C9E12-8B4A-4C6D-A1E0-5F2B9C8D0001")]
    [InlineData("A5", "uuid:0B6E2C71-5A3D-4F0E-9C1B-3D2A7F5E8103", "uuid:7D3C9E12-8B4A-4C6D-A1E0-5F2B9C8D0002")]
    public void Write_PullA3A5_MatchesSpec(string name, string messageId, string context)
    {
        var env = new WsManEnvelope(RequestHeaders(WsManActions.Pull, messageId), new PullBody(context, 2));
        XmlCompare.AssertEquivalent(Golden(name), Write(env));
        var back = Assert.IsType<PullBody>(ReadGolden(name).Body);
        Assert.Equal(context, back.Context);
        Assert.Equal(2, back.MaxElements);
    }

    [Fact]
    public void Read_PullResponseA4_RotatesContext()
    {
        var body = Assert.IsType<PullResponseBody>(ReadGolden("A4", new DictionaryResolver(TestClasses.Process)).Body);
        Assert.Equal("uuid:7D3C9E12-8B4A-4C6D-A1E0-5F2B9C8D0002", body.Context);
        Assert.Equal([1502u, 1644u], body.Items.Select(i => (uint)i["ProcessId"]!));
        Assert.False(body.EndOfSequence);
    }

    [Fact]
    public void Write_ReleaseA6_MatchesSpec()
    {
        var env = new WsManEnvelope(RequestHeaders(WsManActions.Release, "uuid:0B6E2C71-5A3D-4F0E-9C1B-3D2A7F5E8104", "10", locale: false),
            new ReleaseBody("uuid:7D3C9E12-8B4A-4C6D-A1E0-5F2B9C8D0003"));
        XmlCompare.AssertEquivalent(Golden("A6"), Write(env));
    }

    [Fact]
    public void Read_ReleaseResponseA7_IsEmpty()
    {
        var env = ReadGolden("A7");
        Assert.Equal(WsManActions.ReleaseResponse, env.Headers.Action);
        Assert.IsType<WsManEmptyBody>(env.Body);
    }

    [Fact]
    public void Write_SubscribeB1_MatchesSpec()
    {
        var env = new WsManEnvelope(RequestHeaders(WsManActions.Subscribe, "uuid:3E9A5B20-77C1-4D8E-B0F3-2A6C1D9E7201"),
            new SubscribeBody
            {
                Heartbeats = TimeSpan.FromSeconds(30),
                Locale = "en-US",
                ContentEncoding = "UTF-8",
                Expires = TimeSpan.FromHours(1),
                Filter = new WsManQueryFilter(WsManUris.WqlDialect, "SELECT * FROM __InstanceCreationEvent WITHIN 2 WHERE TargetInstance ISA 'Win32_Process'"),
                SendBookmarks = true,
            });
        XmlCompare.AssertEquivalent(Golden("B1"), Write(env));
    }

    [Fact]
    public void Read_SubscribeB1_GivesPullDelivery()
    {
        var body = Assert.IsType<SubscribeBody>(ReadGolden("B1").Body);
        Assert.Equal(WsManUris.PullDeliveryMode, body.DeliveryMode);
        Assert.Equal(TimeSpan.FromSeconds(30), body.Heartbeats);
        Assert.Equal(TimeSpan.FromHours(1), body.Expires);
        Assert.True(body.SendBookmarks);
        Assert.Null(body.Bookmark);
        Assert.Contains("__InstanceCreationEvent", Assert.IsType<WsManQueryFilter>(body.Filter).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_SubscribeResponseB2_GivesIdentifierAndContext()
    {
        var body = Assert.IsType<SubscribeResponseBody>(ReadGolden("B2").Body);
        Assert.Equal("uuid:5F0C2B7E-1A9D-4E3F-8C6B-D4E5F6A7B801", body.SubscriptionManager.Identifier);
        Assert.Equal(AllClasses, body.SubscriptionManager.ResourceUri);
        Assert.Equal("uuid:5F0C2B7E-1A9D-4E3F-8C6B-D4E5F6A7B801", body.Context);
        Assert.Equal(TimeSpan.FromHours(1), body.Expires);
    }

    [Fact]
    public void Write_SubscribeResponseB2_MatchesSpec()
    {
        var request = ReadGolden("B1").Headers;
        var headers = WsManMessages.Reply(request, WsManActions.SubscribeResponse) with { MessageId = "uuid:A41D6F02-2C3B-4E5A-8D7F-90B1C2D3E401" };
        var manager = new WsManEndpointReference(To, AllClasses, [], "uuid:5F0C2B7E-1A9D-4E3F-8C6B-D4E5F6A7B801");
        var env = new WsManEnvelope(headers, new SubscribeResponseBody(manager, TimeSpan.FromHours(1), "uuid:5F0C2B7E-1A9D-4E3F-8C6B-D4E5F6A7B801"));
        XmlCompare.AssertEquivalent(Golden("B2"), Write(env));
    }

    [Fact]
    public void Read_PullResponseB4_GivesEmbeddedTargetInstanceAndBookmark()
    {
        var env = ReadGolden("B4", new DictionaryResolver(TestClasses.CreationEvent, TestClasses.Process));
        Assert.Equal("5F0C2B7E:000000000001", env.Headers.Bookmark);
        var body = Assert.IsType<PullResponseBody>(env.Body);
        var ev = Assert.Single(body.Items);
        Assert.Equal("__InstanceCreationEvent", ev.ClassName);
        Assert.Null(ev["SECURITY_DESCRIPTOR"]);
        Assert.Equal(134079457020000000ul, ev["TIME_CREATED"]);
        var target = Assert.IsAssignableFrom<CimObject>(ev["TargetInstance"]);
        Assert.Equal("Win32_Process", target.ClassName);
        Assert.Equal(4242u, target["ProcessId"]);
        Assert.Equal("sleep", target["Name"]);
    }

    [Fact]
    public void Read_PullResponseB4WithoutClasses_StillGivesTheEmbeddedObject()
    {
        var body = Assert.IsType<PullResponseBody>(ReadGolden("B4").Body);
        var target = Assert.IsAssignableFrom<CimObject>(Assert.Single(body.Items)["TargetInstance"]);
        Assert.Equal("4242", target["ProcessId"]);
    }

    [Fact]
    public void Write_UnsubscribeB5_MatchesSpec()
    {
        var headers = RequestHeaders(WsManActions.Unsubscribe, "uuid:3E9A5B20-77C1-4D8E-B0F3-2A6C1D9E7203", "10", locale: false)
            with { SubscriptionIdentifier = "uuid:5F0C2B7E-1A9D-4E3F-8C6B-D4E5F6A7B801" };
        XmlCompare.AssertEquivalent(Golden("B5"), Write(new WsManEnvelope(headers, UnsubscribeBody.Instance)));
        Assert.Equal("uuid:5F0C2B7E-1A9D-4E3F-8C6B-D4E5F6A7B801", ReadGolden("B5").Headers.SubscriptionIdentifier);
        Assert.IsType<UnsubscribeBody>(ReadGolden("B5").Body);
    }

    [Fact]
    public void Write_InvokeC1_MatchesSpec()
    {
        var input = TestClasses.Process.Methods.Find("Create")!.InParameters!.SpawnInstance();
        input["CommandLine"] = "/usr/bin/sleep 300";
        input["CurrentDirectory"] = "/tmp";
        var resource = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process";
        var headers = RequestHeaders(WsManActions.Invoke(resource, "Create"), "uuid:9D8C7B6A-5F4E-4D3C-B2A1-0F9E8D7C6B01") with { ResourceUri = resource };
        XmlCompare.AssertEquivalent(Golden("C1"), Write(new WsManEnvelope(headers, new MethodParametersBody("Win32_Process", "Create", false, input))));
    }

    [Fact]
    public void Read_InvokeC1_TypesParametersByTheMethod()
    {
        var body = Assert.IsType<MethodParametersBody>(ReadGolden("C1", new DictionaryResolver(TestClasses.Process)).Body);
        Assert.Equal("Win32_Process", body.ClassName);
        Assert.Equal("Create", body.MethodName);
        Assert.False(body.IsOutput);
        Assert.Equal("/usr/bin/sleep 300", body.Parameters!["CommandLine"]);
        Assert.Equal("/tmp", body.Parameters["CurrentDirectory"]);
    }

    [Fact]
    public void Read_InvokeResponseC2_GivesOutParameters()
    {
        var env = ReadGolden("C2", new DictionaryResolver(TestClasses.Process));
        var body = Assert.IsType<MethodParametersBody>(env.Body);
        Assert.True(body.IsOutput);
        Assert.Equal(5120u, body.Parameters!["ProcessId"]);
        Assert.Equal(0u, body.Parameters["ReturnValue"]);
    }

    [Fact]
    public void Read_AccessDeniedD2_MapsToWbemErrAccessDenied()
    {
        var fault = Assert.IsType<FaultBody>(ReadGolden("D2").Body).Fault;
        Assert.Equal(WsManFaultCode.Sender, fault.Code);
        Assert.Equal(WsManSubcode.AccessDenied, fault.Subcode);
        Assert.Equal(5, fault.WindowsCode);
        Assert.Equal(2u, fault.CimStatusCode);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, fault.WmiError);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, fault.ToWbemError());
        Assert.StartsWith("Access to namespace root/security", fault.Reason, StringComparison.Ordinal);
    }
}

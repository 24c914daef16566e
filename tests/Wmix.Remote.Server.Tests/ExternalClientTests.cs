using System.Text.Json;
using Wmix.Remote.Server.Tests.Support;

namespace Wmix.Remote.Server.Tests;

/// <summary>
/// Real clients nobody here wrote, from Debian: Dell's <c>wsl</c> shell scripts (curl + xmllint) and
/// <c>python3-winrm</c>'s transport sending raw WS-Man envelopes, against a real server on 127.0.0.1.
/// </summary>
public sealed class ExternalClientTests : IDisposable
{
    private const string Wsl = "/usr/bin/wsl";
    private const string Python = "/usr/bin/python3";
    private readonly string _dir = Directory.CreateTempSubdirectory("wmix-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? WslMissing =>
        !File.Exists(Wsl) ? "wsl is not installed (Debian package wsl; .ci/packages installs it)"
        : !File.Exists("/usr/bin/uuidgen") ? "uuidgen is not installed (Debian package uuid-runtime)"
        : null;

    private static string? WinrmMissing =>
        !File.Exists(Python) || !Directory.Exists("/usr/lib/python3/dist-packages/winrm") ? "python3-winrm is not installed (.ci/packages installs it)" : null;

    private Dictionary<string, string> WslEnvironment(TestServer server, string user = "alice", string password = TestServer.AlicePassword) => new()
    {
        ["WSENDPOINT"] = "127.0.0.1:" + server.Endpoint.Port,
        ["WSUSER"] = user,
        ["WSPASS"] = password,
        ["WSNOSSL"] = "1",
        ["WSLNOINIT"] = "1",
        ["KEEPHISTORY"] = "0",
        ["OUTLEVEL"] = "1",
        ["WGETTRYNUM"] = "1",
        ["WGETTIMEOUTSECS"] = "30",
        ["OUTPREFIX"] = _dir,
        ["HOME"] = _dir,
    };

    [Fact]
    public async Task Wsl_IdentifyEnumerateGetInvoke_AgainstTheServer()
    {
        Assert.SkipWhen(WslMissing is not null, WslMissing ?? "");
        await using var server = await TestServer.StartAsync(items: 25);
        var env = WslEnvironment(server);

        var (code, output, error) = await ExternalTool.RunAsync(Wsl, ["identify", "check"], _dir, env);
        Assert.True(code == 0, error + output);
        Assert.Contains("<wsmid:ProductVendor>Wmix</wsmid:ProductVendor>", output, StringComparison.Ordinal);

        // Enumerate + Pull loop, optimized, with a WQL filter.
        (code, output, error) = await ExternalTool.RunAsync(Wsl,
            ["enum", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*", "-dialect", "http://schemas.microsoft.com/wbem/wsman/1/WQL",
             "-filter", "SELECT * FROM Test_Item WHERE Id >= 20", "-opti", "2"], _dir, env);
        Assert.True(code == 0, error + output);
        var all = string.Concat(Directory.GetFiles(_dir, "response-*.xml").Select(File.ReadAllText));
        for (var i = 20; i < 25; i++)
        {
            Assert.Contains($"item{i}<", all, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("item19<", all, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.Diagnostics.Enumerations);

        (code, output, error) = await ExternalTool.RunAsync(Wsl, ["get", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item", "Id=7"], _dir, env);
        Assert.True(code == 0, error + output);
        Assert.Contains("item7<", output, StringComparison.Ordinal);

        var epr = Path.Combine(_dir, "item2.xml");
        await File.WriteAllTextAsync(epr, /* lang=xml */ """
            <wsa:EndpointReference>
            <wsa:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:Address>
            <wsa:ReferenceParameters>
            <wsman:ResourceURI>http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item</wsman:ResourceURI>
            <wsman:SelectorSet>
            <wsman:Selector Name="Id">2</wsman:Selector>
            </wsman:SelectorSet>
            </wsa:ReferenceParameters>
            </wsa:EndpointReference>
            """, TestContext.Current.CancellationToken);
        (code, output, error) = await ExternalTool.RunAsync(Wsl,
            ["invoke", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item", "Double", "Value=21", "-inst", epr], _dir, env);
        Assert.True(code == 0, error + output);
        Assert.Contains("Double_OUTPUT", output, StringComparison.Ordinal);
        Assert.Contains(">42<", output, StringComparison.Ordinal);
        Assert.Contains(server.AuditLines(), l => l.Contains("\"invoke\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wsl_WrongPassword_GetsNoData_AndIsAudited()
    {
        Assert.SkipWhen(WslMissing is not null, WslMissing ?? "");
        await using var server = await TestServer.StartAsync();
        var calls = server.Server.Diagnostics.EngineCalls;
        var (_, output, _) = await ExternalTool.RunAsync(Wsl, ["get", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item", "Id=7"], _dir,
            WslEnvironment(server, "alice", "not-her-password"));
        Assert.DoesNotContain("item7", output, StringComparison.Ordinal);
        Assert.Equal(calls, server.Server.Diagnostics.EngineCalls);
        Assert.Contains(server.AuditLines(), l => l.Contains("\"auth\"", StringComparison.Ordinal));
    }

    private const string WinrmScript = """
        import json, sys, uuid
        from xml.etree import ElementTree as ET
        from winrm.protocol import Protocol
        from winrm.exceptions import InvalidCredentialsError, WinRMTransportError

        endpoint, user, password, step = sys.argv[1:5]
        p = Protocol(endpoint=endpoint, transport='basic', username=user, password=password, server_cert_validation='ignore')
        NS = {'s': 'http://www.w3.org/2003/05/soap-envelope', 'n': 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
              'w': 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd', 'e': 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
              'a': 'http://schemas.xmlsoap.org/ws/2004/08/addressing'}
        ROOT = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/'

        def envelope(action, resource, body, extra=''):
            return ('<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
                    'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
                    'xmlns:e="http://schemas.xmlsoap.org/ws/2004/08/eventing"><env:Header>'
                    '<a:To>' + endpoint + '</a:To><a:ReplyTo><a:Address mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>'
                    '<w:MaxEnvelopeSize mustUnderstand="true">153600</w:MaxEnvelopeSize><a:MessageID>uuid:' + str(uuid.uuid4()) + '</a:MessageID>'
                    '<w:Locale xml:lang="en-US" mustUnderstand="false"/><w:OperationTimeout>PT20S</w:OperationTimeout>'
                    '<w:ResourceURI mustUnderstand="true">' + resource + '</w:ResourceURI><a:Action mustUnderstand="true">' + action + '</a:Action>'
                    + extra + '</env:Header><env:Body>' + body + '</env:Body></env:Envelope>')

        def send(action, resource, body, extra=''):
            return ET.fromstring(p.send_message(envelope(action, resource, body, extra)))

        def names(root):
            return [el.text for el in root.iter() if el.tag.endswith('}Name') and el.text]

        out = {}
        try:
            if step == 'identify':
                r = ET.fromstring(p.send_message('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:wsmid="http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>'))
                out['vendor'] = [el.text for el in r.iter() if el.tag.endswith('ProductVendor')]
            elif step == 'enumerate':
                r = send('http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate', ROOT + '*',
                         '<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>3</w:MaxElements>'
                         '<w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Test_Item WHERE Size &lt; 50</w:Filter></n:Enumerate>')
                found = names(r)
                ctx = r.find('.//n:EnumerationContext', NS)
                pulls = 0
                while ctx is not None and ctx.text:
                    r = send('http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull', ROOT + '*',
                             '<n:Pull><n:EnumerationContext>' + ctx.text + '</n:EnumerationContext><n:MaxElements>1</n:MaxElements></n:Pull>')
                    pulls += 1
                    found += names(r)
                    ctx = r.find('.//n:EnumerationContext', NS)
                out['names'] = found
                out['pulls'] = pulls
            elif step == 'get':
                r = send('http://schemas.xmlsoap.org/ws/2004/09/transfer/Get', ROOT + 'Test_Item', '',
                         '<w:SelectorSet><w:Selector Name="Id">4</w:Selector></w:SelectorSet>')
                out['names'] = names(r)
            elif step == 'invoke':
                r = send(ROOT + 'Test_Item/Double', ROOT + 'Test_Item',
                         '<p:Double_INPUT xmlns:p="' + ROOT + 'Test_Item"><p:Value>50</p:Value></p:Double_INPUT>',
                         '<w:SelectorSet><w:Selector Name="Id">1</w:Selector></w:SelectorSet>')
                out['result'] = [el.text for el in r.iter() if el.tag.endswith('}Result')]
            elif step == 'subscribe':
                r = send('http://schemas.xmlsoap.org/ws/2004/08/eventing/Subscribe', ROOT + '*',
                         '<e:Subscribe><e:Delivery Mode="http://schemas.dmtf.org/wbem/wsman/1/wsman/Pull"><w:Heartbeats>PT10S</w:Heartbeats></e:Delivery>'
                         '<w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT * FROM Test_Tick</w:Filter></e:Subscribe>')
                ctx = r.find('.//n:EnumerationContext', NS).text
                ident = [el.text for el in r.iter() if el.tag.endswith('}Identifier')][0]
                print('SUBSCRIBED', flush=True)
                texts = []
                while len(texts) < 2:
                    r = send('http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull', ROOT + '*',
                             '<n:Pull><n:EnumerationContext>' + ctx + '</n:EnumerationContext><n:MaxElements>5</n:MaxElements></n:Pull>')
                    texts += [el.text for el in r.iter() if el.tag.endswith('}Text')]
                send('http://schemas.xmlsoap.org/ws/2004/08/eventing/Unsubscribe', ROOT + '*', '<e:Unsubscribe/>',
                     '<e:Identifier xmlns:e="http://schemas.xmlsoap.org/ws/2004/08/eventing">' + ident + '</e:Identifier>')
                out['texts'] = texts
            elif step == 'denied':
                send('http://schemas.xmlsoap.org/ws/2004/09/transfer/Get', ROOT + 'Test_Item', '',
                     '<w:SelectorSet><w:Selector Name="Id">4</w:Selector></w:SelectorSet>')
        except InvalidCredentialsError as ex:
            out['error'] = 'credentials'
        except Exception as ex:
            out['error'] = type(ex).__name__
            out['detail'] = str(ex)[:2000]
        print(json.dumps(out), flush=True)
        """;

    private async Task<JsonElement> WinrmAsync(TestServer server, string step, string user = "alice", string password = TestServer.AlicePassword)
    {
        var script = Path.Combine(_dir, "client.py");
        await File.WriteAllTextAsync(script, WinrmScript);
        var (code, output, error) = await ExternalTool.RunAsync(Python, [script, server.Endpoint.ToString(), user, password, step], _dir);
        Assert.True(code == 0, error);
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    [Fact]
    public async Task Winrm_Identify()
    {
        Assert.SkipWhen(WinrmMissing is not null, WinrmMissing ?? "");
        await using var server = await TestServer.StartAsync();
        var r = await WinrmAsync(server, "identify");
        Assert.Equal("Wmix", r.GetProperty("vendor")[0].GetString());
    }

    [Fact]
    public async Task Winrm_EnumeratePullWithWqlFilter()
    {
        Assert.SkipWhen(WinrmMissing is not null, WinrmMissing ?? "");
        await using var server = await TestServer.StartAsync(items: 20);
        var r = await WinrmAsync(server, "enumerate");
        Assert.False(r.TryGetProperty("error", out var e), e.ToString() + r);
        Assert.Equal(["item0", "item1", "item2", "item3", "item4"], r.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.True(r.GetProperty("pulls").GetInt32() >= 1);
    }

    [Fact]
    public async Task Winrm_GetAndInvoke()
    {
        Assert.SkipWhen(WinrmMissing is not null, WinrmMissing ?? "");
        await using var server = await TestServer.StartAsync();
        var get = await WinrmAsync(server, "get");
        Assert.Equal("item4", get.GetProperty("names")[0].GetString());
        var invoke = await WinrmAsync(server, "invoke");
        Assert.Equal("100", invoke.GetProperty("result")[0].GetString());
    }

    [Fact]
    public async Task Winrm_SubscribeAndPullEvents()
    {
        Assert.SkipWhen(WinrmMissing is not null, WinrmMissing ?? "");
        await using var server = await TestServer.StartAsync();
        var run = WinrmAsync(server, "subscribe");
        await Eventually.TrueAsync(() => server.Ticks.IsOpen || run.IsCompleted);
        if (run.IsCompleted)
        {
            Assert.Fail("the client ended before subscribing: " + await run);
        }
        server.Ticks.Raise(1, "first");
        await Task.Delay(200, TestContext.Current.CancellationToken);
        server.Ticks.Raise(2, "second");
        var r = await run;
        Assert.False(r.TryGetProperty("error", out var e), e.ToString() + r);
        Assert.Equal(["first", "second"], r.GetProperty("texts").EnumerateArray().Select(t => t.GetString()));
        await Eventually.TrueAsync(() => server.Server.Diagnostics is { Subscriptions: 0, LiveOperations: 0 } && !server.Ticks.IsOpen);
    }

    [Fact]
    public async Task Winrm_WrongPasswordAndNoRights()
    {
        Assert.SkipWhen(WinrmMissing is not null, WinrmMissing ?? "");
        await using var server = await TestServer.StartAsync();
        var wrong = await WinrmAsync(server, "get", "alice", "nope");
        Assert.Equal("credentials", wrong.GetProperty("error").GetString());
        var denied = await WinrmAsync(server, "denied", "bob", TestServer.BobPassword);
        Assert.Contains("AccessDenied", denied.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

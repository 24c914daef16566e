using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Wmix.Remote.Client;
using Wmix.Remote.Server;

namespace Wmix.Remote.EndToEnd.Tests;

/// <summary>
/// What a newcomer following docs/REMOTE.md does first: the documented server-name forms, HTTPS with a self-signed
/// certificate (refused until trusted, and saying why), a user whose rights stop at one namespace, a port nobody
/// listens on.
/// </summary>
public sealed class RemoteScenarioTests
{
    private static SWbemServicesEx Connect(string server, string ns = @"root\cimv2", string user = RealServer.User, string password = RealServer.Password) =>
        new SWbemLocator().ConnectServer(server, ns, user, password);

    private static string OsName(SWbemServicesEx services) =>
        (string)services.ExecQuery("SELECT Name FROM Win32_OperatingSystem", "WQL", 0).ItemIndex(0).Properties_["Name"].Value!;

    [Fact]
    public async Task ConnectServer_HttpNameForms_AllReachTheLoopbackServer()
    {
        await using var server = await RealServer.StartAsync();
        var p = server.Port;
        foreach (var name in (string[])[$"http://127.0.0.1:{p}", $"http://127.0.0.1:{p}/wsman", $"http://localhost:{p}", $"HTTP://LocalHost:{p}/wsman/"])
        {
            Assert.False(string.IsNullOrEmpty(OsName(Connect(name))), name);
        }
    }

    [Fact]
    public async Task ConnectServer_HttpsNameForms_WithThePinnedCertificate_Work()
    {
        using var certificate = ServerCertificates.CreateSelfSigned("localhost");
        await using var server = await RealServer.StartAsync(o => o with
        {
            EndPoints = [new ListenEndPoint(new IPEndPoint(IPAddress.Loopback, 0), Https: true)],
            Certificate = certificate,
        });
        var pinned = WsManClientOptions.Default with { Tls = new WsManTlsOptions { TrustedThumbprints = [certificate.GetCertHashString(HashAlgorithmName.SHA256)] } };
        var trusted = WsManClientOptions.Default with { Tls = new WsManTlsOptions { TrustedCertificates = [X509CertificateLoader.LoadCertificate(certificate.RawData)] } };
        var p = server.Port;
        foreach (var (name, options) in (ValueTuple<string, WsManClientOptions>[])[
            ($"127.0.0.1:{p}", pinned), ($"https://127.0.0.1:{p}", pinned), ($"https://localhost:{p}/wsman", trusted), ($"localhost:{p}", trusted)])
        {
            using var connection = await RemoteConnection.ConnectAsync(name, @"root\cimv2", RealServer.User, RealServer.Password, options, TestContext.Current.CancellationToken);
            Assert.NotNull(connection.Identity);
        }
    }

    /// <summary>
    /// A certificate made as a newcomer makes it with openssl (CN=localhost, no IP address): connecting to 127.0.0.1
    /// without trusting it is a transport failure whose message says what is wrong and which knob accepts it.
    /// </summary>
    [Fact]
    public async Task ConnectServer_UntrustedCertificateForAnotherName_TransportFailureSaysWhy()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        await using var server = await RealServer.StartAsync(o => o with
        {
            EndPoints = [new ListenEndPoint(new IPEndPoint(IPAddress.Loopback, 0), Https: true)],
            Certificate = certificate,
        });
        var e = await Assert.ThrowsAsync<WbemException>(() => RemoteConnection.ConnectAsync($"127.0.0.1:{server.Port}", @"root\cimv2",
            RealServer.User, RealServer.Password, WsManClientOptions.Default, TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, e.ErrorCode);
        Assert.Contains("certificate", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not name '127.0.0.1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
        Assert.Contains("WMIX_TLS_THUMBPRINT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectServer_UserWithRightsInOneNamespaceOnly_IsDeniedElsewhereAndForMissingRights()
    {
        await using var server = await RealServer.StartAsync();
        var cimv2 = Connect(server.Address, @"root\cimv2", RealServer.ReaderUser, RealServer.ReaderPassword);
        Assert.Equal(50, cimv2.ExecQuery("SELECT * FROM E2E_Item", "WQL", 0).Count);

        var other = Assert.Throws<WbemException>(() => Connect(server.Address, @"root\default", RealServer.ReaderUser, RealServer.ReaderPassword));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, other.ErrorCode);

        // Read and subscribe only: a method call and a change in root\cimv2 are refused, the connection stays usable.
        var call = Assert.Throws<WbemException>(() => cimv2.ExecMethod("Win32_Process", "Create"));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, call.ErrorCode);
        var delete = Assert.Throws<WbemException>(() => cimv2.Delete("E2E_Item.Id=1"));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, delete.ErrorCode);
        Assert.Equal("item2", cimv2.Get("E2E_Item.Id=2").Properties_["Name"].Value);
        lock (server.Items.Deleted)
        {
            Assert.Empty(server.Items.Deleted);
        }

        // The same user with a wrong password is refused at connect.
        var wrong = Assert.Throws<WbemException>(() => Connect(server.Address, @"root\cimv2", RealServer.ReaderUser, "nope"));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, wrong.ErrorCode);
    }

    [Fact]
    public void ConnectServer_NothingListening_IsTransportFailure()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        foreach (var name in (string[])[$"http://127.0.0.1:{port}", $"127.0.0.1:{port}"])
        {
            var e = Assert.Throws<WbemException>(() => Connect(name));
            Assert.Equal(WbemErrorEnum.wbemErrTransportFailure, e.ErrorCode);
            Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }
}

using Wmix.Remote.Client;

namespace Wmix.Remote.Tests.Client;

/// <summary>How <c>ConnectServer</c>'s server name becomes the WS-Management endpoint.</summary>
public sealed class WsManEndpointTests
{
    [Theory]
    [InlineData("server01", "https://server01:5986/wsman")]
    [InlineData("server01:443", "https://server01:443/wsman")]
    [InlineData("https://server01", "https://server01:5986/wsman")]
    [InlineData("https://server01:5985", "https://server01:5985/wsman")]
    [InlineData("127.0.0.1:5985", "http://127.0.0.1:5985/wsman")]
    [InlineData("localhost:5985", "http://localhost:5985/wsman")]
    [InlineData("http://127.0.0.1", "http://127.0.0.1:5985/wsman")]
    [InlineData("http://127.0.0.1:8080/custom", "http://127.0.0.1:8080/custom")]
    [InlineData("[::1]:5985", "http://[::1]:5985/wsman")]
    [InlineData("[fe80::1]:5986", "https://[fe80::1]:5986/wsman")]
    public void Parse_ServerNames_GiveTheEndpoint(string server, string expected)
    {
        Assert.Equal(new Uri(expected), WsManEndpoint.Parse(server));
    }

    [Theory]
    [InlineData("http://server01")]
    [InlineData("server01:5985")]
    [InlineData("ftp://server01")]
    [InlineData("server01:notaport")]
    [InlineData("[::1")]
    [InlineData("")]
    public void Parse_PlainHttpOffLoopbackOrMalformed_IsInvalidParameter(string server)
    {
        var e = Assert.Throws<WbemException>(() => WsManEndpoint.Parse(server));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, e.ErrorCode);
    }
}

using System.Diagnostics;
using System.Text;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Tests.Protocol;

/// <summary>Hostile envelopes are refused with the specific reason, quickly, without touching the file system or network.</summary>
public sealed class HostileXmlTests
{
    private const string Head = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\">";

    private static WsManProtocolException Refuse(string xml, WsManReaderLimits? limits = null)
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<WsManProtocolException>(() => WsManReader.Read(Encoding.UTF8.GetBytes(xml), new CimXmlReadContext(null), limits));
        // Generous: the point is "no expansion, no network wait", not a speed target.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        return e;
    }

    [Fact]
    public void Read_ExternalEntity_IsRefusedAsDtd()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOPSECRET");
        try
        {
            var xml = $"<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM \"file://{secret}\">]>{Head}<s:Header><a:Action>&xxe;</a:Action></s:Header><s:Body/></s:Envelope>";
            var e = Refuse(xml);
            Assert.Equal(WsManProtocolError.DtdProhibited, e.Error);
            Assert.DoesNotContain("TOPSECRET", e.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Read_BillionLaughs_IsRefusedAsDtd()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            sb.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">");
        }
        sb.Append($"]>{Head}<s:Header><a:Action>&lol9;</a:Action></s:Header><s:Body/></s:Envelope>");
        Assert.Equal(WsManProtocolError.DtdProhibited, Refuse(sb.ToString()).Error);
    }

    [Fact]
    public void Read_ExternalDtdReference_IsRefusedAsDtd()
    {
        var xml = $"<!DOCTYPE s:Envelope SYSTEM \"http://192.0.2.1/evil.dtd\">{Head}<s:Header/><s:Body/></s:Envelope>";
        Assert.Equal(WsManProtocolError.DtdProhibited, Refuse(xml).Error);
    }

    [Fact]
    public void Read_DeepNestingInASkippedHeader_IsRefusedAsTooDeep()
    {
        var depth = 100_000;
        var xml = Head + "<s:Header>" + string.Concat(Enumerable.Repeat("<x>", depth)) + string.Concat(Enumerable.Repeat("</x>", depth)) + "</s:Header><s:Body/></s:Envelope>";
        Assert.Equal(WsManProtocolError.TooDeep, Refuse(xml).Error);
    }

    [Fact]
    public void Read_DeepNestingInTheBody_IsRefused()
    {
        var depth = 100_000;
        var xml = Head + "<s:Header/><s:Body>" + string.Concat(Enumerable.Repeat("<x>", depth)) + string.Concat(Enumerable.Repeat("</x>", depth)) + "</s:Body></s:Envelope>";
        Assert.Contains(Refuse(xml).Error, new[] { WsManProtocolError.TooDeep, WsManProtocolError.Malformed });
    }

    [Fact]
    public void Read_DeepEmbeddedObjects_AreRefusedAsTooDeep()
    {
        var sb = new StringBuilder(Head + "<s:Header/><s:Body>");
        for (var i = 0; i < 200; i++)
        {
            sb.Append($"<p:V xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/X{i}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"p:X{i}_Type\">");
        }
        for (var i = 0; i < 200; i++)
        {
            sb.Append("</p:V>");
        }
        sb.Append("</s:Body></s:Envelope>");
        Assert.Equal(WsManProtocolError.TooDeep, Refuse(sb.ToString()).Error);
    }

    [Fact]
    public void Read_Oversize_IsRefusedAsTooLarge()
    {
        var xml = Head + "<s:Header><a:Action>" + new string('x', 5_000_000) + "</a:Action></s:Header><s:Body/></s:Envelope>";
        Assert.Equal(WsManProtocolError.TooLarge, Refuse(xml).Error);
    }

    [Fact]
    public void Read_OversizeUnderCustomLimit_IsRefusedAsTooLarge()
    {
        var xml = Head + "<s:Header><a:Action>" + new string('x', 20_000) + "</a:Action></s:Header><s:Body/></s:Envelope>";
        Assert.Equal(WsManProtocolError.TooLarge, Refuse(xml, new WsManReaderLimits { MaxCharacters = 10_000 }).Error);
    }

    [Theory]
    [InlineData("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body>")]
    [InlineData("not xml at all")]
    [InlineData("<Envelope/>")]
    [InlineData("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>")]
    [InlineData("<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header/></s:Envelope>")]
    public void Read_Malformed_IsRefusedAsMalformed(string xml) => Assert.Equal(WsManProtocolError.Malformed, Refuse(xml).Error);

    [Fact]
    public void Read_MistypedValue_IsRefusedAsInvalidValue()
    {
        var cls = new CimClass("C");
        cls.AddProperty("N", CimType.UInt32);
        cls.Freeze();
        var xml = Head + "<s:Header/><s:Body><p:C xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/C\"><p:N>minus one</p:N></p:C></s:Body></s:Envelope>";
        var e = Assert.Throws<WsManProtocolException>(() =>
            WsManReader.Read(Encoding.UTF8.GetBytes(xml), new CimXmlReadContext(null, new Support.DictionaryResolver(cls))));
        Assert.Equal(WsManProtocolError.InvalidValue, e.Error);
        Assert.Equal(WsManSubcode.SchemaValidationError, WsManFaults.FromProtocolError(e).Subcode);
    }

    [Fact]
    public void Read_UnknownMandatoryHeader_IsListedAsNotUnderstood()
    {
        var xml = Head + "<s:Header><x:Secret xmlns:x=\"urn:x\" s:mustUnderstand=\"true\">1</x:Secret><y:Soft xmlns:y=\"urn:y\" mustUnderstand=\"true\"/></s:Header><s:Body/></s:Envelope>";
        var env = WsManReader.Read(Encoding.UTF8.GetBytes(xml), new CimXmlReadContext(null));
        var q = Assert.Single(env.Headers.NotUnderstood);
        Assert.Equal(("Secret", "urn:x"), (q.Name, q.Namespace));
    }

    [Fact]
    public void FromProtocolError_Oversize_IsEncodingLimitSenderFault()
    {
        var fault = WsManFaults.FromProtocolError(new WsManProtocolException(WsManProtocolError.TooLarge, "big"));
        Assert.Equal(WsManFaultCode.Sender, fault.Code);
        Assert.Equal(WsManSubcode.EncodingLimit, fault.Subcode);
    }
}

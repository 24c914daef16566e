using System.Text;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Tests.Protocol;

/// <summary>§1.9.4 both ways: every WMI error survives a fault envelope; subcodes follow the table.</summary>
public sealed class FaultMappingTests
{
    public static TheoryData<WbemErrorEnum, string, string> Table => new()
    {
        { WbemErrorEnum.wbemErrAccessDenied, WsManNamespaces.WsMan, "AccessDenied" },
        { WbemErrorEnum.wbemErrInvalidNamespace, WsManNamespaces.Addressing, "DestinationUnreachable" },
        { WbemErrorEnum.wbemErrInvalidClass, WsManNamespaces.Addressing, "DestinationUnreachable" },
        { WbemErrorEnum.wbemErrNotFound, WsManNamespaces.Addressing, "DestinationUnreachable" },
        { WbemErrorEnum.wbemErrInvalidQuery, WsManNamespaces.Enumeration, "CannotProcessFilter" },
        { WbemErrorEnum.wbemErrInvalidParameter, WsManNamespaces.WsMan, "InvalidParameter" },
        { WbemErrorEnum.wbemErrTypeMismatch, WsManNamespaces.WsMan, "SchemaValidationError" },
        { WbemErrorEnum.wbemErrInvalidMethod, WsManNamespaces.Addressing, "ActionNotSupported" },
        { WbemErrorEnum.wbemErrNotSupported, WsManNamespaces.WsMan, "UnsupportedFeature" },
        { WbemErrorEnum.wbemErrAlreadyExists, WsManNamespaces.WsMan, "AlreadyExists" },
        { WbemErrorEnum.wbemErrTimedout, WsManNamespaces.WsMan, "TimedOut" },
        { WbemErrorEnum.wbemErrServerTooBusy, WsManNamespaces.WsMan, "QuotaLimit" },
        { WbemErrorEnum.wbemErrProviderFailure, WsManNamespaces.WsMan, "InternalError" },
        { WbemErrorEnum.wbemErrFailed, WsManNamespaces.WsMan, "InternalError" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void FromWbemError_ThroughTheWire_GivesTheSameCodeBack(WbemErrorEnum code, string ns, string subcode)
    {
        var fault = WsManFaults.FromWbemError(code, "message for " + code);
        Assert.Equal(new WsManSubcode(ns, subcode), fault.Subcode);
        var bytes = WsManWriter.ToBytes(WsManMessages.FaultReply(new WsManHeaders { MessageId = "uuid:1" }, fault), new CimXmlWriteOptions("root"));
        var back = Assert.IsType<FaultBody>(WsManReader.Read(bytes, new CimXmlReadContext(null)).Body).Fault;
        Assert.Equal(fault.Subcode, back.Subcode);
        Assert.Equal(fault.Code, back.Code);
        Assert.Equal(code, back.ToWbemError());
        Assert.Equal("message for " + code, back.Reason);
        Assert.Equal(fault.CimStatusCode, back.CimStatusCode);
    }

    [Fact]
    public void FromWbemError_InvalidClassInQuery_IsCannotProcessFilter() =>
        Assert.Equal(WsManSubcode.CannotProcessFilter, WsManFaults.FromWbemError(WbemErrorEnum.wbemErrInvalidClass, null, inQuery: true).Subcode);

    [Theory]
    [InlineData(null, null, 6u, "DestinationUnreachable", WbemErrorEnum.wbemErrNotFound)]
    [InlineData(null, 2150858778L, null, "CannotProcessFilter", WbemErrorEnum.wbemErrInvalidQuery)]
    [InlineData(null, 2147749891L, null, "InternalError", WbemErrorEnum.wbemErrAccessDenied)]
    [InlineData(WbemErrorEnum.wbemErrInvalidClass, 5L, 6u, "DestinationUnreachable", WbemErrorEnum.wbemErrInvalidClass)]
    [InlineData(null, null, null, "TimedOut", WbemErrorEnum.wbemErrTimedout)]
    [InlineData(null, null, null, "Mystery", WbemErrorEnum.wbemErrFailed)]
    public void ToWbemError_FollowsTheDecodeOrder(WbemErrorEnum? wmi, long? windows, uint? cim, string subcode, WbemErrorEnum expected)
    {
        var fault = new WsManFault { WmiError = wmi, WindowsCode = windows, CimStatusCode = cim, Subcode = new WsManSubcode(WsManNamespaces.WsMan, subcode) };
        Assert.Equal(expected, fault.ToWbemError());
    }

    [Fact]
    public void Read_OmiStyleFault_UsesCimStatusCode()
    {
        const string Xml = """
            <SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
                xmlns:wsman="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">
              <SOAP-ENV:Header><wsa:Action>http://schemas.dmtf.org/wbem/wsman/1/wsman/fault</wsa:Action><wsa:RelatesTo>uuid:x</wsa:RelatesTo></SOAP-ENV:Header>
              <SOAP-ENV:Body><SOAP-ENV:Fault>
                <SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value>
                  <SOAP-ENV:Subcode><SOAP-ENV:Value>wsa:DestinationUnreachable</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code>
                <SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en-US">Invalid namespace</SOAP-ENV:Text></SOAP-ENV:Reason>
                <SOAP-ENV:Detail><p:OMI_Error xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/OMI_Error">
                  <p:OMI_Code>3</p:OMI_Code><p:CIMStatusCode>3</p:CIMStatusCode><p:MessageID>OMI:MI_Result:3</p:MessageID></p:OMI_Error></SOAP-ENV:Detail>
              </SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>
            """;
        var fault = Assert.IsType<FaultBody>(WsManReader.Read(Encoding.UTF8.GetBytes(Xml), new CimXmlReadContext(null)).Body).Fault;
        Assert.Equal(WsManSubcode.DestinationUnreachable, fault.Subcode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, fault.ToWbemError());
    }
}

namespace Wmix.Remote.Protocol;

/// <summary>
/// The XML namespaces of WS-Management and its CIM binding (spec remote-protocols.md §0.1). Parsers match on
/// these URIs, never on prefixes.
/// </summary>
public static class WsManNamespaces
{
    /// <summary>SOAP 1.2 envelope.</summary>
    public const string Soap = "http://www.w3.org/2003/05/soap-envelope";

    /// <summary>WS-Addressing, 2004/08 submission.</summary>
    public const string Addressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

    /// <summary>WS-Transfer.</summary>
    public const string Transfer = "http://schemas.xmlsoap.org/ws/2004/09/transfer";

    /// <summary>WS-Enumeration.</summary>
    public const string Enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";

    /// <summary>WS-Eventing.</summary>
    public const string Eventing = "http://schemas.xmlsoap.org/ws/2004/08/eventing";

    /// <summary>WS-Management 1.x (DSP0226).</summary>
    public const string WsMan = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";

    /// <summary>WS-Management CIM binding (DSP0227).</summary>
    public const string CimBinding = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd";

    /// <summary>Microsoft's WS-Management extensions (<c>p:DataLocale</c>, <c>p:SessionId</c>…).</summary>
    public const string MicrosoftWsMan = "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd";

    /// <summary>WS-CIM common types (<c>cim:Datetime</c>, <c>cim:Interval</c>, <c>cim:cimString</c>…).</summary>
    public const string WsCimCommon = "http://schemas.dmtf.org/wbem/wscim/1/common";

    /// <summary>XML Schema instance (<c>xsi:nil</c>, <c>xsi:type</c>).</summary>
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>WS-Management identity (Identify).</summary>
    public const string Identity = "http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd";

    /// <summary>Windows' WSManFault detail.</summary>
    public const string WsManFault = "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault";

    /// <summary>The reserved <c>xml:</c> namespace (<c>xml:lang</c>).</summary>
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
}

/// <summary>Action URIs (spec §1.3).</summary>
public static class WsManActions
{
    private const string TransferPrefix = WsManNamespaces.Transfer + "/";
    private const string EnumerationPrefix = WsManNamespaces.Enumeration + "/";
    private const string EventingPrefix = WsManNamespaces.Eventing + "/";

    /// <summary>WS-Transfer Get.</summary>
    public const string Get = TransferPrefix + "Get";
    /// <summary>WS-Transfer GetResponse.</summary>
    public const string GetResponse = TransferPrefix + "GetResponse";
    /// <summary>WS-Transfer Put.</summary>
    public const string Put = TransferPrefix + "Put";
    /// <summary>WS-Transfer PutResponse.</summary>
    public const string PutResponse = TransferPrefix + "PutResponse";
    /// <summary>WS-Transfer Create.</summary>
    public const string Create = TransferPrefix + "Create";
    /// <summary>WS-Transfer CreateResponse.</summary>
    public const string CreateResponse = TransferPrefix + "CreateResponse";
    /// <summary>WS-Transfer Delete.</summary>
    public const string Delete = TransferPrefix + "Delete";
    /// <summary>WS-Transfer DeleteResponse.</summary>
    public const string DeleteResponse = TransferPrefix + "DeleteResponse";
    /// <summary>WS-Enumeration Enumerate.</summary>
    public const string Enumerate = EnumerationPrefix + "Enumerate";
    /// <summary>WS-Enumeration EnumerateResponse.</summary>
    public const string EnumerateResponse = EnumerationPrefix + "EnumerateResponse";
    /// <summary>WS-Enumeration Pull.</summary>
    public const string Pull = EnumerationPrefix + "Pull";
    /// <summary>WS-Enumeration PullResponse.</summary>
    public const string PullResponse = EnumerationPrefix + "PullResponse";
    /// <summary>WS-Enumeration Release.</summary>
    public const string Release = EnumerationPrefix + "Release";
    /// <summary>WS-Enumeration ReleaseResponse.</summary>
    public const string ReleaseResponse = EnumerationPrefix + "ReleaseResponse";
    /// <summary>WS-Eventing Subscribe.</summary>
    public const string Subscribe = EventingPrefix + "Subscribe";
    /// <summary>WS-Eventing SubscribeResponse.</summary>
    public const string SubscribeResponse = EventingPrefix + "SubscribeResponse";
    /// <summary>WS-Eventing Unsubscribe.</summary>
    public const string Unsubscribe = EventingPrefix + "Unsubscribe";
    /// <summary>WS-Eventing UnsubscribeResponse.</summary>
    public const string UnsubscribeResponse = EventingPrefix + "UnsubscribeResponse";
    /// <summary>WS-Eventing Renew.</summary>
    public const string Renew = EventingPrefix + "Renew";
    /// <summary>WS-Eventing RenewResponse.</summary>
    public const string RenewResponse = EventingPrefix + "RenewResponse";
    /// <summary>WS-Eventing GetStatus.</summary>
    public const string GetStatus = EventingPrefix + "GetStatus";
    /// <summary>WS-Eventing GetStatusResponse.</summary>
    public const string GetStatusResponse = EventingPrefix + "GetStatusResponse";
    /// <summary>WS-Management heartbeat (push modes; Pull mode sends an empty PullResponse instead).</summary>
    public const string Heartbeat = "http://schemas.dmtf.org/wbem/wsman/1/wsman/Heartbeat";
    /// <summary>Fault action of WS-Management faults (the one Wmix emits for <c>w:</c> subcodes).</summary>
    public const string WsManFault = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";
    /// <summary>Fault action of WS-Addressing faults.</summary>
    public const string AddressingFault = WsManNamespaces.Addressing + "/fault";
    /// <summary>Fault action of WS-Enumeration faults.</summary>
    public const string EnumerationFault = EnumerationPrefix + "fault";
    /// <summary>Fault action of WS-Eventing faults.</summary>
    public const string EventingFault = EventingPrefix + "fault";
    /// <summary>Fault action of WS-Transfer faults.</summary>
    public const string TransferFault = TransferPrefix + "fault";
    /// <summary>Fault action of CIM-binding faults.</summary>
    public const string CimBindingFault = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/fault";

    /// <summary>The action of a custom method: the resource URI, a slash, the method name (§1.5.3).</summary>
    public static string Invoke(string resourceUri, string methodName)
    {
        ArgumentNullException.ThrowIfNull(resourceUri);
        ArgumentNullException.ThrowIfNull(methodName);
        return resourceUri + "/" + methodName;
    }

    /// <summary>The response action of a custom method (DSP0226 convention: the request action + <c>Response</c>).</summary>
    public static string InvokeResponse(string resourceUri, string methodName) => Invoke(resourceUri, methodName) + "Response";

    /// <summary>True for the fault actions of §1.3.</summary>
    public static bool IsFault(string? action) => action is WsManFault or AddressingFault or EnumerationFault or EventingFault
        or TransferFault or CimBindingFault;
}

/// <summary>Well-known URIs that are neither namespaces nor actions: addressing roles, dialects, modes, profiles.</summary>
public static class WsManUris
{
    /// <summary>The anonymous reply-to address: the reply comes back on the same HTTP response.</summary>
    public const string Anonymous = WsManNamespaces.Addressing + "/role/anonymous";
    /// <summary>WQL filter dialect.</summary>
    public const string WqlDialect = "http://schemas.microsoft.com/wbem/wsman/1/WQL";
    /// <summary>CQL filter dialect (DSP0202).</summary>
    public const string CqlDialect = "http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf";
    /// <summary>Selector filter dialect.</summary>
    public const string SelectorDialect = "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter";
    /// <summary>Association filter dialect of the CIM binding (§1.5.4).</summary>
    public const string AssociationDialect = "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter";
    /// <summary>Pull delivery mode (the only one Wmix implements; results travel over the caller's connection).</summary>
    public const string PullDeliveryMode = "http://schemas.dmtf.org/wbem/wsman/1/wsman/Pull";
    /// <summary>Push delivery mode (not supported).</summary>
    public const string PushDeliveryMode = WsManNamespaces.Eventing + "/DeliveryModes/Push";
    /// <summary>The bookmark that resumes at the earliest retained event.</summary>
    public const string EarliestBookmark = "http://schemas.dmtf.org/wbem/wsman/1/wsman/bookmark/earliest";
    /// <summary>Security profile: Basic over HTTPS.</summary>
    public const string HttpsBasicProfile = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/basic";
    /// <summary>Security profile: Basic over HTTP.</summary>
    public const string HttpBasicProfile = "http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/http/basic";
    /// <summary>Prefix of <c>w:FaultDetail</c> URIs.</summary>
    public const string FaultDetailPrefix = "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/";
    /// <summary>The option that asks for <c>xsi:type="cim:…"</c> on every value (Microsoft's name, accepted as-is).</summary>
    public const string IncludePropertyMetadataOption = "msftwinrm:includepropertymetadata";
    /// <summary>The HTTP content type of every envelope.</summary>
    public const string SoapContentType = "application/soap+xml";
}

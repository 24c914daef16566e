using System.Xml;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>The <c>s:Header</c> of one message (§1.2). Immutable; build with an object initializer.</summary>
public sealed record WsManHeaders
{
    /// <summary><c>a:To</c>: the service address (requests) or the anonymous role (replies).</summary>
    public string? To { get; init; }

    /// <summary><c>w:ResourceURI</c>.</summary>
    public string? ResourceUri { get; init; }

    /// <summary><c>a:Action</c>.</summary>
    public string? Action { get; init; }

    /// <summary><c>a:MessageID</c> (<c>uuid:…</c>).</summary>
    public string? MessageId { get; init; }

    /// <summary><c>a:RelatesTo</c>: the request's MessageID, in a reply.</summary>
    public string? RelatesTo { get; init; }

    /// <summary><c>a:ReplyTo/a:Address</c>; requests always send the anonymous role.</summary>
    public string? ReplyTo { get; init; }

    /// <summary><c>w:SelectorSet</c>.</summary>
    public IReadOnlyList<WsManSelector> Selectors { get; init; } = [];

    /// <summary><c>w:OptionSet</c>.</summary>
    public IReadOnlyList<WsManOption> Options { get; init; } = [];

    /// <summary>True when the OptionSet carries <c>s:mustUnderstand="true"</c> (unknown options must then fault).</summary>
    public bool OptionsMustBeUnderstood { get; init; }

    /// <summary><c>w:OperationTimeout</c>.</summary>
    public TimeSpan? OperationTimeout { get; init; }

    /// <summary><c>w:MaxEnvelopeSize</c> in bytes.</summary>
    public int? MaxEnvelopeSize { get; init; }

    /// <summary><c>w:Locale/@xml:lang</c>.</summary>
    public string? Locale { get; init; }

    /// <summary><c>p:DataLocale/@xml:lang</c>.</summary>
    public string? DataLocale { get; init; }

    /// <summary><c>e:Identifier</c>: the subscription an Unsubscribe/Renew addresses.</summary>
    public string? SubscriptionIdentifier { get; init; }

    /// <summary><c>w:Bookmark</c> in a PullResponse of a subscription with SendBookmarks.</summary>
    public string? Bookmark { get; init; }

    /// <summary>Headers marked <c>s:mustUnderstand="true"</c> that the codec does not know (the server faults with <c>s:MustUnderstand</c>).</summary>
    public IReadOnlyList<XmlQualifiedName> NotUnderstood { get; init; } = [];

    /// <summary>The value of the option <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetOption(string name)
    {
        foreach (var o in Options)
        {
            if (string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return o.Value;
            }
        }
        return null;
    }
}

/// <summary>One message: headers and body.</summary>
/// <param name="Headers">The headers.</param>
/// <param name="Body">The body; <see cref="WsManEmptyBody"/> for an empty <c>s:Body</c>.</param>
public sealed record WsManEnvelope(WsManHeaders Headers, WsManBody Body);

/// <summary>A message body; one subtype per shape (§1.3).</summary>
public abstract record WsManBody;

/// <summary>An empty <c>s:Body</c> (Get, Delete requests; Delete, Release, Unsubscribe responses).</summary>
public sealed record WsManEmptyBody : WsManBody
{
    /// <summary>The one instance.</summary>
    public static WsManEmptyBody Instance { get; } = new();
}

/// <summary><c>wsmid:Identify</c>.</summary>
public sealed record IdentifyBody : WsManBody;

/// <summary><c>wsmid:IdentifyResponse</c>.</summary>
/// <param name="ProtocolVersion">The WS-Management version URI.</param>
/// <param name="ProductVendor">The vendor (<c>Wmix</c>, <c>Microsoft Corporation</c>, <c>Open Management Infrastructure</c>).</param>
/// <param name="ProductVersion">The product version text.</param>
/// <param name="SecurityProfiles">Advertised security profile URIs.</param>
/// <param name="FaultIncludesCimError">True when faults carry a CIM_Error instance.</param>
public sealed record IdentifyResponseBody(
    string ProtocolVersion,
    string? ProductVendor,
    string? ProductVersion,
    IReadOnlyList<string> SecurityProfiles,
    bool FaultIncludesCimError) : WsManBody;

/// <summary>A class or instance as the whole body: GetResponse, PutResponse, Put and Create requests.</summary>
/// <param name="Value">The object (a <see cref="CimClass"/> travels as a DSP0201 <c>CLASS</c>).</param>
public sealed record ObjectBody(CimObject Value) : WsManBody;

/// <summary><c>x:ResourceCreated</c> (CreateResponse): the new object's reference.</summary>
/// <param name="Reference">The endpoint reference.</param>
public sealed record ResourceCreatedBody(WsManEndpointReference Reference) : WsManBody;

/// <summary>The in- or out-parameters of a custom method: <c>&lt;Method&gt;_INPUT</c> / <c>&lt;Method&gt;_OUTPUT</c> (§1.5.3).</summary>
/// <param name="ClassName">The class whose method it is (its resource URI is the element's namespace).</param>
/// <param name="MethodName">The method.</param>
/// <param name="IsOutput">True for <c>_OUTPUT</c>.</param>
/// <param name="Parameters">The parameters object (an instance of a <c>__PARAMETERS</c> class); null for no parameters.</param>
public sealed record MethodParametersBody(string ClassName, string MethodName, bool IsOutput, CimObject? Parameters) : WsManBody;

/// <summary>An Enumerate or Subscribe filter.</summary>
public abstract record WsManFilter;

/// <summary>A query filter: WQL (or another text dialect).</summary>
/// <param name="Dialect">The dialect URI.</param>
/// <param name="Text">The query text.</param>
public sealed record WsManQueryFilter(string Dialect, string Text) : WsManFilter;

/// <summary>The CIM binding's association filter (§1.5.4).</summary>
/// <param name="Associators">True for <c>b:AssociatedInstances</c> (ASSOCIATORS OF), false for <c>b:AssociationInstances</c> (REFERENCES OF).</param>
/// <param name="Object">The source object's reference.</param>
/// <param name="AssociationClassName">Only associations of this class.</param>
/// <param name="ResultClassName">Only results of this class.</param>
/// <param name="Role">The source's role.</param>
/// <param name="ResultRole">The result's role.</param>
public sealed record WsManAssociationFilter(
    bool Associators,
    WsManEndpointReference Object,
    string? AssociationClassName = null,
    string? ResultClassName = null,
    string? Role = null,
    string? ResultRole = null) : WsManFilter;

/// <summary>The <c>w:EnumerationMode</c>.</summary>
public enum WsManEnumerationMode
{
    /// <summary>Objects only (no element).</summary>
    Objects,
    /// <summary><c>EnumerateEPR</c>: references only.</summary>
    EnumerateEpr,
    /// <summary><c>EnumerateObjectAndEPR</c>.</summary>
    EnumerateObjectAndEpr,
}

/// <summary><c>n:Enumerate</c> (§1.7.1).</summary>
public sealed record EnumerateBody : WsManBody
{
    /// <summary><c>n:Expires</c> text, or null.</summary>
    public string? Expires { get; init; }

    /// <summary><c>w:OptimizeEnumeration</c>: first items come in the EnumerateResponse.</summary>
    public bool OptimizeEnumeration { get; init; }

    /// <summary><c>w:MaxElements</c> of the optimized first batch.</summary>
    public int? MaxElements { get; init; }

    /// <summary><c>w:Filter</c>.</summary>
    public WsManFilter? Filter { get; init; }

    /// <summary><c>w:EnumerationMode</c>.</summary>
    public WsManEnumerationMode Mode { get; init; }

    /// <summary><c>b:PolymorphismMode</c> text, or null.</summary>
    public string? PolymorphismMode { get; init; }
}

/// <summary><c>n:EnumerateResponse</c> (§1.7.2).</summary>
/// <param name="Context">The enumeration context; empty or null once the sequence ended.</param>
/// <param name="Items">The optimized first items.</param>
/// <param name="EndOfSequence">True when there is nothing more.</param>
public sealed record EnumerateResponseBody(string? Context, IReadOnlyList<CimObject> Items, bool EndOfSequence) : WsManBody;

/// <summary><c>n:Pull</c> (§1.7.3).</summary>
/// <param name="Context">The latest context.</param>
/// <param name="MaxElements">Items wanted, or null (1).</param>
/// <param name="MaxTime">How long the server may hold the Pull, or null.</param>
/// <param name="MaxCharacters">Size cap, or null.</param>
public sealed record PullBody(string Context, int? MaxElements = null, TimeSpan? MaxTime = null, long? MaxCharacters = null) : WsManBody;

/// <summary><c>n:PullResponse</c>; an empty one without EndOfSequence is a heartbeat in a subscription (§1.8.3).</summary>
/// <param name="Context">The next context; null when finished.</param>
/// <param name="Items">The items.</param>
/// <param name="EndOfSequence">True when finished.</param>
public sealed record PullResponseBody(string? Context, IReadOnlyList<CimObject> Items, bool EndOfSequence) : WsManBody;

/// <summary><c>n:Release</c>: abandons an enumeration (cancel).</summary>
/// <param name="Context">The latest context.</param>
public sealed record ReleaseBody(string Context) : WsManBody;

/// <summary><c>e:Subscribe</c> (§1.8.2). Only Pull delivery is implemented.</summary>
public sealed record SubscribeBody : WsManBody
{
    /// <summary>The delivery mode URI.</summary>
    public string DeliveryMode { get; init; } = WsManUris.PullDeliveryMode;

    /// <summary><c>w:Heartbeats</c>, or null.</summary>
    public TimeSpan? Heartbeats { get; init; }

    /// <summary><c>w:ContentEncoding</c>, or null.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary><c>w:Locale</c> of the delivery, or null.</summary>
    public string? Locale { get; init; }

    /// <summary><c>e:Expires</c> (a duration), or null.</summary>
    public TimeSpan? Expires { get; init; }

    /// <summary><c>w:Filter</c> (WQL event query).</summary>
    public WsManFilter? Filter { get; init; }

    /// <summary><c>w:SendBookmarks</c>.</summary>
    public bool SendBookmarks { get; init; }

    /// <summary><c>w:Bookmark</c>: where to resume, or null.</summary>
    public string? Bookmark { get; init; }
}

/// <summary><c>e:SubscribeResponse</c> (§1.8.3).</summary>
/// <param name="SubscriptionManager">The manager EPR; its <see cref="WsManEndpointReference.Identifier"/> is the subscription id.</param>
/// <param name="Expires">The granted lifetime, or null.</param>
/// <param name="Context">The enumeration context to Pull events from (Pull mode).</param>
public sealed record SubscribeResponseBody(WsManEndpointReference SubscriptionManager, TimeSpan? Expires, string? Context) : WsManBody;

/// <summary><c>e:Renew</c> (request) or <c>e:RenewResponse</c>.</summary>
/// <param name="Expires">The requested or granted lifetime.</param>
/// <param name="IsResponse">True for the response.</param>
public sealed record RenewBody(TimeSpan? Expires, bool IsResponse = false) : WsManBody;

/// <summary><c>e:Unsubscribe</c>.</summary>
public sealed record UnsubscribeBody : WsManBody
{
    /// <summary>The one instance.</summary>
    public static UnsubscribeBody Instance { get; } = new();
}

/// <summary><c>s:Fault</c>.</summary>
/// <param name="Fault">The fault.</param>
public sealed record FaultBody(WsManFault Fault) : WsManBody;

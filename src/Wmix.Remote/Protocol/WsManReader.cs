using System.Globalization;
using System.Xml;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>
/// Reads envelopes with a hardened <see cref="XmlReader"/> (<see cref="WsManXml"/>), streaming: items are decoded
/// straight into CIM objects. Namespace-aware (prefixes vary between peers, §1.12); unknown headers are ignored
/// unless they carry <c>s:mustUnderstand="true"</c>, then they are listed in <see cref="WsManHeaders.NotUnderstood"/>.
/// </summary>
public static class WsManReader
{
    /// <summary>Reads one envelope from memory.</summary>
    /// <exception cref="WsManProtocolException">Hostile, malformed, oversize or mistyped input.</exception>
    public static WsManEnvelope Read(ReadOnlyMemory<byte> message, CimXmlReadContext objects, WsManReaderLimits? limits = null)
    {
        using var r = WsManXml.CreateReader(message, limits);
        return Read(r, objects);
    }

    /// <summary>Reads one envelope from a stream.</summary>
    /// <exception cref="WsManProtocolException">Hostile, malformed, oversize or mistyped input.</exception>
    public static WsManEnvelope Read(Stream message, CimXmlReadContext objects, WsManReaderLimits? limits = null)
    {
        using var r = WsManXml.CreateReader(message, limits);
        return Read(r, objects);
    }

    /// <summary>Reads one envelope from a reader made by <see cref="WsManXml.CreateReader(Stream, WsManReaderLimits?)"/>.</summary>
    public static WsManEnvelope Read(XmlReader reader, CimXmlReadContext objects)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(objects);
        try
        {
            return ReadCore(reader, objects);
        }
        catch (XmlException e)
        {
            throw WsManXml.Translate(e);
        }
        catch (WbemException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, e.Message, e);
        }
        catch (InvalidCastException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, e.Message, e);
        }
    }

    private static WsManEnvelope ReadCore(XmlReader r, CimXmlReadContext objects)
    {
        r.MoveToContent();
        if (r.NodeType != XmlNodeType.Element || r.LocalName != "Envelope")
        {
            throw new WsManProtocolException("The message is not a SOAP envelope.");
        }
        if (r.NamespaceURI != WsManNamespaces.Soap)
        {
            throw new WsManProtocolException($"The envelope is not SOAP 1.2 ('{r.NamespaceURI}').");
        }
        var envDepth = r.Depth;
        var headers = new WsManHeaders();
        WsManBody? body = null;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, envDepth))
            {
                if (XmlRead.Is(r, WsManNamespaces.Soap, "Header"))
                {
                    headers = ReadHeaders(r);
                }
                else if (XmlRead.Is(r, WsManNamespaces.Soap, "Body"))
                {
                    var ctx = objects;
                    if (ctx.Namespace is null && WsManResource.TryParse(headers.ResourceUri, headers.Selectors, out var res) && res.Namespace is not null)
                    {
                        ctx = ctx with { Namespace = res.Namespace };
                    }
                    body = ReadBody(r, headers, ctx);
                }
                else
                {
                    XmlRead.Skip(r);
                }
            }
        }
        return new WsManEnvelope(headers, body ?? throw new WsManProtocolException("The envelope has no Body."));
    }

    private static bool IsMustUnderstand(XmlReader r)
    {
        // Only the SOAP-qualified attribute counts; pywinrm's unqualified form is treated as optional (§1.12 item 3).
        var v = r.GetAttribute("mustUnderstand", WsManNamespaces.Soap);
        return v is "true" or "1";
    }

    private static WsManHeaders ReadHeaders(XmlReader r)
    {
        var h = new WsManHeaders();
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return h;
        }
        List<XmlQualifiedName>? notUnderstood = null;
        while (XmlRead.NextChild(r, depth))
        {
            var ns = r.NamespaceURI;
            var name = r.LocalName;
            switch (ns, name)
            {
                case (WsManNamespaces.Addressing, "To"):
                    h = h with { To = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.WsMan, "ResourceURI"):
                    h = h with { ResourceUri = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.Addressing, "Action"):
                    h = h with { Action = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.Addressing, "MessageID"):
                    h = h with { MessageId = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.Addressing, "RelatesTo"):
                    h = h with { RelatesTo = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.Addressing, "ReplyTo"):
                    h = h with { ReplyTo = WsManPaths.ReadEndpointReference(r).Address };
                    break;
                case (WsManNamespaces.WsMan, "SelectorSet"):
                    h = h with { Selectors = WsManPaths.ReadSelectorSet(r) };
                    break;
                case (WsManNamespaces.WsMan, "OptionSet"):
                    var mu = IsMustUnderstand(r);
                    h = h with { Options = ReadOptions(r), OptionsMustBeUnderstood = mu };
                    break;
                case (WsManNamespaces.WsMan, "OperationTimeout"):
                    var text = XmlRead.ReadText(r);
                    try
                    {
                        h = h with { OperationTimeout = CimXmlValues.ParseXsDuration(text) };
                    }
                    catch (FormatException e)
                    {
                        throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"OperationTimeout '{CimXmlValues.Truncate(text)}' is not a duration.", e);
                    }
                    break;
                case (WsManNamespaces.WsMan, "MaxEnvelopeSize"):
                    var size = XmlRead.ReadText(r);
                    h = h with
                    {
                        MaxEnvelopeSize = int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                            : throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"MaxEnvelopeSize '{CimXmlValues.Truncate(size)}' is not a number."),
                    };
                    break;
                case (WsManNamespaces.WsMan, "Locale"):
                    var lang = r.GetAttribute("lang", WsManNamespaces.Xml);
                    XmlRead.Skip(r);
                    h = h with { Locale = lang };
                    break;
                case (WsManNamespaces.MicrosoftWsMan, "DataLocale"):
                    var dlang = r.GetAttribute("lang", WsManNamespaces.Xml);
                    XmlRead.Skip(r);
                    h = h with { DataLocale = dlang };
                    break;
                case (WsManNamespaces.Eventing, "Identifier"):
                    h = h with { SubscriptionIdentifier = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.WsMan, "Bookmark"):
                    h = h with { Bookmark = XmlRead.ReadText(r).Trim() };
                    break;
                case (WsManNamespaces.MicrosoftWsMan, _):
                case (WsManNamespaces.WsMan, "RequestTotalItemsCountEstimate"):
                    // SessionId, OperationID, SequenceId…: optional extensions, ignored (§1.2).
                    XmlRead.Skip(r);
                    break;
                default:
                    if (IsMustUnderstand(r))
                    {
                        (notUnderstood ??= []).Add(new XmlQualifiedName(name, ns));
                    }
                    XmlRead.Skip(r);
                    break;
            }
        }
        return notUnderstood is null ? h : h with { NotUnderstood = notUnderstood };
    }

    private static List<WsManOption> ReadOptions(XmlReader r)
    {
        var list = new List<WsManOption>();
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return list;
        }
        while (XmlRead.NextChild(r, depth))
        {
            if (XmlRead.Is(r, WsManNamespaces.WsMan, "Option"))
            {
                var name = r.GetAttribute("Name") ?? "";
                var type = r.GetAttribute("Type");
                list.Add(new WsManOption(name, XmlRead.ReadText(r), type));
            }
            else
            {
                XmlRead.Skip(r);
            }
        }
        return list;
    }

    private static WsManBody ReadBody(XmlReader r, WsManHeaders headers, CimXmlReadContext ctx)
    {
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return WsManEmptyBody.Instance;
        }
        WsManBody body = WsManEmptyBody.Instance;
        var first = true;
        while (XmlRead.NextChild(r, depth))
        {
            if (!first)
            {
                XmlRead.Skip(r);
                continue;
            }
            first = false;
            body = (r.NamespaceURI, r.LocalName) switch
            {
                (WsManNamespaces.Identity, "Identify") => SkipAnd(r, new IdentifyBody()),
                (WsManNamespaces.Identity, "IdentifyResponse") => ReadIdentifyResponse(r),
                (WsManNamespaces.Enumeration, "Enumerate") => ReadEnumerate(r),
                (WsManNamespaces.Enumeration, "EnumerateResponse") => ReadEnumerationResponse(r, ctx, pull: false),
                (WsManNamespaces.Enumeration, "Pull") => ReadPull(r),
                (WsManNamespaces.Enumeration, "PullResponse") => ReadEnumerationResponse(r, ctx, pull: true),
                (WsManNamespaces.Enumeration, "Release") => ReadRelease(r),
                (WsManNamespaces.Eventing, "Subscribe") => ReadSubscribe(r),
                (WsManNamespaces.Eventing, "SubscribeResponse") => ReadSubscribeResponse(r),
                (WsManNamespaces.Eventing, "Renew") => ReadRenew(r, response: false),
                (WsManNamespaces.Eventing, "RenewResponse") => ReadRenew(r, response: true),
                (WsManNamespaces.Eventing, "Unsubscribe") => SkipAnd(r, UnsubscribeBody.Instance),
                (WsManNamespaces.Transfer, "ResourceCreated") => new ResourceCreatedBody(WsManPaths.ReadEndpointReference(r)),
                (WsManNamespaces.Soap, "Fault") => new FaultBody(ReadFault(r)),
                _ when r.LocalName.EndsWith("_INPUT", StringComparison.Ordinal) || r.LocalName.EndsWith("_OUTPUT", StringComparison.Ordinal)
                    => CimInstanceXml.ReadParameters(r, ctx),
                _ => new ObjectBody(CimInstanceXml.ReadObject(r, ctx)),
            };
        }
        return body;
    }

    private static T SkipAnd<T>(XmlReader r, T value)
    {
        XmlRead.Skip(r);
        return value;
    }

    private static IdentifyResponseBody ReadIdentifyResponse(XmlReader r)
    {
        string version = "";
        string? vendor = null;
        string? product = null;
        var profiles = new List<string>();
        var cimError = false;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                switch (r.LocalName)
                {
                    case "ProtocolVersion":
                        version = XmlRead.ReadText(r).Trim();
                        break;
                    case "ProductVendor":
                        vendor = XmlRead.ReadText(r).Trim();
                        break;
                    case "ProductVersion":
                        product = XmlRead.ReadText(r).Trim();
                        break;
                    case "SecurityProfiles":
                        var pd = r.Depth;
                        if (XmlRead.Enter(r))
                        {
                            while (XmlRead.NextChild(r, pd))
                            {
                                profiles.Add(XmlRead.ReadText(r).Trim());
                            }
                        }
                        break;
                    case "Capability_FaultIncludesCIMError":
                        cimError = true;
                        XmlRead.Skip(r);
                        break;
                    default:
                        XmlRead.Skip(r);
                        break;
                }
            }
        }
        return new IdentifyResponseBody(version, vendor, product, profiles, cimError);
    }

    private static int ReadInt(XmlReader r, string what)
    {
        var text = XmlRead.ReadText(r);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n
            : throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"{what} '{CimXmlValues.Truncate(text)}' is not a number.");
    }

    private static TimeSpan ReadDuration(XmlReader r, string what)
    {
        var text = XmlRead.ReadText(r);
        try
        {
            return CimXmlValues.ParseXsDuration(text);
        }
        catch (FormatException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"{what} '{CimXmlValues.Truncate(text)}' is not a duration.", e);
        }
    }

    private static EnumerateBody ReadEnumerate(XmlReader r)
    {
        var body = new EnumerateBody();
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return body;
        }
        while (XmlRead.NextChild(r, depth))
        {
            switch (r.LocalName)
            {
                case "Expires":
                    body = body with { Expires = XmlRead.ReadText(r).Trim() };
                    break;
                case "OptimizeEnumeration":
                    XmlRead.Skip(r);
                    body = body with { OptimizeEnumeration = true };
                    break;
                case "MaxElements":
                    body = body with { MaxElements = ReadInt(r, "MaxElements") };
                    break;
                case "Filter":
                    body = body with { Filter = ReadFilter(r) };
                    break;
                case "EnumerationMode":
                    var mode = XmlRead.ReadText(r).Trim();
                    body = body with
                    {
                        Mode = mode switch
                        {
                            "EnumerateEPR" => WsManEnumerationMode.EnumerateEpr,
                            "EnumerateObjectAndEPR" => WsManEnumerationMode.EnumerateObjectAndEpr,
                            _ => throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"Unknown EnumerationMode '{CimXmlValues.Truncate(mode)}'."),
                        },
                    };
                    break;
                case "PolymorphismMode":
                    body = body with { PolymorphismMode = XmlRead.ReadText(r).Trim() };
                    break;
                default:
                    XmlRead.Skip(r);
                    break;
            }
        }
        return body;
    }

    private static WsManFilter ReadFilter(XmlReader r)
    {
        var dialect = r.GetAttribute("Dialect") ?? WsManUris.WqlDialect;
        if (dialect != WsManUris.AssociationDialect)
        {
            return new WsManQueryFilter(dialect, XmlRead.ReadText(r));
        }
        WsManAssociationFilter? filter = null;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                var associators = r.LocalName == "AssociatedInstances";
                if (!associators && r.LocalName != "AssociationInstances")
                {
                    XmlRead.Skip(r);
                    continue;
                }
                WsManEndpointReference? obj = null;
                string? assoc = null, result = null, role = null, resultRole = null;
                var inner = r.Depth;
                if (XmlRead.Enter(r))
                {
                    while (XmlRead.NextChild(r, inner))
                    {
                        switch (r.LocalName)
                        {
                            case "Object":
                                obj = WsManPaths.ReadEndpointReference(r);
                                break;
                            case "AssociationClassName":
                                assoc = XmlRead.ReadText(r).Trim();
                                break;
                            case "ResultClassName":
                                result = XmlRead.ReadText(r).Trim();
                                break;
                            case "Role":
                                role = XmlRead.ReadText(r).Trim();
                                break;
                            case "ResultRole":
                                resultRole = XmlRead.ReadText(r).Trim();
                                break;
                            default:
                                XmlRead.Skip(r);
                                break;
                        }
                    }
                }
                filter = new WsManAssociationFilter(associators,
                    obj ?? throw new WsManProtocolException("An association filter has no Object."), assoc, result, role, resultRole);
            }
        }
        return filter ?? throw new WsManProtocolException("An association filter is empty.");
    }

    private static WsManBody ReadEnumerationResponse(XmlReader r, CimXmlReadContext ctx, bool pull)
    {
        string? context = null;
        var items = new List<CimObject>();
        var cache = new CimInstanceXml.CimXmlReadCache();
        var end = false;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                switch (r.LocalName)
                {
                    case "EnumerationContext":
                        context = XmlRead.ReadText(r).Trim();
                        break;
                    case "Items":
                        var id = r.Depth;
                        if (XmlRead.Enter(r))
                        {
                            while (XmlRead.NextChild(r, id))
                            {
                                items.Add(CimInstanceXml.ReadObject(r, ctx, cache));
                            }
                        }
                        break;
                    case "EndOfSequence":
                        end = true;
                        XmlRead.Skip(r);
                        break;
                    default:
                        XmlRead.Skip(r);
                        break;
                }
            }
        }
        if (pull)
        {
            return new PullResponseBody(string.IsNullOrEmpty(context) ? null : context, items, end);
        }
        return new EnumerateResponseBody(context, items, end);
    }

    private static PullBody ReadPull(XmlReader r)
    {
        string? context = null;
        int? max = null;
        TimeSpan? maxTime = null;
        long? maxChars = null;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                switch (r.LocalName)
                {
                    case "EnumerationContext":
                        context = XmlRead.ReadText(r).Trim();
                        break;
                    case "MaxElements":
                        max = ReadInt(r, "MaxElements");
                        break;
                    case "MaxTime":
                        maxTime = ReadDuration(r, "MaxTime");
                        break;
                    case "MaxCharacters":
                        maxChars = ReadInt(r, "MaxCharacters");
                        break;
                    default:
                        XmlRead.Skip(r);
                        break;
                }
            }
        }
        return new PullBody(context ?? throw new WsManProtocolException("Pull without EnumerationContext."), max, maxTime, maxChars);
    }

    private static ReleaseBody ReadRelease(XmlReader r)
    {
        string? context = null;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                if (r.LocalName == "EnumerationContext")
                {
                    context = XmlRead.ReadText(r).Trim();
                }
                else
                {
                    XmlRead.Skip(r);
                }
            }
        }
        return new ReleaseBody(context ?? throw new WsManProtocolException("Release without EnumerationContext."));
    }

    private static SubscribeBody ReadSubscribe(XmlReader r)
    {
        var body = new SubscribeBody();
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return body;
        }
        while (XmlRead.NextChild(r, depth))
        {
            switch (r.LocalName)
            {
                case "Delivery":
                    body = body with { DeliveryMode = r.GetAttribute("Mode") ?? WsManUris.PushDeliveryMode };
                    var dd = r.Depth;
                    if (XmlRead.Enter(r))
                    {
                        while (XmlRead.NextChild(r, dd))
                        {
                            switch (r.LocalName)
                            {
                                case "Heartbeats":
                                    body = body with { Heartbeats = ReadDuration(r, "Heartbeats") };
                                    break;
                                case "ContentEncoding":
                                    body = body with { ContentEncoding = XmlRead.ReadText(r).Trim() };
                                    break;
                                case "Locale":
                                    var lang = r.GetAttribute("lang", WsManNamespaces.Xml);
                                    XmlRead.Skip(r);
                                    body = body with { Locale = lang };
                                    break;
                                default:
                                    XmlRead.Skip(r);
                                    break;
                            }
                        }
                    }
                    break;
                case "Expires":
                    body = body with { Expires = ReadDuration(r, "Expires") };
                    break;
                case "Filter":
                    body = body with { Filter = ReadFilter(r) };
                    break;
                case "SendBookmarks":
                    XmlRead.Skip(r);
                    body = body with { SendBookmarks = true };
                    break;
                case "Bookmark":
                    body = body with { Bookmark = XmlRead.ReadText(r).Trim() };
                    break;
                default:
                    XmlRead.Skip(r);
                    break;
            }
        }
        return body;
    }

    private static SubscribeResponseBody ReadSubscribeResponse(XmlReader r)
    {
        WsManEndpointReference? manager = null;
        TimeSpan? expires = null;
        string? context = null;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                switch (r.LocalName)
                {
                    case "SubscriptionManager":
                        manager = WsManPaths.ReadEndpointReference(r);
                        break;
                    case "Expires":
                        expires = ReadDuration(r, "Expires");
                        break;
                    case "EnumerationContext":
                        context = XmlRead.ReadText(r).Trim();
                        break;
                    default:
                        XmlRead.Skip(r);
                        break;
                }
            }
        }
        return new SubscribeResponseBody(manager ?? throw new WsManProtocolException("SubscribeResponse without SubscriptionManager."), expires, context);
    }

    private static RenewBody ReadRenew(XmlReader r, bool response)
    {
        TimeSpan? expires = null;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                if (r.LocalName == "Expires")
                {
                    expires = ReadDuration(r, "Expires");
                }
                else
                {
                    XmlRead.Skip(r);
                }
            }
        }
        return new RenewBody(expires, response);
    }

    private static XmlQualifiedName ReadQName(XmlReader r) => XmlRead.ReadQName(r);

    private static WsManFault ReadFault(XmlReader r)
    {
        var fault = new WsManFault();
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return fault;
        }
        while (XmlRead.NextChild(r, depth))
        {
            switch (r.LocalName)
            {
                case "Code":
                    var cd = r.Depth;
                    if (XmlRead.Enter(r))
                    {
                        while (XmlRead.NextChild(r, cd))
                        {
                            if (r.LocalName == "Value")
                            {
                                var q = ReadQName(r);
                                fault = fault with
                                {
                                    Code = q.Name switch
                                    {
                                        "Sender" => WsManFaultCode.Sender,
                                        "MustUnderstand" => WsManFaultCode.MustUnderstand,
                                        "VersionMismatch" => WsManFaultCode.VersionMismatch,
                                        "DataEncodingUnknown" => WsManFaultCode.DataEncodingUnknown,
                                        _ => WsManFaultCode.Receiver,
                                    },
                                };
                            }
                            else if (r.LocalName == "Subcode")
                            {
                                var sd = r.Depth;
                                if (XmlRead.Enter(r))
                                {
                                    while (XmlRead.NextChild(r, sd))
                                    {
                                        if (r.LocalName == "Value")
                                        {
                                            var q = ReadQName(r);
                                            fault = fault with { Subcode = new WsManSubcode(q.Namespace, q.Name) };
                                        }
                                        else
                                        {
                                            XmlRead.Skip(r);
                                        }
                                    }
                                }
                            }
                            else
                            {
                                XmlRead.Skip(r);
                            }
                        }
                    }
                    break;
                case "Reason":
                    var rd = r.Depth;
                    if (XmlRead.Enter(r))
                    {
                        while (XmlRead.NextChild(r, rd))
                        {
                            var text = XmlRead.ReadText(r);
                            if (fault.Reason.Length == 0)
                            {
                                fault = fault with { Reason = text.Trim() };
                            }
                        }
                    }
                    break;
                case "Detail":
                    fault = ReadDetail(r, fault);
                    break;
                default:
                    XmlRead.Skip(r);
                    break;
            }
        }
        return fault;
    }

    /// <summary>Scans <c>s:Detail</c> for the three shapes of §1.9.3 (MSFT_WmiError/OMI_Error, WSManFault, bare).</summary>
    private static WsManFault ReadDetail(XmlReader r, WsManFault fault)
    {
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return fault;
        }
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            if (r.NodeType != XmlNodeType.Element)
            {
                r.Read();
                continue;
            }
            switch (r.LocalName)
            {
                case "FaultDetail":
                    fault = fault with { FaultDetail = XmlRead.ReadText(r).Trim() };
                    continue;
                case "WSManFault":
                    var codeText = r.GetAttribute("Code");
                    var machine = r.GetAttribute("Machine");
                    if (long.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                        && (fault.WindowsCode is null || (WsManFaults.IsWbemHResult(code) && !WsManFaults.IsWbemHResult(fault.WindowsCode.Value))))
                    {
                        fault = fault with { WindowsCode = code };
                    }
                    fault = fault with { Machine = fault.Machine ?? machine };
                    r.Read();
                    continue;
                case "CIMStatusCode":
                    if (uint.TryParse(XmlRead.ReadText(r).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var cim))
                    {
                        fault = fault with { CimStatusCode = cim };
                    }
                    continue;
                case "error_Code":
                    if (uint.TryParse(XmlRead.ReadText(r).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var hr) && WsManFaults.IsWbemHResult(hr))
                    {
                        fault = fault with { WmiError = (WbemErrorEnum)unchecked((int)hr) };
                    }
                    continue;
                case "StatusCode":
                    // __ExtendedStatus inside a WSManFault ProviderFault.
                    if (uint.TryParse(XmlRead.ReadText(r).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var st) && WsManFaults.IsWbemHResult(st)
                        && fault.WmiError is null)
                    {
                        fault = fault with { WmiError = (WbemErrorEnum)unchecked((int)st) };
                    }
                    continue;
                default:
                    if (r.IsEmptyElement || r.NodeType != XmlNodeType.Element)
                    {
                        r.Read();
                        continue;
                    }
                    // Descend: read the next node inside this element.
                    r.Read();
                    continue;
            }
        }
        r.Read();
        return fault;
    }
}

using System.Globalization;
using System.Xml;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>
/// Writes envelopes with <see cref="XmlWriter"/>, streaming: objects go straight from the CIM model to the
/// output. Requests (no <c>RelatesTo</c>) mark Action, ResourceURI, ReplyTo's address and MaxEnvelopeSize
/// <c>s:mustUnderstand="true"</c>, as WinRM clients do (§1.11).
/// </summary>
public static class WsManWriter
{
    /// <summary>Writes <paramref name="envelope"/> to <paramref name="output"/> as UTF-8.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="envelope">The message.</param>
    /// <param name="objects">How objects in the body are written (namespace and resource-URI style).</param>
    public static void Write(Stream output, WsManEnvelope envelope, CimXmlWriteOptions objects)
    {
        using var w = WsManXml.CreateWriter(output);
        Write(w, envelope, objects);
    }

    /// <summary>Writes <paramref name="envelope"/> to a byte array (UTF-8).</summary>
    public static byte[] ToBytes(WsManEnvelope envelope, CimXmlWriteOptions objects)
    {
        // A per-thread buffer reused across messages: a growing MemoryStream re-copied a PullResponse about four
        // times on its way to 1 MB (issue #6). Taken off the thread while in use (a nested call gets its own), and
        // kept only up to RetainedBufferBytes so an odd huge message does not pin memory on a pool thread.
        var ms = t_buffer ?? new MemoryStream(4096);
        t_buffer = null;
        try
        {
            ms.SetLength(0);
            Write(ms, envelope, objects);
            return ms.ToArray();
        }
        finally
        {
            if (ms.Capacity <= RetainedBufferBytes)
            {
                t_buffer = ms;
            }
        }
    }

    private const int RetainedBufferBytes = 2 * 1024 * 1024;

    [ThreadStatic]
    private static MemoryStream? t_buffer;

    /// <summary>Writes <paramref name="envelope"/> as one document to <paramref name="writer"/>.</summary>
    public static void Write(XmlWriter writer, WsManEnvelope envelope, CimXmlWriteOptions objects)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(objects);
        var h = envelope.Headers;
        writer.WriteStartElement("s", "Envelope", WsManNamespaces.Soap);
        writer.WriteAttributeString("xmlns", "a", null, WsManNamespaces.Addressing);
        writer.WriteAttributeString("xmlns", "n", null, WsManNamespaces.Enumeration);
        writer.WriteAttributeString("xmlns", "e", null, WsManNamespaces.Eventing);
        writer.WriteAttributeString("xmlns", "w", null, WsManNamespaces.WsMan);
        writer.WriteAttributeString("xmlns", "p", null, WsManNamespaces.MicrosoftWsMan);
        writer.WriteStartElement("Header", WsManNamespaces.Soap);
        WriteHeaders(writer, h);
        writer.WriteEndElement();
        writer.WriteStartElement("Body", WsManNamespaces.Soap);
        WriteBody(writer, envelope.Body, objects);
        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.Flush();
    }

    private static void MustUnderstand(XmlWriter w) => w.WriteAttributeString("mustUnderstand", WsManNamespaces.Soap, "true");

    private static void WriteHeaders(XmlWriter w, WsManHeaders h)
    {
        // Header order is not significant (§1.12 item 13); requests follow WinRM's order and replies Windows', so
        // captures compare easily.
        if (h.RelatesTo is null)
        {
            WriteText(w, "To", WsManNamespaces.Addressing, h.To);
            WriteMandatory(w, "ResourceURI", WsManNamespaces.WsMan, h.ResourceUri);
            if (h.ReplyTo is not null)
            {
                w.WriteStartElement("ReplyTo", WsManNamespaces.Addressing);
                WriteMandatory(w, "Address", WsManNamespaces.Addressing, h.ReplyTo);
                w.WriteEndElement();
            }
            WriteMandatory(w, "Action", WsManNamespaces.Addressing, h.Action);
            WriteMandatory(w, "MaxEnvelopeSize", WsManNamespaces.WsMan, h.MaxEnvelopeSize?.ToString(CultureInfo.InvariantCulture));
            WriteText(w, "MessageID", WsManNamespaces.Addressing, h.MessageId);
        }
        else
        {
            WriteText(w, "Action", WsManNamespaces.Addressing, h.Action);
            WriteText(w, "MessageID", WsManNamespaces.Addressing, h.MessageId);
            WriteText(w, "To", WsManNamespaces.Addressing, h.To);
            WriteText(w, "RelatesTo", WsManNamespaces.Addressing, h.RelatesTo);
            WriteMandatory(w, "ResourceURI", WsManNamespaces.WsMan, h.ResourceUri);
        }
        if (h.Locale is not null)
        {
            w.WriteStartElement("Locale", WsManNamespaces.WsMan);
            w.WriteAttributeString("xml", "lang", WsManNamespaces.Xml, h.Locale);
            w.WriteAttributeString("mustUnderstand", WsManNamespaces.Soap, "false");
            w.WriteEndElement();
        }
        if (h.DataLocale is not null)
        {
            w.WriteStartElement("DataLocale", WsManNamespaces.MicrosoftWsMan);
            w.WriteAttributeString("xml", "lang", WsManNamespaces.Xml, h.DataLocale);
            w.WriteAttributeString("mustUnderstand", WsManNamespaces.Soap, "false");
            w.WriteEndElement();
        }
        if (h.OperationTimeout is { } timeout)
        {
            w.WriteElementString("OperationTimeout", WsManNamespaces.WsMan, CimXmlValues.FormatXsDuration(timeout));
        }
        if (h.Selectors.Count > 0)
        {
            WsManPaths.WriteSelectorSet(w, h.Selectors);
        }
        if (h.Options.Count > 0)
        {
            w.WriteStartElement("OptionSet", WsManNamespaces.WsMan);
            if (h.OptionsMustBeUnderstood)
            {
                MustUnderstand(w);
            }
            foreach (var o in h.Options)
            {
                w.WriteStartElement("Option", WsManNamespaces.WsMan);
                w.WriteAttributeString("Name", o.Name);
                if (o.Type is not null)
                {
                    w.WriteAttributeString("Type", o.Type);
                }
                w.WriteString(o.Value);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        WriteText(w, "Identifier", WsManNamespaces.Eventing, h.SubscriptionIdentifier);
        WriteText(w, "Bookmark", WsManNamespaces.WsMan, h.Bookmark);
    }

    private static void WriteText(XmlWriter w, string name, string ns, string? value)
    {
        if (value is not null)
        {
            w.WriteElementString(name, ns, value);
        }
    }

    private static void WriteMandatory(XmlWriter w, string name, string ns, string? value)
    {
        if (value is not null)
        {
            w.WriteStartElement(name, ns);
            MustUnderstand(w);
            w.WriteString(value);
            w.WriteEndElement();
        }
    }

    private static void WriteBody(XmlWriter w, WsManBody body, CimXmlWriteOptions objects)
    {
        switch (body)
        {
            case WsManEmptyBody:
                break;
            case IdentifyBody:
                w.WriteStartElement("wsmid", "Identify", WsManNamespaces.Identity);
                w.WriteEndElement();
                break;
            case IdentifyResponseBody id:
                w.WriteStartElement("wsmid", "IdentifyResponse", WsManNamespaces.Identity);
                w.WriteElementString("ProtocolVersion", WsManNamespaces.Identity, id.ProtocolVersion);
                if (id.ProductVendor is not null)
                {
                    w.WriteElementString("ProductVendor", WsManNamespaces.Identity, id.ProductVendor);
                }
                if (id.ProductVersion is not null)
                {
                    w.WriteElementString("ProductVersion", WsManNamespaces.Identity, id.ProductVersion);
                }
                if (id.SecurityProfiles.Count > 0)
                {
                    w.WriteStartElement("SecurityProfiles", WsManNamespaces.Identity);
                    foreach (var p in id.SecurityProfiles)
                    {
                        w.WriteElementString("SecurityProfileName", WsManNamespaces.Identity, p);
                    }
                    w.WriteEndElement();
                }
                if (id.FaultIncludesCimError)
                {
                    w.WriteStartElement("b", "Capability_FaultIncludesCIMError", WsManNamespaces.CimBinding);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
                break;
            case ObjectBody ob:
                CimInstanceXml.WriteObject(w, ob.Value, objects);
                break;
            case MethodParametersBody mp:
                CimInstanceXml.WriteParameters(w, mp.ClassName, mp.MethodName, mp.IsOutput, mp.Parameters, objects);
                break;
            case ResourceCreatedBody rc:
                w.WriteStartElement("ResourceCreated", WsManNamespaces.Transfer);
                WsManPaths.WriteEndpointReferenceContent(w, rc.Reference);
                w.WriteEndElement();
                break;
            case EnumerateBody en:
                WriteEnumerate(w, en);
                break;
            case EnumerateResponseBody er:
                w.WriteStartElement("EnumerateResponse", WsManNamespaces.Enumeration);
                w.WriteElementString("EnumerationContext", WsManNamespaces.Enumeration, er.Context ?? "");
                if (er.Items.Count > 0 || er.EndOfSequence)
                {
                    w.WriteStartElement("Items", WsManNamespaces.WsMan);
                    var cache = new CimInstanceXml.CimXmlWriteCache();
                    foreach (var item in er.Items)
                    {
                        CimInstanceXml.WriteObject(w, item, objects, cache);
                    }
                    w.WriteEndElement();
                }
                if (er.EndOfSequence)
                {
                    w.WriteElementString("EndOfSequence", WsManNamespaces.WsMan, "");
                }
                w.WriteEndElement();
                break;
            case PullBody pull:
                w.WriteStartElement("Pull", WsManNamespaces.Enumeration);
                w.WriteElementString("EnumerationContext", WsManNamespaces.Enumeration, pull.Context);
                if (pull.MaxTime is { } mt)
                {
                    w.WriteElementString("MaxTime", WsManNamespaces.Enumeration, CimXmlValues.FormatXsDuration(mt));
                }
                if (pull.MaxElements is { } me)
                {
                    w.WriteElementString("MaxElements", WsManNamespaces.Enumeration, me.ToString(CultureInfo.InvariantCulture));
                }
                if (pull.MaxCharacters is { } mc)
                {
                    w.WriteElementString("MaxCharacters", WsManNamespaces.Enumeration, mc.ToString(CultureInfo.InvariantCulture));
                }
                w.WriteEndElement();
                break;
            case PullResponseBody pr:
                w.WriteStartElement("PullResponse", WsManNamespaces.Enumeration);
                if (pr.Context is not null)
                {
                    w.WriteElementString("EnumerationContext", WsManNamespaces.Enumeration, pr.Context);
                }
                if (pr.Items.Count > 0)
                {
                    w.WriteStartElement("Items", WsManNamespaces.Enumeration);
                    var cache = new CimInstanceXml.CimXmlWriteCache();
                    foreach (var item in pr.Items)
                    {
                        CimInstanceXml.WriteObject(w, item, objects, cache);
                    }
                    w.WriteEndElement();
                }
                if (pr.EndOfSequence)
                {
                    w.WriteElementString("EndOfSequence", WsManNamespaces.Enumeration, "");
                }
                w.WriteEndElement();
                break;
            case ReleaseBody rel:
                w.WriteStartElement("Release", WsManNamespaces.Enumeration);
                w.WriteElementString("EnumerationContext", WsManNamespaces.Enumeration, rel.Context);
                w.WriteEndElement();
                break;
            case SubscribeBody sub:
                WriteSubscribe(w, sub);
                break;
            case SubscribeResponseBody sr:
                w.WriteStartElement("SubscribeResponse", WsManNamespaces.Eventing);
                w.WriteStartElement("SubscriptionManager", WsManNamespaces.Eventing);
                WsManPaths.WriteEndpointReferenceContent(w, sr.SubscriptionManager);
                w.WriteEndElement();
                if (sr.Expires is { } sx)
                {
                    w.WriteElementString("Expires", WsManNamespaces.Eventing, CimXmlValues.FormatXsDuration(sx));
                }
                if (sr.Context is not null)
                {
                    w.WriteElementString("EnumerationContext", WsManNamespaces.Enumeration, sr.Context);
                }
                w.WriteEndElement();
                break;
            case RenewBody renew:
                w.WriteStartElement(renew.IsResponse ? "RenewResponse" : "Renew", WsManNamespaces.Eventing);
                if (renew.Expires is { } rx)
                {
                    w.WriteElementString("Expires", WsManNamespaces.Eventing, CimXmlValues.FormatXsDuration(rx));
                }
                w.WriteEndElement();
                break;
            case UnsubscribeBody:
                w.WriteStartElement("Unsubscribe", WsManNamespaces.Eventing);
                w.WriteEndElement();
                break;
            case FaultBody fault:
                WriteFault(w, fault.Fault);
                break;
            default:
                throw new ArgumentException($"Unknown body type {body.GetType().Name}.", nameof(body));
        }
    }

    private static void WriteFilter(XmlWriter w, WsManFilter filter)
    {
        switch (filter)
        {
            case WsManQueryFilter q:
                w.WriteStartElement("Filter", WsManNamespaces.WsMan);
                w.WriteAttributeString("Dialect", q.Dialect);
                w.WriteString(q.Text);
                w.WriteEndElement();
                break;
            case WsManAssociationFilter a:
                w.WriteStartElement("Filter", WsManNamespaces.WsMan);
                w.WriteAttributeString("Dialect", WsManUris.AssociationDialect);
                w.WriteStartElement("b", a.Associators ? "AssociatedInstances" : "AssociationInstances", WsManNamespaces.CimBinding);
                w.WriteStartElement("Object", WsManNamespaces.CimBinding);
                WsManPaths.WriteEndpointReferenceContent(w, a.Object);
                w.WriteEndElement();
                if (a.AssociationClassName is not null)
                {
                    w.WriteElementString("AssociationClassName", WsManNamespaces.CimBinding, a.AssociationClassName);
                }
                if (a.Role is not null)
                {
                    w.WriteElementString("Role", WsManNamespaces.CimBinding, a.Role);
                }
                if (a.ResultClassName is not null)
                {
                    w.WriteElementString("ResultClassName", WsManNamespaces.CimBinding, a.ResultClassName);
                }
                if (a.ResultRole is not null)
                {
                    w.WriteElementString("ResultRole", WsManNamespaces.CimBinding, a.ResultRole);
                }
                w.WriteEndElement();
                w.WriteEndElement();
                break;
            default:
                throw new ArgumentException($"Unknown filter type {filter.GetType().Name}.", nameof(filter));
        }
    }

    private static void WriteEnumerate(XmlWriter w, EnumerateBody en)
    {
        w.WriteStartElement("Enumerate", WsManNamespaces.Enumeration);
        if (en.Expires is not null)
        {
            w.WriteElementString("Expires", WsManNamespaces.Enumeration, en.Expires);
        }
        if (en.OptimizeEnumeration)
        {
            w.WriteElementString("OptimizeEnumeration", WsManNamespaces.WsMan, "");
        }
        if (en.MaxElements is { } max)
        {
            w.WriteElementString("MaxElements", WsManNamespaces.WsMan, max.ToString(CultureInfo.InvariantCulture));
        }
        if (en.Filter is not null)
        {
            WriteFilter(w, en.Filter);
        }
        if (en.Mode != WsManEnumerationMode.Objects)
        {
            w.WriteElementString("EnumerationMode", WsManNamespaces.WsMan,
                en.Mode == WsManEnumerationMode.EnumerateEpr ? "EnumerateEPR" : "EnumerateObjectAndEPR");
        }
        if (en.PolymorphismMode is not null)
        {
            w.WriteElementString("b", "PolymorphismMode", WsManNamespaces.CimBinding, en.PolymorphismMode);
        }
        w.WriteEndElement();
    }

    private static void WriteSubscribe(XmlWriter w, SubscribeBody sub)
    {
        w.WriteStartElement("Subscribe", WsManNamespaces.Eventing);
        w.WriteStartElement("Delivery", WsManNamespaces.Eventing);
        w.WriteAttributeString("Mode", sub.DeliveryMode);
        if (sub.Heartbeats is { } hb)
        {
            w.WriteElementString("Heartbeats", WsManNamespaces.WsMan, CimXmlValues.FormatXsDuration(hb));
        }
        if (sub.Locale is not null)
        {
            w.WriteStartElement("Locale", WsManNamespaces.WsMan);
            w.WriteAttributeString("xml", "lang", WsManNamespaces.Xml, sub.Locale);
            w.WriteAttributeString("mustUnderstand", WsManNamespaces.Soap, "false");
            w.WriteEndElement();
        }
        if (sub.ContentEncoding is not null)
        {
            w.WriteElementString("ContentEncoding", WsManNamespaces.WsMan, sub.ContentEncoding);
        }
        w.WriteEndElement();
        if (sub.Expires is { } ex)
        {
            w.WriteElementString("Expires", WsManNamespaces.Eventing, CimXmlValues.FormatXsDuration(ex));
        }
        if (sub.Filter is not null)
        {
            WriteFilter(w, sub.Filter);
        }
        if (sub.SendBookmarks)
        {
            w.WriteElementString("SendBookmarks", WsManNamespaces.WsMan, "");
        }
        if (sub.Bookmark is not null)
        {
            w.WriteElementString("Bookmark", WsManNamespaces.WsMan, sub.Bookmark);
        }
        w.WriteEndElement();
    }

    private static void WriteFault(XmlWriter w, WsManFault f)
    {
        w.WriteStartElement("Fault", WsManNamespaces.Soap);
        w.WriteStartElement("Code", WsManNamespaces.Soap);
        w.WriteStartElement("Value", WsManNamespaces.Soap);
        w.WriteQualifiedName(f.Code.ToString(), WsManNamespaces.Soap);
        w.WriteEndElement();
        if (f.Subcode is { } sub)
        {
            w.WriteStartElement("Subcode", WsManNamespaces.Soap);
            w.WriteStartElement("Value", WsManNamespaces.Soap);
            if (w.LookupPrefix(sub.Namespace) is null)
            {
                w.WriteAttributeString("xmlns", SubcodePrefix(sub.Namespace), null, sub.Namespace);
            }
            w.WriteQualifiedName(sub.Name, sub.Namespace);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteStartElement("Reason", WsManNamespaces.Soap);
        w.WriteStartElement("Text", WsManNamespaces.Soap);
        w.WriteAttributeString("xml", "lang", WsManNamespaces.Xml, "en-US");
        w.WriteString(f.Reason);
        w.WriteEndElement();
        w.WriteEndElement();
        if (f.FaultDetail is not null || f.WmiError is not null || f.CimStatusCode is not null || f.WindowsCode is not null)
        {
            w.WriteStartElement("Detail", WsManNamespaces.Soap);
            if (f.FaultDetail is not null)
            {
                w.WriteElementString("FaultDetail", WsManNamespaces.WsMan, f.FaultDetail);
            }
            var code = f.WindowsCode ?? (f.WmiError is { } wmiCode ? (uint)wmiCode : null);
            if (code is not null)
            {
                w.WriteStartElement("f", "WSManFault", WsManNamespaces.WsManFault);
                w.WriteAttributeString("Code", code.Value.ToString(CultureInfo.InvariantCulture));
                if (f.Machine is not null)
                {
                    w.WriteAttributeString("Machine", f.Machine);
                }
                w.WriteElementString("Message", WsManNamespaces.WsManFault, f.Reason);
                w.WriteEndElement();
            }
            if (f.WmiError is { } wmi)
            {
                const string ErrorUri = WsManResource.DmtfPrefix + "MSFT_WmiError";
                w.WriteStartElement("p", "MSFT_WmiError", ErrorUri);
                w.WriteAttributeString("xmlns", "b", null, WsManNamespaces.CimBinding);
                w.WriteAttributeString("xmlns", "cim", null, WsManNamespaces.WsCimCommon);
                w.WriteAttributeString("xmlns", "xsi", null, WsManNamespaces.Xsi);
                w.WriteAttributeString("IsCIM_Error", WsManNamespaces.CimBinding, "true");
                w.WriteAttributeString("type", WsManNamespaces.Xsi, "p:MSFT_WmiError_Type");
                var hr = unchecked((uint)wmi);
                TypedElement(w, "CIMStatusCode", ErrorUri, "cimUnsignedInt", (f.CimStatusCode ?? WsManFaults.CimStatusOf(wmi)).ToString(CultureInfo.InvariantCulture));
                TypedElement(w, "Message", ErrorUri, "cimString", f.Reason);
                TypedElement(w, "MessageID", ErrorUri, "cimString", "HRESULT 0x" + hr.ToString("x8", CultureInfo.InvariantCulture));
                TypedElement(w, "OwningEntity", ErrorUri, "cimString", "Wmix");
                TypedElement(w, "PerceivedSeverity", ErrorUri, "cimUnsignedShort", "0");
                TypedElement(w, "ProbableCause", ErrorUri, "cimUnsignedShort", "0");
                TypedElement(w, "error_Category", ErrorUri, "cimUnsignedInt", WsManFaults.MiCategoryOf(wmi).ToString(CultureInfo.InvariantCulture));
                TypedElement(w, "error_Code", ErrorUri, "cimUnsignedInt", hr.ToString(CultureInfo.InvariantCulture));
                TypedElement(w, "error_Type", ErrorUri, "cimString", "HRESULT");
                TypedElement(w, "error_WindowsErrorMessage", ErrorUri, "cimString", WbemException.NameOf(wmi));
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static string SubcodePrefix(string ns) => ns switch
    {
        WsManNamespaces.Enumeration => "n",
        WsManNamespaces.Eventing => "e",
        WsManNamespaces.Transfer => "x",
        WsManNamespaces.CimBinding => "b",
        WsManNamespaces.Addressing => "a",
        _ => "w",
    };

    private static void TypedElement(XmlWriter w, string name, string ns, string cimType, string text)
    {
        w.WriteStartElement(name, ns);
        w.WriteAttributeString("type", WsManNamespaces.Xsi, "cim:" + cimType);
        w.WriteString(text);
        w.WriteEndElement();
    }
}

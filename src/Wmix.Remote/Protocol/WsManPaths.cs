using System.Globalization;
using System.Xml;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>
/// Object paths ↔ endpoint references and selector sets (§1.5.2): one selector per key (a reference key as a
/// nested EPR) plus <c>__cimnamespace</c> when the resource URI does not carry the namespace.
/// </summary>
public static class WsManPaths
{
    /// <summary>The endpoint reference of <paramref name="path"/>; its namespace defaults to <paramref name="defaultNamespace"/>.</summary>
    public static WsManEndpointReference ToEndpointReference(CimObjectPath path, string defaultNamespace,
        WsManResourceUriStyle style, string address = WsManUris.Anonymous)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(defaultNamespace);
        var ns = path.Namespace ?? defaultNamespace;
        var uri = WsManResource.Format(ns, path.ClassName, style);
        return new WsManEndpointReference(address, uri, ToSelectors(path, defaultNamespace, style));
    }

    /// <summary>The selectors of <paramref name="path"/> (keys, and <c>__cimnamespace</c> for the DMTF and class-definition styles).</summary>
    public static IReadOnlyList<WsManSelector> ToSelectors(CimObjectPath path, string defaultNamespace, WsManResourceUriStyle style)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ns = path.Namespace ?? defaultNamespace;
        var list = new List<WsManSelector>(path.Keys.Count + 1);
        foreach (var key in path.Keys)
        {
            list.Add(key.Value is CimObjectPath target
                ? new WsManSelector(key.Name, null, ToEndpointReference(target, ns, style))
                : new WsManSelector(key.Name, FormatKey(key.Value)));
        }
        if (WsManResource.NamespaceSelectorNeeded(style))
        {
            list.Add(new WsManSelector(WsManSelector.CimNamespace, WsManResource.WireNamespace(ns)));
        }
        return list;
    }

    /// <summary>The text of a key value on the wire.</summary>
    public static string FormatKey(object value) => value switch
    {
        bool b => b ? "true" : "false",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// The object path an endpoint reference (or a resource URI + selectors) names. Without a class its key values
    /// stay text; <see cref="BindKeys"/> types them against the class. No key selectors gives a class path.
    /// </summary>
    /// <exception cref="WsManProtocolException">The resource URI is not a CIM class URI.</exception>
    public static CimObjectPath ToObjectPath(string? resourceUri, IReadOnlyList<WsManSelector> selectors, string? defaultNamespace, string? server = null)
    {
        ArgumentNullException.ThrowIfNull(selectors);
        if (!WsManResource.TryParse(resourceUri, selectors, out var resource) || resource.ClassName is null)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"'{resourceUri}' does not name a CIM class.");
        }
        var ns = resource.Namespace ?? defaultNamespace;
        var keys = new List<CimKeyBinding>(selectors.Count);
        foreach (var s in selectors)
        {
            if (string.Equals(s.Name, WsManSelector.CimNamespace, StringComparison.OrdinalIgnoreCase)
                || (resource.Style == WsManResourceUriStyle.ClassDefinition && string.Equals(s.Name, WsManSelector.ClassName, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            object value = s.Reference is { } epr ? ToObjectPath(epr, ns) : s.Value ?? "";
            keys.Add(new CimKeyBinding(s.Name, value));
        }
        try
        {
            return new CimObjectPath(server, ns, resource.ClassName, keys);
        }
        catch (WbemException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, "Invalid selectors: " + e.Message, e);
        }
    }

    /// <summary>The object path of an endpoint reference.</summary>
    public static CimObjectPath ToObjectPath(WsManEndpointReference reference, string? defaultNamespace, string? server = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ToObjectPath(reference.ResourceUri, reference.Selectors, defaultNamespace, server);
    }

    /// <summary>
    /// Types the text keys of <paramref name="path"/> with the key properties of <paramref name="cls"/> (selectors
    /// are text on the wire); the unnamed key binds to the class's only key.
    /// </summary>
    /// <exception cref="WbemException">wbemErrInvalidObjectPath when a key is not a key of the class or its text is not of the key's type.</exception>
    public static CimObjectPath BindKeys(CimObjectPath path, CimClass cls)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(cls);
        if (path.Keys.Count == 0)
        {
            return path;
        }
        var keys = new List<CimKeyBinding>(path.Keys.Count);
        foreach (var k in path.Keys)
        {
            var prop = k.Name.Length == 0 && cls.KeyIndexes.Count == 1 ? cls.Properties[cls.KeyIndexes[0]] : cls.FindProperty(k.Name);
            if (prop is null || !prop.IsKey)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidObjectPath, $"'{k.Name}' is not a key of class '{cls.Name}'.");
            }
            object value = k.Value;
            if (value is string text && prop.Type is not (CimType.String or CimType.Reference or CimType.DateTime))
            {
                try
                {
                    value = CimXmlValues.ParseScalar(text, prop.Type) switch
                    {
                        sbyte or short or int or long => Convert.ToInt64(CimXmlValues.ParseScalar(text, prop.Type), CultureInfo.InvariantCulture),
                        byte or ushort or uint or ulong => Convert.ToUInt64(CimXmlValues.ParseScalar(text, prop.Type), CultureInfo.InvariantCulture),
                        var other => other,
                    };
                }
                catch (WsManProtocolException e)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrInvalidObjectPath, $"Key '{prop.Name}': {e.Message}", e);
                }
            }
            keys.Add(new CimKeyBinding(prop.Name, value));
        }
        return path.WithKeys(keys);
    }

    internal static void WriteEndpointReferenceContent(XmlWriter w, WsManEndpointReference epr)
    {
        w.WriteElementString("Address", WsManNamespaces.Addressing, epr.Address);
        w.WriteStartElement("ReferenceParameters", WsManNamespaces.Addressing);
        if (epr.ResourceUri is not null)
        {
            w.WriteElementString("ResourceURI", WsManNamespaces.WsMan, epr.ResourceUri);
        }
        if (epr.Selectors.Count > 0)
        {
            WriteSelectorSet(w, epr.Selectors);
        }
        if (epr.Identifier is not null)
        {
            w.WriteElementString("Identifier", WsManNamespaces.Eventing, epr.Identifier);
        }
        w.WriteEndElement();
    }

    internal static void WriteSelectorSet(XmlWriter w, IReadOnlyList<WsManSelector> selectors)
    {
        w.WriteStartElement("SelectorSet", WsManNamespaces.WsMan);
        foreach (var s in selectors)
        {
            w.WriteStartElement("Selector", WsManNamespaces.WsMan);
            w.WriteAttributeString("Name", s.Name);
            if (s.Reference is { } epr)
            {
                w.WriteStartElement("EndpointReference", WsManNamespaces.Addressing);
                WriteEndpointReferenceContent(w, epr);
                w.WriteEndElement();
            }
            else
            {
                w.WriteString(s.Value ?? "");
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>Reads the children of an EPR container (a:Address, a:ReferenceParameters or a:ReferenceProperties…).</summary>
    internal static WsManEndpointReference ReadEndpointReference(XmlReader r)
    {
        var depth = r.Depth;
        string address = WsManUris.Anonymous;
        string? uri = null;
        string? identifier = null;
        IReadOnlyList<WsManSelector> selectors = [];
        if (!XmlRead.Enter(r))
        {
            return new WsManEndpointReference(address, uri, selectors);
        }
        while (XmlRead.NextChild(r, depth))
        {
            if (XmlRead.Is(r, WsManNamespaces.Addressing, "Address"))
            {
                address = XmlRead.ReadText(r).Trim();
            }
            else if (XmlRead.Is(r, WsManNamespaces.Addressing, "ReferenceParameters") || XmlRead.Is(r, WsManNamespaces.Addressing, "ReferenceProperties"))
            {
                var inner = r.Depth;
                if (XmlRead.Enter(r))
                {
                    while (XmlRead.NextChild(r, inner))
                    {
                        ReadReferenceParameter(r, ref uri, ref selectors, ref identifier);
                    }
                }
            }
            else if (XmlRead.Is(r, WsManNamespaces.Addressing, "EndpointReference"))
            {
                // A selector or property holding the EPR element itself.
                var nested = ReadEndpointReference(r);
                address = nested.Address;
                uri = nested.ResourceUri;
                selectors = nested.Selectors;
                identifier = nested.Identifier;
            }
            else
            {
                ReadReferenceParameter(r, ref uri, ref selectors, ref identifier);
            }
        }
        return new WsManEndpointReference(address, uri, selectors, identifier);
    }

    private static void ReadReferenceParameter(XmlReader r, ref string? uri, ref IReadOnlyList<WsManSelector> selectors, ref string? identifier)
    {
        if (XmlRead.Is(r, WsManNamespaces.WsMan, "ResourceURI"))
        {
            uri = XmlRead.ReadText(r).Trim();
        }
        else if (XmlRead.Is(r, WsManNamespaces.WsMan, "SelectorSet"))
        {
            selectors = ReadSelectorSet(r);
        }
        else if (XmlRead.Is(r, WsManNamespaces.Eventing, "Identifier"))
        {
            identifier = XmlRead.ReadText(r).Trim();
        }
        else
        {
            XmlRead.Skip(r);
        }
    }

    internal static List<WsManSelector> ReadSelectorSet(XmlReader r)
    {
        var list = new List<WsManSelector>();
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return list;
        }
        while (XmlRead.NextChild(r, depth))
        {
            if (!XmlRead.Is(r, WsManNamespaces.WsMan, "Selector"))
            {
                XmlRead.Skip(r);
                continue;
            }
            var name = r.GetAttribute("Name") ?? throw new WsManProtocolException("A selector has no Name.");
            var sd = r.Depth;
            if (r.IsEmptyElement)
            {
                r.Read();
                list.Add(new WsManSelector(name, ""));
                continue;
            }
            r.Read();
            WsManEndpointReference? epr = null;
            var text = new System.Text.StringBuilder();
            while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == sd))
            {
                if (r.NodeType == XmlNodeType.Element)
                {
                    if (XmlRead.Is(r, WsManNamespaces.Addressing, "EndpointReference"))
                    {
                        epr = ReadEndpointReference(r);
                    }
                    else
                    {
                        XmlRead.Skip(r);
                    }
                    continue;
                }
                if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
                {
                    text.Append(r.Value);
                }
                r.Read();
            }
            r.Read();
            // Selector text is the key value itself: whitespace is significant and kept.
            list.Add(epr is null ? new WsManSelector(name, text.ToString()) : new WsManSelector(name, null, epr));
        }
        return list;
    }
}

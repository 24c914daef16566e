using System.Xml;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>Finds class definitions while decoding (instances carry no types on the wire, §1.6).</summary>
public interface ICimClassResolver
{
    /// <summary>The class <paramref name="className"/> in <paramref name="namespace"/> (null: the context's namespace), or null when unknown.</summary>
    CimClass? ResolveClass(string? @namespace, string className);
}

/// <summary>How objects are written. Immutable.</summary>
/// <param name="Namespace">The namespace of objects that do not name their own.</param>
/// <param name="Style">The resource-URI convention for element namespaces and references.</param>
/// <param name="IncludeTypes">Put <c>xsi:type="cim:cim…"</c> on every value (Microsoft's <c>includepropertymetadata</c>).</param>
public sealed record CimXmlWriteOptions(string Namespace, WsManResourceUriStyle Style = WsManResourceUriStyle.Wmi, bool IncludeTypes = false);

/// <summary>How objects are read. Immutable.</summary>
/// <param name="Namespace">The namespace of objects whose element namespace does not carry one (DMTF style).</param>
/// <param name="Classes">Where class definitions come from; without one (or for an unknown class) objects are
/// decoded from what the XML shows (<c>xsi:type</c>, repetition), every untyped value a string.</param>
/// <param name="Server">The server recorded on decoded objects, or null.</param>
public sealed record CimXmlReadContext(string? Namespace, ICimClassResolver? Classes = null, string? Server = null);

/// <summary>
/// CIM instances ↔ WS-Management instance XML (§1.6): the root element is the class in its resource-URI namespace
/// with <c>xsi:type="p:Class_Type"</c>; properties in class order; NULL as <c>xsi:nil</c>; arrays as repeated
/// elements (an empty array writes nothing); datetimes wrapped in <c>cim:Datetime</c>/<c>cim:Interval</c>
/// (<c>cim:CIM_DateTime</c> for wildcards); references as EPRs; embedded instances with their own namespace and
/// <c>xsi:type</c>; embedded classes as DSP0201 <c>CLASS</c>. Classes as a whole travel as DSP0201 (<see cref="CimClassXml"/>).
/// </summary>
public static class CimInstanceXml
{
    private static readonly string[] s_prefixes = ["p", "q", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"];

    /// <summary>Writes <paramref name="value"/> as one element: an instance element, or a <c>CLASS</c> for a class.</summary>
    public static void WriteObject(XmlWriter writer, CimObject value, CimXmlWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        WriteObject(writer, value, options, new CimXmlWriteCache());
    }

    /// <summary>
    /// <see cref="WriteObject(XmlWriter, CimObject, CimXmlWriteOptions)"/> with a memo shared by the items of one
    /// message: the element namespace and <c>xsi:type</c> text of a class are built once per batch, not per item.
    /// </summary>
    internal static void WriteObject(XmlWriter writer, CimObject value, CimXmlWriteOptions options, CimXmlWriteCache cache)
    {
        if (value is CimClass cls)
        {
            CimClassXml.Write(writer, cls);
            return;
        }
        var ns = value.Namespace ?? options.Namespace;
        var (uri, typeName) = cache.Names(ns, value.ClassName, options.Style);
        writer.WriteStartElement("p", value.ClassName, uri);
        writer.WriteAttributeString("xmlns", "xsi", null, WsManNamespaces.Xsi);
        writer.WriteAttributeString("xmlns", "cim", null, WsManNamespaces.WsCimCommon);
        writer.WriteAttributeString("type", WsManNamespaces.Xsi, typeName);
        WriteProperties(writer, value, uri, 0, ns, options);
        writer.WriteEndElement();
    }

    /// <summary>Per-message memo of the writer (the last class's element namespace and <c>xsi:type</c>). Not thread-safe.</summary>
    internal sealed class CimXmlWriteCache
    {
        private string? _ns;
        private string? _className;
        private WsManResourceUriStyle _style;
        private string _uri = "";
        private string _typeName = "";

        /// <summary>The element namespace and <c>p:Class_Type</c> of <paramref name="className"/> in <paramref name="ns"/>.</summary>
        public (string Uri, string TypeName) Names(string ns, string className, WsManResourceUriStyle style)
        {
            if (_className is null || style != _style || !string.Equals(className, _className, StringComparison.Ordinal) || !string.Equals(ns, _ns, StringComparison.Ordinal))
            {
                _uri = ClassUri(ns, className, style);
                _typeName = "p:" + className + "_Type";
                _ns = ns;
                _className = className;
                _style = style;
            }
            return (_uri, _typeName);
        }
    }

    /// <summary>Writes the <c>&lt;Method&gt;_INPUT</c> or <c>_OUTPUT</c> element of a method call (§1.5.3).</summary>
    public static void WriteParameters(XmlWriter writer, string className, string methodName, bool output, CimObject? parameters, CimXmlWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(methodName);
        ArgumentNullException.ThrowIfNull(options);
        var uri = ClassUri(options.Namespace, className, options.Style);
        writer.WriteStartElement("p", methodName + (output ? "_OUTPUT" : "_INPUT"), uri);
        writer.WriteAttributeString("xmlns", "xsi", null, WsManNamespaces.Xsi);
        writer.WriteAttributeString("xmlns", "cim", null, WsManNamespaces.WsCimCommon);
        if (parameters is not null)
        {
            WriteProperties(writer, parameters, uri, 0, options.Namespace, options);
        }
        writer.WriteEndElement();
    }

    private static string ClassUri(string ns, string className, WsManResourceUriStyle style) =>
        WsManResource.Format(ns, className, style == WsManResourceUriStyle.ClassDefinition ? WsManResourceUriStyle.Wmi : style);

    private static void WriteProperties(XmlWriter w, CimObject obj, string uri, int depth, string ns, CimXmlWriteOptions options)
    {
        var props = obj.Properties;
        for (var i = 0; i < props.Count; i++)
        {
            var p = props[i];
            var value = obj.GetValue(i);
            if (value is null)
            {
                w.WriteStartElement(p.Name, uri);
                w.WriteAttributeString("nil", WsManNamespaces.Xsi, "true");
                w.WriteEndElement();
                continue;
            }
            if (p.IsArray && value is Array array)
            {
                foreach (var item in array)
                {
                    WriteValue(w, p.Name, uri, p.Type, item, depth, ns, options);
                }
                continue;
            }
            WriteValue(w, p.Name, uri, p.Type, value, depth, ns, options);
        }
    }

    private static void WriteValue(XmlWriter w, string name, string uri, CimType type, object? value, int depth, string ns, CimXmlWriteOptions options)
    {
        w.WriteStartElement(name, uri);
        if (value is null)
        {
            w.WriteAttributeString("nil", WsManNamespaces.Xsi, "true");
            w.WriteEndElement();
            return;
        }
        switch (type)
        {
            case CimType.Object:
                WriteEmbedded(w, value, depth, ns, options);
                break;
            case CimType.Reference:
                if (options.IncludeTypes)
                {
                    w.WriteAttributeString("type", WsManNamespaces.Xsi, "cim:cimReference");
                }
                var text = value is CimObjectPath cp ? cp.ToString() : value.ToString() ?? "";
                var path = CimObjectPath.TryParseReference(text, out var parsed) ? parsed
                    : throw new WbemException(WbemErrorEnum.wbemErrInvalidObjectPath, $"'{text}' is not an object path.");
                WsManPaths.WriteEndpointReferenceContent(w, WsManPaths.ToEndpointReference(path, ns,
                    options.Style == WsManResourceUriStyle.ClassDefinition ? WsManResourceUriStyle.Wmi : options.Style));
                break;
            case CimType.DateTime:
                if (options.IncludeTypes)
                {
                    w.WriteAttributeString("type", WsManNamespaces.Xsi, "cim:cimDateTime");
                }
                var (element, dt) = CimXmlValues.FormatDateTime(value.ToString() ?? "");
                w.WriteElementString(element, WsManNamespaces.WsCimCommon, dt);
                break;
            default:
                if (options.IncludeTypes)
                {
                    w.WriteAttributeString("type", WsManNamespaces.Xsi, "cim:" + CimXmlValues.WsCimTypeName(type));
                }
                w.WriteString(CimXmlValues.FormatScalar(value, type == CimType.None ? CimValue.InferType(value, out _) : type));
                break;
        }
        w.WriteEndElement();
    }

    private static void WriteEmbedded(XmlWriter w, object value, int depth, string ns, CimXmlWriteOptions options)
    {
        if (value is CimClass cls)
        {
            CimClassXml.Write(w, cls);
            return;
        }
        if (value is not CimObject obj)
        {
            throw new WbemException(WbemErrorEnum.wbemErrTypeMismatch, "An object property holds a value that is not an object.");
        }
        var prefix = s_prefixes[Math.Min(depth + 1, s_prefixes.Length - 1)];
        if (depth + 1 >= s_prefixes.Length)
        {
            prefix += "_" + depth.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var embeddedNs = obj.Namespace ?? ns;
        var uri = ClassUri(embeddedNs, obj.ClassName, options.Style);
        w.WriteAttributeString("xmlns", prefix, null, uri);
        w.WriteAttributeString("type", WsManNamespaces.Xsi, prefix + ":" + obj.ClassName + "_Type");
        WriteProperties(w, obj, uri, depth + 1, embeddedNs, options);
    }

    /// <summary>
    /// Reads one object element (instance, or DSP0201 <c>CLASS</c>) at the reader's position and moves past it.
    /// </summary>
    /// <exception cref="WsManProtocolException">Malformed or mistyped data.</exception>
    public static CimObject ReadObject(XmlReader reader, CimXmlReadContext context)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(context);
        return ReadObject(reader, context, new CimXmlReadCache());
    }

    /// <summary>
    /// <see cref="ReadObject(XmlReader, CimXmlReadContext)"/> with a memo shared by the items of one message (element
    /// namespace → CIM namespace, class resolution, untyped class shapes), so a batch pays for them once.
    /// </summary>
    internal static CimObject ReadObject(XmlReader reader, CimXmlReadContext context, CimXmlReadCache cache)
    {
        if (reader.NodeType != XmlNodeType.Element)
        {
            reader.MoveToContent();
        }
        if (reader.LocalName == "CLASS" && reader.NamespaceURI.Length == 0)
        {
            return CimClassXml.Read(reader, context);
        }
        var className = reader.LocalName;
        var ns = cache.NamespaceOfElement(reader.NamespaceURI) ?? context.Namespace;
        var cls = cache.Resolve(context, ns, className);
        var instance = ReadInstanceContent(reader, cls, className, ns, context, cache);
        return ns is null && context.Server is null ? instance : instance.WithLocation(context.Server, ns);
    }

    /// <summary>
    /// Reads a <c>&lt;Method&gt;_INPUT</c>/<c>_OUTPUT</c> element into a parameters instance typed by the method's
    /// declaration when the class resolves; returns the method name and direction too.
    /// </summary>
    public static MethodParametersBody ReadParameters(XmlReader reader, CimXmlReadContext context)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(context);
        var local = reader.LocalName;
        var output = local.EndsWith("_OUTPUT", StringComparison.Ordinal);
        if (!output && !local.EndsWith("_INPUT", StringComparison.Ordinal))
        {
            throw new WsManProtocolException($"'{local}' is not a method input or output element.");
        }
        var method = local[..local.LastIndexOf('_')];
        var uri = reader.NamespaceURI;
        var className = uri.Length > 0 && uri.LastIndexOf('/') is var slash and >= 0 ? uri[(slash + 1)..] : null;
        var ns = NamespaceOfElement(uri) ?? context.Namespace;
        CimClass? paramClass = null;
        if (className is not null && CimNames.IsIdentifier(className) && context.Classes?.ResolveClass(ns, className) is { } cls
            && cls.Methods.Find(method) is { } m)
        {
            paramClass = output ? m.OutParameters : m.InParameters;
        }
        var parameters = ReadInstanceContent(reader, paramClass, "__PARAMETERS", ns, context, new CimXmlReadCache());
        return new MethodParametersBody(className ?? "", method, output, parameters);
    }

    /// <summary>The CIM namespace a WMI-style element namespace names, or null (DMTF style, or not a resource URI).</summary>
    internal static string? NamespaceOfElement(string uri) =>
        uri.StartsWith(WsManResource.WmiPrefix, StringComparison.OrdinalIgnoreCase) && WsManResource.TryParse(uri, null, out var res)
            ? res.Namespace
            : null;

    private static CimInstance ReadInstanceContent(XmlReader r, CimClass? cls, string className, string? ns, CimXmlReadContext context, CimXmlReadCache cache)
    {
        if (cls is not null)
        {
            var type = r.AttributeCount == 0 ? null : XmlRead.XsiType(r);
            if (type is { } t && t.Name.Length > 0 && t.Name != className + "_Type" && !t.Name.EndsWith("_Type", StringComparison.Ordinal))
            {
                throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"xsi:type '{t.Name}' does not name class '{className}'.");
            }
            return ReadTyped(r, cls, ns, context, cache);
        }
        return ReadUntyped(r, className, ns, context, cache);
    }

    private static CimInstance ReadTyped(XmlReader r, CimClass cls, string? ns, CimXmlReadContext context, CimXmlReadCache cache)
    {
        var instance = cls.SpawnInstance();
        var count = cls.Properties.Count;
        var seen = new bool[count];
        List<object?>?[]? arrays = null;
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                var index = cls.IndexOf(r.LocalName);
                if (index < 0)
                {
                    // A property the client's copy of the class lacks (newer server schema): ignore it.
                    XmlRead.Skip(r);
                    continue;
                }
                var p = cls.Properties[index];
                var (value, _) = ReadValue(r, p.Type, ns, context, cache);
                if (p.IsArray)
                {
                    arrays ??= new List<object?>?[count];
                    if (value is null && !seen[index])
                    {
                        seen[index] = true;
                        continue;
                    }
                    (arrays[index] ??= []).Add(value);
                }
                else
                {
                    instance.SetValue(index, value);
                }
                seen[index] = true;
            }
        }
        for (var i = 0; i < count; i++)
        {
            var p = cls.Properties[i];
            if (p.IsArray)
            {
                var items = arrays?[i];
                instance.SetValue(i, items is null ? null : ToArray(items, p.Type));
            }
            else if (!seen[i])
            {
                instance.SetValue(i, null);
            }
        }
        return instance;
    }

    private static Array ToArray(List<object?> items, CimType type)
    {
        var array = CimValue.CreateArray(type, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            array.SetValue(items[i], i);
        }
        return array;
    }

    internal sealed class UntypedProperty(string name, CimType type)
    {
        public string Name { get; } = name;
        public CimType Type { get; set; } = type;
        public List<object?> Values { get; } = [];
    }

    private static CimInstance ReadUntyped(XmlReader r, string className, string? ns, CimXmlReadContext context, CimXmlReadCache cache)
    {
        var props = new List<UntypedProperty>();
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                var name = r.LocalName;
                var (value, type) = ReadValue(r, null, ns, context, cache);
                UntypedProperty? existing = null;
                foreach (var candidate in props)
                {
                    if (string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase))
                    {
                        existing = candidate;
                        break;
                    }
                }
                if (existing is null)
                {
                    existing = new UntypedProperty(name, type);
                    props.Add(existing);
                }
                else if (existing.Type == CimType.None)
                {
                    existing.Type = type;
                }
                existing.Values.Add(value);
            }
        }
        var cls = cache.UntypedShape(className, props) ?? cache.RememberShape(className, BuildUntypedClass(className, props));
        var instance = cls.SpawnInstance();
        for (var i = 0; i < props.Count; i++)
        {
            var p = props[i];
            var type = p.Type == CimType.None ? CimType.String : p.Type;
            instance.SetValue(i, p.Values.Count > 1 ? ToArray(p.Values, type) : p.Values[0]);
        }
        return instance;
    }

    private static CimClass BuildUntypedClass(string className, List<UntypedProperty> props)
    {
        var cls = new CimClass(CimNames.IsIdentifier(className) ? className : "__PARAMETERS");
        foreach (var p in props)
        {
            cls.AddProperty(new CimProperty(p.Name, EffectiveType(p), isArray: p.Values.Count > 1));
        }
        return (CimClass)cls.Freeze();
    }

    private static CimType EffectiveType(UntypedProperty p) => p.Type == CimType.None ? CimType.String : p.Type;

    /// <summary>
    /// Per-message memo of the decoder: the items of a batch share their element namespace, class and (untyped)
    /// shape, so the namespace parse, the resolver call (two upper-casings and a dictionary probe in the client) and
    /// the per-instance class construction happen once per batch instead of once per item. Not thread-safe: one
    /// message, one reader, one cache.
    /// </summary>
    internal sealed class CimXmlReadCache
    {
        private string? _uri;
        private string? _uriNamespace;
        private string? _resolvedNs;
        private string? _resolvedName;
        private CimClass? _resolved;
        private Dictionary<string, CimClass>? _shapes;

        /// <summary><see cref="CimInstanceXml.NamespaceOfElement"/>, remembered for the last element namespace seen.</summary>
        public string? NamespaceOfElement(string uri)
        {
            if (!string.Equals(uri, _uri, StringComparison.Ordinal))
            {
                _uriNamespace = CimInstanceXml.NamespaceOfElement(uri);
                _uri = uri;
            }
            return _uriNamespace;
        }

        /// <summary>The context's resolver for (<paramref name="ns"/>, <paramref name="className"/>), remembered for the last pair asked.</summary>
        public CimClass? Resolve(CimXmlReadContext context, string? ns, string className)
        {
            if (context.Classes is null)
            {
                return null;
            }
            if (_resolvedName is null || !string.Equals(className, _resolvedName, StringComparison.Ordinal) || !string.Equals(ns, _resolvedNs, StringComparison.Ordinal))
            {
                _resolved = context.Classes.ResolveClass(ns, className);
                _resolvedNs = ns;
                _resolvedName = className;
            }
            return _resolved;
        }

        /// <summary>The class built for an earlier untyped instance of <paramref name="className"/> when it has exactly these properties (name, type, array-ness); else null.</summary>
        public CimClass? UntypedShape(string className, List<UntypedProperty> props)
        {
            if (_shapes is null || !_shapes.TryGetValue(className, out var cls) || cls.Properties.Count != props.Count)
            {
                return null;
            }
            for (var i = 0; i < props.Count; i++)
            {
                var have = cls.Properties[i];
                var want = props[i];
                if (!string.Equals(have.Name, want.Name, StringComparison.Ordinal) || have.Type != EffectiveType(want) || have.IsArray != want.Values.Count > 1)
                {
                    return null;
                }
            }
            return cls;
        }

        /// <summary>Remembers <paramref name="cls"/> (frozen) as the latest shape of <paramref name="className"/>.</summary>
        public CimClass RememberShape(string className, CimClass cls)
        {
            (_shapes ??= new Dictionary<string, CimClass>(StringComparer.Ordinal))[className] = cls;
            return cls;
        }
    }

    /// <summary>Reads one property element; <paramref name="type"/> null means "work it out from the XML".</summary>
    private static (object? Value, CimType Type) ReadValue(XmlReader r, CimType? type, string? ns, CimXmlReadContext context, CimXmlReadCache cache)
    {
        // Most property elements carry no attribute at all: skip the two attribute look-ups then.
        var plain = r.AttributeCount == 0;
        if (!plain && XmlRead.IsNil(r))
        {
            XmlRead.Skip(r);
            return (null, type ?? CimType.None);
        }
        var xsiType = plain ? null : XmlRead.XsiType(r);
        var effective = type ?? CimType.None;
        if (type is null && xsiType is { } xt)
        {
            effective = xt.Namespace == WsManNamespaces.WsCimCommon ? CimXmlValues.FromWsCimTypeName(xt.Name)
                : xt.Name.EndsWith("_Type", StringComparison.Ordinal) ? CimType.Object : CimType.None;
        }
        if (effective == CimType.Object || (effective == CimType.None && xsiType is { } ot && ot.Name.EndsWith("_Type", StringComparison.Ordinal)))
        {
            return (ReadEmbedded(r, xsiType, ns, context, cache), CimType.Object);
        }
        if (r.IsEmptyElement)
        {
            r.Read();
            return (effective is CimType.String or CimType.None ? "" : CimXmlValues.ParseScalar("", effective), effective == CimType.None ? CimType.String : effective);
        }
        var depth = r.Depth;
        r.Read();
        string? text = null;
        object? result = null;
        var resultType = effective;
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Element:
                    if (r.NamespaceURI == WsManNamespaces.WsCimCommon)
                    {
                        result = CimXmlValues.ParseDateTime(XmlRead.ReadText(r));
                        resultType = CimType.DateTime;
                    }
                    else if (r.NamespaceURI == WsManNamespaces.Addressing)
                    {
                        // An EPR written inline (a:Address, a:ReferenceParameters): read the rest as the reference.
                        var epr = ReadInlineReference(r, depth);
                        result = ReferenceText(TypedKeys(WsManPaths.ToObjectPath(epr, ns, null), ns, context), ns);
                        resultType = CimType.Reference;
                        return (result, resultType);
                    }
                    else if (r.LocalName == "CLASS" && r.NamespaceURI.Length == 0)
                    {
                        result = CimClassXml.Read(r, context);
                        resultType = CimType.Object;
                    }
                    else
                    {
                        throw new WsManProtocolException($"Unexpected element '{r.LocalName}' in a property value.");
                    }
                    continue;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    text = text is null ? r.Value : text + r.Value;
                    break;
                default:
                    break;
            }
            r.Read();
        }
        r.Read();
        if (result is not null)
        {
            return (result, resultType);
        }
        text ??= "";
        return effective switch
        {
            CimType.DateTime => (CimXmlValues.ParseDateTime(text), CimType.DateTime),
            CimType.Reference => (text.Trim(), CimType.Reference),
            CimType.None => (text, CimType.String),
            _ => (CimXmlValues.ParseScalar(text, effective), effective),
        };
    }

    /// <summary>
    /// Selectors are text on the wire: when the referenced class is known, its keys get their types back, so a
    /// reference reads as it was written (<c>C.Index=1</c>, not <c>C.Index="1"</c>); otherwise the text stays.
    /// </summary>
    private static CimObjectPath TypedKeys(CimObjectPath path, string? ns, CimXmlReadContext context)
    {
        // Only within the object's own namespace, where the caller's rights are known to reach: asking for a class
        // elsewhere could make the client fetch a definition the server refuses; such a reference keeps text keys.
        if (path.Keys.Count == 0 || path.ClassName is null
            || (path.Namespace is not null && !string.Equals(path.Namespace, ns, StringComparison.OrdinalIgnoreCase))
            || context.Classes?.ResolveClass(path.Namespace ?? ns, path.ClassName) is not { } target)
        {
            return path;
        }
        try
        {
            return WsManPaths.BindKeys(path, target);
        }
        catch (WbemException)
        {
            // The peer's selectors do not fit the class as we know it: the text keys still name the object.
            return path;
        }
    }

    /// <summary>A reference into the object's own namespace reads back relative (as providers usually write them); others keep their namespace.</summary>
    private static string ReferenceText(CimObjectPath path, string? ns) =>
        path.Namespace is not null && ns is not null && string.Equals(path.Namespace, ns, StringComparison.OrdinalIgnoreCase)
            ? path.WithLocation(null, null).ToString()
            : path.ToString();

    private static WsManEndpointReference ReadInlineReference(XmlReader r, int containerDepth)
    {
        string address = WsManUris.Anonymous;
        string? uri = null;
        IReadOnlyList<WsManSelector> selectors = [];
        do
        {
            if (XmlRead.Is(r, WsManNamespaces.Addressing, "Address"))
            {
                address = XmlRead.ReadText(r).Trim();
            }
            else if (XmlRead.Is(r, WsManNamespaces.Addressing, "ReferenceParameters") || XmlRead.Is(r, WsManNamespaces.Addressing, "ReferenceProperties")
                || XmlRead.Is(r, WsManNamespaces.Addressing, "EndpointReference"))
            {
                var nested = WsManPaths.ReadEndpointReference(r);
                uri = nested.ResourceUri ?? uri;
                selectors = nested.Selectors.Count > 0 ? nested.Selectors : selectors;
            }
            else
            {
                XmlRead.Skip(r);
            }
        }
        while (XmlRead.NextChild(r, containerDepth));
        return new WsManEndpointReference(address, uri, selectors);
    }

    private static CimObject ReadEmbedded(XmlReader r, (string Namespace, string Name)? xsiType, string? ns, CimXmlReadContext context, CimXmlReadCache cache)
    {
        if (xsiType is not { } t || !t.Name.EndsWith("_Type", StringComparison.Ordinal))
        {
            // No type: an embedded CLASS, or an untyped element.
            if (!r.IsEmptyElement)
            {
                var depth = r.Depth;
                r.Read();
                r.MoveToContent();
                if (r.NodeType == XmlNodeType.Element && r.LocalName == "CLASS" && r.NamespaceURI.Length == 0)
                {
                    var cls = CimClassXml.Read(r, context);
                    while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
                    {
                        r.Read();
                    }
                    r.Read();
                    return cls;
                }
            }
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, "An embedded object carries no xsi:type naming its class.");
        }
        var className = t.Name[..^"_Type".Length];
        var embeddedNs = NamespaceOfElement(t.Namespace) ?? ns;
        var embeddedClass = context.Classes?.ResolveClass(embeddedNs, className);
        // Embedded objects carry no location of their own (WMI gives them no __PATH).
        return ReadInstanceContent(r, embeddedClass, className, embeddedNs, context, cache);
    }
}

using System.Xml;
using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>
/// CIM classes ↔ DSP0201 CIM-XML <c>CLASS</c> elements (§1.6, §1.12 item 15): qualifiers with flavors, properties
/// (<c>PROPERTY</c>, <c>PROPERTY.ARRAY</c>, <c>PROPERTY.REFERENCE</c>) with class origin and propagation, methods
/// with parameters. Embedded-object properties are <c>TYPE="string"</c> with <c>EmbeddedObject="object"</c> (and
/// an <c>EmbeddedInstance</c> qualifier naming the class), as DSP0201 2.3 has them.
/// </summary>
/// <remarks>
/// Reading a derived class needs its superclass: <see cref="CimXmlReadContext.Classes"/> resolves it, and
/// propagated members then come from it. Without it every member is declared locally.
/// </remarks>
public static class CimClassXml
{
    /// <summary>Writes <paramref name="cls"/> as a <c>CLASS</c> element (no namespace).</summary>
    public static void Write(XmlWriter writer, CimClass cls)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cls);
        writer.WriteStartElement("CLASS", "");
        writer.WriteAttributeString("NAME", cls.Name);
        if (cls.Superclass is { } super)
        {
            writer.WriteAttributeString("SUPERCLASS", super.Name);
        }
        WriteQualifiers(writer, cls.Qualifiers);
        foreach (var p in cls.Properties)
        {
            WriteProperty(writer, p, cls.Name);
        }
        foreach (var m in cls.Methods)
        {
            WriteMethod(writer, m, cls.Name);
        }
        writer.WriteEndElement();
    }

    private static void WriteQualifiers(XmlWriter w, CimQualifierSet qualifiers)
    {
        foreach (var q in qualifiers)
        {
            w.WriteStartElement("QUALIFIER", "");
            w.WriteAttributeString("NAME", q.Name);
            w.WriteAttributeString("TYPE", q.Type.MofName());
            if ((q.Flavor & CimFlavor.Propagated) != 0)
            {
                w.WriteAttributeString("PROPAGATED", "true");
            }
            if ((q.Flavor & CimFlavor.DisableOverride) != 0)
            {
                w.WriteAttributeString("OVERRIDABLE", "false");
            }
            if ((q.Flavor & CimFlavor.ToSubclass) == 0)
            {
                w.WriteAttributeString("TOSUBCLASS", "false");
            }
            if ((q.Flavor & CimFlavor.ToInstance) != 0)
            {
                w.WriteAttributeString("TOINSTANCE", "true");
            }
            if ((q.Flavor & CimFlavor.Amended) != 0)
            {
                w.WriteAttributeString("TRANSLATABLE", "true");
            }
            WriteValue(w, q.Value, q.Type, q.IsArray);
            w.WriteEndElement();
        }
    }

    private static void WriteValue(XmlWriter w, object? value, CimType type, bool isArray)
    {
        if (value is null)
        {
            return;
        }
        if (isArray && value is Array array)
        {
            w.WriteStartElement("VALUE.ARRAY", "");
            foreach (var item in array)
            {
                if (item is null)
                {
                    w.WriteElementString("VALUE.NULL", "", "");
                }
                else
                {
                    w.WriteElementString("VALUE", "", FormatValue(item, type));
                }
            }
            w.WriteEndElement();
            return;
        }
        if (type == CimType.Object)
        {
            // Default values of embedded-object properties are not representable in DSP0201 CLASS; WMI classes do not use them.
            return;
        }
        w.WriteElementString("VALUE", "", FormatValue(value, type));
    }

    private static string FormatValue(object value, CimType type) => type switch
    {
        CimType.Boolean => (bool)CimValue.ConvertScalar(value, CimType.Boolean) ? "TRUE" : "FALSE",
        _ => CimXmlValues.FormatScalar(value, type),
    };

    private static void WriteOrigin(XmlWriter w, string? origin, bool isLocal, string className)
    {
        if (origin is not null)
        {
            w.WriteAttributeString("CLASSORIGIN", origin);
        }
        if (!isLocal || (origin is not null && !CimNames.AreEqual(origin, className) && !isLocal))
        {
            w.WriteAttributeString("PROPAGATED", "true");
        }
    }

    private static void WriteProperty(XmlWriter w, CimProperty p, string className)
    {
        var element = p.Type == CimType.Reference ? "PROPERTY.REFERENCE" : p.IsArray ? "PROPERTY.ARRAY" : "PROPERTY";
        w.WriteStartElement(element, "");
        w.WriteAttributeString("NAME", p.Name);
        if (p.Type == CimType.Reference)
        {
            if (p.ReferenceClassName is not null)
            {
                w.WriteAttributeString("REFERENCECLASS", p.ReferenceClassName);
            }
            if (p.IsArray)
            {
                w.WriteAttributeString("ISARRAY", "true");
            }
        }
        else if (p.Type == CimType.Object)
        {
            w.WriteAttributeString("TYPE", "string");
            w.WriteAttributeString("EmbeddedObject", p.ReferenceClassName is null ? "object" : "instance");
            if (p.ReferenceClassName is not null)
            {
                w.WriteAttributeString("EmbeddedClassName", p.ReferenceClassName);
            }
        }
        else
        {
            w.WriteAttributeString("TYPE", p.Type.MofName());
        }
        WriteOrigin(w, p.ClassOrigin, p.IsLocal, className);
        WriteQualifiers(w, p.Qualifiers);
        if (p.Type == CimType.Reference)
        {
            WriteValue(w, p.Value, CimType.String, p.IsArray);
        }
        else
        {
            WriteValue(w, p.Value, p.Type, p.IsArray);
        }
        w.WriteEndElement();
    }

    private static void WriteMethod(XmlWriter w, CimMethod m, string className)
    {
        w.WriteStartElement("METHOD", "");
        w.WriteAttributeString("NAME", m.Name);
        if (m.ReturnType != CimType.None)
        {
            w.WriteAttributeString("TYPE", m.ReturnType.MofName());
        }
        WriteOrigin(w, m.ClassOrigin, m.IsLocal, className);
        WriteQualifiers(w, m.Qualifiers);
        foreach (var p in m.Parameters)
        {
            var element = (p.Type == CimType.Reference, p.IsArray) switch
            {
                (true, true) => "PARAMETER.REFARRAY",
                (true, false) => "PARAMETER.REFERENCE",
                (false, true) => "PARAMETER.ARRAY",
                _ => "PARAMETER",
            };
            w.WriteStartElement(element, "");
            w.WriteAttributeString("NAME", p.Name);
            if (p.Type == CimType.Reference)
            {
                if (p.ReferenceClassName is not null)
                {
                    w.WriteAttributeString("REFERENCECLASS", p.ReferenceClassName);
                }
            }
            else if (p.Type == CimType.Object)
            {
                w.WriteAttributeString("TYPE", "string");
                w.WriteAttributeString("EmbeddedObject", p.ReferenceClassName is null ? "object" : "instance");
                if (p.ReferenceClassName is not null)
                {
                    w.WriteAttributeString("EmbeddedClassName", p.ReferenceClassName);
                }
            }
            else
            {
                w.WriteAttributeString("TYPE", p.Type.MofName());
            }
            WriteQualifiers(w, p.Qualifiers);
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>Reads a <c>CLASS</c> element at the reader's position and moves past it; the class comes back frozen.</summary>
    /// <exception cref="WsManProtocolException">Malformed class XML.</exception>
    public static CimClass Read(XmlReader reader, CimXmlReadContext context)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(context);
        reader.MoveToContent();
        if (reader.LocalName != "CLASS" || reader.NamespaceURI.Length != 0)
        {
            throw new WsManProtocolException($"Expected CLASS, found '{reader.LocalName}'.");
        }
        var name = reader.GetAttribute("NAME") ?? throw new WsManProtocolException("CLASS without NAME.");
        var superName = reader.GetAttribute("SUPERCLASS");
        CimClass? super = null;
        if (!string.IsNullOrEmpty(superName))
        {
            super = context.Classes?.ResolveClass(context.Namespace, superName);
        }
        try
        {
            var cls = new CimClass(name, super);
            var depth = reader.Depth;
            if (XmlRead.Enter(reader))
            {
                while (XmlRead.NextChild(reader, depth))
                {
                    switch (reader.LocalName)
                    {
                        case "QUALIFIER":
                            var (q, propagated) = ReadQualifier(reader);
                            if (!propagated || super is null)
                            {
                                cls.Qualifiers.Set(super is null ? q.WithFlavor(q.Flavor & ~CimFlavor.Propagated) : q);
                            }
                            break;
                        case "PROPERTY" or "PROPERTY.ARRAY" or "PROPERTY.REFERENCE":
                            ReadProperty(reader, cls, super is not null);
                            break;
                        case "METHOD":
                            ReadMethod(reader, cls, super is not null);
                            break;
                        default:
                            XmlRead.Skip(reader);
                            break;
                    }
                }
            }
            return (CimClass)cls.Freeze();
        }
        catch (WbemException e)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"Class '{name}': {e.Message}", e);
        }
    }

    private static bool Flag(XmlReader r, string name, bool defaultValue)
    {
        var v = r.GetAttribute(name);
        return v is null ? defaultValue : string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);
    }

    private static CimType ParseType(string? text, string what)
    {
        if (text is null)
        {
            throw new WsManProtocolException($"{what} has no TYPE.");
        }
        return CimTypes.TryParseMofName(text, out var t) ? t
            : throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"{what} has an unknown TYPE '{CimXmlValues.Truncate(text)}'.");
    }

    private static (CimQualifier Qualifier, bool Propagated) ReadQualifier(XmlReader r)
    {
        var name = r.GetAttribute("NAME") ?? throw new WsManProtocolException("QUALIFIER without NAME.");
        var type = ParseType(r.GetAttribute("TYPE"), "QUALIFIER " + name);
        var flavor = CimFlavor.None;
        var propagated = Flag(r, "PROPAGATED", false);
        if (propagated)
        {
            flavor |= CimFlavor.Propagated;
        }
        if (!Flag(r, "OVERRIDABLE", true))
        {
            flavor |= CimFlavor.DisableOverride;
        }
        if (Flag(r, "TOSUBCLASS", true))
        {
            flavor |= CimFlavor.ToSubclass;
        }
        if (Flag(r, "TOINSTANCE", false))
        {
            flavor |= CimFlavor.ToInstance;
        }
        if (Flag(r, "TRANSLATABLE", false))
        {
            flavor |= CimFlavor.Amended;
        }
        var (value, isArray) = ReadValueContent(r, type);
        return (new CimQualifier(name, value, flavor, type, isArray), propagated);
    }

    /// <summary>Reads VALUE / VALUE.ARRAY children (and QUALIFIERs into <paramref name="qualifiers"/>) of the current element.</summary>
    private static (object? Value, bool IsArray) ReadValueContent(XmlReader r, CimType type, CimQualifierSet? qualifiers = null, List<bool>? propagatedQualifiers = null)
    {
        object? value = null;
        var isArray = false;
        var depth = r.Depth;
        if (!XmlRead.Enter(r))
        {
            return (null, false);
        }
        while (XmlRead.NextChild(r, depth))
        {
            switch (r.LocalName)
            {
                case "VALUE":
                    value = ParseValue(XmlRead.ReadText(r), type);
                    break;
                case "VALUE.ARRAY":
                    isArray = true;
                    var items = new List<object?>();
                    var ad = r.Depth;
                    if (XmlRead.Enter(r))
                    {
                        while (XmlRead.NextChild(r, ad))
                        {
                            if (r.LocalName == "VALUE.NULL")
                            {
                                XmlRead.Skip(r);
                                items.Add(null);
                            }
                            else
                            {
                                items.Add(ParseValue(XmlRead.ReadText(r), type));
                            }
                        }
                    }
                    var array = CimValue.CreateArray(type, items.Count);
                    for (var i = 0; i < items.Count; i++)
                    {
                        array.SetValue(items[i], i);
                    }
                    value = array;
                    break;
                case "QUALIFIER" when qualifiers is not null:
                    var (q, propagated) = ReadQualifier(r);
                    qualifiers.Set(q);
                    propagatedQualifiers?.Add(propagated);
                    break;
                default:
                    XmlRead.Skip(r);
                    break;
            }
        }
        return (value, isArray);
    }

    private static object ParseValue(string text, CimType type) => type switch
    {
        CimType.Boolean => text.Trim().ToUpperInvariant() switch
        {
            "TRUE" => true,
            "FALSE" => false,
            _ => throw new WsManProtocolException(WsManProtocolError.InvalidValue, $"'{CimXmlValues.Truncate(text)}' is not a boolean."),
        },
        CimType.DateTime => CimXmlValues.ParseDateTime(text),
        _ => CimXmlValues.ParseScalar(text, type),
    };

    private static void ReadProperty(XmlReader r, CimClass cls, bool hasSuper)
    {
        var element = r.LocalName;
        var name = r.GetAttribute("NAME") ?? throw new WsManProtocolException($"{element} without NAME.");
        var propagated = Flag(r, "PROPAGATED", false);
        CimType type;
        string? refClass = null;
        var isArray = element == "PROPERTY.ARRAY";
        if (element == "PROPERTY.REFERENCE")
        {
            type = CimType.Reference;
            refClass = r.GetAttribute("REFERENCECLASS");
            isArray = Flag(r, "ISARRAY", false);
        }
        else if (r.GetAttribute("EmbeddedObject") is { Length: > 0 })
        {
            type = CimType.Object;
            refClass = r.GetAttribute("EmbeddedClassName");
        }
        else
        {
            type = ParseType(r.GetAttribute("TYPE"), element + " " + name);
        }
        var qualifiers = new CimQualifierSet();
        var qualifierPropagation = new List<bool>();
        var (value, _) = type == CimType.Reference || type == CimType.Object
            ? ReadValueContent(r, CimType.String, qualifiers, qualifierPropagation)
            : ReadValueContent(r, type, qualifiers, qualifierPropagation);
        if (type == CimType.Object)
        {
            value = null;
        }
        if (propagated && hasSuper && cls.FindProperty(name) is not null)
        {
            return;
        }
        var local = hasSuper ? OnlyLocal(qualifiers, qualifierPropagation) : qualifiers;
        cls.AddProperty(new CimProperty(name, type, isArray, value, refClass, local));
    }

    private static CimQualifierSet OnlyLocal(CimQualifierSet qualifiers, List<bool> propagated)
    {
        var result = new CimQualifierSet();
        for (var i = 0; i < qualifiers.Count; i++)
        {
            if (i >= propagated.Count || !propagated[i])
            {
                result.Set(qualifiers[i]);
            }
        }
        return result;
    }

    private static void ReadMethod(XmlReader r, CimClass cls, bool hasSuper)
    {
        var name = r.GetAttribute("NAME") ?? throw new WsManProtocolException("METHOD without NAME.");
        var typeText = r.GetAttribute("TYPE");
        var returnType = typeText is null ? CimType.None : ParseType(typeText, "METHOD " + name);
        var propagated = Flag(r, "PROPAGATED", false);
        var qualifiers = new CimQualifierSet();
        var parameters = new List<CimParameter>();
        var depth = r.Depth;
        if (XmlRead.Enter(r))
        {
            while (XmlRead.NextChild(r, depth))
            {
                switch (r.LocalName)
                {
                    case "QUALIFIER":
                        qualifiers.Set(ReadQualifier(r).Qualifier);
                        break;
                    case "PARAMETER" or "PARAMETER.ARRAY" or "PARAMETER.REFERENCE" or "PARAMETER.REFARRAY":
                        var element = r.LocalName;
                        var pname = r.GetAttribute("NAME") ?? throw new WsManProtocolException($"{element} without NAME.");
                        CimType ptype;
                        string? prefClass = null;
                        if (element is "PARAMETER.REFERENCE" or "PARAMETER.REFARRAY")
                        {
                            ptype = CimType.Reference;
                            prefClass = r.GetAttribute("REFERENCECLASS");
                        }
                        else if (r.GetAttribute("EmbeddedObject") is { Length: > 0 })
                        {
                            ptype = CimType.Object;
                            prefClass = r.GetAttribute("EmbeddedClassName");
                        }
                        else
                        {
                            ptype = ParseType(r.GetAttribute("TYPE"), element + " " + pname);
                        }
                        var pq = new CimQualifierSet();
                        ReadValueContent(r, CimType.String, pq);
                        parameters.Add(new CimParameter(pname, ptype, element is "PARAMETER.ARRAY" or "PARAMETER.REFARRAY", prefClass, pq));
                        break;
                    default:
                        XmlRead.Skip(r);
                        break;
                }
            }
        }
        if (propagated && hasSuper && cls.Methods.Find(name) is not null)
        {
            return;
        }
        cls.AddMethod(new CimMethod(name, returnType, parameters, qualifiers));
    }
}

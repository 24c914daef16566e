using System.Xml;

namespace Wmix.Remote.Protocol;

/// <summary>Small cursor helpers over a (guarded) <see cref="XmlReader"/>; all skip whitespace between elements.</summary>
internal static class XmlRead
{
    /// <summary>Moves to the next element start inside the current element, or returns false at its end tag (consumed).</summary>
    /// <remarks>Call first on the container's start tag (non-empty); then after each child has been consumed.</remarks>
    public static bool NextChild(XmlReader r, int containerDepth)
    {
        while (true)
        {
            if (r.NodeType == XmlNodeType.Element && r.Depth == containerDepth + 1)
            {
                return true;
            }
            if (r.NodeType == XmlNodeType.EndElement && r.Depth == containerDepth)
            {
                r.Read();
                return false;
            }
            if (!r.Read())
            {
                throw new WsManProtocolException("Unexpected end of the message.");
            }
            if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && r.Depth == containerDepth + 1 && !string.IsNullOrWhiteSpace(r.Value))
            {
                throw new WsManProtocolException($"Unexpected text in element at depth {containerDepth}.");
            }
        }
    }

    /// <summary>
    /// Enters an element: true when it has content (the reader moves past the start tag); false for an empty
    /// element (the reader moves past it).
    /// </summary>
    public static bool Enter(XmlReader r)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return false;
        }
        r.Read();
        return true;
    }

    /// <summary>Reads the text content of the current element (empty for an empty element) and moves past its end.</summary>
    public static string ReadText(XmlReader r)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return "";
        }
        var depth = r.Depth;
        r.Read();
        string? first = null;
        System.Text.StringBuilder? sb = null;
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    if (first is null)
                    {
                        first = r.Value;
                    }
                    else
                    {
                        sb ??= new System.Text.StringBuilder(first);
                        sb.Append(r.Value);
                    }
                    break;
                case XmlNodeType.Element:
                    throw new WsManProtocolException($"Element '{r.LocalName}' where text was expected.");
                default:
                    break;
            }
            if (!r.Read())
            {
                throw new WsManProtocolException("Unexpected end of the message.");
            }
        }
        r.Read();
        return sb?.ToString() ?? first ?? "";
    }

    /// <summary>Skips the current element with its content.</summary>
    public static void Skip(XmlReader r) => r.Skip();

    /// <summary>True when the current node is an element with that namespace and local name.</summary>
    public static bool Is(XmlReader r, string ns, string localName) =>
        r.NodeType == XmlNodeType.Element && r.LocalName == localName && r.NamespaceURI == ns;

    /// <summary>True for <c>xsi:nil="true"</c> on the current element.</summary>
    public static bool IsNil(XmlReader r)
    {
        var nil = r.GetAttribute("nil", WsManNamespaces.Xsi);
        return nil is "true" or "1";
    }

    /// <summary>The <c>xsi:type</c> of the current element resolved to (namespace, local name), or null.</summary>
    public static (string Namespace, string Name)? XsiType(XmlReader r)
    {
        var t = r.GetAttribute("type", WsManNamespaces.Xsi);
        if (string.IsNullOrEmpty(t))
        {
            return null;
        }
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? "" : t[..colon];
        var local = colon < 0 ? t : t[(colon + 1)..];
        var ns = r.LookupNamespace(prefix) ?? "";
        return (ns, local);
    }

    /// <summary>Reads a QName-valued element (fault codes), resolving its prefix in the element's own scope.</summary>
    public static XmlQualifiedName ReadQName(XmlReader r)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return XmlQualifiedName.Empty;
        }
        var depth = r.Depth;
        r.Read();
        var text = "";
        while (!(r.NodeType == XmlNodeType.EndElement && r.Depth == depth))
        {
            if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                text += r.Value;
            }
            else if (r.NodeType == XmlNodeType.Element)
            {
                throw new WsManProtocolException("Element where a qualified name was expected.");
            }
            if (!r.Read())
            {
                throw new WsManProtocolException("Unexpected end of the message.");
            }
        }
        // On the end tag the element's namespace scope is still in force.
        text = text.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? "" : text[..colon];
        var ns = r.LookupNamespace(prefix) ?? "";
        r.Read();
        return new XmlQualifiedName(colon < 0 ? text : text[(colon + 1)..], ns);
    }
}

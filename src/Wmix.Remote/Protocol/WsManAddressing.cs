namespace Wmix.Remote.Protocol;

/// <summary>
/// One <c>w:Selector</c>: a key's value as text, or, for a reference-typed key, a nested endpoint reference.
/// </summary>
/// <param name="Name">The key property (or <c>__cimnamespace</c>, <c>ClassName</c>).</param>
/// <param name="Value">The text value; null when <paramref name="Reference"/> is set.</param>
/// <param name="Reference">The value of a reference key.</param>
public sealed record WsManSelector(string Name, string? Value, WsManEndpointReference? Reference = null)
{
    /// <summary>The selector that names the CIM namespace when the resource URI does not.</summary>
    public const string CimNamespace = "__cimnamespace";

    /// <summary>The selector that names a class on the <c>cim-xml</c> class resource.</summary>
    public const string ClassName = "ClassName";
}

/// <summary>
/// A WS-Addressing endpoint reference as the CIM binding uses it: address, resource URI and selectors (plus the
/// subscription identifier of a SubscriptionManager).
/// </summary>
/// <param name="Address">The service address; <see cref="WsManUris.Anonymous"/> inside instance data.</param>
/// <param name="ResourceUri">The resource URI of the referenced object.</param>
/// <param name="Selectors">The selectors (keys, and <c>__cimnamespace</c> when needed).</param>
/// <param name="Identifier">The <c>e:Identifier</c> reference parameter of a subscription manager, or null.</param>
public sealed record WsManEndpointReference(
    string Address,
    string? ResourceUri,
    IReadOnlyList<WsManSelector> Selectors,
    string? Identifier = null)
{
    /// <summary>True when both references name the same address, resource and selectors (in any order).</summary>
    public bool SameAs(WsManEndpointReference? other)
    {
        if (other is null || Address != other.Address || ResourceUri != other.ResourceUri || Identifier != other.Identifier
            || Selectors.Count != other.Selectors.Count)
        {
            return false;
        }
        foreach (var s in Selectors)
        {
            var match = other.Selectors.FirstOrDefault(o => string.Equals(o.Name, s.Name, StringComparison.OrdinalIgnoreCase));
            if (match is null || match.Value != s.Value || (s.Reference is null) != (match.Reference is null)
                || (s.Reference is not null && !s.Reference.SameAs(match.Reference)))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>One <c>w:Option</c> of an <c>w:OptionSet</c>.</summary>
/// <param name="Name">The option name, a plain string even when it looks like a QName (<c>msftwinrm:…</c>).</param>
/// <param name="Value">The option's text (empty for flag options).</param>
/// <param name="Type">The <c>Type</c> attribute (<c>xs:boolean</c>…), or null.</param>
public sealed record WsManOption(string Name, string Value, string? Type = null);

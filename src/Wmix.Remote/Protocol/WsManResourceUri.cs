using System.Diagnostics.CodeAnalysis;

namespace Wmix.Remote.Protocol;

/// <summary>Which resource-URI convention addresses a class (spec §1.5.1).</summary>
public enum WsManResourceUriStyle
{
    /// <summary>Microsoft's <c>http://schemas.microsoft.com/wbem/wsman/1/wmi/&lt;namespace&gt;/&lt;class&gt;</c>; the namespace is in the URI.</summary>
    Wmi,
    /// <summary>DMTF's <c>http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/&lt;class&gt;</c> with a <c>__cimnamespace</c> selector.</summary>
    Dmtf,
    /// <summary>The class-definition resource <c>http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/*</c> (DSP0201 <c>CLASS</c> bodies).</summary>
    ClassDefinition,
}

/// <summary>
/// A resource URI resolved to a namespace and class: the two conventions of §1.5.1, both directions. Namespaces
/// travel with <c>/</c> separators and come back with <c>\</c>, WMI's form.
/// </summary>
/// <param name="Namespace">The CIM namespace (<c>root\cimv2</c>), or null when the URI does not carry one and no selector gave it.</param>
/// <param name="ClassName">The class, or null for the all-classes URI (<c>…/*</c>).</param>
/// <param name="Style">The convention.</param>
public sealed record WsManResource(string? Namespace, string? ClassName, WsManResourceUriStyle Style)
{
    /// <summary>Prefix of Microsoft's WMI resource URIs.</summary>
    public const string WmiPrefix = "http://schemas.microsoft.com/wbem/wsman/1/wmi/";

    /// <summary>Prefix of DMTF's CIM-schema resource URIs.</summary>
    public const string DmtfPrefix = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/";

    /// <summary>DMTF's all-classes URI.</summary>
    public const string DmtfAllClasses = "http://schemas.dmtf.org/wbem/wscim/1/*";

    /// <summary>The class-definition (CIM-XML) resource.</summary>
    public const string ClassDefinitionUri = "http://schemas.dmtf.org/wbem/cim-xml/2/cim-schema/2/*";

    /// <summary>
    /// The resource URI of <paramref name="className"/> (null: all classes) in <paramref name="namespace"/>; for the
    /// DMTF and class-definition styles the namespace goes into a <c>__cimnamespace</c> selector instead (see
    /// <see cref="NamespaceSelectorNeeded"/>).
    /// </summary>
    public static string Format(string @namespace, string? className, WsManResourceUriStyle style)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return style switch
        {
            WsManResourceUriStyle.Wmi => WmiPrefix + WireNamespace(@namespace) + "/" + (className ?? "*"),
            WsManResourceUriStyle.Dmtf => className is null ? DmtfAllClasses : DmtfPrefix + className,
            _ => ClassDefinitionUri,
        };
    }

    /// <summary>True when a URI of <paramref name="style"/> needs the <c>__cimnamespace</c> selector.</summary>
    public static bool NamespaceSelectorNeeded(WsManResourceUriStyle style) => style != WsManResourceUriStyle.Wmi;

    /// <summary>The namespace with <c>/</c> separators, as it travels.</summary>
    public static string WireNamespace(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return @namespace.Replace('\\', '/').Trim('/');
    }

    /// <summary>The namespace with WMI's <c>\</c> separators.</summary>
    public static string LocalNamespace(string wireNamespace)
    {
        ArgumentNullException.ThrowIfNull(wireNamespace);
        return wireNamespace.Replace('/', '\\').Trim('\\');
    }

    /// <summary>
    /// Resolves a resource URI and its selectors: the WMI form takes the namespace from the path, the other forms
    /// from <c>__cimnamespace</c> (and the class-definition resource its class from <c>ClassName</c>). The class is
    /// the last path segment; <c>*</c> means all classes. Any other URI ending in <c>/class</c> is read in the DMTF way.
    /// </summary>
    public static bool TryParse(string? resourceUri, IReadOnlyList<WsManSelector>? selectors, [NotNullWhen(true)] out WsManResource? resource)
    {
        resource = null;
        if (string.IsNullOrEmpty(resourceUri))
        {
            return false;
        }
        var nsSelector = Find(selectors, WsManSelector.CimNamespace);
        var ns = nsSelector is null ? null : LocalNamespace(nsSelector);
        if (resourceUri.StartsWith(WmiPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = resourceUri.AsSpan(WmiPrefix.Length).TrimEnd('/');
            var slash = rest.LastIndexOf('/');
            if (slash <= 0)
            {
                return false;
            }
            var cls = rest[(slash + 1)..].ToString();
            resource = new WsManResource(LocalNamespace(rest[..slash].ToString()), cls == "*" ? null : cls, WsManResourceUriStyle.Wmi);
            return IsClassSegment(resource.ClassName);
        }
        if (resourceUri.StartsWith("http://schemas.dmtf.org/wbem/cim-xml/", StringComparison.OrdinalIgnoreCase))
        {
            resource = new WsManResource(ns, Find(selectors, WsManSelector.ClassName), WsManResourceUriStyle.ClassDefinition);
            return true;
        }
        var last = resourceUri.LastIndexOf('/');
        if (last < 0 || last == resourceUri.Length - 1)
        {
            return false;
        }
        var segment = resourceUri[(last + 1)..];
        resource = new WsManResource(ns, segment == "*" ? null : segment, WsManResourceUriStyle.Dmtf);
        return IsClassSegment(resource.ClassName);
    }

    private static bool IsClassSegment(string? cls) => cls is null || Wmix.Cim.CimNames.IsIdentifier(cls);

    private static string? Find(IReadOnlyList<WsManSelector>? selectors, string name)
    {
        if (selectors is null)
        {
            return null;
        }
        foreach (var s in selectors)
        {
            if (string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return s.Value;
            }
        }
        return null;
    }
}

using Wmix.Cim;

namespace Wmix.Engine.Internal;

/// <summary>Namespace name rules: elements are CIM identifiers separated by <c>\</c> (or <c>/</c>), compared case-insensitively.</summary>
internal static class NamespaceNames
{
    /// <summary>The name with <c>\</c> separators, or null when it is not a valid namespace name.</summary>
    public static string? Normalise(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > CimObjectPath.MaxLength)
        {
            return null;
        }
        var text = name.Replace('/', '\\');
        foreach (var element in text.Split('\\'))
        {
            if (!CimNames.IsIdentifier(element))
            {
                return null;
            }
        }
        return text;
    }

    /// <summary>The parent of a full name, or null for a top-level namespace.</summary>
    public static string? Parent(string name)
    {
        var cut = name.LastIndexOf('\\');
        return cut > 0 ? name[..cut] : null;
    }

    /// <summary>The last element of a full name (what <c>__NAMESPACE.Name</c> holds).</summary>
    public static string Leaf(string name) => name[(name.LastIndexOf('\\') + 1)..];

    /// <summary>True when both name the same namespace.</summary>
    public static bool AreEqual(string? a, string? b) =>
        string.Equals(a?.Replace('/', '\\'), b?.Replace('/', '\\'), StringComparison.OrdinalIgnoreCase);
}

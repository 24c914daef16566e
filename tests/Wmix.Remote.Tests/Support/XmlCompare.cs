using System.Xml.Linq;

namespace Wmix.Remote.Tests.Support;

/// <summary>
/// Namespace-aware structural comparison: elements by expanded name, attributes (except namespace declarations)
/// by expanded name and value, text trimmed; prefixes and whitespace between elements do not matter.
/// </summary>
internal static class XmlCompare
{
    public static void AssertEquivalent(string expected, string actual)
    {
        var e = XElement.Parse(expected);
        var a = XElement.Parse(actual);
        var diff = Compare(e, a, "/");
        Assert.True(diff is null, diff + "\nActual:\n" + actual);
    }

    private static string? Compare(XElement e, XElement a, string path)
    {
        var here = path + e.Name.LocalName;
        if (e.Name != a.Name)
        {
            return $"{here}: element {e.Name} vs {a.Name}";
        }
        var ea = e.Attributes().Where(x => !x.IsNamespaceDeclaration).OrderBy(x => x.Name.ToString()).ToList();
        var aa = a.Attributes().Where(x => !x.IsNamespaceDeclaration).OrderBy(x => x.Name.ToString()).ToList();
        if (ea.Count != aa.Count)
        {
            return $"{here}: attributes [{string.Join(", ", ea)}] vs [{string.Join(", ", aa)}]";
        }
        for (var i = 0; i < ea.Count; i++)
        {
            if (ea[i].Name != aa[i].Name || ea[i].Value != aa[i].Value)
            {
                return $"{here}: attribute {ea[i]} vs {aa[i]}";
            }
        }
        var ec = e.Elements().ToList();
        var ac = a.Elements().ToList();
        if (ec.Count == 0 && ac.Count == 0)
        {
            return e.Value.Trim() == a.Value.Trim() ? null : $"{here}: text '{e.Value.Trim()}' vs '{a.Value.Trim()}'";
        }
        if (ec.Count != ac.Count)
        {
            return $"{here}: {ec.Count} children [{string.Join(",", ec.Select(x => x.Name.LocalName))}] vs {ac.Count} [{string.Join(",", ac.Select(x => x.Name.LocalName))}]";
        }
        for (var i = 0; i < ec.Count; i++)
        {
            if (Compare(ec[i], ac[i], here + "/") is { } d)
            {
                return d;
            }
        }
        return null;
    }
}

using Wmix.Providers.Linux.Sources;
using Wmix.Wql;

namespace Wmix.Providers.Linux.Providers.Internal;

/// <summary>
/// Where the files a WHERE clause can match live: named entries (<c>Name = '/etc/hosts'</c>) and whole directory
/// listings (<c>Path = '/etc/'</c>), or null for "anywhere" (a walk). Safe, not exact: the engine still applies the whole
/// condition to what the provider returns, so a scope may hold more than matches but never less.
/// </summary>
/// <remarks>
/// Recognised: <c>Name = s</c>; <c>Path = s</c>; <c>Drive = s</c> (always "" on Linux: "" restricts nothing, anything
/// else matches nothing); either inside AND (one restricted side suffices) and ORs of restricted sides (their union).
/// <c>FileName</c> and <c>Extension</c> restrict nothing alone (they need <c>Path</c> beside them). Values are compared
/// as Linux does, case-sensitively: <c>Name = '/ETC/HOSTS'</c> finds nothing on a machine with <c>/etc/hosts</c>.
/// </remarks>
/// <param name="Names">Entries to read one by one (canonical absolute paths).</param>
/// <param name="Directories">Directories whose entries to list (canonical, without the trailing "/").</param>
internal sealed record FileScope(IReadOnlyList<string> Names, IReadOnlyList<string> Directories)
{
    /// <summary>Matches nothing.</summary>
    public static FileScope Empty { get; } = new([], []);

    /// <summary>
    /// The scope of <paramref name="where"/>, whose file properties are named directly (data queries) or, with
    /// <paramref name="embedded"/>, through that embedded object (<c>TargetInstance.Path</c> in event queries).
    /// </summary>
    public static FileScope? Of(WqlExpression? where, string? embedded = null)
    {
        switch (where)
        {
            case WqlComparison { Operator: WqlComparisonOperator.Equal } c when Leaf(c.Property, embedded) is { } leaf:
                {
                    var value = c.Value.Value as string;
                    if (leaf.Equals("Name", StringComparison.OrdinalIgnoreCase))
                    {
                        return value is not null && FileSource.IsCanonical(value) ? new FileScope([value], []) : Empty;
                    }
                    if (leaf.Equals("Path", StringComparison.OrdinalIgnoreCase))
                    {
                        return DirectoryOfPath(value) is { } directory ? new FileScope([], [directory]) : Empty;
                    }
                    if (leaf.Equals("Drive", StringComparison.OrdinalIgnoreCase))
                    {
                        return value == "" ? null : Empty;
                    }
                    return null;
                }
            case WqlAnd and:
                {
                    var left = Of(and.Left, embedded);
                    var right = Of(and.Right, embedded);
                    if (left is null || right is null)
                    {
                        return left ?? right;
                    }
                    // Either side alone is a safe superset; the cheaper one (fewer listings) wins.
                    return left.Directories.Count <= right.Directories.Count ? left : right;
                }
            case WqlOr or:
                {
                    var left = Of(or.Left, embedded);
                    var right = left is null ? null : Of(or.Right, embedded);
                    return left is null || right is null
                        ? null
                        : new FileScope([.. left.Names.Union(right.Names, StringComparer.Ordinal)],
                            [.. left.Directories.Union(right.Directories, StringComparer.Ordinal)]);
                }
            default:
                return null;
        }
    }

    /// <summary>The directory whose entries have <c>Path</c> = <paramref name="path"/> ("/etc/" → "/etc"; "/" → "/"), or null.</summary>
    public static string? DirectoryOfPath(string? path)
    {
        if (path is null || !path.EndsWith('/'))
        {
            return null;
        }
        var directory = path == "/" ? "/" : path[..^1];
        return FileSource.IsCanonical(directory) ? directory : null;
    }

    private static string? Leaf(WqlPropertyPath path, string? embedded) =>
        embedded is null
            ? path.IsNested ? null : path.LeafName
            : path.Parts.Count == 2 && path.Parts[0].Equals(embedded, StringComparison.OrdinalIgnoreCase) ? path.Parts[1] : null;
}

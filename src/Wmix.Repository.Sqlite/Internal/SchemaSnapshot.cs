using System.Collections.Concurrent;
using Wmix.Cim;

namespace Wmix.Repository.Sqlite.Internal;

/// <summary>
/// The in-memory cache of namespaces and decoded classes for one schema generation of the database. The shared
/// snapshot is replaced when another connection or process changes the schema (seen through
/// <c>PRAGMA data_version</c> and the stored generation); a transaction that changes the schema works on a private one.
/// </summary>
internal sealed class SchemaSnapshot(long generation, bool isPrivate)
{
    /// <summary>The schema generation the cached entries belong to; changed only under the repository's cache lock.</summary>
    public long Generation { get; set; } = generation;

    /// <summary>True for a transaction's own snapshot: no generation checks, never seen by other flows.</summary>
    public bool IsPrivate { get; } = isPrivate;

    /// <summary>Namespaces by name (case-insensitive), or null until loaded; replaced whole (copy-on-write).</summary>
    public Dictionary<string, NamespaceInfo>? Namespaces { get; set; }

    public NamespaceInfo? Find(string normalisedName) =>
        Namespaces!.TryGetValue(normalisedName, out var info) ? info : null;
}

/// <summary>A namespace's row id, stored name, and its decoded classes (null entries: known not to exist).</summary>
internal sealed class NamespaceInfo(long id, string name)
{
    public long Id { get; } = id;

    public string Name { get; } = name;

    public ConcurrentDictionary<string, CimClass?> Classes { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True once every class of the namespace is in <see cref="Classes"/>.</summary>
    public bool Complete { get; set; }

    public NamespaceInfo Copy()
    {
        var copy = new NamespaceInfo(Id, Name) { Complete = Complete };
        foreach (var (key, value) in Classes)
        {
            copy.Classes[key] = value;
        }
        return copy;
    }
}

using System.Text.Json;

namespace Wmix.Remote.Server.Security;

/// <summary>What a user may do in a namespace.</summary>
[Flags]
#pragma warning disable CA1711 // "Rights" is the domain word (WMI's namespace security calls them rights), not a collection suffix.
public enum NamespaceRights
#pragma warning restore CA1711
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Get, Enumerate/Pull, Identify-level reads, class reads.</summary>
    Read = 1,

    /// <summary>Put, Create, Delete.</summary>
    Write = 2,

    /// <summary>Invoke (methods).</summary>
    Execute = 4,

    /// <summary>Subscribe (event queries).</summary>
    Subscribe = 8,

    /// <summary>Everything.</summary>
    All = Read | Write | Execute | Subscribe,
}

/// <summary>
/// Per-namespace access rules for users and groups, from a JSON file:
/// <code>
/// { "rules": [
///     { "namespace": "root/cimv2", "group": "wmix", "allow": ["read", "subscribe"] },
///     { "namespace": "root/cimv2", "user": "alice", "allow": ["read", "write", "execute", "subscribe"] },
///     { "namespace": "root/cimv2/secret", "group": "wmix", "deny": ["read"] } ] }
/// </code>
/// Deny by default, except for root (uid 0), who may do everything. A rule names one <c>user</c> or one
/// <c>group</c> (or <c>"user": "*"</c> for every authenticated user). For a request in namespace N the server walks
/// from N up to <c>root</c> and uses the deepest namespace that has a rule for this user or one of their groups: the
/// union of those rules' <c>allow</c> minus the union of their <c>deny</c>. So rules inherit to child namespaces
/// and a rule on a child namespace overrides (replaces) what its parent gave that principal. Namespaces match
/// case-insensitively, with <c>/</c> or <c>\</c>.
/// </summary>
public sealed class AccessRules
{
    private readonly Rule[] _rules;

    private AccessRules(Rule[] rules) => _rules = rules;

    /// <summary>No rules: only root may do anything.</summary>
    public static AccessRules DenyAll { get; } = new([]);

    /// <summary>The number of rules.</summary>
    public int Count => _rules.Length;

    /// <summary>Reads rules from the JSON file at <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">The file is not valid rules JSON (the message says where).</exception>
    public static AccessRules Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads rules from JSON text.</summary>
    /// <exception cref="FormatException">The text is not valid rules JSON.</exception>
    public static AccessRules Parse(string json, string source = "access rules")
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{source}: expected {{ \"rules\": [ … ] }}.");
            }
            var list = new List<Rule>();
            var i = 0;
            foreach (var r in rules.EnumerateArray())
            {
                list.Add(ParseRule(r, $"{source}: rule {i++}"));
            }
            return new AccessRules([.. list]);
        }
    }

    private static Rule ParseRule(JsonElement r, string where)
    {
        if (r.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: a rule is an object.");
        }
        string? ns = null, user = null, group = null;
        var allow = NamespaceRights.None;
        var deny = NamespaceRights.None;
        foreach (var p in r.EnumerateObject())
        {
            switch (p.Name)
            {
                case "namespace": ns = Text(p.Value, where, p.Name); break;
                case "user": user = Text(p.Value, where, p.Name); break;
                case "group": group = Text(p.Value, where, p.Name); break;
                case "allow": allow = Rights(p.Value, where); break;
                case "deny": deny = Rights(p.Value, where); break;
                default: throw new FormatException($"{where}: unknown property '{p.Name}' (namespace, user, group, allow, deny).");
            }
        }
        if (string.IsNullOrWhiteSpace(ns))
        {
            throw new FormatException($"{where}: 'namespace' is required.");
        }
        if ((user is null) == (group is null))
        {
            throw new FormatException($"{where}: give exactly one of 'user' or 'group'.");
        }
        return new Rule(Normalize(ns), user, group, allow, deny);
    }

    private static string Text(JsonElement e, string where, string name) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new FormatException($"{where}: '{name}' must be a string.");

    private static NamespaceRights Rights(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{where}: allow/deny is an array of read, write, execute, subscribe, all.");
        }
        var rights = NamespaceRights.None;
        foreach (var item in e.EnumerateArray())
        {
            rights |= (item.ValueKind == JsonValueKind.String ? item.GetString() : null)?.ToLowerInvariant() switch
            {
                "read" => NamespaceRights.Read,
                "write" => NamespaceRights.Write,
                "execute" => NamespaceRights.Execute,
                "subscribe" => NamespaceRights.Subscribe,
                "all" => NamespaceRights.All,
                _ => throw new FormatException($"{where}: unknown right {item} (read, write, execute, subscribe, all)."),
            };
        }
        return rights;
    }

    /// <summary>Normalizes a namespace for comparison: <c>\</c> → <c>/</c>, no leading/trailing separators, lower case.</summary>
    public static string Normalize(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return @namespace.Replace('\\', '/').Trim('/').ToLowerInvariant();
    }

    /// <summary>The rights of <paramref name="user"/> (member of <paramref name="groups"/>) in <paramref name="namespace"/>.</summary>
    public NamespaceRights RightsOf(string user, bool isRoot, IReadOnlyCollection<string> groups, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(groups);
        if (isRoot)
        {
            return NamespaceRights.All;
        }
        var ns = Normalize(@namespace);
        while (true)
        {
            var matched = false;
            var allow = NamespaceRights.None;
            var deny = NamespaceRights.None;
            foreach (var rule in _rules)
            {
                if (rule.Namespace != ns)
                {
                    continue;
                }
                var applies = rule.User is not null
                    ? rule.User == "*" || string.Equals(rule.User, user, StringComparison.Ordinal)
                    : groups.Contains(rule.Group!, StringComparer.Ordinal);
                if (applies)
                {
                    matched = true;
                    allow |= rule.Allow;
                    deny |= rule.Deny;
                }
            }
            if (matched)
            {
                return allow & ~deny;
            }
            var slash = ns.LastIndexOf('/');
            if (slash < 0)
            {
                return NamespaceRights.None;
            }
            ns = ns[..slash];
        }
    }

    private sealed record Rule(string Namespace, string? User, string? Group, NamespaceRights Allow, NamespaceRights Deny);
}

using Wmix.Cim;
using Wmix.Repository.Sqlite.Internal;
using Wmix.Repository.Sqlite.Serialization;

namespace Wmix.Repository.Sqlite;

/// <summary>Namespaces and classes.</summary>
public sealed partial class SqliteRepository
{
    /// <inheritdoc />
    /// <remarks>
    /// The stored schema generation, checked against the database on each read (<c>PRAGMA data_version</c>, then the
    /// generation row), so a class another process created is seen at the next call (issue #5).
    /// </remarks>
    public long SchemaGeneration => Read("reading the schema generation", 0, static (scope, _) => scope.Snapshot.Generation);

    /// <inheritdoc />
    public bool NamespaceExists(string @namespace) => GetNamespaceName(@namespace) is not null;

    /// <inheritdoc />
    public string? GetNamespaceName(string @namespace)
    {
        var name = Normalise(@namespace);
        return Read("reading a namespace", name, static (scope, n) => scope.Snapshot.Find(n)?.Name);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> GetChildNamespaces(string @namespace)
    {
        var prefix = Normalise(@namespace) + "\\";
        return Read("listing namespaces", prefix, static (scope, p) =>
        {
            var children = new List<string>();
            foreach (var (_, ns) in scope.Snapshot.Namespaces!)
            {
                var name = ns.Name;
                if (name.Length > p.Length && name.StartsWith(p, StringComparison.OrdinalIgnoreCase) && name.IndexOf('\\', p.Length) < 0)
                {
                    children.Add(name);
                }
            }
            children.Sort(StringComparer.OrdinalIgnoreCase);
            return (IReadOnlyList<string>)children;
        });
    }

    /// <inheritdoc />
    public bool CreateNamespace(string @namespace)
    {
        var name = Normalise(@namespace);
        return Write("creating a namespace", name, static (context, n) =>
        {
            if (context.Snapshot.Find(n) is not null)
            {
                return false;
            }
            var cut = n.LastIndexOf('\\');
            if (cut > 0 && context.Snapshot.Find(n[..cut]) is null)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"Namespace '{n[..cut]}' does not exist; create it before '{n}'.");
            }
            var id = ReadInt64(context.Connection.Command(
                "INSERT INTO namespaces (key, name) VALUES ($p0, $p1) RETURNING id", Key(n), n));
            context.Changes.Add(snapshot =>
            {
                var copy = new Dictionary<string, NamespaceInfo>(snapshot.Namespaces!, StringComparer.OrdinalIgnoreCase)
                {
                    [n] = new NamespaceInfo(id, n),
                };
                snapshot.Namespaces = copy;
            });
            return true;
        });
    }

    /// <inheritdoc />
    public bool DeleteNamespace(string @namespace)
    {
        var name = Normalise(@namespace);
        return Write("deleting a namespace", name, static (context, n) =>
        {
            if (context.Snapshot.Find(n) is null)
            {
                return false;
            }
            var prefix = n + "\\";
            var doomed = new List<NamespaceInfo>();
            foreach (var (_, ns) in context.Snapshot.Namespaces!)
            {
                if (string.Equals(ns.Name, n, StringComparison.OrdinalIgnoreCase) || ns.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    doomed.Add(ns);
                }
            }
            foreach (var ns in doomed)
            {
                context.Connection.Command("DELETE FROM instances WHERE ns = $p0", ns.Id).ExecuteNonQuery();
                context.Connection.Command("DELETE FROM classes WHERE ns = $p0", ns.Id).ExecuteNonQuery();
                context.Connection.Command("DELETE FROM namespaces WHERE id = $p0", ns.Id).ExecuteNonQuery();
            }
            context.Changes.Add(snapshot =>
            {
                var copy = new Dictionary<string, NamespaceInfo>(snapshot.Namespaces!, StringComparer.OrdinalIgnoreCase);
                foreach (var ns in doomed)
                {
                    copy.Remove(ns.Name);
                }
                snapshot.Namespaces = copy;
            });
            return true;
        });
    }

    /// <inheritdoc />
    public CimClass? GetClass(string @namespace, string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        var name = Normalise(@namespace);
        return Read("reading a class", (name, className), (scope, a) =>
            scope.Snapshot.Find(a.name) is { } ns ? LoadClass(scope.Connection, scope.Snapshot, ns, a.className) : null);
    }

    /// <inheritdoc />
    public IEnumerable<CimClass> GetClasses(string @namespace)
    {
        var name = Normalise(@namespace);
        return Read("listing classes", name, (scope, n) =>
        {
            if (scope.Snapshot.Find(n) is not { } ns)
            {
                return [];
            }
            if (!ns.Complete)
            {
                LoadAllClasses(scope.Connection, scope.Snapshot, ns);
            }
            var result = new List<CimClass>(ns.Classes.Count);
            foreach (var (_, cls) in ns.Classes)
            {
                if (cls is not null)
                {
                    result.Add(cls);
                }
            }
            return (IEnumerable<CimClass>)result;
        });
    }

    /// <summary>Reads every class of a namespace in one statement and decodes them parents first.</summary>
    private void LoadAllClasses(RepositoryConnection connection, SchemaSnapshot snapshot, NamespaceInfo ns)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        long generation = 0;
        using (var reader = connection.Command(
            "SELECT m.value, c.name, c.blob FROM meta m LEFT JOIN classes c ON c.ns = $p0 WHERE m.key = 'schema_generation'", ns.Id).ExecuteReader())
        {
            while (reader.Read())
            {
                generation = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    blobs[reader.GetString(1)] = (byte[])reader.GetValue(2);
                }
            }
        }
        var decoded = new Dictionary<string, CimClass>(StringComparer.OrdinalIgnoreCase);
        var inProgress = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in blobs.Keys)
        {
            Decode(name);
        }
        if (snapshot.IsPrivate)
        {
            foreach (var (name, cls) in decoded)
            {
                ns.Classes[name] = cls;
            }
            ns.Complete = true;
            return;
        }
        lock (_cacheLock)
        {
            if (ReferenceEquals(_shared, snapshot) && snapshot.Generation == generation)
            {
                foreach (var (name, cls) in decoded)
                {
                    ns.Classes.TryAdd(name, cls);
                }
                // Drop negative entries for classes that do exist, then mark the namespace complete.
                foreach (var (name, cls) in ns.Classes)
                {
                    if (cls is null && decoded.ContainsKey(name))
                    {
                        ns.Classes[name] = decoded[name];
                    }
                }
                ns.Complete = true;
            }
            else
            {
                // Not cacheable (the schema moved on): serve this read from what was decoded.
                foreach (var (name, cls) in decoded)
                {
                    ns.Classes.TryAdd(name, cls);
                }
            }
        }

        CimClass Decode(string name)
        {
            if (decoded.TryGetValue(name, out var done))
            {
                return done;
            }
            if (ns.Classes.TryGetValue(name, out var cached) && cached is not null)
            {
                decoded[name] = cached;
                return cached;
            }
            if (!inProgress.Add(name))
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidSuperclass,
                    $"The superclass chain of '{name}' in '{ns.Name}' loops; run 'wmix repository check'.");
            }
            var cls = CimBinaryCodec.DecodeClass(blobs[name], parent => blobs.ContainsKey(parent) ? Decode(parent) : null);
            decoded[name] = cls;
            return cls;
        }
    }

    /// <inheritdoc />
    public CimClass? PutClass(string @namespace, CimClass cls)
    {
        ArgumentNullException.ThrowIfNull(cls);
        RequireFrozen(cls);
        var name = Normalise(@namespace);
        var blob = CimBinaryCodec.EncodeClass(cls);
        return Write("storing a class", (name, cls, blob), (context, a) =>
        {
            var ns = context.Snapshot.Find(a.name)
                ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"Namespace '{a.name}' does not exist.");
            var previous = TryLoadPrevious(context, ns, a.cls.Name);
            context.Connection.Command(
                "INSERT OR REPLACE INTO classes (ns, key, name, superclass, blob) VALUES ($p0, $p1, $p2, $p3, $p4)",
                ns.Id, Key(a.cls.Name), a.cls.Name, a.cls.Superclass?.Name, a.blob).ExecuteNonQuery();
            var nsName = ns.Name;
            var stored = a.cls;
            context.Changes.Add(snapshot =>
            {
                if (snapshot.Find(nsName) is { } target)
                {
                    target.Classes[stored.Name] = stored;
                }
            });
            return previous;
        });
    }

    /// <inheritdoc />
    public CimClass? DeleteClass(string @namespace, string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        var name = Normalise(@namespace);
        return Write("deleting a class", (name, className), (context, a) =>
        {
            if (context.Snapshot.Find(a.name) is not { } ns)
            {
                return null;
            }
            var exists = ReadInt64(context.Connection.Command("SELECT count(*) FROM classes WHERE ns = $p0 AND key = $p1", ns.Id, Key(a.className))) > 0;
            if (!exists)
            {
                return null;
            }
            var previous = TryLoadPrevious(context, ns, a.className);
            context.Connection.Command("DELETE FROM instances WHERE ns = $p0 AND class = $p1", ns.Id, Key(a.className)).ExecuteNonQuery();
            context.Connection.Command("DELETE FROM classes WHERE ns = $p0 AND key = $p1", ns.Id, Key(a.className)).ExecuteNonQuery();
            var nsName = ns.Name;
            var removed = a.className;
            context.Changes.Add(snapshot =>
            {
                if (snapshot.Find(nsName) is { } target)
                {
                    target.Classes[removed] = null;
                }
            });
            return previous;
        });
    }

    /// <summary>The class being replaced or removed; a stored class that no longer decodes is replaced all the same.</summary>
    private CimClass? TryLoadPrevious(WriteContext context, NamespaceInfo ns, string className)
    {
        try
        {
            return LoadClass(context.Connection, context.Snapshot, ns, className);
        }
        catch (WbemException ex) when (ex.ErrorCode is WbemErrorEnum.wbemErrInvalidObject or WbemErrorEnum.wbemErrInvalidSuperclass)
        {
            // Overwriting a damaged class is how a user repairs it; the write must not be blocked by the damage.
            System.Diagnostics.Trace.TraceWarning($"Wmix repository: replacing unreadable class '{className}' in '{ns.Name}': {ex.Message}");
            return null;
        }
    }
}

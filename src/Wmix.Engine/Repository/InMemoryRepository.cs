using System.Collections.Concurrent;
using Wmix.Cim;

namespace Wmix.Engine.Repository;

/// <summary>
/// An <see cref="ICimRepository"/> held in memory: the default store of an object manager, lost when the process
/// ends.
/// </summary>
/// <remarks>
/// Readers never lock: namespaces, classes and instances sit in concurrent dictionaries whose entries are frozen,
/// shared objects, replaced whole (copy-on-write), so a reader sees either the old or the new object, never a torn
/// one. Writers to one namespace are serialised by that namespace's lock, so a put's existence check and its write
/// are atomic; namespace creation and deletion are serialised by one store-wide lock.
/// <para><see cref="BeginTransaction"/> keeps an undo journal of the flow's writes and holds the store's write gate
/// until it ends, so a rollback restores exactly what was there; readers may see a transaction's writes before it
/// commits (the in-memory store has no snapshots).</para>
/// </remarks>
public sealed class InMemoryRepository : ICimRepository
{
    private readonly ConcurrentDictionary<string, NamespaceStore> _namespaces = new(StringComparer.OrdinalIgnoreCase);

    // Serialises namespace creation and deletion so a child can never be created under a parent that is being
    // deleted (the check of the parent and the insert of the child happen under it).
    private readonly Lock _namespaceGate = new();

    // Every write passes this gate, and a transaction holds it from begin to end, so no other writer interleaves with
    // a batch and a rollback can never undo someone else's write. A semaphore, not a Lock: a transaction may be
    // committed on another thread than the one that began it (after an await).
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // The transaction of the current flow, if any: writes from that flow join it and skip the gate it holds.
    private readonly AsyncLocal<Transaction?> _ambient = new();

    /// <inheritdoc />
    public bool NamespaceExists(string @namespace) => Find(@namespace) is not null;

    /// <inheritdoc />
    public string? GetNamespaceName(string @namespace) => Find(@namespace)?.Name;

    /// <inheritdoc />
    public IReadOnlyList<string> GetChildNamespaces(string @namespace)
    {
        var prefix = Normalise(@namespace) + "\\";
        var children = new List<string>();
        foreach (var (_, store) in _namespaces)
        {
            var name = store.Name;
            if (name.Length > prefix.Length && name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && name.IndexOf('\\', prefix.Length) < 0)
            {
                children.Add(name);
            }
        }
        children.Sort(StringComparer.OrdinalIgnoreCase);
        return children;
    }

    /// <inheritdoc />
    public bool CreateNamespace(string @namespace)
    {
        var name = Normalise(@namespace);
        using var write = EnterWrite();
        lock (_namespaceGate)
        {
            if (_namespaces.ContainsKey(name))
            {
                return false;
            }
            var cut = name.LastIndexOf('\\');
            if (cut > 0 && !_namespaces.ContainsKey(name[..cut]))
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace,
                    $"Namespace '{name[..cut]}' does not exist; create it before '{name}'.");
            }
            _namespaces[name] = new NamespaceStore(name);
            write.Record(() => _namespaces.TryRemove(name, out _));
            return true;
        }
    }

    /// <inheritdoc />
    public bool DeleteNamespace(string @namespace)
    {
        var name = Normalise(@namespace);
        var prefix = name + "\\";
        using var write = EnterWrite();
        lock (_namespaceGate)
        {
            if (!_namespaces.TryRemove(name, out var removed))
            {
                return false;
            }
            var gone = new List<KeyValuePair<string, NamespaceStore>> { new(name, removed) };
            foreach (var key in _namespaces.Keys)
            {
                if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && _namespaces.TryRemove(key, out var child))
                {
                    gone.Add(new(key, child));
                }
            }
            write.Record(() =>
            {
                foreach (var (key, store) in gone)
                {
                    _namespaces[key] = store;
                }
            });
            return true;
        }
    }

    /// <inheritdoc />
    public CimClass? GetClass(string @namespace, string className) =>
        Find(@namespace) is { } store && store.Classes.TryGetValue(className, out var entry) ? entry.Class : null;

    /// <inheritdoc />
    public IEnumerable<CimClass> GetClasses(string @namespace)
    {
        if (Find(@namespace) is not { } store)
        {
            yield break;
        }
        foreach (var (_, entry) in store.Classes)
        {
            yield return entry.Class;
        }
    }

    /// <inheritdoc />
    public CimClass? PutClass(string @namespace, CimClass cls)
    {
        ArgumentNullException.ThrowIfNull(cls);
        RequireFrozen(cls);
        using var write = EnterWrite();
        var store = Require(@namespace);
        lock (store.WriteGate)
        {
            if (store.Classes.TryGetValue(cls.Name, out var entry))
            {
                var previous = entry.Class;
                // The instance bucket survives a class update: the object manager decides what happens to instances.
                store.Classes[cls.Name] = new ClassEntry(cls, entry.Instances);
                write.Record(() => store.Classes[cls.Name] = entry);
                return previous;
            }
            store.Classes[cls.Name] = new ClassEntry(cls, new ConcurrentDictionary<string, CimInstance>(StringComparer.Ordinal));
            write.Record(() => store.Classes.TryRemove(cls.Name, out _));
            return null;
        }
    }

    /// <inheritdoc />
    public CimClass? DeleteClass(string @namespace, string className)
    {
        using var write = EnterWrite();
        if (Find(@namespace) is not { } store)
        {
            return null;
        }
        lock (store.WriteGate)
        {
            if (!store.Classes.TryRemove(className, out var entry))
            {
                return null;
            }
            write.Record(() => store.Classes[entry.Class.Name] = entry);
            return entry.Class;
        }
    }

    /// <inheritdoc />
    public CimInstance? GetInstance(string @namespace, string className, string canonicalPath) =>
        Find(@namespace) is { } store && store.Classes.TryGetValue(className, out var entry)
            && entry.Instances.TryGetValue(canonicalPath, out var instance) ? instance : null;

    /// <inheritdoc />
    public IEnumerable<CimInstance> EnumerateInstances(string @namespace, string className)
    {
        if (Find(@namespace) is not { } store || !store.Classes.TryGetValue(className, out var entry))
        {
            return [];
        }
        return Enumerate(entry.Instances);

        static IEnumerable<CimInstance> Enumerate(ConcurrentDictionary<string, CimInstance> bucket)
        {
            // Enumerating the dictionary itself takes no lock and copies nothing (unlike .Values).
            foreach (var (_, instance) in bucket)
            {
                yield return instance;
            }
        }
    }

    /// <inheritdoc />
    public int CountInstances(string @namespace, string className) =>
        Find(@namespace) is { } store && store.Classes.TryGetValue(className, out var entry) ? entry.Instances.Count : 0;

    /// <inheritdoc />
    public RepositoryPutResult PutInstance(string @namespace, string canonicalPath, CimInstance instance, PutMode mode, out CimInstance? previous)
    {
        ArgumentNullException.ThrowIfNull(canonicalPath);
        ArgumentNullException.ThrowIfNull(instance);
        RequireFrozen(instance);
        previous = null;
        using var write = EnterWrite();
        if (Find(@namespace) is not { } store)
        {
            return RepositoryPutResult.ClassNotFound;
        }
        lock (store.WriteGate)
        {
            // Under the namespace's write lock: the class cannot be deleted between this check and the write.
            if (!store.Classes.TryGetValue(instance.ClassName, out var entry))
            {
                return RepositoryPutResult.ClassNotFound;
            }
            var exists = entry.Instances.TryGetValue(canonicalPath, out previous);
            switch (mode)
            {
                case PutMode.CreateOnly when exists:
                    return RepositoryPutResult.AlreadyExists;
                case PutMode.UpdateOnly when !exists:
                    previous = null;
                    return RepositoryPutResult.NotFound;
            }
            entry.Instances[canonicalPath] = instance;
            var bucket = entry.Instances;
            var replaced = previous;
            write.Record(() =>
            {
                if (replaced is null)
                {
                    bucket.TryRemove(canonicalPath, out _);
                }
                else
                {
                    bucket[canonicalPath] = replaced;
                }
            });
            return exists ? RepositoryPutResult.Updated : RepositoryPutResult.Created;
        }
    }

    /// <inheritdoc />
    public CimInstance? DeleteInstance(string @namespace, string className, string canonicalPath)
    {
        using var write = EnterWrite();
        if (Find(@namespace) is not { } store)
        {
            return null;
        }
        lock (store.WriteGate)
        {
            if (!store.Classes.TryGetValue(className, out var entry) || !entry.Instances.TryRemove(canonicalPath, out var removed))
            {
                return null;
            }
            var bucket = entry.Instances;
            write.Record(() => bucket[canonicalPath] = removed);
            return removed;
        }
    }

    /// <inheritdoc />
    public IRepositoryTransaction BeginTransaction()
    {
        if (_ambient.Value is { IsOpen: true })
        {
            throw new InvalidOperationException("This flow already has a transaction open on the repository; commit or dispose it first.");
        }
        _writeGate.Wait();
        var transaction = new Transaction(this);
        // Set in this synchronous method, the value is seen by the caller and everything it calls or awaits.
        _ambient.Value = transaction;
        return transaction;
    }

    private WriteScope EnterWrite()
    {
        if (_ambient.Value is { IsOpen: true } transaction && ReferenceEquals(transaction.Owner, this))
        {
            return new WriteScope(this, transaction);
        }
        _writeGate.Wait();
        return new WriteScope(this, null);
    }

    /// <summary>One write: joins the flow's transaction (journaling its undo) or holds the write gate for its duration.</summary>
    private readonly struct WriteScope(InMemoryRepository owner, Transaction? transaction) : IDisposable
    {
        public void Record(Action undo) => transaction?.Journal.Add(undo);

        public void Dispose()
        {
            if (transaction is null)
            {
                owner._writeGate.Release();
            }
        }
    }

    private sealed class Transaction(InMemoryRepository owner) : IRepositoryTransaction
    {
        private int _state; // 0 open, 1 ended

        public InMemoryRepository Owner { get; } = owner;

        public List<Action> Journal { get; } = [];

        public bool IsOpen => Volatile.Read(ref _state) == 0;

        public void Commit()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                throw new InvalidOperationException("The transaction has already ended.");
            }
            End();
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return;
            }
            // Roll back: undo in reverse order, under the gate this transaction still holds.
            for (var i = Journal.Count - 1; i >= 0; i--)
            {
                Journal[i]();
            }
            End();
        }

        private void End()
        {
            Journal.Clear();
            if (ReferenceEquals(Owner._ambient.Value, this))
            {
                Owner._ambient.Value = null;
            }
            Owner._writeGate.Release();
        }
    }

    private NamespaceStore? Find(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        if (_namespaces.TryGetValue(@namespace, out var store))
        {
            return store;
        }
        return @namespace.Contains('/', StringComparison.Ordinal) && _namespaces.TryGetValue(Normalise(@namespace), out store) ? store : null;
    }

    private NamespaceStore Require(string @namespace) =>
        Find(@namespace) ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"Namespace '{@namespace}' does not exist.");

    private static string Normalise(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return @namespace.Replace('/', '\\').Trim('\\');
    }

    private static void RequireFrozen(CimObject value)
    {
        if (!value.IsReadOnly)
        {
            throw new ArgumentException("The repository stores frozen objects only; call Freeze() first.", nameof(value));
        }
    }

    private sealed class NamespaceStore(string name)
    {
        public string Name { get; } = name;

        // Serialises writers to this namespace; readers go straight to the dictionaries.
        public Lock WriteGate { get; } = new();

        public ConcurrentDictionary<string, ClassEntry> Classes { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private sealed record ClassEntry(CimClass Class, ConcurrentDictionary<string, CimInstance> Instances);
}

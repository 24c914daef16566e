using Wmix.Cim;
using Wmix.Engine.Internal;
using Wmix.Engine.Providers;

namespace Wmix.Engine;

// Namespaces and classes: lookups (also used by the event subsystem), creation, update and deletion.
public sealed partial class ObjectManager
{
    /// <summary>
    /// The class <paramref name="className"/> of <paramref name="namespace"/> (frozen, located), or null when the
    /// namespace or class does not exist. For the event subsystem and the operations.
    /// </summary>
    internal CimClass? GetClass(string @namespace, string className) =>
        string.IsNullOrEmpty(className) ? null : Repository.GetClass(@namespace, className);

    /// <summary>
    /// The classes derived from <paramref name="className"/> (all levels when <paramref name="deep"/>, else direct
    /// children), parents before children, never the class itself. Empty for an unknown class. Shared: do not cast
    /// and change the result.
    /// </summary>
    internal IReadOnlyList<CimClass> GetSubclasses(string @namespace, string className, bool deep)
    {
        var view = View(@namespace);
        var cache = deep ? view.Deep : view.Shallow;
        if (cache.TryGetValue(className, out var cached))
        {
            return cached;
        }
        var list = new List<CimClass>();
        foreach (var cls in view.All)
        {
            if (CimNames.AreEqual(cls.Name, className))
            {
                continue;
            }
            if (deep ? cls.IsSubclassOfOrSelf(className) : CimNames.AreEqual(cls.SuperclassName, className))
            {
                list.Add(cls);
            }
        }
        CimClass[] result = [.. list];
        cache.TryAdd(className, result);
        return result;
    }

    /// <summary>
    /// The provider that serves exactly <paramref name="className"/> in <paramref name="namespace"/>, or null for
    /// classes whose instances the object manager keeps itself (repository classes and <c>__NAMESPACE</c>).
    /// </summary>
    internal CimProvider? FindProvider(string @namespace, string className) =>
        _routes.TryGetValue(@namespace, out var classes) && classes.TryGetValue(className, out var route) ? route.Provider : null;

    /// <summary>Every class of a namespace, parents before children, then by name. Shared: do not change it.</summary>
    private IReadOnlyList<CimClass> AllClasses(string @namespace) => View(@namespace).All;

    // Views of each namespace's schema (sorted classes, subclass lists), derived from the repository and rebuilt
    // lazily after a schema change: every repository schema write bumps _schemaVersion after it is done, and a view
    // records the version it was built at, so a view built from data older than the last change is never used.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SchemaView> _views = new(StringComparer.OrdinalIgnoreCase);
    private long _schemaVersion;

    private sealed class SchemaView(long version, long storeGeneration, IReadOnlyList<CimClass> all)
    {
        public long Version { get; } = version;

        public long StoreGeneration { get; } = storeGeneration;

        public IReadOnlyList<CimClass> All { get; } = all;

        public System.Collections.Concurrent.ConcurrentDictionary<string, CimClass[]> Deep { get; } = new(StringComparer.OrdinalIgnoreCase);

        public System.Collections.Concurrent.ConcurrentDictionary<string, CimClass[]> Shallow { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    private SchemaView View(string @namespace)
    {
        var version = Interlocked.Read(ref _schemaVersion);
        // Writers in other processes (a durable store shared with the CLI) do not bump _schemaVersion: the store's own
        // generation catches those. Read before the classes, so a view is never tagged newer than its data (issue #5).
        var storeGeneration = Repository.SchemaGeneration;
        if (_views.TryGetValue(@namespace, out var view) && view.Version == version && view.StoreGeneration == storeGeneration)
        {
            return view;
        }
        var all = new List<CimClass>(Repository.GetClasses(@namespace));
        SortParentsFirst(all);
        view = new SchemaView(version, storeGeneration, all);
        _views[@namespace] = view;
        return view;
    }

    /// <summary>Marks every schema view stale; called after each schema write to the repository.</summary>
    private void SchemaChanged() => Interlocked.Increment(ref _schemaVersion);

    private static void SortParentsFirst(List<CimClass> list) =>
        list.Sort(static (a, b) =>
        {
            var byDepth = a.Derivation.Count.CompareTo(b.Derivation.Count);
            return byDepth != 0 ? byDepth : string.Compare(a.Name, b.Name, StringComparison.OrdinalIgnoreCase);
        });

    // ---- namespaces ------------------------------------------------------------------------------------------

    private void EnsureNamespace(string name)
    {
        lock (_schemaGate)
        {
            EnsureNamespaceChain(name);
        }
    }

    /// <summary>Creates <paramref name="name"/> and any missing ancestors (caller holds the schema lock); returns what it created.</summary>
    private List<(string Parent, CimInstance Instance)> EnsureNamespaceChain(string name)
    {
        var created = new List<(string, CimInstance)>();
        var parts = name.Split('\\');
        var path = string.Empty;
        foreach (var part in parts)
        {
            var parent = path.Length == 0 ? null : Repository.GetNamespaceName(path);
            path = path.Length == 0 ? part : path + "\\" + part;
            if (Repository.NamespaceExists(path))
            {
                continue;
            }
            var full = parent is null ? part : parent + "\\" + part;
            Repository.CreateNamespace(full);
            SchemaChanged();
            InstallSystemClasses(full);
            if (parent is not null)
            {
                created.Add((parent, NamespaceInstance(parent, part)));
            }
        }
        return created;
    }

    private void InstallSystemClasses(string @namespace)
    {
        foreach (var cls in SystemSchema.Classes)
        {
            if (Repository.GetClass(@namespace, cls.Name) is null)
            {
                Repository.PutClass(@namespace, Locate(cls, @namespace));
                SchemaChanged();
            }
        }
    }

    private void EnsureSystemClassesBelow(string @namespace)
    {
        lock (_schemaGate)
        {
            var pending = new Stack<string>();
            pending.Push(@namespace);
            while (pending.Count > 0)
            {
                var ns = pending.Pop();
                InstallSystemClasses(ns);
                foreach (var child in Repository.GetChildNamespaces(ns))
                {
                    pending.Push(child);
                }
            }
        }
    }

    /// <summary>The <c>__NAMESPACE</c> instance that represents child <paramref name="leaf"/> in <paramref name="parent"/>.</summary>
    private CimInstance NamespaceInstance(string parent, string leaf)
    {
        var cls = Repository.GetClass(parent, SystemSchema.NamespaceClass) ?? Locate(SystemSchema.Namespace, parent);
        var instance = cls.SpawnInstance();
        instance.SetValue("Name", leaf);
        return (CimInstance)Locate(instance, parent).Freeze();
    }

    /// <summary>The children of <paramref name="namespace"/> as <c>__NAMESPACE</c> instances.</summary>
    private IEnumerable<CimInstance> NamespaceInstances(string @namespace)
    {
        foreach (var child in Repository.GetChildNamespaces(@namespace))
        {
            yield return NamespaceInstance(@namespace, NamespaceNames.Leaf(child));
        }
    }

    /// <summary>Creates child namespace <paramref name="leaf"/> of <paramref name="parent"/> (Put of a <c>__NAMESPACE</c> instance).</summary>
    private CimInstance PutNamespace(string parent, string? leaf, PutMode mode)
    {
        if (leaf is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrIllegalNull, "__NAMESPACE.Name is the key and cannot be NULL.");
        }
        if (!CimNames.IsIdentifier(leaf))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"'{leaf}' is not a valid namespace name; use letters, digits and '_'.");
        }
        var full = parent + "\\" + leaf;
        bool created;
        lock (_schemaGate)
        {
            var exists = Repository.NamespaceExists(full);
            if (exists && mode == PutMode.CreateOnly)
            {
                throw new WbemException(WbemErrorEnum.wbemErrAlreadyExists, $"Namespace '{full}' already exists.");
            }
            if (!exists && mode == PutMode.UpdateOnly)
            {
                throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Namespace '{full}' does not exist.");
            }
            created = !exists;
            if (created)
            {
                Repository.CreateNamespace(full);
                SchemaChanged();
                InstallSystemClasses(full);
            }
        }
        var existing = Repository.GetNamespaceName(full);
        var instance = NamespaceInstance(parent, existing is null ? leaf : NamespaceNames.Leaf(existing));
        if (created)
        {
            RaiseIntrinsic(parent, IntrinsicEventKind.NamespaceCreation, instance, null);
        }
        return instance;
    }

    /// <summary>Deletes child namespace <paramref name="leaf"/> of <paramref name="parent"/> with everything below it.</summary>
    private void DeleteNamespace(string parent, string leaf)
    {
        var full = parent + "\\" + leaf;
        CimInstance instance;
        lock (_schemaGate)
        {
            var name = Repository.GetNamespaceName(full)
                ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Namespace '{full}' does not exist.");
            instance = NamespaceInstance(parent, NamespaceNames.Leaf(name));
            Repository.DeleteNamespace(name);
            SchemaChanged();
            foreach (var key in _routes.Keys)
            {
                if (NamespaceNames.AreEqual(key, name) || key.StartsWith(name + "\\", StringComparison.OrdinalIgnoreCase))
                {
                    _routes.TryRemove(key, out _);
                }
            }
        }
        RaiseIntrinsic(parent, IntrinsicEventKind.NamespaceDeletion, instance, null);
    }

    // ---- classes ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Builds the class to store from a caller's definition: bound to the stored superclass (rebuilt when the caller's
    /// copy of the parent is not the stored one), marked dynamic for a provider, validated, located and frozen.
    /// </summary>
    private CimClass PrepareClass(string @namespace, CimClass definition, CimProvider? markDynamicFor)
    {
        CimClass? parent = null;
        if (definition.SuperclassName is { } parentName)
        {
            parent = Repository.GetClass(@namespace, parentName)
                ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidSuperclass,
                    $"Superclass '{parentName}' of '{definition.Name}' does not exist in '{@namespace}'; store it first.");
            if (parent.IsSubclassOfOrSelf(definition.Name))
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidSuperclass, $"'{definition.Name}' cannot derive from its own subclass '{parentName}'.");
            }
        }
        var cls = ReferenceEquals(definition.Superclass, parent)
            ? (CimClass)definition.Clone()
            : ClassRebuilder.Rebase(definition, parent, force: false);
        if (markDynamicFor is not null)
        {
            if (!cls.Qualifiers.IsTrue("dynamic"))
            {
                cls.Qualifiers.Set("Dynamic", true);
            }
            if (!cls.Qualifiers.Contains("provider"))
            {
                cls.Qualifiers.Set("Provider", markDynamicFor.Name);
            }
        }
        cls.Validate();
        return (CimClass)Locate(cls, @namespace).Freeze();
    }

    private readonly record struct PendingEvent(string Namespace, IntrinsicEventKind Kind, CimObject Target, CimObject? Previous);

    /// <summary>Put of a class, with WMI's create/update rules; returns the stored class.</summary>
    private CimClass PutClass(string @namespace, CimClass definition, CallOptions options)
    {
        if (definition.Name.Length == 0)
        {
            throw new WbemException(WbemErrorEnum.wbemErrIncompleteClass, "The class has no name; name it before storing it.");
        }
        if (SystemSchema.IsSystemClassName(definition.Name))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidOperation,
                $"'{definition.Name}': names starting with '__' are reserved for system classes, which cannot be created or changed.");
        }
        var events = new List<PendingEvent>();
        CimClass stored;
        lock (_schemaGate)
        {
            var existing = Repository.GetClass(@namespace, definition.Name);
            switch (options.PutMode)
            {
                case PutMode.CreateOnly when existing is not null:
                    throw new WbemException(WbemErrorEnum.wbemErrAlreadyExists, $"Class '{definition.Name}' already exists.");
                case PutMode.UpdateOnly when existing is null:
                    throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Class '{definition.Name}' does not exist.");
            }
            stored = PrepareClass(@namespace, definition, FindProvider(@namespace, definition.Name));
            if (existing is null)
            {
                Repository.PutClass(@namespace, stored);
                SchemaChanged();
                events.Add(new(@namespace, IntrinsicEventKind.ClassCreation, stored, null));
            }
            else
            {
                UpdateClass(@namespace, existing, stored, options.ClassUpdateMode, events);
                events.Add(new(@namespace, IntrinsicEventKind.ClassModification, stored, existing));
            }
        }
        foreach (var e in events)
        {
            RaiseIntrinsic(e.Namespace, e.Kind, e.Target, e.Previous);
        }
        return stored;
    }

    /// <summary>Replaces <paramref name="existing"/> by <paramref name="updated"/> under WMI's update modes (caller holds the schema lock).</summary>
    private void UpdateClass(string @namespace, CimClass existing, CimClass updated, ClassUpdateMode mode, List<PendingEvent> events)
    {
        var subclasses = GetSubclasses(@namespace, existing.Name, deep: true).ToList();
        var harmless = ClassRebuilder.OnlyHarmlessChanges(existing, updated);
        if (!harmless)
        {
            var ownInstances = Repository.CountInstances(@namespace, existing.Name);
            var subclassInstances = subclasses.Sum(c => Repository.CountInstances(@namespace, c.Name));
            switch (mode)
            {
                case ClassUpdateMode.Compatible when ownInstances > 0:
                case ClassUpdateMode.SafeMode when ownInstances + subclassInstances > 0:
                    throw new WbemException(WbemErrorEnum.wbemErrClassHasInstances,
                        $"Class '{existing.Name}' (or a subclass) has instances; delete them, or use ForceMode, before changing the class.");
                case ClassUpdateMode.Compatible when subclasses.Count > 0:
                    throw new WbemException(WbemErrorEnum.wbemErrClassHasChildren,
                        $"Class '{existing.Name}' has subclasses; use SafeMode or ForceMode to change it.");
                case ClassUpdateMode.ForceMode:
                    // Spec §8.13: a forced update of a static class deletes the instances whose shape changes.
                    foreach (var c in subclasses.Prepend(existing))
                    {
                        foreach (var instance in Repository.EnumerateInstances(@namespace, c.Name).ToList())
                        {
                            if (InstancePaths.CanonicalOf(instance) is { } key && Repository.DeleteInstance(@namespace, c.Name, key) is { } removed)
                            {
                                events.Add(new(@namespace, IntrinsicEventKind.InstanceDeletion, removed, null));
                            }
                        }
                    }
                    break;
            }
        }

        // Rebuild the subtree on the new definition, parents first, so each child binds to its rebuilt parent.
        var rebuilt = new Dictionary<string, CimClass>(StringComparer.OrdinalIgnoreCase) { [updated.Name] = updated };
        var replacements = new List<(CimClass Old, CimClass New)>();
        foreach (var child in subclasses)
        {
            var parent = rebuilt[child.SuperclassName!];
            CimClass rebased;
            try
            {
                rebased = ClassRebuilder.Rebase(child, parent, force: mode == ClassUpdateMode.ForceMode);
                rebased.Validate();
            }
            catch (WbemException e) when (mode != ClassUpdateMode.ForceMode)
            {
                throw new WbemException(WbemErrorEnum.wbemErrClassHasChildren,
                    $"Subclass '{child.Name}' conflicts with the new definition of '{existing.Name}' ({e.Message}); use ForceMode to override.", e);
            }
            var frozen = (CimClass)Locate(rebased, @namespace).Freeze();
            rebuilt[child.Name] = frozen;
            replacements.Add((child, frozen));
        }

        Repository.PutClass(@namespace, updated);
        SchemaChanged();
        foreach (var (_, replacement) in replacements)
        {
            Repository.PutClass(@namespace, replacement);
            SchemaChanged();
        }
        // Instances that survived (harmless changes) move to the new class objects so they show the new definition.
        foreach (var (oldClass, newClass) in replacements.Prepend((existing, updated)))
        {
            foreach (var instance in Repository.EnumerateInstances(@namespace, oldClass.Name).ToList())
            {
                var moved = ClassRebuilder.Rehome(instance, newClass);
                if (InstancePaths.CanonicalOf(moved) is { } key)
                {
                    Locate(moved, @namespace).Freeze();
                    Repository.PutInstance(@namespace, key, moved, PutMode.CreateOrUpdate, out _);
                }
            }
        }
    }

    /// <summary>Deletes a class with its subclasses and their instances.</summary>
    private void DeleteClass(string @namespace, string className)
    {
        if (SystemSchema.IsSystemClassName(className))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidOperation, $"System class '{className}' cannot be deleted.");
        }
        var events = new List<PendingEvent>();
        lock (_schemaGate)
        {
            var cls = Repository.GetClass(@namespace, className)
                ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Class '{className}' does not exist in '{@namespace}'.");
            var doomed = GetSubclasses(@namespace, cls.Name, deep: true).Prepend(cls).Reverse().ToList();
            foreach (var c in doomed)
            {
                foreach (var instance in Repository.EnumerateInstances(@namespace, c.Name))
                {
                    events.Add(new(@namespace, IntrinsicEventKind.InstanceDeletion, instance, null));
                }
                Repository.DeleteClass(@namespace, c.Name);
                SchemaChanged();
                if (_routes.TryGetValue(@namespace, out var routes))
                {
                    routes.TryRemove(c.Name, out _);
                }
                events.Add(new(@namespace, IntrinsicEventKind.ClassDeletion, c, null));
            }
        }
        foreach (var e in events)
        {
            RaiseIntrinsic(e.Namespace, e.Kind, e.Target, e.Previous);
        }
    }
}

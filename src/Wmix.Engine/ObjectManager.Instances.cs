using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Internal;
using Wmix.Engine.Providers;
using Wmix.Engine.Repository;

namespace Wmix.Engine;

// Instances: enumeration (repository, providers, __NAMESPACE), lookup by path, put and delete.
public sealed partial class ObjectManager
{
    /// <summary>
    /// The instances of <paramref name="className"/> (and of its subclasses when <paramref name="deep"/>), frozen and
    /// located: the path InstancesOf takes. For the event subsystem's polls. Throws wbemErrInvalidClass (on the first
    /// move) for an unknown class; provider failures surface as <see cref="WbemException"/>.
    /// </summary>
    internal async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(string @namespace, string className, bool deep, CallOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cls = GetClass(@namespace, className)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{className}' does not exist in '{@namespace}'.");
        var context = new ProviderContext(@namespace, ServerName, options, null, null, cancellationToken);
        foreach (var c in ClassesToScan(@namespace, cls, deep))
        {
            await foreach (var instance in EnumerateExactAsync(@namespace, c, context, cancellationToken).ConfigureAwait(false))
            {
                yield return instance;
            }
        }
    }

    /// <summary><paramref name="cls"/>, then (when deep) its subclasses, parents first.</summary>
    private IEnumerable<CimClass> ClassesToScan(string @namespace, CimClass cls, bool deep) =>
        deep ? GetSubclasses(@namespace, cls.Name, deep: true).Prepend(cls) : [cls];

    /// <summary>
    /// The instances of exactly <paramref name="cls"/>: from its provider, from <c>__NAMESPACE</c>'s namespace list, or
    /// from the repository. Frozen and located; cancellation checked between items.
    /// </summary>
    private async IAsyncEnumerable<CimInstance> EnumerateExactAsync(string @namespace, CimClass cls, ProviderContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (CimNames.AreEqual(cls.Name, SystemSchema.NamespaceClass))
        {
            foreach (var instance in NamespaceInstances(@namespace))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return instance;
            }
            yield break;
        }
        var provider = FindProvider(@namespace, cls.Name);
        if (provider is null)
        {
            foreach (var instance in Repository.EnumerateInstances(@namespace, cls.Name))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Locate(instance, @namespace);
            }
            yield break;
        }
        if (cls.IsAbstract && !HasCapability(provider, @namespace, cls.Name, ProviderCapabilities.Enumerate))
        {
            // An abstract class has no instances of its own; a provider that only installs it (as Linux providers do
            // for WMI's CIM parents) must not make a deep enumeration or ASSOCIATORS OF over its subclasses fail.
            yield break;
        }
        RequireCapability(provider, @namespace, cls, ProviderCapabilities.Enumerate, "enumerate instances of");
        IAsyncEnumerator<CimInstance> items;
        try
        {
            items = provider.EnumerateInstancesAsync(context, cls, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (IsProviderFault(e, cancellationToken))
        {
            throw ProviderFault(provider, "EnumerateInstances", e);
        }
        try
        {
            while (true)
            {
                CimInstance? item;
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                    item = items.Current;
                }
                catch (Exception e) when (IsProviderFault(e, cancellationToken))
                {
                    throw ProviderFault(provider, "EnumerateInstances", e);
                }
                cancellationToken.ThrowIfCancellationRequested();
                // The SPI contract: instances of exactly the class asked for; others (and nulls) are ignored.
                if (item is null || !(ReferenceEquals(item.Class, cls) || CimNames.AreEqual(item.ClassName, cls.Name)))
                {
                    continue;
                }
                yield return Seal(item, @namespace);
            }
        }
        finally
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Streams the instances of exactly <paramref name="cls"/> that pass <paramref name="filter"/> (projected when
    /// <paramref name="projection"/> is given) into <paramref name="operation"/>; false when the operation ended and
    /// the producer must stop. The hot path of InstancesOf and data queries: for a provider class it walks the
    /// provider's enumerator directly, one async layer, no allocation per object beyond what the provider makes.
    /// </summary>
    private async ValueTask<bool> DeliverExactAsync(string @namespace, CimClass cls, ProviderContext context, QueryFilter filter,
        Projection? projection, CimOperation operation)
    {
        var cancellationToken = operation.CancellationToken;
        var provider = CimNames.AreEqual(cls.Name, SystemSchema.NamespaceClass) ? null : FindProvider(@namespace, cls.Name);
        if (provider is null)
        {
            await foreach (var instance in EnumerateExactAsync(@namespace, cls, context, cancellationToken).ConfigureAwait(false))
            {
                if (filter.Matches(instance) && !await operation.DeliverAsync(Project(instance)).ConfigureAwait(false))
                {
                    return false;
                }
            }
            return true;
        }
        if (cls.IsAbstract && !HasCapability(provider, @namespace, cls.Name, ProviderCapabilities.Enumerate))
        {
            // An abstract class has no instances of its own; a provider that only installs it (as Linux providers do
            // for WMI's CIM parents) must not make a deep enumeration or ASSOCIATORS OF over its subclasses fail.
            return true;
        }
        RequireCapability(provider, @namespace, cls, ProviderCapabilities.Enumerate, "enumerate instances of");
        IAsyncEnumerator<CimInstance> items;
        try
        {
            items = provider.EnumerateInstancesAsync(context, cls, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (IsProviderFault(e, cancellationToken))
        {
            throw ProviderFault(provider, "EnumerateInstances", e);
        }
        try
        {
            while (true)
            {
                CimInstance? item;
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        return true;
                    }
                    item = items.Current;
                }
                catch (Exception e) when (IsProviderFault(e, cancellationToken))
                {
                    throw ProviderFault(provider, "EnumerateInstances", e);
                }
                cancellationToken.ThrowIfCancellationRequested();
                if (item is null || !(ReferenceEquals(item.Class, cls) || CimNames.AreEqual(item.ClassName, cls.Name)))
                {
                    continue;
                }
                item = Seal(item, @namespace);
                if (filter.Matches(item) && !await operation.DeliverAsync(Project(item)).ConfigureAwait(false))
                {
                    return false;
                }
            }
        }
        finally
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }

        CimObject Project(CimInstance instance) =>
            projection is null ? instance : Locate(projection.Project(instance), @namespace).Freeze();
    }

    /// <summary>Locates and freezes a provider's instance; in place (no copy) when the provider handed over a mutable one.</summary>
    private CimInstance Seal(CimInstance instance, string @namespace) =>
        instance.IsReadOnly ? Locate(instance, @namespace) : (CimInstance)instance.WithLocation(ServerName, @namespace).Freeze();

    /// <summary>
    /// The instance <paramref name="path"/> names, looking in <paramref name="cls"/> and its subclasses (keys are unique
    /// across a hierarchy); null when there is none. Throws wbemErrInvalidObjectPath when the keys do not fit the class.
    /// </summary>
    private async ValueTask<CimInstance?> FindInstanceAsync(string @namespace, CimClass cls, CimObjectPath path, ProviderContext context,
        CancellationToken cancellationToken)
    {
        var normalised = InstancePaths.Normalise(cls, path);
        foreach (var c in ClassesToScan(@namespace, cls, deep: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var candidate = ReferenceEquals(c, cls) ? normalised : InstancePaths.Normalise(c, normalised);
            if (CimNames.AreEqual(c.Name, SystemSchema.NamespaceClass))
            {
                var leaf = candidate.Keys[0].Value as string;
                if (leaf is not null && Repository.GetNamespaceName(@namespace + "\\" + leaf) is { } child)
                {
                    return NamespaceInstance(@namespace, NamespaceNames.Leaf(child));
                }
                continue;
            }
            var provider = FindProvider(@namespace, c.Name);
            if (provider is null)
            {
                if (Repository.GetInstance(@namespace, c.Name, candidate.ToCanonicalString()) is { } stored)
                {
                    return Locate(stored, @namespace);
                }
                continue;
            }
            if (!HasCapability(provider, @namespace, c.Name, ProviderCapabilities.Get | ProviderCapabilities.Enumerate))
            {
                if (ReferenceEquals(c, cls))
                {
                    RequireCapability(provider, @namespace, c, ProviderCapabilities.Get, "get instances of");
                }
                continue;
            }
            CimInstance? found;
            try
            {
                found = await provider.GetInstanceAsync(context, c, candidate, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsProviderFault(e, cancellationToken))
            {
                throw ProviderFault(provider, "GetObject", e);
            }
            if (found is not null && found.IsA(c.Name))
            {
                return Seal(found, @namespace);
            }
        }
        return null;
    }

    /// <summary>Put of an instance: repository or provider, with the put mode's rules. Returns the stored path (located).</summary>
    private async Task<CimObjectPath> PutInstanceAsync(string @namespace, CimInstance value, CallOptions options, ProviderContext context,
        CancellationToken cancellationToken)
    {
        var cls = GetClass(@namespace, value.ClassName)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{value.ClassName}' does not exist in '{@namespace}'.");
        if (CimNames.AreEqual(cls.Name, SystemSchema.NamespaceClass))
        {
            var leaf = value.TryGetValue("Name", out var name) ? name as string : null;
            return PutNamespace(@namespace, leaf, options.PutMode).Path!;
        }
        if (SystemSchema.IsSystemClassName(cls.Name))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidOperation, $"Instances of system class '{cls.Name}' cannot be stored.");
        }
        if (cls.IsAbstract)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidOperation, $"Class '{cls.Name}' is abstract and cannot have instances of its own.");
        }
        // Bind to the stored class: the caller's copy may be stale or come from elsewhere.
        var instance = ReferenceEquals(value.Class, cls) ? (CimInstance)value.Clone() : ClassRebuilder.Rehome(value, cls);
        foreach (var i in cls.KeyIndexes)
        {
            if (instance.GetValue(i) is null)
            {
                throw new WbemException(WbemErrorEnum.wbemErrIllegalNull, $"Key property '{cls.Properties[i].Name}' of '{cls.Name}' is NULL; give it a value.");
            }
        }
        // WBEM_E_ILLEGAL_NULL covers every property that must have a value: Key (above), Indexed and Not_Null.
        for (var i = 0; i < cls.Properties.Count; i++)
        {
            var p = cls.Properties[i];
            if ((p.Qualifiers.IsTrue("Not_Null") || p.Qualifiers.IsTrue("NotNull") || p.Qualifiers.IsTrue("Indexed")) && instance.GetValue(i) is null)
            {
                throw new WbemException(WbemErrorEnum.wbemErrIllegalNull,
                    $"Property '{p.Name}' of '{cls.Name}' is marked {(p.Qualifiers.IsTrue("Indexed") ? "Indexed" : "Not_Null")} and is NULL; give it a value.");
            }
        }
        if (cls.KeyIndexes.Count == 0 && !cls.IsSingleton)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidObject,
                $"Class '{cls.Name}' has no key properties and is not a singleton, so its instances cannot be stored.");
        }
        var frozen = (CimInstance)Locate(instance, @namespace).Freeze();

        if (FindProvider(@namespace, cls.Name) is { } provider)
        {
            RequireCapability(provider, @namespace, cls, ProviderCapabilities.Put, "store instances of");
            CimObjectPath path;
            try
            {
                path = await provider.PutInstanceAsync(context, frozen, options.PutMode, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsProviderFault(e, cancellationToken))
            {
                throw ProviderFault(provider, "PutInstance", e);
            }
            path ??= frozen.RelativeObjectPath!;
            return path.IsRelative ? path.WithLocation(ServerName, @namespace) : path;
        }

        var key = InstancePaths.CanonicalOf(frozen)!;
        var result = Repository.PutInstance(@namespace, key, frozen, options.PutMode, out var previous);
        switch (result)
        {
            case RepositoryPutResult.AlreadyExists:
                throw new WbemException(WbemErrorEnum.wbemErrAlreadyExists, $"Instance '{frozen.RelativePath}' already exists.");
            case RepositoryPutResult.NotFound:
                throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Instance '{frozen.RelativePath}' does not exist, and the put may only update.");
            case RepositoryPutResult.ClassNotFound:
                throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{cls.Name}' was deleted while the instance was being stored.");
        }
        RaiseIntrinsic(@namespace, previous is null ? IntrinsicEventKind.InstanceCreation : IntrinsicEventKind.InstanceModification, frozen, previous);
        return frozen.Path!;
    }

    /// <summary>Delete of an instance: the provider of a dynamic class, else the repository (the class and its subclasses).</summary>
    private async Task DeleteInstanceAsync(string @namespace, CimClass cls, CimObjectPath path, ProviderContext context, CancellationToken cancellationToken)
    {
        var normalised = InstancePaths.Normalise(cls, path);
        if (CimNames.AreEqual(cls.Name, SystemSchema.NamespaceClass))
        {
            DeleteNamespace(@namespace, normalised.Keys[0].Value as string ?? string.Empty);
            return;
        }
        if (FindProvider(@namespace, cls.Name) is { } provider)
        {
            RequireCapability(provider, @namespace, cls, ProviderCapabilities.Delete, "delete instances of");
            try
            {
                await provider.DeleteInstanceAsync(context, cls, normalised, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsProviderFault(e, cancellationToken))
            {
                throw ProviderFault(provider, "DeleteInstance", e);
            }
            return;
        }
        foreach (var c in ClassesToScan(@namespace, cls, deep: true))
        {
            if (FindProvider(@namespace, c.Name) is not null)
            {
                continue;
            }
            var candidate = ReferenceEquals(c, cls) ? normalised : InstancePaths.Normalise(c, normalised);
            if (Repository.DeleteInstance(@namespace, c.Name, candidate.ToCanonicalString()) is { } removed)
            {
                RaiseIntrinsic(@namespace, IntrinsicEventKind.InstanceDeletion, Locate(removed, @namespace), null);
                return;
            }
        }
        throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Instance '{path.RelativePath}' does not exist in '{@namespace}'.");
    }

    // ---- providers -----------------------------------------------------------------------------------------

    private bool HasCapability(CimProvider provider, string @namespace, string className, ProviderCapabilities wanted) =>
        _routes.TryGetValue(@namespace, out var classes) && classes.TryGetValue(className, out var route)
        && ReferenceEquals(route.Provider, provider) && (route.Capabilities & wanted) != 0;

    private void RequireCapability(CimProvider provider, string @namespace, CimClass cls, ProviderCapabilities wanted, string what)
    {
        if (!HasCapability(provider, @namespace, cls.Name, wanted))
        {
            throw new WbemException(WbemErrorEnum.wbemErrProviderNotCapable, $"Provider '{provider.Name}' cannot {what} '{cls.Name}'.")
            {
                ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderNotCapable, Description: $"The provider cannot {what} '{cls.Name}'.",
                    ProviderName: provider.Name),
            };
        }
    }

    /// <summary>True for a provider exception that is a failure, not the call's own cancellation.</summary>
    private static bool IsProviderFault(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>
    /// The failure a provider exception becomes: a WBEM error keeps its code (the extended status names the provider);
    /// anything else is wbemErrProviderFailure.
    /// </summary>
    private static WbemException ProviderFault(CimProvider provider, string operation, Exception e)
    {
        if (e is WbemException w)
        {
            return w.ExtendedStatus is { ProviderName: not null }
                ? w
                : new WbemException(w.ErrorCode, w.Message, w)
                {
                    ExtendedStatus = (w.ExtendedStatus ?? new WbemExtendedStatus(w.ErrorCode, Description: w.Message)) with
                    {
                        Operation = w.ExtendedStatus?.Operation ?? operation,
                        ProviderName = provider.Name,
                    },
                };
        }
        return new WbemException(WbemErrorEnum.wbemErrProviderFailure, $"Provider '{provider.Name}' failed: {e.Message}", e)
        {
            ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderFailure, operation, e.Message, ProviderName: provider.Name),
        };
    }
}

using Wmix.Cim;

namespace Wmix.Engine.Repository;

/// <summary>
/// The object manager's store of namespaces, classes and static instances. Synchronous and thread-safe:
/// concurrent readers, writers serialised by the store; a reader never sees a half-written object.
/// </summary>
/// <remarks>
/// <para>Names are compared case-insensitively. Namespaces are full names with <c>\</c> separators
/// (<c>root\cimv2</c>); the store keeps the spelling a namespace was created with.</para>
/// <para>Objects handed to the store are frozen (<see cref="CimObject.Freeze"/>) and shared with readers, never
/// copied or changed by the store. Instances are keyed by their canonical relative path
/// (<see cref="CimObjectPath.ToCanonicalString"/> of <see cref="CimObject.RelativeObjectPath"/>), which the object
/// manager computes after coercing key values to the key properties' types.</para>
/// <para>The store enforces no schema rules (superclasses, class updates, key validity): the object manager does.
/// It does enforce that an instance's class exists, atomically with the write.</para>
/// </remarks>
public interface ICimRepository
{
    /// <summary>
    /// A number that changes whenever the stored schema (namespaces or classes) changes by a writer the object manager
    /// does not see itself — another process sharing a durable store. The object manager rebuilds its schema views when
    /// it moves. A store only this object manager writes may return a constant (the default, 0).
    /// </summary>
    long SchemaGeneration => 0;

    /// <summary>True when the namespace exists.</summary>
    bool NamespaceExists(string @namespace);

    /// <summary>The namespace's name as created (its stored spelling), or null when it does not exist.</summary>
    string? GetNamespaceName(string @namespace);

    /// <summary>The full names of the namespace's immediate children; empty when it has none or does not exist.</summary>
    IReadOnlyList<string> GetChildNamespaces(string @namespace);

    /// <summary>Creates a namespace whose parent exists (or a top-level one); false when it already exists.</summary>
    /// <exception cref="WbemException">wbemErrInvalidNamespace: the parent does not exist.</exception>
    bool CreateNamespace(string @namespace);

    /// <summary>Deletes a namespace with everything it holds and all namespaces below it; false when it did not exist.</summary>
    bool DeleteNamespace(string @namespace);

    /// <summary>A class by name, or null.</summary>
    CimClass? GetClass(string @namespace, string className);

    /// <summary>Every class of the namespace, in no particular order, without copying; empty for an unknown namespace.</summary>
    IEnumerable<CimClass> GetClasses(string @namespace);

    /// <summary>Stores a frozen class, replacing one with the same name; returns the class it replaced, or null.</summary>
    /// <exception cref="WbemException">wbemErrInvalidNamespace: the namespace does not exist.</exception>
    CimClass? PutClass(string @namespace, CimClass cls);

    /// <summary>
    /// Removes a class and its own instances (not subclasses: the object manager removes those first); returns the
    /// removed class, or null when it did not exist.
    /// </summary>
    CimClass? DeleteClass(string @namespace, string className);

    /// <summary>An instance of exactly <paramref name="className"/> by canonical relative path, or null. O(1).</summary>
    CimInstance? GetInstance(string @namespace, string className, string canonicalPath);

    /// <summary>The instances of exactly <paramref name="className"/>, in no particular order, without copying.</summary>
    IEnumerable<CimInstance> EnumerateInstances(string @namespace, string className);

    /// <summary>How many instances <paramref name="className"/> has (not counting subclasses).</summary>
    int CountInstances(string @namespace, string className);

    /// <summary>
    /// Stores a frozen instance under its canonical relative path, honouring <paramref name="mode"/> atomically.
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="canonicalPath">The instance's canonical relative path.</param>
    /// <param name="instance">The frozen instance.</param>
    /// <param name="mode">Create, update, or either.</param>
    /// <param name="previous">The instance replaced, or null when created.</param>
    /// <returns>The outcome; nothing changed unless it is <see cref="RepositoryPutResult.Created"/> or <see cref="RepositoryPutResult.Updated"/>.</returns>
    RepositoryPutResult PutInstance(string @namespace, string canonicalPath, CimInstance instance, PutMode mode, out CimInstance? previous);

    /// <summary>Removes an instance of exactly <paramref name="className"/>; returns it, or null when it did not exist.</summary>
    CimInstance? DeleteInstance(string @namespace, string className, string canonicalPath);

    /// <summary>
    /// Starts an all-or-nothing batch of writes (see <see cref="IRepositoryTransaction"/>): the writes of the calling
    /// flow join it until it is committed or disposed. Other writers wait while it is open.
    /// </summary>
    /// <exception cref="InvalidOperationException">The calling flow already has a transaction open on this repository.</exception>
    /// <exception cref="WbemException">wbemErrNotSupported: the store cannot group writes.</exception>
    IRepositoryTransaction BeginTransaction() =>
        throw new WbemException(WbemErrorEnum.wbemErrNotSupported, $"{GetType().Name} does not support all-or-nothing batches of writes.");
}

/// <summary>The outcome of <see cref="ICimRepository.PutInstance"/>.</summary>
public enum RepositoryPutResult
{
    /// <summary>A new instance was stored.</summary>
    Created,
    /// <summary>An existing instance was replaced.</summary>
    Updated,
    /// <summary><see cref="PutMode.CreateOnly"/> and the instance exists: nothing changed.</summary>
    AlreadyExists,
    /// <summary><see cref="PutMode.UpdateOnly"/> and the instance does not exist: nothing changed.</summary>
    NotFound,
    /// <summary>The instance's class (or the namespace) does not exist: nothing changed.</summary>
    ClassNotFound,
}

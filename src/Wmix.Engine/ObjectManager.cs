using System.Collections.Concurrent;
using Wmix.Cim;
using Wmix.Engine.Internal;
using Wmix.Engine.Providers;
using Wmix.Engine.Repository;

namespace Wmix.Engine;

/// <summary>Options of an <see cref="ObjectManager"/>. Immutable; start from <see cref="Default"/>.</summary>
public sealed record ObjectManagerOptions
{
    /// <summary>A new in-memory repository and the machine's name.</summary>
    public static ObjectManagerOptions Default { get; } = new();

    /// <summary>The store of namespaces, classes and static instances; null for a new <see cref="InMemoryRepository"/>.</summary>
    public ICimRepository? Repository { get; init; }

    /// <summary>The server name objects carry in <c>__SERVER</c> and <c>__PATH</c>; null for <see cref="Environment.MachineName"/>.</summary>
    public string? ServerName { get; init; }
}

/// <summary>
/// The local CIM object manager: namespaces, the repository of classes and static instances, providers for dynamic
/// classes, and every WMI call as a <see cref="CimOperation"/>. <see cref="Connect"/> gives the
/// <see cref="ICimConnection"/> the scripting API and <see cref="CimSession"/> use.
/// </summary>
/// <remarks>
/// <para>At start the namespaces <c>root</c>, <c>root\cimv2</c> and <c>root\default</c> exist; every namespace holds
/// WMI's system classes, and its children appear as <c>__NAMESPACE</c> instances. Putting a <c>__NAMESPACE</c>
/// instance creates a namespace; deleting one removes the namespace with everything it holds.</para>
/// <para>Thread-safe. Objects it hands out are frozen and carry their location (server and namespace).</para>
/// </remarks>
public sealed partial class ObjectManager : IDisposable
{
    private static readonly Lazy<ObjectManager> s_shared = new(() => new ObjectManager(), LazyThreadSafetyMode.ExecutionAndPublication);

    // Serialises schema changes (class puts and deletes, namespace creation and deletion, provider registration) so
    // that checks such as "has subclasses" and the writes that depend on them cannot interleave. Instance writes
    // do not take it: the repository makes each of them atomic on its own.
    private readonly Lock _schemaGate = new();

    // namespace -> class -> provider; both levels case-insensitive, like every WMI name.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ProviderRoute>> _routes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<LocalConnection, byte> _connections = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _disposed;

    /// <summary>Creates an object manager over <paramref name="options"/>' repository (a new in-memory one by default).</summary>
    public ObjectManager(ObjectManagerOptions? options = null)
    {
        options ??= ObjectManagerOptions.Default;
        Repository = options.Repository ?? new InMemoryRepository();
        ServerName = string.IsNullOrEmpty(options.ServerName) ? Environment.MachineName : options.ServerName;
        Operations = new OperationRegistry();
        foreach (var name in (string[])["root", @"root\cimv2", @"root\default"])
        {
            EnsureNamespace(name);
        }
        // A repository that already existed (a durable store) keeps its namespaces; make sure each has the system classes.
        EnsureSystemClassesBelow("root");
    }

    /// <summary>
    /// A process-wide in-memory object manager with no providers, created on first use and never disposed by Wmix:
    /// for programs that use the engine alone (<see cref="CimSession"/>) and want one shared instance.
    /// </summary>
    /// <remarks>
    /// It is not the local WMI: <c>SWbemLocator.ConnectServer(".")</c> and <c>wmix</c> reach <c>Wmix.Hosting.WmixHost.Local</c>,
    /// the object manager over the durable repository with the Linux providers registered (issue #5). The engine
    /// cannot compose that itself (it names no provider and no store), so the composition lives in Wmix.Hosting.
    /// </remarks>
    public static ObjectManager Shared => s_shared.Value;

    /// <summary>The server name objects carry (<c>__SERVER</c>).</summary>
    public string ServerName { get; }

    /// <summary>The outstanding operations of every connection.</summary>
    public OperationRegistry Operations { get; }

    /// <summary>The store of namespaces, classes and static instances.</summary>
    public ICimRepository Repository { get; }

    internal CancellationToken ShutdownToken => _shutdown.Token;

    /// <summary>
    /// Opens a connection to <paramref name="namespace"/> (<c>root\cimv2</c> or <c>root/cimv2</c>, any case).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="namespace"/> is null.</exception>
    /// <exception cref="WbemException">
    /// wbemErrInvalidParameter: the name is not a namespace name; wbemErrInvalidNamespace: the namespace does not exist.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The object manager was disposed.</exception>
    public ICimConnection Connect(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ThrowIfDisposed();
        var name = ResolveNamespace(@namespace);
        var connection = new LocalConnection(this, name);
        _connections[connection] = 0;
        return connection;
    }

    /// <summary>Opens a <see cref="CimSession"/> (the .NET surface) on <paramref name="namespace"/>.</summary>
    /// <exception cref="WbemException">As <see cref="Connect"/>.</exception>
    public CimSession OpenSession(string @namespace) => new(Connect(@namespace));

    /// <summary>
    /// Installs <paramref name="provider"/>'s classes in their namespaces (creating namespaces as needed) and routes
    /// the instances and methods of those classes to it. A class that already exists is replaced by the provider's
    /// definition, or with <see cref="ProviderClassInstall.KeepStored"/> kept as stored (a host reopening a durable
    /// repository).
    /// </summary>
    /// <param name="provider">The provider.</param>
    /// <param name="install">What to do with a provider class the repository already holds.</param>
    /// <exception cref="WbemException">
    /// A namespace name is invalid (wbemErrInvalidParameter), a superclass is missing (wbemErrInvalidSuperclass),
    /// a class is a system class (wbemErrInvalidOperation) or fails validation.
    /// </exception>
    public void RegisterProvider(CimProvider provider, ProviderClassInstall install = ProviderClassInstall.Replace)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ThrowIfDisposed();
        var registrations = provider.Classes ?? throw new ArgumentException("The provider's Classes is null.", nameof(provider));
        var events = new List<(string Namespace, IntrinsicEventKind Kind, CimObject Target, CimObject? Previous)>();
        lock (_schemaGate)
        {
            foreach (var registration in registrations)
            {
                ArgumentNullException.ThrowIfNull(registration);
                ArgumentNullException.ThrowIfNull(registration.Class);
                var ns = NamespaceNames.Normalise(registration.Namespace)
                    ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, $"'{registration.Namespace}' is not a namespace name.");
                foreach (var created in EnsureNamespaceChain(ns))
                {
                    events.Add((created.Parent, IntrinsicEventKind.NamespaceCreation, created.Instance, null));
                }
                ns = Repository.GetNamespaceName(ns)!;
                var definition = registration.Class;
                if (SystemSchema.IsSystemClassName(definition.Name))
                {
                    throw new WbemException(WbemErrorEnum.wbemErrInvalidOperation, $"Provider '{provider.Name}' cannot serve system class '{definition.Name}'.");
                }
                if (install == ProviderClassInstall.KeepStored && Repository.GetClass(ns, definition.Name) is { } stored)
                {
                    // Already installed (a durable repository opened again): route only, write nothing.
                    _routes.GetOrAdd(ns, static _ => new ConcurrentDictionary<string, ProviderRoute>(StringComparer.OrdinalIgnoreCase))[stored.Name] =
                        new ProviderRoute(provider, registration.Capabilities);
                    continue;
                }
                var installed = PrepareClass(ns, definition, markDynamicFor: provider);
                var previous = Repository.PutClass(ns, installed);
                SchemaChanged();
                _routes.GetOrAdd(ns, static _ => new ConcurrentDictionary<string, ProviderRoute>(StringComparer.OrdinalIgnoreCase))[installed.Name] =
                    new ProviderRoute(provider, registration.Capabilities);
                events.Add((ns, previous is null ? IntrinsicEventKind.ClassCreation : IntrinsicEventKind.ClassModification, installed, previous));
            }
        }
        // Hooks run outside the schema lock: a subscriber reacting to an event may call back into the object manager.
        foreach (var (ns, kind, target, previous) in events)
        {
            RaiseIntrinsic(ns, kind, target, previous);
        }
    }

    /// <summary>Cancels every outstanding operation and refuses new connections; idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (var (connection, _) in _connections)
        {
            connection.Dispose();
        }
        _shutdown.Cancel();
    }

    private sealed record ProviderRoute(CimProvider Provider, ProviderCapabilities Capabilities);

    internal void Forget(LocalConnection connection) => _connections.TryRemove(connection, out _);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Resolves a namespace name to its stored spelling, or throws as ConnectServer does.</summary>
    internal string ResolveNamespace(string @namespace)
    {
        var normalised = NamespaceNames.Normalise(@namespace)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter,
                $"'{@namespace}' is not a namespace name; use names separated by '\\' or '/', e.g. root\\cimv2.");
        return Repository.GetNamespaceName(normalised)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace, $"Namespace '{normalised}' does not exist.");
    }

    /// <summary>Stamps the object manager's location on an object (copying it when it is frozen and elsewhere).</summary>
    internal T Locate<T>(T value, string @namespace) where T : CimObject =>
        (T)value.WithLocation(ServerName, @namespace);

    /// <summary>Raises the intrinsic-event hook, containing any failure of the subscriber side.</summary>
    private void RaiseIntrinsic(string @namespace, IntrinsicEventKind kind, CimObject target, CimObject? previous)
    {
        try
        {
            OnIntrinsicEvent(@namespace, kind, target, previous);
        }
        catch (Exception e)
        {
            // Event delivery must never undo or fail a change that has already been stored.
            System.Diagnostics.Trace.TraceError($"Wmix: intrinsic event {kind} in {@namespace} failed: {e}");
        }
    }

    /// <summary>
    /// Called after every successful change to stored data (instances, classes, namespaces), outside the object
    /// manager's locks. Implemented by the event subsystem (ObjectManager.Events.cs); without it, nothing happens.
    /// </summary>
    /// <param name="namespace">The namespace the change happened in (for namespaces: the parent).</param>
    /// <param name="kind">What changed.</param>
    /// <param name="target">The new state (or the deleted object), frozen and located.</param>
    /// <param name="previous">The state before a modification, or null.</param>
    partial void OnIntrinsicEvent(string @namespace, IntrinsicEventKind kind, CimObject target, CimObject? previous);

    /// <summary>
    /// Starts an event subscription (ExecNotificationQuery). Implemented by the event subsystem, which validates the
    /// query, creates and registers <paramref name="operation"/>; left null when events are not part of the build.
    /// </summary>
    partial void StartNotificationQuery(string @namespace, string query, string queryLanguage, CallOptions options, IOperationSink sink, ref CimOperation? operation);

    /// <summary>Adds the event subsystem's counts to <see cref="GetDiagnostics"/>.</summary>
    partial void AddEventDiagnostics(ref int activeSubscriptions, ref int activePolls, ref int providerEventFeeds);

    internal CimOperation StartNotification(string @namespace, string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        CimOperation? operation = null;
        StartNotificationQuery(@namespace, query, queryLanguage, options, sink, ref operation);
        return operation ?? throw new WbemException(WbemErrorEnum.wbemErrNotSupported, "Event subscriptions are not available in this build.");
    }
}

/// <summary>The kinds of change the object manager reports to the event subsystem.</summary>
public enum IntrinsicEventKind
{
    /// <summary>An instance was created (__InstanceCreationEvent).</summary>
    InstanceCreation,
    /// <summary>An instance was changed (__InstanceModificationEvent).</summary>
    InstanceModification,
    /// <summary>An instance was deleted (__InstanceDeletionEvent).</summary>
    InstanceDeletion,
    /// <summary>A class was created (__ClassCreationEvent).</summary>
    ClassCreation,
    /// <summary>A class was changed (__ClassModificationEvent).</summary>
    ClassModification,
    /// <summary>A class was deleted (__ClassDeletionEvent).</summary>
    ClassDeletion,
    /// <summary>A namespace was created (__NamespaceCreationEvent), reported in its parent.</summary>
    NamespaceCreation,
    /// <summary>A namespace was changed (__NamespaceModificationEvent), reported in its parent.</summary>
    NamespaceModification,
    /// <summary>A namespace was deleted (__NamespaceDeletionEvent), reported in its parent.</summary>
    NamespaceDeletion,
}

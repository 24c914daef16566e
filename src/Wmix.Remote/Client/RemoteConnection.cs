using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Client;

/// <summary>
/// A connection to one namespace of a remote WS-Management server: every call is a <see cref="CimOperation"/> whose
/// source is the wire. Queries enumerate (Enumerate + Pull, the next batch pulled only once the sink has taken the
/// previous one), subscriptions pull events in Pull mode with heartbeats, the rest are single requests.
/// </summary>
/// <remarks>
/// <para>Cancel: an enumeration sends Release and a subscription Unsubscribe (a request of its own, on its own
/// connection, never behind a parked Pull), then abandons the in-flight request; a single request is abandoned.
/// The operation reports wbemErrCallCancelled at once; it is quiesced once the server has acknowledged.</para>
/// <para>Failures: an unreachable server, a dropped connection or a reply that does not come in time end the call
/// with wbemErrTransportFailure; rejected credentials with wbemErrAccessDenied; a SOAP fault with the WMI code it
/// carries (spec §1.9.4). Every request is bounded by its OperationTimeout plus a grace period.</para>
/// </remarks>
public sealed partial class RemoteConnection : ICimConnection, IOperationCanceller
{
    private const string Wql = "WQL";
    private readonly WsManSession _session;
    private readonly SharedSession _shared;
    private readonly ConcurrentDictionary<long, RemoteCall> _calls = new();
    private readonly ConditionalWeakTable<CimOperation, RemoteCall> _wire = new();
    private int _disposed;

    private RemoteConnection(SharedSession shared, string @namespace)
    {
        _shared = shared;
        _session = shared.Session;
        Namespace = @namespace;
    }

    /// <summary>
    /// Connects to <paramref name="namespace"/> on <paramref name="server"/> (see <see cref="WsManEndpoint.Parse"/>):
    /// an authenticated Identify, then a look at the namespace.
    /// </summary>
    /// <exception cref="WbemException">wbemErrTransportFailure (unreachable, not WS-Management), wbemErrAccessDenied
    /// (credentials rejected), wbemErrInvalidNamespace, wbemErrInvalidParameter (bad server name).</exception>
    public static async Task<RemoteConnection> ConnectAsync(string server, string @namespace, string? user, string? password,
        WsManClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(@namespace);
        options ??= WsManClientOptions.Default;
        var endpoint = WsManEndpoint.Parse(server);
        var session = new WsManSession(new WsManTransport(endpoint, user, password, options), endpoint.Host);
        var shared = new SharedSession(session);
        var connection = new RemoteConnection(shared, WsManResource.LocalNamespace(@namespace));
        try
        {
            await session.IdentifyAsync(cancellationToken).ConfigureAwait(false);
            await connection.VerifyNamespaceAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task VerifyNamespaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _session.FetchClassFreshAsync(Namespace, "__NAMESPACE", cancellationToken).ConfigureAwait(false);
        }
        catch (WbemException e) when (WsManFaultException.Of(e) is not null && e.ErrorCode is WbemErrorEnum.wbemErrNotFound
            or WbemErrorEnum.wbemErrInvalidClass or WbemErrorEnum.wbemErrNotSupported or WbemErrorEnum.wbemErrInvalidMethod
            or WbemErrorEnum.wbemErrInvalidParameter or WbemErrorEnum.wbemErrInvalidObjectPath)
        {
            // The namespace exists, or the server cannot tell through the class resource (a foreign peer): only an
            // invalid namespace or a refusal (access denied) fails the connect.
        }
    }

    /// <inheritdoc />
    public string Server => _session.ServerName;

    /// <inheritdoc />
    public string Namespace { get; }

    /// <inheritdoc />
    public OperationRegistry Operations => _shared.Registry;

    /// <summary>
    /// The HTTP version the session runs over (of the latest reply): 2.0 when the server speaks HTTP/2 (ALPN over
    /// HTTPS, h2c on plain HTTP) and <see cref="WsManClientOptions.Http2"/> is on, 1.1 otherwise.
    /// </summary>
    public Version? HttpVersion => _session.Transport.NegotiatedVersion;

    /// <summary>What the server said about itself in Identify.</summary>
    public IdentifyResponseBody? Identity => _session.Identity;

    /// <inheritdoc />
    public ICimConnection OpenNamespace(string @namespace)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        _shared.AddRef();
        return new RemoteConnection(_shared, WsManResource.LocalNamespace(@namespace));
    }

    /// <inheritdoc />
    public CimOperation ExecQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ValidateQuery(query, queryLanguage, options, sink);
        return StartEnumeration(OperationKind.Query, query, sink, AllClassesUri(), [], new WsManQueryFilter(WsManUris.WqlDialect, query), null, null);
    }

    /// <inheritdoc />
    public CimOperation InstancesOf(string className, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(className, nameof(className));
        var uri = WsManResource.Format(Namespace, className, _session.Style);
        return StartEnumeration(OperationKind.InstancesOf, className, sink, uri, NamespaceSelectors(), null,
            options.Shallow ? "None" : null, null);
    }

    /// <inheritdoc />
    public CimOperation SubclassesOf(string? superclass, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        string query;
        Func<CimObject, bool>? accept = null;
        if (string.IsNullOrEmpty(superclass))
        {
            query = options.Shallow ? "SELECT * FROM meta_class WHERE __SUPERCLASS IS NULL" : "SELECT * FROM meta_class";
        }
        else
        {
            var quoted = "'" + superclass.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
            if (options.Shallow)
            {
                query = "SELECT * FROM meta_class WHERE __SUPERCLASS = " + quoted;
            }
            else
            {
                query = "SELECT * FROM meta_class WHERE __THIS ISA " + quoted;
                accept = o => !CimNames.AreEqual(o.ClassName, superclass);
            }
        }
        return StartEnumeration(OperationKind.SubclassesOf, superclass, sink, AllClassesUri(), [], new WsManQueryFilter(WsManUris.WqlDialect, query), null, accept);
    }

    /// <inheritdoc />
    public CimOperation AssociatorsOf(string objectPath, AssociatorsFilter filter, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        ArgumentNullException.ThrowIfNull(filter);
        var query = RemoteQueries.Associators(objectPath, filter);
        return StartEnumeration(OperationKind.AssociatorsOf, query, sink, AllClassesUri(), [], new WsManQueryFilter(WsManUris.WqlDialect, query), null, null);
    }

    /// <inheritdoc />
    public CimOperation ReferencesTo(string objectPath, ReferencesFilter filter, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        ArgumentNullException.ThrowIfNull(filter);
        var query = RemoteQueries.References(objectPath, filter);
        return StartEnumeration(OperationKind.ReferencesTo, query, sink, AllClassesUri(), [], new WsManQueryFilter(WsManUris.WqlDialect, query), null, null);
    }

    /// <inheritdoc />
    public CimOperation ExecNotificationQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ValidateQuery(query, queryLanguage, options, sink);
        var op = new CimOperation(OperationKind.NotificationQuery, Namespace, query, sink, _shared.Registry);
        var call = Track(op, AllClassesUri(), []);
        op.Run(_ => SubscribeAsync(call, query));
        return op;
    }

    private string AllClassesUri() => WsManResource.Format(Namespace, null, _session.Style);

    private IReadOnlyList<WsManSelector> NamespaceSelectors() => WsManResource.NamespaceSelectorNeeded(_session.Style)
        ? [new WsManSelector(WsManSelector.CimNamespace, WsManResource.WireNamespace(Namespace))]
        : [];

    private void ValidateQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(query, nameof(query));
        if (!string.Equals(queryLanguage, Wql, StringComparison.OrdinalIgnoreCase))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQueryType, $"Query language '{queryLanguage}' is not supported; use \"WQL\".");
        }
    }

    private void ValidateCommon(CallOptions options, IOperationSink sink)
    {
        ThrowIfDisposed();
        if (sink is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, "A sink is required.");
        }
        if (options is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, "Call options are required; use CallOptions.Default.");
        }
    }

    private static void RequireText(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, $"'{name}' must not be null or empty.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <inheritdoc />
    public Exception? CancelOperation(CimOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        // Looked up by operation, not in _calls: the caller may have ended the operation first (SWbemSink.Cancel
        // starts every cancel before waiting for any, issue #6), and by now the call may have quiesced and left
        // _calls — its soft cancel's outcome must still be reported.
        _wire.TryGetValue(operation, out var call);
        operation.Cancel();
        if (call is null)
        {
            return null;
        }
        var softCancel = call.StartCancelAsync();
        try
        {
            // Bounded: the soft cancel has its own timeout; this only guards against a hung continuation.
            if (!softCancel.Wait(_session.Options.CancelTimeout + TimeSpan.FromSeconds(5)))
            {
                return new WbemException(WbemErrorEnum.wbemErrTransportFailure,
                    $"Cancel: {_session.To} did not acknowledge within {_session.Options.CancelTimeout.TotalSeconds:0.#} s.");
            }
            return null;
        }
        catch (AggregateException e)
        {
            return e.InnerException is WbemException w ? w
                : new WbemException(WbemErrorEnum.wbemErrTransportFailure, "Cancel failed: " + e.InnerException?.Message, e.InnerException);
        }
    }

    /// <summary>Cancels every outstanding call of this connection and releases the session when it was the last one.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        var pending = new List<Task>();
        foreach (var call in _calls.Values)
        {
            call.Operation.Cancel();
            pending.Add(call.Operation.Quiesced);
        }
        // Let the Releases/Unsubscribes go out before the transport closes (bounded).
        Task.WaitAll([.. pending], _session.Options.CancelTimeout + TimeSpan.FromSeconds(1));
        _shared.Release();
    }

    /// <summary>The registry and the session, shared by a connection and the namespaces opened from it.</summary>
    private sealed class SharedSession(WsManSession session)
    {
        private int _references = 1;

        public WsManSession Session { get; } = session;

        public OperationRegistry Registry { get; } = new();

        public void AddRef() => Interlocked.Increment(ref _references);

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                Session.Dispose();
            }
        }
    }
}

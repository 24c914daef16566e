using System.Runtime.CompilerServices;
using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>
/// The .NET surface over any <see cref="ICimConnection"/> (local or remote): queries and enumerations as
/// <see cref="IAsyncEnumerable{T}"/>, single-object calls as tasks, event subscriptions as an endless stream.
/// </summary>
/// <remarks>
/// <para>Arguments are checked when a method is called; the call itself starts when the stream is first enumerated
/// (or at once for the task-returning methods). Each call is one operation reading from a bounded buffer, so a slow
/// consumer holds the source back.</para>
/// <para>Cancellation: the caller's token cancels the operation and surfaces as <see cref="OperationCanceledException"/>
/// carrying that token (with the WBEM reason inside); leaving an <c>await foreach</c> early cancels the operation too.
/// WBEM failures throw <see cref="WbemException"/>. Thread-safe: calls may run concurrently.</para>
/// </remarks>
public sealed class CimSession : IDisposable
{
    private readonly ICimConnection _connection;

    /// <summary>Creates a session over <paramref name="connection"/>, which the session owns and disposes.</summary>
    public CimSession(ICimConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
    }

    /// <summary>The connection the session uses.</summary>
    public ICimConnection Connection => _connection;

    /// <summary>The connected namespace.</summary>
    public string Namespace => _connection.Namespace;

    /// <summary>Runs a WQL data, schema, ASSOCIATORS OF or REFERENCES OF query and streams its results.</summary>
    /// <param name="wql">The query.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <exception cref="ArgumentException"><paramref name="wql"/> is null or empty (thrown by this call).</exception>
    /// <exception cref="WbemException">While enumerating: bad syntax (wbemErrInvalidQuery), unknown class (wbemErrInvalidClass), provider failures.</exception>
    public IAsyncEnumerable<CimObject> QueryAsync(string wql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(wql);
        return StreamAsync<CimObject>(sink => _connection.ExecQuery(wql, "WQL", CallOptions.Default, sink), cancellationToken);
    }

    /// <summary>The instances of <paramref name="className"/>, with its subclasses' unless <paramref name="deep"/> is false.</summary>
    /// <exception cref="ArgumentException"><paramref name="className"/> is null or empty.</exception>
    /// <exception cref="WbemException">While enumerating: wbemErrInvalidClass for an unknown class, provider failures.</exception>
    public IAsyncEnumerable<CimInstance> InstancesAsync(string className, bool deep = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        var options = deep ? CallOptions.Default : CallOptions.Default with { Shallow = true };
        return StreamAsync<CimInstance>(sink => _connection.InstancesOf(className, options, sink), cancellationToken);
    }

    /// <summary>
    /// The classes derived from <paramref name="superclass"/> (all levels when <paramref name="deep"/>); for a null
    /// or empty superclass, every class (deep) or the top-level classes (not deep).
    /// </summary>
    /// <exception cref="WbemException">While enumerating: wbemErrInvalidClass for an unknown superclass.</exception>
    public IAsyncEnumerable<CimClass> SubclassesAsync(string? superclass = null, bool deep = true, CancellationToken cancellationToken = default)
    {
        var options = deep ? CallOptions.Default : CallOptions.Default with { Shallow = true };
        return StreamAsync<CimClass>(sink => _connection.SubclassesOf(superclass, options, sink), cancellationToken);
    }

    /// <summary>The class or instance at <paramref name="path"/>; an empty path gives a new empty class.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="WbemException">wbemErrNotFound, wbemErrInvalidObjectPath, wbemErrInvalidNamespace (a path elsewhere).</exception>
    public Task<CimObject> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        return SingleAsync(sink => _connection.GetObject(path, CallOptions.Default, sink), cancellationToken);

        async Task<CimObject> SingleAsync(Func<IOperationSink, CimOperation> start, CancellationToken token)
        {
            CimObject? result = null;
            await foreach (var value in StreamAsync<CimObject>(start, token).ConfigureAwait(false))
            {
                result ??= value;
            }
            return result ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{path}' returned no object.");
        }
    }

    /// <summary>Stores a class or instance; completes with the stored object's path.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    /// <exception cref="WbemException">wbemErrAlreadyExists, wbemErrNotFound, wbemErrIllegalNull, wbemErrInvalidClass, class update errors…</exception>
    public Task<CimObjectPath> PutAsync(CimObject value, PutMode mode = PutMode.CreateOrUpdate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var options = mode == PutMode.CreateOrUpdate ? CallOptions.Default : CallOptions.Default with { PutMode = mode };
        return PutCoreAsync(value, options, cancellationToken);
    }

    /// <summary>Stores a class or instance with full call options (class update mode, provider context).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> or <paramref name="options"/> is null.</exception>
    public Task<CimObjectPath> PutAsync(CimObject value, CallOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        return PutCoreAsync(value, options, cancellationToken);
    }

    private async Task<CimObjectPath> PutCoreAsync(CimObject value, CallOptions options, CancellationToken cancellationToken)
    {
        var sink = await DrainAsync(s => _connection.Put(value, options, s), cancellationToken).ConfigureAwait(false);
        return sink.PutPath ?? throw new WbemException(WbemErrorEnum.wbemErrFailed, "The put completed without reporting a path.");
    }

    /// <summary>Deletes the class (with subclasses and instances), instance or namespace (<c>__NAMESPACE.Name="x"</c>) at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="WbemException">wbemErrNotFound, wbemErrInvalidObjectPath, wbemErrInvalidOperation (system classes)…</exception>
    public Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return DrainAsync(sink => _connection.Delete(path, CallOptions.Default, sink), cancellationToken);
    }

    /// <summary>
    /// Calls <paramref name="method"/> on the instance or class at <paramref name="path"/>; completes with the
    /// out-parameters (with <c>ReturnValue</c>), or null for a method that has none. Cancelling stops the wait, not the
    /// method, which runs to completion as in WMI.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> or <paramref name="method"/> is null or empty.</exception>
    /// <exception cref="WbemException">wbemErrInvalidMethod, wbemErrInvalidClass, wbemErrInvalidMethodParameters, provider failures.</exception>
    public Task<CimInstance?> InvokeAsync(string path, string method, CimInstance? inParameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(method);
        return InvokeCoreAsync(path, method, inParameters, cancellationToken);
    }

    private async Task<CimInstance?> InvokeCoreAsync(string path, string method, CimInstance? inParameters, CancellationToken cancellationToken)
    {
        CimInstance? result = null;
        await foreach (var value in StreamAsync<CimInstance>(sink => _connection.ExecMethod(path, method, inParameters, CallOptions.Default, sink),
            cancellationToken).ConfigureAwait(false))
        {
            result ??= value;
        }
        return result;
    }

    /// <summary>The objects associated with the object at <paramref name="path"/> (ASSOCIATORS OF).</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public IAsyncEnumerable<CimObject> AssociatorsAsync(string path, AssociatorsFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var f = filter ?? AssociatorsFilter.None;
        return StreamAsync<CimObject>(sink => _connection.AssociatorsOf(path, f, CallOptions.Default, sink), cancellationToken);
    }

    /// <summary>The association objects that refer to the object at <paramref name="path"/> (REFERENCES OF).</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public IAsyncEnumerable<CimObject> ReferencesAsync(string path, ReferencesFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var f = filter ?? ReferencesFilter.None;
        return StreamAsync<CimObject>(sink => _connection.ReferencesTo(path, f, CallOptions.Default, sink), cancellationToken);
    }

    /// <summary>
    /// Subscribes to events (ExecNotificationQuery) and streams them until the token is cancelled or the enumeration is
    /// left; never ends by itself.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="eventQuery"/> is null or empty.</exception>
    /// <exception cref="WbemException">While enumerating: query errors, or wbemErrNotSupported when events are not part of the build.</exception>
    public IAsyncEnumerable<CimInstance> WatchAsync(string eventQuery, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventQuery);
        return StreamAsync<CimInstance>(sink => _connection.ExecNotificationQuery(eventQuery, "WQL", CallOptions.Default, sink), cancellationToken);
    }

    /// <summary>Disposes the connection, which cancels its outstanding operations.</summary>
    public void Dispose() => _connection.Dispose();

    private async Task<ChannelOperationSink> DrainAsync(Func<IOperationSink, CimOperation> start, CancellationToken cancellationToken)
    {
        var sink = new ChannelOperationSink();
        await foreach (var _ in ReadAsync<CimObject>(sink, start, cancellationToken).ConfigureAwait(false))
        {
        }
        return sink;
    }

    private static IAsyncEnumerable<T> StreamAsync<T>(Func<IOperationSink, CimOperation> start, CancellationToken cancellationToken) where T : CimObject =>
        ReadAsync<T>(new ChannelOperationSink(), start, cancellationToken);

    /// <summary>
    /// Starts the operation on first enumeration and yields its results. The token cancels the operation; leaving the
    /// loop early cancels it too (the finally block), so no operation outlives its enumerator.
    /// </summary>
    private static async IAsyncEnumerable<T> ReadAsync<T>(ChannelOperationSink sink, Func<IOperationSink, CimOperation> start,
        [EnumeratorCancellation] CancellationToken cancellationToken) where T : CimObject
    {
        cancellationToken.ThrowIfCancellationRequested();
        var operation = start(sink);
        // One registration per call with a static callback: the token's cancel becomes CimOperation.Cancel().
        using var registration = cancellationToken.UnsafeRegister(static state => ((CimOperation)state!).Cancel(), operation);
        var drained = false;
        try
        {
            var reader = sink.Reader;
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (reader.TryRead(out var value))
                {
                    // Objects already buffered when the caller cancelled are not handed out.
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return (T)value;
                }
            }
            drained = true;
            var status = sink.Status;
            if (status.Reason == OperationEndReason.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The operation was cancelled.", status.ToException(), cancellationToken);
            }
            sink.ThrowIfFailed();
        }
        finally
        {
            if (!drained)
            {
                operation.Cancel();
                sink.Abandon();
            }
        }
    }
}

using System.Collections.Concurrent;
using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>
/// A connection to one namespace of the local <see cref="ObjectManager"/>. Each call validates its arguments
/// synchronously (throwing, with no sink event), then starts a <see cref="CimOperation"/> whose producer runs on the
/// thread pool and reports everything else as the completion status.
/// </summary>
/// <remarks>Disposing the connection cancels its outstanding operations (event subscriptions included).</remarks>
internal sealed class LocalConnection : ICimConnection
{
    private const string Wql = "WQL";
    private const int MinimumSweep = 256;

    private readonly ObjectManager _manager;
    // The connection's operations, so Dispose can cancel the outstanding ones. Ended operations are swept out in
    // batches (amortised O(1) per call) instead of each registering an end callback: that keeps a closure, a
    // delegate and a list per operation off the hot path and out of every outstanding operation's footprint.
    private readonly ConcurrentDictionary<long, CimOperation> _operations = new();
    private int _sinceSweep;
    private int _sweepThreshold = MinimumSweep;
    private int _disposed;

    public LocalConnection(ObjectManager manager, string @namespace)
    {
        _manager = manager;
        Namespace = @namespace;
    }

    public string Server => _manager.ServerName;

    public string Namespace { get; }

    public OperationRegistry Operations => _manager.Operations;

    public ICimConnection OpenNamespace(string @namespace)
    {
        ThrowIfDisposed();
        return _manager.Connect(@namespace);
    }

    public CimOperation ExecQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ValidateQuery(query, queryLanguage, options, sink);
        var ns = Namespace;
        return Start(OperationKind.Query, query, sink, cancelReachesSource: true,
            op => _manager.ExecQueryAsync(ns, query, options, op));
    }

    public CimOperation ExecNotificationQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ValidateQuery(query, queryLanguage, options, sink);
        var operation = _manager.StartNotification(Namespace, query, queryLanguage, options, sink);
        Track(operation);
        return operation;
    }

    public CimOperation GetObject(string? objectPath, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        var ns = Namespace;
        return Start(OperationKind.Get, objectPath, sink, cancelReachesSource: true,
            op => _manager.GetObjectAsync(ns, objectPath, options, op));
    }

    public CimOperation InstancesOf(string className, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(className, nameof(className));
        var ns = Namespace;
        return Start(OperationKind.InstancesOf, className, sink, cancelReachesSource: true,
            op => _manager.InstancesOfAsync(ns, className, options, op));
    }

    public CimOperation SubclassesOf(string? superclass, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        var ns = Namespace;
        return Start(OperationKind.SubclassesOf, superclass, sink, cancelReachesSource: true,
            op => _manager.SubclassesOfAsync(ns, superclass, options, op));
    }

    public CimOperation Put(CimObject value, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        if (value is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, "Put needs an object to store.");
        }
        var ns = Namespace;
        return Start(OperationKind.Put, value.RelativePath ?? value.ClassName, sink, cancelReachesSource: true,
            op => _manager.PutAsync(ns, value, options, op));
    }

    public CimOperation Delete(string objectPath, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        var ns = Namespace;
        return Start(OperationKind.Delete, objectPath, sink, cancelReachesSource: true,
            op => _manager.DeleteAsync(ns, objectPath, options, op));
    }

    public CimOperation ExecMethod(string objectPath, string methodName, CimObject? inParameters, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        RequireText(methodName, nameof(methodName));
        var ns = Namespace;
        // WMI lets a started method run to completion: a cancel releases the caller only (C8).
        return Start(OperationKind.ExecMethod, objectPath + "." + methodName, sink, cancelReachesSource: false,
            op => _manager.ExecMethodAsync(ns, objectPath, methodName, inParameters, options, op));
    }

    public CimOperation AssociatorsOf(string objectPath, AssociatorsFilter filter, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        filter ??= AssociatorsFilter.None;
        var ns = Namespace;
        return Start(OperationKind.AssociatorsOf, objectPath, sink, cancelReachesSource: true,
            op => _manager.AssociatorsAsync(ns, objectPath, filter, options, op));
    }

    public CimOperation ReferencesTo(string objectPath, ReferencesFilter filter, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        filter ??= ReferencesFilter.None;
        var ns = Namespace;
        return Start(OperationKind.ReferencesTo, objectPath, sink, cancelReachesSource: true,
            op => _manager.ReferencesAsync(ns, objectPath, filter, options, op));
    }

    /// <summary>Cancels the connection's outstanding operations; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _manager.Forget(this);
        foreach (var (_, operation) in _operations)
        {
            operation.Cancel();
        }
    }

    private CimOperation Start(OperationKind kind, string? description, IOperationSink sink, bool cancelReachesSource, Func<CimOperation, Task> producer)
    {
        var operation = new CimOperation(kind, Namespace, description, sink, _manager.Operations, cancelReachesSource);
        Track(operation);
        operation.Run(producer);
        return operation;
    }

    private void Track(CimOperation operation)
    {
        _operations[operation.Id] = operation;
        // Sweep after as many new calls as were still outstanding at the last sweep (at least MinimumSweep), so the
        // cost per call stays O(1) and the ended operations kept around stay below about twice the live ones.
        if (Interlocked.Increment(ref _sinceSweep) >= Volatile.Read(ref _sweepThreshold))
        {
            Volatile.Write(ref _sinceSweep, 0);
            var remaining = 0;
            foreach (var (id, tracked) in _operations)
            {
                if (tracked.IsEnded)
                {
                    _operations.TryRemove(id, out _);
                }
                else
                {
                    remaining++;
                }
            }
            Volatile.Write(ref _sweepThreshold, Math.Max(MinimumSweep, remaining));
        }
        // A Dispose racing with this call may have missed the operation: cancel it here instead.
        if (Volatile.Read(ref _disposed) != 0)
        {
            operation.Cancel();
        }
    }

    private void ValidateQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(query, nameof(query));
        if (query.Length > Wmix.Wql.WqlParser.MaxQueryLength)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter,
                $"The query is {query.Length} characters long; WBEM_MAX_QUERY allows {Wmix.Wql.WqlParser.MaxQueryLength}.");
        }
        if (!string.Equals(queryLanguage, Wql, StringComparison.OrdinalIgnoreCase))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQueryType, $"Query language '{queryLanguage}' is not supported; use \"WQL\".");
        }
    }

    private void ValidateCommon(CallOptions options, IOperationSink sink)
    {
        ThrowIfDisposed();
        _manager.ThrowIfDisposed();
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
}

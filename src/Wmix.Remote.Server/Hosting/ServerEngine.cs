using System.Collections.Concurrent;
using Wmix.Engine;

namespace Wmix.Remote.Server.Hosting;

/// <summary>
/// The server's one way into the engine: opens <see cref="ICimConnection"/>s per namespace and counts every call
/// and every operation still alive (started and not yet quiesced), so tests can prove that unauthenticated requests
/// never reach it and that cancelled work is gone.
/// </summary>
internal sealed class ServerEngine
{
    private readonly Func<string, ICimConnection> _connect;
    private readonly ConcurrentDictionary<string, ICimConnection> _connections = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, CimOperation> _live = new();
    private long _calls;

    public ServerEngine(Func<string, ICimConnection> connect) => _connect = connect;

    /// <summary>Calls made into the engine (connections opened plus operations started).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Operations started by the server that have not quiesced.</summary>
    public int LiveOperations => _live.Count;

    /// <summary>A connection to <paramref name="namespace"/> (cached).</summary>
    /// <exception cref="WbemException">The namespace does not exist or is invalid.</exception>
    public ICimConnection Connect(string @namespace)
    {
        Interlocked.Increment(ref _calls);
        if (_connections.TryGetValue(@namespace, out var c))
        {
            return c;
        }
        c = _connect(@namespace);
        // Two first calls may race; keep one and dispose the other.
        var kept = _connections.GetOrAdd(@namespace, c);
        if (!ReferenceEquals(kept, c))
        {
            c.Dispose();
        }
        return kept;
    }

    /// <summary>Starts an operation through <paramref name="start"/> and tracks it until it quiesces.</summary>
    public CimOperation Start(Func<CimOperation> start)
    {
        Interlocked.Increment(ref _calls);
        var op = start();
        _live[op.Id] = op;
        _ = op.Quiesced.ContinueWith(static (t, s) =>
        {
            var (live, id) = ((ConcurrentDictionary<long, CimOperation>, long))s!;
            live.TryRemove(id, out _);
        }, (_live, op.Id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return op;
    }

    /// <summary>Cancels every live operation (shutdown).</summary>
    public void CancelAll()
    {
        foreach (var op in _live.Values)
        {
            op.Cancel();
        }
    }

    /// <summary>Completes when every live operation has quiesced, or after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitQuiescedAsync(TimeSpan timeout)
    {
        var all = Task.WhenAll(_live.Values.Select(o => o.Quiesced));
        var done = await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false);
        return done == all;
    }

    public void DisposeConnections()
    {
        foreach (var c in _connections.Values)
        {
            c.Dispose();
        }
        _connections.Clear();
    }
}

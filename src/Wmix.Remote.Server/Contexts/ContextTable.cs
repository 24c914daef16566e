using System.Collections.Concurrent;

namespace Wmix.Remote.Server.Contexts;

/// <summary>Why a Pull could not take a context.</summary>
internal enum PullRefusal
{
    /// <summary>It was taken.</summary>
    None,

    /// <summary>Unknown, ended, expired, or someone else's: <c>n:InvalidEnumerationContext</c>.</summary>
    Invalid,

    /// <summary>Another Pull holds it: <c>w:Concurrency</c>.</summary>
    Busy,
}

/// <summary>
/// The server's open enumeration and subscription contexts. A sweeper ends those idle past their limit or past
/// their expiry, cancelling their engine operations down to the providers, so nothing outlives a vanished client.
/// </summary>
internal sealed class ContextTable : IDisposable
{
    private readonly ConcurrentDictionary<string, ServerContext> _contexts = new(StringComparer.Ordinal);
    private readonly Action<ServerContext> _onEnded;
    private readonly Timer _sweeper;
    private long _expired;

    /// <param name="sweepInterval">How often to look for expired contexts.</param>
    /// <param name="onEnded">Called once per context when it leaves the table (slot release, counters).</param>
    public ContextTable(TimeSpan sweepInterval, Action<ServerContext> onEnded)
    {
        _onEnded = onEnded;
        _sweeper = new Timer(static s => ((ContextTable)s!).Sweep(), this, sweepInterval, sweepInterval);
    }

    /// <summary>Open contexts.</summary>
    public int Count => _contexts.Count;

    /// <summary>Contexts ended by the sweeper (idle or expired).</summary>
    public long ExpiredCount => Interlocked.Read(ref _expired);

    /// <summary>Open contexts of a kind.</summary>
    public int CountOf(ContextKind kind) => _contexts.Values.Count(c => c.Kind == kind);

    public void Add(ServerContext context) => _contexts[context.Id] = context;

    /// <summary>Takes the context for one Pull (or Renew/Release); refuses unknown, foreign, expired or busy ones.</summary>
    public PullRefusal TryBeginPull(string id, string user, out ServerContext? context)
    {
        context = null;
        if (!_contexts.TryGetValue(id, out var c) || !string.Equals(c.Owner, user, StringComparison.Ordinal))
        {
            return PullRefusal.Invalid;
        }
        // Busy is flipped under the context's own lock: two Pulls racing on one context must not both win.
        lock (c)
        {
            if (c.IsExpired(Environment.TickCount64))
            {
                return PullRefusal.Invalid;
            }
            if (c.Busy)
            {
                return PullRefusal.Busy;
            }
            c.Busy = true;
        }
        context = c;
        return PullRefusal.None;
    }

    /// <summary>The context <paramref name="id"/> when it exists and belongs to <paramref name="user"/> (Release, Unsubscribe, Renew).</summary>
    public bool TryGetOwned(string id, string user, out ServerContext? context)
    {
        context = _contexts.TryGetValue(id, out var c) && string.Equals(c.Owner, user, StringComparison.Ordinal) ? c : null;
        return context is not null;
    }

    /// <summary>Moves a subscription's expiry to <paramref name="expiresAt"/> and restarts its idle timer.</summary>
    public static void Renew(ServerContext context, long expiresAt)
    {
        lock (context)
        {
            context.ExpiresAt = expiresAt;
            context.Touch();
        }
    }

    /// <summary>Ends a Pull: the idle timer restarts now.</summary>
    public static void EndPull(ServerContext context)
    {
        lock (context)
        {
            context.Touch();
            context.Busy = false;
        }
    }

    /// <summary>Removes and ends a context (Release, Unsubscribe, end of sequence); false when already gone.</summary>
    public bool Remove(string id)
    {
        if (!_contexts.TryRemove(id, out var c))
        {
            return false;
        }
        End(c);
        return true;
    }

    private void End(ServerContext context)
    {
        // Cancel never throws and never waits: the provider sees its token flip; Quiesced follows when it returns.
        context.Operation?.Cancel();
        context.Sink.Abandon();
        context.Held.Clear();
        _onEnded(context);
    }

    /// <summary>Ends every context past its limit (runs on the timer; public for tests).</summary>
    public void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var c in _contexts.Values)
        {
            bool expired;
            lock (c)
            {
                expired = c.IsExpired(now);
            }
            if (expired && _contexts.TryRemove(c.Id, out _))
            {
                Interlocked.Increment(ref _expired);
                End(c);
            }
        }
    }

    /// <summary>Ends every context (server shutdown).</summary>
    public void Clear()
    {
        foreach (var id in _contexts.Keys)
        {
            Remove(id);
        }
    }

    public void Dispose()
    {
        _sweeper.Dispose();
        Clear();
    }
}

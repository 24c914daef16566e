using System.Collections.Concurrent;

namespace Wmix.Remote.Server.Hosting;

/// <summary>
/// Per-client limits, a client being one authenticated user at one remote address: a token bucket for the request
/// rate, a cap on in-flight requests, and a separate cap (same number) on open enumeration and subscription contexts.
/// Counting them apart keeps Release and Unsubscribe possible for a client whose contexts are at the limit.
/// </summary>
internal sealed class ClientLimiter
{
    private readonly double _ratePerSecond;
    private readonly int _burst;
    private readonly int _maxOutstanding;
    private readonly ConcurrentDictionary<string, Client> _clients = new(StringComparer.Ordinal);

    public ClientLimiter(double ratePerSecond, int burst, int maxOutstanding)
    {
        _ratePerSecond = ratePerSecond;
        _burst = Math.Max(1, burst);
        _maxOutstanding = maxOutstanding;
    }

    /// <summary>The client key of <paramref name="user"/> at <paramref name="remoteAddress"/> (address only, not port).</summary>
    public static string KeyOf(string user, System.Net.IPAddress? remoteAddress) => user + "@" + (remoteAddress?.ToString() ?? "?");

    /// <summary>Takes one request token; false when the client is over its rate.</summary>
    public bool TryRequest(string key) => _ratePerSecond <= 0 || Get(key).TryTake(_ratePerSecond, _burst);

    /// <summary>Counts one more in-flight request; false (and nothing counted) when at the limit.</summary>
    public bool TryAcquire(string key) => TryIncrement(ref Get(key).Outstanding);

    /// <summary>Ends one in-flight request counted by <see cref="TryAcquire"/>.</summary>
    public void Release(string key)
    {
        if (_clients.TryGetValue(key, out var c))
        {
            Interlocked.Decrement(ref c.Outstanding);
        }
    }

    /// <summary>Counts one more open context; false (and nothing counted) when at the limit.</summary>
    public bool TryAcquireContext(string key) => TryIncrement(ref Get(key).Contexts);

    /// <summary>Ends one context counted by <see cref="TryAcquireContext"/>.</summary>
    public void ReleaseContext(string key)
    {
        if (_clients.TryGetValue(key, out var c))
        {
            Interlocked.Decrement(ref c.Contexts);
        }
    }

    private bool TryIncrement(ref int counter)
    {
        while (true)
        {
            var n = Volatile.Read(ref counter);
            if (n >= _maxOutstanding)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref counter, n + 1, n) == n)
            {
                return true;
            }
        }
    }

    private Client Get(string key) => _clients.GetOrAdd(key, static _ => new Client());

    private sealed class Client
    {
        public int Outstanding;
        public int Contexts;
        private readonly Lock _gate = new();
        private double _tokens = double.NaN;
        private long _last;

        public bool TryTake(double rate, int burst)
        {
            // The bucket refills continuously; the lock keeps refill-and-take atomic for concurrent requests.
            lock (_gate)
            {
                var now = Environment.TickCount64;
                _tokens = double.IsNaN(_tokens) ? burst : Math.Min(burst, _tokens + ((now - _last) * rate / 1000.0));
                _last = now;
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens -= 1;
                return true;
            }
        }
    }
}

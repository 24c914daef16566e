using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Wmix.Remote.Server.Security;

/// <summary>An authenticated user: name, groups and whether they are root.</summary>
/// <param name="User">The user name.</param>
/// <param name="Groups">Their groups (system groups plus users-file groups).</param>
/// <param name="IsRoot">True for uid 0 (all rights).</param>
public sealed record WsmanPrincipal(string User, IReadOnlyList<string> Groups, bool IsRoot);

/// <summary>
/// HTTP Basic authentication in front of every request: parses the header, checks the pair with the configured
/// verifiers (first success wins), remembers verified pairs for a short time as keyed digests (so each request does
/// not pay for PAM or a slow hash), throttles failures per remote address, and resolves groups.
/// </summary>
public sealed class BasicAuthenticator : IDisposable
{
    private readonly IReadOnlyList<ICredentialVerifier> _verifiers;
    private readonly UnixAccounts _accounts;
    private readonly TimeSpan _cacheLifetime;
    private readonly int _maxFailuresPerMinute;
    private readonly SemaphoreSlim _concurrency;
    private readonly HMACSHA256 _cacheKey = new(RandomNumberGenerator.GetBytes(32));
    private readonly Lock _macGate = new();
    private readonly ConcurrentDictionary<string, (byte[] Mac, long ExpiresAt)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FailureWindow> _failures = new(StringComparer.Ordinal);
    private long _verifications;

    /// <summary>Creates the authenticator.</summary>
    public BasicAuthenticator(IReadOnlyList<ICredentialVerifier> verifiers, UnixAccounts accounts, TimeSpan cacheLifetime, int maxFailuresPerMinute, int maxConcurrent)
    {
        ArgumentNullException.ThrowIfNull(verifiers);
        ArgumentNullException.ThrowIfNull(accounts);
        if (verifiers.Count == 0)
        {
            throw new ArgumentException("At least one credential verifier (PAM or a users file) is required.", nameof(verifiers));
        }
        _verifiers = verifiers;
        _accounts = accounts;
        _cacheLifetime = cacheLifetime;
        _maxFailuresPerMinute = maxFailuresPerMinute;
        _concurrency = new SemaphoreSlim(Math.Max(1, maxConcurrent));
    }

    /// <summary>How many times a verifier actually ran (cache misses).</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    /// <summary>
    /// Authenticates the <c>Authorization</c> header value. Returns the principal, or null with a reason. Runs
    /// verifiers on the thread pool, at most the configured number at a time.
    /// </summary>
    public async ValueTask<(WsmanPrincipal? Principal, string? User, string? Reason)> AuthenticateAsync(string? authorization, string remoteAddress, CancellationToken cancellationToken)
    {
        if (authorization is null || !authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, "no Basic credentials");
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
        }
        catch (FormatException)
        {
            return (null, null, "malformed Basic credentials");
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return (null, null, "malformed Basic credentials");
        }
        var user = decoded[..colon];
        var password = decoded[(colon + 1)..];
        // A Windows-style "DOMAIN\user" or "user@realm" names the local user.
        var local = user.Contains('\\', StringComparison.Ordinal) ? user[(user.LastIndexOf('\\') + 1)..] : user;
        if (Throttled(remoteAddress))
        {
            return (null, user, "too many failed attempts from this address");
        }
        var mac = Mac(local, password);
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(local, out var hit) && hit.ExpiresAt > now && CryptographicOperations.FixedTimeEquals(hit.Mac, mac))
        {
            return (Principal(local), local, null);
        }
        await _concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        VerificationResult result;
        try
        {
            Interlocked.Increment(ref _verifications);
            // PAM and PBKDF2 block; keep them off Kestrel's request threads.
            result = await Task.Run(() => VerifyAll(local, password), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _concurrency.Release();
        }
        if (!result.Succeeded)
        {
            RecordFailure(remoteAddress);
            _cache.TryRemove(local, out _);
            return (null, local, result.Reason);
        }
        if (_cacheLifetime > TimeSpan.Zero)
        {
            _cache[local] = (mac, now + (long)_cacheLifetime.TotalMilliseconds);
        }
        return (Principal(local), local, null);
    }

    private VerificationResult VerifyAll(string user, string password)
    {
        var reasons = new List<string>();
        foreach (var v in _verifiers)
        {
            var r = v.Verify(user, password);
            if (r.Succeeded)
            {
                return r;
            }
            reasons.Add(v.Name + ": " + r.Reason);
        }
        return VerificationResult.Failure(string.Join("; ", reasons));
    }

    private WsmanPrincipal Principal(string user)
    {
        var groups = new List<string>(_accounts.GroupsOf(user));
        foreach (var v in _verifiers)
        {
            if (v is UsersFile file)
            {
                groups.AddRange(file.GroupsOf(user).Where(g => !groups.Contains(g, StringComparer.Ordinal)));
            }
        }
        return new WsmanPrincipal(user, groups, _accounts.IsRoot(user));
    }

    private byte[] Mac(string user, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(user + "\0" + password);
        try
        {
            // HMACSHA256 instances are not thread-safe; the hash of a short input is microseconds.
            lock (_macGate)
            {
                return _cacheKey.ComputeHash(bytes);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private bool Throttled(string remote)
    {
        var host = HostOf(remote);
        return _maxFailuresPerMinute > 0 && _failures.TryGetValue(host, out var w) && w.Count(Environment.TickCount64) >= _maxFailuresPerMinute;
    }

    private void RecordFailure(string remote)
    {
        if (_maxFailuresPerMinute > 0)
        {
            _failures.GetOrAdd(HostOf(remote), _ => new FailureWindow()).Add(Environment.TickCount64);
        }
    }

    private static string HostOf(string remote)
    {
        var i = remote.LastIndexOf(':');
        return i > 0 && !remote.EndsWith(']') ? remote[..i] : remote;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _concurrency.Dispose();
        _cacheKey.Dispose();
    }

    /// <summary>Failure times of one address in the last minute.</summary>
    private sealed class FailureWindow
    {
        private readonly Lock _gate = new();
        private readonly Queue<long> _times = new();

        public void Add(long now)
        {
            lock (_gate)
            {
                Trim(now);
                _times.Enqueue(now);
            }
        }

        public int Count(long now)
        {
            lock (_gate)
            {
                Trim(now);
                return _times.Count;
            }
        }

        private void Trim(long now)
        {
            while (_times.Count > 0 && now - _times.Peek() > 60_000)
            {
                _times.Dequeue();
            }
        }
    }
}

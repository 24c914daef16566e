using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Remote.Server.Contexts;

/// <summary>What a context serves.</summary>
internal enum ContextKind
{
    /// <summary>An enumeration (Enumerate → Pull → Release).</summary>
    Enumeration,

    /// <summary>A Pull-mode subscription (Subscribe → Pull → Unsubscribe).</summary>
    Subscription,
}

/// <summary>
/// One enumeration or subscription context: the engine operation streaming into a bounded sink, drained by Pulls.
/// Owned by the <see cref="ContextTable"/>; at most one Pull at a time (<see cref="ContextTable.TryBeginPull"/>).
/// </summary>
internal sealed class ServerContext
{
    // Items taken from the sink but not sent (the envelope was full); sent first by the next Pull. Only the one
    // Pull that holds the context touches it, so it needs no lock.
    private readonly LinkedList<CimObject> _held = new();
    private long _sequence;

    public ServerContext(ContextKind kind, string id, string owner, string clientKey, string @namespace, string resourceUri, ChannelOperationSink sink)
    {
        Kind = kind;
        Id = id;
        Owner = owner;
        ClientKey = clientKey;
        Namespace = @namespace;
        ResourceUri = resourceUri;
        Sink = sink;
        Touch();
    }

    public ContextKind Kind { get; }

    /// <summary>The wire id (<c>uuid:…</c>); also the subscription's <c>e:Identifier</c>.</summary>
    public string Id { get; }

    /// <summary>The authenticated user that opened it; only they may pull or release it.</summary>
    public string Owner { get; }

    /// <summary>The client (user at address) whose outstanding-operations slot it holds.</summary>
    public string ClientKey { get; }

    public string Namespace { get; }

    public string ResourceUri { get; }

    public ChannelOperationSink Sink { get; }

    /// <summary>The engine operation; set right after creation (the sink must exist before the call).</summary>
    public CimOperation? Operation { get; set; }

    /// <summary>An absolute end (<c>n:Expires</c>/<c>e:Expires</c>), in <see cref="Environment.TickCount64"/> ms; 0 = none.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>The heartbeat interval of a subscription, or zero.</summary>
    public TimeSpan Heartbeat { get; init; }

    /// <summary>The idle limit after which an unattended context ends.</summary>
    public TimeSpan IdleTimeout { get; init; }

    /// <summary>Send <c>w:Bookmark</c> with each Pull response.</summary>
    public bool SendBookmarks { get; init; }

    /// <summary>Enumeration mode and other per-context settings the dispatcher needs again on Pull.</summary>
    public object? State { get; init; }

    /// <summary>True while a Pull or Release is being processed (the idle timer is stopped).</summary>
    public bool Busy { get; set; }

    /// <summary>When the last response was sent (ms, <see cref="Environment.TickCount64"/>).</summary>
    public long LastActivity { get; private set; }

    /// <summary>Items already sent; the bookmark position.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Creation stamp for bookmarks.</summary>
    public long CreatedAt { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public LinkedList<CimObject> Held => _held;

    public void Touch() => LastActivity = Environment.TickCount64;

    public void Advance(int count) => Interlocked.Add(ref _sequence, count);

    /// <summary>The opaque bookmark: creation stamp and position.</summary>
    public string Bookmark => $"wmix:{Id}:{CreatedAt}:{Sequence}";

    /// <summary>True when this context has outlived its idle limit or expiry at <paramref name="now"/>.</summary>
    public bool IsExpired(long now) =>
        (ExpiresAt != 0 && now >= ExpiresAt)
        || (!Busy && now - LastActivity >= (long)IdleTimeout.TotalMilliseconds);
}

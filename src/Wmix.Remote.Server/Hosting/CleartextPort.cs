using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Wmix.Remote.Server.Hosting;

/// <summary>
/// One plain-HTTP (loopback) port that serves HTTP/1.1 and HTTP/2 with prior knowledge (h2c, RFC 9113 §3.3) side by
/// side. Kestrel 10 serves only HTTP/1.1 on a cleartext <c>Http1AndHttp2</c> end point (without ALPN it cannot tell),
/// so the port listens once and hands each accepted connection to one of two Kestrel end points — an HTTP/1.1 one and
/// an HTTP/2 one — by whether its first bytes are the HTTP/2 connection preface. Third-party HTTP/1.1 clients
/// (python3-winrm, wsl) never send the preface and are served exactly as before.
/// </summary>
/// <remarks>
/// Why h2c at all (issue #6): a Wmix client multiplexes its parked Pulls, its Releases and its abandons (RST_STREAM)
/// over a few connections instead of one TCP connection per outstanding call, which is what made a remote cancel of
/// 1,000 calls cost 1,000 connection teardowns.
/// </remarks>
internal sealed class CleartextPort
{
    private static readonly byte[] s_preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly Lock _gate = new();
    private readonly IPEndPoint _requested;
    private readonly TimeSpan _sniffTimeout;
    private readonly Channel<ConnectionContext> _http1 = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Channel<ConnectionContext> _http2 = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleWriter = false });
    private Task<IConnectionListener>? _binding;
    private IPEndPoint? _bound;
    private int _views;

    /// <param name="requested">The address and port to listen on (port 0: any free port).</param>
    /// <param name="sniffTimeout">How long a new connection may stay silent before it is given to HTTP/1.1 (whose own timeouts then apply).</param>
    public CleartextPort(IPEndPoint requested, TimeSpan sniffTimeout)
    {
        _requested = requested;
        _sniffTimeout = sniffTimeout;
        Http1 = new CleartextEndPoint(this, http2: false);
        Http2 = new CleartextEndPoint(this, http2: true);
    }

    /// <summary>The Kestrel end point of the connections that do not open with the preface.</summary>
    public CleartextEndPoint Http1 { get; }

    /// <summary>The Kestrel end point of the connections that open with the preface.</summary>
    public CleartextEndPoint Http2 { get; }

    /// <summary>The address actually bound (port resolved), or the requested one before binding.</summary>
    public IPEndPoint Address => _bound ?? _requested;

    internal async ValueTask<IConnectionListener> BindAsync(bool http2, IConnectionListenerFactory sockets, CancellationToken cancellationToken)
    {
        Task<IConnectionListener> binding;
        // Both views bind the one socket: the first starts the bind, the second awaits the same task.
        lock (_gate)
        {
            binding = _binding ??= BindSocketAsync(sockets, cancellationToken);
            _views++;
        }
        await binding.ConfigureAwait(false);
        return new View(this, http2);
    }

    private async Task<IConnectionListener> BindSocketAsync(IConnectionListenerFactory sockets, CancellationToken cancellationToken)
    {
        var listener = await sockets.BindAsync(_requested, cancellationToken).ConfigureAwait(false);
        _bound = listener.EndPoint as IPEndPoint ?? _requested;
        _ = AcceptLoopAsync(listener);
        return listener;
    }

    private async Task AcceptLoopAsync(IConnectionListener listener)
    {
        try
        {
            while (await listener.AcceptAsync().ConfigureAwait(false) is { } connection)
            {
                _ = RouteAsync(connection);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or IOException)
        {
            Trace.TraceInformation($"Wmix: listener {Address} stopped: {e.Message}");
        }
        finally
        {
            _http1.Writer.TryComplete();
            _http2.Writer.TryComplete();
        }
    }

    private async Task RouteAsync(ConnectionContext connection)
    {
        bool http2;
        try
        {
            http2 = await OpensWithPrefaceAsync(connection.Transport.Input).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or InvalidOperationException)
        {
            // Broken before it said anything: HTTP/1.1's handling closes it.
            Trace.TraceInformation($"Wmix: connection {connection.RemoteEndPoint} failed before its first request: {e.Message}");
            http2 = false;
        }
        if (!(http2 ? _http2 : _http1).Writer.TryWrite(connection))
        {
            // The end point is unbinding.
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Peeks at the first bytes without consuming them: Kestrel's protocol reads them again from the start.
    /// </summary>
    private async Task<bool> OpensWithPrefaceAsync(PipeReader input)
    {
        using var timeout = new CancellationTokenSource(_sniffTimeout);
        // Examined may only move forward (PipeReader rule); while the bytes so far are a proper prefix of the
        // preface we examine them all to wait for more, and finally leave examined there — behind the new data, so
        // Kestrel's first read returns at once.
        SequencePosition? examined = null;
        var head = new byte[s_preface.Length];
        while (true)
        {
            ReadResult read;
            try
            {
                read = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Silent client: HTTP/1.1's own timeouts deal with it.
                return false;
            }
            var buffer = read.Buffer;
            var n = (int)Math.Min(buffer.Length, s_preface.Length);
            buffer.Slice(0, n).CopyTo(head);
            var matches = head.AsSpan(0, n).SequenceEqual(s_preface.AsSpan(0, n));
            if (!matches || n == s_preface.Length || read.IsCompleted || read.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, examined ?? buffer.Start);
                return matches && n == s_preface.Length;
            }
            examined = buffer.End;
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async ValueTask ReleaseViewAsync(bool http2)
    {
        (http2 ? _http2 : _http1).Writer.TryComplete();
        Task<IConnectionListener>? binding;
        // The socket closes with the last view.
        lock (_gate)
        {
            if (--_views > 0)
            {
                return;
            }
            binding = _binding;
            _binding = null;
        }
        if (binding is { IsCompletedSuccessfully: true })
        {
            var listener = await binding.ConfigureAwait(false);
            await listener.UnbindAsync().ConfigureAwait(false);
            await listener.DisposeAsync().ConfigureAwait(false);
        }
        // Connections accepted but never taken by Kestrel.
        foreach (var channel in (Channel<ConnectionContext>[])[_http1, _http2])
        {
            while (channel.Reader.TryRead(out var orphan))
            {
                await orphan.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>What Kestrel accepts from for one protocol: the connections routed to it.</summary>
    private sealed class View(CleartextPort port, bool http2) : IConnectionListener
    {
        private int _released;

        public EndPoint EndPoint => http2 ? port.Http2 : port.Http1;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            var reader = (http2 ? port._http2 : port._http1).Reader;
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.TryRead(out var connection))
                {
                    return connection;
                }
            }
            return null;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => ReleaseAsync();

        public ValueTask DisposeAsync() => ReleaseAsync();

        private ValueTask ReleaseAsync() =>
            Interlocked.Exchange(ref _released, 1) == 0 ? port.ReleaseViewAsync(http2) : ValueTask.CompletedTask;
    }
}

/// <summary>One protocol's half of a <see cref="CleartextPort"/>, as Kestrel sees it.</summary>
internal sealed class CleartextEndPoint : EndPoint
{
    internal CleartextEndPoint(CleartextPort port, bool http2)
    {
        Port = port;
        IsHttp2 = http2;
    }

    public CleartextPort Port { get; }

    public bool IsHttp2 { get; }

    /// <summary>The bound address (<c>127.0.0.1:port</c>): Kestrel shows it as <c>http://127.0.0.1:port</c>.</summary>
    public override string ToString() => Port.Address.ToString();
}

/// <summary>Binds <see cref="CleartextEndPoint"/>s (and only those) for Kestrel, over its socket transport.</summary>
internal sealed class CleartextListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly SocketTransportFactory _sockets = new(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);

    public bool CanBind(EndPoint endpoint) => endpoint is CleartextEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        endpoint is CleartextEndPoint e
            ? e.Port.BindAsync(e.IsHttp2, _sockets, cancellationToken)
            : throw new NotSupportedException($"{endpoint} is not a Wmix cleartext end point.");
}

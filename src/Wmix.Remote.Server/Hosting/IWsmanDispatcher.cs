using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Hosting;

/// <summary>Who is calling: the authenticated principal, their client key for limits, and where from.</summary>
/// <param name="Principal">The authenticated user.</param>
/// <param name="ClientKey">User at remote address: the unit of limits.</param>
/// <param name="RemoteAddress">Address and port, for the audit log.</param>
/// <param name="UserAgent">The HTTP User-Agent (Windows clients get Windows encodings).</param>
internal sealed record WsmanCaller(WsmanPrincipal Principal, string ClientKey, string RemoteAddress, string? UserAgent);

/// <summary>An HTTP reply: 200 with an envelope, or 500 with a fault envelope.</summary>
internal readonly record struct WsmanReply(int StatusCode, byte[] Body);

/// <summary>Faults the HTTP pipeline raises before the envelope is read (no RelatesTo available).</summary>
internal enum PipelineFault
{
    /// <summary>The request envelope is larger than the server's MaxEnvelopeSize: <c>w:EncodingLimit</c>.</summary>
    EnvelopeTooLarge,

    /// <summary>Too many requests per second from this client: <c>w:QuotaLimit</c>.</summary>
    RateLimited,

    /// <summary>Too many outstanding operations of this client: <c>w:QuotaLimit</c>.</summary>
    TooManyOperations,

    /// <summary>The charset is not UTF-8/UTF-16: <c>w:EncodingLimit</c> (detail CharacterSet).</summary>
    UnsupportedCharset,
}

/// <summary>Parses a request envelope, runs it against the engine, and writes the reply envelope.</summary>
internal interface IWsmanDispatcher
{
    /// <summary>Handles one authenticated request. Never throws for bad input: faults are replies.</summary>
    Task<WsmanReply> DispatchAsync(WsmanCaller caller, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken);

    /// <summary>
    /// Answers an unauthenticated request that carried <c>WSMANIDENTIFY: unauthenticated</c>: an IdentifyResponse
    /// without version details when the body is an Identify, else null (the caller then answers 401).
    /// </summary>
    WsmanReply? IdentifyUnauthenticated(ReadOnlyMemory<byte> envelope);

    /// <summary>A fault envelope for a pipeline-level refusal.</summary>
    WsmanReply Fault(PipelineFault fault, string message);
}

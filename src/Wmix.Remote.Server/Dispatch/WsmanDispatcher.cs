using Wmix.Remote.Server.Contexts;
using Wmix.Remote.Server.Hosting;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Dispatch;

/// <summary>Dispatches WS-Man requests to the engine (completed once the protocol codec lands).</summary>
internal sealed partial class WsmanDispatcher : IWsmanDispatcher
{
    private readonly WsmanServerOptions _options;
    private readonly ServerEngine _engine;
    private readonly ContextTable _contexts;
    private readonly ClientLimiter _limiter;
    private readonly AccessRules _rules;
    private readonly AuditLog _audit;

    public WsmanDispatcher(WsmanServerOptions options, ServerEngine engine, ContextTable contexts, ClientLimiter limiter, AccessRules rules, AuditLog audit)
    {
        _options = options;
        _engine = engine;
        _contexts = contexts;
        _limiter = limiter;
        _rules = rules;
        _audit = audit;
    }

    public Task<WsmanReply> DispatchAsync(WsmanCaller caller, ReadOnlyMemory<byte> envelope, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public WsmanReply? IdentifyUnauthenticated(ReadOnlyMemory<byte> envelope) => null;

    public WsmanReply Fault(PipelineFault fault, string message) => new(500, []);
}

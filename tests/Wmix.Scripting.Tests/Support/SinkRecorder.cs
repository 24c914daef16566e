using System.Collections.Concurrent;

namespace Wmix.Scripting.Tests.Support;

/// <summary>One event a sink raised, in global order.</summary>
internal sealed record SinkEventRecord(long Seq, string Kind, object? Id, WbemErrorEnum Code, SWbemObject? Object, SWbemLastError? Error, SWbemObjectPath? Path);

/// <summary>
/// Records every event of a sink with a process-wide sequence number, keyed by the <c>id</c> entry of the async
/// context, and lets tests wait for completions.
/// </summary>
internal sealed class SinkRecorder
{
    private static long s_seq;
    private readonly ConcurrentQueue<SinkEventRecord> _events = new();
    private readonly ConcurrentDictionary<object, TaskCompletionSource<WbemErrorEnum>> _completions = new();

    public SinkRecorder(SWbemSink? sink = null)
    {
        Sink = sink ?? new SWbemSink();
        Sink.OnObjectReady += (o, ctx) => Add("OR", ctx, 0, o, null, null);
        Sink.OnProgress += (u, c, m, ctx) => Add("PR", ctx, 0, null, null, null);
        Sink.OnObjectPut += (p, ctx) => Add("OP", ctx, 0, null, null, p);
        Sink.OnCompleted += (h, e, ctx) =>
        {
            Add("OC", ctx, h, null, e, null);
            Completion(IdOf(ctx)).TrySetResult(h);
        };
    }

    public SWbemSink Sink { get; }

    public static long NextSeq() => Interlocked.Increment(ref s_seq);

    public IReadOnlyList<SinkEventRecord> Events => [.. _events];

    public IReadOnlyList<SinkEventRecord> For(object? id) => _events.Where(e => Equals(e.Id, id)).ToArray();

    public TaskCompletionSource<WbemErrorEnum> Completion(object? id) =>
        _completions.GetOrAdd(id ?? "(none)", _ => new TaskCompletionSource<WbemErrorEnum>(TaskCreationOptions.RunContinuationsAsynchronously));

    public WbemErrorEnum WaitCompleted(object? id, int timeoutMs = 10_000)
    {
        var t = Completion(id).Task;
        Assert.True(t.Wait(timeoutMs), $"no OnCompleted for call {id} within {timeoutMs} ms");
        return t.Result;
    }

    public static SWbemNamedValueSet Context(object id)
    {
        var ctx = new SWbemNamedValueSet();
        ctx.Add("id", id);
        return ctx;
    }

    private static object? IdOf(SWbemNamedValueSet? ctx) => ctx is null ? null : ctx.Item("id").Value;

    private void Add(string kind, SWbemNamedValueSet? ctx, WbemErrorEnum code, SWbemObject? o, SWbemLastError? e, SWbemObjectPath? p) =>
        _events.Enqueue(new SinkEventRecord(NextSeq(), kind, IdOf(ctx), code, o, e, p));
}

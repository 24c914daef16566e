namespace Wmix.Scripting.Tests.Support;

/// <summary>The three ways a scripting collection call can run (spec §2.4).</summary>
public enum CallMode
{
    /// <summary>iFlags without wbemFlagReturnImmediately: the call reads everything and raises failures.</summary>
    Sync,
    /// <summary>wbemFlagReturnImmediately (the default): failures surface at enumeration.</summary>
    SemiSync,
    /// <summary>The …Async twin reporting to an SWbemSink.</summary>
    Async,
}

/// <summary>The outcome of one call run in one mode: the objects, the code, and the error object if any.</summary>
internal sealed record CallResult(IReadOnlyList<SWbemObject> Items, WbemErrorEnum Code, SWbemLastError? Error);

/// <summary>Runs one collection scenario synchronously, semi-synchronously or asynchronously with the same result shape.</summary>
internal static class ThreeWays
{
    public static CallResult Run(CallMode mode, Func<int, SWbemObjectSet> sync, Action<SWbemSink, SWbemNamedValueSet> async, int extraFlags = 0)
    {
        switch (mode)
        {
            case CallMode.Sync:
                try
                {
                    var set = sync(extraFlags);
                    return new CallResult([.. set], WbemErrorEnum.wbemNoErr, null);
                }
                catch (WbemException e)
                {
                    return new CallResult([], e.ErrorCode, TryLastError());
                }
            case CallMode.SemiSync:
                var items = new List<SWbemObject>();
                var semi = sync(extraFlags | (int)WbemFlagEnum.wbemFlagReturnImmediately);
                try
                {
                    foreach (var o in semi)
                    {
                        items.Add(o);
                    }
                    return new CallResult(items, WbemErrorEnum.wbemNoErr, null);
                }
                catch (WbemException e)
                {
                    return new CallResult(items, e.ErrorCode, TryLastError());
                }
            default:
                var recorder = new SinkRecorder();
                async(recorder.Sink, SinkRecorder.Context(1));
                var code = recorder.WaitCompleted(1, 30_000);
                var events = recorder.For(1);
                Assert.Equal("OC", events[^1].Kind);
                return new CallResult(events.Where(e => e.Kind == "OR").Select(e => e.Object!).ToArray(), code, events[^1].Error);
        }
    }

    private static SWbemLastError? TryLastError()
    {
        try
        {
            return new SWbemLastError();
        }
        catch (WbemException)
        {
            return null;
        }
    }
}

using System.Runtime.CompilerServices;
using Wmix.Scripting.Tests.Support;

namespace Wmix.Scripting.Tests;

/// <summary>C4: dropping a sink cancels nothing; the engine keeps it alive while calls are outstanding, nothing after.</summary>
public sealed class SinkLifetimeTests
{
    private static int s_received;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference StartSubscription(SWbemServices svc)
    {
        var sink = new SWbemSink();
        sink.OnObjectReady += (o, ctx) => Interlocked.Increment(ref s_received);
        svc.ExecNotificationQueryAsync(sink, "SELECT * FROM TestEvent");
        return new WeakReference(sink);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RunQueryToEnd(SWbemServices svc, ManualResetEventSlim done)
    {
        var sink = new SWbemSink();
        sink.OnCompleted += (h, e, ctx) => done.Set();
        svc.ExecQueryAsync(sink, "SELECT * FROM Base");
        return new WeakReference(sink);
    }

    private static void Collect()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    [Fact]
    public void DroppedSink_WithSubscription_StaysAliveAndKeepsReceiving()
    {
        var conn = new ScriptedConnection();
        var svc = new SWbemServicesEx(conn);
        var weak = StartSubscription(svc);
        Collect();
        Assert.True(weak.IsAlive, "an outstanding call must keep its sink alive");
        Assert.Equal(1, conn.SubscriptionCount);
        var before = Volatile.Read(ref s_received);
        Assert.Equal(1, conn.Fire(1));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref s_received) == before && sw.ElapsedMilliseconds < 5000)
        {
            Thread.Sleep(5);
        }
        Assert.True(Volatile.Read(ref s_received) > before, "the subscription keeps delivering after the sink was dropped");

        ((SWbemSink)weak.Target!).Cancel();
        Assert.Equal(0, conn.SubscriptionCount);
    }

    [Fact]
    public void Sink_AfterLastCallCompleted_IsCollectable()
    {
        var conn = new ScriptedConnection();
        var svc = new SWbemServicesEx(conn);
        using var done = new ManualResetEventSlim();
        var weak = RunQueryToEnd(svc, done);
        Assert.True(done.Wait(10_000, TestContext.Current.CancellationToken));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            Thread.Sleep(10);
            Collect();
        }
        while (weak.IsAlive && sw.ElapsedMilliseconds < 5000);
        Assert.False(weak.IsAlive, "nothing may hold a sink with no outstanding call");
        Assert.Equal(0, conn.Operations.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference StartAndCancel(SWbemServices svc)
    {
        var sink = new SWbemSink();
        svc.ExecQueryAsync(sink, "SELECT * FROM Slow");
        svc.ExecNotificationQueryAsync(sink, "SELECT * FROM TestEvent");
        sink.Cancel();
        return new WeakReference(sink);
    }

    [Fact]
    public void Sink_AfterCancel_IsCollectableAndEngineHoldsNothing()
    {
        var conn = new ScriptedConnection();
        var svc = new SWbemServicesEx(conn);
        var weak = StartAndCancel(svc);
        Assert.Equal(0, conn.Operations.Count);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            Thread.Sleep(10);
            Collect();
        }
        while (weak.IsAlive && sw.ElapsedMilliseconds < 5000);
        Assert.False(weak.IsAlive);
    }
}

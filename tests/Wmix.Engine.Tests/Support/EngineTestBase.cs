using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Engine.Tests.Support;

/// <summary>A fresh object manager per test class instance (xUnit creates one per test), connected to root\cimv2.</summary>
public abstract class EngineTestBase : IDisposable
{
    internal const string Cimv2 = @"root\cimv2";

    private protected EngineTestBase()
    {
        Manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        Connection = Manager.Connect(Cimv2);
    }

    internal ObjectManager Manager { get; }

    internal ICimConnection Connection { get; }

    internal static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Starts a call on a recording sink and waits until it has ended and its producer has returned.</summary>
    internal static async Task<RecordingSink> RunAsync(Func<IOperationSink, CimOperation> start)
    {
        var sink = new RecordingSink();
        var operation = start(sink);
        await operation.Completion.WaitAsync(TimeSpan.FromSeconds(30), Token);
        await operation.Quiesced.WaitAsync(TimeSpan.FromSeconds(30), Token);
        Assert.Equal(1, sink.Completions);
        Assert.False(sink.Violated, "an event followed OnCompleted");
        return sink;
    }

    internal Task<RecordingSink> QueryAsync(string wql, CallOptions? options = null) =>
        RunAsync(s => Connection.ExecQuery(wql, "WQL", options ?? CallOptions.Default, s));

    internal Task<RecordingSink> GetAsync(string? path) => RunAsync(s => Connection.GetObject(path, CallOptions.Default, s));

    internal Task<RecordingSink> PutAsync(CimObject value, CallOptions? options = null) =>
        RunAsync(s => Connection.Put(value, options ?? CallOptions.Default, s));

    internal Task<RecordingSink> DeleteAsync(string path) => RunAsync(s => Connection.Delete(path, CallOptions.Default, s));

    internal static async Task<OperationStatus> StatusAsync(Task<RecordingSink> call) => await (await call).Completed;

    internal static async Task AssertFailsAsync(WbemErrorEnum expected, Task<RecordingSink> call)
    {
        var sink = await call;
        var status = await sink.Completed;
        Assert.Equal(expected, status.Code);
        Assert.Equal(OperationEndReason.Failed, status.Reason);
    }

    internal static async Task AssertSucceedsAsync(Task<RecordingSink> call)
    {
        var sink = await call;
        var status = await sink.Completed;
        Assert.True(status.IsSuccess, $"expected success, got {status.Code}: {status.Message}");
    }

    /// <summary>Stores a class (and returns the stored, located version).</summary>
    internal async Task<CimClass> DefineAsync(CimClass cls)
    {
        await AssertSucceedsAsync(PutAsync(cls));
        return (CimClass)(await GetAsync(cls.Name)).Objects.Single();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
            Manager.Dispose();
        }
    }
}

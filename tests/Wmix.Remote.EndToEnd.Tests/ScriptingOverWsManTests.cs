using System.Collections.Concurrent;
using Wmix.Remote.Client;

namespace Wmix.Remote.EndToEnd.Tests;

/// <summary>
/// <c>new SWbemLocator().ConnectServer("http://127.0.0.1:port", …)</c> against the real Wmix server: the scripting
/// API's sync, semi-sync and async calls over WS-Management, cancel included. Bounds are generous (shared machine).
/// </summary>
public sealed class ScriptingOverWsManTests : IAsyncLifetime
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);
    private RealServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RealServer.StartAsync();
        // Short cancel and reply bounds so failures show quickly; TLS is not involved (loopback HTTP).
        WsManConnector.Options = () => WsManClientOptions.Default with { OperationTimeout = TimeSpan.FromSeconds(10), CancelTimeout = TimeSpan.FromSeconds(5) };
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private SWbemServicesEx Connect() => new SWbemLocator().ConnectServer(_server.Address, @"root\cimv2", RealServer.User, RealServer.Password);

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + s_bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, what + " did not happen in time");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void ExecQuery_Synchronous_ReturnsTypedObjectsWithPaths()
    {
        var svc = Connect();
        var set = svc.ExecQuery("SELECT * FROM E2E_Item", "WQL", 0);
        Assert.Equal(50, set.Count);
        var third = set.Cast<SWbemObject>().Single(o => Convert.ToUInt32(o.Properties_["Id"].Value, System.Globalization.CultureInfo.InvariantCulture) == 3);
        Assert.Equal("item3", third.Properties_["Name"].Value);
        Assert.Equal(new[] { "a3", "b" }, (string[])third.Properties_["Tags"].Value!);
        Assert.Equal("20261124081502.500000+060", third.Properties_["Seen"].Value);
        Assert.Equal("E2E_Item.Id=3", third.Path_.RelPath);
    }

    [Fact]
    public void ExecQuery_SemiSynchronous_EnumeratesEverything()
    {
        var svc = Connect();
        var ids = new List<uint>();
        foreach (SWbemObject o in svc.ExecQuery("SELECT Id FROM E2E_Item WHERE Id < 40"))
        {
            ids.Add(Convert.ToUInt32(o.Properties_["Id"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (uint)i), ids.Order());
    }

    [Fact]
    public void ExecQueryAsync_CancelMidway_EndsCancelledAndTheServerLetsGo()
    {
        _server.Items.Count = 100_000;
        _server.Items.Delay = TimeSpan.FromMilliseconds(5);
        var svc = Connect();
        var sink = new SWbemSink();
        var objects = 0;
        var completed = new ConcurrentQueue<WbemErrorEnum>();
        sink.OnObjectReady += (_, _) => Interlocked.Increment(ref objects);
        sink.OnCompleted += (code, _, _) => completed.Enqueue(code);
        svc.ExecQueryAsync(sink, "SELECT * FROM E2E_Item");
        WaitUntil(() => Volatile.Read(ref objects) >= 5, "the first objects");
        sink.Cancel();
        var seen = Volatile.Read(ref objects);
        WaitUntil(() => completed.Count == 1, "OnCompleted");
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, Assert.Single(completed));
        WaitUntil(() => _server.Manager.Operations.Count == 0, "the server's operations ending");
        WaitUntil(() => _server.Items.Active == 0, "the provider stopping");
        Thread.Sleep(200);
        Assert.Equal(seen, Volatile.Read(ref objects));
        Assert.True(seen < 100_000);
    }

    [Fact]
    public void GetPutDelete_InstancesAndClasses_Work()
    {
        var svc = Connect();
        var item = svc.Get("E2E_Item.Id=7");
        Assert.Equal("item7", item.Properties_["Name"].Value);
        var cls = svc.Get("E2E_Item");
        Assert.Equal("E2E_Item", cls.Path_.Class);
        var fresh = cls.SpawnInstance_();
        fresh.Properties_["Id"].Value = 77;
        fresh.Properties_["Name"].Value = "seventy-seven";
        var path = fresh.Put_();
        Assert.Equal("E2E_Item.Id=77", path.RelPath);
        lock (_server.Items.Stored)
        {
            Assert.Equal("seventy-seven", _server.Items.Stored[77]);
        }
        svc.Delete("E2E_Item.Id=4");
        lock (_server.Items.Deleted)
        {
            Assert.Contains(4u, _server.Items.Deleted);
        }
        var missing = Assert.Throws<WbemException>(() => svc.Get("E2E_Item.Id=999"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, missing.ErrorCode);
    }

    [Fact]
    public void Get_SingletonInstance_TravelsWithoutSelectors()
    {
        var svc = Connect();
        var memory = svc.Get("Win32_PerfFormattedData_PerfOS_Memory=@");
        Assert.Equal("Win32_PerfFormattedData_PerfOS_Memory=@", memory.Path_.RelPath);
        Assert.True(Convert.ToUInt64(memory.Properties_["AvailableBytes"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void ExecMethod_Win32ProcessCreate_StartsAProcessOnTheServer()
    {
        var svc = Connect();
        var process = svc.Get("Win32_Process");
        var input = process.Methods_["Create"].InParameters!.SpawnInstance_();
        input.Properties_["CommandLine"].Value = "/bin/sleep 0.1";
        var output = svc.ExecMethod("Win32_Process", "Create", input);
        Assert.NotNull(output);
        Assert.Equal(0L, Convert.ToInt64(output.Properties_["ReturnValue"].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Convert.ToInt64(output.Properties_["ProcessId"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void ExecNotificationQueryAsync_EventRaisedOnTheServer_ArrivesAndCancelUnsubscribes()
    {
        var svc = Connect();
        var sink = new SWbemSink();
        var sequences = new ConcurrentQueue<uint>();
        var completed = new ConcurrentQueue<WbemErrorEnum>();
        sink.OnObjectReady += (o, _) => sequences.Enqueue(Convert.ToUInt32(o.Properties_["Sequence"].Value, System.Globalization.CultureInfo.InvariantCulture));
        sink.OnCompleted += (code, _, _) => completed.Enqueue(code);
        svc.ExecNotificationQueryAsync(sink, "SELECT * FROM E2E_Tick");
        WaitUntil(() => _server.Ticks.IsOpen, "the subscription reaching the provider");
        Assert.True(_server.Ticks.Raise(41));
        WaitUntil(() => !sequences.IsEmpty || !completed.IsEmpty, "the event");
        Assert.True(completed.IsEmpty, "completed early: " + string.Join(",", completed));
        Assert.Equal(41u, Assert.Single(sequences));
        sink.Cancel();
        WaitUntil(() => completed.Count == 1, "OnCompleted");
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, Assert.Single(completed));
        WaitUntil(() => !_server.Ticks.IsOpen, "the server closing the subscription");
        WaitUntil(() => _server.Manager.Operations.Count == 0, "the server's operations ending");
    }

    [Fact]
    public void ConnectServer_WrongPassword_IsAccessDenied()
    {
        var e = Assert.Throws<WbemException>(() => new SWbemLocator().ConnectServer(_server.Address, @"root\cimv2", RealServer.User, "wrong"));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, e.ErrorCode);
    }

    [Fact]
    public void ConnectServer_UnknownNamespace_IsInvalidNamespace()
    {
        var e = Assert.Throws<WbemException>(() => new SWbemLocator().ConnectServer(_server.Address, @"root\nowhere", RealServer.User, RealServer.Password));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, e.ErrorCode);
    }

    [Fact]
    public void ConnectServer_PlainHttpToARemoteHost_IsRefused()
    {
        var e = Assert.Throws<WbemException>(() => new SWbemLocator().ConnectServer("http://192.0.2.1:5985", @"root\cimv2", "u", "p"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, e.ErrorCode);
    }
}

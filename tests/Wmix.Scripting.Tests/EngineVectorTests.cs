using Wmix.Scripting.Tests.Support;

namespace Wmix.Scripting.Tests;

/// <summary>Spec §7 vectors against the real object manager, each in sync, semi-sync and async form where it applies.</summary>
public sealed class EngineVectorTests
{
    private readonly EngineNamespace _ns = new();

    private SWbemServicesEx Svc => _ns.Services;

    [Theory]
    [InlineData(CallMode.Sync)]
    [InlineData(CallMode.SemiSync)]
    [InlineData(CallMode.Async)]
    public void Query_FiveMatches_FiveObjectsThenSuccess(CallMode mode)
    {
        // Vector 13.
        var r = ThreeWays.Run(mode, f => Svc.ExecQuery("SELECT * FROM Base", "WQL", f),
            (s, ctx) => Svc.ExecQueryAsync(s, "SELECT * FROM Base", objWbemAsyncContext: ctx));
        Assert.Equal(WbemErrorEnum.wbemNoErr, r.Code);
        Assert.Equal(5, r.Items.Count);
        var none = ThreeWays.Run(mode, f => Svc.ExecQuery("SELECT * FROM Base WHERE Size > 100", "WQL", f),
            (s, ctx) => Svc.ExecQueryAsync(s, "SELECT * FROM Base WHERE Size > 100", objWbemAsyncContext: ctx));
        Assert.Equal(WbemErrorEnum.wbemNoErr, none.Code);
        Assert.Empty(none.Items);
    }

    [Theory]
    [InlineData(CallMode.Sync)]
    [InlineData(CallMode.SemiSync)]
    [InlineData(CallMode.Async)]
    public void Query_BadSyntaxAndUnknownClass_ReportedOnce(CallMode mode)
    {
        // Vector 18.
        var bad = ThreeWays.Run(mode, f => Svc.ExecQuery("SELECT FROM WHERE", "WQL", f),
            (s, ctx) => Svc.ExecQueryAsync(s, "SELECT FROM WHERE", objWbemAsyncContext: ctx));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, bad.Code);
        var unknown = ThreeWays.Run(mode, f => Svc.InstancesOf("NoSuchClass", f),
            (s, ctx) => Svc.InstancesOfAsync(s, "NoSuchClass", objWbemAsyncContext: ctx));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, unknown.Code);
    }

    [Theory]
    [InlineData(CallMode.Sync)]
    [InlineData(CallMode.SemiSync)]
    [InlineData(CallMode.Async)]
    public void InstancesOf_DeepByDefault_ShallowWithFlag(CallMode mode)
    {
        // Vector 23.
        var deep = ThreeWays.Run(mode, f => Svc.InstancesOf("Base", f), (s, ctx) => Svc.InstancesOfAsync(s, "Base", objWbemAsyncContext: ctx));
        Assert.Equal(5, deep.Items.Count);
        var shallow = ThreeWays.Run(mode, f => Svc.InstancesOf("Base", f), (s, ctx) => Svc.InstancesOfAsync(s, "Base", 1, objWbemAsyncContext: ctx), extraFlags: 1);
        Assert.Equal(3, shallow.Items.Count);
    }

    [Theory]
    [InlineData(CallMode.Sync)]
    [InlineData(CallMode.SemiSync)]
    [InlineData(CallMode.Async)]
    public void Subclasses_ServicesDeep_ObjectShallow(CallMode mode)
    {
        // Vector 22.
        var deep = ThreeWays.Run(mode, f => Svc.SubclassesOf("Base", f), (s, ctx) => Svc.SubclassesOfAsync(s, "Base", objWbemAsyncContext: ctx));
        Assert.Equal(["Child", "GrandChild"], deep.Items.Select(o => o.Path_.Class).Order());
        var baseClass = Svc.Get("Base");
        var direct = ThreeWays.Run(mode, f => baseClass.Subclasses_(f | 1), (s, ctx) => baseClass.SubclassesAsync_(s, objWbemAsyncContext: ctx));
        Assert.Equal(["Child"], direct.Items.Select(o => o.Path_.Class));
    }

    [Theory]
    [InlineData(CallMode.Sync)]
    [InlineData(CallMode.SemiSync)]
    [InlineData(CallMode.Async)]
    public void ProviderFailure_CarriesExtendedStatus(CallMode mode)
    {
        // Vector 32.
        var r = ThreeWays.Run(mode, f => Svc.ExecQuery("SELECT * FROM Failing", "WQL", f),
            (s, ctx) => Svc.ExecQueryAsync(s, "SELECT * FROM Failing", objWbemAsyncContext: ctx));
        Assert.Equal(WbemErrorEnum.wbemErrProviderFailure, r.Code);
        Assert.NotNull(r.Error);
        dynamic error = r.Error!;
        Assert.Equal("ScriptingTestProvider", error.ProviderName);
        Assert.NotNull(error.Operation);
        if (mode != CallMode.Async)
        {
            // Taking the error reset it: a second creation fails.
            Assert.Throws<WbemException>(() => new SWbemLastError());
        }
    }

    [Fact]
    public void ExecQuery_Default_ReturnsBeforeSlowProviderFinishes_ErrorsAtEnumeration()
    {
        // Vector 24.
        var ctx = new SWbemNamedValueSet();
        ctx.Add("count", 40);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var set = Svc.ExecQuery("SELECT * FROM SlowItem", objWbemNamedValueSet: ctx);
        Assert.True(sw.ElapsedMilliseconds < 300, $"semi-sync call took {sw.ElapsedMilliseconds} ms");
        Assert.Equal(40, set.Cast<SWbemObject>().Count());
        var deferred = Svc.ExecQuery("SELECT * FROM NoSuchClass");
        var e = Assert.Throws<WbemException>(() => deferred.Cast<SWbemObject>().ToList());
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, e.ErrorCode);
        e = Assert.Throws<WbemException>(() => Svc.ExecQuery("SELECT * FROM NoSuchClass", "WQL", 0));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, e.ErrorCode);
    }

    [Fact]
    public void ExecQuery_ForwardOnly_SecondPassEmpty_CountFails_CloneRefused()
    {
        // Vector 25.
        var set = Svc.ExecQuery("SELECT * FROM Base", "WQL", 48);
        var first = set.Cast<SWbemObject>().ToList();
        Assert.Equal(5, first.Count);
        Assert.Empty(set.Cast<SWbemObject>());
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Assert.Throws<WbemException>(() => set.Count).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Assert.Throws<WbemException>(() => first[0].Clone_()).ErrorCode);
        var bidirectional = Svc.ExecQuery("SELECT * FROM Base");
        Assert.Equal(5, bidirectional.Count);
        Assert.Equal(5, bidirectional.Cast<SWbemObject>().Count());
        Assert.NotNull(bidirectional.ItemIndex(0).Clone_());
    }

    [Fact]
    public async Task ForwardOnly_ReleasedEarly_CancelsDelivery()
    {
        var ctx = new SWbemNamedValueSet();
        ctx.Add("count", 10_000);
        _ns.Provider.Delay = TimeSpan.FromMilliseconds(1);
        var set = Svc.ExecQuery("SELECT * FROM SlowItem", "WQL", 48, ctx);
        using (var e = set.GetEnumerator())
        {
            Assert.True(e.MoveNext());
        }
        await _ns.AssertReleasedAsync();
    }

    [Fact]
    public void ItemIndex_And_Item_Bounds()
    {
        // Vector 28.
        var set = Svc.ExecQuery("SELECT * FROM Base WHERE __CLASS = \"Base\"");
        Assert.NotNull(set.ItemIndex(0));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => set.ItemIndex(-1)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => set.ItemIndex(set.Count)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => set.Item("Base.Name=\"none\"")).ErrorCode);
        dynamic b2 = set.Item("Base.Name=\"b2\"");
        Assert.Equal(2, b2.Size);
        dynamic b3 = set["base.NAME='b3'"];
        Assert.Equal("b3", b3.Name);
    }

    [Fact]
    public void ConnectServer_Vectors29()
    {
        var locator = new SWbemLocator();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Assert.Throws<WbemException>(() => locator.ConnectServer(".", @"root\nope")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrLocalCredentials, Assert.Throws<WbemException>(() => locator.ConnectServer(".", "", "user", "pw")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter,
            Assert.Throws<WbemException>(() => locator.ConnectServer("remotehost", "", @"DOM\u", "pw", "", "NTLMDomain:DOM")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrTransportFailure,
            Assert.Throws<WbemException>(() => locator.ConnectServer("unreachable.invalid", "", "", "", "", "", 0x80)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => locator.ConnectServer(".", "root\\bad name")).ErrorCode);
        var svc = locator.ConnectServer();
        Assert.NotNull(svc.Get("__NAMESPACE"));
        Assert.NotNull(locator.ConnectServer("localhost", "root/cimv2"));
        Assert.NotNull(locator.ConnectServer(Environment.MachineName));
    }

    [Fact]
    public void ConnectServer_RemoteConnectorSeam_IsUsedForOtherServers()
    {
        string? seen = null;
        var previous = SWbemLocator.RemoteConnector;
        SWbemLocator.RemoteConnector = (server, ns, user, pw, locale, authority, flags, ct) =>
        {
            seen = server + "|" + ns;
            return Wmix.Hosting.WmixHost.Local.Connect(ns);
        };
        try
        {
            var svc = new SWbemLocator().ConnectServer("farhost", _ns.Name, "u", "p");
            Assert.Equal("farhost|" + _ns.Name, seen);
            Assert.Equal(5, svc.InstancesOf("Base").Count);
        }
        finally
        {
            SWbemLocator.RemoteConnector = previous;
        }
    }

    [Fact]
    public async Task SlowQueries_CancelOnRealEngine_ExactlyOneCancelledEach_OtherSinkFinishes_EngineReleases()
    {
        // Vector 1 on the object manager.
        var a = new SinkRecorder();
        var b = new SinkRecorder();
        var ctx = new SWbemNamedValueSet();
        ctx.Add("count", 1000);
        for (var id = 1; id <= 3; id++)
        {
            Svc.ExecQueryAsync(a.Sink, "SELECT * FROM SlowItem", "WQL", 0, ctx, SinkRecorder.Context(id));
        }
        var small = new SWbemNamedValueSet();
        small.Add("count", 10);
        Svc.ExecQueryAsync(b.Sink, "SELECT * FROM SlowItem", "WQL", 0, small, SinkRecorder.Context(9));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        a.Sink.Cancel();
        var returned = SinkRecorder.NextSeq();
        for (var id = 1; id <= 3; id++)
        {
            Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(id));
            Assert.DoesNotContain(a.For(id), e => e.Kind != "OC" && e.Seq > returned);
        }
        Assert.Equal(WbemErrorEnum.wbemNoErr, b.WaitCompleted(9));
        Assert.Equal(10, b.For(9).Count(e => e.Kind == "OR"));
        await _ns.AssertReleasedAsync();
    }

    [Fact]
    public async Task ExecMethodAsync_CancelledClientSide_ProviderRunsToCompletion()
    {
        // Vector 8 on the object manager.
        var a = new SinkRecorder();
        var inParams = Svc.Get("Calc").Methods_.Item("Nap").InParameters!.SpawnInstance_();
        inParams.Properties_.Item("Ms").Value = 800;
        Svc.ExecMethodAsync(a.Sink, "Calc", "Nap", inParams, objWbemAsyncContext: SinkRecorder.Context(1));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        a.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, a.WaitCompleted(1));
        Assert.False(_ns.Provider.NapFinished.Task.IsCompleted);
        await _ns.Provider.NapFinished.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Progress_WithSendStatus_FromProvider()
    {
        // Vector 14 on the object manager.
        var a = new SinkRecorder();
        var ctx = new SWbemNamedValueSet();
        ctx.Add("count", 3);
        Svc.ExecQueryAsync(a.Sink, "SELECT * FROM SlowItem", "WQL", 0x80, ctx, SinkRecorder.Context(1));
        Svc.ExecQueryAsync(a.Sink, "SELECT * FROM SlowItem", "WQL", 0, ctx, SinkRecorder.Context(2));
        a.WaitCompleted(1);
        a.WaitCompleted(2);
        Assert.Contains(a.For(1), e => e.Kind == "PR");
        Assert.DoesNotContain(a.For(2), e => e.Kind == "PR");
    }

    [Fact]
    public void Methods_ReturnValueAndDynamicInvocation()
    {
        // Vector 21 (sync form) and dynamic methods.
        var outParams = Svc.ExecMethod("Calc.Id=1", "Five");
        dynamic o = outParams!;
        Assert.Equal(5, o.ReturnValue);
        dynamic calc = Svc.Get("Calc");
        Assert.Equal(7, calc.Add(3, 4));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidMethod,
            Assert.Throws<WbemException>(() => Svc.ExecMethod("Calc", "Nope")).ErrorCode);
    }

    [Fact]
    public void PutGetDelete_RoundTrip_WithChangeFlags()
    {
        var inst = Svc.Get("Base").SpawnInstance_();
        dynamic d = inst;
        d.Name = "fresh";
        d.Size = 42;
        var path = inst.Put_();
        Assert.Equal("Base.Name=\"fresh\"", path.RelPath);
        dynamic got = Svc.Get("Base.Name=\"fresh\"");
        Assert.Equal(42, got.Size);
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, Assert.Throws<WbemException>(() => inst.Put_(2)).ErrorCode);
        ((SWbemObject)got).Delete_();
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => Svc.Get("Base.Name=\"fresh\"")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => inst.Put_(1 | 0)).ErrorCode);
    }

    [Fact]
    public void Refresh_ReloadsFromEngine()
    {
        var a = (SWbemObjectEx)Svc.Get("Base.Name=\"b1\"");
        dynamic b = Svc.Get("Base.Name=\"b1\"");
        b.Size = 99;
        ((SWbemObject)b).Put_();
        dynamic da = a;
        Assert.Equal(1, da.Size);
        a.Refresh_();
        Assert.Equal(99, da.Size);
        Assert.Equal("Base", a.SystemProperties_.Item("__CLASS").Value);
        Assert.Equal(@"\\" + Environment.MachineName + @"\" + _ns.Name + ":Base.Name=\"b1\"", a.Path_.Path, ignoreCase: true);
    }

    [Fact]
    public async Task Cancel_ThousandsOfHangingEngineQueries_AllCompletedAndReleased()
    {
        var sink = new SWbemSink();
        var completed = 0;
        sink.OnCompleted += (h, e, ctx) => Interlocked.Increment(ref completed);
        for (var i = 0; i < 5000; i++)
        {
            Svc.ExecQueryAsync(sink, "SELECT * FROM HangItem");
        }
        await Task.Delay(200, TestContext.Current.CancellationToken);
        sink.Cancel();
        Assert.Equal(0, _ns.OutstandingOperations);
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref completed) < 5000 && wait.ElapsedMilliseconds < 10_000)
        {
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
        Assert.Equal(5000, completed);
    }
}

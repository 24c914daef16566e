using Wmix.Cim;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class MethodTests : EngineTestBase
{
    private async Task<CimMethod> MethodAsync(string name)
    {
        var cls = (CimClass)(await GetAsync(TestProvider.ClassName)).Objects.Single();
        return cls.Methods.Find(name)!;
    }

    private Task<RecordingSink> CallAsync(string path, string method, CimObject? inParameters) =>
        RunAsync(s => Connection.ExecMethod(path, method, inParameters, CallOptions.Default, s));

    [Fact]
    public async Task ExecMethod_Instance_DeliversOutParametersOnce()
    {
        // Vector 21.
        Manager.RegisterProvider(new TestProvider(count: 3));
        var input = (await MethodAsync("Double")).InParameters!.SpawnInstance();
        input["Value"] = 21u;
        var sink = await CallAsync("Test_Item.Id=1", "Double", input);
        Assert.Equal(["OR", "OC(wbemNoErr)"], sink.Events);
        var output = sink.Objects.Single();
        Assert.Equal(5u, output["ReturnValue"]);
        Assert.Equal(42u, output["Result"]);
    }

    [Fact]
    public async Task ExecMethod_Static_OnClassPath()
    {
        Manager.RegisterProvider(new TestProvider(count: 4));
        Assert.Equal(4u, (await CallAsync("Test_Item", "Count", null)).Objects.Single()["ReturnValue"]);
    }

    [Fact]
    public async Task ExecMethod_NonStaticOnClassPath_IsInvalidMethod()
    {
        Manager.RegisterProvider(new TestProvider());
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidMethod, CallAsync("Test_Item", "Slow", null));
    }

    [Fact]
    public async Task ExecMethod_UnknownMethodOrClass_Fails()
    {
        Manager.RegisterProvider(new TestProvider());
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidMethod, CallAsync("Test_Item.Id=1", "Nope", null));
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidClass, CallAsync("Nope.Id=1", "Double", null));
        await AssertFailsAsync(WbemErrorEnum.wbemErrNotFound, CallAsync("Test_Item.Id=100", "Count", null));
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidObjectPath, CallAsync("Test_Item.Id=", "Count", null));
    }

    [Fact]
    public async Task ExecMethod_MissingRequiredParameter_IsInvalidMethodParameters()
    {
        Manager.RegisterProvider(new TestProvider());
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidMethodParameters, CallAsync("Test_Item.Id=1", "Double", null));
        var empty = (await MethodAsync("Double")).InParameters!.SpawnInstance();
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidMethodParameters, CallAsync("Test_Item.Id=1", "Double", empty));
    }

    [Fact]
    public async Task ExecMethod_UnknownOrMistypedParameter_IsInvalidMethodParameters()
    {
        Manager.RegisterProvider(new TestProvider());
        var stranger = new CimClass("__PARAMETERS");
        stranger.AddProperty("Value", CimType.UInt32);
        stranger.AddProperty("Bogus", CimType.String);
        var args = stranger.SpawnInstance();
        args["Value"] = 1u;
        args["Bogus"] = "x";
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidMethodParameters, CallAsync("Test_Item.Id=1", "Double", args));

        var typed = new CimClass("__PARAMETERS");
        typed.AddProperty("Value", CimType.String);
        var wrong = typed.SpawnInstance();
        wrong["Value"] = "not a number";
        await AssertFailsAsync(WbemErrorEnum.wbemErrInvalidMethodParameters, CallAsync("Test_Item.Id=1", "Double", wrong));
    }

    [Fact]
    public async Task ExecMethod_ProviderThrows_IsProviderFailure()
    {
        Manager.RegisterProvider(new TestProvider());
        var status = await StatusAsync(CallAsync("Test_Item.Id=1", "Fail", null));
        Assert.Equal(WbemErrorEnum.wbemErrProviderFailure, status.Code);
        Assert.Equal("ExecMethod", status.ExtendedStatus!.Operation);
        Assert.Equal("TestProvider", status.ExtendedStatus.ProviderName);
    }

    [Fact]
    public async Task ExecMethod_RepositoryClass_IsProviderNotCapable()
    {
        var cls = TestSchema.Base();
        cls.AddMethod(new CimMethod("Go", CimType.UInt32));
        var stored = await DefineAsync(cls);
        await AssertSucceedsAsync(PutAsync(TestSchema.New(stored, ("Id", 1u))));
        await AssertFailsAsync(WbemErrorEnum.wbemErrProviderNotCapable, CallAsync("Test_Base.Id=1", "Go", null));
    }

    [Fact]
    public async Task ExecMethod_Cancelled_ClientSeesCancelButMethodRunsToCompletion()
    {
        // Vector 8 / C8.
        var provider = new TestProvider();
        Manager.RegisterProvider(provider);
        var input = (await MethodAsync("Slow")).InParameters!.SpawnInstance();
        input["Milliseconds"] = 300u;
        var sink = new RecordingSink();
        var operation = Connection.ExecMethod("Test_Item.Id=1", "Slow", input, CallOptions.Default, sink);
        while (provider.Active == 0)
        {
            await Task.Delay(5, Token);
        }
        Assert.True(operation.Cancel());
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, (await sink.Completed).Code);
        Assert.Equal(0, provider.SideEffects);
        await operation.Quiesced.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(1, provider.SideEffects);
        Assert.Empty(sink.Objects);
        Assert.Equal(1, sink.Completions);
        Assert.Equal(0, Manager.Operations.Count);
    }
}

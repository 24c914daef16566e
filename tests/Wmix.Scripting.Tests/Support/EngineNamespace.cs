using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Hosting;

namespace Wmix.Scripting.Tests.Support;

/// <summary>
/// A fresh namespace in the process-wide local WMI (WmixHost.Local, the one <c>SWbemLocator.ConnectServer(".")</c> reaches),
/// served by <see cref="TestProvider"/> and holding a small repository schema:
/// <c>Base {[key] string Name; uint32 Size;}</c> ← <c>Child</c> ← <c>GrandChild</c> with five instances.
/// </summary>
internal sealed class EngineNamespace
{
    public EngineNamespace()
    {
        Name = @"root\st" + Guid.NewGuid().ToString("N")[..12];
        Provider = new TestProvider(Name);
        WmixHost.Local.Manager.RegisterProvider(Provider);
        Services = new SWbemLocator().ConnectServer(".", Name);
        var b = Services.Get();
        b.Path_.Class = "Base";
        b.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
        b.Properties_.Add("Size", WbemCimtypeEnum.wbemCimtypeUint32);
        b.Put_();
        var child = Services.Get("Base").SpawnDerivedClass_();
        child.Path_.Class = "Child";
        child.Put_();
        var grand = Services.Get("Child").SpawnDerivedClass_();
        grand.Path_.Class = "GrandChild";
        grand.Put_();
        Add("Base", "b1", 1);
        Add("Base", "b2", 2);
        Add("Base", "b3", 3);
        Add("Child", "c1", 4);
        Add("GrandChild", "g1", 5);
    }

    public string Name { get; }

    public TestProvider Provider { get; }

    public SWbemServicesEx Services { get; }

    /// <summary>Operations of this namespace still held by the engine.</summary>
    public int OutstandingOperations => WmixHost.Local.Manager.Operations.Snapshot().Count(o => string.Equals(o.Namespace, Name, StringComparison.OrdinalIgnoreCase));

    public void Add(string cls, string name, uint size)
    {
        var i = Services.Get(cls).SpawnInstance_();
        i.Properties_.Item("Name").Value = name;
        i.Properties_.Item("Size").Value = size;
        i.Put_();
    }

    public async Task AssertReleasedAsync()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (OutstandingOperations > 0 && sw.ElapsedMilliseconds < 5000)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }
        Assert.Equal(0, OutstandingOperations);
    }
}

/// <summary>
/// A provider for the scripting tests: <c>SlowItem</c> streams the context's <c>count</c> instances (default 50),
/// one per <see cref="Delay"/>, reporting progress; <c>Failing</c> fails with extended status; <c>Calc</c> has
/// methods (<c>Five()</c>, static <c>Add(A, B)</c>, static <c>Nap(Ms)</c> with a side effect).
/// </summary>
internal sealed class TestProvider : CimProvider
{
    private readonly CimClass _slow;
    private readonly CimClass _failing;
    private readonly CimClass _calc;
    private readonly CimClass _hang;

    public TestProvider(string ns)
    {
        _slow = new CimClass("SlowItem");
        _slow.AddProperty("Id", CimType.UInt32, isKey: true);
        _slow.Freeze();
        _failing = new CimClass("Failing");
        _failing.AddProperty("Id", CimType.UInt32, isKey: true);
        _failing.Freeze();
        _hang = new CimClass("HangItem");
        _hang.AddProperty("Id", CimType.UInt32, isKey: true);
        _hang.Freeze();
        _calc = new CimClass("Calc");
        _calc.AddProperty("Id", CimType.UInt32, isKey: true);
        _calc.AddMethod(new CimMethod("Five", CimType.UInt32));
        var st = new CimQualifierSet();
        st.Set(new CimQualifier("Static", true, CimFlavor.None));
        _calc.AddMethod(new CimMethod("Add", CimType.SInt32, [In("A", 0), In("B", 1)], st));
        _calc.AddMethod(new CimMethod("Nap", CimType.UInt32, [In("Ms", 0)], st.Clone()));
        _calc.Freeze();
        Classes =
        [
            new ProviderClassRegistration(ns, _slow),
            new ProviderClassRegistration(ns, _failing),
            new ProviderClassRegistration(ns, _hang),
            new ProviderClassRegistration(ns, _calc, ProviderCapabilities.All),
        ];
    }

    private static CimParameter In(string name, int id)
    {
        var q = new CimQualifierSet();
        q.Set(new CimQualifier("In", true, CimFlavor.None));
        q.Set(new CimQualifier("ID", id, CimFlavor.None, CimType.SInt32));
        return new CimParameter(name, name == "Ms" ? CimType.UInt32 : CimType.SInt32, qualifiers: q);
    }

    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(10);

    public TaskCompletionSource NapFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string Name => "ScriptingTestProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken) =>
        cls.Name switch
        {
            "SlowItem" => SlowAsync(context, cls, cancellationToken),
            "Failing" => throw new WbemException(WbemErrorEnum.wbemErrProviderFailure, "Failing always fails.")
            {
                ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderFailure, "ExecQuery", "Failing always fails.", null, Name),
            },
            "Calc" => FromEnumerableAsync([CalcInstance(cls)], cancellationToken),
            "HangItem" => HangAsync(cancellationToken),
            _ => FromEnumerableAsync([], cancellationToken),
        };

    private static async IAsyncEnumerable<CimInstance> HangAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }

    private static CimInstance CalcInstance(CimClass cls)
    {
        var i = cls.SpawnInstance();
        i.SetValue("Id", 1u);
        return i;
    }

    private async IAsyncEnumerable<CimInstance> SlowAsync(ProviderContext context, CimClass cls, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var count = context.Context is { } c && c.TryGetValue("count", out var n) ? Convert.ToInt32(n, System.Globalization.CultureInfo.InvariantCulture) : 50;
        for (var i = 0; i < count; i++)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
            if (context.IsProgressRequested)
            {
                context.ReportProgress(count, i, "SlowItem");
            }
            var item = cls.SpawnInstance();
            item.SetValue("Id", (uint)i);
            yield return item;
        }
    }

    public override async ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        var outParams = method.OutParameters!.SpawnInstance();
        switch (method.Name)
        {
            case "Five":
                outParams.SetValue("ReturnValue", 5u);
                break;
            case "Add":
                outParams.SetValue("ReturnValue", (int)inParameters!.GetValue("A")! + (int)inParameters.GetValue("B")!);
                break;
            case "Nap":
                await Task.Delay((int)(uint)inParameters!.GetValue("Ms")!, CancellationToken.None).ConfigureAwait(false);
                NapFinished.TrySetResult();
                outParams.SetValue("ReturnValue", 0u);
                break;
        }
        return outParams;
    }
}

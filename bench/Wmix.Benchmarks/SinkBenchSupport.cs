using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Hosting;
using Wmix.Scripting;

namespace Wmix.Benchmarks;

/// <summary>
/// A provider for the sink benchmarks: <c>BenchItem</c> serves <see cref="Count"/> prebuilt frozen instances from
/// memory; <c>HangItem</c> yields nothing until cancelled (an outstanding call that costs no CPU).
/// </summary>
internal sealed class BenchProvider : CimProvider
{
    private readonly CimInstance[] _items;
    private readonly CimClass _item;
    private readonly CimClass _hang;

    public BenchProvider(string ns, int count)
    {
        _item = new CimClass("BenchItem");
        _item.AddProperty("Id", CimType.UInt32, isKey: true);
        _item.AddProperty("Name", CimType.String);
        _item.Freeze();
        _hang = new CimClass("HangItem");
        _hang.AddProperty("Id", CimType.UInt32, isKey: true);
        _hang.Freeze();
        _items = new CimInstance[count];
        for (var i = 0; i < count; i++)
        {
            var x = _item.SpawnInstance();
            x.SetValue("Id", (uint)i);
            x.SetValue("Name", "item");
            _items[i] = (CimInstance)x.Freeze();
        }
        Classes = [new ProviderClassRegistration(ns, _item), new ProviderClassRegistration(ns, _hang)];
    }

    public int Count => _items.Length;

    public override string Name => "BenchProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken) =>
        cls.Name == "HangItem" ? HangAsync(cancellationToken) : FromEnumerableAsync(_items, cancellationToken);

    private static async IAsyncEnumerable<CimInstance> HangAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}

/// <summary>One namespace in the shared object manager with a <see cref="BenchProvider"/>, reached through SWbemLocator.</summary>
internal static class BenchNamespace
{
    private static readonly Lazy<(SWbemServicesEx Services, BenchProvider Provider, string Namespace)> s_million = new(() => Create(1_000_000));

    public static (SWbemServicesEx Services, BenchProvider Provider, string Namespace) Million => s_million.Value;

    public static string MillionNamespace => s_million.Value.Namespace;

    /// <summary>
    /// The local WMI that SWbemLocator reaches, kept in memory for these benchmarks: they measure the sink and
    /// operation machinery, not the store (RepositoryBenchmarks does that), and must not write into the user's repository.
    /// </summary>
    public static ObjectManager Engine
    {
        get
        {
            if (!WmixHost.IsLocalOpen)
            {
                WmixHost.ConfigureLocal(WmixHostOptions.InMemory with { RegisterLinuxProviders = false });
            }
            return WmixHost.Local.Manager;
        }
    }

    public static (SWbemServicesEx Services, BenchProvider Provider, string Namespace) Create(int count)
    {
        var ns = @"root\bench" + Guid.NewGuid().ToString("N")[..8];
        var provider = new BenchProvider(ns, count);
        Engine.RegisterProvider(provider);
        return (new SWbemLocator().ConnectServer(".", ns), provider, ns);
    }
}

/// <summary>
/// A connection whose every call is an operation with no producer that runs until cancelled (the shape of an
/// event subscription): cancelling it measures the sink and operation machinery alone. Reached through the public
/// <see cref="SWbemLocator.RemoteConnector"/> seam as server "benchhost".
/// </summary>
internal sealed class IdleConnection : ICimConnection
{
    public string Server => "benchhost";

    public string Namespace => @"root\idle";

    public OperationRegistry Operations { get; } = new();

    public static SWbemServicesEx Connect(out IdleConnection connection)
    {
        var c = new IdleConnection();
        connection = c;
        SWbemLocator.RemoteConnector = (server, ns, user, pw, locale, authority, flags, ct) => c;
        return new SWbemLocator().ConnectServer("benchhost", @"root\idle");
    }

    private CimOperation Idle(OperationKind kind, IOperationSink sink)
    {
        var op = new CimOperation(kind, Namespace, null, sink, Operations);
        op.MarkNoProducer();
        return op;
    }

    public ICimConnection OpenNamespace(string @namespace) => this;

    public CimOperation ExecQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink) => Idle(OperationKind.Query, sink);

    public CimOperation ExecNotificationQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink) => Idle(OperationKind.NotificationQuery, sink);

    public CimOperation GetObject(string? objectPath, CallOptions options, IOperationSink sink) => Idle(OperationKind.Get, sink);

    public CimOperation InstancesOf(string className, CallOptions options, IOperationSink sink) => Idle(OperationKind.InstancesOf, sink);

    public CimOperation SubclassesOf(string? superclass, CallOptions options, IOperationSink sink) => Idle(OperationKind.SubclassesOf, sink);

    public CimOperation Put(CimObject value, CallOptions options, IOperationSink sink) => Idle(OperationKind.Put, sink);

    public CimOperation Delete(string objectPath, CallOptions options, IOperationSink sink) => Idle(OperationKind.Delete, sink);

    public CimOperation ExecMethod(string objectPath, string methodName, CimObject? inParameters, CallOptions options, IOperationSink sink) => Idle(OperationKind.ExecMethod, sink);

    public CimOperation AssociatorsOf(string objectPath, AssociatorsFilter filter, CallOptions options, IOperationSink sink) => Idle(OperationKind.AssociatorsOf, sink);

    public CimOperation ReferencesTo(string objectPath, ReferencesFilter filter, CallOptions options, IOperationSink sink) => Idle(OperationKind.ReferencesTo, sink);

    public void Dispose()
    {
    }
}

using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;

namespace Wmix.Benchmarks;

/// <summary>A sink-like consumer shared by many subscriptions (as one SWbemSink): counts what it receives.</summary>
internal sealed class CountingSink : IOperationSink
{
    private int _objects;
    private int _completions;

    public int Objects => Volatile.Read(ref _objects);

    public int Completions => Volatile.Read(ref _completions);

    public bool TryWriteObject(CimObject value)
    {
        Interlocked.Increment(ref _objects);
        return true;
    }

    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) => new(true);

    public void OnProgress(int upperBound, int current, string? message)
    {
    }

    public void OnObjectPut(CimObjectPath path)
    {
    }

    public void OnCompleted(OperationStatus status) => Interlocked.Increment(ref _completions);
}

/// <summary>
/// A provider with an intrinsic feed for <c>Bench_Item</c> and an extrinsic class <c>Bench_Trace</c>; it keeps the
/// sink the engine hands it so a benchmark can raise events directly.
/// </summary>
internal sealed class BenchEventProvider : CimProvider
{
    public const string Namespace = @"root\cimv2";

    public BenchEventProvider(CimClass extrinsicBase)
    {
        var item = new CimClass("Bench_Item");
        item.AddProperty("Name", CimType.String, isKey: true);
        var trace = new CimClass("Bench_Trace", extrinsicBase);
        trace.AddProperty("ProcessName", CimType.String);
        Classes = [new(Namespace, item), new(Namespace, trace, ProviderCapabilities.None)];
    }

    public override string Name => "Bench";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IReadOnlyList<EventRegistration> EventClasses { get; } =
        [EventRegistration.Intrinsic(Namespace, "Bench_Item"), EventRegistration.Extrinsic(Namespace, "Bench_Trace")];

    public ICimEventSink? Sink { get; private set; }

    public EventSubscriptionContext? Context { get; private set; }

    public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        Context = context;
        Sink = sink;
        return new Handle(this);
    }

    private sealed class Handle(BenchEventProvider owner) : IDisposable
    {
        public void Dispose() => owner.Sink = null;
    }
}

/// <summary>
/// Cancel latency: 10,000 outstanding subscriptions on one consumer cancelled as SWbemSink.Cancel does (every operation
/// of the sink), measured until all 10,000 OnCompleted have been delivered; and one subscription from subscribe to
/// quiesced (index entry, feed lease and registry entry gone).
/// </summary>
[MemoryDiagnoser]
public class EventCancelBenchmarks
{
    private ObjectManager _manager = null!;
    private ICimConnection _connection = null!;
    private CountingSink _sink = null!;

    /// <summary>The subscription kind: a repository class (index only) or an extrinsic provider class (feed lease too).</summary>
    [Params("repository", "extrinsic")]
    public string Kind { get; set; } = "repository";

    private string Query => Kind == "repository"
        ? "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA \"Bench_Stored\""
        : "SELECT * FROM Bench_Trace WHERE ProcessName = 'x'";

    /// <summary>An object manager with a stored class and the event provider.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _manager = new ObjectManager(new ObjectManagerOptions { ServerName = "BENCH" });
        _connection = _manager.Connect(BenchEventProvider.Namespace);
        var stored = new CimClass("Bench_Stored");
        stored.AddProperty("Name", CimType.String, isKey: true);
        var put = new ChannelOperationSink();
        _connection.Put(stored, CallOptions.Default, put).Completion.GetAwaiter().GetResult();
        var extrinsic = (CimClass)QueryOne("SELECT * FROM meta_class WHERE __CLASS = '__ExtrinsicEvent'");
        _manager.RegisterProvider(new BenchEventProvider(extrinsic));
    }

    private CimObject QueryOne(string query)
    {
        var sink = new ChannelOperationSink();
        _connection.ExecQuery(query, "WQL", CallOptions.Default, sink);
        if (!sink.TryTake(out var value) || value is null)
        {
            throw new InvalidOperationException("no result: " + query);
        }
        return value;
    }

    /// <summary>Disposes the object manager.</summary>
    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    /// <summary>10,000 subscriptions on one consumer, made before each measured cancel.</summary>
    [IterationSetup(Target = nameof(CancelAll10000))]
    public void Subscribe10000()
    {
        _sink = new CountingSink();
        for (var i = 0; i < 10_000; i++)
        {
            _connection.ExecNotificationQuery(Query, "WQL", CallOptions.Default, _sink);
        }
    }

    /// <summary>Cancels every subscription of the consumer; returns when all 10,000 OnCompleted were delivered.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    [InvocationCount(1)]
    public int CancelAll10000()
    {
        foreach (var operation in _manager.Operations.ForSink(_sink))
        {
            operation.Cancel();
        }
        if (_sink.Completions != 10_000 || _manager.Operations.Count != 0)
        {
            throw new InvalidOperationException($"{_sink.Completions} completions, {_manager.Operations.Count} left");
        }
        return _sink.Completions;
    }

    /// <summary>One subscription from ExecNotificationQuery to quiesced after Cancel (the whole round trip).</summary>
    [Benchmark(Baseline = true)]
    public bool SubscribeCancelQuiesce()
    {
        var sink = new CountingSink();
        var operation = _connection.ExecNotificationQuery(Query, "WQL", CallOptions.Default, sink);
        operation.Cancel();
        return operation.Quiesced.IsCompleted && sink.Completions == 1;
    }
}

/// <summary>
/// Dispatch cost of one provider event with 1,000 subscriptions that do not want it: (a) subscriptions whose
/// <c>TargetInstance ISA</c> names other classes, which the index never visits; (b) subscriptions to the same event
/// class whose condition fails, each evaluated. The baseline has no other subscription.
/// </summary>
[MemoryDiagnoser]
public class EventDispatchBenchmarks
{
    private ObjectManager _manager = null!;
    private BenchEventProvider _provider = null!;
    private CountingSink _sink = null!;
    private CimInstance _intrinsic = null!;
    private CimInstance _extrinsic = null!;

    /// <summary>How many subscriptions miss the event, and why.</summary>
    [Params("none", "1000-other-isa", "1000-failing-where")]
    public string Subscribers { get; set; } = "none";

    /// <summary>Registers the provider and the subscriptions; builds the two events once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _manager = new ObjectManager(new ObjectManagerOptions { ServerName = "BENCH" });
        var connection = _manager.Connect(BenchEventProvider.Namespace);
        var query = new ChannelOperationSink();
        connection.ExecQuery("SELECT * FROM meta_class WHERE __CLASS = '__ExtrinsicEvent'", "WQL", CallOptions.Default, query);
        query.TryTake(out var extrinsic);
        _provider = new BenchEventProvider((CimClass)extrinsic!);
        _manager.RegisterProvider(_provider);
        _sink = new CountingSink();
        // Opens both feeds; matches neither event.
        connection.ExecNotificationQuery("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Bench_Item' AND TargetInstance.Name = 'never'",
            "WQL", CallOptions.Default, _sink);
        connection.ExecNotificationQuery("SELECT * FROM Bench_Trace WHERE ProcessName = 'never'", "WQL", CallOptions.Default, _sink);
        for (var i = 0; i < 1000; i++)
        {
            var text = Subscribers switch
            {
                "1000-other-isa" => $"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Other_{i}'",
                "1000-failing-where" => $"SELECT * FROM Bench_Trace WHERE ProcessName = 'p{i}'",
                _ => null,
            };
            if (text is not null)
            {
                connection.ExecNotificationQuery(text, "WQL", CallOptions.Default, _sink);
            }
        }
        var context = _provider.Context!;
        var target = context.GetClass("Bench_Item").SpawnInstance();
        target["Name"] = "item";
        _intrinsic = context.CreateInstanceEvent(IntrinsicEventKind.InstanceCreation, (CimInstance)target.Freeze());
        _extrinsic = context.CreateEvent("Bench_Trace");
        _extrinsic["ProcessName"] = "none";
        _extrinsic.Freeze();
    }

    /// <summary>Disposes the object manager.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        if (_sink.Objects != 0)
        {
            throw new InvalidOperationException("an event matched");
        }
        _manager.Dispose();
    }

    /// <summary>Raises an intrinsic creation event of Bench_Item.</summary>
    [Benchmark(Baseline = true)]
    public void RaiseIntrinsic() => _provider.Sink!.Raise(_intrinsic);

    /// <summary>Raises an extrinsic Bench_Trace event.</summary>
    [Benchmark]
    public void RaiseExtrinsic() => _provider.Sink!.Raise(_extrinsic);
}

/// <summary>Allocation of one subscription's life (subscribe + cancel): an upper bound of what one subscription holds.</summary>
[MemoryDiagnoser]
public class EventSubscriptionMemoryBenchmarks
{
    private ObjectManager _manager = null!;
    private ICimConnection _connection = null!;

    /// <summary>An object manager with a stored class.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _manager = new ObjectManager(new ObjectManagerOptions { ServerName = "BENCH" });
        _connection = _manager.Connect(BenchEventProvider.Namespace);
        var stored = new CimClass("Bench_Stored");
        stored.AddProperty("Name", CimType.String, isKey: true);
        _connection.Put(stored, CallOptions.Default, new ChannelOperationSink()).Completion.GetAwaiter().GetResult();
    }

    /// <summary>Disposes the object manager.</summary>
    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    /// <summary>
    /// Retained bytes per outstanding subscription, measured with the GC over 10,000 subscriptions (reported as the
    /// return value; BenchmarkDotNet prints it in the log), then cancelled.
    /// </summary>
    [Benchmark]
    [InvocationCount(1)]
    [IterationCount(3)]
    [WarmupCount(1)]
    public long RetainedBytesPerSubscription()
    {
        var sink = new CountingSink();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var operations = new CimOperation[10_000];
        for (var i = 0; i < operations.Length; i++)
        {
            operations[i] = _connection.ExecNotificationQuery($"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Bench_Stored' AND TargetInstance.Name = 'n{i}'",
                "WQL", CallOptions.Default, sink);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var operation in operations)
        {
            operation.Cancel();
        }
        var perSubscription = (after - before) / operations.Length;
        Console.WriteLine($"// retained bytes per subscription: {perSubscription}");
        return perSubscription;
    }
}

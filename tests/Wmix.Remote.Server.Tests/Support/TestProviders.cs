using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;

namespace Wmix.Remote.Server.Tests.Support;

/// <summary>
/// <c>Test_Item</c> (key uint32 Id, Name, Size; methods Double, Slow, static Count): <see cref="Count"/> instances with an
/// optional delay per item, honouring cancellation, counting what it saw.
/// </summary>
internal sealed class ItemProvider : CimProvider
{
    public const string ClassName = "Test_Item";

    private int _cancelled;
    private int _active;
    private int _enumerations;

    public ItemProvider(int count = 10)
    {
        Count = count;
        var cls = new CimClass(ClassName);
        cls.AddProperty("Id", CimType.UInt32, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("Size", CimType.UInt32);
        var required = new CimQualifierSet();
        required.Set("In", true);
        required.Set("Required", true);
        var inOnly = new CimQualifierSet();
        inOnly.Set("In", true);
        var outOnly = new CimQualifierSet();
        outOnly.Set("Out", true);
        cls.AddMethod(new CimMethod("Double", CimType.UInt32,
            [new CimParameter("Value", CimType.UInt32, qualifiers: required), new CimParameter("Result", CimType.UInt32, qualifiers: outOnly)]));
        cls.AddMethod(new CimMethod("Slow", CimType.UInt32, [new CimParameter("Milliseconds", CimType.UInt32, qualifiers: inOnly)]));
        var staticQ = new CimQualifierSet();
        staticQ.Set("Static", true);
        cls.AddMethod(new CimMethod("Count", CimType.UInt32, qualifiers: staticQ));
        Classes = [new ProviderClassRegistration(@"root\cimv2", cls, ProviderCapabilities.All)];
    }

    public override string Name => "ItemProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public int Count { get; set; }

    public TimeSpan Delay { get; set; }

    public Dictionary<uint, string> Stored { get; } = [];

    public int CancellationsObserved => Volatile.Read(ref _cancelled);

    public int Active => Volatile.Read(ref _active);

    public int Enumerations => Volatile.Read(ref _enumerations);

    public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _enumerations);
        Interlocked.Increment(ref _active);
        var finished = false;
        try
        {
            for (var i = 0; i < Count; i++)
            {
                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, cancellationToken);
                }
                else
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
                yield return Make(cls, (uint)i);
            }
            finished = true;
        }
        finally
        {
            // A cancelled enumeration ends either inside the delay (the token throws) or parked at a yield (the engine
            // stops pulling and disposes the enumerator, possibly before the token's cancel has run on the pool);
            // either way it stopped before its end, which is what counts as a cancellation observed.
            if (!finished)
            {
                Interlocked.Increment(ref _cancelled);
            }
            Interlocked.Decrement(ref _active);
        }
    }

    public override ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        var id = Convert.ToUInt32(path.Keys[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new(id < Count ? Make(cls, id) : null);
    }

    private static CimInstance Make(CimClass cls, uint id)
    {
        var instance = cls.SpawnInstance();
        instance.SetValue(0, id);
        instance.SetValue(1, "item" + id);
        instance.SetValue(2, id * 10);
        return instance;
    }

    public override ValueTask<CimObjectPath> PutInstanceAsync(ProviderContext context, CimInstance instance, PutMode mode, CancellationToken cancellationToken)
    {
        var id = (uint)instance["Id"]!;
        lock (Stored)
        {
            Stored[id] = (string?)instance["Name"] ?? string.Empty;
        }
        return new(instance.RelativeObjectPath!);
    }

    public override ValueTask DeleteInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        var id = Convert.ToUInt32(path.Keys[0].Value, System.Globalization.CultureInfo.InvariantCulture);
        if (id >= Count)
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"No item {id}.");
        }
        Count--;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _active);
        try
        {
            var output = method.OutParameters!.SpawnInstance();
            switch (method.Name)
            {
                case "Double":
                    output["ReturnValue"] = 0u;
                    output["Result"] = (uint)inParameters!["Value"]! * 2;
                    break;
                case "Slow":
                    await Task.Delay(TimeSpan.FromMilliseconds((uint?)inParameters?["Milliseconds"] ?? 200), cancellationToken);
                    output["ReturnValue"] = 0u;
                    break;
                case "Count":
                    output["ReturnValue"] = (uint)Count;
                    break;
            }
            return output;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}

/// <summary>Extrinsic events <c>Test_Tick</c> (uint32 Sequence, string Text); counts feed opens and closes.</summary>
internal sealed class TickProvider : CimProvider
{
    public const string EventClass = "Test_Tick";

    private readonly Lock _gate = new();
    private ICimEventSink? _sink;
    private EventSubscriptionContext? _context;
    private int _opens;
    private int _closes;

    public TickProvider(CimClass extrinsicBase)
    {
        var tick = new CimClass(EventClass, extrinsicBase);
        tick.AddProperty("Sequence", CimType.UInt32);
        tick.AddProperty("Text", CimType.String);
        Classes = [new ProviderClassRegistration(@"root\cimv2", tick, ProviderCapabilities.None)];
    }

    public override string Name => "TickProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IReadOnlyList<EventRegistration> EventClasses { get; } = [EventRegistration.Extrinsic(@"root\cimv2", EventClass)];

    public int Opens => Volatile.Read(ref _opens);

    public int Closes => Volatile.Read(ref _closes);

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _sink is not null;
            }
        }
    }

    public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        lock (_gate)
        {
            _sink = sink;
            _context = context;
            _opens++;
        }
        return new Handle(this);
    }

    public bool Raise(uint sequence, string text = "tick")
    {
        ICimEventSink? sink;
        EventSubscriptionContext? context;
        lock (_gate)
        {
            sink = _sink;
            context = _context;
        }
        if (sink is null || context is null)
        {
            return false;
        }
        var evt = context.CreateEvent(EventClass);
        evt["Sequence"] = sequence;
        evt["Text"] = text;
        sink.Raise(evt);
        return true;
    }

    private sealed class Handle(TickProvider owner) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._sink = null;
                owner._context = null;
                owner._closes++;
            }
        }
    }
}

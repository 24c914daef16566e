using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Events;
using Wmix.Engine.Providers;

namespace Wmix.Engine.Tests.Events;

/// <summary>
/// A sink that records everything and flags protocol violations: a second OnCompleted, or anything after it.
/// Never full, unless built with a capacity.
/// </summary>
internal sealed class RecordingSink(int capacity = int.MaxValue) : IOperationSink
{
    private readonly Lock _gate = new();
    private readonly List<CimObject> _objects = [];
    private readonly List<OperationStatus> _completions = [];
    private readonly TaskCompletionSource<OperationStatus> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _objectArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int AfterCompletion { get; private set; }

    public Task<OperationStatus> Completed => _completed.Task;

    public IReadOnlyList<CimObject> Objects
    {
        get
        {
            lock (_gate)
            {
                return [.. _objects];
            }
        }
    }

    public IReadOnlyList<OperationStatus> Completions
    {
        get
        {
            lock (_gate)
            {
                return [.. _completions];
            }
        }
    }

    public bool TryWriteObject(CimObject value)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            if (_completions.Count > 0)
            {
                AfterCompletion++;
            }
            if (_objects.Count >= capacity)
            {
                return false;
            }
            _objects.Add(value);
            arrived = _objectArrived;
            _objectArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        arrived.TrySetResult();
        return true;
    }

    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) => new(true);

    public void OnProgress(int upperBound, int current, string? message)
    {
        lock (_gate)
        {
            if (_completions.Count > 0)
            {
                AfterCompletion++;
            }
        }
    }

    public void OnObjectPut(CimObjectPath path)
    {
    }

    public void OnCompleted(OperationStatus status)
    {
        lock (_gate)
        {
            if (_completions.Count > 0)
            {
                AfterCompletion++;
            }
            _completions.Add(status);
        }
        _completed.TrySetResult(status);
    }

    /// <summary>Waits until at least <paramref name="count"/> objects arrived; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<CimObject>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_objects.Count >= count)
                {
                    return [.. _objects];
                }
                next = _objectArrived.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(next, Task.Delay(left)) != next)
            {
                throw new TimeoutException($"Expected {count} objects, got {Objects.Count}.");
            }
        }
    }
}

/// <summary>A clock whose timers fire only when the test advances it.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = new(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public int ActiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing (synchronously, in order) every timer that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        DateTimeOffset end;
        lock (_gate)
        {
            end = _now + by;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } d && d <= end).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null)
                {
                    _now = end;
                    return;
                }
                _now = next.Due!.Value;
                next.Due = next.Period is { } p ? _now + p : null;
            }
            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                Due = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A provider of <c>Poll_Item</c> (key Name, uint32 Size) whose data the test changes; it raises no events.</summary>
internal sealed class PolledProvider : CimProvider
{
    public const string ClassName = "Poll_Item";

    private readonly ConcurrentDictionary<string, uint> _items = new(StringComparer.OrdinalIgnoreCase);
    private int _enumerations;

    public PolledProvider(string @namespace = @"root\cimv2", string className = ClassName)
    {
        var cls = new CimClass(className);
        cls.AddProperty("Name", CimType.String, isKey: true);
        cls.AddProperty("Size", CimType.UInt32);
        Classes = [new ProviderClassRegistration(@namespace, cls)];
    }

    public override string Name => "PolledProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public int Enumerations => Volatile.Read(ref _enumerations);

    public void Set(string name, uint size) => _items[name] = size;

    public void Remove(string name) => _items.TryRemove(name, out _);

    public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _enumerations);
        foreach (var (name, size) in _items.ToArray())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var instance = cls.SpawnInstance();
            instance["Name"] = name;
            instance["Size"] = size;
            yield return instance;
        }
        await Task.CompletedTask;
    }
}

/// <summary>
/// A provider of extrinsic events: <c>Test_ProcessTrace</c> (abstract-ish base with ProcessName and Sender) and its
/// subclasses <c>Test_ProcessStartTrace</c> and <c>Test_ProcessStopTrace</c>. Counts feed opens and closes.
/// </summary>
internal sealed class TraceProvider : CimProvider
{
    public const string Namespace = @"root\cimv2";

    private readonly Lock _gate = new();
    private ICimEventSink? _sink;
    private EventSubscriptionContext? _context;
    private int _opens;
    private int _closes;

    public TraceProvider(CimClass extrinsicBase)
    {
        var trace = new CimClass("Test_ProcessTrace", extrinsicBase);
        trace.AddProperty("ProcessName", CimType.String);
        trace.AddProperty("Sender", CimType.String);
        trace.AddProperty("ProcessID", CimType.UInt32);
        trace.Freeze();
        var start = new CimClass("Test_ProcessStartTrace", trace);
        var stop = new CimClass("Test_ProcessStopTrace", trace);
        Classes =
        [
            new ProviderClassRegistration(Namespace, trace, ProviderCapabilities.None),
            new ProviderClassRegistration(Namespace, start, ProviderCapabilities.None),
            new ProviderClassRegistration(Namespace, stop, ProviderCapabilities.None),
        ];
    }

    public override string Name => "TraceProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IReadOnlyList<EventRegistration> EventClasses { get; } =
        [EventRegistration.Extrinsic(Namespace, "Test_ProcessStartTrace"), EventRegistration.Extrinsic(Namespace, "Test_ProcessStopTrace")];

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

    public CancellationToken ClosedToken { get; private set; }

    public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        lock (_gate)
        {
            Assert.Null(_sink); // the engine never opens a feed twice
            _sink = sink;
            _context = context;
            ClosedToken = context.Closed;
            _opens++;
        }
        return new Handle(this);
    }

    /// <summary>Raises one trace event when the feed is open; false when it is closed.</summary>
    public bool Raise(string className, string processName, string sender = "s", uint pid = 1)
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
        var evt = context.CreateEvent(className);
        evt["ProcessName"] = processName;
        evt["Sender"] = sender;
        evt["ProcessID"] = pid;
        sink.Raise(evt);
        return true;
    }

    public bool ReportLost(string reason)
    {
        ICimEventSink? sink;
        lock (_gate)
        {
            sink = _sink;
        }
        sink?.ReportEventsLost(reason);
        return sink is not null;
    }

    private sealed class Handle(TraceProvider owner) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                Assert.NotNull(owner._sink);
                owner._sink = null;
                owner._context = null;
                owner._closes++;
            }
        }
    }
}

/// <summary>A provider of <c>Feed_Item</c> that raises intrinsic instance events itself (no polling needed).</summary>
internal sealed class IntrinsicFeedProvider : CimProvider
{
    public const string ClassName = "Feed_Item";

    private readonly Lock _gate = new();
    private ICimEventSink? _sink;
    private EventSubscriptionContext? _context;

    public IntrinsicFeedProvider(string @namespace = @"root\cimv2")
    {
        var cls = new CimClass(ClassName);
        cls.AddProperty("Name", CimType.String, isKey: true);
        Classes = [new ProviderClassRegistration(@namespace, cls)];
        EventClasses = [EventRegistration.Intrinsic(@namespace, ClassName)];
    }

    public override string Name => "IntrinsicFeedProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

    public override IReadOnlyList<EventRegistration> EventClasses { get; }

    public int Opens { get; private set; }

    public int Closes { get; private set; }

    public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        yield break;
    }

    public override IDisposable SubscribeEvents(EventSubscriptionContext context, ICimEventSink sink)
    {
        lock (_gate)
        {
            _sink = sink;
            _context = context;
            Opens++;
        }
        return new Handle(this);
    }

    public bool RaiseCreated(string name)
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
        var target = context.GetClass(ClassName).SpawnInstance();
        target["Name"] = name;
        sink.Raise(context.CreateInstanceEvent(IntrinsicEventKind.InstanceCreation, (CimInstance)target.Freeze()));
        return true;
    }

    private sealed class Handle(IntrinsicFeedProvider owner) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._sink = null;
                owner._context = null;
                owner.Closes++;
            }
        }
    }
}

/// <summary>Helpers over an object manager and a connection.</summary>
internal static class EventTestHelpers
{
    public const string Cimv2 = @"root\cimv2";

    public static CimOperation Subscribe(this ICimConnection connection, string query, RecordingSink sink) =>
        connection.ExecNotificationQuery(query, "WQL", CallOptions.Default, sink);

    public static async Task PutAsync(this ICimConnection connection, CimObject value)
    {
        var sink = new ChannelOperationSink();
        var op = connection.Put(value, CallOptions.Default, sink);
        var status = await op.Completion;
        Assert.True(status.IsSuccess, $"Put failed: {status.Code} {status.Message}");
    }

    public static async Task DeleteAsync(this ICimConnection connection, string path)
    {
        var sink = new ChannelOperationSink();
        var op = connection.Delete(path, CallOptions.Default, sink);
        var status = await op.Completion;
        Assert.True(status.IsSuccess, $"Delete failed: {status.Code} {status.Message}");
    }

    /// <summary>Stores a class <paramref name="name"/> (key Name, uint32 Size) below <paramref name="superclass"/>, returns it as stored.</summary>
    public static async Task<CimClass> PutClassAsync(this ObjectManager manager, ICimConnection connection, string name, string? superclass = null)
    {
        CimClass cls;
        if (superclass is null)
        {
            cls = new CimClass(name);
            cls.AddProperty("Name", CimType.String, isKey: true);
            cls.AddProperty("Size", CimType.UInt32);
        }
        else
        {
            cls = new CimClass(name, manager.GetClass(connection.Namespace, superclass)!);
        }
        await connection.PutAsync(cls);
        return manager.GetClass(connection.Namespace, name)!;
    }

    public static CimInstance NewInstance(this ObjectManager manager, string @namespace, string className, string name, uint size)
    {
        var instance = manager.GetClass(@namespace, className)!.SpawnInstance();
        instance["Name"] = name;
        instance["Size"] = size;
        return instance;
    }

    public static void AssertClean(this ObjectManager manager)
    {
        var diagnostics = manager.GetDiagnostics();
        Assert.Equal(0, diagnostics.ActiveSubscriptions);
        Assert.Equal(0, diagnostics.ActivePolls);
        Assert.Equal(0, diagnostics.ProviderEventFeeds);
        Assert.Equal(0, manager.Operations.Count);
    }

    public static WbemErrorEnum ErrorOf(Action action) => Assert.Throws<WbemException>(action).ErrorCode;
}

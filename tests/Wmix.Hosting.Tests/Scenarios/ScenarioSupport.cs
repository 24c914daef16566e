using System.Collections.Concurrent;
using System.Diagnostics;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>One event a sink raised.</summary>
internal sealed record Raised(string Kind, object? Id, WbemErrorEnum Code, SWbemObject? Object, SWbemLastError? Error, SWbemObjectPath? Path,
    int Upper = 0, int Current = 0, string? Message = null);

/// <summary>
/// Records what an <see cref="SWbemSink"/> raises, keyed by the async context's <c>id</c>, as a user's handlers would
/// see it. Waits are generous: the machine may be heavily loaded.
/// </summary>
internal sealed class SinkLog
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<Raised> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WbemErrorEnum>> _completed = new();
    private readonly SemaphoreSlim _ready = new(0);

    public SinkLog()
    {
        Sink.OnObjectReady += (o, ctx) =>
        {
            _events.Enqueue(new Raised("OR", IdOf(ctx), 0, o, null, null));
            _ready.Release();
        };
        Sink.OnProgress += (u, c, m, ctx) => _events.Enqueue(new Raised("PR", IdOf(ctx), 0, null, null, null, u, c, m));
        Sink.OnObjectPut += (p, ctx) => _events.Enqueue(new Raised("OP", IdOf(ctx), 0, null, null, p));
        Sink.OnCompleted += (h, e, ctx) =>
        {
            _events.Enqueue(new Raised("OC", IdOf(ctx), h, null, e, null));
            Completion(IdOf(ctx)).TrySetResult(h);
        };
    }

    public SWbemSink Sink { get; } = new();

    public IReadOnlyList<Raised> Events => [.. _events];

    public IReadOnlyList<Raised> For(object? id) => [.. _events.Where(e => Equals(e.Id, id))];

    public IReadOnlyList<SWbemObject> Objects(object? id = null) => [.. For(id).Where(e => e.Kind == "OR").Select(e => e.Object!)];

    public static SWbemNamedValueSet Context(object id)
    {
        var ctx = new SWbemNamedValueSet();
        ctx.Add("id", id);
        return ctx;
    }

    /// <summary>Waits for the call's OnCompleted and returns its hResult.</summary>
    public WbemErrorEnum Completed(object? id = null)
    {
        var task = Completion(id).Task;
        Assert.True(task.Wait(Wait), $"No OnCompleted for call {id ?? "(no context)"} within {Wait.TotalSeconds} s; raised: {Describe()}");
        return task.Result;
    }

    public bool HasCompleted(object? id = null) => Completion(id).Task.IsCompleted;

    /// <summary>Waits until <paramref name="count"/> OnObjectReady events in all were raised.</summary>
    public void WaitObjects(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (_events.Count(e => e.Kind == "OR") < count)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero && _ready.Wait(left), $"Fewer than {count} OnObjectReady within {Wait.TotalSeconds} s; raised: {Describe()}");
        }
    }

    /// <summary>Waits until an OnObjectReady matching <paramref name="match"/> arrives and returns it.</summary>
    public SWbemObject WaitObject(Func<SWbemObject, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            foreach (var e in _events)
            {
                if (e.Kind == "OR" && match(e.Object!))
                {
                    return e.Object!;
                }
            }
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"No event {what} within {Wait.TotalSeconds} s; raised: {Describe()}");
            _ready.Wait(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
        }
    }

    /// <summary>Asserts the protocol of one finished call: OnCompleted exactly once, and last.</summary>
    public void AssertOneCompletionLast(object? id = null)
    {
        var mine = For(id);
        Assert.Single(mine, e => e.Kind == "OC");
        Assert.Equal("OC", mine[^1].Kind);
    }

    public string Describe() => string.Join(", ", _events.Select(e => $"{e.Kind}({e.Id}{(e.Kind == "OC" ? ", " + e.Code : "")})"));

    private TaskCompletionSource<WbemErrorEnum> Completion(object? id) =>
        _completed.GetOrAdd(id?.ToString() ?? "", _ => new TaskCompletionSource<WbemErrorEnum>(TaskCreationOptions.RunContinuationsAsynchronously));

    private static object? IdOf(SWbemNamedValueSet? ctx) => ctx?.Item("id").Value;
}

/// <summary>
/// A namespace of its own for one test (<c>root\default\qa_…</c>), created through <c>__NAMESPACE</c> the way a
/// script does, and deleted (with all it holds) at the end.
/// </summary>
internal sealed class ScratchNamespace : IDisposable
{
    public ScratchNamespace()
    {
        Name = "qa_" + Guid.NewGuid().ToString("N")[..10];
        var parent = Scenario.Connect(@"root\default");
        var ns = parent.Get("__NAMESPACE").SpawnInstance_();
        ns.Properties_.Item("Name").Value = Name;
        ns.Put_();
        Path = @"root\default\" + Name;
        Services = Scenario.Connect(Path);
    }

    public string Name { get; }

    public string Path { get; }

    public SWbemServicesEx Services { get; }

    public void Dispose()
    {
        try
        {
            Scenario.Connect(@"root\default").Delete($"__NAMESPACE.Name=\"{Name}\"");
        }
        catch (WbemException e) when (e.ErrorCode == WbemErrorEnum.wbemErrNotFound)
        {
            // The test deleted it itself.
        }
    }
}

/// <summary>Helpers shared by the scenarios.</summary>
internal static class Scenario
{
    /// <summary>Connects exactly as a user does.</summary>
    public static SWbemServicesEx Connect(string ns = @"root\cimv2") => new SWbemLocator().ConnectServer(".", ns);

    /// <summary>Runs <paramref name="action"/> and returns the WBEM error it raised.</summary>
    public static WbemException Throws(Action action)
    {
        var e = Assert.Throws<WbemException>(action);
        Assert.Equal((int)e.ErrorCode, e.HResult);
        return e;
    }

    /// <summary>
    /// The error of an async call that may fail up front (raised, no events) or later (OnCompleted): exactly one of the two.
    /// </summary>
    public static WbemErrorEnum ErrorOf(SinkLog log, object id, Action<SWbemNamedValueSet> call)
    {
        try
        {
            call(SinkLog.Context(id));
        }
        catch (WbemException e)
        {
            Thread.Sleep(200);
            Assert.Empty(log.For(id));
            return e.ErrorCode;
        }
        var code = log.Completed(id);
        log.AssertOneCompletionLast(id);
        return code;
    }

    /// <summary>Defines <c>class Name { [key] string Name; sint32 Size; }</c> (plus <paramref name="more"/>) and stores it.</summary>
    public static SWbemObject DefineKeyedClass(SWbemServices services, string name, Action<SWbemObject>? more = null, string? superclass = null)
    {
        var cls = superclass is null ? services.Get() : services.Get(superclass).SpawnDerivedClass_();
        cls.Path_.Class = name;
        if (superclass is null)
        {
            cls.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
            cls.Properties_.Add("Size", WbemCimtypeEnum.wbemCimtypeSint32);
        }
        more?.Invoke(cls);
        cls.Put_();
        return services.Get(name);
    }

    public static SWbemObjectPath PutInstance(SWbemServices services, string cls, string name, int size, int flags = 0)
    {
        var i = services.Get(cls).SpawnInstance_();
        i.Properties_.Item("Name").Value = name;
        i.Properties_.Item("Size").Value = size;
        return i.Put_(flags);
    }

    /// <summary>Kills a process the test started, if it still runs.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or a generous deadline passes.</summary>
    public static bool Eventually(Func<bool> condition, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            Thread.Sleep(50);
        }
        return true;
    }
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Scripting.Tests.Support;

/// <summary>
/// A small in-memory namespace behind <see cref="ICimConnection"/> for exercising the scripting layer without
/// the object manager: real <see cref="CimOperation"/>s (registry, cancellation, back-pressure, exactly-once end)
/// over a fixed schema, with slow, counted and failing sources.
/// </summary>
/// <remarks>
/// Schema: <c>Base {[key] string Name; uint32 Size;}</c> ← <c>Child</c> ← <c>GrandChild</c>;
/// <c>Slow {[key] uint32 Id;}</c> streams <see cref="SlowCount"/> instances, one per <see cref="ItemDelay"/>,
/// reporting progress; <c>Gen</c> streams the provider-context <c>count</c> instances, yielding between them;
/// <c>Broken</c> fails with extended status; <c>Proc</c> has methods; <c>TestEvent</c> is an event class fed by
/// <see cref="Fire"/>.
/// </remarks>
internal sealed partial class ScriptedConnection : ICimConnection
{
    private readonly ConcurrentDictionary<string, CimClass> _classes = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<CimInstance> _instances = [];
    private readonly Lock _gate = new();
    private readonly List<CimOperation> _subscriptions = [];

    public ScriptedConnection()
    {
        var b = new CimClass("Base");
        b.AddProperty("Name", CimType.String, isKey: true);
        b.AddProperty("Size", CimType.UInt32);
        b.AddProperty("Big", CimType.UInt64);
        b.AddProperty("When", CimType.DateTime);
        b.AddProperty("Tags", CimType.String, isArray: true);
        b.Freeze();
        var child = new CimClass("Child", b);
        child.AddProperty("Extra", CimType.SInt32);
        child.Freeze();
        var grand = new CimClass("GrandChild", child);
        grand.Freeze();
        var slow = new CimClass("Slow");
        slow.AddProperty("Id", CimType.UInt32, isKey: true);
        slow.Freeze();
        var gen = new CimClass("Gen");
        gen.AddProperty("Id", CimType.UInt32, isKey: true);
        gen.Freeze();
        var broken = new CimClass("Broken");
        broken.AddProperty("Id", CimType.UInt32, isKey: true);
        broken.Freeze();
        var proc = new CimClass("Proc");
        proc.AddProperty("Handle", CimType.String, isKey: true);
        var inQ = new CimQualifierSet();
        inQ.Set(new CimQualifier("In", true, CimFlavor.None));
        inQ.Set(new CimQualifier("ID", 0, CimFlavor.None, CimType.SInt32));
        var outQ = new CimQualifierSet();
        outQ.Set(new CimQualifier("Out", true, CimFlavor.None));
        outQ.Set(new CimQualifier("ID", 1, CimFlavor.None, CimType.SInt32));
        var staticQ = new CimQualifierSet();
        staticQ.Set(new CimQualifier("Static", true, CimFlavor.None));
        proc.AddMethod(new CimMethod("Create", CimType.UInt32,
            [new CimParameter("CommandLine", CimType.String, qualifiers: inQ), new CimParameter("ProcessId", CimType.UInt32, qualifiers: outQ)], staticQ));
        proc.AddMethod(new CimMethod("Terminate", CimType.UInt32));
        var sleepIn = new CimQualifierSet();
        sleepIn.Set(new CimQualifier("In", true, CimFlavor.None));
        proc.AddMethod(new CimMethod("Sleep", CimType.UInt32, [new CimParameter("Ms", CimType.UInt32, qualifiers: sleepIn)], staticQ.Clone()));
        proc.Freeze();
        var ev = new CimClass("TestEvent");
        ev.AddProperty("Seq", CimType.UInt32);
        ev.Freeze();
        foreach (var c in new[] { b, child, grand, slow, gen, broken, proc, ev })
        {
            _classes[c.Name] = c;
        }
        AddInstance("Base", "b1", 1);
        AddInstance("Child", "c1", 2);
        AddInstance("GrandChild", "g1", 3);
        var p = proc.SpawnInstance();
        p.SetValue("Handle", "42");
        _instances.Add((CimInstance)p.WithLocation(Server, Namespace).Freeze());
    }

    public string Server => "TESTHOST";

    public string Namespace => @"root\test";

    public OperationRegistry Operations { get; } = new();

    /// <summary>Number of Slow instances.</summary>
    public int SlowCount { get; set; } = 1000;

    /// <summary>Delay between Slow instances.</summary>
    public TimeSpan ItemDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Set when the Sleep method has run to its end (side effect of a method that was cancelled client-side).</summary>
    public TaskCompletionSource SleepFinished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Count;
            }
        }
    }

    public void AddInstance(string className, string name, uint size)
    {
        var i = _classes[className].SpawnInstance();
        i.SetValue("Name", name);
        i.SetValue("Size", size);
        i.SetValue("Big", 12345678901234UL);
        lock (_gate)
        {
            _instances.Add((CimInstance)i.WithLocation(Server, Namespace).Freeze());
        }
    }

    /// <summary>Raises a TestEvent to every subscription; returns how many were reached.</summary>
    public int Fire(uint seq)
    {
        var e = _classes["TestEvent"].SpawnInstance();
        e.SetValue("Seq", seq);
        e.Freeze();
        CimOperation[] subs;
        lock (_gate)
        {
            subs = [.. _subscriptions];
        }
        return subs.Count(s => s.TryDeliver(e));
    }

    public ICimConnection OpenNamespace(string @namespace) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    [GeneratedRegex(@"^\s*SELECT\s+\*\s+FROM\s+(\w+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SelectAll();

    public CimOperation ExecQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        var op = new CimOperation(OperationKind.Query, Namespace, query, sink, Operations);
        var m = SelectAll().Match(query);
        op.Run(async o =>
        {
            if (!m.Success)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, $"Cannot parse '{query}'.");
            }
            await ProduceAsync(o, m.Groups[1].Value, shallow: false, options).ConfigureAwait(false);
        });
        return op;
    }

    public CimOperation InstancesOf(string className, CallOptions options, IOperationSink sink)
    {
        var op = new CimOperation(OperationKind.InstancesOf, Namespace, className, sink, Operations);
        op.Run(o => ProduceAsync(o, className, options.Shallow, options));
        return op;
    }

    private async Task ProduceAsync(CimOperation op, string className, bool shallow, CallOptions options)
    {
        if (!_classes.TryGetValue(className, out var cls))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"No class '{className}'.");
        }
        switch (cls.Name)
        {
            case "Slow":
                for (var i = 0; i < SlowCount; i++)
                {
                    if (ItemDelay > TimeSpan.Zero)
                    {
                        await Task.Delay(ItemDelay, op.CancellationToken).ConfigureAwait(false);
                    }
                    if (options.SendStatus)
                    {
                        op.ReportProgress(SlowCount, i, "slow");
                    }
                    var s = cls.SpawnInstance();
                    s.SetValue("Id", (uint)i);
                    if (!await op.DeliverAsync(s.Freeze()).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                return;
            case "Gen":
                var count = options.Context is { } ctx && ctx.TryGetValue("count", out var c) ? Convert.ToInt32(c, System.Globalization.CultureInfo.InvariantCulture) : 10;
                var template = (CimInstance)cls.SpawnInstance().Freeze();
                for (var i = 0; i < count; i++)
                {
                    if ((i & 7) == 7)
                    {
                        await Task.Yield();
                    }
                    if (!await op.DeliverAsync(template).ConfigureAwait(false))
                    {
                        return;
                    }
                }
                return;
            case "Broken":
                throw new WbemException(WbemErrorEnum.wbemErrProviderFailure, "The provider broke.")
                {
                    ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderFailure, "ExecQuery", "The provider broke.", "SELECT * FROM Broken", "BrokenProvider"),
                };
        }
        CimInstance[] matches;
        lock (_gate)
        {
            matches = _instances.Where(i => shallow ? CimNames.AreEqual(i.ClassName, cls.Name) : i.IsA(cls.Name)).ToArray();
        }
        foreach (var i in matches)
        {
            if (!await op.DeliverAsync(i).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    public CimOperation ExecNotificationQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink)
    {
        var m = SelectAll().Match(query);
        if (!m.Success)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, $"Cannot parse '{query}'.");
        }
        if (!CimNames.AreEqual(m.Groups[1].Value, "TestEvent"))
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotEventClass, $"'{m.Groups[1].Value}' is not an event class.");
        }
        var op = new CimOperation(OperationKind.NotificationQuery, Namespace, query, sink, Operations);
        lock (_gate)
        {
            _subscriptions.Add(op);
        }
        op.OnEnd(() =>
        {
            lock (_gate)
            {
                _subscriptions.Remove(op);
            }
        });
        op.MarkNoProducer();
        return op;
    }

    public CimOperation GetObject(string? objectPath, CallOptions options, IOperationSink sink)
    {
        CimObjectPath? path = null;
        if (!string.IsNullOrEmpty(objectPath))
        {
            path = CimObjectPath.Parse(objectPath);
        }
        var op = new CimOperation(OperationKind.Get, Namespace, objectPath, sink, Operations);
        op.Run(async o =>
        {
            await Task.Yield();
            var found = Find(path) ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{objectPath}' was not found.");
            await o.DeliverAsync(found).ConfigureAwait(false);
        });
        return op;
    }

    private CimObject? Find(CimObjectPath? path)
    {
        if (path is null)
        {
            return new CimClass("__EmptyClass");
        }
        if (!_classes.TryGetValue(path.ClassName ?? "", out var cls))
        {
            return null;
        }
        if (path.IsClass)
        {
            return cls.WithLocation(Server, Namespace);
        }
        var rel = path.WithLocation(null, null);
        lock (_gate)
        {
            return _instances.FirstOrDefault(i => i.RelativeObjectPath is { } r && (r.Equals(rel) || KeyMatch(i, rel)));
        }
    }

    private static bool KeyMatch(CimInstance i, CimObjectPath rel) =>
        rel.HasUnnamedKey && CimNames.AreEqual(i.ClassName, rel.ClassName) && i.Class.KeyIndexes.Count == 1
        && CimValue.AreEqual(i.GetValue(i.Class.KeyIndexes[0]), rel.Keys[0].Value);

    public CimOperation SubclassesOf(string? superclass, CallOptions options, IOperationSink sink)
    {
        var op = new CimOperation(OperationKind.SubclassesOf, Namespace, superclass, sink, Operations);
        op.Run(async o =>
        {
            if (superclass is not null && !_classes.ContainsKey(superclass))
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"No class '{superclass}'.");
            }
            foreach (var c in _classes.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var match = superclass is null
                    ? !options.Shallow || c.Superclass is null
                    : options.Shallow ? CimNames.AreEqual(c.SuperclassName, superclass) : c.IsA(superclass) && !CimNames.AreEqual(c.Name, superclass);
                if (match && !await o.DeliverAsync(c).ConfigureAwait(false))
                {
                    return;
                }
            }
        });
        return op;
    }

    public CimOperation Put(CimObject value, CallOptions options, IOperationSink sink)
    {
        var op = new CimOperation(OperationKind.Put, Namespace, value.RelativePath, sink, Operations);
        op.Run(async o =>
        {
            await Task.Yield();
            if (value is CimClass cls)
            {
                _classes[cls.Name] = (CimClass)cls.Freeze();
                o.ReportPut(new CimObjectPath(Server, Namespace, cls.Name));
                return;
            }
            var inst = (CimInstance)value;
            var rel = inst.RelativeObjectPath ?? throw new WbemException(WbemErrorEnum.wbemErrIllegalNull, "The instance has no key values.");
            lock (_gate)
            {
                var index = _instances.FindIndex(i => i.RelativeObjectPath is { } r && r.Equals(rel));
                if (index >= 0 && options.PutMode == PutMode.CreateOnly)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrAlreadyExists, $"'{rel}' exists.");
                }
                if (index < 0 && options.PutMode == PutMode.UpdateOnly)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{rel}' does not exist.");
                }
                var stored = (CimInstance)inst.Clone().WithLocation(Server, Namespace).Freeze();
                if (index >= 0)
                {
                    _instances[index] = stored;
                }
                else
                {
                    _instances.Add(stored);
                }
            }
            o.ReportPut(rel.WithLocation(Server, Namespace));
        });
        return op;
    }

    public CimOperation Delete(string objectPath, CallOptions options, IOperationSink sink)
    {
        var path = CimObjectPath.Parse(objectPath).WithLocation(null, null);
        var op = new CimOperation(OperationKind.Delete, Namespace, objectPath, sink, Operations);
        op.Run(async o =>
        {
            await Task.Yield();
            lock (_gate)
            {
                var index = _instances.FindIndex(i => i.RelativeObjectPath is { } r && r.Equals(path));
                if (index < 0)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{objectPath}' was not found.");
                }
                _instances.RemoveAt(index);
            }
        });
        return op;
    }

    public CimOperation ExecMethod(string objectPath, string methodName, CimObject? inParameters, CallOptions options, IOperationSink sink)
    {
        var path = CimObjectPath.Parse(objectPath);
        var op = new CimOperation(OperationKind.ExecMethod, Namespace, objectPath + "." + methodName, sink, Operations, cancelReachesSource: false);
        op.Run(async o =>
        {
            if (!_classes.TryGetValue(path.ClassName ?? "", out var cls))
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"No class '{path.ClassName}'.");
            }
            var method = cls.Methods.Find(methodName) ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidMethod, $"No method '{methodName}'.");
            var outParams = method.OutParameters!.SpawnInstance();
            switch (method.Name)
            {
                case "Create":
                    var cmd = inParameters?.GetValue("CommandLine") as string;
                    outParams.SetValue("ProcessId", (uint)(cmd?.Length ?? 0) + 1000);
                    outParams.SetValue("ReturnValue", 0u);
                    break;
                case "Terminate":
                    outParams.SetValue("ReturnValue", 5u);
                    break;
                case "Sleep":
                    var ms = inParameters?.GetValue("Ms") is uint u ? (int)u : 0;
                    await Task.Delay(ms).ConfigureAwait(false);
                    SleepFinished.TrySetResult();
                    outParams.SetValue("ReturnValue", 0u);
                    break;
            }
            await o.DeliverAsync(outParams.Freeze()).ConfigureAwait(false);
        });
        return op;
    }

    public CimOperation AssociatorsOf(string objectPath, AssociatorsFilter filter, CallOptions options, IOperationSink sink)
    {
        var op = new CimOperation(OperationKind.AssociatorsOf, Namespace, objectPath, sink, Operations);
        op.Run(_ => Task.CompletedTask);
        return op;
    }

    public CimOperation ReferencesTo(string objectPath, ReferencesFilter filter, CallOptions options, IOperationSink sink)
    {
        var op = new CimOperation(OperationKind.ReferencesTo, Namespace, objectPath, sink, Operations);
        op.Run(_ => Task.CompletedTask);
        return op;
    }
}

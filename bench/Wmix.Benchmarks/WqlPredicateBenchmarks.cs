using BenchmarkDotNet.Attributes;
using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Benchmarks;

/// <summary>Compiled WHERE evaluation (target: under 100 ns for three terms, no allocation) and compile cost.</summary>
[MemoryDiagnoser]
public class WqlPredicateBenchmarks
{
    private const string ThreeTerms = "SELECT * FROM Win32_Process WHERE Name = 'x' AND ProcessId > 10 OR Priority = 8";

    private const string EventFilter =
        "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process' AND TargetInstance.Name LIKE 'x%'";

    private CimClass _process = null!;
    private CimClass _event = null!;
    private WqlExpression _where = null!;
    private WqlExpression _eventWhere = null!;
    private WqlPredicate _predicate = null!;
    private WqlPredicate _untyped = null!;
    private WqlPredicate _eventPredicate = null!;
    private CimInstance _matching = null!;
    private CimInstance _nonMatching = null!;
    private CimInstance _subclassMatching = null!;
    private CimInstance _eventObject = null!;

    /// <summary>Builds the classes, instances and predicates.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var process = new CimClass("Win32_Process");
        process.AddProperty("Handle", CimType.String, isKey: true);
        process.AddProperty("Name", CimType.String);
        process.AddProperty("ProcessId", CimType.UInt32);
        process.AddProperty("Priority", CimType.UInt32);
        process.AddProperty("CommandLine", CimType.String);
        _process = (CimClass)process.Freeze();
        var sub = new CimClass("Wmix_Process", _process);
        sub.AddProperty("Cgroup", CimType.String);
        var subclass = (CimClass)sub.Freeze();

        var ev = new CimClass("__InstanceCreationEvent");
        ev.AddProperty("TIME_CREATED", CimType.UInt64);
        ev.AddProperty(new CimProperty("TargetInstance", CimType.Object));
        _event = (CimClass)ev.Freeze();

        _where = ((WqlSelectQuery)WqlParser.Parse(ThreeTerms)).Where!;
        _eventWhere = ((WqlEventQuery)WqlParser.Parse(EventFilter, WqlQueryKind.Event)).Where!;
        _predicate = WqlPredicate.Compile(_where, _process);
        _untyped = WqlPredicate.Compile(_where, null);
        _eventPredicate = WqlPredicate.Compile(_eventWhere, _event);

        // Name matches and ProcessId does not, so all three terms run; the last one decides.
        _matching = Spawn(_process, "x", 5, 8);
        _nonMatching = Spawn(_process, "x", 5, 4);
        _subclassMatching = Spawn(subclass, "x", 5, 8);
        _eventObject = _event.SpawnInstance();
        _eventObject["TargetInstance"] = _subclassMatching;
        _eventObject["TIME_CREATED"] = 1UL;
        _eventObject.Freeze();
    }

    private static CimInstance Spawn(CimClass cls, string name, uint pid, uint priority)
    {
        var instance = cls.SpawnInstance();
        instance["Handle"] = pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        instance["Name"] = name;
        instance["ProcessId"] = pid;
        instance["Priority"] = priority;
        instance.Freeze();
        return instance;
    }

    /// <summary>The three-term WHERE on a matching instance (all three terms run).</summary>
    [Benchmark(Baseline = true)]
    public bool EvaluateMatching() => _predicate.Evaluate(_matching);

    /// <summary>The three-term WHERE on a non-matching instance.</summary>
    [Benchmark]
    public bool EvaluateNonMatching() => _predicate.Evaluate(_nonMatching);

    /// <summary>Compiled for the base class, evaluated on a subclass instance.</summary>
    [Benchmark]
    public bool EvaluateSubclass() => _predicate.Evaluate(_subclassMatching);

    /// <summary>Compiled without a class: every property found by name.</summary>
    [Benchmark]
    public bool EvaluateUntyped() => _untyped.Evaluate(_matching);

    /// <summary>The typical event filter: ISA plus LIKE through TargetInstance.</summary>
    [Benchmark]
    public bool EvaluateEventFilter() => _eventPredicate.Evaluate(_eventObject);

    /// <summary>Compiling the three-term WHERE against its class.</summary>
    [Benchmark]
    public WqlPredicate Compile() => WqlPredicate.Compile(_where, _process);
}

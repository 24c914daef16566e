using Wmix.Cim;

namespace Wmix.Wql.Tests.Evaluation;

/// <summary>Classes and instances the evaluator tests run against.</summary>
internal static class EvalSchema
{
    /// <summary>A class with one property of every CIM type (and an array and an embedded object).</summary>
    public static readonly CimClass All = CreateAll();

    /// <summary>A subclass of <see cref="All"/> adding one property.</summary>
    public static readonly CimClass AllSub = CreateAllSub();

    /// <summary>An unrelated class with a few same-named properties of other types.</summary>
    public static readonly CimClass Other = CreateOther();

    /// <summary>Win32_Process-like class for the 3-term benchmark query.</summary>
    public static readonly CimClass Process = CreateProcess();

    /// <summary>Base / Derived / Derived2 for ISA.</summary>
    public static readonly CimClass Base = Freeze(Build("Base", null, c => c.AddProperty("Size", CimType.UInt32)));

    public static readonly CimClass Derived = Freeze(Build("Derived", Base, c => c.AddProperty("Extra", CimType.String)));

    public static readonly CimClass Derived2 = Freeze(Build("Derived2", Derived, _ => { }));

    public static readonly CimClass Unrelated = Freeze(Build("Unrelated", null, c => c.AddProperty("Size", CimType.UInt32)));

    /// <summary>An event-like class: TargetInstance object, TIME_CREATED uint64.</summary>
    public static readonly CimClass Event = Freeze(Build("__InstanceCreationEvent", null, c =>
    {
        c.AddProperty("TIME_CREATED", CimType.UInt64);
        c.AddProperty(new CimProperty("TargetInstance", CimType.Object));
        c.AddProperty(new CimProperty("PreviousInstance", CimType.Object));
        c.AddProperty("Sender", CimType.String);
        c.AddProperty("Tags", CimType.String, isArray: true);
    }));

    public static readonly string[] ScalarNames =
    [
        "S8", "U8", "S16", "U16", "S32", "U32", "S64", "U64", "R32", "R64", "B", "Str", "C16", "Dt", "Ref",
    ];

    public static CimInstance New(CimClass cls, params (string Name, object? Value)[] values)
    {
        var instance = cls.SpawnInstance();
        foreach (var (name, value) in values)
        {
            instance[name] = value;
        }
        return instance;
    }

    public static CimInstance Process1(string name = "bash", uint pid = 42, uint priority = 8) =>
        New(Process, ("Name", name), ("ProcessId", pid), ("Priority", priority));

    private static CimClass CreateAll() => Freeze(Build("EvalAll", null, c =>
    {
        c.AddProperty("Id", CimType.UInt32, isKey: true);
        c.AddProperty("S8", CimType.SInt8);
        c.AddProperty("U8", CimType.UInt8);
        c.AddProperty("S16", CimType.SInt16);
        c.AddProperty("U16", CimType.UInt16);
        c.AddProperty("S32", CimType.SInt32);
        c.AddProperty("U32", CimType.UInt32);
        c.AddProperty("S64", CimType.SInt64);
        c.AddProperty("U64", CimType.UInt64);
        c.AddProperty("R32", CimType.Real32);
        c.AddProperty("R64", CimType.Real64);
        c.AddProperty("B", CimType.Boolean);
        c.AddProperty("Str", CimType.String);
        c.AddProperty("C16", CimType.Char16);
        c.AddProperty("Dt", CimType.DateTime);
        c.AddProperty(new CimProperty("Ref", CimType.Reference, referenceClassName: "Base"));
        c.AddProperty(new CimProperty("Emb", CimType.Object));
        c.AddProperty("Arr", CimType.UInt32, isArray: true);
    }));

    private static CimClass CreateAllSub() => Freeze(Build("EvalAllSub", All, c => c.AddProperty("More", CimType.SInt32)));

    private static CimClass CreateOther() => Freeze(Build("EvalOther", null, c =>
    {
        c.AddProperty("Str", CimType.UInt32);
        c.AddProperty("U32", CimType.String);
    }));

    private static CimClass CreateProcess() => Freeze(Build("Win32_Process", null, c =>
    {
        c.AddProperty("Handle", CimType.String, isKey: true);
        c.AddProperty("Name", CimType.String);
        c.AddProperty("ProcessId", CimType.UInt32);
        c.AddProperty("Priority", CimType.UInt32);
        c.AddProperty("CreationDate", CimType.DateTime);
    }));

    private static CimClass Build(string name, CimClass? parent, Action<CimClass> add)
    {
        var c = new CimClass(name, parent);
        add(c);
        return c;
    }

    private static CimClass Freeze(CimClass c) => (CimClass)c.Freeze();
}

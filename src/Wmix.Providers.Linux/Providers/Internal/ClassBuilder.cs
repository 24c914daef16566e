using Wmix.Cim;

namespace Wmix.Providers.Linux.Providers.Internal;

/// <summary>A terse way to write WMI class definitions (names, types, keys and qualifiers as WMI's schema has them).</summary>
internal sealed class ClassBuilder
{
    private readonly CimClass _class;

    public ClassBuilder(string name, CimClass? parent = null) => _class = new CimClass(name, parent);

    /// <summary>A stand-in for a system class the engine installs (only its name matters: the engine rebases on it).</summary>
    public static CimClass SystemParent(string name, string? parent = null) =>
        (CimClass)new CimClass(name, parent is null ? null : SystemParent(parent)).Freeze();

    public ClassBuilder Abstract() => Q("Abstract", true);

    public ClassBuilder Association() => Q("Association", true);

    public ClassBuilder Singleton() => Q("Singleton", true);

    public ClassBuilder Q(string name, object value)
    {
        _class.Qualifiers.Set(name, value);
        return this;
    }

    /// <summary>A WMI key property (<c>Key</c> qualifier).</summary>
    public ClassBuilder Key(string name, CimType type = CimType.String)
    {
        _class.AddProperty(name, type, isKey: true);
        return this;
    }

    /// <summary>A property CIM marks as key but WMI does not use in paths (<c>CIM_Key</c>).</summary>
    public ClassBuilder CimKey(string name)
    {
        var q = new CimQualifierSet();
        q.Set(new CimQualifier("CIM_Key", true));
        _class.AddProperty(new CimProperty(name, CimType.String, qualifiers: q));
        return this;
    }

    public ClassBuilder P(string name, CimType type, bool array = false, string? units = null)
    {
        var q = new CimQualifierSet();
        if (units is not null)
        {
            q.Set(new CimQualifier("Units", units));
        }
        _class.AddProperty(new CimProperty(name, type, array, qualifiers: q));
        return this;
    }

    public ClassBuilder S(params string[] names)
    {
        foreach (var n in names)
        {
            P(n, CimType.String);
        }
        return this;
    }

    public ClassBuilder U16(params string[] names) => Many(CimType.UInt16, names);

    public ClassBuilder U32(params string[] names) => Many(CimType.UInt32, names);

    public ClassBuilder U64(params string[] names) => Many(CimType.UInt64, names);

    public ClassBuilder Bool(params string[] names) => Many(CimType.Boolean, names);

    public ClassBuilder DateTime(params string[] names) => Many(CimType.DateTime, names);

    /// <summary>A reference property (an association end, keyed as WMI's associations are).</summary>
    public ClassBuilder Ref(string name, string className, bool key = true)
    {
        var q = new CimQualifierSet();
        if (key)
        {
            q.Set(new CimQualifier("Key", true, CimFlavor.ToSubclass | CimFlavor.DisableOverride));
        }
        _class.AddProperty(new CimProperty(name, CimType.Reference, referenceClassName: className, qualifiers: q));
        return this;
    }

    public ClassBuilder Method(string name, CimType returnType, bool isStatic, params CimParameter[] parameters)
    {
        var q = new CimQualifierSet();
        q.Set(new CimQualifier("Implemented", true));
        if (isStatic)
        {
            q.Set(new CimQualifier("Static", true));
        }
        _class.AddMethod(new CimMethod(name, returnType, parameters, q));
        return this;
    }

    public static CimParameter In(string name, CimType type, int id, string? className = null) =>
        Param(name, type, id, input: true, className);

    public static CimParameter Out(string name, CimType type, int id, string? className = null) =>
        Param(name, type, id, input: false, className);

    private static CimParameter Param(string name, CimType type, int id, bool input, string? className)
    {
        var q = new CimQualifierSet();
        q.Set(new CimQualifier(input ? "In" : "Out", true, CimFlavor.None));
        q.Set(new CimQualifier("ID", id, CimFlavor.None, CimType.SInt32));
        return new CimParameter(name, type, referenceClassName: className, qualifiers: q);
    }

    private ClassBuilder Many(CimType type, string[] names)
    {
        foreach (var n in names)
        {
            P(n, type);
        }
        return this;
    }

    public CimClass Build() => (CimClass)_class.Freeze();
}

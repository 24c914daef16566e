using Wmix.Cim;

namespace Wmix.Repository.Tests;

/// <summary>
/// Builds random, valid CIM classes and instances from a seed: every CIM type, arrays, edge numbers, unicode (lone
/// surrogates included), datetimes and intervals, references, embedded instances and classes, derived classes that
/// override, re-default and re-qualify inherited elements, and instances with their own qualifiers.
/// </summary>
internal sealed class ObjectBuilder(int seed)
{
    private static readonly CimType[] s_types =
    [
        CimType.SInt8, CimType.UInt8, CimType.SInt16, CimType.UInt16, CimType.SInt32, CimType.UInt32, CimType.SInt64,
        CimType.UInt64, CimType.Real32, CimType.Real64, CimType.Boolean, CimType.String, CimType.DateTime,
        CimType.Reference, CimType.Char16, CimType.Object,
    ];

    private static readonly CimFlavor[] s_flavors =
    [
        CimFlavor.None, CimFlavor.ToSubclass, CimFlavor.ToInstance, CimFlavor.ToSubclass | CimFlavor.ToInstance,
        CimFlavor.ToSubclass | CimFlavor.DisableOverride, CimFlavor.Amended | CimFlavor.ToSubclass, CimFlavor.ToInstance | CimFlavor.Amended,
    ];

    private readonly Random _random = new(seed);
    private int _names;

    public int Seed { get; } = seed;

    public bool Chance(int percent) => _random.Next(100) < percent;

    public int Next(int max) => _random.Next(max);

    /// <summary>A fresh identifier, sometimes with non-ASCII letters.</summary>
    public string Name(string prefix)
    {
        _names++;
        return Chance(15) ? $"{prefix}é{_names}ß" : $"{prefix}{_names}";
    }

    /// <summary>A class hierarchy of 1–3 levels; returns the chain root first.</summary>
    public List<CimClass> Hierarchy(int maxDepth = 3, int depth = 0)
    {
        var chain = new List<CimClass>();
        CimClass? parent = null;
        var levels = 1 + Next(maxDepth);
        for (var i = 0; i < levels; i++)
        {
            parent = Class(parent, depth);
            chain.Add(parent);
        }
        return chain;
    }

    public CimClass Class(CimClass? parent, int depth = 0)
    {
        var cls = new CimClass(Name("Cls"), parent);
        foreach (var q in Qualifiers(depth))
        {
            cls.Qualifiers.Set(q);
        }
        if (parent is not null)
        {
            // Re-qualify, remove or re-value inherited class qualifiers.
            if (cls.Qualifiers.Count > 0 && Chance(30))
            {
                cls.Qualifiers.Remove(cls.Qualifiers[Next(cls.Qualifiers.Count)].Name);
            }
            foreach (var p in cls.Properties.ToArray())
            {
                if (Chance(25))
                {
                    TryOverride(cls, p, depth);
                }
                else if (Chance(20))
                {
                    cls.SetValue(p.Name, Value(p.Type, p.IsArray, depth));
                }
                else if (Chance(15))
                {
                    cls.FindProperty(p.Name)!.Qualifiers.Set(Qualifier(depth));
                }
            }
            foreach (var m in cls.Methods.ToArray())
            {
                if (Chance(25))
                {
                    try
                    {
                        cls.AddMethod(new CimMethod(m.Name, m.ReturnType, m.Parameters, new CimQualifierSet(Qualifiers(depth))));
                    }
                    catch (WbemException)
                    {
                        // A DisableOverride qualifier changed: the model refuses it, and so do we.
                    }
                }
                else if (Chance(15))
                {
                    m.Qualifiers.Set(Qualifier(depth));
                }
            }
        }
        var count = Next(7);
        for (var i = 0; i < count; i++)
        {
            var type = s_types[Next(s_types.Length)];
            var isArray = Chance(30);
            var qualifiers = new CimQualifierSet(Qualifiers(depth));
            if (i == 0 && parent is null && type.CanBeKey() && !isArray && Chance(50))
            {
                qualifiers.Set(new CimQualifier("Key", true, CimFlavor.ToSubclass | CimFlavor.DisableOverride));
            }
            var referenceClass = type is CimType.Reference or CimType.Object && Chance(60) ? Name("Ref") : null;
            var value = Chance(50) ? Value(type, isArray, depth) : null;
            cls.AddProperty(new CimProperty(Name("P"), type, isArray, value, referenceClass, qualifiers));
        }
        var methods = Next(3);
        for (var i = 0; i < methods; i++)
        {
            var parameters = new List<CimParameter>();
            var pc = Next(4);
            for (var j = 0; j < pc; j++)
            {
                var type = s_types[Next(s_types.Length)];
                var pq = new CimQualifierSet();
                pq.Set(new CimQualifier(Chance(50) ? "In" : "Out", true, CimFlavor.ToSubclass | CimFlavor.DisableOverride));
                pq.Set(new CimQualifier("ID", j, CimFlavor.None, CimType.SInt32));
                parameters.Add(new CimParameter(Name("arg"), type, Chance(20), type is CimType.Reference or CimType.Object ? Name("R") : null, pq));
            }
            var returnType = Chance(30) ? CimType.None : s_types[Next(s_types.Length - 1)];
            cls.AddMethod(new CimMethod(Name("M"), returnType, parameters, new CimQualifierSet(Qualifiers(depth))));
        }
        cls.Freeze();
        return cls;
    }

    private void TryOverride(CimClass cls, CimProperty p, int depth)
    {
        try
        {
            cls.AddProperty(new CimProperty(p.Name, p.Type, p.IsArray, Chance(50) ? Value(p.Type, p.IsArray, depth) : p.Value,
                Chance(30) ? Name("Over") : null, new CimQualifierSet(Qualifiers(depth))));
        }
        catch (WbemException)
        {
            // Overriding a DisableOverride qualifier: not a valid class, skip.
        }
    }

    public IEnumerable<CimQualifier> Qualifiers(int depth)
    {
        var count = Next(4);
        for (var i = 0; i < count; i++)
        {
            yield return Qualifier(depth);
        }
    }

    public CimQualifier Qualifier(int depth)
    {
        var name = Name("Q");
        var flavor = s_flavors[Next(s_flavors.Length)];
        // Qualifiers hold neither references nor embedded objects in practice; the codec writes any value anyway.
        CimType[] types = [CimType.Boolean, CimType.String, CimType.SInt32, CimType.UInt64, CimType.Real64, CimType.DateTime, CimType.Char16, CimType.SInt8];
        var type = types[Next(types.Length)];
        var isArray = Chance(25);
        return new CimQualifier(name, Chance(10) ? null : Value(type, isArray, depth + 10), flavor, type, isArray);
    }

    /// <summary>An instance of <paramref name="cls"/> with random values (some null over a default), maybe own qualifiers.</summary>
    public CimInstance Instance(CimClass cls, int depth = 0)
    {
        var instance = cls.SpawnInstance();
        for (var i = 0; i < cls.Properties.Count; i++)
        {
            var p = cls.Properties[i];
            if (Chance(75))
            {
                instance.SetValue(i, Chance(10) ? null : Value(p.Type, p.IsArray, depth));
            }
        }
        if (Chance(15))
        {
            instance.Qualifiers.Set(Qualifier(depth));
        }
        if (Chance(10))
        {
            instance.WithLocation(Chance(50) ? "srv" : null, "root\\test");
        }
        instance.Freeze();
        return instance;
    }

    public object? Value(CimType type, bool isArray, int depth)
    {
        if (!isArray)
        {
            return Scalar(type, depth);
        }
        var length = Chance(10) ? 0 : Next(5);
        var array = CimValue.CreateArray(type, length);
        for (var i = 0; i < length; i++)
        {
            array.SetValue(Scalar(type, depth), i);
        }
        return array;
    }

    public object Scalar(CimType type, int depth) => type switch
    {
        CimType.SInt8 => (sbyte)Edge(sbyte.MinValue, sbyte.MaxValue),
        CimType.UInt8 => (byte)Edge(0, byte.MaxValue),
        CimType.SInt16 => (short)Edge(short.MinValue, short.MaxValue),
        CimType.UInt16 => (ushort)Edge(0, ushort.MaxValue),
        CimType.SInt32 => (int)Edge(int.MinValue, int.MaxValue),
        CimType.UInt32 => (uint)Edge(0, uint.MaxValue),
        CimType.SInt64 => Chance(20) ? (Chance(50) ? long.MinValue : long.MaxValue) : _random.NextInt64(long.MinValue, long.MaxValue),
        CimType.UInt64 => Chance(20) ? ulong.MaxValue : (ulong)_random.NextInt64(),
        CimType.Real32 => Next(8) switch
        {
            0 => -0f,
            1 => float.NaN,
            2 => float.PositiveInfinity,
            3 => float.Epsilon,
            4 => BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00001)), // NaN with a payload
            _ => (float)(_random.NextDouble() * 1e6 - 5e5),
        },
        CimType.Real64 => Next(8) switch
        {
            0 => -0.0,
            1 => double.NaN,
            2 => double.NegativeInfinity,
            3 => double.MaxValue,
            4 => BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000123)),
            _ => _random.NextDouble() * 1e300,
        },
        CimType.Boolean => Chance(50),
        CimType.Char16 => Chance(20) ? (char)0xD800 : (char)Next(0x10000),
        CimType.String => Text(),
        CimType.DateTime => DateTime(),
        CimType.Reference => Chance(50) ? $"{Name("C")}.Key=\"{Text().Replace("\"", "", StringComparison.Ordinal)}\"" : $"\\\\srv\\root\\cimv2:{Name("C")}=@",
        CimType.Object => depth >= 2 ? Instance(Class(null, depth + 1), depth + 1) : Chance(80) ? Instance(Hierarchy(2, depth + 1)[^1], depth + 1) : Class(null, depth + 1),
        _ => throw new InvalidOperationException(type.ToString()),
    };

    private long Edge(long min, long max) => Next(6) switch
    {
        0 => min,
        1 => max,
        2 => 0,
        _ => _random.NextInt64(min, max),
    };

    private string Text() => Next(6) switch
    {
        0 => "",
        1 => "plain ascii",
        2 => "ünïcödé ✓ 日本語 🙂",
        3 => "lone \uD800 surrogate \uDC00",
        4 => "\0nul\tand\r\ncontrols\"'\\",
        _ => new string(Enumerable.Range(0, Next(40)).Select(_ => (char)Next(0x10000)).ToArray()),
    };

    private string DateTime()
    {
        if (Chance(30))
        {
            return CimDateTime.CreateInterval(Next(100_000_000), Next(24), Next(60), Next(60), Next(1_000_000)).ToString();
        }
        return CimDateTime.CreatePoint(Next(10000), 1 + Next(12), 1 + Next(28), Next(24), Next(60), Next(60), Next(1_000_000),
            Chance(20) ? null : Next(1999) - 999).ToString();
    }
}

using CsCheck;

namespace Wmix.Cim.Tests.Mof;

/// <summary>Generated classes and instances survive GetObjectText → MofCompiler → CompareTo.</summary>
public sealed class MofRoundTripPropertyTests
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly CimClass s_base = BuildBase();
    private static readonly CimClass s_part = BuildPart();

    private static readonly CimType[] s_types =
    [
        CimType.SInt8, CimType.UInt8, CimType.SInt16, CimType.UInt16, CimType.SInt32, CimType.UInt32, CimType.SInt64, CimType.UInt64,
        CimType.Real32, CimType.Real64, CimType.Boolean, CimType.String, CimType.Char16, CimType.DateTime, CimType.Reference, CimType.Object,
    ];

    private static readonly Gen<CimType> s_type = Gen.Int[0, s_types.Length - 1].Select(i => s_types[i]);

    private static readonly Gen<string> s_name =
        Gen.Select(Gen.Char[Letters + "_"], Gen.Char[Letters + "0123456789_"].Array[0, 10], (first, rest) => first + new string(rest));

    private static readonly Gen<string> s_text = Gen.OneOf(
        Gen.Char["abcXYZ019 \"'\\{}[];,=$#/*\t\n\r\b\f\u0001\u007fé€\u263A"].Array[0, 16].Select(a => new string(a)),
        Gen.String,
        Gen.OneOf("", "//", "/*", "*/", "\"", "\\", "instance of", "$Alias"));

    private static readonly Gen<string> s_dateTime = Gen.OneOf(
        Gen.Select(Gen.Int[1, 9999], Gen.Int[1, 12], Gen.Int[1, 28], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 999999], Gen.Int[-720, 720],
            (y, mo, d, h, mi, us, off) => $"{y:D4}{mo:D2}{d:D2}{h:D2}{mi:D2}{mi:D2}.{us:D6}{(off < 0 ? '-' : '+')}{Math.Abs(off):D3}"),
        Gen.Select(Gen.Int[0, 99999999], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 999999],
            (d, h, m, us) => $"{d:D8}{h:D2}{m:D2}{m:D2}.{us:D6}:000"));

    private static Gen<object> Scalar(CimType type) => type switch
    {
        CimType.SInt8 => Gen.SByte.Select(v => (object)v),
        CimType.UInt8 => Gen.Byte.Select(v => (object)v),
        CimType.SInt16 => Gen.Short.Select(v => (object)v),
        CimType.UInt16 => Gen.UShort.Select(v => (object)v),
        CimType.SInt32 => Gen.Int.Select(v => (object)v),
        CimType.UInt32 => Gen.UInt.Select(v => (object)v),
        CimType.SInt64 => Gen.Long.Select(v => (object)v),
        CimType.UInt64 => Gen.ULong.Select(v => (object)v),
        CimType.Real32 => Gen.Float.Where(float.IsFinite).Select(v => (object)v),
        CimType.Real64 => Gen.Double.Where(double.IsFinite).Select(v => (object)v),
        CimType.Boolean => Gen.Bool.Select(v => (object)v),
        CimType.Char16 => Gen.Char.Select(v => (object)v),
        CimType.DateTime => s_dateTime.Select(v => (object)v),
        CimType.Reference => s_text.Select(v => (object)new CimObjectPath(null, null, "Gen_Part", [new CimKeyBinding("Name", v)]).ToString()),
        CimType.Object => s_text.Select(v =>
        {
            var part = s_part.SpawnInstance();
            part["Name"] = v;
            return (object)part.Freeze();
        }),
        _ => s_text.Select(v => (object)v),
    };

    private static Gen<object?> Value(CimType type, bool isArray) => isArray
        ? Scalar(type).Array[0, 4].Select(a => (object?)CimValue.Convert(a, type, true))
        : Scalar(type).Select(v => (object?)v);

    private static readonly Gen<CimQualifier> s_anyScopeQualifier = Gen.OneOf(
        s_text.Select(v => new CimQualifier("Description", v, CimQualifier.DefaultFlavor("Description"), CimType.String)),
        s_text.Array[1, 3].Select(v => new CimQualifier("ModelCorrespondence", v, CimFlavor.ToSubclass | CimFlavor.ToInstance | CimFlavor.Amended, CimType.String, isArray: true)),
        Gen.Const(new CimQualifier("Deprecated", new[] { "x" }, CimFlavor.ToSubclass, CimType.String, isArray: true)));

    private static readonly Gen<CimQualifier> s_propertyQualifier = Gen.OneOf(
        s_anyScopeQualifier,
        Gen.UInt.Select(v => new CimQualifier("MaxLen", v, CimFlavor.ToSubclass, CimType.UInt32)),
        s_text.Array[0, 3].Select(v => new CimQualifier("ValueMap", v, CimFlavor.ToSubclass, CimType.String, isArray: true)),
        Gen.Bool.Select(v => new CimQualifier("Required", v, CimQualifier.DefaultFlavor("Required"), CimType.Boolean)),
        Gen.Long.Select(v => new CimQualifier("MaxValue", v, CimFlavor.DisableOverride, CimType.SInt64)));

    private static readonly Gen<CimQualifier> s_referenceQualifier = Gen.OneOf(
        s_anyScopeQualifier,
        Gen.Bool.Select(v => new CimQualifier("Required", v, CimQualifier.DefaultFlavor("Required"), CimType.Boolean)),
        Gen.UInt.Select(v => new CimQualifier("Max", v, CimFlavor.None, CimType.UInt32)));

    private static Gen<CimQualifierSet> Qualifiers(Gen<CimQualifier> qualifier) =>
        qualifier.Array[0, 3].Select(qs => new CimQualifierSet(qs));

    private sealed record PropertySpec(string Name, CimType Type, bool IsArray, object? Default, CimQualifierSet Qualifiers);

    private static readonly Gen<PropertySpec> s_property =
        from name in s_name
        from type in s_type
        from isArray in Gen.Bool
        from hasDefault in Gen.Bool
        from value in Value(type, isArray)
        from qualifiers in Qualifiers(type == CimType.Reference ? s_referenceQualifier : s_propertyQualifier)
        select new PropertySpec(name, type, isArray, hasDefault ? value : null, qualifiers);

    private static readonly Gen<CimParameter> s_parameter =
        from name in s_name
        from type in s_type
        from isArray in Gen.Bool
        from direction in Gen.Int[0, 2]
        select new CimParameter(name, type, isArray, type is CimType.Reference or CimType.Object ? "Gen_Part" : null,
            new CimQualifierSet(direction switch
            {
                0 => [new CimQualifier("In", true, CimQualifier.DefaultFlavor("In"))],
                1 => [new CimQualifier("Out", true, CimQualifier.DefaultFlavor("Out"))],
                _ => [new CimQualifier("In", true, CimQualifier.DefaultFlavor("In")), new CimQualifier("Out", true, CimQualifier.DefaultFlavor("Out"))],
            }));

    private static readonly Gen<CimClass> s_class =
        from name in s_name
        from derived in Gen.Bool
        from properties in s_property.Array[0, 8]
        from methods in Gen.Select(s_name, Gen.Int[0, 3].Select(i => new[] { CimType.None, CimType.UInt32, CimType.String, CimType.Boolean }[i]), s_parameter.Array[0, 3]).Array[0, 2]
        from classQualifiers in Qualifiers(s_anyScopeQualifier)
        select BuildClass("Gen_" + name, derived, properties, methods, classQualifiers);

    private static CimClass BuildClass(string name, bool derived, PropertySpec[] properties, (string, CimType, CimParameter[])[] methods, CimQualifierSet classQualifiers)
    {
        var cls = new CimClass(name, derived ? s_base : null);
        foreach (var q in classQualifiers)
        {
            cls.Qualifiers.Set(q);
        }
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Name", "Base_Value" };
        foreach (var p in properties)
        {
            if (!used.Add(p.Name))
            {
                continue;
            }
            var refClass = p.Type is CimType.Reference or CimType.Object ? "Gen_Part" : null;
            cls.AddProperty(new CimProperty(p.Name, p.Type, p.IsArray, p.Default, refClass, p.Qualifiers));
        }
        foreach (var (methodName, returnType, parameters) in methods)
        {
            if (used.Add(methodName) && parameters.Select(a => a.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() == parameters.Length)
            {
                cls.AddMethod(new CimMethod(methodName, returnType, parameters));
            }
        }
        return (CimClass)cls.Freeze();
    }

    private static MofCompiler CompilerFor(params CimClass[] known) => new(MofCompilerOptions.Default with
    {
        ClassResolver = (_, name) => known.FirstOrDefault(c => CimNames.AreEqual(c.Name, name)),
    });

    [Fact]
    public void GeneratedClass_RoundTrips()
    {
        s_class.Sample(cls =>
        {
            var text = cls.GetObjectText();
            var copy = CompilerFor(s_base, s_part).Compile(text).Classes.Single().Class;
            Assert.True(copy.CompareTo(cls), text + "\n---\n" + copy.GetObjectText());
        }, iter: 300);
    }

    [Fact]
    public void GeneratedInstance_RoundTrips()
    {
        var gen =
            from cls in s_class.Where(c => !c.IsAbstract)
            from values in InstanceValues(cls)
            select (cls, values);
        gen.Sample((cls, values) =>
        {
            var instance = cls.SpawnInstance();
            for (var i = 0; i < values.Length; i++)
            {
                instance.SetValue(i, values[i]);
            }
            instance.Freeze();
            var text = instance.GetObjectText();
            var copy = CompilerFor(s_base, s_part, cls).Compile(text).Instances.Single().Instance;
            Assert.True(copy.CompareTo(instance), text + "\n---\n" + copy.GetObjectText());
        }, iter: 300);
    }

    private static Gen<object?[]> InstanceValues(CimClass cls)
    {
        var gen = Gen.Const(Array.Empty<object?>());
        foreach (var p in cls.Properties)
        {
            var value = Value(p.Type, p.IsArray);
            gen = from previous in gen
                  from set in Gen.Bool
                  from v in value
                  select (object?[])[.. previous, set ? v : null];
        }
        return gen;
    }

    private static CimClass BuildBase()
    {
        var b = new CimClass("Gen_Base");
        b.Qualifiers.Set("Description", "base");
        b.AddProperty("Name", CimType.String);
        b.AddProperty("Base_Value", CimType.UInt32, value: 5u);
        return (CimClass)b.Freeze();
    }

    private static CimClass BuildPart()
    {
        var p = new CimClass("Gen_Part");
        p.AddProperty("Name", CimType.String, isKey: true);
        return (CimClass)p.Freeze();
    }
}

using System.Text;
using System.Xml;
using CsCheck;
using Wmix.Cim;
using Wmix.Remote.Protocol;
using Wmix.Remote.Tests.Support;

namespace Wmix.Remote.Tests.Protocol;

/// <summary>
/// Generated classes, instances, selectors and envelopes survive the codec: write → hardened read → CompareTo.
/// Generators follow Wmix.Cim's MOF round-trip tests, limited to what XML 1.0 can carry (no C0 controls but
/// tab/LF/CR, no lone surrogates), with empty arrays normalised to NULL (DSP0230: an empty array writes nothing).
/// </summary>
public sealed class CodecRoundTripPropertyTests
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
        Gen.Char["abcXYZ019 \"'\\{}[];,=$#/*<>&\t\n\r\u007fé€\u263A"].Array[0, 16].Select(a => new string(a)),
        Gen.String.Where(IsXmlText),
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
        CimType.Char16 => Gen.Char.Where(c => IsXmlText(c.ToString())).Select(v => (object)v),
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
        select new PropertySpec(name, type, isArray, hasDefault && type != CimType.Object ? value : null, qualifiers);

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

    private static bool IsXmlText(string s)
    {
        try
        {
            XmlConvert.VerifyXmlChars(s);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static readonly CimXmlWriteOptions s_write = new(@"root\test");

    private static CimXmlReadContext ReadContext(params CimClass[] known) => new(@"root\test", new DictionaryResolver(known));

    private static byte[] WriteObject(CimObject value, CimXmlWriteOptions options)
    {
        using var ms = new MemoryStream();
        using (var w = WsManXml.CreateWriter(ms))
        {
            CimInstanceXml.WriteObject(w, value, options);
        }
        return ms.ToArray();
    }

    private static CimObject ReadObject(byte[] xml, CimXmlReadContext context)
    {
        using var r = WsManXml.CreateReader(xml);
        r.MoveToContent();
        return CimInstanceXml.ReadObject(r, context);
    }

    [Fact]
    public void GeneratedClass_RoundTripsThroughCimXml()
    {
        s_class.Sample(cls =>
        {
            var xml = WriteObject(cls, s_write);
            var copy = Assert.IsType<CimClass>(ReadObject(xml, ReadContext(s_base, s_part)));
            Assert.True(copy.CompareTo(cls), Encoding.UTF8.GetString(xml) + "\n---\n" + cls.GetObjectText() + "\n---\n" + copy.GetObjectText());
        }, iter: 300);
    }

    [Theory]
    [InlineData(WsManResourceUriStyle.Wmi, false)]
    [InlineData(WsManResourceUriStyle.Dmtf, true)]
    public void GeneratedInstance_RoundTripsThroughInstanceXml(WsManResourceUriStyle style, bool includeTypes)
    {
        var options = s_write with { Style = style, IncludeTypes = includeTypes };
        var gen =
            from cls in s_class.Where(c => !c.IsAbstract)
            from values in InstanceValues(cls)
            select (cls, values);
        gen.Sample((cls, values) =>
        {
            var instance = cls.SpawnInstance();
            for (var i = 0; i < values.Length; i++)
            {
                instance.SetValue(i, values[i] is Array { Length: 0 } ? null : values[i]);
            }
            instance.Freeze();
            var xml = WriteObject(instance, options);
            var copy = ReadObject(xml, ReadContext(s_base, s_part, cls));
            Assert.True(copy.CompareTo(instance, CimComparisonFlags.IgnoreObjectSource), Encoding.UTF8.GetString(xml) + "\n---\n" + instance.GetObjectText() + "\n---\n" + copy.GetObjectText());
            Assert.Equal(@"root\test", copy.Namespace);
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

    private static readonly Gen<object> s_keyValue = Gen.OneOf(
        s_text.Select(v => (object)v),
        Gen.Long.Select(v => (object)v),
        Gen.ULong.Select(v => (object)v),
        Gen.Bool.Select(v => (object)v));

    [Theory]
    [InlineData(WsManResourceUriStyle.Wmi)]
    [InlineData(WsManResourceUriStyle.Dmtf)]
    public void GeneratedPath_RoundTripsThroughSelectorsInAHeader(WsManResourceUriStyle style)
    {
        var keyClass = new CimClass("Gen_Keys");
        keyClass.AddProperty("S", CimType.String, isKey: true);
        keyClass.AddProperty("I", CimType.SInt64, isKey: true);
        keyClass.AddProperty("U", CimType.UInt64, isKey: true);
        keyClass.AddProperty("B", CimType.Boolean, isKey: true);
        keyClass.AddProperty("R", CimType.Reference, isKey: true);
        keyClass.Freeze();
        var gen = Gen.Select(s_text, Gen.Long, Gen.ULong, Gen.Bool, s_text);
        gen.Sample((s, i, u, b, target) =>
        {
            var reference = new CimObjectPath(null, @"root\other", "Gen_Part", [new CimKeyBinding("Name", target)]);
            var path = new CimObjectPath(null, @"root\test", "Gen_Keys",
                [new CimKeyBinding("S", s), new CimKeyBinding("I", i), new CimKeyBinding("U", u), new CimKeyBinding("B", b), new CimKeyBinding("R", reference)]);
            var epr = WsManPaths.ToEndpointReference(path, @"root\cimv2", style);
            var headers = WsManMessages.Request("http://localhost:5985/wsman", epr.ResourceUri, WsManActions.Get, TimeSpan.FromSeconds(5))
                with { Selectors = epr.Selectors };
            var bytes = WsManWriter.ToBytes(new WsManEnvelope(headers, WsManEmptyBody.Instance), s_write);
            var back = WsManReader.Read(bytes, new CimXmlReadContext(null));
            var parsed = WsManPaths.ToObjectPath(back.Headers.ResourceUri, back.Headers.Selectors, null);
            var bound = WsManPaths.BindKeys(parsed, keyClass);
            Assert.Equal(path, bound);
        }, iter: 300);
    }

    private static readonly Gen<WsManEnvelope> s_envelope =
        from id in Gen.Guid
        from context in s_text
        from max in Gen.Int[1, 1000]
        from timeout in Gen.Int[1, 100000]
        from query in s_text
        from kind in Gen.Int[0, 6]
        select new WsManEnvelope(
            WsManMessages.Request("https://h:5986/wsman", "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/*", kind switch
            {
                0 => WsManActions.Enumerate,
                1 => WsManActions.Pull,
                2 => WsManActions.Release,
                3 => WsManActions.Subscribe,
                4 => WsManActions.Renew,
                5 => WsManActions.Enumerate,
                _ => WsManActions.Unsubscribe,
            }, TimeSpan.FromMilliseconds(timeout)) with { MessageId = "uuid:" + id, SubscriptionIdentifier = kind == 6 ? context : null },
            kind switch
            {
                0 => new EnumerateBody { OptimizeEnumeration = true, MaxElements = max, Filter = new WsManQueryFilter(WsManUris.WqlDialect, query) },
                1 => new PullBody(context, max, TimeSpan.FromMilliseconds(timeout)),
                2 => new ReleaseBody(context),
                3 => new SubscribeBody
                {
                    Heartbeats = TimeSpan.FromMilliseconds(timeout),
                    Expires = TimeSpan.FromSeconds(max),
                    Filter = new WsManQueryFilter(WsManUris.WqlDialect, query),
                    SendBookmarks = max % 2 == 0,
                    Bookmark = max % 3 == 0 ? context : null,
                },
                4 => new RenewBody(TimeSpan.FromSeconds(max)),
                5 => new EnumerateBody
                {
                    Filter = new WsManAssociationFilter(max % 2 == 0,
                        new WsManEndpointReference(WsManUris.Anonymous, "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Gen_Part",
                            [new WsManSelector("Name", query)]), "Assoc", "Result", "Role", "ResultRole"),
                },
                _ => UnsubscribeBody.Instance,
            });

    [Fact]
    public void GeneratedEnvelope_RoundTrips()
    {
        s_envelope.Sample(env =>
        {
            var bytes = WsManWriter.ToBytes(env, s_write);
            var back = WsManReader.Read(bytes, new CimXmlReadContext(null));
            Assert.Equal(env.Headers.MessageId, back.Headers.MessageId);
            Assert.Equal(env.Headers.Action, back.Headers.Action);
            Assert.Equal(env.Headers.OperationTimeout, back.Headers.OperationTimeout);
            Assert.Equal(env.Headers.SubscriptionIdentifier?.Trim(), back.Headers.SubscriptionIdentifier);
            switch (env.Body)
            {
                case EnumerateBody { Filter: WsManAssociationFilter af }:
                    var bf = Assert.IsType<WsManAssociationFilter>(Assert.IsType<EnumerateBody>(back.Body).Filter);
                    Assert.Equal(af.Associators, bf.Associators);
                    Assert.True(af.Object.SameAs(bf.Object), $"{af.Object} vs {bf.Object}");
                    Assert.Equal((af.AssociationClassName, af.ResultClassName, af.Role, af.ResultRole),
                        (bf.AssociationClassName, bf.ResultClassName, bf.Role, bf.ResultRole));
                    break;
                case EnumerateBody e:
                    Assert.Equal(e, back.Body);
                    break;
                case PullBody p:
                    Assert.Equal(p with { Context = p.Context.Trim(), MaxTime = TimeSpan.FromMilliseconds(Math.Floor(p.MaxTime!.Value.TotalMilliseconds)) }, back.Body);
                    break;
                case ReleaseBody rel:
                    Assert.Equal(rel with { Context = rel.Context.Trim() }, back.Body);
                    break;
                case SubscribeBody s:
                    Assert.Equal(s with { Bookmark = s.Bookmark?.Trim() }, back.Body);
                    break;
                default:
                    Assert.Equal(env.Body, back.Body);
                    break;
            }
        }, iter: 500);
    }
}

using CsCheck;

namespace Wmix.DBus.Tests.Support;

/// <summary>CsCheck generators of signatures, values in this library's CLR forms, and whole messages.</summary>
internal static class DBusGen
{
    public static readonly Gen<string> BasicCode = Gen.Int[0, 11].Select(i => "ybnqiuxtdsog"[i].ToString());

    /// <summary>A single complete type nesting at most <paramref name="depth"/> containers.</summary>
    public static Gen<string> Type(int depth) => depth == 0
        ? BasicCode
        : Gen.Frequency(
            (6, BasicCode),
            (1, Gen.Const("v")),
            (2, Type(depth - 1).Select(s => "a" + s)),
            (1, Gen.Select(BasicCode, Type(depth - 1), (k, v) => "a{" + k + v + "}")),
            (2, Type(depth - 1).Array[1, 4].Select(a => "(" + string.Concat(a) + ")")));

    public static readonly Gen<string> Text = Gen.Frequency(
        (3, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789 ._-/"], 0, 12]),
        (1, Gen.String[Gen.Char[(char)1, (char)0xD7FF], 0, 12]));

    public static readonly Gen<DBusObjectPath> ObjectPath = Gen.Frequency(
        (1, Gen.Const(new DBusObjectPath("/"))),
        (4, Gen.String[Gen.Char["abcXYZ_09"], 1, 5].Array[1, 4].Select(a => new DBusObjectPath("/" + string.Join('/', a)))));

    public static readonly Gen<DBusSignature> Signature = Type(2).Array[0, 3].Select(a => string.Concat(a))
        .Where(s => s.Length <= 255).Select(s => new DBusSignature(s));

    /// <summary>A value of the single complete type <paramref name="type"/>.</summary>
    public static Gen<object> Value(string type)
    {
        switch (type[0])
        {
            case 'y': return Gen.Byte.Select(v => (object)v);
            case 'b': return Gen.Bool.Select(v => (object)v);
            case 'n': return Gen.Short.Select(v => (object)v);
            case 'q': return Gen.UShort.Select(v => (object)v);
            case 'i': return Gen.Int.Select(v => (object)v);
            case 'u': return Gen.UInt.Select(v => (object)v);
            case 'x': return Gen.Long.Select(v => (object)v);
            case 't': return Gen.ULong.Select(v => (object)v);
            case 'd': return Gen.Double.Select(v => (object)v);
            case 's': return Text.Select(v => (object)v);
            case 'o': return ObjectPath.Select(v => (object)v);
            case 'g': return Signature.Select(v => (object)v);
            case 'v': return Type(2).SelectMany(t => Value(t).Select(v => (object)new DBusVariant(t, v)));
            case '(':
                return Sequence(Split(type[1..^1])).Select(f => (object)new DBusStruct(f));
            case 'a' when type[1] == 'y':
                return Gen.Byte.Array[0, 20].Select(v => (object)v);
            case 'a' when type[1] == '{':
                {
                    var inner = Split(type[2..^1]);
                    return Gen.Select(Value(inner[0]), Value(inner[1]), (k, v) => new KeyValuePair<object, object>(k, v)).Array[0, 4].Select(v => (object)v);
                }
            case 'a':
                return Value(type[1..]).Array[0, 4].Select(v => (object)v);
            default:
                throw new ArgumentException(type);
        }
    }

    /// <summary>The complete types of a signature.</summary>
    public static List<string> Split(string signature)
    {
        var result = new List<string>();
        var i = 0;
        while (i < signature.Length)
        {
            var start = i;
            var depth = 0;
            do
            {
                var c = signature[i++];
                depth += c is '(' or '{' ? 1 : c is ')' or '}' ? -1 : 0;
            }
            while (depth > 0 || signature[i - 1] == 'a');
            result.Add(signature[start..i]);
        }
        return result;
    }

    public static Gen<object[]> Sequence(IReadOnlyList<string> types)
    {
        Gen<object[]> gen = Gen.Const(Array.Empty<object>());
        foreach (var t in types)
        {
            var value = Value(t);
            gen = gen.SelectMany(prefix => value.Select(v => (object[])[.. prefix, v]));
        }
        return gen;
    }

    private static readonly Gen<string> Element = Gen.String[Gen.Char["abcdefXYZ_"], 1, 6];

    public static readonly Gen<string> InterfaceName = Element.Array[2, 4].Select(a => string.Join('.', a));

    public static readonly Gen<string> MemberName = Gen.Select(Gen.Char["abcXYZ_"], Gen.String[Gen.Char["abcXYZ_019"], 0, 8], (c, s) => c + s);

    public static readonly Gen<string> BusName = Gen.Frequency(
        (1, Gen.Select(Gen.Int[1, 99], Gen.Int[0, 999], (a, b) => $":{a}.{b}")),
        (1, InterfaceName));

    /// <summary>A valid message of any type with a body of up to four complete types.</summary>
    public static readonly Gen<DBusMessage> Message =
        Type(3).Array[0, 4].Select(a => string.Concat(a)).Where(s => s.Length <= 255).SelectMany(signature =>
            Gen.Select(Gen.Int[1, 4], Sequence(Split(signature)), ObjectPath, InterfaceName, MemberName, BusName.Null(), BusName.Null(),
                Gen.UInt[1, uint.MaxValue]).Select(t =>
            {
                var (type, body, path, iface, member, destination, sender, replySerial) = t;
                return (DBusMessageType)type switch
                {
                    DBusMessageType.MethodCall => new DBusMessage { Type = DBusMessageType.MethodCall, Path = path, Interface = iface, Member = member,
                        Destination = destination, Sender = sender, Signature = new(signature), Body = body, Flags = DBusMessageFlags.NoAutoStart },
                    DBusMessageType.MethodReturn => new DBusMessage { Type = DBusMessageType.MethodReturn, ReplySerial = replySerial, Destination = destination,
                        Sender = sender, Signature = new(signature), Body = body },
                    DBusMessageType.Error => new DBusMessage { Type = DBusMessageType.Error, ReplySerial = replySerial, ErrorName = iface,
                        Destination = destination, Sender = sender, Signature = new(signature), Body = body },
                    _ => new DBusMessage { Type = DBusMessageType.Signal, Path = path, Interface = iface, Member = member, Sender = sender,
                        Signature = new(signature), Body = body },
                };
            }));
}

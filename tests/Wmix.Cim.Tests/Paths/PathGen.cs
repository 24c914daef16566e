using CsCheck;
using Wmix.Cim;

namespace Wmix.Cim.Tests.Paths;

/// <summary>CsCheck generators for object paths and path-like text.</summary>
internal static class PathGen
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static readonly Gen<string> Identifier =
        Gen.Select(Gen.Char[Letters + "_é"], Gen.Char[Letters + "0123456789_ß"].Array[0, 8], (first, rest) => first + new string(rest));

    public static readonly Gen<string> Server = Gen.OneOf(
        Gen.Const("."),
        Gen.Const("localhost"),
        Gen.Const("fe80::1"),
        Gen.Const("[::1]"),
        Gen.Const("fe80::1%eth0"),
        Gen.Int[0, 255].Array[4].Select(a => string.Join('.', a)),
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."].Array[1, 12].Select(a => new string(a)));

    public static readonly Gen<string> NamespaceElement =
        Gen.Char[Letters + "0123456789_-"].Array[1, 8].Select(a => new string(a));

    // 1..3 elements, with either separator (the path keeps '\').
    public static readonly Gen<string> Namespace = Gen.Select(
        NamespaceElement.Array[1, 3], Gen.Bool, (elements, forward) => string.Join(forward ? '/' : '\\', elements));

    public static readonly Gen<string> StringValue = Gen.OneOf(
        Gen.Char["abcXYZ019 \"'\\%,=.:@/\té\u0001\u007f"].Array[0, 10].Select(a => new string(a)),
        Gen.OneOf("", "%41", "100%", "%%", "%7F", "%80", "C:\\Windows", "\"\"", "\\\\", "'", "a\"b'c\\d"));

    public static readonly Gen<double> FiniteDouble = Gen.OneOf(
        Gen.Double.Where(double.IsFinite),
        Gen.OneOf(0.0, -0.0, 0.1, 1.5, -2.25, 1e20, 5e-324, double.MaxValue, double.MinValue, 9.2233720368547758e18));

    public static readonly Gen<float> FiniteFloat = Gen.OneOf(
        Gen.Float.Where(float.IsFinite),
        Gen.OneOf(0f, -0f, 1.1f, 3.4028235e38f, 1e-45f));

    private static Gen<object> Value(int depth)
    {
        var scalars = new IGen<object>[]
        {
            StringValue.Select(v => (object)v),
            Gen.Long.Select(v => (object)v),
            Gen.ULong.Select(v => (object)v),
            Gen.Int.Select(v => (object)v),
            Gen.Int[sbyte.MinValue, sbyte.MaxValue].Select(v => (object)(sbyte)v),
            Gen.Int[0, ushort.MaxValue].Select(v => (object)(ushort)v),
            Gen.Bool.Select(v => (object)v),
            Gen.Char["aZ\"\\%'1"].Select(v => (object)v),
            FiniteDouble.Select(v => (object)v),
            FiniteFloat.Select(v => (object)v),
        };
        if (depth <= 0)
        {
            return Gen.OneOf(scalars);
        }
        // A reference key: a nested path, as an object or already written as a string.
        var reference = Path(depth - 1).Where(p => p.ClassName is not null);
        return Gen.Frequency(
            (6, Gen.OneOf(scalars)),
            (1, reference.Select(p => (object)p)),
            (1, reference.Select(p => (object)p.ToString())));
    }

    private static Gen<CimKeyBinding[]> Keys(int depth) => Gen.OneOf(
        Gen.Select(Identifier, Value(depth), (n, v) => new[] { new CimKeyBinding(n, v) }),
        Gen.Select(Value(depth), v => new[] { new CimKeyBinding("", v) }),
        Gen.Select(Identifier, Value(depth)).Array[1, 4].Select(pairs =>
            pairs.DistinctBy(p => p.Item1, StringComparer.OrdinalIgnoreCase).Select(p => new CimKeyBinding(p.Item1, p.Item2)).ToArray()));

    /// <summary>Valid paths of every form, with references nested up to <paramref name="depth"/> deep.</summary>
    public static Gen<CimObjectPath> Path(int depth = 2) =>
        Gen.Select(Gen.Int[0, 4], Server, Namespace, Gen.Int[0, 3], Identifier, Keys(depth), (location, server, ns, kind, cls, keys) =>
        {
            // location: 0 none, 1 namespace, 2..4 server and namespace. kind: 0 namespace path, 1 class, 2 instance, 3 singleton.
            string? s = location >= 2 ? server : null;
            string? n = location >= 1 ? ns : null;
            if (kind == 0)
            {
                // A server-less single-element namespace path reads back as a class, so give it a server.
                if (n is null || (s is null && !n.Contains('\\', StringComparison.Ordinal) && !n.Contains('/', StringComparison.Ordinal)))
                {
                    s = server;
                    n = ns;
                }
                return new CimObjectPath(s, n, null);
            }
            return kind switch
            {
                1 => new CimObjectPath(s, n, cls),
                2 => new CimObjectPath(s, n, cls, keys),
                _ => new CimObjectPath(s, n, cls, isSingleton: true),
            };
        });

    /// <summary>Text built mostly from path punctuation, names and value pieces.</summary>
    public static readonly Gen<string> PathLikeText = Gen.OneOf(
            Gen.Char["\\/:.=,@\"'%0x1-aZ_ eE+TRUEfalse[]"].Array[0, 40].Select(a => new string(a)),
            Gen.OneOf("\\\\", "//", ".", ":", "=", "=@", ",", "\"", "'", "\\", "%2", "%41", "0x", "-", "1.5e3", "TRUE", "root", "cimv2", "C", "Key", "[::1]", " ")
                .Array[0, 16].Select(parts => string.Concat(parts)),
            Gen.String);

    private static readonly char[] s_insertions = ['"', '\'', '\\', '/', ',', '@', '=', '.', ':', '%', ' ', '-', 'x', '0', '[', ']'];

    /// <summary>Valid path text after one to three random edits: flips, truncations, insertions, deletions.</summary>
    public static readonly Gen<string> MutatedPathText = Gen.Select(
        Path(2).Select(p => p.ToString()), Gen.Int[1, 3], Gen.Int.Array[12],
        (text, edits, random) =>
        {
            var chars = new List<char>(text);
            int r = 0;
            int Next(int bound) => bound <= 0 ? 0 : (int)((uint)random[r++ % random.Length] % (uint)bound);
            for (int e = 0; e < edits; e++)
            {
                int at = Next(chars.Count + 1);
                switch (Next(5))
                {
                    case 0 when chars.Count > 0 && at < chars.Count:
                        chars[at] = s_insertions[Next(s_insertions.Length)];
                        break;
                    case 1:
                        chars.RemoveRange(at, chars.Count - at);
                        break;
                    case 2 when chars.Count > 0 && at < chars.Count:
                        chars.RemoveAt(at);
                        break;
                    case 3 when chars.Count > 0 && at < chars.Count:
                        chars[at] = char.IsUpper(chars[at]) ? char.ToLowerInvariant(chars[at]) : char.ToUpperInvariant(chars[at]);
                        break;
                    default:
                        chars.Insert(at, s_insertions[Next(s_insertions.Length)]);
                        break;
                }
            }
            return new string([.. chars]);
        });
}

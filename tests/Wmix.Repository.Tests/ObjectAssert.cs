using System.Runtime.InteropServices;
using Wmix.Cim;

namespace Wmix.Repository.Tests;

/// <summary>
/// Stricter than <see cref="CimObject.CompareTo"/>: order, origins, locality, flavors and the exact bits of every value.
/// </summary>
internal static class ObjectAssert
{
    public static void Identical(CimObject expected, CimObject actual, string where = "")
    {
        Assert.True(expected.CompareTo(actual, CimComparisonFlags.IncludeAll), $"{where}: CompareTo(IncludeAll) is false");
        Assert.True(actual.IsReadOnly, $"{where}: not frozen");
        Assert.Equal(expected.Genus, actual.Genus);
        Assert.Equal(expected.ClassName, actual.ClassName);
        Assert.Equal(expected.Server, actual.Server);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Qualifiers(expected.Qualifiers, actual.Qualifiers, where + " qualifiers");
        if (expected is CimClass ec)
        {
            ClassIdentical(ec, (CimClass)actual, where);
            return;
        }
        ClassIdentical(expected.Class, actual.Class, where + " class");
        for (var i = 0; i < expected.Properties.Count; i++)
        {
            Value(expected.GetValue(i), actual.GetValue(i), $"{where}.{expected.Properties[i].Name}");
        }
    }

    public static void ClassIdentical(CimClass expected, CimClass actual, string where)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.SuperclassName, actual.SuperclassName);
        Assert.Equal(expected.Derivation, actual.Derivation);
        Qualifiers(expected.Qualifiers, actual.Qualifiers, where + " class qualifiers");
        Assert.Equal(expected.Properties.Count, actual.Properties.Count);
        for (var i = 0; i < expected.Properties.Count; i++)
        {
            var e = expected.Properties[i];
            var a = actual.Properties[i];
            var at = $"{where}.{e.Name}";
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Type, a.Type);
            Assert.Equal(e.IsArray, a.IsArray);
            Assert.Equal(e.ReferenceClassName, a.ReferenceClassName);
            Assert.True(e.ClassOrigin == a.ClassOrigin, $"{at}: origin {e.ClassOrigin} != {a.ClassOrigin}");
            Assert.True(e.IsLocal == a.IsLocal, $"{at}: IsLocal {e.IsLocal} != {a.IsLocal}");
            Value(e.Value, a.Value, at + " default");
            Qualifiers(e.Qualifiers, a.Qualifiers, at + " qualifiers");
        }
        Assert.Equal(expected.Methods.Count, actual.Methods.Count);
        for (var i = 0; i < expected.Methods.Count; i++)
        {
            var e = expected.Methods[i];
            var a = actual.Methods[i];
            var at = $"{where}.{e.Name}()";
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.ReturnType, a.ReturnType);
            Assert.True(e.ClassOrigin == a.ClassOrigin, $"{at}: origin {e.ClassOrigin} != {a.ClassOrigin}");
            Assert.True(e.IsLocal == a.IsLocal, $"{at}: IsLocal");
            Qualifiers(e.Qualifiers, a.Qualifiers, at + " qualifiers");
            Assert.Equal(e.Parameters.Count, a.Parameters.Count);
            for (var j = 0; j < e.Parameters.Count; j++)
            {
                Assert.Equal(e.Parameters[j].Name, a.Parameters[j].Name);
                Assert.Equal(e.Parameters[j].Type, a.Parameters[j].Type);
                Assert.Equal(e.Parameters[j].IsArray, a.Parameters[j].IsArray);
                Assert.Equal(e.Parameters[j].ReferenceClassName, a.Parameters[j].ReferenceClassName);
                Qualifiers(e.Parameters[j].Qualifiers, a.Parameters[j].Qualifiers, at + " parameter");
            }
        }
    }

    public static void Qualifiers(CimQualifierSet expected, CimQualifierSet actual, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: {expected.Count} != {actual.Count} ({string.Join(",", expected)} vs {string.Join(",", actual)})");
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Assert.Equal(e.Name, a.Name);
            Assert.True(e.Flavor == a.Flavor, $"{where} {e.Name}: flavor {e.Flavor} != {a.Flavor}");
            Assert.Equal(e.Type, a.Type);
            Assert.Equal(e.IsArray, a.IsArray);
            Value(e.Value, a.Value, $"{where} {e.Name}");
        }
    }

    public static void Value(object? expected, object? actual, string where)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{where}: {expected ?? "null"} != {actual ?? "null"}");
            return;
        }
        Assert.True(expected.GetType() == actual.GetType(), $"{where}: {expected.GetType()} != {actual.GetType()}");
        switch (expected)
        {
            case CimObject o:
                Identical(o, (CimObject)actual, where);
                return;
            case CimObject[] os:
                var other = (CimObject[])actual;
                Assert.Equal(os.Length, other.Length);
                for (var i = 0; i < os.Length; i++)
                {
                    Identical(os[i], other[i], $"{where}[{i}]");
                }
                return;
            case string s:
                Assert.True(string.Equals(s, (string)actual, StringComparison.Ordinal), $"{where}: '{s}' != '{actual}'");
                return;
            case string[] ss:
                Assert.Equal(ss, (string[])actual);
                return;
            case float f:
                Assert.Equal(BitConverter.SingleToUInt32Bits(f), BitConverter.SingleToUInt32Bits((float)actual));
                return;
            case double d:
                Assert.Equal(BitConverter.DoubleToUInt64Bits(d), BitConverter.DoubleToUInt64Bits((double)actual));
                return;
            case Array a:
                Assert.Equal(a.Length, ((Array)actual).Length);
                Assert.True(Bytes(a).SequenceEqual(Bytes((Array)actual)), $"{where}: array bits differ");
                return;
            default:
                Assert.Equal(expected, actual);
                return;
        }
    }

    private static byte[] Bytes(Array a)
    {
        var size = Buffer.ByteLength(a);
        var bytes = new byte[size];
        Buffer.BlockCopy(a, 0, bytes, 0, size);
        return bytes;
    }
}

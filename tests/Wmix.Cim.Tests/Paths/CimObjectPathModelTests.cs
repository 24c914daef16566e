using Wmix.Cim;

namespace Wmix.Cim.Tests.Paths;

public sealed class CimObjectPathModelTests
{
    [Fact]
    public void Constructor_FullInstance_FormatsLikeWmi()
    {
        var p = new CimObjectPath("HOST", "root/cimv2", "Win32_Service", [new CimKeyBinding("Name", "Spooler")]);
        Assert.Equal(@"root\cimv2", p.Namespace);
        Assert.Equal(@"\\HOST\root\cimv2:Win32_Service.Name=""Spooler""", p.ToString());
        Assert.Equal(@"Win32_Service.Name=""Spooler""", p.RelativePath);
    }

    [Fact]
    public void Constructor_NamespaceOnly_FormatsWithoutColon()
    {
        Assert.Equal(@"\\.\root\cimv2", new CimObjectPath(".", @"root\cimv2", null).ToString());
        Assert.Equal(@"root\cimv2", new CimObjectPath(null, "root/cimv2", null).ToString());
    }

    [Fact]
    public void Constructor_EmptyStrings_MeanNone()
    {
        var p = new CimObjectPath("", "", "C");
        Assert.Null(p.Server);
        Assert.Null(p.Namespace);
        Assert.True(p.IsRelative);
    }

    [Fact]
    public void Constructor_KeysInGivenOrder_FormatInThatOrder()
    {
        var p = new CimObjectPath(null, null, "C", [new CimKeyBinding("Z", 1L), new CimKeyBinding("A", 2L)]);
        Assert.Equal("C.Z=1,A=2", p.RelativePath);
        Assert.Equal("c.a=2,z=1", p.ToCanonicalString());
    }

    [Fact]
    public void Constructor_EveryValueType_Formats()
    {
        var p = new CimObjectPath(null, null, "C",
        [
            new CimKeyBinding("S", "x\"y\\z"),
            new CimKeyBinding("I8", (sbyte)-8),
            new CimKeyBinding("U8", (byte)8),
            new CimKeyBinding("I16", (short)-16),
            new CimKeyBinding("U16", (ushort)16),
            new CimKeyBinding("I32", -32),
            new CimKeyBinding("U32", 32u),
            new CimKeyBinding("I64", -64L),
            new CimKeyBinding("U64", ulong.MaxValue),
            new CimKeyBinding("B", true),
            new CimKeyBinding("Ch", 'q'),
            new CimKeyBinding("F", 1.1f),
            new CimKeyBinding("D", 0.1),
            new CimKeyBinding("R", new CimObjectPath(null, null, "T", [new CimKeyBinding("K", "v")])),
        ]);
        Assert.Equal(
            @"C.S=""x\""y\\z"",I8=-8,U8=8,I16=-16,U16=16,I32=-32,U32=32,I64=-64,U64=18446744073709551615,B=TRUE,Ch=""q"",F=1.1,D=0.1,R=""T.K=\""v\""""",
            p.ToString());
        Assert.Equal(p, CimObjectPath.Parse(p.ToString()));
    }

    [Fact]
    public void Equals_IntegerTypesWithSameValue_AreEqual()
    {
        var a = new CimObjectPath(null, null, "C", [new CimKeyBinding("K", 5)]);
        var b = new CimObjectPath(null, null, "C", [new CimKeyBinding("K", (ulong)5)]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_QuotedAndUnquotedNumber_Differ() =>
        Assert.NotEqual(CimObjectPath.Parse("C.K=1"), CimObjectPath.Parse("C.K=\"1\""));

    [Fact]
    public void Equals_StringValuesDifferingInCase_AreEqual() =>
        Assert.Equal(CimObjectPath.Parse("C.K=\"abc\""), CimObjectPath.Parse("C.K='ABC'"));

    [Fact]
    public void Equals_NoServerAndLocalServer_Differ() =>
        Assert.NotEqual(CimObjectPath.Parse(@"root\cimv2:C"), CimObjectPath.Parse(@"\\.\root\cimv2:C"));

    [Fact]
    public void Equals_UnnamedAndNamedKey_Differ() =>
        Assert.NotEqual(CimObjectPath.Parse("C=1"), CimObjectPath.Parse("C.K=1"));

    [Fact]
    public void Equals_SlashStylesAndCase_AreEqual()
    {
        var a = CimObjectPath.Parse(@"\\Host\Root\CIMV2:Win32_LogicalDisk.DeviceID=""C:""");
        var b = CimObjectPath.Parse(@"//host/root/cimv2:win32_logicaldisk.deviceid=""c:""");
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(@"\\host\root\cimv2:win32_logicaldisk.deviceid=""c:""", a.ToCanonicalString());
    }

    [Fact]
    public void Equals_IntegralRealAndInteger_AreEqual() =>
        Assert.Equal(CimObjectPath.Parse("C.K=2.0"), CimObjectPath.Parse("C.K=2"));

    [Fact]
    public void Equals_Null_False()
    {
        var p = CimObjectPath.Parse("C");
        Assert.False(p.Equals(null));
        Assert.False(p == null);
        Assert.True((CimObjectPath?)null == null);
    }

    [Fact]
    public void WithLocation_KeepsClassAndKeys()
    {
        var rel = CimObjectPath.Parse("Win32_Process.Handle=\"4\"");
        var full = rel.WithLocation("HOST", "root/cimv2");
        Assert.Equal(@"\\HOST\root\cimv2:Win32_Process.Handle=""4""", full.ToString());
        Assert.Equal(rel, full.WithLocation(null, null));
        Assert.Equal(rel.RelativePath, full.RelativePath);
    }

    [Fact]
    public void WithKeys_ReplacesKeys_EmptyGivesClass()
    {
        var p = CimObjectPath.Parse(@"root:C.K=1");
        Assert.Equal("root:C.J=2", p.WithKeys([new CimKeyBinding("J", 2L)]).ToString());
        Assert.True(p.WithKeys([]).IsClass);
        Assert.True(CimObjectPath.Parse("S=@").WithKeys([]).IsClass);
    }

    [Fact]
    public void Keys_CannotBeMutatedThroughCast()
    {
        var p = CimObjectPath.Parse("C.K=1");
        Assert.False(p.Keys is CimKeyBinding[]);
    }

    public static TheoryData<string?, string?, string?, CimKeyBinding[]?, bool> InvalidParts => new()
    {
        { "HOST", null, "C", null, false },
        { null, null, null, null, false },
        { null, "root", null, [new CimKeyBinding("K", 1)], false },
        { null, "root", null, null, true },
        { null, null, "C", [new CimKeyBinding("K", 1)], true },
        { "ho st", "root", "C", null, false },
        { "[::1", "root", "C", null, false },
        { null, @"root\\cimv2", "C", null, false },
        { null, @"root:cimv2", "C", null, false },
        { null, null, "1C", null, false },
        { null, null, "C.K", null, false },
        { null, null, "C", [new CimKeyBinding("K", 1), new CimKeyBinding("k", 2)], false },
        { null, null, "C", [new CimKeyBinding("", 1), new CimKeyBinding("K", 2)], false },
        { null, null, "C", [new CimKeyBinding("K K", 1)], false },
        { null, null, "C", [new CimKeyBinding("K", null!)], false },
        { null, null, "C", [new CimKeyBinding(null!, 1)], false },
        { null, null, "C", [new CimKeyBinding("K", double.NaN)], false },
        { null, null, "C", [new CimKeyBinding("K", float.PositiveInfinity)], false },
        { null, null, "C", [new CimKeyBinding("K", 1.5m)], false },
        { null, null, "C", [new CimKeyBinding("K", DateTime.UnixEpoch)], false },
    };

    [Theory]
    [MemberData(nameof(InvalidParts))]
    public void Constructor_InvalidParts_ThrowsArgument(string? server, string? ns, string? cls, CimKeyBinding[]? keys, bool singleton) =>
        Assert.ThrowsAny<ArgumentException>(() => new CimObjectPath(server, ns, cls, keys, singleton));
}

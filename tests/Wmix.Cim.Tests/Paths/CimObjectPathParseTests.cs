using Wmix.Cim;

namespace Wmix.Cim.Tests.Paths;

public sealed class CimObjectPathParseTests
{
    [Fact]
    public void Parse_FullInstancePath_ReadsEveryPart()
    {
        var p = CimObjectPath.Parse(@"\\ADMIN\root\cimv2:Win32_LogicalDisk.DeviceID=""C:""");
        Assert.Equal("ADMIN", p.Server);
        Assert.Equal(@"root\cimv2", p.Namespace);
        Assert.Equal("Win32_LogicalDisk", p.ClassName);
        Assert.Equal([new CimKeyBinding("DeviceID", "C:")], p.Keys);
        Assert.True(p.IsInstance);
        Assert.False(p.IsClass);
        Assert.False(p.IsNamespacePath);
        Assert.False(p.IsRelative);
        Assert.False(p.IsSingleton);
        Assert.Equal(@"Win32_LogicalDisk.DeviceID=""C:""", p.RelativePath);
        Assert.Equal("root", p.ParentNamespace);
        Assert.Equal(@"\\ADMIN\root\cimv2:Win32_LogicalDisk.DeviceID=""C:""", p.ToString());
    }

    [Theory]
    [InlineData("//ADMIN/root/cimv2:Win32_LogicalDisk")]
    [InlineData(@"\\ADMIN\root\cimv2:Win32_LogicalDisk")]
    [InlineData(@"/\ADMIN/root\cimv2:Win32_LogicalDisk")]
    [InlineData(@"\/ADMIN\root/cimv2:Win32_LogicalDisk")]
    public void Parse_EitherSlashStyle_NormalisesNamespace(string text)
    {
        var p = CimObjectPath.Parse(text);
        Assert.Equal("ADMIN", p.Server);
        Assert.Equal(@"root\cimv2", p.Namespace);
        Assert.True(p.IsClass);
        Assert.Equal(@"\\ADMIN\root\cimv2:Win32_LogicalDisk", p.ToString());
    }

    [Fact]
    public void Parse_NamespaceAndClass_IsClassPath()
    {
        var p = CimObjectPath.Parse(@"root\cimv2:Win32_Process");
        Assert.Null(p.Server);
        Assert.Equal(@"root\cimv2", p.Namespace);
        Assert.Equal("Win32_Process", p.ClassName);
        Assert.True(p.IsClass);
        Assert.False(p.IsInstance);
        Assert.False(p.IsRelative);
        Assert.Equal("Win32_Process", p.RelativePath);
        Assert.Equal(@"root\cimv2:Win32_Process", p.ToString());
    }

    [Fact]
    public void Parse_SingleElementNamespaceWithColon_IsNamespace()
    {
        var p = CimObjectPath.Parse("root:__Namespace");
        Assert.Equal("root", p.Namespace);
        Assert.Null(p.ParentNamespace);
        Assert.Equal("__Namespace", p.ClassName);
    }

    [Fact]
    public void Parse_BareName_IsRelativeClassPath()
    {
        var p = CimObjectPath.Parse("Win32_Process");
        Assert.True(p.IsClass);
        Assert.True(p.IsRelative);
        Assert.False(p.IsNamespacePath);
        Assert.Empty(p.Keys);
        Assert.Equal("Win32_Process", p.ToString());
    }

    [Fact]
    public void Parse_BareRoot_IsClassPathNotNamespace()
    {
        // A single name cannot be told from a class; it reads as a class (documented decision).
        var p = CimObjectPath.Parse("root");
        Assert.True(p.IsClass);
        Assert.Null(p.Namespace);
    }

    [Theory]
    [InlineData(@"root\cimv2", null)]
    [InlineData("root/cimv2", null)]
    [InlineData(@"\\.\root\cimv2", ".")]
    [InlineData("//./root/cimv2", ".")]
    [InlineData(@"\\SERVER\root", "SERVER")]
    public void Parse_NamespaceOnly_IsNamespacePath(string text, string? server)
    {
        var p = CimObjectPath.Parse(text);
        Assert.True(p.IsNamespacePath);
        Assert.False(p.IsClass);
        Assert.False(p.IsInstance);
        Assert.False(p.IsRelative);
        Assert.Null(p.ClassName);
        Assert.Equal(server, p.Server);
        Assert.Equal(string.Empty, p.RelativePath);
        Assert.Equal(text.Replace('/', '\\'), p.ToString());
    }

    [Fact]
    public void Parse_DeepNamespace_ParentIsAllButLast()
    {
        var p = CimObjectPath.Parse(@"\\.\root\Microsoft\Windows\Storage:MSFT_Disk");
        Assert.Equal(@"root\Microsoft\Windows", p.ParentNamespace);
    }

    [Fact]
    public void Parse_Singleton_IsInstanceWithoutKeys()
    {
        var p = CimObjectPath.Parse("S=@");
        Assert.True(p.IsSingleton);
        Assert.True(p.IsInstance);
        Assert.False(p.IsClass);
        Assert.Empty(p.Keys);
        Assert.Equal("S=@", p.RelativePath);
        Assert.Equal(@"\\.\root\default:S=@", CimObjectPath.Parse(@"\\.\root\default:S=@").ToString());
    }

    [Fact]
    public void Parse_UnnamedKey_HasEmptyName()
    {
        var p = CimObjectPath.Parse(@"C=""e:""");
        Assert.True(p.HasUnnamedKey);
        Assert.True(p.IsInstance);
        Assert.Equal([new CimKeyBinding("", "e:")], p.Keys);
        Assert.Equal(@"C=""e:""", p.ToString());
    }

    [Fact]
    public void Parse_SpecVector46_KeyOrderAndCaseIrrelevant()
    {
        var a = CimObjectPath.Parse(@"C.IntVal=33,StrVal=""AAA""");
        var b = CimObjectPath.Parse(@"c.strval=""AAA"",intval=33");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.ToCanonicalString(), b.ToCanonicalString());
        Assert.Equal(@"C.IntVal=33,StrVal=""AAA""", a.ToString());
        Assert.Equal(@"c.strval=""AAA"",intval=33", b.ToString());
        Assert.True(CimObjectPath.Parse("S=@").IsSingleton);
        Assert.True(CimObjectPath.Parse(@"C=""e:""").HasUnnamedKey);
    }

    [Fact]
    public void Parse_NamespaceInstance_ReadsKey()
    {
        var p = CimObjectPath.Parse(@"\\.\root:__Namespace.Name=""cimv2""");
        Assert.Equal("__Namespace", p.ClassName);
        Assert.Equal("cimv2", p.Keys[0].Value);
    }

    [Theory]
    [InlineData("C.K=33", 33L)]
    [InlineData("C.K=-7", -7L)]
    [InlineData("C.K=0", 0L)]
    [InlineData("C.K=007", 7L)]
    [InlineData("C.K=0x1F", 31L)]
    [InlineData("C.K=0X1f", 31L)]
    [InlineData("C.K=-0x10", -16L)]
    [InlineData("C.K=9223372036854775807", long.MaxValue)]
    [InlineData("C.K=-9223372036854775808", long.MinValue)]
    [InlineData("C.K=-0x8000000000000000", long.MinValue)]
    public void Parse_Integer_IsLong(string text, long expected) =>
        Assert.Equal(expected, Assert.IsType<long>(CimObjectPath.Parse(text).Keys[0].Value));

    [Theory]
    [InlineData("C.K=18446744073709551615")]
    [InlineData("C.K=0xFFFFFFFFFFFFFFFF")]
    public void Parse_IntegerAboveLongMax_IsULong(string text) =>
        Assert.Equal(ulong.MaxValue, Assert.IsType<ulong>(CimObjectPath.Parse(text).Keys[0].Value));

    [Fact]
    public void Parse_HexKey_FormatsDecimalAndEqualsDecimal()
    {
        var hex = CimObjectPath.Parse("Win32_Process.Handle=0x10");
        var dec = CimObjectPath.Parse("Win32_Process.Handle=16");
        Assert.Equal("Win32_Process.Handle=16", hex.ToString());
        Assert.Equal(dec, hex);
        Assert.Equal(dec.GetHashCode(), hex.GetHashCode());
    }

    [Theory]
    [InlineData("C.K=1.5", 1.5)]
    [InlineData("C.K=-2.25e3", -2250.0)]
    [InlineData("C.K=1E+20", 1e20)]
    public void Parse_Real_IsDouble(string text, double expected) =>
        Assert.Equal(expected, Assert.IsType<double>(CimObjectPath.Parse(text).Keys[0].Value));

    [Theory]
    [InlineData("C.K=TRUE", true)]
    [InlineData("C.K=true", true)]
    [InlineData("C.K=False", false)]
    [InlineData("C=FALSE", false)]
    public void Parse_Boolean_IsBool(string text, bool expected)
    {
        var p = CimObjectPath.Parse(text);
        Assert.Equal(expected, Assert.IsType<bool>(p.Keys[0].Value));
        Assert.EndsWith(expected ? "TRUE" : "FALSE", p.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"C.K=""a\""b""", "a\"b")]
    [InlineData(@"C.K=""a\\b""", @"a\b")]
    [InlineData(@"C.K=""a\'b""", "a'b")]
    [InlineData(@"C.K='a\'b'", "a'b")]
    [InlineData(@"C.K='say ""hi""'", "say \"hi\"")]
    [InlineData(@"C.K=""it's""", "it's")]
    [InlineData(@"C.K=""C:\\Windows\\System32""", @"C:\Windows\System32")]
    [InlineData(@"C.K=""a b""", "a b")]
    [InlineData(@"C.K=""""", "")]
    [InlineData(@"C.K=""x,y=z.w:@""", "x,y=z.w:@")]
    public void Parse_QuotedString_Unescapes(string text, string expected) =>
        Assert.Equal(expected, CimObjectPath.Parse(text).Keys[0].Value);

    [Theory]
    [InlineData(@"C.K=""a%20b""", "a b")]
    [InlineData(@"C.K=""tab%09""", "tab\t")]
    [InlineData(@"C.K=""100%""", "100%")]
    [InlineData(@"C.K=""50%off""", "50%off")]
    [InlineData(@"C.K=""%C3%A9""", "%C3%A9")]
    [InlineData(@"C.K=""%2541""", "%41")]
    public void Parse_UrlEscape_DecodesAsciiOnly(string text, string expected) =>
        Assert.Equal(expected, CimObjectPath.Parse(text).Keys[0].Value);

    [Fact]
    public void Format_PercentThatWouldDecode_IsEscaped()
    {
        var p = new CimObjectPath(null, null, "C", [new CimKeyBinding("K", "%41 100% \t")]);
        Assert.Equal(@"C.K=""%2541 100% %09""", p.ToString());
        Assert.Equal("%41 100% \t", CimObjectPath.Parse(p.ToString()).Keys[0].Value);
    }

    [Fact]
    public void Parse_SingleQuotes_FormatAsDoubleQuotes() =>
        Assert.Equal(@"C.K=""v""", CimObjectPath.Parse("C.K='v'").ToString());

    [Theory]
    [InlineData(@"\\fe80::1\root\cimv2:C", "fe80::1")]
    [InlineData(@"\\[fe80::1]\root\cimv2:C", "[fe80::1]")]
    [InlineData(@"\\fe80::1%eth0\root:C", "fe80::1%eth0")]
    [InlineData(@"\\192.168.0.1\root:C", "192.168.0.1")]
    [InlineData(@"\\my-host.example.com\root:C", "my-host.example.com")]
    public void Parse_ServerForms_KeptAsWritten(string text, string server)
    {
        var p = CimObjectPath.Parse(text);
        Assert.Equal(server, p.Server);
        Assert.Equal(text, p.ToString());
    }

    [Fact]
    public void Equals_BracketedAndPlainIPv6_AreEqual() =>
        Assert.Equal(CimObjectPath.Parse(@"\\[FE80::1]\root:C"), CimObjectPath.Parse(@"\\fe80::1\root:C"));

    [Fact]
    public void Parse_ReferenceKeys_NestedTwoDeep()
    {
        // Inner: Win32_ComputerSystem.Name="HOST"; middle references it; the outer association references the middle.
        var inner = @"\\HOST\root\cimv2:Win32_ComputerSystem.Name=""HOST""";
        var middle = new CimObjectPath("HOST", @"root\cimv2", "Middle", [new CimKeyBinding("Ref", CimObjectPath.Parse(inner)), new CimKeyBinding("Id", 1L)]);
        var outer = new CimObjectPath(null, null, "Win32_SystemProcesses",
            [new CimKeyBinding("GroupComponent", middle), new CimKeyBinding("PartComponent", @"\\HOST\root\cimv2:Win32_Process.Handle=""4""")]);

        var text = outer.ToString();
        Assert.Equal(
            @"Win32_SystemProcesses.GroupComponent=""\\\\HOST\\root\\cimv2:Middle.Ref=\""\\\\\\\\HOST\\\\root\\\\cimv2:Win32_ComputerSystem.Name=\\\""HOST\\\""\"",Id=1"",PartComponent=""\\\\HOST\\root\\cimv2:Win32_Process.Handle=\""4\""""",
            text);

        var parsed = CimObjectPath.Parse(text);
        Assert.Equal(outer, parsed);
        var group = Assert.IsType<string>(parsed.Keys[0].Value);
        Assert.True(CimObjectPath.TryParseReference(group, out var middleBack));
        Assert.Equal(middle, middleBack);
        Assert.True(CimObjectPath.TryParseReference((string)middleBack.Keys[0].Value, out var innerBack));
        Assert.Equal(CimObjectPath.Parse(inner), innerBack);
        Assert.Equal("HOST", innerBack.Keys[0].Value);
    }

    [Fact]
    public void Parse_DocumentedAssociationPath_ReadsBothReferences()
    {
        var text = @"Win32_SystemProcesses.GroupComponent=""\\\\HOST\\root\\cimv2:Win32_ComputerSystem.Name=\""HOST\"""",PartComponent=""\\\\HOST\\root\\cimv2:Win32_Process.Handle=\""4\""""";
        var p = CimObjectPath.Parse(text);
        Assert.Equal(@"\\HOST\root\cimv2:Win32_ComputerSystem.Name=""HOST""", p.Keys[0].Value);
        Assert.True(CimObjectPath.TryParseReference((string)p.Keys[1].Value, out var part));
        Assert.Equal("Win32_Process", part.ClassName);
        Assert.Equal(text, p.ToString());
    }

    [Fact]
    public void Equals_ReferenceStringKeys_CompareAsPaths()
    {
        var a = CimObjectPath.Parse(@"A.R=""//h/root/cimv2:C.Y=2,X=0x1""");
        var b = CimObjectPath.Parse(@"a.r=""\\\\H\\ROOT\\CIMV2:c.x=1,y=2""");
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData("Win32_Process")]
    [InlineData(@"\\.\root\cimv2:Win32_Process.Handle=""4""")]
    public void TryParseReference_ClassOrInstance_True(string text) =>
        Assert.True(CimObjectPath.TryParseReference(text, out _));

    [Theory]
    [InlineData(@"root\cimv2")]
    [InlineData("not a path")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParseReference_NamespaceOrJunk_False(string? text) =>
        Assert.False(CimObjectPath.TryParseReference(text, out _));

    [Fact]
    public void Parse_UnicodeNames_Accepted()
    {
        var p = CimObjectPath.Parse(@"Klasse_Größe.Schlüssel=""wert""");
        Assert.Equal("Klasse_Größe", p.ClassName);
        Assert.Equal("Schlüssel", p.Keys[0].Name);
    }

    [Fact]
    public void Parse_MaxLength_Accepted()
    {
        var text = "C.K=\"" + new string('x', CimObjectPath.MaxLength - 6) + "\"";
        Assert.Equal(CimObjectPath.MaxLength, text.Length);
        Assert.Equal(text, CimObjectPath.Parse(text).ToString());
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull() => Assert.Throws<ArgumentNullException>(() => CimObjectPath.Parse(null!));

    [Fact]
    public void TryParse_Null_False() => Assert.False(CimObjectPath.TryParse(null, out _));

    public static TheoryData<string, int> MalformedPaths => new()
    {
        { "", 1 },
        { " C", 1 },
        { "C ", 2 },
        { "C. K=1", 3 },
        { "C.K =1", 4 },
        { "C.K= 1", 5 },
        { "C.K=1 ", 6 },
        { "C.K=1,", 7 },
        { "C.K=1,K=2", 7 },
        { "C.k=1,K=2", 7 },
        { "C.K=@", 5 },
        { "C=@x", 4 },
        { "C=1,K=2", 4 },
        { "C.K", 4 },
        { "C.", 3 },
        { "C.=1", 3 },
        { "1C", 1 },
        { "C$", 2 },
        { "C.K=\"abc", 5 },
        { "C.K='abc\\'", 5 },
        { "C.K=abc", 5 },
        { "C.K=0x", 7 },
        { "C.K=0xG", 7 },
        { "C.K=-", 6 },
        { "C.K=1.", 7 },
        { "C.K=1e", 7 },
        { "C.K=18446744073709551616", 5 },
        { "C.K=-9223372036854775809", 5 },
        { "C.K=0x10000000000000000", 5 },
        { "C.K=1e400", 5 },
        { "C.K=12abc", 7 },
        { "C.K=\"a\"b", 8 },
        { "C.K=TRUEX", 5 },
        { @"\\", 3 },
        { @"\\server", 9 },
        { @"\\server\", 10 },
        { @"\\ser ver\root", 6 },
        { @"\\ser""ver\root:C", 6 },
        { @"\\server\root\\cimv2:C", 15 },
        { @"\\server\root\:C", 15 },
        { @"\\server\root:", 15 },
        { @"\\server\ro.ot:C", 12 },
        { @"\root\cimv2:C", 1 },
        { @"root\cimv2\", 12 },
        { @"root\cimv2.K=1", 11 },
        { "root:", 6 },
        { ":C", 1 },
        { "C:D:E", 4 },
        { "root\\cim v2:C", 9 },
        { @"\\[fe80::1\root:C", 10 },
        { "C=\"x\"\"", 6 },
    };

    [Theory]
    [MemberData(nameof(MalformedPaths))]
    public void Parse_Malformed_ThrowsInvalidObjectPathWithColumn(string text, int column)
    {
        var e = Assert.Throws<WbemException>(() => CimObjectPath.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, e.ErrorCode);
        Assert.Equal(unchecked((int)0x8004103A), e.HResult);
        Assert.Equal(1, e.Line);
        Assert.Equal(column, e.Column);
        Assert.False(CimObjectPath.TryParse(text, out _));
    }

    [Fact]
    public void Parse_TooLong_ThrowsAtColumnAfterLimit()
    {
        var text = "C.K=\"" + new string('x', CimObjectPath.MaxLength) + "\"";
        var e = Assert.Throws<WbemException>(() => CimObjectPath.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, e.ErrorCode);
        Assert.Equal(CimObjectPath.MaxLength + 1, e.Column);
        Assert.Contains("WBEM_MAX_PATH", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Whitespace_MessageSaysRemoveIt()
    {
        var e = Assert.Throws<WbemException>(() => CimObjectPath.Parse("C.K=1,\tJ=2"));
        Assert.Equal(7, e.Column);
        Assert.Contains("whitespace", e.Message, StringComparison.Ordinal);
    }
}

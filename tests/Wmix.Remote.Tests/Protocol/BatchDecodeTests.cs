using System.Text;
using Wmix.Cim;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Tests.Protocol;

/// <summary>
/// The decode paths added for enumeration throughput (issue #6): the UTF-8 text path and its fall-backs, and the
/// per-message memo that items of one batch share (it must never carry one item's shape or class to another).
/// </summary>
public sealed class BatchDecodeTests
{
    private const string Soap = "http://www.w3.org/2003/05/soap-envelope";
    private const string Enumeration = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
    private const string ItemNs = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Test_Item";
    private const string OtherNs = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/other/Test_Item";

    private static string Pull(string items) =>
        $"<s:Envelope xmlns:s=\"{Soap}\" xmlns:n=\"{Enumeration}\"><s:Header/><s:Body><n:PullResponse><n:EnumerationContext>c</n:EnumerationContext>"
        + $"<n:Items>{items}</n:Items></n:PullResponse></s:Body></s:Envelope>";

    private static IReadOnlyList<CimObject> Items(byte[] message, ICimClassResolver? classes = null) =>
        ((PullResponseBody)WsManReader.Read(message, new CimXmlReadContext(@"root\cimv2", classes)).Body).Items;

    [Fact]
    public void Read_UntypedItemsOfOneClassWithDifferentShapes_EachKeepsItsOwn()
    {
        var xml = Pull(
            $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>1</p:Id><p:Name>a</p:Name></p:Test_Item>"
            + $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>2</p:Id><p:Name>b</p:Name></p:Test_Item>"
            + $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>3</p:Id><p:Tags>x</p:Tags><p:Tags>y</p:Tags></p:Test_Item>"
            + $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>4</p:Id><p:Tags>z</p:Tags></p:Test_Item>"
            + $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>5</p:Id><p:Name>e</p:Name></p:Test_Item>");
        var items = Items(Encoding.UTF8.GetBytes(xml));

        Assert.Equal(5, items.Count);
        Assert.Equal(["Id", "Name"], items[0].Properties.Select(p => p.Name));
        Assert.Same(items[0].Class, items[1].Class);
        Assert.Equal("b", items[1]["Name"]);
        Assert.Equal(["Id", "Tags"], items[2].Properties.Select(p => p.Name));
        Assert.True(items[2].Class.FindProperty("Tags")!.IsArray);
        Assert.Equal(new[] { "x", "y" }, (string[])items[2]["Tags"]!);
        // One repetition: a scalar, so a different shape from the item before.
        Assert.False(items[3].Class.FindProperty("Tags")!.IsArray);
        Assert.Equal("z", items[3]["Tags"]);
        Assert.Equal(["Id", "Name"], items[4].Properties.Select(p => p.Name));
        Assert.Equal("e", items[4]["Name"]);
    }

    [Fact]
    public void Read_ItemsOfOneClassInTwoNamespaces_ResolveEachNamespace()
    {
        var resolver = new CountingResolver();
        var xml = Pull(
            $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>1</p:Id></p:Test_Item>"
            + $"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>2</p:Id></p:Test_Item>"
            + $"<p:Test_Item xmlns:p=\"{OtherNs}\"><p:Id>3</p:Id></p:Test_Item>");
        var items = Items(Encoding.UTF8.GetBytes(xml), resolver);

        Assert.Equal([@"root\cimv2", @"root\cimv2", @"root\other"], items.Select(i => i.Namespace));
        Assert.Equal([1u, 2u, 3u], items.Select(i => (uint)i["Id"]!));
        // Asked once per (namespace, class) in the message, not once per item.
        Assert.Equal([@"root\cimv2", @"root\other"], resolver.Asked);
    }

    [Theory]
    [InlineData("utf-16LE-bom")]
    [InlineData("utf-16BE-bom")]
    [InlineData("utf-8-bom")]
    [InlineData("utf-8-declared")]
    [InlineData("latin1-declared")]
    public void Read_EncodingsTheStreamPathAccepted_StillRead(string form)
    {
        var body = Pull($"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Id>1</p:Id><p:Name>caf\u00e9 \u2603</p:Name></p:Test_Item>");
        var bytes = form switch
        {
            "utf-16LE-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(body)],
            "utf-16BE-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(body)],
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(body)],
            "utf-8-declared" => Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + body),
            _ => Encoding.Latin1.GetBytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + body.Replace(" \u2603", "", StringComparison.Ordinal)),
        };
        var item = Assert.Single(Items(bytes));
        Assert.Equal(form == "latin1-declared" ? "caf\u00e9" : "caf\u00e9 \u2603", item["Name"]);
    }

    [Fact]
    public void Read_InvalidUtf8_IsMalformed()
    {
        var bytes = Encoding.UTF8.GetBytes(Pull($"<p:Test_Item xmlns:p=\"{ItemNs}\"><p:Name>ab</p:Name></p:Test_Item>"));
        var at = bytes.AsSpan().IndexOf(">ab<"u8) + 2;
        bytes[at] = 0xC3; // a two-byte lead followed by '<': not UTF-8
        var e = Assert.Throws<WsManProtocolException>(() => Items(bytes));
        Assert.Equal(WsManProtocolError.Malformed, e.Error);
    }

    private sealed class CountingResolver : ICimClassResolver
    {
        public List<string?> Asked { get; } = [];

        public CimClass? ResolveClass(string? @namespace, string className)
        {
            Asked.Add(@namespace);
            var cls = new CimClass(className);
            cls.AddProperty("Id", CimType.UInt32, isKey: true);
            return (CimClass)cls.Freeze();
        }
    }
}

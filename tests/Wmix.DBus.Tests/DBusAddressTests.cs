namespace Wmix.DBus.Tests;

public sealed class DBusAddressTests
{
    [Fact]
    public void Parse_SeveralEntriesWithEscapes_Unescaped()
    {
        var entries = DBusAddress.Parse("unix:path=/tmp/a%20b%2cc,guid=0123;unix:abstract=/tmp/dbus-X;tcp:host=h,port=1;");
        Assert.Equal(3, entries.Count);
        Assert.Equal("unix", entries[0].Transport);
        Assert.Equal("/tmp/a b,c", entries[0].Options["path"]);
        Assert.Equal("0123", entries[0].Options["guid"]);
        Assert.Equal("/tmp/dbus-X", entries[1].Options["abstract"]);
        Assert.Equal("tcp", entries[2].Transport);
        Assert.Throws<NotSupportedException>(() => entries[2].ToEndPoint());
    }

    [Theory]
    [InlineData("")]
    [InlineData("nocolon")]
    [InlineData("unix:path")]
    [InlineData("unix:path=a,path=b")]
    [InlineData("unix:path=%zz")]
    [InlineData("unix:path=%2")]
    public void Parse_Malformed_FormatException(string address) => Assert.Throws<FormatException>(() => DBusAddress.Parse(address));

    [Fact]
    public void Escape_Unescape_RoundTrip()
    {
        const string path = "/tmp/ä b,c;d=e%f";
        Assert.Equal(path, DBusAddress.Parse("unix:path=" + DBusAddress.Escape(path))[0].Options["path"]);
    }

    [Fact]
    public void SystemBus_Environment_OverridesDefault()
    {
        var saved = Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
        try
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", null);
            Assert.Equal("unix:path=/run/dbus/system_bus_socket", DBusAddress.SystemBus);
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/x");
            Assert.Equal("unix:path=/x", DBusAddress.SystemBus);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS", saved);
        }
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/org/freedesktop/systemd1/unit/ssh_2eservice", true)]
    [InlineData("", false)]
    [InlineData("//", false)]
    [InlineData("/a/", false)]
    [InlineData("/a-b", false)]
    public void IsObjectPath_Cases(string path, bool valid) => Assert.Equal(valid, DBusNames.IsObjectPath(path));

    [Theory]
    [InlineData(":1.42", true)]
    [InlineData("org.freedesktop.systemd1", true)]
    [InlineData("org.a-b.c", true)]
    [InlineData("org", false)]
    [InlineData("org.1a", false)]
    [InlineData(":", false)]
    public void IsBusName_Cases(string name, bool valid) => Assert.Equal(valid, DBusNames.IsBusName(name));
}

using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>
/// SWbemObjectSet in the three calling modes ("Making a Semisynchronous Call with VBScript",
/// wbemFlagReturnImmediately + wbemFlagForwardOnly), SWbemObjectPath, SWbemDateTime, SWbemLocator and SWbemLastError.
/// </summary>
public sealed class ObjectSetScenarios
{
    private const int Semisync = (int)WbemFlagEnum.wbemFlagReturnImmediately;
    private const int ForwardOnly = (int)(WbemFlagEnum.wbemFlagReturnImmediately | WbemFlagEnum.wbemFlagForwardOnly);

    private static SWbemServicesEx WithInstances(ScratchNamespace scratch, int count)
    {
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Set");
        for (var i = 0; i < count; i++)
        {
            Scenario.PutInstance(s, "Qa_Set", "n" + i, i);
        }
        return s;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Semisync)]
    public void Bidirectional_CountItemIndexItemAndEnumerateTwice(int flags)
    {
        using var scratch = new ScratchNamespace();
        var s = WithInstances(scratch, 5);
        var set = s.ExecQuery("SELECT * FROM Qa_Set", iFlags: flags);
        Assert.Equal(5, set.Count);
        Assert.Equal(5, set.Cast<SWbemObject>().Count());
        Assert.Equal(5, set.Cast<SWbemObject>().Count());
        var first = set.ItemIndex(0);
        Assert.Equal("Qa_Set", first.Path_.Class);
        Assert.Equal(3, set.Item("Qa_Set.Name=\"n3\"").Properties_.Item("Size").Value);
        Assert.Equal(3, set["Qa_Set.Name='n3'"].Properties_.Item("Size").Value);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Scenario.Throws(() => set.ItemIndex(-1)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => set.ItemIndex(5)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => set.Item("Qa_Set.Name=\"none\"")).ErrorCode);
        first.Clone_();
    }

    [Fact]
    public void ForwardOnly_OnePassNoCountNoClone()
    {
        using var scratch = new ScratchNamespace();
        var s = WithInstances(scratch, 4);
        var set = s.ExecQuery("SELECT * FROM Qa_Set", "WQL", ForwardOnly);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Scenario.Throws(() => _ = set.Count).ErrorCode);
        var seen = new List<SWbemObject>();
        foreach (SWbemObject o in set)
        {
            seen.Add(o);
        }
        Assert.Equal(4, seen.Count);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Scenario.Throws(() => seen[0].Clone_()).ErrorCode);
        // A second For Each yields nothing or fails.
        try
        {
            Assert.Empty(set.Cast<SWbemObject>());
        }
        catch (WbemException e)
        {
            Assert.True(e.ErrorCode is WbemErrorEnum.wbemErrFailed or WbemErrorEnum.wbemErrInvalidOperation, e.ErrorCode.ToString());
        }
    }

    [Fact]
    public void Semisync_BadClassSurfacesAtEnumeration_SyncAtTheCall()
    {
        var s = Scenario.Connect();
        var set = s.ExecQuery("SELECT * FROM Qa_NoSuchClass_Set", iFlags: ForwardOnly);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Scenario.Throws(() => set.Cast<SWbemObject>().ToList()).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Scenario.Throws(() => s.ExecQuery("SELECT * FROM Qa_NoSuchClass_Set", iFlags: 0)).ErrorCode);
        var last = new SWbemLastError();
        Assert.Equal(unchecked((int)0x80041010), last.Properties_.Item("StatusCode").Value);
        Assert.False(string.IsNullOrEmpty((string?)last.Properties_.Item("Operation").Value));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, Scenario.Throws(() => s.ExecQuery("SELEC * FROM Win32_Process", iFlags: 0)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, Scenario.Throws(() => s.ExecQuery("SELECT * FROM Win32_Process WHERE Name IS 5", iFlags: 0)).ErrorCode);
    }

    [Fact]
    public void Win32ProcessQueries_SelectedPropertiesKeysAndSystemProperties()
    {
        var s = Scenario.Connect();
        var me = s.ExecQuery($"SELECT Name FROM Win32_Process WHERE ProcessId = {Environment.ProcessId}", iFlags: ForwardOnly).Cast<SWbemObject>().Single();
        Assert.Equal("Win32_Process", me.Path_.Class);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), me.Properties_.Item("Handle").Value);
        Assert.NotNull(me.Properties_.Item("Name").Value);
        Assert.Equal($"Win32_Process.Handle=\"{Environment.ProcessId}\"", me.Path_.RelPath);
        var all = s.InstancesOf("Win32_Process");
        Assert.True(all.Count > 1);
        Assert.Contains(all.Cast<SWbemObject>(), p => (string?)p.Properties_.Item("Handle").Value == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var os = s.InstancesOf("Win32_OperatingSystem").ItemIndex(0);
        var boot = new SWbemDateTime { Value = (string)os.Properties_.Item("LastBootUpTime").Value! };
        Assert.True(boot.GetVarDate() < DateTime.Now);
        Assert.Single(s.ExecQuery("ASSOCIATORS OF {Win32_Process.Handle=\"" + Environment.ProcessId + "\"} WHERE AssocClass = Win32_SystemProcesses", iFlags: 0).Cast<SWbemObject>());
    }

    [Fact]
    public void ObjectPath_ParseBuildAndCompare()
    {
        var p = new SWbemObjectPath { Path = @"\\.\root\cimv2:Win32_LogicalDisk.DeviceID=""C:""" };
        Assert.Equal(".", p.Server);
        Assert.Equal(@"root\cimv2", p.Namespace);
        Assert.Equal("root", p.ParentNamespace);
        Assert.Equal("Win32_LogicalDisk", p.Class);
        Assert.Equal("Win32_LogicalDisk.DeviceID=\"C:\"", p.RelPath);
        Assert.Equal("C:", p.Keys.Item("DeviceID").Value);
        Assert.False(p.IsClass);
        Assert.False(p.IsSingleton);
        var built = new SWbemObjectPath { Class = "C" };
        built.Keys.Add("IntVal", 33);
        built.Keys.Add("StrVal", "AAA");
        Assert.False(built.IsClass);
        var other = new SWbemObjectPath { RelPath = "c.strval=\"AAA\",intval=33" };
        Assert.Equal(33, Convert.ToInt32(other.Keys.Item("IntVal").Value, System.Globalization.CultureInfo.InvariantCulture));
        var single = new SWbemObjectPath { RelPath = "Win32_WMISetting=@" };
        Assert.True(single.IsSingleton);
        var cls = new SWbemObjectPath { Path = "Win32_Process.Handle=\"1\"" };
        cls.SetAsClass();
        Assert.True(cls.IsClass);
        Assert.Equal("Win32_Process", cls.RelPath);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, Scenario.Throws(() => _ = new SWbemObjectPath { Path = "Win32_Process.Handle=" }).ErrorCode);
        var moniker = new SWbemObjectPath { Path = @"\\.\root\cimv2:Win32_Process.Handle=""1""" }.DisplayName;
        Assert.StartsWith("winmgmts:", moniker, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("impersonationLevel=impersonate", moniker, StringComparison.Ordinal);
        Assert.EndsWith(@"!\\.\root\cimv2:Win32_Process.Handle=""1""", moniker, StringComparison.Ordinal);
        var parsed = new SWbemObjectPath { DisplayName = "winmgmts:{impersonationLevel=impersonate}!root/cimv2:Win32_Process.Handle=\"1\"" };
        Assert.Equal("Win32_Process", parsed.Class);
        Assert.Equal("1", parsed.Keys.Item("Handle").Value);
    }

    [Fact]
    public void DateTime_DocumentedVectors()
    {
        Assert.Equal("00000101000000.000000+000", new SWbemDateTime().Value);
        var wild = new SWbemDateTime { Value = "19980416******.000000+***" };
        Assert.False(wild.HoursSpecified);
        Assert.False(wild.UTCSpecified);
        Assert.Equal(1998, wild.Year);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, Scenario.Throws(() => new SWbemDateTime().Value = "199*0416******.000000+***").ErrorCode);
        var interval = new SWbemDateTime { Value = "00000001120032.000000:000" };
        Assert.True(interval.IsInterval);
        Assert.Equal(1, interval.Day);
        Assert.Equal(12, interval.Hours);
        Assert.Equal(32, interval.Seconds);
        var d = new SWbemDateTime();
        d.SetVarDate(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), false);
        Assert.Equal("20010203040506.000000+000", d.Value);
        var ft = new SWbemDateTime();
        ft.SetFileTime(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc).ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture), false);
        Assert.Equal("20010203040506.000000+000", ft.Value);
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc).ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture), ft.GetFileTime(false));
        var offset = new SWbemDateTime { Value = "20010203040506.000000+060" };
        Assert.Equal(60, offset.UTC);
        Assert.Equal(new DateTime(2001, 2, 3, 3, 5, 6, DateTimeKind.Utc), offset.GetVarDate(false));
    }

    [Fact]
    public void Locator_DocumentedErrors()
    {
        var locator = new SWbemLocator();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Scenario.Throws(() => locator.ConnectServer(".", @"root\nope_qa")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrLocalCredentials, Scenario.Throws(() => locator.ConnectServer(".", @"root\cimv2", "user", "password")).ErrorCode);
        var services = locator.ConnectServer("", @"ROOT\CIMV2");
        Assert.NotNull(services.Get("Win32_Process"));
        var slash = locator.ConnectServer("localhost", "root/cimv2");
        Assert.NotNull(slash.Get("Win32_Process"));
        // Default namespace is root\cimv2.
        Assert.NotNull(locator.ConnectServer().Get("Win32_Process"));
    }

    [Fact]
    public void LastError_AfterFailedGet_ThenReset()
    {
        var s = Scenario.Connect();
        Scenario.Throws(() => s.Get("Win32_Process.Handle=\"999999999\""));
        var last = new SWbemLastError();
        Assert.Equal(unchecked((int)0x80041002), last.Properties_.Item("StatusCode").Value);
        Assert.Equal("__ExtendedStatus", last.Path_.Class);
        Assert.Contains("__ExtendedStatus", last.GetObjectText_(), StringComparison.Ordinal);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => _ = new SWbemLastError()).ErrorCode);
    }

    [Fact]
    public void NamedValueSet_DocumentedVectors()
    {
        var set = new SWbemNamedValueSet();
        set.Add("Key", 1);
        set.Add("KEY", 2);
        Assert.Equal(1, set.Count);
        Assert.Equal(2, set.Item("key").Value);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => set.Item("none")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => set.Remove("none")).ErrorCode);
        var copy = set.Clone();
        copy.Item("key").Value = 3;
        Assert.Equal(2, set.Item("key").Value);
    }
}

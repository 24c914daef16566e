using CsCheck;
using Wmix.Scripting.Tests.Support;

namespace Wmix.Scripting.Tests;

/// <summary>Named values (§3.2, vector 31), SWbemDateTime (§6.2, vector 47), SWbemObjectPath (§6.1, vector 46), last error (§3.3).</summary>
public sealed class ValueTests
{
    [Fact]
    public void NamedValueSet_AddCaseInsensitive_Replaces()
    {
        var set = new SWbemNamedValueSet();
        set.Add("Key", 1);
        set.Add("KEY", 2);
        Assert.Equal(1, set.Count);
        Assert.Equal(2, set.Item("key").Value);
        Assert.Equal(2, set["kEy"].Value);
    }

    [Fact]
    public void NamedValueSet_MissingItemOrRemove_NotFound()
    {
        var set = new SWbemNamedValueSet();
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => set.Item("x")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => set.Remove("x")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => set.Add("", 1)).ErrorCode);
    }

    [Fact]
    public void NamedValueSet_CloneIsDeep_DeleteAllEmpties()
    {
        var set = new SWbemNamedValueSet();
        set.Add("a", 1);
        set.Add("arr", new[] { 1, 2, 3 });
        var inner = new SWbemNamedValueSet();
        inner.Add("x", "y");
        set.Add("inner", inner);
        var copy = set.Clone();
        copy.Item("a").Value = 5;
        ((int[])copy.Item("arr").Value!)[0] = 9;
        ((SWbemNamedValueSet)copy.Item("inner").Value!).Add("x", "z");
        copy.Remove("a");
        Assert.Equal(1, set.Item("a").Value);
        Assert.Equal(1, ((int[])set.Item("arr").Value!)[0]);
        Assert.Equal("y", ((SWbemNamedValueSet)set.Item("inner").Value!).Item("x").Value);
        set.DeleteAll();
        Assert.Equal(0, set.Count);
        Assert.Equal(2, copy.Count);
    }

    [Fact]
    public void NamedValueSet_Property_AddThenItemReturnsLastValue()
    {
        Gen.Select(Gen.String[1, 8], Gen.Int).Array[1, 20].Sample(pairs =>
        {
            var set = new SWbemNamedValueSet();
            var expected = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in pairs)
            {
                set.Add(name, value);
                expected[name] = value;
            }
            Assert.Equal(expected.Count, set.Count);
            foreach (var (name, value) in expected)
            {
                Assert.Equal(value, set.Item(name.ToUpperInvariant()).Value);
            }
        });
    }

    [Fact]
    public void DateTime_NewValue_IsDocumentedDefault()
    {
        var dt = new SWbemDateTime();
        Assert.Equal("00000101000000.000000+000", dt.Value);
        Assert.False(dt.IsInterval);
    }

    [Fact]
    public void DateTime_Wildcards_ValidOnlyWholeFields()
    {
        // Vector 47.
        var dt = new SWbemDateTime { Value = "19980416******.000000+***" };
        Assert.Equal(1998, dt.Year);
        Assert.True(dt.DaySpecified);
        Assert.False(dt.HoursSpecified);
        Assert.False(dt.UTCSpecified);
        Assert.Equal("19980416******.000000+***", dt.Value);
        var e = Assert.Throws<WbemException>(() => dt.Value = "199*0416******.000000+***");
        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, e.ErrorCode);
        Assert.Equal("19980416******.000000+***", dt.Value);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Assert.Throws<WbemException>(() => dt.GetVarDate()).ErrorCode);
    }

    [Fact]
    public void DateTime_Interval_DayCountAndFields()
    {
        var dt = new SWbemDateTime { Value = "00000001120032.000000:000" };
        Assert.True(dt.IsInterval);
        Assert.Equal(1, dt.Day);
        Assert.Equal(12, dt.Hours);
        Assert.Equal(0, dt.Minutes);
        Assert.Equal(32, dt.Seconds);
        var built = new SWbemDateTime { IsInterval = true, Day = 100, Hours = 1, Seconds = 3 };
        Assert.Equal("00000100010003.000000:000", built.Value);
        Assert.Throws<WbemException>(() => built.DaySpecified = false);
    }

    [Fact]
    public void DateTime_Components_ComposeValue()
    {
        var dt = new SWbemDateTime { Year = 2024, Month = 2, Day = 29, Hours = 23, Minutes = 59, Seconds = 58, Microseconds = 123456, UTC = -300 };
        Assert.Equal("20240229235958.123456-300", dt.Value);
        dt.MonthSpecified = false;
        Assert.Equal("2024**29235958.123456-300", dt.Value);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => dt.Month = 13).ErrorCode);
    }

    [Fact]
    public void DateTime_VarDateAndFileTime_RoundTrip()
    {
        var dt = new SWbemDateTime();
        var utc = new DateTime(2000, 5, 24, 19, 26, 5, DateTimeKind.Utc);
        dt.SetVarDate(utc, false);
        Assert.Equal("20000524192605.000000+000", dt.Value);
        Assert.Equal(utc, dt.GetVarDate(false));
        Assert.Equal(utc.ToLocalTime(), dt.GetVarDate());
        Assert.Equal(utc.ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture), dt.GetFileTime(false));

        dt.SetFileTime("126036951652030000", false);
        Assert.Equal("20000525022605.203000+000", dt.Value);
        Assert.Equal("126036951652030000", dt.GetFileTime(false));
        dt.SetFileTime("126036951652030000");
        Assert.Equal("126036951652030000", dt.GetFileTime());
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => dt.SetFileTime("abc")).ErrorCode);

        var local = new DateTime(2021, 7, 1, 8, 30, 0, DateTimeKind.Unspecified);
        dt.SetVarDate(local);
        Assert.Equal(local, DateTime.SpecifyKind(dt.GetVarDate(), DateTimeKind.Unspecified));
    }

    [Fact]
    public void DateTime_Property_ValueRoundTrips()
    {
        Gen.Select(Gen.Int[1, 9999], Gen.Int[1, 12], Gen.Int[1, 28], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 59], Gen.Int[0, 999_999], Gen.Int[-720, 720])
            .Sample((y, mo, d, h, mi, s, us, off) =>
            {
                var dt = new SWbemDateTime { Year = y, Month = mo, Day = d, Hours = h, Minutes = mi, Seconds = s, Microseconds = us, UTC = off };
                var again = new SWbemDateTime { Value = dt.Value };
                Assert.Equal(dt.Value, again.Value);
                Assert.Equal((y, mo, d, h, mi, s, us, off), (again.Year, again.Month, again.Day, again.Hours, again.Minutes, again.Seconds, again.Microseconds, again.UTC));
            });
    }

    [Fact]
    public void ObjectPath_KeysOrderAndCaseInsensitiveEquivalence()
    {
        // Vector 46.
        var a = new SWbemObjectPath { Path = "C.IntVal=33,StrVal=\"AAA\"" };
        var b = new SWbemObjectPath { Path = "c.strval=\"AAA\",intval=33" };
        Assert.Equal(Cim.CimObjectPath.Parse(a.Path), Cim.CimObjectPath.Parse(b.Path));
        Assert.Equal(2, a.Keys.Count);
        Assert.Equal(33L, Convert.ToInt64(a.Keys.Item("intval").Value, System.Globalization.CultureInfo.InvariantCulture));
        var s = new SWbemObjectPath { Path = "S=@" };
        Assert.True(s.IsSingleton);
        Assert.False(s.IsClass);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, Assert.Throws<WbemException>(() => s.Path = "C.=").ErrorCode);
    }

    [Fact]
    public void ObjectPath_BuiltPieceByPiece()
    {
        var p = new SWbemObjectPath { Server = "srv", Namespace = "root/cimv2", Class = "Win32_LogicalDisk" };
        Assert.True(p.IsClass);
        Assert.Equal(@"\\srv\root\cimv2:Win32_LogicalDisk", p.Path);
        p.Keys.Add("DeviceID", "C:");
        Assert.False(p.IsClass);
        Assert.Equal(@"\\srv\root\cimv2:Win32_LogicalDisk.DeviceID=""C:""", p.Path);
        Assert.Equal(@"Win32_LogicalDisk.DeviceID=""C:""", p.RelPath);
        Assert.Equal("root", p.ParentNamespace);
        p.SetAsSingleton();
        Assert.Equal(0, p.Keys.Count);
        Assert.Equal(@"\\srv\root\cimv2:Win32_LogicalDisk=@", p.Path);
        p.SetAsClass();
        Assert.True(p.IsClass);
        p.DisplayName = @"winmgmts:{impersonationLevel=impersonate}[locale=ms_409]!\\.\root\default:StdRegProv";
        Assert.Equal("StdRegProv", p.Class);
        Assert.Equal("ms_409", p.Locale);
        Assert.Equal(WbemImpersonationLevelEnum.wbemImpersonationLevelImpersonate, p.Security_.ImpersonationLevel);
        Assert.StartsWith("WINMGMTS:{", p.DisplayName, StringComparison.Ordinal);
        Assert.EndsWith(@"!\\.\root\default:StdRegProv", p.DisplayName, StringComparison.Ordinal);
    }

    [Fact]
    public void LastError_PerThread_ResetOnRetrieval()
    {
        var svc = new SWbemServicesEx(new ScriptedConnection());
        Assert.Throws<WbemException>(() => svc.Get("Base.Name=\"nothing\""));
        Exception? other = null;
        var t = new Thread(() =>
        {
            try
            {
                _ = new SWbemLastError();
            }
            catch (WbemException e)
            {
                other = e;
            }
        });
        t.Start();
        t.Join();
        Assert.IsType<WbemException>(other);
        var err = new SWbemLastError();
        Assert.Equal((int)WbemErrorEnum.wbemErrNotFound, err.Properties_.Item("StatusCode").Value);
        Assert.Equal("__ExtendedStatus", err.Path_.Class);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => new SWbemLastError()).ErrorCode);
    }

    [Fact]
    public void Enums_HaveMicrosoftValues()
    {
        Assert.Equal(0x10, (int)WbemFlagEnum.wbemFlagReturnImmediately);
        Assert.Equal(0x20000, (int)WbemFlagEnum.wbemFlagUseAmendedQualifiers);
        Assert.Equal(2, (int)WbemQueryFlagEnum.wbemQueryFlagPrototype);
        Assert.Equal(0x40, (int)WbemChangeFlagEnum.wbemChangeFlagUpdateForceMode);
        Assert.Equal(101, (int)WbemCimtypeEnum.wbemCimtypeDatetime);
        Assert.Equal(103, (int)WbemCimtypeEnum.wbemCimtypeChar16);
        Assert.Equal(-1, (int)WbemTimeout.wbemTimeoutInfinite);
        Assert.Equal(0x80, (int)WbemConnectOptionsEnum.wbemConnectFlagUseMaxWait);
        Assert.Equal(6, (int)WbemAuthenticationLevelEnum.wbemAuthenticationLevelPktPrivacy);
        Assert.Equal(4, (int)WbemImpersonationLevelEnum.wbemImpersonationLevelDelegate);
        Assert.Equal(27, (int)WbemPrivilegeEnum.wbemPrivilegeManageVolume);
        Assert.Equal(1, (int)WbemTextFlagEnum.wbemTextFlagNoFlavors);
        Assert.Equal(2, (int)WbemObjectTextFormatEnum.wbemObjectTextFormatWMIDTD20);
        Assert.Equal(0x20, (int)WbemComparisonFlagEnum.wbemComparisonFlagIgnoreFlavor);
    }
}

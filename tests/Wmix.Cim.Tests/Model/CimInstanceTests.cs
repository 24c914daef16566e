namespace Wmix.Cim.Tests.Model;

public sealed class CimInstanceTests
{
    private static CimClass Process()
    {
        var c = new CimClass("Win32_Process");
        c.AddProperty("Handle", CimType.String, isKey: true);
        c.AddProperty("ProcessId", CimType.UInt32);
        c.AddProperty("Threads", CimType.UInt32, isArray: true);
        c.AddProperty("CreationDate", CimType.DateTime);
        c.AddProperty("Priority", CimType.UInt32, value: 8);
        return (CimClass)c.Freeze();
    }

    [Fact]
    public void SpawnInstance_HasDefaultsAndInstanceGenus()
    {
        var p = Process().SpawnInstance();
        Assert.Equal(8u, p["Priority"]);
        Assert.Null(p["ProcessId"]);
        Assert.Equal(2, p["__GENUS"]);
        Assert.Equal("Win32_Process", p["__CLASS"]);
        Assert.Null(p["__RELPATH"]); // key not set yet
        Assert.Null(p["__PATH"]);
    }

    [Fact]
    public void SetValue_ConvertsLikeWmi()
    {
        var p = Process().SpawnInstance();
        p["ProcessId"] = 42;          // int → uint32
        p["Handle"] = 42;             // number → string
        p["Threads"] = new[] { 1, 2 };
        Assert.Equal(42u, p["ProcessId"]);
        Assert.Equal("42", p["Handle"]);
        Assert.Equal(new uint[] { 1, 2 }, (uint[])p["Threads"]!);
        p["ProcessId"] = "43";
        Assert.Equal(43u, p["ProcessId"]);
    }

    [Fact]
    public void SetValue_Negative_IntoUnsigned_IsValueOutOfRange()
    {
        var p = Process().SpawnInstance();
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, Assert.Throws<WbemException>(() => p["ProcessId"] = -1).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch, Assert.Throws<WbemException>(() => p["ProcessId"] = "abc").ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch, Assert.Throws<WbemException>(() => p["Threads"] = 5).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch, Assert.Throws<WbemException>(() => p["CreationDate"] = "yesterday").ErrorCode);
    }

    [Fact]
    public void SetValue_UnknownOrSystemProperty_Fails()
    {
        var p = Process().SpawnInstance();
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => p["Nope"] = 1).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrReadOnly, Assert.Throws<WbemException>(() => p["__CLASS"] = "x").ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => p["Nope"]).ErrorCode);
    }

    [Fact]
    public void Paths_FollowKeysAndLocation()
    {
        var p = Process().SpawnInstance();
        p["Handle"] = "42";
        Assert.Equal("Win32_Process.Handle=\"42\"", p["__RELPATH"]);
        Assert.Null(p["__PATH"]); // not located yet
        var located = p.WithLocation("HOST", "root\\cimv2");
        Assert.Equal("\\\\HOST\\root\\cimv2:Win32_Process.Handle=\"42\"", located["__PATH"]);
        Assert.Equal("HOST", located["__SERVER"]);
        Assert.Equal("root\\cimv2", located["__NAMESPACE"]);
    }

    [Fact]
    public void Singleton_HasAtPath_KeylessHasNone()
    {
        var s = new CimClass("Wmix_Settings");
        s.Qualifiers.Set("Singleton", true);
        s.AddProperty("Level", CimType.UInt8);
        Assert.Equal("Wmix_Settings=@", s.SpawnInstance().RelativePath);
        var e = new CimClass("Wmix_Event");
        e.AddProperty("Level", CimType.UInt8);
        Assert.Null(e.SpawnInstance().RelativePath);
        Assert.Null(e.SpawnInstance()["__NAMESPACE"]);
    }

    [Fact]
    public void Clone_IsDeepAndIndependent()
    {
        var cls = Process();
        var a = cls.SpawnInstance();
        a["Threads"] = new uint[] { 1 };
        var b = (CimInstance)a.Clone();
        ((uint[])b["Threads"]!)[0] = 9;
        Assert.Equal(1u, ((uint[])a["Threads"]!)[0]);
        a.Freeze();
        Assert.Equal(WbemErrorEnum.wbemErrReadOnly, Assert.Throws<WbemException>(() => a["ProcessId"] = 1).ErrorCode);
        var c = a.Clone();
        c["ProcessId"] = 1;
        Assert.False(c.IsReadOnly);
    }

    [Fact]
    public void CompareTo_HonoursFlags()
    {
        var cls = Process();
        var a = cls.SpawnInstance();
        a["Handle"] = "abc";
        var b = (CimInstance)a.Clone();
        Assert.True(a.CompareTo(b));
        b["Handle"] = "ABC";
        Assert.False(a.CompareTo(b));
        Assert.True(a.CompareTo(b, CimComparisonFlags.IgnoreCase));
        var located = b.WithLocation("h", "root");
        Assert.False(a.CompareTo(located, CimComparisonFlags.IgnoreCase));
        Assert.True(a.CompareTo(located, CimComparisonFlags.IgnoreCase | CimComparisonFlags.IgnoreObjectSource));
        Assert.False(a.CompareTo(cls));
    }

    [Fact]
    public void EmbeddedObjects_AreReachableByPath()
    {
        var target = Process().SpawnInstance();
        target["Handle"] = "7";
        var evt = new CimClass("__InstanceCreationEvent");
        evt.AddProperty(new CimProperty("TargetInstance", CimType.Object));
        var e = evt.SpawnInstance();
        e["TargetInstance"] = target;
        Assert.True(e.TryGetValueByPath(["TargetInstance", "Handle"], out var v));
        Assert.Equal("7", v);
        Assert.False(e.TryGetValueByPath(["TargetInstance", "Nope"], out _));
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch, Assert.Throws<WbemException>(() => e["TargetInstance"] = "text").ErrorCode);
    }

    [Fact]
    public void GetObjectText_Instance_ListsValuedProperties()
    {
        var p = Process().SpawnInstance();
        p["Handle"] = "4\"2";
        p["Threads"] = new uint[] { 1, 2 };
        Assert.Equal(
            "instance of Win32_Process\n{\n" +
            "\tHandle = \"4\\\"2\";\n" +
            "\tThreads = {1, 2};\n" +
            "\tPriority = 8;\n" +
            "};\n", p.GetObjectText());
    }

    [Fact]
    public void InstanceQualifiers_AreClassToInstanceOnes()
    {
        var c = new CimClass("Wmix_Q");
        c.Qualifiers.Set(new CimQualifier("Shown", "yes", CimFlavor.ToInstance | CimFlavor.ToSubclass));
        c.Qualifiers.Set("Hidden", true);
        var i = c.SpawnInstance();
        Assert.NotNull(i.Qualifiers["Shown"]);
        Assert.Null(i.Qualifiers["Hidden"]);
        Assert.False(i.Qualifiers["Shown"]!.IsLocal);
    }
}

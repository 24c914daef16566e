using Wmix.Scripting.Tests.Support;

namespace Wmix.Scripting.Tests;

/// <summary>SWbemObject and its collections, dynamic access, copy-on-write; SWbemEventSource (vectors 26, 27).</summary>
public sealed class ObjectTests
{
    private readonly ScriptedConnection _conn = new();
    private readonly SWbemServicesEx _svc;

    public ObjectTests() => _svc = new SWbemServicesEx(_conn);

    [Fact]
    public void Dynamic_ReadWriteProperties_ScriptingValueForms()
    {
        dynamic b = _svc.Get("Base.Name=\"b1\"");
        Assert.Equal("b1", b.Name);
        Assert.Equal(1, b.Size);
        Assert.Equal("12345678901234", b.Big);
        Assert.Equal("Base", b.__CLASS);
        Assert.Equal(2, b.__GENUS);
        b.Size = 7;
        Assert.Equal(7, b.Size);
        b.Tags = new[] { "x", "y" };
        Assert.Equal(new[] { "x", "y" }, (string[])b.Tags);
        Assert.Throws<WbemException>(() => b.__CLASS = "Other");
        Assert.Throws<Microsoft.CSharp.RuntimeBinder.RuntimeBinderException>(() => b.NoSuchProperty);
        var dt = new SWbemDateTime { Year = 2020 };
        b.When = dt;
        Assert.Equal(dt.Value, b.When);
    }

    [Fact]
    public void CopyOnWrite_ChangeDoesNotTouchEngineObject()
    {
        var first = _svc.Get("Base.Name=\"b1\"");
        first.Properties_.Item("Size").Value = 100;
        dynamic again = _svc.Get("Base.Name=\"b1\"");
        Assert.Equal(1, again.Size);
        var clone = first.Clone_();
        clone.Properties_.Item("Size").Value = 5;
        Assert.Equal(100, first.Properties_.Item("Size").Value);
        Assert.False(first.CompareTo_(clone));
        Assert.True(first.CompareTo_(first.Clone_()));
    }

    [Fact]
    public void Dynamic_InvokeMethod_PositionalArgsByIdAndOutParamsByRef()
    {
        dynamic proc = _svc.Get("Proc");
        object? pid = null;
        int rv = proc.Create("notepad.exe", ref pid);
        Assert.Equal(0, rv);
        Assert.Equal(1011, pid);
        dynamic inst = _svc.Get("Proc.Handle=\"42\"");
        Assert.Equal(5, inst.Terminate());
    }

    [Fact]
    public void Properties_EnumerateAddRemove_OnNewClass()
    {
        var cls = _svc.Get();
        Assert.Equal("", cls.Path_.Class);
        Assert.Null(((SWbemObjectEx)cls).SystemProperties_.Item("__CLASS").Value);
        cls.Path_.Class = "NewClass";
        var p = cls.Properties_.Add("PropertyName", WbemCimtypeEnum.wbemCimtypeString);
        p.Qualifiers_.Add("key", true);
        cls.Properties_.Add("Counts", 19, true);
        Assert.Equal(2, cls.Properties_.Count);
        Assert.True(cls.Properties_.Item("counts").IsArray);
        Assert.Equal(WbemCimtypeEnum.wbemCimtypeUint32, cls.Properties_.Item("Counts").CIMType);
        Assert.Equal("NewClass", cls.Properties_.Item("PropertyName").Origin);
        Assert.True(cls.Properties_.Item("PropertyName").Qualifiers_.Item("KEY").PropagatesToInstance);
        cls.Properties_.Remove("Counts");
        Assert.Equal(["PropertyName"], cls.Properties_.Select(x => x.Name));
        var path = cls.Put_();
        Assert.Equal("NewClass", path.RelPath);
        var inst = _svc.Get("NewClass").SpawnInstance_();
        inst.Properties_.Item("PropertyName").Value = "My Instance";
        Assert.Equal("NewClass.PropertyName=\"My Instance\"", inst.Put_().RelPath);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidOperation, Assert.Throws<WbemException>(() => inst.Properties_.Add("X", 8)).ErrorCode);
    }

    [Fact]
    public void SpawnDerivedClass_InheritsAndNeedsName()
    {
        var derived = _svc.Get("Base").SpawnDerivedClass_();
        Assert.Equal(WbemErrorEnum.wbemErrIncompleteClass, Assert.Throws<WbemException>(() => derived.Put_()).ErrorCode);
        derived.Path_.Class = "Derived";
        Assert.Equal(["Base"], derived.Derivation_);
        Assert.False(derived.Properties_.Item("Name").IsLocal);
        Assert.Equal("Base", derived.Properties_.Item("Name").Origin);
        Assert.Equal(WbemErrorEnum.wbemErrIllegalOperation,
            Assert.Throws<WbemException>(() => _svc.Get("Base.Name=\"b1\"").SpawnInstance_()).ErrorCode);
    }

    [Fact]
    public void Qualifiers_AddRemoveFlavors()
    {
        var cls = _svc.Get("Base");
        var q = cls.Qualifiers_.Add("Description", "A base", bPropagatesToSubclasses: false, bOverridable: false);
        Assert.False(q.PropagatesToSubclass);
        Assert.False(q.IsOverridable);
        Assert.True(q.PropagatesToInstance);
        Assert.True(q.IsLocal);
        q.PropagatesToSubclass = true;
        Assert.True(cls.Qualifiers_.Item("description").PropagatesToSubclass);
        cls.Qualifiers_.Remove("Description");
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => cls.Qualifiers_.Item("Description")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrSystemProperty,
            Assert.Throws<WbemException>(() => ((SWbemObjectEx)cls).SystemProperties_.Item("__PATH").Qualifiers_).ErrorCode);
    }

    [Fact]
    public void Methods_InParametersAndOutParameters()
    {
        var create = _svc.Get("Proc").Methods_.Item("Create");
        Assert.Equal("Proc", create.Origin);
        Assert.Equal(["CommandLine"], create.InParameters!.Properties_.Select(p => p.Name));
        Assert.Contains("ReturnValue", create.OutParameters!.Properties_.Select(p => p.Name));
        Assert.Equal(3, _svc.Get("Proc").Methods_.Count);
        var inParams = create.InParameters.SpawnInstance_();
        inParams.Properties_.Item("CommandLine").Value = "abc";
        dynamic outParams = _svc.Get("Proc").ExecMethod_("Create", inParams)!;
        Assert.Equal(1003, outParams.ProcessId);
    }

    [Fact]
    public void GetObjectText_IsMof()
    {
        var text = _svc.Get("Base.Name=\"b1\"").GetObjectText_();
        Assert.Contains("instance of Base", text, StringComparison.Ordinal);
        Assert.Contains("Name = \"b1\"", text, StringComparison.Ordinal);
        Assert.Equal(WbemErrorEnum.wbemErrNotSupported,
            Assert.Throws<WbemException>(() => ((SWbemObjectEx)_svc.Get("Base")).GetText_(WbemObjectTextFormatEnum.wbemObjectTextFormatCIMDTD20)).ErrorCode);
    }

    [Fact]
    public void ExecNotificationQuery_FlagsMustBe48_NextEventTimesOutWithoutLoss()
    {
        // Vectors 26 and 27.
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter,
            Assert.Throws<WbemException>(() => _svc.ExecNotificationQuery("SELECT * FROM TestEvent", "WQL", 16)).ErrorCode);
        using var source = _svc.ExecNotificationQuery("SELECT * FROM TestEvent");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<WbemException>(() => source.NextEvent(500));
        Assert.Equal(WbemErrorEnum.wbemErrTimedout, e.ErrorCode);
        Assert.Equal(unchecked((int)0x80043001), e.HResult);
        Assert.InRange(sw.ElapsedMilliseconds, 400, 5000);
        _conn.Fire(1);
        _conn.Fire(2);
        dynamic first = source.NextEvent(1000);
        Assert.Equal(1, first.Seq);
        dynamic second = source.NextEvent();
        Assert.Equal(2, second.Seq);
        Assert.Throws<WbemException>(() => source.NextEvent(0));
        source.Dispose();
        Assert.Equal(0, _conn.SubscriptionCount);
    }

    [Fact]
    public void ObjectSet_ItemWithUnnamedKey_AndSecurity()
    {
        var set = _svc.InstancesOf("Base", 0x10 | 1);
        dynamic b1 = set.Item("Base=\"b1\"");
        Assert.Equal("b1", b1.Name);
        Assert.NotNull(set.Security_);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => set.Item("not a path!")).ErrorCode);
    }

    [Fact]
    public void FlagValidation_PerMethod()
    {
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => _svc.Get("Base", 0x10)).ErrorCode);
        Assert.NotNull(_svc.Get("Base", 0x20000));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => _svc.Delete("Base.Name=\"b1\"", 1)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => _svc.ExecMethod("Proc", "Create", null, 1)).ErrorCode);
        var inst = _svc.Get("Base.Name=\"b1\"");
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => inst.Put_(3)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => _svc.ExecQuery("SELECT * FROM Base", "WQL", 0x1000)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => _svc.ExecQuery(new string('x', 0x4001))).ErrorCode);
    }
}

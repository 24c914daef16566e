namespace Wmix.Cim.Tests.Model;

public sealed class CimClassTests
{
    internal static CimClass Base()
    {
        var c = new CimClass("CIM_Base");
        c.Qualifiers.Set("Abstract", true);
        c.Qualifiers.Set("Description", "A base class");
        c.AddProperty("Name", CimType.String, isKey: true);
        c.AddProperty("Size", CimType.UInt32, value: 5u);
        var p = new CimQualifierSet();
        p.Set("In", true);
        var o = new CimQualifierSet();
        o.Set("Out", true);
        c.AddMethod(new CimMethod("Resize", CimType.UInt32,
            [new CimParameter("NewSize", CimType.UInt32, qualifiers: p), new CimParameter("OldSize", CimType.UInt32, qualifiers: o)]));
        return (CimClass)c.Freeze();
    }

    [Fact]
    public void Derived_InheritsPropertiesMethodsAndSubclassQualifiers()
    {
        var d = new CimClass("Wmix_Derived", Base());
        d.AddProperty("Extra", CimType.Boolean);
        Assert.Equal(["Name", "Size", "Extra"], d.Properties.Select(p => p.Name));
        Assert.False(d.Properties[0].IsLocal);
        Assert.Equal("CIM_Base", d.Properties[0].ClassOrigin);
        Assert.True(d.Properties[2].IsLocal);
        Assert.Equal("Wmix_Derived", d.Properties[2].ClassOrigin);
        Assert.NotNull(d.Methods.Find("resize"));
        Assert.False(d.IsAbstract); // Abstract is Restricted: not inherited.
        Assert.Equal("A base class", d.Qualifiers.GetValue("description"));
        Assert.False(d.Qualifiers["Description"]!.IsLocal);
        Assert.Equal(5u, d.GetValue("size"));
    }

    [Fact]
    public void Freeze_EmbeddedObjectArrayDefault_FreezesTheElements()
    {
        var element = new CimClass("Element");
        var holder = new CimClass("Holder");
        holder.AddProperty(new CimProperty("Items", CimType.Object, isArray: true, value: new CimObject[] { element }));
        holder.Freeze();
        Assert.True(((CimObject[])holder.Properties[0].Value!)[0].IsReadOnly);
    }

    [Fact]
    public void SystemProperties_OfClass_AreWmis()
    {
        var mid = new CimClass("Wmix_Mid", Base()).Freeze();
        var leaf = new CimClass("Wmix_Leaf", (CimClass)mid);
        Assert.Equal(1, leaf["__GENUS"]);
        Assert.Equal("Wmix_Leaf", leaf["__CLASS"]);
        Assert.Equal("Wmix_Mid", leaf["__SUPERCLASS"]);
        Assert.Equal("CIM_Base", leaf["__DYNASTY"]);
        Assert.Equal(new[] { "Wmix_Mid", "CIM_Base" }, (string[])leaf["__DERIVATION"]!);
        Assert.Equal(2, leaf["__PROPERTY_COUNT"]);
        Assert.Equal("Wmix_Leaf", leaf["__RELPATH"]);
        Assert.Null(Base()["__SUPERCLASS"]);
        Assert.Equal("CIM_Base", Base()["__DYNASTY"]);
        Assert.True(leaf.IsA("cim_base"));
        Assert.False(leaf.IsA("Other"));
    }

    [Fact]
    public void AddProperty_OverrideWithOtherType_IsUpdateTypeMismatch()
    {
        var d = new CimClass("Wmix_Derived", Base());
        var e = Assert.Throws<WbemException>(() => d.AddProperty("Size", CimType.String));
        Assert.Equal(WbemErrorEnum.wbemErrUpdateTypeMismatch, e.ErrorCode);
    }

    [Fact]
    public void AddProperty_OverrideChangingDisableOverrideQualifier_IsOverrideNotAllowed()
    {
        var d = new CimClass("Wmix_Derived", Base());
        var q = new CimQualifierSet();
        q.Set("Key", false);
        var e = Assert.Throws<WbemException>(() => d.AddProperty(new CimProperty("Name", CimType.String, qualifiers: q)));
        Assert.Equal(WbemErrorEnum.wbemErrOverrideNotAllowed, e.ErrorCode);
    }

    [Fact]
    public void AddProperty_Override_KeepsOriginAndChangesDefault()
    {
        var d = new CimClass("Wmix_Derived", Base());
        d.AddProperty(new CimProperty("Size", CimType.UInt32, value: 9));
        var size = d.FindProperty("Size")!;
        Assert.Equal("CIM_Base", size.ClassOrigin);
        Assert.True(size.IsLocal);
        Assert.Equal(9u, size.Value);
    }

    [Fact]
    public void RemoveProperty_Inherited_IsPropagatedProperty()
    {
        var d = new CimClass("Wmix_Derived", Base());
        Assert.Equal(WbemErrorEnum.wbemErrPropagatedProperty, Assert.Throws<WbemException>(() => d.RemoveProperty("Size")).ErrorCode);
        d.AddProperty("Mine", CimType.SInt8);
        d.RemoveProperty("mine");
        Assert.Equal(-1, d.IndexOf("Mine"));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Assert.Throws<WbemException>(() => d.RemoveProperty("Nope")).ErrorCode);
    }

    [Fact]
    public void Frozen_RejectsChanges_CloneAccepts()
    {
        var b = Base();
        Assert.Equal(WbemErrorEnum.wbemErrReadOnly, Assert.Throws<WbemException>(() => b.AddProperty("X", CimType.String)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrReadOnly, Assert.Throws<WbemException>(() => b.Qualifiers.Set("X", true)).ErrorCode);
        var copy = (CimClass)b.Clone();
        copy.AddProperty("X", CimType.String);
        Assert.Equal(3, copy.Properties.Count);
        Assert.Equal(2, b.Properties.Count);
        Assert.True(copy.CompareTo(copy.Clone()));
    }

    [Fact]
    public void Methods_ParameterClasses_FollowWmi()
    {
        var m = Base().Methods.Find("Resize")!;
        var inParams = m.InParameters!;
        Assert.Equal("__PARAMETERS", inParams.Name);
        Assert.Equal(["NewSize"], inParams.Properties.Select(p => p.Name));
        var outParams = m.OutParameters!;
        Assert.Equal(["ReturnValue", "OldSize"], outParams.Properties.Select(p => p.Name));
        var args = inParams.SpawnInstance();
        args["NewSize"] = 7;
        Assert.Equal(7u, args["NewSize"]);
        Assert.Null(new CimMethod("Stop", CimType.None).InParameters);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidDuplicateParameter, Assert.Throws<WbemException>(() =>
            new CimMethod("M", CimType.None, [new CimParameter("A", CimType.String), new CimParameter("a", CimType.String)])).ErrorCode);
    }

    [Theory]
    [InlineData(CimType.Real32)]
    [InlineData(CimType.Object)]
    public void Validate_KeyOfIllegalType_IsCannotBeKey(CimType type)
    {
        var c = new CimClass("Wmix_Bad");
        c.AddProperty("K", type, isKey: true);
        Assert.Equal(WbemErrorEnum.wbemErrCannotBeKey, Assert.Throws<WbemException>(c.Validate).ErrorCode);
    }

    [Fact]
    public void Validate_SingletonWithKey_IsCannotBeSingleton()
    {
        var c = new CimClass("Wmix_Single");
        c.Qualifiers.Set("Singleton", true);
        c.AddProperty("K", CimType.String, isKey: true);
        Assert.Equal(WbemErrorEnum.wbemErrCannotBeSingleton, Assert.Throws<WbemException>(c.Validate).ErrorCode);
    }

    [Fact]
    public void Validate_NewKeyBelowKeyedParent_IsCannotChangeKeyInheritance()
    {
        var d = new CimClass("Wmix_Derived", Base());
        d.AddProperty("Id", CimType.UInt32, isKey: true);
        Assert.Equal(WbemErrorEnum.wbemErrCannotChangeKeyInheritance, Assert.Throws<WbemException>(d.Validate).ErrorCode);
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("a-b")]
    [InlineData("")]
    public void Constructor_BadName_IsInvalidClass(string name) =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Assert.Throws<WbemException>(() => new CimClass(name)).ErrorCode);

    [Fact]
    public void Constructor_NameTooLong_IsClassNameTooWide() =>
        Assert.Equal(WbemErrorEnum.wbemErrClassNameTooWide, Assert.Throws<WbemException>(() => new CimClass(new string('a', 256))).ErrorCode);

    [Fact]
    public void GetObjectText_Class_IsMof()
    {
        var text = Base().GetObjectText();
        Assert.Equal(
            "[Abstract, Description(\"A base class\")]\n" +
            "class CIM_Base\n{\n" +
            "\t[Key] string Name;\n" +
            "\tuint32 Size = 5;\n" +
            "\tuint32 Resize([In] uint32 NewSize, [Out] uint32 OldSize);\n" +
            "};\n", text);
    }

    [Fact]
    public void CreateEmpty_NoName_HasNullClassAndNoPath()
    {
        var empty = CimClass.CreateEmpty();
        Assert.Null(empty["__CLASS"]);
        Assert.Null(empty.RelativePath);
        Assert.Null(empty.Path);
        Assert.Empty(empty.Properties);
        var copy = (CimClass)empty.Clone();
        Assert.Equal(string.Empty, copy.Name);
    }
}

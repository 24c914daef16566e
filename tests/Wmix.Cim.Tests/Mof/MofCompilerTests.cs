namespace Wmix.Cim.Tests.Mof;

public sealed class MofCompilerTests
{
    internal static MofCompilationResult Compile(string mof, MofCompilerOptions? options = null) => new MofCompiler(options).Compile(mof);

    internal static CimClass Class(string mof, string name, MofCompilerOptions? options = null) =>
        Compile(mof, options).FindClass(name) ?? throw new InvalidOperationException($"{name} not compiled");

    private const string Base = """
        [Abstract, Description("Root")]
        class Test_Element
        {
            [Key, MaxLen(64)] string InstanceID;
            string Caption = "none";
        };
        """;

    [Fact]
    public void Compile_ClassWithSuperclass_InheritsAndOverrides()
    {
        var result = Compile(Base + """
            [Description("Leaf")]
            class Test_Leaf : Test_Element
            {
                [Override("Caption"), MaxLen(10)] string Caption;
                uint32 Size = 0x10;
            };
            """);
        Assert.Equal(["Test_Element", "Test_Leaf"], result.Classes.Select(c => c.Class.Name));
        var leaf = result.FindClass("test_leaf")!;
        Assert.True(leaf.IsReadOnly);
        Assert.Equal("Test_Element", leaf.SuperclassName);
        Assert.Equal(["InstanceID", "Caption", "Size"], leaf.Properties.Select(p => p.Name));
        Assert.True(leaf.Properties[0].IsKey);
        Assert.False(leaf.Properties[0].IsLocal);
        Assert.Equal("none", leaf.Properties[1].Value); // An override without a default keeps the inherited one.
        Assert.Equal(10u, leaf.Properties[1].Qualifiers.GetValue("MaxLen"));
        Assert.Equal("Test_Element", leaf.Properties[1].ClassOrigin);
        Assert.Equal(16u, leaf.GetValue("Size"));
        Assert.False(leaf.IsAbstract); // Abstract is Restricted.
        Assert.Equal("Leaf", leaf.Qualifiers.GetValue("Description"));
    }

    [Fact]
    public void Compile_Association_HasTwoTypedReferences()
    {
        var cls = Class(Base + """
            class Test_Thing : Test_Element { };
            [Association, Aggregation]
            class Test_Contains
            {
                [Key, Aggregate] Test_Element REF GroupComponent;
                [Key, Min(1), Max(1)] Test_Thing ref PartComponent;
            };
            """, "Test_Contains");
        Assert.True(cls.IsAssociation);
        var refs = cls.Properties.Where(p => p.Type == CimType.Reference).ToArray();
        Assert.Equal(["Test_Element", "Test_Thing"], refs.Select(r => r.ReferenceClassName));
        Assert.Equal(["GroupComponent", "PartComponent"], cls.KeyProperties.Select(p => p.Name));
        Assert.Equal(1u, refs[1].Qualifiers.GetValue("max"));
    }

    [Fact]
    public void Compile_UntypedReference_HasNoClass()
    {
        var cls = Class("class A { object ref Target; };", "A");
        Assert.Equal(CimType.Reference, cls.Properties[0].Type);
        Assert.Null(cls.Properties[0].ReferenceClassName);
    }

    [Fact]
    public void Compile_Indication_IsIndication()
    {
        var cls = Class("[Indication, Abstract] class Test_Event { datetime TimeCreated; };", "Test_Event");
        Assert.True(cls.IsIndication);
        Assert.True(cls.IsAbstract);
        Assert.Equal(CimType.DateTime, cls.Properties[0].Type);
    }

    [Fact]
    public void Compile_Arrays_VariableAndFixed()
    {
        var cls = Class("class A { uint8 Data[]; uint16 Fixed[10] = {1, 2, 3}; string Names[] = {}; };", "A");
        Assert.True(cls.Properties.All(p => p.IsArray));
        Assert.Equal(new ushort[] { 1, 2, 3 }, cls.GetValue("Fixed"));
        Assert.Equal(Array.Empty<string>(), cls.GetValue("Names"));
    }

    [Fact]
    public void Compile_EmbeddedObjects_AllFormsAreObjectType()
    {
        var cls = Class("""
            class Test_Part { [key] string Name; };
            class A
            {
                object Any;
                [EmbeddedObject] string AnyToo;
                [EmbeddedInstance("Test_Part")] string Part;
                Test_Part Parts[];
                [CIMTYPE("object:Test_Part")] object Typed;
            };
            """, "A");
        Assert.All(cls.Properties, p => Assert.Equal(CimType.Object, p.Type));
        Assert.Equal(new string?[] { null, null, "Test_Part", "Test_Part", "Test_Part" }, cls.Properties.Select(p => p.ReferenceClassName));
        Assert.True(cls.Properties[3].IsArray);
        Assert.False(cls.Properties[4].Qualifiers.Contains("CIMTYPE"));
    }

    [Fact]
    public void Compile_EmbeddedInstanceOfUnknownClass_IsInvalidClass()
    {
        var ex = Assert.Throws<WbemException>(() => Compile("class A {\n [EmbeddedInstance(\"Nope\")] string X; };"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, ex.ErrorCode);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void Compile_Methods_WithParameters()
    {
        var cls = Class("""
            class Test_Part { [key] string Name; };
            class A
            {
                [Static] uint32 Create([IN] string Name, [IN, OUT] uint32 Sizes[], [OUT] Test_Part REF Created,
                    [IN, EmbeddedInstance("Test_Part")] string Template);
                void Reset();
            };
            """, "A");
        var create = cls.Methods.Find("create")!;
        Assert.True(create.IsStatic);
        Assert.Equal(CimType.UInt32, create.ReturnType);
        Assert.Equal(["Name", "Sizes", "Created", "Template"], create.Parameters.Select(p => p.Name));
        Assert.True(create.Parameters[1].IsArray && create.Parameters[1].IsIn && create.Parameters[1].IsOut);
        Assert.Equal(CimType.Reference, create.Parameters[2].Type);
        Assert.Equal("Test_Part", create.Parameters[2].ReferenceClassName);
        Assert.Equal(CimType.Object, create.Parameters[3].Type);
        Assert.Equal(CimType.None, cls.Methods.Find("Reset")!.ReturnType);
        Assert.Equal(["Name", "Sizes", "Template"], create.InParameters!.Properties.Select(p => p.Name));
    }

    [Fact]
    public void Compile_QualifierValues_ArraysShorthandAndFlavors()
    {
        var cls = Class("""
            [Description("a" "b" "c"), Dynamic : ToInstance, Provider("P") : ToInstance ToSubclass DisableOverride]
            class A
            {
                [ValueMap{"0", "1"}, Values{"Off", "On"}, MappingStrings("single")] uint16 State;
            };
            """, "A");
        Assert.Equal("abc", cls.Qualifiers.GetValue("description"));
        Assert.Equal(CimFlavor.ToInstance | CimFlavor.ToSubclass, cls.Qualifiers["Dynamic"]!.Flavor);
        Assert.Equal(CimFlavor.ToInstance | CimFlavor.ToSubclass | CimFlavor.DisableOverride, cls.Qualifiers["Provider"]!.Flavor);
        var state = cls.Properties[0].Qualifiers;
        Assert.Equal(new[] { "0", "1" }, state.GetValue("ValueMap"));
        Assert.Equal(new[] { "Off", "On" }, state.GetValue("values"));
        Assert.Equal(new[] { "single" }, state.GetValue("MappingStrings")); // A single value for an array qualifier.
    }

    [Fact]
    public void Compile_QualifierFlavor_ComesFromDeclaration()
    {
        var result = Compile("""
            qualifier Sticky : boolean = false, scope(property), flavor(DisableOverride, Restricted);
            qualifier Note : string, scope(class, property);
            class A { [Sticky, Note("x")] string P; };
            """);
        var p = result.FindClass("A")!.Properties[0];
        Assert.Equal(CimFlavor.DisableOverride, p.Qualifiers["Sticky"]!.Flavor);
        Assert.Equal(CimFlavor.ToSubclass, p.Qualifiers["Note"]!.Flavor);
        Assert.Equal(2, result.Qualifiers.Count);
        var decl = result.Qualifiers[0].Declaration;
        Assert.Equal(("Sticky", CimType.Boolean, false, CimQualifierScope.Property), (decl.Name, decl.Type, decl.DefaultValue, decl.Scope));
    }

    [Fact]
    public void Compile_QualifierDeclaration_AllParts()
    {
        var decl = Compile("qualifier Tags : string[] = {\"a\"}, scope(class, association, indication, property, reference, method, parameter), flavor(EnableOverride, ToSubclass, Translatable);")
            .Qualifiers.Single().Declaration;
        Assert.True(decl.IsArray);
        Assert.Equal(new[] { "a" }, decl.DefaultValue);
        Assert.Equal(CimQualifierScope.Class | CimQualifierScope.Association | CimQualifierScope.Indication | CimQualifierScope.Property |
            CimQualifierScope.Reference | CimQualifierScope.Method | CimQualifierScope.Parameter, decl.Scope);
        Assert.Equal(CimFlavor.ToSubclass | CimFlavor.Amended, decl.Flavor);
    }

    [Fact]
    public void Compile_DisableOverrideQualifier_CannotChangeInSubclass()
    {
        var ex = Assert.Throws<WbemException>(() => Compile("""
            qualifier Fixed2 : string, scope(property), flavor(DisableOverride, ToSubclass);
            class A { [Fixed2("a")] string P; };
            class B : A {
              [Fixed2("b")] string P; };
            """));
        Assert.Equal(WbemErrorEnum.wbemErrOverrideNotAllowed, ex.ErrorCode);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void Compile_DisableOverrideQualifier_SameValueIsFine()
    {
        var b = Class("class A { [Key] string P; }; class B : A { [Key] string P; };", "B");
        Assert.True(b.Properties[0].IsKey);
    }

    [Fact]
    public void Compile_UndeclaredQualifier_IsInvalidQualifierUnlessAllowed()
    {
        const string Mof = "[Frobnicate(3)] class A { };";
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQualifier, Assert.Throws<WbemException>(() => Compile(Mof)).ErrorCode);
        var cls = Class(Mof, "A", MofCompilerOptions.Default with { AllowUndeclaredQualifiers = true });
        Assert.Equal(3, cls.Qualifiers.GetValue("frobnicate"));
        Assert.Equal(CimType.SInt32, cls.Qualifiers["Frobnicate"]!.Type);
    }

    [Fact]
    public void Compile_WmiStandardQualifiers_NeedNoDeclaration()
    {
        var cls = Class("""
            [Dynamic, Provider("CIMWin32"), UUID("{8502C4E0-5FBB-11D2-AAC1-006008C78BC7}"), Locale(1033)]
            class Win32_Thing { [key, read, CIM_Key] string Name; [write, Privileges{"SeDebugPrivilege"}] uint32 Priority; };
            """, "Win32_Thing");
        Assert.True(cls.IsDynamic);
        Assert.Equal(1033, cls.Qualifiers.GetValue("Locale"));
    }

    [Fact]
    public void Compile_QualifierResolver_SuppliesDeclarations()
    {
        var options = MofCompilerOptions.Default with
        {
            QualifierResolver = (ns, name) => name == "Custom" ? new CimQualifierDeclaration("Custom", CimType.UInt8, false, null, CimQualifierScope.Class, CimFlavor.None) : null,
        };
        Assert.Equal((byte)7, Class("[Custom(7)] class A { };", "A", options).Qualifiers.GetValue("Custom"));
    }

    [Fact]
    public void Compile_ClassResolver_ResolvesRepositoryClasses()
    {
        var parent = new CimClass("Repo_Base");
        parent.AddProperty("Name", CimType.String, isKey: true);
        var asked = new List<(string, string)>();
        var options = MofCompilerOptions.Default with
        {
            DefaultNamespace = "root\\cimv2",
            ClassResolver = (ns, name) =>
            {
                asked.Add((ns, name));
                return name == "Repo_Base" ? parent : null;
            },
        };
        var result = Compile("class Child : Repo_Base { Repo_Base ref Other; }; instance of Repo_Base { Name = \"x\"; };", options);
        Assert.Equal("Repo_Base", result.FindClass("Child")!.SuperclassName);
        Assert.Contains(("root\\cimv2", "Repo_Base"), asked);
        Assert.Equal("Repo_Base.Name=\"x\"", result.Instances[0].Instance.RelativePath);
    }

    [Fact]
    public void Compile_Instances_WithAliasesAndEmbeddedInstances()
    {
        var result = Compile("""
            class Test_Node { [Key] string Name; Test_Node ref Next; Test_Node ref All[]; object Payload; Test_Node Kids[]; };
            instance of Test_Node as $A { Name = "a"; Next = $B; All = {$A, $B, "Test_Node.Name=\"c\""}; };
            instance of Test_Node as $B
            {
                Name = "b";
                Payload = instance of Test_Node { Name = "inner"; };
                Kids = { instance of Test_Node { Name = "k1"; }, instance of Test_Node { Name = "k2"; } };
            };
            """);
        Assert.Equal(2, result.Instances.Count);
        var a = result.Instances[0];
        Assert.Equal("A", a.Alias);
        Assert.True(a.Instance.IsReadOnly);
        Assert.Equal("Test_Node.Name=\"b\"", a.Instance["Next"]);
        Assert.Equal(new[] { "Test_Node.Name=\"a\"", "Test_Node.Name=\"b\"", "Test_Node.Name=\"c\"" }, a.Instance["All"]);
        var b = result.Instances[1].Instance;
        Assert.Equal("inner", ((CimObject)b["Payload"]!)["Name"]);
        Assert.Equal(["k1", "k2"], ((CimObject[])b["Kids"]!).Select(k => (string)k["Name"]!));
        Assert.True(((CimObject)b["Payload"]!).IsReadOnly);
    }

    [Fact]
    public void Compile_AliasInKey_ResolvesInOrder()
    {
        var result = Compile("""
            class N { [Key] string Name; };
            [Association] class L { [Key] N ref A; [Key] N ref B; };
            [Association] class M { [Key] L ref Link; };
            instance of M { Link = $L; };
            instance of L as $L { A = $X; B = $Y; };
            instance of N as $X { Name = "x"; };
            instance of N as $Y { Name = "y"; };
            """);
        Assert.Equal("L.A=\"N.Name=\\\"x\\\"\",B=\"N.Name=\\\"y\\\"\"", result.Instances[0].Instance["Link"]);
    }

    [Fact]
    public void Compile_AliasCycleInKeys_IsCircularReference()
    {
        var ex = Assert.Throws<WbemException>(() => Compile("""
            class N { [Key] N ref Other; };
            instance of N as $A { Other = $B; };
            instance of N as $B { Other = $A; };
            """));
        Assert.Equal(WbemErrorEnum.wbemErrCircularReference, ex.ErrorCode);
    }

    [Fact]
    public void Compile_InstanceQualifiers_AreKept()
    {
        var i = Compile("""
            class A { [Key] string Name; uint32 V; };
            [Description("inst") : ToInstance] instance of A { [Description("name")] Name = "n"; V = 1; };
            """).Instances[0].Instance;
        Assert.Equal("inst", i.Qualifiers.GetValue("Description"));
        Assert.True(i.Qualifiers["Description"]!.IsLocal);
        Assert.Equal("name", i.PropertyQualifiers("Name").GetValue("Description"));
        Assert.Empty(i.PropertyQualifiers("V"));
        Assert.True(i.PropertyQualifiers("Name").IsReadOnly);
    }

    [Theory]
    [InlineData("sint32 V = 42;", 42)]
    [InlineData("sint32 V = -42;", -42)]
    [InlineData("sint32 V = +42;", 42)]
    [InlineData("sint32 V = 0x2A;", 42)]
    [InlineData("sint32 V = 0X2a;", 42)]
    [InlineData("sint32 V = 052;", 42)]
    [InlineData("sint32 V = 101010b;", 42)]
    [InlineData("sint32 V = 101010B;", 42)]
    [InlineData("sint32 V = 0;", 0)]
    [InlineData("sint32 V = -2147483648;", int.MinValue)]
    public void Compile_IntegerLiterals_AllRadixes(string property, int expected) =>
        Assert.Equal(expected, Class($"class A {{ {property} }};", "A").GetValue("V"));

    [Fact]
    public void Compile_IntegerLiterals_FullRanges()
    {
        var cls = Class("class A { uint64 U = 18446744073709551615; sint64 S = -9223372036854775808; uint8 B = 0xFF; sint8 N = -128; };", "A");
        Assert.Equal(ulong.MaxValue, cls.GetValue("U"));
        Assert.Equal(long.MinValue, cls.GetValue("S"));
        Assert.Equal((byte)255, cls.GetValue("B"));
        Assert.Equal((sbyte)-128, cls.GetValue("N"));
    }

    [Theory]
    [InlineData("1.5", 1.5)]
    [InlineData("-0.25", -0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("1.5e3", 1500.0)]
    [InlineData("2E-2", 0.02)]
    [InlineData("7", 7.0)]
    public void Compile_RealLiterals(string literal, double expected) =>
        Assert.Equal(expected, Class($"class A {{ real64 V = {literal}; }};", "A").GetValue("V"));

    [Fact]
    public void Compile_StringLiterals_EscapesAndConcatenation()
    {
        var cls = Class("""
            class A
            {
                string S = "a\b\t\n\f\r\"\'\\z" "-" "\x41\X00E9\x7";
                char16 C = 'q';
                char16 D = '\'';
                char16 E = '\x263A';
                char16 F = 65;
                boolean T = TRUE;
                boolean U = false;
                string N = NULL;
                datetime W = "20240102030405.000000+060";
            };
            """, "A");
        Assert.Equal("a\b\t\n\f\r\"'\\z-A\u00e9\u0007", cls.GetValue("S"));
        Assert.Equal('q', cls.GetValue("C"));
        Assert.Equal('\'', cls.GetValue("D"));
        Assert.Equal('\u263A', cls.GetValue("E"));
        Assert.Equal('A', cls.GetValue("F"));
        Assert.Equal(true, cls.GetValue("T"));
        Assert.Equal(false, cls.GetValue("U"));
        Assert.Null(cls.GetValue("N"));
        Assert.Equal("20240102030405.000000+060", cls.GetValue("W"));
    }

    [Fact]
    public void Compile_CommentsAndCase_AreIgnored()
    {
        var result = Compile("""
            // line comment
            /* block
               comment */ CLASS A /* inline */ { // trailing
                [KEY] STRING Name; };
            INSTANCE OF a { name = "x"; };
            """);
        Assert.True(result.FindClass("a")!.Properties[0].IsKey);
        Assert.Equal("x", result.Instances[0].Instance["Name"]);
    }

    [Fact]
    public void Compile_KeywordsAsNames_AreAllowed()
    {
        var cls = Class("""
            class Class
            {
                string Instance;
                uint32 Of;
                string Qualifier;
                boolean Scope;
                string Flavor;
                uint32 Ref;
                string Any;
                uint32 Property(string Class, uint32 Ref);
            };
            instance of Class { Instance = "i"; Of = 1; Ref = 2; };
            """, "Class");
        Assert.Equal(["Instance", "Of", "Qualifier", "Scope", "Flavor", "Ref", "Any"], cls.Properties.Select(p => p.Name));
        Assert.Equal(["Class", "Ref"], cls.Methods[0].Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Compile_Singleton_HasSingletonPath()
    {
        var i = Compile("[Singleton] class S { uint32 V; }; instance of S { V = 1; };").Instances[0].Instance;
        Assert.Equal("S=@", i.RelativePath);
    }

    [Fact]
    public void Compile_EmptyText_IsEmptyResult()
    {
        var result = Compile("  // nothing\n");
        Assert.Empty(result.Definitions);
        Assert.Empty(result.Namespaces);
    }

    [Fact]
    public void Compile_DefinitionsCarryLocationAndNamespace()
    {
        var result = new MofCompiler(MofCompilerOptions.Default with { DefaultNamespace = "root/test" }).Compile("\n\n  class A { };", "x.mof");
        var def = result.Classes[0];
        Assert.Equal("root\\test", def.Namespace);
        Assert.Equal(3, def.Location.Line);
        Assert.Equal(3, def.Location.Column);
        Assert.EndsWith("x.mof", def.Location.File, StringComparison.Ordinal);
        Assert.Equal(["root\\test"], result.Namespaces);
    }
}

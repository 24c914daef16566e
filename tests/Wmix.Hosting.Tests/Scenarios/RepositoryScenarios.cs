using System.Globalization;
using Wmix.Hosting.Tests.Support;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>
/// "Creating a WMI Class", "Modifying an Instance Property", "Put_", "SpawnDerivedClass_", "Delete_" (issue #5): user
/// classes and static instances in the durable repository, with WMI's change flags and errors.
/// </summary>
public sealed class RepositoryScenarios
{
    private static SWbemObject DefineRichClass(SWbemServices s, string name)
    {
        var part = s.Get();
        part.Path_.Class = name + "_Part";
        part.Properties_.Add("Label", WbemCimtypeEnum.wbemCimtypeString);
        part.Put_();

        var cls = s.Get();
        cls.Path_.Class = name;
        cls.Qualifiers_.Add("Description", "every CIM type");
        var key = cls.Properties_.Add("Id", WbemCimtypeEnum.wbemCimtypeString);
        key.Qualifiers_.Add("key", true);
        cls.Properties_.Add("S8", WbemCimtypeEnum.wbemCimtypeSint8);
        cls.Properties_.Add("U8", WbemCimtypeEnum.wbemCimtypeUint8);
        cls.Properties_.Add("S16", WbemCimtypeEnum.wbemCimtypeSint16);
        cls.Properties_.Add("U16", WbemCimtypeEnum.wbemCimtypeUint16);
        cls.Properties_.Add("S32", WbemCimtypeEnum.wbemCimtypeSint32);
        cls.Properties_.Add("U32", WbemCimtypeEnum.wbemCimtypeUint32);
        cls.Properties_.Add("S64", WbemCimtypeEnum.wbemCimtypeSint64);
        cls.Properties_.Add("U64", WbemCimtypeEnum.wbemCimtypeUint64);
        cls.Properties_.Add("R32", WbemCimtypeEnum.wbemCimtypeReal32);
        cls.Properties_.Add("R64", WbemCimtypeEnum.wbemCimtypeReal64);
        cls.Properties_.Add("Flag", WbemCimtypeEnum.wbemCimtypeBoolean);
        cls.Properties_.Add("Letter", WbemCimtypeEnum.wbemCimtypeChar16);
        cls.Properties_.Add("When", WbemCimtypeEnum.wbemCimtypeDatetime);
        cls.Properties_.Add("Span", WbemCimtypeEnum.wbemCimtypeDatetime).Qualifiers_.Add("SubType", "interval");
        cls.Properties_.Add("Names", WbemCimtypeEnum.wbemCimtypeString, true);
        cls.Properties_.Add("Numbers", WbemCimtypeEnum.wbemCimtypeUint32, true);
        cls.Properties_.Add("Times", WbemCimtypeEnum.wbemCimtypeDatetime, true);
        cls.Properties_.Add("Other", WbemCimtypeEnum.wbemCimtypeReference).Qualifiers_.Add("CIMTYPE", "ref:" + name);
        cls.Properties_.Add("Part", WbemCimtypeEnum.wbemCimtypeObject).Qualifiers_.Add("CIMTYPE", "object:" + name + "_Part");
        cls.Properties_.Add("Parts", WbemCimtypeEnum.wbemCimtypeObject, true);
        cls.Properties_.Add("Defaulted", WbemCimtypeEnum.wbemCimtypeString).Value = "dflt";
        cls.Put_();
        return s.Get(name);
    }

    [Fact]
    public void PutClassOfEveryType_InstanceRoundTripsThroughTheRepository()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var cls = DefineRichClass(s, "Qa_Rich");
        Assert.Equal("every CIM type", cls.Qualifiers_.Item("Description").Value);
        Assert.True((bool)cls.Properties_.Item("Id").Qualifiers_.Item("key").Value!);
        Assert.Equal(WbemCimtypeEnum.wbemCimtypeDatetime, cls.Properties_.Item("When").CIMType);
        Assert.True(cls.Properties_.Item("Names").IsArray);
        Assert.Equal("ref:Qa_Rich", cls.Properties_.Item("Other").Qualifiers_.Item("CIMTYPE").Value);
        Assert.Equal("object:Qa_Rich_Part", cls.Properties_.Item("Part").Qualifiers_.Item("CIMTYPE").Value);

        var when = new SWbemDateTime();
        when.SetVarDate(new DateTime(2024, 2, 29, 13, 45, 10, DateTimeKind.Utc), bIsLocal: false);
        var span = new SWbemDateTime { IsInterval = true, Day = 1, Hours = 12, Seconds = 32 };
        var part = s.Get("Qa_Rich_Part").SpawnInstance_();
        part.Properties_.Item("Label").Value = "inner";

        var i = cls.SpawnInstance_();
        Assert.Equal("dflt", i.Properties_.Item("Defaulted").Value);
        i.Properties_.Item("Id").Value = "first";
        i.Properties_.Item("S8").Value = -8;
        i.Properties_.Item("U8").Value = 200;
        i.Properties_.Item("S16").Value = -1600;
        i.Properties_.Item("U16").Value = 60000;
        i.Properties_.Item("S32").Value = -32;
        i.Properties_.Item("U32").Value = 4000000000u;
        i.Properties_.Item("S64").Value = "-9000000000000000000";
        i.Properties_.Item("U64").Value = "18000000000000000000";
        i.Properties_.Item("R32").Value = 1.5f;
        i.Properties_.Item("R64").Value = 2.25;
        i.Properties_.Item("Flag").Value = true;
        i.Properties_.Item("Letter").Value = (short)'x';
        i.Properties_.Item("When").Value = when.Value;
        i.Properties_.Item("Span").Value = span;
        i.Properties_.Item("Names").Value = new[] { "a", "b" };
        i.Properties_.Item("Numbers").Value = new object[] { 1, 2, 3 };
        i.Properties_.Item("Times").Value = new[] { when.Value };
        i.Properties_.Item("Other").Value = "Qa_Rich.Id=\"second\"";
        i.Properties_.Item("Part").Value = part;
        i.Properties_.Item("Parts").Value = new[] { part, part };
        var path = i.Put_();
        Assert.Equal("Qa_Rich.Id=\"first\"", path.RelPath);

        var back = s.Get("Qa_Rich.Id=\"first\"");
        Assert.Equal((short)-8, back.Properties_.Item("S8").Value);
        Assert.Equal((byte)200, back.Properties_.Item("U8").Value);
        Assert.Equal((short)-1600, back.Properties_.Item("S16").Value);
        Assert.Equal(60000, back.Properties_.Item("U16").Value);
        Assert.Equal(-32, back.Properties_.Item("S32").Value);
        Assert.Equal(unchecked((int)4000000000u), back.Properties_.Item("U32").Value);
        Assert.Equal("-9000000000000000000", back.Properties_.Item("S64").Value);
        Assert.Equal("18000000000000000000", back.Properties_.Item("U64").Value);
        Assert.Equal(1.5f, back.Properties_.Item("R32").Value);
        Assert.Equal(2.25, back.Properties_.Item("R64").Value);
        Assert.Equal(true, back.Properties_.Item("Flag").Value);
        Assert.Equal((short)'x', back.Properties_.Item("Letter").Value);
        Assert.Equal("20240229134510.000000+000", back.Properties_.Item("When").Value);
        Assert.Equal("00000001120032.000000:000", back.Properties_.Item("Span").Value);
        Assert.Equal(new[] { "a", "b" }, back.Properties_.Item("Names").Value);
        Assert.Equal(new[] { 1, 2, 3 }, back.Properties_.Item("Numbers").Value);
        Assert.Equal(new[] { "20240229134510.000000+000" }, back.Properties_.Item("Times").Value);
        Assert.Equal("Qa_Rich.Id=\"second\"", back.Properties_.Item("Other").Value);
        var embedded = Assert.IsAssignableFrom<SWbemObject>(back.Properties_.Item("Part").Value);
        Assert.Equal("inner", embedded.Properties_.Item("Label").Value);
        Assert.Equal("Qa_Rich_Part", embedded.Path_.Class);
        Assert.Equal(2, Assert.IsAssignableFrom<SWbemObject[]>(back.Properties_.Item("Parts").Value).Length);
        Assert.Equal("dflt", back.Properties_.Item("Defaulted").Value);
        var parsed = new SWbemDateTime { Value = (string)back.Properties_.Item("When").Value! };
        Assert.Equal(new DateTime(2024, 2, 29, 13, 45, 10, DateTimeKind.Utc), parsed.GetVarDate(bIsLocal: false));

        // Dynamic access reads the same values.
        dynamic d = back;
        Assert.Equal("first", (string)d.Id);
        Assert.Equal("Qa_Rich", (string)d.__CLASS);
    }

    [Fact]
    public void ChangeFlags_EveryCombination_DocumentedResults()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Flags");
        // CreateOrUpdate (0): create, then overwrite.
        Scenario.PutInstance(s, "Qa_Flags", "x", 1, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOrUpdate);
        Scenario.PutInstance(s, "Qa_Flags", "x", 2, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOrUpdate);
        Assert.Equal(2, s.Get("Qa_Flags.Name=\"x\"").Properties_.Item("Size").Value);
        // UpdateOnly (1): existing ok, missing NotFound.
        Scenario.PutInstance(s, "Qa_Flags", "x", 3, (int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly);
        Assert.Equal(3, s.Get("Qa_Flags.Name=\"x\"").Properties_.Item("Size").Value);
        var e = Scenario.Throws(() => Scenario.PutInstance(s, "Qa_Flags", "y", 1, (int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
        Assert.Equal(unchecked((int)0x80041002), e.HResult);
        // CreateOnly (2): missing ok, existing AlreadyExists, value unchanged.
        Scenario.PutInstance(s, "Qa_Flags", "y", 1, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly);
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, Scenario.Throws(() => Scenario.PutInstance(s, "Qa_Flags", "x", 9, (int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly)).ErrorCode);
        Assert.Equal(3, s.Get("Qa_Flags.Name=\"x\"").Properties_.Item("Size").Value);
        // Both UpdateOnly and CreateOnly: a contradiction.
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Scenario.Throws(() => Scenario.PutInstance(s, "Qa_Flags", "z", 1, 3)).ErrorCode);
        // Class updates: CreateOnly on an existing class; UpdateOnly on a missing one.
        var again = s.Get();
        again.Path_.Class = "Qa_Flags";
        again.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, Scenario.Throws(() => again.Put_((int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly)).ErrorCode);
        var fresh = s.Get();
        fresh.Path_.Class = "Qa_NotThere";
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => fresh.Put_((int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly)).ErrorCode);
        Assert.Equal(2, s.InstancesOf("Qa_Flags").Count);
    }

    [Fact]
    public void ClassUpdate_WithInstancesOrChildren_DocumentedErrors()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Parent");
        Scenario.DefineKeyedClass(s, "Qa_Kid", superclass: "Qa_Parent");
        // Changing a property type under a subclass: ClassHasChildren (compatible mode).
        var changed = s.Get("Qa_Parent");
        changed.Properties_.Remove("Size");
        changed.Properties_.Add("Size", WbemCimtypeEnum.wbemCimtypeString);
        Assert.Equal(WbemErrorEnum.wbemErrClassHasChildren, Scenario.Throws(() => changed.Put_()).ErrorCode);
        // With instances: ClassHasInstances.
        Scenario.PutInstance(s, "Qa_Kid", "k", 1);
        var kid = s.Get("Qa_Kid");
        kid.Properties_.Add("Extra", WbemCimtypeEnum.wbemCimtypeString);
        Assert.Equal(WbemErrorEnum.wbemErrClassHasInstances, Scenario.Throws(() => kid.Put_()).ErrorCode);
        // A description-only change is compatible.
        var described = s.Get("Qa_Parent");
        described.Qualifiers_.Add("Description", "documented");
        described.Put_();
        Assert.Equal("documented", s.Get("Qa_Parent").Qualifiers_.Item("Description").Value);
        // Adding a property in safe mode with a subclass but no instances of the parent itself.
        var added = s.Get("Qa_Parent");
        added.Properties_.Add("Note", WbemCimtypeEnum.wbemCimtypeString);
        var mode = Assert.Throws<WbemException>(() => added.Put_((int)WbemChangeFlagEnum.wbemChangeFlagUpdateSafeMode)).ErrorCode;
        Assert.True(mode is WbemErrorEnum.wbemErrClassHasInstances or WbemErrorEnum.wbemErrClassHasChildren, mode.ToString());
    }

    [Fact]
    public void PutInstance_KeyAndTypeViolations_DocumentedErrors()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var cls = Scenario.DefineKeyedClass(s, "Qa_Strict", c => c.Properties_.Add("Must", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("Not_Null", true));
        var noKey = cls.SpawnInstance_();
        noKey.Properties_.Item("Must").Value = "m";
        var nullKey = Scenario.Throws(() => noKey.Put_());
        Assert.True(nullKey.ErrorCode is WbemErrorEnum.wbemErrIllegalNull, nullKey.ErrorCode.ToString());
        Assert.Equal(unchecked((int)0x80041028), nullKey.HResult);
        var notNull = cls.SpawnInstance_();
        notNull.Properties_.Item("Name").Value = "n";
        Assert.Equal(WbemErrorEnum.wbemErrIllegalNull, Scenario.Throws(() => notNull.Put_()).ErrorCode);
        var typed = cls.SpawnInstance_();
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch, Scenario.Throws(() => typed.Properties_.Item("Size").Value = "not a number").ErrorCode);
        var range = Scenario.Throws(() => typed.Properties_.Item("Size").Value = 1L << 40).ErrorCode;
        Assert.True(range is WbemErrorEnum.wbemErrTypeMismatch or WbemErrorEnum.wbemErrValueOutOfRange, range.ToString());
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => typed.Properties_.Item("Nope")).ErrorCode);
        // Instance of a class that is not stored.
        var orphan = s.Get();
        orphan.Path_.Class = "Qa_Unsaved";
        orphan.Properties_.Add("K", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
        var spawned = orphan.SpawnInstance_();
        spawned.Properties_.Item("K").Value = "k";
        var unsaved = Scenario.Throws(() => spawned.Put_()).ErrorCode;
        Assert.True(unsaved is WbemErrorEnum.wbemErrInvalidClass or WbemErrorEnum.wbemErrNotFound, unsaved.ToString());
        // SWbemLastError after the failed Put_.
        var last = new SWbemLastError();
        Assert.Equal(unchecked((int)(uint)unsaved), last.Properties_.Item("StatusCode").Value);
    }

    [Fact]
    public void DeleteClass_CascadesToSubclassesAndInstances()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Top");
        Scenario.DefineKeyedClass(s, "Qa_Mid", superclass: "Qa_Top");
        Scenario.DefineKeyedClass(s, "Qa_Low", superclass: "Qa_Mid");
        Scenario.PutInstance(s, "Qa_Top", "t", 1);
        Scenario.PutInstance(s, "Qa_Low", "l", 1);
        Assert.Equal(2, s.InstancesOf("Qa_Top").Count);
        s.Get("Qa_Mid").Delete_();
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Get("Qa_Mid")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Get("Qa_Low")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Get("Qa_Low.Name=\"l\"")).ErrorCode);
        Assert.Equal(1, s.InstancesOf("Qa_Top").Count);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Delete("Qa_Mid")).ErrorCode);
        s.Delete("Qa_Top");
        Assert.Equal(0, s.SubclassesOf().Cast<SWbemObject>().Count(c => c.Path_.Class.StartsWith("Qa_", StringComparison.Ordinal)));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidClass, Scenario.Throws(() => s.InstancesOf("Qa_Top", 0)).ErrorCode);
    }

    [Fact]
    public void ObjectMembers_PathDerivationTextCloneCompareRefresh()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Obj");
        Scenario.DefineKeyedClass(s, "Qa_ObjSub", superclass: "Qa_Obj");
        var cls = s.Get("Qa_ObjSub");
        Assert.True(cls.Path_.IsClass);
        Assert.Equal(["Qa_Obj"], cls.Derivation_);
        Assert.Equal(0, cls.Methods_.Count);
        var sys = Assert.IsType<SWbemObjectEx>(cls).SystemProperties_;
        Assert.Equal(1, sys.Item("__GENUS").Value);
        Assert.Equal("Qa_Obj", sys.Item("__SUPERCLASS").Value);
        Assert.Equal("Qa_Obj", sys.Item("__DYNASTY").Value);
        Assert.Equal(scratch.Path, (string)sys.Item("__NAMESPACE").Value!, ignoreCase: true);
        Scenario.PutInstance(s, "Qa_ObjSub", "o", 1);
        var i = s.Get("Qa_ObjSub.Name=\"o\"");
        var isys = Assert.IsType<SWbemObjectEx>(i).SystemProperties_;
        Assert.Equal(2, isys.Item("__GENUS").Value);
        Assert.Equal("Qa_ObjSub.Name=\"o\"", isys.Item("__RELPATH").Value);
        Assert.Equal(2, isys.Item("__PROPERTY_COUNT").Value);
        Assert.False(i.Path_.IsClass);
        Assert.Equal("Qa_ObjSub", i.Path_.Class);
        Assert.Equal("o", i.Path_.Keys.Item("Name").Value);
        Assert.EndsWith(@"\" + scratch.Path + ":Qa_ObjSub.Name=\"o\"", i.Path_.Path, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith(@"\\", i.Path_.Path, StringComparison.Ordinal);
        var text = i.GetObjectText_();
        Assert.Contains("instance of Qa_ObjSub", text, StringComparison.Ordinal);
        Assert.Contains("Name = \"o\";", text, StringComparison.Ordinal);
        Assert.Contains("class Qa_ObjSub : Qa_Obj", cls.GetObjectText_(), StringComparison.Ordinal);

        var copy = i.Clone_();
        Assert.True(copy.CompareTo_(i));
        copy.Properties_.Item("Size").Value = 5;
        Assert.False(copy.CompareTo_(i));
        Assert.Equal(1, i.Properties_.Item("Size").Value);
        Assert.True(i.CompareTo_(s.Get("Qa_ObjSub.Name=\"o\"")));

        // Refresh_ brings back what another object stored.
        copy.Put_();
        var ex = Assert.IsType<SWbemObjectEx>(i);
        ex.Refresh_();
        Assert.Equal(5, i.Properties_.Item("Size").Value);

        // SpawnInstance_/SpawnDerivedClass_ on an instance are illegal.
        Assert.Equal(WbemErrorEnum.wbemErrIllegalOperation, Scenario.Throws(() => i.SpawnInstance_()).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrIllegalOperation, Scenario.Throws(() => i.SpawnDerivedClass_()).ErrorCode);
    }

    [Fact]
    public void Win32ProcessClass_MethodsQualifiersAndParameters()
    {
        var s = Scenario.Connect();
        var cls = s.Get("Win32_Process");
        Assert.Contains(cls.Methods_.Cast<SWbemMethod>(), m => m.Name == "Create");
        var create = cls.Methods_.Item("Create");
        Assert.Equal("Win32_Process", create.Origin);
        Assert.Equal(WbemCimtypeEnum.wbemCimtypeString, create.InParameters!.Properties_.Item("CommandLine").CIMType);
        Assert.Equal(WbemCimtypeEnum.wbemCimtypeUint32, create.OutParameters!.Properties_.Item("ProcessId").CIMType);
        Assert.Equal(WbemCimtypeEnum.wbemCimtypeUint32, create.OutParameters!.Properties_.Item("ReturnValue").CIMType);
        Assert.True(cls.Properties_.Item("Handle").Qualifiers_.Item("key").Value is true);
        // Every property carries CIMTYPE, as scripts read it to learn a property's type.
        Assert.Equal("string", cls.Properties_.Item("Handle").Qualifiers_.Item("CIMTYPE").Value);
        Assert.Equal("uint32", cls.Properties_.Item("ParentProcessId").Qualifiers_.Item("CIMTYPE").Value);
        Assert.Equal("datetime", s.Get($"Win32_Process.Handle=\"{Environment.ProcessId}\"").Properties_.Item("CreationDate").Qualifiers_.Item("CIMTYPE").Value);
        Assert.Contains("CIM_Process", cls.Derivation_);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => cls.Methods_.Item("Nope")).ErrorCode);
    }

    [Fact]
    public void Namespaces_CreateNestedListAndDelete()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        foreach (var name in new[] { "a", "b" })
        {
            var ns = s.Get("__NAMESPACE").SpawnInstance_();
            ns.Properties_.Item("Name").Value = name;
            ns.Put_();
        }
        var dup = s.Get("__NAMESPACE").SpawnInstance_();
        dup.Properties_.Item("Name").Value = "a";
        Assert.Equal(WbemErrorEnum.wbemErrAlreadyExists, Scenario.Throws(() => dup.Put_((int)WbemChangeFlagEnum.wbemChangeFlagCreateOnly)).ErrorCode);
        Assert.Equal(["a", "b"], s.InstancesOf("__NAMESPACE").Cast<SWbemObject>().Select(n => (string)n.Properties_.Item("Name").Value!).Order());
        var inner = Scenario.Connect(scratch.Path + @"\a");
        Scenario.DefineKeyedClass(inner, "Qa_Inner");
        Scenario.PutInstance(inner, "Qa_Inner", "i", 1);
        s.Delete("__NAMESPACE.Name=\"a\"");
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Scenario.Throws(() => Scenario.Connect(scratch.Path + @"\a")).ErrorCode);
        Assert.Equal(["b"], s.InstancesOf("__NAMESPACE").Cast<SWbemObject>().Select(n => (string)n.Properties_.Item("Name").Value!));
        // Recreated empty.
        var again = s.Get("__NAMESPACE").SpawnInstance_();
        again.Properties_.Item("Name").Value = "a";
        again.Put_();
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => Scenario.Connect(scratch.Path + @"\a").Get("Qa_Inner")).ErrorCode);
    }

    [Fact]
    public async Task Persistence_ClassesInstancesAndNamespaces_SurviveAFreshHostOnTheSameRepository()
    {
        using var directory = new TempDirectory();
        var put = await Processes.WorkerAsync(directory.Repository, nameof(Workers.PutScenarioRichClass));
        Assert.Contains("stored", put.Reports(), StringComparer.Ordinal);
        var read = await Processes.WorkerAsync(directory.Repository, nameof(Workers.ReadScenarioRichClass));
        var lines = read.Reports();
        Assert.True(lines.Count > 0, read.ToString());
        Assert.Contains("when 20240229134510.000000+000", lines);
        Assert.Contains("names a,b", lines);
        Assert.Contains("part inner", lines);
        Assert.Contains("u64 18000000000000000000", lines);
        Assert.Contains("key True", lines);
        Assert.Contains("reftype ref:Qa_Persist", lines);
        Assert.Contains("objtype object:Qa_Persist_Part", lines);
        Assert.Contains("sub Qa_PersistSub", lines);
        Assert.Contains("ns kept", lines);
        Assert.Contains("instances 2", lines);
    }

    internal static void PutRich(SWbemServices s)
    {
        var cls = DefineRichClass(s, "Qa_Persist");
        var when = new SWbemDateTime { Value = "20240229134510.000000+000" };
        var part = s.Get("Qa_Persist_Part").SpawnInstance_();
        part.Properties_.Item("Label").Value = "inner";
        var i = cls.SpawnInstance_();
        i.Properties_.Item("Id").Value = "p";
        i.Properties_.Item("When").Value = when;
        i.Properties_.Item("Names").Value = new[] { "a", "b" };
        i.Properties_.Item("Part").Value = part;
        i.Properties_.Item("U64").Value = "18000000000000000000";
        i.Put_();
        var sub = cls.SpawnDerivedClass_();
        sub.Path_.Class = "Qa_PersistSub";
        sub.Put_();
        var j = s.Get("Qa_PersistSub").SpawnInstance_();
        j.Properties_.Item("Id").Value = "q";
        j.Put_();
        var ns = s.Get("__NAMESPACE").SpawnInstance_();
        ns.Properties_.Item("Name").Value = "kept";
        ns.Put_();
    }

    internal static IEnumerable<string> ReadRich(SWbemServices s)
    {
        var i = s.Get("Qa_Persist.Id=\"p\"");
        yield return "when " + i.Properties_.Item("When").Value;
        yield return "names " + string.Join(',', (string[])i.Properties_.Item("Names").Value!);
        yield return "part " + ((SWbemObject)i.Properties_.Item("Part").Value!).Properties_.Item("Label").Value;
        yield return "u64 " + i.Properties_.Item("U64").Value;
        yield return "key " + s.Get("Qa_Persist").Properties_.Item("Id").Qualifiers_.Item("key").Value;
        yield return "reftype " + s.Get("Qa_Persist").Properties_.Item("Other").Qualifiers_.Item("CIMTYPE").Value;
        yield return "objtype " + s.Get("Qa_Persist").Properties_.Item("Part").Qualifiers_.Item("CIMTYPE").Value;
        foreach (SWbemObject c in s.SubclassesOf("Qa_Persist"))
        {
            yield return "sub " + c.Path_.Class;
        }
        foreach (SWbemObject n in s.InstancesOf("__NAMESPACE"))
        {
            yield return "ns " + n.Properties_.Item("Name").Value;
        }
        yield return "instances " + s.InstancesOf("Qa_Persist").Count.ToString(CultureInfo.InvariantCulture);
    }
}

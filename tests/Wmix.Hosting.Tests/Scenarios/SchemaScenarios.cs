using System.Globalization;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>
/// User associations and schema queries through the scripting API ("AssociatorsOf_", "ReferencesTo_", "Querying the
/// schema"), qualifier flavors kept by the repository, and a few admin-script idioms.
/// </summary>
public sealed class SchemaScenarios
{
    private static void DefineAssociation(SWbemServices s)
    {
        Scenario.DefineKeyedClass(s, "Qa_Host");
        Scenario.DefineKeyedClass(s, "Qa_Disk");
        var assoc = s.Get();
        assoc.Path_.Class = "Qa_HostDisk";
        assoc.Qualifiers_.Add("Association", true);
        var host = assoc.Properties_.Add("Host", WbemCimtypeEnum.wbemCimtypeReference);
        host.Qualifiers_.Add("key", true);
        host.Qualifiers_.Add("CIMTYPE", "ref:Qa_Host");
        var disk = assoc.Properties_.Add("Disk", WbemCimtypeEnum.wbemCimtypeReference);
        disk.Qualifiers_.Add("key", true);
        disk.Qualifiers_.Add("CIMTYPE", "ref:Qa_Disk");
        assoc.Put_();
        Scenario.PutInstance(s, "Qa_Host", "h", 1);
        Scenario.PutInstance(s, "Qa_Disk", "d1", 1);
        Scenario.PutInstance(s, "Qa_Disk", "d2", 2);
        foreach (var d in new[] { "d1", "d2" })
        {
            var link = s.Get("Qa_HostDisk").SpawnInstance_();
            link.Properties_.Item("Host").Value = "Qa_Host.Name=\"h\"";
            link.Properties_.Item("Disk").Value = $"Qa_Disk.Name=\"{d}\"";
            link.Put_();
        }
    }

    [Fact]
    public void UserAssociation_AssociatorsOfAndReferencesTo_AllForms()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        DefineAssociation(s);
        var disks = s.AssociatorsOf("Qa_Host.Name=\"h\"", iFlags: 0).Cast<SWbemObject>().Select(o => (string)o.Properties_.Item("Name").Value!).Order().ToArray();
        Assert.Equal(["d1", "d2"], disks);
        Assert.Equal(2, s.ReferencesTo("Qa_Host.Name=\"h\"").Count);
        Assert.Equal(["h"], s.AssociatorsOf("Qa_Disk.Name=\"d1\"", strResultClass: "Qa_Host").Cast<SWbemObject>().Select(o => (string)o.Properties_.Item("Name").Value!));
        Assert.Empty(s.AssociatorsOf("Qa_Disk.Name=\"d1\"", strResultClass: "Qa_Disk").Cast<SWbemObject>());
        Assert.Equal(2, s.Get("Qa_Host.Name=\"h\"").Associators_().Count);
        Assert.Equal(2, s.Get("Qa_Host.Name=\"h\"").References_(strRole: "Host").Count);
        Assert.Equal(0, s.Get("Qa_Host.Name=\"h\"").References_(strRole: "Disk").Count);
        var classes = s.AssociatorsOf("Qa_Host.Name=\"h\"", bClassesOnly: true).Cast<SWbemObject>().ToArray();
        Assert.Equal("Qa_Disk", Assert.Single(classes).Path_.Class);
        Assert.True(classes[0].Path_.IsClass);
        var schema = s.AssociatorsOf("Qa_Host", bSchemaOnly: true).Cast<SWbemObject>().Select(c => c.Path_.Class).ToArray();
        Assert.Contains("Qa_Disk", schema);
        Assert.Equal(2, s.ExecQuery("REFERENCES OF {Qa_Host.Name=\"h\"} WHERE ResultClass = Qa_HostDisk", iFlags: 0).Count);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery,
            Scenario.Throws(() => s.ExecQuery("ASSOCIATORS OF {Qa_Host.Name=\"h\"} WHERE ResultClass = Qa_Disk ClassDefsOnly", iFlags: 0)).ErrorCode);
        var link = s.ReferencesTo("Qa_Disk.Name=\"d2\"").ItemIndex(0);
        Assert.Equal("Qa_Host.Name=\"h\"", link.Properties_.Item("Host").Value);
        Assert.Equal(WbemCimtypeEnum.wbemCimtypeReference, link.Properties_.Item("Host").CIMType);
        Assert.StartsWith("Qa_HostDisk.", link.Path_.RelPath, StringComparison.Ordinal);
        // The link is found by its path, references included.
        Assert.Equal(link.Path_.RelPath, s.Get(link.Path_.RelPath).Path_.RelPath);
    }

    [Fact]
    public void SchemaQueries_MetaClassIsaSuperclassAndPrototype()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_SBase");
        Scenario.DefineKeyedClass(s, "Qa_SKid", superclass: "Qa_SBase");
        Scenario.PutInstance(s, "Qa_SBase", "b", 1);
        Scenario.PutInstance(s, "Qa_SKid", "k", 2);
        Assert.Equal(["Qa_SBase", "Qa_SKid"], s.ExecQuery("SELECT * FROM meta_class WHERE __this ISA 'Qa_SBase'", iFlags: 0).Cast<SWbemObject>().Select(c => c.Path_.Class).Order());
        Assert.Equal(["Qa_SKid"], s.ExecQuery("SELECT * FROM meta_class WHERE __SUPERCLASS = 'Qa_SBase'", iFlags: 0).Cast<SWbemObject>().Select(c => c.Path_.Class));
        Assert.Equal(["b"], s.ExecQuery("SELECT * FROM Qa_SBase WHERE __CLASS = 'Qa_SBase'", iFlags: 0).Cast<SWbemObject>().Select(o => (string)o.Properties_.Item("Name").Value!));
        Assert.Equal(2, s.ExecQuery("SELECT * FROM Qa_SBase", iFlags: 0).Count);
        Assert.Equal(1, s.ExecQuery("SELECT * FROM Qa_SBase WHERE Name = 'K'", iFlags: 0).Count);
        var prototype = s.ExecQuery("SELECT Name FROM Qa_SBase", iFlags: (int)WbemQueryFlagEnum.wbemQueryFlagPrototype).Cast<SWbemObject>().ToArray();
        Assert.Single(prototype);
        // Top-level classes: blank superclass, shallow.
        var top = s.SubclassesOf("", (int)WbemQueryFlagEnum.wbemQueryFlagShallow).Cast<SWbemObject>().Select(c => c.Path_.Class).ToArray();
        Assert.Contains("Qa_SBase", top);
        Assert.DoesNotContain("Qa_SKid", top);
        Assert.Equal(["Qa_SKid"], s.Get("Qa_SBase").Subclasses_().Cast<SWbemObject>().Select(c => c.Path_.Class));
        Assert.Equal(2, s.Get("Qa_SBase").Instances_().Count);
    }

    [Fact]
    public void QualifierFlavors_KeptByTheRepository()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var cls = s.Get();
        cls.Path_.Class = "Qa_Flavors";
        cls.Qualifiers_.Add("Local", "mine", bPropagatesToSubclasses: false, bPropagatesToInstances: false);
        cls.Qualifiers_.Add("Shared", "ours", bPropagatesToSubclasses: true, bPropagatesToInstances: true, bOverridable: false);
        cls.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
        cls.Put_();
        var back = s.Get("Qa_Flavors");
        Assert.False(back.Qualifiers_.Item("Local").PropagatesToSubclass);
        Assert.True(back.Qualifiers_.Item("Shared").PropagatesToInstance);
        Assert.False(back.Qualifiers_.Item("Shared").IsOverridable);
        var sub = back.SpawnDerivedClass_();
        sub.Path_.Class = "Qa_FlavorsSub";
        sub.Put_();
        var subBack = s.Get("Qa_FlavorsSub");
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => subBack.Qualifiers_.Item("Local")).ErrorCode);
        Assert.Equal("ours", subBack.Qualifiers_.Item("Shared").Value);
        Assert.False(subBack.Qualifiers_.Item("Shared").IsLocal);
        var instance = subBack.SpawnInstance_();
        Assert.Equal("ours", instance.Qualifiers_.Item("Shared").Value);
        Assert.Equal(WbemErrorEnum.wbemErrOverrideNotAllowed, Scenario.Throws(() => subBack.Qualifiers_.Add("Shared", "changed")).ErrorCode);
    }

    [Fact]
    public void PropertyRemovedFromClass_UpdateOnlyPut_Stored()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Shrink", c => c.Properties_.Add("Gone", WbemCimtypeEnum.wbemCimtypeString));
        var cls = s.Get("Qa_Shrink");
        cls.Properties_.Remove("Gone");
        cls.Put_((int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Get("Qa_Shrink").Properties_.Item("Gone")).ErrorCode);
        Assert.Equal(2, s.Get("Qa_Shrink").Properties_.Count);
    }

    [Fact]
    public void Refresh_DeletedInstance_NotFound()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Gone");
        Scenario.PutInstance(s, "Qa_Gone", "g", 1);
        var i = (SWbemObjectEx)s.Get("Qa_Gone.Name=\"g\"");
        s.Delete("Qa_Gone.Name=\"g\"");
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => i.Refresh_()).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => i.Delete_()).ErrorCode);
    }

    [Fact]
    public void CreateReturnCodes_BadProgramAndBadDirectory_PathNotFound()
    {
        var s = Scenario.Connect();
        var inParams = s.Get("Win32_Process").Methods_.Item("Create").InParameters!.SpawnInstance_();
        inParams.Properties_.Item("CommandLine").Value = "/no/such/program-qa";
        Assert.Equal(9, s.ExecMethod("Win32_Process", "Create", inParams)!.Properties_.Item("ReturnValue").Value);
        inParams.Properties_.Item("CommandLine").Value = "sleep 1";
        inParams.Properties_.Item("CurrentDirectory").Value = "/no/such/directory-qa";
        Assert.Equal(9, s.ExecMethod("Win32_Process", "Create", inParams)!.Properties_.Item("ReturnValue").Value);
    }

    [Fact]
    public void CancelFromInsideHandler_CurrentCallCancelledAfterHandlerReturns()
    {
        var s = Scenario.Connect();
        var sink = new SWbemSink();
        var completions = new List<WbemErrorEnum>();
        var objects = 0;
        var done = new ManualResetEventSlim();
        sink.OnObjectReady += (_, _) =>
        {
            if (Interlocked.Increment(ref objects) == 1)
            {
                sink.Cancel();
            }
        };
        sink.OnCompleted += (h, _, _) =>
        {
            lock (completions)
            {
                completions.Add(h);
            }
            done.Set();
        };
        s.ExecQueryAsync(sink, "SELECT * FROM Win32_Process");
        Assert.True(done.Wait(SinkLog.Wait, TestContext.Current.CancellationToken));
        Thread.Sleep(500);
        Assert.Equal(1, objects);
        Assert.Equal([WbemErrorEnum.wbemErrCallCancelled], completions);
    }

    [Fact]
    public void DynamicEventProperties_TargetInstanceNameAsScriptsReadIt()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_Dyn");
        var events = s.ExecNotificationQuery("SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'Qa_Dyn'");
        try
        {
            Scenario.PutInstance(s, "Qa_Dyn", "dyn", 7);
            dynamic e = events.NextEvent(60_000);
            Assert.Equal("dyn", (string)e.TargetInstance.Name);
            Assert.Equal(7, (int)e.TargetInstance.Size);
            Assert.Equal("__InstanceCreationEvent", (string)e.__CLASS);
            _ = ulong.Parse((string)e.TIME_CREATED, CultureInfo.InvariantCulture);
        }
        finally
        {
            events.Dispose();
        }
    }

    [Fact]
    public void DeleteAsync_ClassWithInstances_Cascades()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        Scenario.DefineKeyedClass(s, "Qa_DelAsync");
        Scenario.PutInstance(s, "Qa_DelAsync", "x", 1);
        var log = new SinkLog();
        s.Get("Qa_DelAsync").DeleteAsync_(log.Sink, objWbemAsyncContext: SinkLog.Context(1));
        Assert.Equal(0, (int)log.Completed(1));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Get("Qa_DelAsync.Name=\"x\"")).ErrorCode);
        // A class of a provider cannot be deleted by a user script without losing the provider's data: refused or done, never a crash.
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, Scenario.Throws(() => s.Delete("Qa_DelAsync")).ErrorCode);
    }
}

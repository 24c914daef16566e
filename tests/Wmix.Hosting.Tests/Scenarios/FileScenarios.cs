using Wmix.Hosting.Tests.Support;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Scenarios;

/// <summary>Files and directories as admin scripts use them (CIM_DataFile, Win32_Directory), and class reuse after Put_.</summary>
public sealed class FileScenarios
{
    [Fact]
    public void DirectoryAssociatorsAndFileCreationEvent_UnderATempDirectory()
    {
        using var directory = new TempDirectory();
        var dir = directory.Path;
        File.WriteAllText(Path.Combine(dir, "a.txt"), "a");
        var s = Scenario.Connect();
        var files = s.ExecQuery($"ASSOCIATORS OF {{Win32_Directory.Name='{dir}'}} WHERE ResultClass = CIM_DataFile", iFlags: 0)
            .Cast<SWbemObject>().Select(f => (string)f.Properties_.Item("Name").Value!).ToArray();
        Assert.Equal([Path.Combine(dir, "a.txt")], files);
        var log = new SinkLog();
        s.ExecNotificationQueryAsync(log.Sink,
            $"SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '{dir}/'", objWbemAsyncContext: SinkLog.Context(1));
        Thread.Sleep(1500);
        File.WriteAllText(Path.Combine(dir, "b.txt"), "b");
        var e = log.WaitObject(_ => true, "file creation");
        Assert.Equal(Path.Combine(dir, "b.txt"), ((SWbemObject)e.Properties_.Item("TargetInstance").Value!).Properties_.Item("Name").Value);
        log.Sink.Cancel();
        Assert.Equal(WbemErrorEnum.wbemErrCallCancelled, log.Completed(1));
        var file = s.Get($"CIM_DataFile.Name='{Path.Combine(dir, "b.txt")}'");
        Assert.Equal(0, Convert.ToInt32(file.ExecMethod_("Delete")!.Properties_.Item("ReturnValue").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(File.Exists(Path.Combine(dir, "b.txt")));
    }

    [Fact]
    public void ClassObjectReusedAfterPut_SpawnInstanceAndRePut()
    {
        using var scratch = new ScratchNamespace();
        var s = scratch.Services;
        var cls = s.Get();
        cls.Path_.Class = "Qa_Reuse";
        cls.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
        cls.Properties_.Add("Size", WbemCimtypeEnum.wbemCimtypeSint32);
        cls.Put_();
        var i = cls.SpawnInstance_();
        i.Properties_.Item("Name").Value = "r";
        i.Properties_.Item("Size").Value = 1;
        i.Put_();
        i.Properties_.Item("Size").Value = 2;
        i.Put_((int)WbemChangeFlagEnum.wbemChangeFlagUpdateOnly);
        Assert.Equal(2, s.Get("Qa_Reuse.Name=\"r\"").Properties_.Item("Size").Value);
        Assert.Equal(["CIM_Process", "CIM_LogicalElement", "CIM_ManagedSystemElement"], Scenario.Connect().Get("Win32_Process").Derivation_);
        // Deleting a namespace through its __NAMESPACE instance object.
        var child = s.Get("__NAMESPACE").SpawnInstance_();
        child.Properties_.Item("Name").Value = "del";
        child.Put_();
        s.Get("__NAMESPACE.Name=\"del\"").Delete_();
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Scenario.Throws(() => Scenario.Connect(scratch.Path + @"\del")).ErrorCode);
    }
}

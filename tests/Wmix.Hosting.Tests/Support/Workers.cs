using Wmix.Scripting;

namespace Wmix.Hosting.Tests.Support;

/// <summary>
/// The code worker processes run (see <see cref="Processes.Worker"/>): a program of the kind a user writes, using
/// <c>new SWbemLocator().ConnectServer(".")</c> on the repository that <c>WMIX_REPOSITORY</c> names. Explicit tests:
/// they run only when a parent asks for them by name.
/// </summary>
public sealed class Workers
{
    public const string ArgumentVariable = "WMIX_TEST_WORKER_ARGUMENT";
    public const string Prefix = "@@worker ";
    public const string UserNamespace = @"root\default";

    private static string Argument => Environment.GetEnvironmentVariable(ArgumentVariable) ?? "";

    internal static void Report(string line)
    {
        Console.Out.WriteLine(Prefix + line);
        Console.Out.Flush();
    }

    /// <summary>Defines class <c>Host_Kept</c>, stores an instance, and creates namespace <c>root\default\kept</c>, all through SWbemServices.</summary>
    [Fact(Explicit = true)]
    public void PutUserClassAndInstance()
    {
        var services = new SWbemLocator().ConnectServer(".", UserNamespace);
        var cls = services.Get();
        cls.Path_.Class = "Host_Kept";
        cls.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString).Qualifiers_.Add("key", true);
        cls.Properties_.Add("Value", WbemCimtypeEnum.wbemCimtypeUint32);
        cls.Properties_.Add("Note", WbemCimtypeEnum.wbemCimtypeString);
        cls.Put_();
        var instance = services.Get("Host_Kept").SpawnInstance_();
        instance.Properties_.Item("Name").Value = "kept";
        instance.Properties_.Item("Value").Value = 42u;
        instance.Properties_.Item("Note").Value = Argument;
        instance.Put_();
        var ns = services.Get("__NAMESPACE").SpawnInstance_();
        ns.Properties_.Item("Name").Value = "kept";
        ns.Put_();
        Report("stored");
    }

    /// <summary>Reads back what <see cref="PutUserClassAndInstance"/> stored, from a new process.</summary>
    [Fact(Explicit = true)]
    public void ReadUserClassAndInstance()
    {
        var services = new SWbemLocator().ConnectServer(".", UserNamespace);
        var instance = services.Get("Host_Kept.Name=\"kept\"");
        Report($"value {instance.Properties_.Item("Value").Value} note {instance.Properties_.Item("Note").Value}");
        Report($"count {services.InstancesOf("Host_Kept").Count}");
        Report($"namespace {new SWbemLocator().ConnectServer(".", UserNamespace + @"\kept").Get("__NAMESPACE").Path_.Class}");
    }

    /// <summary>The persistence scenario: a class of every CIM type, an instance, a subclass and a namespace (root\default).</summary>
    [Fact(Explicit = true)]
    public void PutScenarioRichClass()
    {
        Scenarios.RepositoryScenarios.PutRich(new SWbemLocator().ConnectServer(".", UserNamespace));
        Report("stored");
    }

    /// <summary>Reads back what <see cref="PutScenarioRichClass"/> stored, from a new process.</summary>
    [Fact(Explicit = true)]
    public void ReadScenarioRichClass()
    {
        foreach (var line in Scenarios.RepositoryScenarios.ReadRich(new SWbemLocator().ConnectServer(".", UserNamespace)))
        {
            Report(line);
        }
    }

    /// <summary>
    /// ConnectServer on a repository that cannot be opened: reports the error; with argument <c>fix</c>, then moves the
    /// damaged file away and connects again (a failed open is not cached).
    /// </summary>
    [Fact(Explicit = true)]
    public void ConnectServerReportsRepositoryError()
    {
        Report(Connect());
        if (Argument == "fix")
        {
            var file = Path.Combine(Environment.GetEnvironmentVariable("WMIX_REPOSITORY")!, "repository.db");
            File.Move(file, file + ".damaged");
            Report(Connect());
        }
    }

    private static string Connect()
    {
        try
        {
            var services = new SWbemLocator().ConnectServer(".", @"root\cimv2");
            return $"connected {services.InstancesOf("Win32_OperatingSystem").Count}";
        }
        catch (WbemException e)
        {
            return $"error {e.ErrorCode} {e.Message}";
        }
    }
}

using System.Globalization;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Repository.Sqlite;

namespace Wmix.Repository.Tests.Processes;

/// <summary>
/// The code child processes run (see <see cref="ChildProcess"/>). Explicit tests: they run only when a parent asks
/// for them by name, and do nothing without the environment the parent sets.
/// </summary>
public sealed class ChildWorkers
{
    public const string DirectoryVariable = "WMIX_TEST_CHILD_DIRECTORY";
    public const string ArgumentVariable = "WMIX_TEST_CHILD_ARGUMENT";
    public const string Prefix = "@@child ";
    public const string Namespace = @"root\crash";

    private static string? Directory => Environment.GetEnvironmentVariable(DirectoryVariable);

    private static void Report(string line)
    {
        Console.Out.WriteLine(Prefix + line);
        Console.Out.Flush();
    }

    /// <summary>The class the crash tests write: a key, a counter, and values derived from it so damage shows.</summary>
    internal static CimClass RecordClass()
    {
        var cls = new CimClass("Record");
        cls.AddProperty("Id", CimType.String, isKey: true);
        cls.AddProperty("Counter", CimType.UInt32);
        cls.AddProperty("Text", CimType.String);
        cls.AddProperty("Data", CimType.SInt64, isArray: true);
        return (CimClass)cls.Freeze();
    }

    internal static CimInstance Record(CimClass cls, string id, uint counter)
    {
        var instance = cls.SpawnInstance();
        instance["Id"] = id;
        instance["Counter"] = counter;
        instance["Text"] = new string((char)('a' + (counter % 26)), (int)(counter % 700));
        instance["Data"] = Enumerable.Range(0, (int)(counter % 50)).Select(i => (long)counter * i).ToArray();
        return (CimInstance)instance.Freeze();
    }

    /// <summary>True when the instance's values are the ones <see cref="Record"/> derives from its counter.</summary>
    internal static bool IsWhole(CimInstance instance)
    {
        if (instance["Counter"] is not uint counter || instance["Text"] is not string text || instance["Data"] is not long[] data)
        {
            return false;
        }
        return text.Length == (int)(counter % 700) && text.All(c => c == (char)('a' + (counter % 26)))
            && data.Length == (int)(counter % 50) && data.Select((v, i) => v == (long)counter * i).All(b => b);
    }

    internal static void EnsureSchema(SqliteRepository repository)
    {
        repository.CreateNamespace("root");
        repository.CreateNamespace(Namespace);
        if (repository.GetClass(Namespace, "Record") is null)
        {
            repository.PutClass(Namespace, RecordClass());
        }
    }

    /// <summary>
    /// Writes records forever (single puts and batches of 50), printing each path once its write has committed;
    /// the parent kills it at a random moment.
    /// </summary>
    [Fact(Explicit = true)]
    public void CrashWriter()
    {
        if (Directory is not { } directory)
        {
            return;
        }
        var round = Environment.GetEnvironmentVariable(ArgumentVariable);
        using var repository = SqliteRepository.Open(directory);
        EnsureSchema(repository);
        var cls = repository.GetClass(Namespace, "Record")!;
        Report("READY");
        for (uint i = 0; ; i++)
        {
            if (i % 3 == 0)
            {
                var paths = new List<string>();
                using (var batch = repository.BeginTransaction())
                {
                    for (var j = 0; j < 50; j++)
                    {
                        var record = Record(cls, $"r{round}-b{i}-{j}", i * 100 + (uint)j);
                        var path = record.RelativeObjectPath!.ToCanonicalString();
                        repository.PutInstance(Namespace, path, record, PutMode.CreateOrUpdate, out _);
                        paths.Add(path + "|" + record["Counter"]);
                    }
                    batch.Commit();
                }
                foreach (var path in paths)
                {
                    Report("OK " + path);
                }
            }
            else
            {
                var record = Record(cls, $"r{round}-s{i}", i);
                var path = record.RelativeObjectPath!.ToCanonicalString();
                repository.PutInstance(Namespace, path, record, PutMode.CreateOrUpdate, out _);
                Report("OK " + path + "|" + i.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>
    /// Rewrites one hot record and adds a class every so often, for the given number of milliseconds, printing the
    /// name of each class once it is committed.
    /// </summary>
    [Fact(Explicit = true)]
    public void HotWriter()
    {
        if (Directory is not { } directory)
        {
            return;
        }
        var milliseconds = int.Parse(Environment.GetEnvironmentVariable(ArgumentVariable)!, CultureInfo.InvariantCulture);
        using var repository = SqliteRepository.Open(directory, SqliteRepositoryOptions.Default with { DurableAgainstPowerLoss = false });
        EnsureSchema(repository);
        var cls = repository.GetClass(Namespace, "Record")!;
        Report("READY");
        var end = DateTime.UtcNow.AddMilliseconds(milliseconds);
        for (uint i = 1; DateTime.UtcNow < end; i++)
        {
            var record = Record(cls, "hot", i);
            repository.PutInstance(Namespace, record.RelativeObjectPath!.ToCanonicalString(), record, PutMode.CreateOrUpdate, out _);
            if (i % 200 == 0)
            {
                var added = new CimClass("Added" + i.ToString(CultureInfo.InvariantCulture), cls);
                repository.PutClass(Namespace, (CimClass)added.Freeze());
                Report("CLASS " + added.Name);
            }
        }
        Report("DONE");
    }
}

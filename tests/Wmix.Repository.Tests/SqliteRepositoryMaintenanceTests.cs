using Microsoft.Data.Sqlite;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Repository.Sqlite;
using Wmix.Repository.Tests.Processes;

namespace Wmix.Repository.Tests;

public sealed class SqliteRepositoryMaintenanceTests
{
    private static string Ns => ChildWorkers.Namespace;

    private static void Put(SqliteRepository repository, string id, uint counter)
    {
        var record = ChildWorkers.Record(repository.GetClass(Ns, "Record")!, id, counter);
        repository.PutInstance(Ns, record.RelativeObjectPath!.ToCanonicalString(), record, PutMode.CreateOrUpdate, out _);
    }

    [Fact]
    public void Check_HealthyRepository_IsConsistentWithCounts()
    {
        using var directory = new TempDirectory();
        using var repository = SqliteRepository.Open(directory.Path);
        ChildWorkers.EnsureSchema(repository);
        Put(repository, "a", 1);
        Put(repository, "b", 2);
        var report = repository.Check();
        Assert.True(report.IsConsistent, report.ToString());
        Assert.Equal((2, 1, 2L), (report.Namespaces, report.Classes, report.Instances));
    }

    [Fact]
    public void Check_InconsistentRows_ReportsEachProblem()
    {
        using var directory = new TempDirectory();
        using (var repository = SqliteRepository.Open(directory.Path))
        {
            ChildWorkers.EnsureSchema(repository);
            Put(repository, "a", 1);
            Put(repository, "b", 2);
            Put(repository, "c", 3);
        }
        using (var raw = new SqliteConnection($"Data Source={Path.Combine(directory.Path, SqliteRepository.FileName)};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = """
                UPDATE instances SET path = 'Record.Id="moved"' WHERE path LIKE '%"a"%';
                UPDATE instances SET blob = x'57490100000000000000' WHERE path LIKE '%"b"%';
                INSERT INTO instances (ns, class, path, blob) SELECT ns, 'GHOST', path, blob FROM instances WHERE path LIKE '%"c"%';
                INSERT INTO classes (ns, key, name, superclass, blob) SELECT ns, 'ORPHAN', 'Orphan', 'Missing', blob FROM classes;
                """;
            command.ExecuteNonQuery();
        }
        using var reopened = SqliteRepository.Open(directory.Path);
        var report = reopened.Check();
        Assert.False(report.IsConsistent);
        var text = report.ToString();
        Assert.Contains("give the path", text, StringComparison.Ordinal);
        Assert.Contains("cannot be read", text, StringComparison.Ordinal);
        Assert.Contains("'GHOST' does not exist", text, StringComparison.Ordinal);
        Assert.Contains("Orphan", text, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupThenRestore_ReplacesContentAndOtherInstancesSeeIt()
    {
        using var directory = new TempDirectory();
        var backup = Path.Combine(directory.Path, "backup.db");
        using var repository = SqliteRepository.Open(Path.Combine(directory.Path, "repo"));
        using var other = SqliteRepository.Open(Path.Combine(directory.Path, "repo"));
        ChildWorkers.EnsureSchema(repository);
        Put(repository, "kept", 1);
        repository.Backup(backup);
        Assert.True(File.Exists(backup));

        // Change the schema and data after the backup; another open instance caches the new state.
        Put(repository, "later", 2);
        repository.PutClass(Ns, (CimClass)new CimClass("AfterBackup").Freeze());
        Assert.NotNull(other.GetClass(Ns, "AfterBackup"));

        repository.Restore(backup);
        Assert.Equal(1, repository.CountInstances(Ns, "Record"));
        Assert.Null(repository.GetClass(Ns, "AfterBackup"));
        // The other instance (as another process would) sees the restored state, not its cache.
        Assert.Null(other.GetClass(Ns, "AfterBackup"));
        Assert.Equal(1, other.CountInstances(Ns, "Record"));
        Assert.True(repository.Check().IsConsistent);
    }

    [Fact]
    public void Restore_DamagedOrMissingBackup_IsRefusedAndNothingChanges()
    {
        using var directory = new TempDirectory();
        using var repository = SqliteRepository.Open(Path.Combine(directory.Path, "repo"));
        ChildWorkers.EnsureSchema(repository);
        Put(repository, "kept", 1);
        var garbage = Path.Combine(directory.Path, "garbage.db");
        File.WriteAllBytes(garbage, new byte[10_000]);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => repository.Restore(garbage)).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, Assert.Throws<WbemException>(() => repository.Restore(Path.Combine(directory.Path, "none.db"))).ErrorCode);

        // A backup whose rows are inconsistent is refused with the check's report.
        var bad = Path.Combine(directory.Path, "bad.db");
        repository.Backup(bad);
        using (var raw = new SqliteConnection($"Data Source={bad};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE instances SET blob = x'00'";
            command.ExecuteNonQuery();
        }
        var ex = Assert.Throws<WbemException>(() => repository.Restore(bad));
        Assert.Contains("cannot be read", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, repository.CountInstances(Ns, "Record"));
        Assert.True(ChildWorkers.IsWhole(repository.EnumerateInstances(Ns, "Record").Single()));
    }

    [Fact]
    public void DefaultLocation_FollowsEnvironment()
    {
        var saved = (Environment.GetEnvironmentVariable("WMIX_REPOSITORY"), Environment.GetEnvironmentVariable("XDG_DATA_HOME"));
        try
        {
            Environment.SetEnvironmentVariable("WMIX_REPOSITORY", "/srv/wmix-repo");
            Assert.Equal("/srv/wmix-repo", SqliteRepository.DefaultLocation(forServer: true));
            Assert.Equal("/srv/wmix-repo", SqliteRepository.DefaultLocation(forServer: false));
            Environment.SetEnvironmentVariable("WMIX_REPOSITORY", null);
            Assert.Equal("/var/lib/wmix", SqliteRepository.DefaultLocation(forServer: true));
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/home/u/data");
            Assert.Equal("/home/u/data/wmix", SqliteRepository.DefaultLocation(forServer: false));
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", null);
            Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share", "wmix"),
                SqliteRepository.DefaultLocation(forServer: false));
        }
        finally
        {
            Environment.SetEnvironmentVariable("WMIX_REPOSITORY", saved.Item1);
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", saved.Item2);
        }
    }
}

using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Repository.Sqlite;
using Wmix.Repository.Tests.Processes;

namespace Wmix.Repository.Tests;

/// <summary>Bad files, read-only locations and full disks: each gives a clear WBEM error and loses nothing stored.</summary>
public sealed class SqliteRepositoryFailureTests
{
    private static string Ns => ChildWorkers.Namespace;

    private static List<string> Fill(SqliteRepository repository, int count, string prefix = "r")
    {
        ChildWorkers.EnsureSchema(repository);
        var cls = repository.GetClass(Ns, "Record")!;
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var record = ChildWorkers.Record(cls, prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (uint)i);
            var path = record.RelativeObjectPath!.ToCanonicalString();
            repository.PutInstance(Ns, path, record, PutMode.CreateOrUpdate, out _);
            paths.Add(path);
        }
        return paths;
    }

    [Fact]
    public void Open_GarbageFile_IsCriticalErrorNamingTheFix()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(Path.Combine(directory.Path, SqliteRepository.FileName), Enumerable.Range(0, 8192).Select(i => (byte)(i * 31)).ToArray());
        var ex = Assert.Throws<WbemException>(() => SqliteRepository.Open(directory.Path));
        Assert.Equal(WbemErrorEnum.wbemErrCriticalError, ex.ErrorCode);
        Assert.Contains("restore", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Open_OtherSqliteDatabase_IsCriticalError()
    {
        using var directory = new TempDirectory();
        using (var other = new SqliteConnection($"Data Source={Path.Combine(directory.Path, SqliteRepository.FileName)};Pooling=False"))
        {
            other.Open();
            using var command = other.CreateCommand();
            command.CommandText = "CREATE TABLE invoices (id INTEGER)";
            command.ExecuteNonQuery();
        }
        var ex = Assert.Throws<WbemException>(() => SqliteRepository.Open(directory.Path));
        Assert.Equal(WbemErrorEnum.wbemErrCriticalError, ex.ErrorCode);
        Assert.Contains("not a Wmix repository", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NewerSchemaVersion_IsDatabaseVerMismatchAndDataKept()
    {
        using var directory = new TempDirectory();
        using (var repository = SqliteRepository.Open(directory.Path))
        {
            Fill(repository, 3);
        }
        SetUserVersion(directory.Path, SqliteRepository.SchemaVersion + 1);
        var ex = Assert.Throws<WbemException>(() => SqliteRepository.Open(directory.Path));
        Assert.Equal(WbemErrorEnum.wbemErrDatabaseVerMismatch, ex.ErrorCode);
        Assert.Contains("Upgrade Wmix", ex.Message, StringComparison.Ordinal);
        SetUserVersion(directory.Path, SqliteRepository.SchemaVersion);
        using var again = SqliteRepository.Open(directory.Path);
        Assert.Equal(3, again.CountInstances(Ns, "Record"));
    }

    private static void SetUserVersion(string directory, int version)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, SqliteRepository.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA user_version = {version}";
        command.ExecuteNonQuery();
    }

    [Fact]
    public void Reopen_AfterWrites_EverythingPersists()
    {
        using var directory = new TempDirectory();
        List<string> paths;
        CimClass cls;
        using (var repository = SqliteRepository.Open(directory.Path))
        {
            paths = Fill(repository, 100);
            cls = repository.GetClass(Ns, "Record")!;
        }
        using var reopened = SqliteRepository.Open(directory.Path);
        Assert.True(cls.CompareTo(reopened.GetClass(Ns, "record")!));
        Assert.Equal(100, reopened.CountInstances(Ns, "Record"));
        foreach (var path in paths)
        {
            Assert.True(ChildWorkers.IsWhole(reopened.GetInstance(Ns, "Record", path)!));
        }
        Assert.Equal([Ns], reopened.GetChildNamespaces("root"));
    }

    [Fact]
    public void Open_ReadOnlyMode_ReadsWorkAndWritesAreAccessDenied()
    {
        using var directory = new TempDirectory();
        using (var repository = SqliteRepository.Open(directory.Path))
        {
            Fill(repository, 5);
        }
        using var readOnly = SqliteRepository.Open(directory.Path, SqliteRepositoryOptions.Default with { ReadOnly = true });
        Assert.Equal(5, readOnly.CountInstances(Ns, "Record"));
        var cls = readOnly.GetClass(Ns, "Record")!;
        var record = ChildWorkers.Record(cls, "new", 1);
        var ex = Assert.Throws<WbemException>(() => readOnly.PutInstance(Ns, record.RelativeObjectPath!.ToCanonicalString(), record, PutMode.CreateOrUpdate, out _));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, ex.ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, Assert.Throws<WbemException>(() => readOnly.CreateNamespace(@"root\x")).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, Assert.Throws<WbemException>(() => readOnly.BeginTransaction()).ErrorCode);
        Assert.Equal(5, readOnly.CountInstances(Ns, "Record"));
    }

    [Fact]
    public void Open_ReadOnlyModeOnMissingRepository_IsAccessDenied()
    {
        using var directory = new TempDirectory();
        var ex = Assert.Throws<WbemException>(() => SqliteRepository.Open(Path.Combine(directory.Path, "none"), SqliteRepositoryOptions.Default with { ReadOnly = true }));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, ex.ErrorCode);
    }

    [Fact]
    public void Open_DirectoryCannotBeCreated_IsAccessDenied()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "a-file");
        File.WriteAllText(file, "not a directory");
        var ex = Assert.Throws<WbemException>(() => SqliteRepository.Open(Path.Combine(file, "repo")));
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, ex.ErrorCode);
        Assert.Contains("WMIX_REPOSITORY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOnlyFileSystem_WritesAreAccessDeniedAndDataKept()
    {
        // As root, permissions do not stop writes; a tmpfs remounted read-only does.
        Assert.SkipUnless(Mount.Available, Mount.Reason);
        using var directory = new TempDirectory();
        using var mount = Mount.Tmpfs(directory.Path, "4m");
        var repositoryDirectory = Path.Combine(directory.Path, "repo");
        using (var repository = SqliteRepository.Open(repositoryDirectory))
        {
            Fill(repository, 20);
        }
        mount.Remount("ro");
        var ex = Assert.Throws<WbemException>(() =>
        {
            using var repository = SqliteRepository.Open(repositoryDirectory);
            Fill(repository, 1, "late");
        });
        Assert.Equal(WbemErrorEnum.wbemErrAccessDenied, ex.ErrorCode);
        mount.Remount("rw");
        using var again = SqliteRepository.Open(repositoryDirectory);
        Assert.Equal(20, again.CountInstances(Ns, "Record"));
        Assert.True(again.Check().IsConsistent);
    }

    [Fact]
    public void DiskFull_PutIsOutOfDiskSpaceAndEveryCommittedWriteSurvives()
    {
        Assert.SkipUnless(Mount.Available, Mount.Reason);
        using var directory = new TempDirectory();
        using var mount = Mount.Tmpfs(directory.Path, "1m");
        var repositoryDirectory = Path.Combine(directory.Path, "repo");
        var stored = new List<string>();
        WbemException? full = null;
        using (var repository = SqliteRepository.Open(repositoryDirectory, SqliteRepositoryOptions.Default with { DurableAgainstPowerLoss = false }))
        {
            ChildWorkers.EnsureSchema(repository);
            var cls = repository.GetClass(Ns, "Record")!;
            for (var i = 0; i < 100_000 && full is null; i++)
            {
                var record = ChildWorkers.Record(cls, "fill" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (uint)(i % 700 + 690));
                var path = record.RelativeObjectPath!.ToCanonicalString();
                try
                {
                    repository.PutInstance(Ns, path, record, PutMode.CreateOrUpdate, out _);
                    stored.Add(path);
                }
                catch (WbemException ex)
                {
                    full = ex;
                }
            }
            Assert.NotNull(full);
            Assert.Equal(WbemErrorEnum.wbemErrOutOfDiskSpace, full!.ErrorCode);
            Assert.Contains("full", full.Message, StringComparison.Ordinal);
            // A batch that runs out of space leaves nothing behind either.
            var before = repository.CountInstances(Ns, "Record");
            Assert.Throws<WbemException>(() =>
            {
                using var batch = repository.BeginTransaction();
                for (var i = 0; i < 1000; i++)
                {
                    var record = ChildWorkers.Record(cls, "batch" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), 699);
                    repository.PutInstance(Ns, record.RelativeObjectPath!.ToCanonicalString(), record, PutMode.CreateOrUpdate, out _);
                }
                batch.Commit();
            });
            Assert.Equal(before, repository.CountInstances(Ns, "Record"));
        }
        mount.Remount("rw,size=8m");
        using var again = SqliteRepository.Open(repositoryDirectory);
        Assert.Equal(stored.Count, again.CountInstances(Ns, "Record"));
        foreach (var path in stored)
        {
            Assert.True(ChildWorkers.IsWhole(again.GetInstance(Ns, "Record", path)!));
        }
        Assert.True(again.Check().IsConsistent);
    }

    [Fact]
    public void DamagedPage_CheckReportsItAndReadsGiveWbemErrors()
    {
        using var directory = new TempDirectory();
        using (var repository = SqliteRepository.Open(directory.Path))
        {
            Fill(repository, 300);
        }
        var file = Path.Combine(directory.Path, SqliteRepository.FileName);
        var bytes = File.ReadAllBytes(file);
        // Scribble over the middle of the file (not the header page): damaged b-tree pages or blobs.
        var random = new Random(3);
        for (var i = bytes.Length / 3; i < bytes.Length / 3 + 6000 && i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(256);
        }
        File.WriteAllBytes(file, bytes);
        using var damaged = SqliteRepository.Open(directory.Path);
        var report = damaged.Check();
        Assert.False(report.IsConsistent);
        try
        {
            foreach (var instance in damaged.EnumerateInstances(Ns, "Record"))
            {
                Assert.True(instance.IsReadOnly);
            }
        }
        catch (WbemException ex)
        {
            Assert.True(ex.ErrorCode is WbemErrorEnum.wbemErrCriticalError or WbemErrorEnum.wbemErrInvalidObject, ex.ErrorName);
        }
    }
}

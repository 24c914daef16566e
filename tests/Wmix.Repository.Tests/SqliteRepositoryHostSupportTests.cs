using Wmix.Cim;
using Wmix.Repository.Sqlite;

namespace Wmix.Repository.Tests;

/// <summary>What hosts need from the store (issue #5): metadata stamps and a schema generation other processes move.</summary>
public sealed class SqliteRepositoryHostSupportTests
{
    [Fact]
    public void SetMetadata_ThenReopen_ValueIsKept_AndTransactionsRollItBack()
    {
        using var directory = new TempDirectory();
        using (var repository = SqliteRepository.Open(directory.Path))
        {
            Assert.Null(repository.GetMetadata("host_stamp"));
            repository.SetMetadata("host_stamp", 42);
            repository.SetMetadata("host_stamp", long.MaxValue);
            using (var transaction = repository.BeginTransaction())
            {
                repository.SetMetadata("host_other", 1);
                Assert.Equal(1, repository.GetMetadata("host_other"));
                // Disposed without commit: rolled back.
            }
            Assert.Null(repository.GetMetadata("host_other"));
        }
        using var again = SqliteRepository.Open(directory.Path);
        Assert.Equal(long.MaxValue, again.GetMetadata("host_stamp"));
        Assert.True(again.Check().IsConsistent);
    }

    [Fact]
    public void SetMetadata_ReservedKey_IsRefused()
    {
        using var directory = new TempDirectory();
        using var repository = SqliteRepository.Open(directory.Path);
        Assert.Throws<ArgumentException>(() => repository.SetMetadata("schema_generation", 0));
        Assert.Throws<ArgumentException>(() => repository.GetMetadata(""));
    }

    [Fact]
    public void SchemaGeneration_MovesWhenAnotherConnectionChangesTheSchema_NotOnInstanceWrites()
    {
        using var directory = new TempDirectory();
        using var reader = SqliteRepository.Open(directory.Path);
        using var writer = SqliteRepository.Open(directory.Path);
        writer.CreateNamespace("root");
        var before = reader.SchemaGeneration;
        var cls = new CimClass("Gen");
        cls.AddProperty("Id", CimType.UInt32, isKey: true);
        writer.PutClass("root", (CimClass)cls.Freeze());
        var afterClass = reader.SchemaGeneration;
        Assert.NotEqual(before, afterClass);
        var instance = writer.GetClass("root", "Gen")!.SpawnInstance();
        instance["Id"] = 1u;
        instance.Freeze();
        writer.PutInstance("root", instance.RelativeObjectPath!.ToCanonicalString(), (CimInstance)instance, Wmix.Engine.PutMode.CreateOrUpdate, out _);
        Assert.Equal(afterClass, reader.SchemaGeneration);
    }
}

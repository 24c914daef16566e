using Wmix.Cim;
using Wmix.Engine.Repository;
using Wmix.Engine.Tests.Support;

namespace Wmix.Engine.Tests;

public sealed class RepositoryTests
{
    private static (InMemoryRepository Repository, CimClass Class) Create()
    {
        var repository = new InMemoryRepository();
        repository.CreateNamespace("root");
        repository.CreateNamespace(@"root\a");
        var cls = (CimClass)TestSchema.Base().Freeze();
        repository.PutClass(@"root\a", cls);
        return (repository, cls);
    }

    private static CimInstance Frozen(CimClass cls, uint id, string name) =>
        (CimInstance)TestSchema.New(cls, ("Id", id), ("Name", name)).Freeze();

    private static string Key(CimInstance instance) => instance.RelativeObjectPath!.ToCanonicalString();

    [Fact]
    public void Namespaces_CreateListDeleteRecursively()
    {
        var (repository, _) = Create();
        Assert.True(repository.CreateNamespace(@"root\a\b"));
        Assert.False(repository.CreateNamespace(@"ROOT\A\B"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, Assert.Throws<WbemException>(() => repository.CreateNamespace(@"root\x\y")).ErrorCode);
        Assert.Equal([@"root\a"], repository.GetChildNamespaces("root"));
        Assert.Equal(@"root\a\b", repository.GetNamespaceName("root/A/b"));
        Assert.True(repository.DeleteNamespace(@"root\a"));
        Assert.False(repository.NamespaceExists(@"root\a\b"));
        Assert.False(repository.DeleteNamespace(@"root\a"));
        Assert.Empty(repository.GetClasses(@"root\a"));
    }

    [Fact]
    public void PutInstance_Modes_AreAtomicChecks()
    {
        var (repository, cls) = Create();
        var one = Frozen(cls, 1, "one");
        Assert.Equal(RepositoryPutResult.NotFound, repository.PutInstance(@"root\a", Key(one), one, PutMode.UpdateOnly, out _));
        Assert.Equal(RepositoryPutResult.Created, repository.PutInstance(@"root\a", Key(one), one, PutMode.CreateOnly, out var previous));
        Assert.Null(previous);
        Assert.Equal(RepositoryPutResult.AlreadyExists, repository.PutInstance(@"root\a", Key(one), one, PutMode.CreateOnly, out _));
        var again = Frozen(cls, 1, "again");
        Assert.Equal(RepositoryPutResult.Updated, repository.PutInstance(@"root\a", Key(again), again, PutMode.CreateOrUpdate, out previous));
        Assert.Same(one, previous);
        Assert.Same(again, repository.GetInstance(@"root\a", "TEST_BASE", Key(one)));
        Assert.Equal(1, repository.CountInstances(@"root\a", "Test_Base"));
        Assert.Same(again, repository.DeleteInstance(@"root\a", "Test_Base", Key(one)));
        Assert.Null(repository.DeleteInstance(@"root\a", "Test_Base", Key(one)));
    }

    [Fact]
    public void PutInstance_UnknownClassOrMutable_Refused()
    {
        var (repository, cls) = Create();
        var other = (CimClass)new CimClass("Other").Freeze();
        var orphan = (CimInstance)other.SpawnInstance().Freeze();
        Assert.Equal(RepositoryPutResult.ClassNotFound, repository.PutInstance(@"root\a", "other", orphan, PutMode.CreateOrUpdate, out _));
        Assert.Throws<ArgumentException>(() => repository.PutInstance(@"root\a", "x", TestSchema.New(cls, ("Id", 1u)), PutMode.CreateOrUpdate, out _));
    }

    [Fact]
    public void DeleteClass_RemovesItsInstances()
    {
        var (repository, cls) = Create();
        var one = Frozen(cls, 1, "one");
        repository.PutInstance(@"root\a", Key(one), one, PutMode.CreateOrUpdate, out _);
        Assert.Same(cls, repository.DeleteClass(@"root\a", "test_base"));
        repository.PutClass(@"root\a", cls);
        Assert.Empty(repository.EnumerateInstances(@"root\a", "Test_Base"));
    }

    [Fact]
    public async Task ConcurrentWritersAndReaders_ReadersNeverSeeTornObjects()
    {
        var (repository, cls) = Create();
        const int Keys = 64;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            var generation = 0u;
            while (!stop.IsCancellationRequested)
            {
                generation++;
                for (var k = 0u; k < Keys; k++)
                {
                    // Name and Size always agree within one stored object.
                    var instance = (CimInstance)TestSchema.New(cls, ("Id", k), ("Name", $"{generation}"), ("Size", generation)).Freeze();
                    repository.PutInstance(@"root\a", Key(instance), instance, PutMode.CreateOrUpdate, out _);
                }
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (var instance in repository.EnumerateInstances(@"root\a", "Test_Base"))
                {
                    Assert.Equal(instance["Name"], ((uint)instance["Size"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    Assert.True(instance.IsReadOnly);
                    reads++;
                }
            }
            return reads;
        })).ToArray();
        await Task.WhenAll(writers);
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.Equal(Keys, repository.CountInstances(@"root\a", "Test_Base"));
    }
}

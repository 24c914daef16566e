using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Repository;

namespace Wmix.Repository.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="ICimRepository"/> shares; each store runs it (in-memory and SQLite).
/// </summary>
public abstract class RepositoryContractTests : IDisposable
{
    private ICimRepository? _repository;

    protected ICimRepository Repository => _repository ??= Create();

    protected abstract ICimRepository Create();

    /// <summary>Closes and reopens the store where that means anything (durable stores); others return the same.</summary>
    protected virtual ICimRepository Reopen() => Repository;

    public virtual void Dispose()
    {
        (_repository as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static CimClass KeyedClass(string name = "Thing", CimClass? parent = null)
    {
        var cls = new CimClass(name, parent);
        if (parent is null)
        {
            cls.AddProperty("Id", CimType.String, isKey: true);
        }
        cls.AddProperty(name + "Size", CimType.UInt32, value: 7u);
        cls.Qualifiers.Set("Description", "A " + name);
        return (CimClass)cls.Freeze();
    }

    protected static (string Path, CimInstance Instance) Instance(CimClass cls, string id, uint size = 1)
    {
        var instance = cls.SpawnInstance();
        instance.SetValue("Id", id);
        instance.SetValue(cls.Name + "Size", size);
        instance.Freeze();
        return (instance.RelativeObjectPath!.ToCanonicalString(), instance);
    }

    private void Setup(string ns = @"root\test")
    {
        var parts = ns.Split('\\');
        for (var i = 1; i <= parts.Length; i++)
        {
            Repository.CreateNamespace(string.Join('\\', parts[..i]));
        }
    }

    [Fact]
    public void CreateNamespace_Nested_ExistsAndListedUnderParent()
    {
        Assert.True(Repository.CreateNamespace("root"));
        Assert.True(Repository.CreateNamespace(@"root\B"));
        Assert.True(Repository.CreateNamespace(@"root\a"));
        Assert.False(Repository.CreateNamespace(@"ROOT\A"));
        Assert.True(Repository.NamespaceExists("root/a"));
        Assert.Equal(@"root\a", Repository.GetNamespaceName(@"ROOT\A"));
        Assert.Equal([@"root\a", @"root\B"], Repository.GetChildNamespaces("Root"));
        Assert.Empty(Repository.GetChildNamespaces(@"root\a"));
        Assert.Empty(Repository.GetChildNamespaces("nowhere"));
    }

    [Fact]
    public void CreateNamespace_MissingParent_IsInvalidNamespace()
    {
        var ex = Assert.Throws<WbemException>(() => Repository.CreateNamespace(@"root\missing\child"));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, ex.ErrorCode);
    }

    [Fact]
    public void DeleteNamespace_WithChildrenClassesAndInstances_RemovesEverythingBelow()
    {
        Setup(@"root\test\deep");
        var cls = KeyedClass();
        Repository.PutClass(@"root\test", cls);
        Repository.PutClass(@"root\test\deep", cls);
        var (path, instance) = Instance(cls, "a");
        Repository.PutInstance(@"root\test\deep", path, instance, PutMode.CreateOrUpdate, out _);
        Assert.True(Repository.DeleteNamespace(@"ROOT\test"));
        Assert.False(Repository.DeleteNamespace(@"root\test"));
        Assert.False(Repository.NamespaceExists(@"root\test"));
        Assert.False(Repository.NamespaceExists(@"root\test\deep"));
        Assert.True(Repository.NamespaceExists("root"));
        Assert.Null(Repository.GetClass(@"root\test", "Thing"));
        // Re-creating the namespace gives an empty one.
        Setup(@"root\test\deep");
        Assert.Null(Repository.GetClass(@"root\test\deep", "Thing"));
        Assert.Null(Repository.GetInstance(@"root\test\deep", "Thing", path));
    }

    [Fact]
    public void PutClass_NewThenReplace_ReturnsPreviousAndGetIsCaseInsensitive()
    {
        Setup();
        var first = KeyedClass();
        Assert.Null(Repository.PutClass(@"root\test", first));
        var got = Repository.GetClass(@"root\test", "THING");
        Assert.NotNull(got);
        Assert.True(first.CompareTo(got!));
        var second = new CimClass("Thing");
        second.AddProperty("Id", CimType.String, isKey: true);
        second.AddProperty("Other", CimType.Boolean);
        second.Freeze();
        var previous = Repository.PutClass(@"root\test", second);
        Assert.NotNull(previous);
        Assert.True(first.CompareTo(previous!));
        Assert.True(second.CompareTo(Repository.GetClass(@"root\test", "thing")!));
    }

    [Fact]
    public void PutClass_UnknownNamespaceOrUnfrozen_Throws()
    {
        var ex = Assert.Throws<WbemException>(() => Repository.PutClass(@"root\nowhere", KeyedClass()));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidNamespace, ex.ErrorCode);
        Setup();
        Assert.Throws<ArgumentException>(() => Repository.PutClass(@"root\test", new CimClass("Mutable")));
    }

    [Fact]
    public void GetClasses_DerivedChain_AllListedWithSuperclasses()
    {
        Setup();
        var parent = KeyedClass("Base");
        var child = KeyedClass("Child", parent);
        var grandchild = KeyedClass("Grand", child);
        Repository.PutClass(@"root\test", parent);
        Repository.PutClass(@"root\test", child);
        Repository.PutClass(@"root\test", grandchild);
        var classes = Repository.GetClasses(@"root\test").OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(["Base", "Child", "Grand"], classes.Select(c => c.Name));
        Assert.Equal(["Child", "Base"], classes[2].Derivation);
        Assert.True(grandchild.CompareTo(classes[2]));
        Assert.Empty(Repository.GetClasses(@"root\nowhere"));
    }

    [Fact]
    public void DeleteClass_WithInstances_RemovesItsInstancesOnly()
    {
        Setup();
        var a = KeyedClass("A");
        var b = KeyedClass("B");
        Repository.PutClass(@"root\test", a);
        Repository.PutClass(@"root\test", b);
        var (pa, ia) = Instance(a, "1");
        var (pb, ib) = Instance(b, "1");
        Repository.PutInstance(@"root\test", pa, ia, PutMode.CreateOrUpdate, out _);
        Repository.PutInstance(@"root\test", pb, ib, PutMode.CreateOrUpdate, out _);
        var removed = Repository.DeleteClass(@"root\test", "a");
        Assert.True(a.CompareTo(removed!));
        Assert.Null(Repository.DeleteClass(@"root\test", "a"));
        Assert.Null(Repository.GetClass(@"root\test", "A"));
        Assert.Equal(0, Repository.CountInstances(@"root\test", "A"));
        Assert.Equal(1, Repository.CountInstances(@"root\test", "B"));
        // A class put again under the same name starts without instances.
        Repository.PutClass(@"root\test", a);
        Assert.Null(Repository.GetInstance(@"root\test", "A", pa));
    }

    [Fact]
    public void PutInstance_Modes_GiveWmisOutcomes()
    {
        Setup();
        var cls = KeyedClass();
        Repository.PutClass(@"root\test", cls);
        var (path, v1) = Instance(cls, "x", 1);
        var (_, v2) = Instance(cls, "x", 2);

        Assert.Equal(RepositoryPutResult.NotFound, Repository.PutInstance(@"root\test", path, v1, PutMode.UpdateOnly, out var previous));
        Assert.Null(previous);
        Assert.Equal(RepositoryPutResult.Created, Repository.PutInstance(@"root\test", path, v1, PutMode.CreateOnly, out previous));
        Assert.Null(previous);
        Assert.Equal(RepositoryPutResult.AlreadyExists, Repository.PutInstance(@"root\test", path, v2, PutMode.CreateOnly, out _));
        Assert.Equal(1u, Repository.GetInstance(@"root\test", "Thing", path)!["ThingSize"]);
        Assert.Equal(RepositoryPutResult.Updated, Repository.PutInstance(@"root\test", path, v2, PutMode.UpdateOnly, out previous));
        Assert.True(v1.CompareTo(previous!));
        Assert.Equal(RepositoryPutResult.Updated, Repository.PutInstance(@"root\test", path, v1, PutMode.CreateOrUpdate, out previous));
        Assert.True(v2.CompareTo(previous!));
        Assert.True(v1.CompareTo(Repository.GetInstance(@"root\test", "thing", path)!));
    }

    [Fact]
    public void PutInstance_UnknownClassOrNamespace_IsClassNotFound()
    {
        Setup();
        var cls = KeyedClass();
        var (path, instance) = Instance(cls, "x");
        Assert.Equal(RepositoryPutResult.ClassNotFound, Repository.PutInstance(@"root\test", path, instance, PutMode.CreateOrUpdate, out _));
        Assert.Equal(RepositoryPutResult.ClassNotFound, Repository.PutInstance(@"root\nowhere", path, instance, PutMode.CreateOrUpdate, out _));
        Assert.Equal(0, Repository.CountInstances(@"root\test", "Thing"));
    }

    [Fact]
    public void EnumerateInstances_ExactClassOnly_AllReturnedAndCounted()
    {
        Setup();
        var parent = KeyedClass("Base");
        var child = KeyedClass("Child", parent);
        Repository.PutClass(@"root\test", parent);
        Repository.PutClass(@"root\test", child);
        var expected = new Dictionary<string, CimInstance>();
        for (var i = 0; i < 2500; i++)
        {
            var (path, instance) = Instance(i % 5 == 0 ? child : parent, "id" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (uint)i);
            Assert.Equal(RepositoryPutResult.Created, Repository.PutInstance(@"root\test", path, instance, PutMode.CreateOnly, out _));
            if (instance.ClassName == "Base")
            {
                expected[path] = instance;
            }
        }
        var listed = Repository.EnumerateInstances(@"root\test", "BASE").ToList();
        Assert.Equal(expected.Count, listed.Count);
        Assert.Equal(expected.Count, Repository.CountInstances(@"root\test", "base"));
        Assert.Equal(500, Repository.CountInstances(@"root\test", "Child"));
        foreach (var instance in listed)
        {
            Assert.True(expected[instance.RelativeObjectPath!.ToCanonicalString()].CompareTo(instance));
            Assert.True(instance.IsReadOnly);
        }
        Assert.Empty(Repository.EnumerateInstances(@"root\test", "Nothing"));
        Assert.Empty(Repository.EnumerateInstances(@"root\nowhere", "Base"));
    }

    [Fact]
    public void DeleteInstance_Existing_ReturnsItOnce()
    {
        Setup();
        var cls = KeyedClass();
        Repository.PutClass(@"root\test", cls);
        var (path, instance) = Instance(cls, "gone");
        Repository.PutInstance(@"root\test", path, instance, PutMode.CreateOrUpdate, out _);
        Assert.True(instance.CompareTo(Repository.DeleteInstance(@"root\test", "thing", path)!));
        Assert.Null(Repository.DeleteInstance(@"root\test", "Thing", path));
        Assert.Null(Repository.GetInstance(@"root\test", "Thing", path));
        Assert.Null(Repository.DeleteInstance(@"root\nowhere", "Thing", path));
    }

    [Fact]
    public void BeginTransaction_Committed_EverythingVisible()
    {
        Setup();
        var cls = KeyedClass();
        using (var transaction = Repository.BeginTransaction())
        {
            Repository.CreateNamespace(@"root\test\batch");
            Repository.PutClass(@"root\test\batch", cls);
            // Reads in the batch see its own writes.
            Assert.NotNull(Repository.GetClass(@"root\test\batch", "Thing"));
            var (path, instance) = Instance(cls, "t");
            Assert.Equal(RepositoryPutResult.Created, Repository.PutInstance(@"root\test\batch", path, instance, PutMode.CreateOnly, out _));
            Assert.NotNull(Repository.GetInstance(@"root\test\batch", "Thing", path));
            transaction.Commit();
        }
        Assert.True(Repository.NamespaceExists(@"root\test\batch"));
        Assert.Equal(1, Repository.CountInstances(@"root\test\batch", "Thing"));
        var reopened = Reopen();
        Assert.Equal(1, reopened.CountInstances(@"root\test\batch", "Thing"));
        Assert.True(cls.CompareTo(reopened.GetClass(@"root\test\batch", "Thing")!));
    }

    [Fact]
    public void BeginTransaction_DisposedWithoutCommit_RollsEverythingBack()
    {
        Setup();
        var cls = KeyedClass();
        var other = KeyedClass("Other");
        Repository.PutClass(@"root\test", cls);
        var (path, original) = Instance(cls, "keep", 1);
        Repository.PutInstance(@"root\test", path, original, PutMode.CreateOrUpdate, out _);
        using (Repository.BeginTransaction())
        {
            Repository.CreateNamespace(@"root\test\batch");
            Repository.PutClass(@"root\test", other);
            var (_, changed) = Instance(cls, "keep", 99);
            Repository.PutInstance(@"root\test", path, changed, PutMode.UpdateOnly, out _);
            var (newPath, added) = Instance(cls, "new");
            Repository.PutInstance(@"root\test", newPath, added, PutMode.CreateOnly, out _);
            Repository.DeleteClass(@"root\test", "Thing");
            Assert.Null(Repository.GetClass(@"root\test", "Thing"));
        }
        Assert.False(Repository.NamespaceExists(@"root\test\batch"));
        Assert.Null(Repository.GetClass(@"root\test", "Other"));
        Assert.True(cls.CompareTo(Repository.GetClass(@"root\test", "Thing")!));
        Assert.Equal(1, Repository.CountInstances(@"root\test", "Thing"));
        Assert.True(original.CompareTo(Repository.GetInstance(@"root\test", "Thing", path)!));
        var reopened = Reopen();
        Assert.True(original.CompareTo(reopened.GetInstance(@"root\test", "Thing", path)!));
        Assert.Null(reopened.GetClass(@"root\test", "Other"));
    }

    [Fact]
    public void BeginTransaction_Nested_ThrowsAndCommitTwiceThrows()
    {
        Setup();
        var transaction = Repository.BeginTransaction();
        Assert.Throws<InvalidOperationException>(() => Repository.BeginTransaction());
        transaction.Commit();
        Assert.Throws<InvalidOperationException>(transaction.Commit);
        transaction.Dispose();
        using var next = Repository.BeginTransaction();
        next.Commit();
    }

    [Fact]
    public async Task BeginTransaction_OtherWriter_WaitsUntilTheBatchEnds()
    {
        Setup();
        var cls = KeyedClass();
        Repository.PutClass(@"root\test", cls);
        var transaction = Repository.BeginTransaction();
        var (path, instance) = Instance(cls, "batch");
        Repository.PutInstance(@"root\test", path, instance, PutMode.CreateOnly, out _);
        // Another flow writes: it must wait, not interleave. (A task started normally would inherit the batch, which
        // flows with the execution context; suppressing the flow makes it an outsider.)
        Task<RepositoryPutResult> other;
        using (ExecutionContext.SuppressFlow())
        {
            other = Task.Run(() =>
            {
                var (otherPath, otherInstance) = Instance(cls, "other");
                return Repository.PutInstance(@"root\test", otherPath, otherInstance, PutMode.CreateOnly, out _);
            });
        }
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.False(other.IsCompleted);
        transaction.Dispose();
        Assert.Equal(RepositoryPutResult.Created, await other);
        Assert.Null(Repository.GetInstance(@"root\test", "Thing", path));
        Assert.Equal(1, Repository.CountInstances(@"root\test", "Thing"));
    }

    [Fact]
    public async Task ConcurrentReadersAndWriters_NeverSeeTornObjects()
    {
        Setup();
        var cls = KeyedClass();
        Repository.PutClass(@"root\test", cls);
        var (path, first) = Instance(cls, "hot", 0);
        Repository.PutInstance(@"root\test", path, first, PutMode.CreateOrUpdate, out _);
        // Dedicated threads (the machine may have two cores): each reader makes a fixed number of reads while the
        // writer keeps replacing the object; the writer stops when every reader is done.
        using var stop = new CancellationTokenSource();
        var writer = Task.Factory.StartNew(() =>
        {
            for (uint i = 1; !stop.IsCancellationRequested; i++)
            {
                var (_, next) = Instance(cls, "hot", i);
                Repository.PutInstance(@"root\test", path, next, PutMode.UpdateOnly, out _);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Factory.StartNew(() =>
        {
            var sizes = new HashSet<uint>();
            for (var reads = 0; reads < 500; reads++)
            {
                var got = Repository.GetInstance(@"root\test", "Thing", path)!;
                Assert.Equal("hot", got["Id"]);
                sizes.Add(Assert.IsType<uint>(got["ThingSize"]));
            }
            return sizes.Count;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        var counts = await Task.WhenAll(readers);
        await stop.CancelAsync();
        await writer;
        Assert.All(counts, c => Assert.True(c > 0));
    }
}

public sealed class InMemoryRepositoryContractTests : RepositoryContractTests
{
    protected override ICimRepository Create() => new InMemoryRepository();
}

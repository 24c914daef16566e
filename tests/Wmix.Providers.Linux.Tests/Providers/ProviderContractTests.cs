using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;

namespace Wmix.Providers.Linux.Tests.Providers;

/// <summary>
/// The contract every Linux provider class passes: keys unique and resolvable by Get, values of the declared types,
/// cancellation honoured within one item, and WHERE push-down giving the same answer as a full scan.
/// </summary>
public abstract class ProviderContractTests : IDisposable
{
    private readonly ContextSpy _spy = new();
    private ObjectManager? _manager;
    private CimSession? _session;

    // Opened on first use rather than in the constructor, so that a subclass's Options are in place.
    protected CimSession Session => _session ??= Open();

    /// <summary>The Linux provider options of the manager under test (e.g. a file provider rooted at a temp directory).</summary>
    protected virtual LinuxProviderOptions? Options => null;

    private CimSession Open()
    {
        _manager = CreateManager();
        _manager.RegisterProvider(_spy);
        return _manager.OpenSession(@"root\cimv2");
    }

    /// <summary>The object manager serving the class: every Linux provider with <see cref="Options"/>, unless overridden (e.g. for another backend).</summary>
    protected virtual ObjectManager CreateManager() => TestSupport.NewManager(Options);

    /// <summary>The class under test.</summary>
    protected abstract string ClassName { get; }

    /// <summary>The provider serving it (a fresh one, called directly for the cancellation test).</summary>
    protected abstract CimProvider CreateProvider();

    /// <summary>At least this many instances exist on any machine.</summary>
    protected virtual int MinimumCount => 1;

    /// <summary>True when instances come and go on their own (processes): Get may then miss one that just vanished.</summary>
    protected virtual bool IsVolatile => false;

    /// <summary>WHERE clauses the provider pushes down, with the property they restrict; built from a sample instance.</summary>
    protected abstract IEnumerable<string> PushDownProperties { get; }

    public void Dispose()
    {
        _session?.Dispose();
        _manager?.Dispose();
    }

    private async Task<List<CimInstance>> AllAsync() =>
        await Session.InstancesAsync(ClassName, deep: false, TestContext.Current.CancellationToken).ToListAsync();

    [Fact]
    public async Task Enumerate_Always_KeysUniqueAndResolvableByGet()
    {
        var all = await AllAsync();
        Assert.True(all.Count >= MinimumCount, $"{ClassName}: {all.Count} instances");
        var paths = all.Select(i => i.RelativePath!).ToList();
        Assert.All(paths, Assert.NotNull);
        Assert.Equal(paths.Count, paths.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var missed = 0;
        foreach (var instance in all.Take(200))
        {
            try
            {
                var got = (CimInstance)await Session.GetAsync(instance.RelativePath!, TestContext.Current.CancellationToken);
                Assert.Equal(instance.Path!.ToCanonicalString(), got.Path!.ToCanonicalString());
            }
            catch (WbemException e) when (IsVolatile && e.ErrorCode == WbemErrorEnum.wbemErrNotFound)
            {
                missed++;
            }
        }
        Assert.True(missed <= Math.Max(3, all.Count / 20), $"{missed} instances could not be read back");
    }

    [Fact]
    public async Task Enumerate_Always_ValuesHaveDeclaredTypes()
    {
        foreach (var instance in await AllAsync())
        {
            foreach (var p in instance.Properties)
            {
                var value = instance.GetValue(p.Name);
                if (value is null)
                {
                    continue;
                }
                if (p.IsArray)
                {
                    Assert.True(value is Array, $"{ClassName}.{p.Name} is not an array");
                    var elementType = value.GetType().GetElementType()!;
                    Assert.True(p.Type == CimType.Object ? typeof(CimObject).IsAssignableFrom(elementType) : elementType == p.Type.ClrType(),
                        $"{ClassName}.{p.Name}: {elementType} for {p.Type}[]");
                    continue;
                }
                Assert.True(p.Type == CimType.Object ? value is CimObject : value.GetType() == p.Type.ClrType(),
                    $"{ClassName}.{p.Name}: {value.GetType()} for {p.Type}");
                if (p.Type == CimType.DateTime)
                {
                    Assert.True(CimDateTime.TryParse((string)value, out _), $"{ClassName}.{p.Name}: '{value}' is not a CIM datetime");
                }
            }
        }
    }

    [Fact]
    public async Task EnumerateInstancesAsync_CancelledAfterFirstItem_StopsWithinOneItem()
    {
        // A provider context comes only from the engine; the spy provider captures one from a real call.
        await Session.InstancesAsync(ContextSpy.ClassName, deep: false, TestContext.Current.CancellationToken).ToListAsync();
        var context = _spy.Captured!;
        var cls = (CimClass)await Session.GetAsync(ClassName, TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource();
        var provider = CreateProvider();
        await using var items = provider.EnumerateInstancesAsync(context, cls, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await items.MoveNextAsync());
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await items.MoveNextAsync());
    }

    [Fact]
    public async Task Query_PushedDownCondition_SameAnswerAsFullScan()
    {
        var all = await AllAsync();
        foreach (var property in PushDownProperties)
        {
            foreach (var sample in PickSamples(all))
            {
                var value = sample.GetValue(property);
                if (value is null)
                {
                    continue;
                }
                var literal = value is string s ? "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'"
                    : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                var pushed = await Session.QueryAsync($"SELECT * FROM {ClassName} WHERE {property} = {literal}", TestContext.Current.CancellationToken).ToListAsync();
                var fresh = await AllAsync();
                var scanned = fresh.Where(i => Equals(i.GetValue(property), value)).Select(i => i.RelativePath).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var got = pushed.Select(i => i.RelativePath).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (IsVolatile)
                {
                    // Between the two listings things may come and go; the sample itself must be in both answers.
                    Assert.Contains(sample.RelativePath, got);
                    Assert.Contains(sample.RelativePath, scanned);
                    Assert.All(got, p => Assert.True(scanned.Contains(p!) || !IsVolatile));
                }
                else
                {
                    Assert.Equal(scanned.Order(), got.Order());
                }
            }
        }
    }

    /// <summary>Instances to use as push-down samples (stable ones for volatile classes).</summary>
    protected virtual IEnumerable<CimInstance> PickSamples(IReadOnlyList<CimInstance> all) => all.Take(3);

    /// <summary>A provider of one class that remembers the context of its last call.</summary>
    private sealed class ContextSpy : CimProvider
    {
        public const string ClassName = "Wmix_ContextSpy";

        public ProviderContext? Captured { get; private set; }

        public override string Name => "Spy";

        public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
            [new(@"root\cimv2", (CimClass)new CimClass(ClassName).Freeze())];

        public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Captured = context;
            await Task.CompletedTask;
            yield break;
        }
    }
}

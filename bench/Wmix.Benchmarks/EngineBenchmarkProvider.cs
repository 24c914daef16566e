using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;

namespace Wmix.Benchmarks;

/// <summary>
/// An in-memory provider for the engine benchmarks: <c>Bench_Item</c> (key uint32 Id, string Name, uint32 Size) with
/// <see cref="Count"/> instances, each spawned as it is produced (the only allocation a real provider cannot avoid);
/// the names are prebuilt. With <see cref="WaitForCancel"/>, an enumeration waits for cancellation instead (an
/// outstanding operation).
/// </summary>
public sealed class EngineBenchmarkProvider : CimProvider
{
    private readonly List<ProviderClassRegistration> _classes;
    private readonly string[] _names;

    public EngineBenchmarkProvider(int count, bool waitForCancel = false)
    {
        Count = count;
        WaitForCancel = waitForCancel;
        var cls = new CimClass("Bench_Item");
        cls.AddProperty("Id", CimType.UInt32, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("Size", CimType.UInt32);
        _classes = [new ProviderClassRegistration(@"root\cimv2", cls, ProviderCapabilities.Enumerate)];
        _names = [.. Enumerable.Range(0, Math.Min(count, 1024)).Select(i => "item" + i)];
    }

    public int Count { get; }

    public bool WaitForCancel { get; }

    public override string Name => "Bench";

    public override IReadOnlyList<ProviderClassRegistration> Classes => _classes;

    public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (WaitForCancel)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        var boxedSizes = new object[1024];
        for (var i = 0; i < boxedSizes.Length; i++)
        {
            boxedSizes[i] = (uint)i;
        }
        for (var i = 0; i < Count; i++)
        {
            var instance = cls.SpawnInstance();
            instance.SetValue(0, (uint)i);
            instance.SetValue(1, _names[i & 1023]);
            instance.SetValue(2, boxedSizes[i & 1023]);
            yield return instance;
        }
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Wql;

namespace Wmix.Engine.Tests.Support;

/// <summary>
/// A provider for tests: <c>Test_Item</c> (key uint32 Id, Name, Size; methods Double, Slow, static Count) streaming
/// <see cref="Count"/> instances with an optional delay per item, honouring cancellation, with counters the tests read.
/// </summary>
internal sealed class TestProvider : CimProvider
{
    public const string ClassName = "Test_Item";

    private readonly List<ProviderClassRegistration> _classes;
    private readonly ConcurrentDictionary<uint, string> _stored = new();
    private int _enumerations;
    private int _produced;
    private int _cancelled;
    private int _sideEffects;
    private int _active;

    public TestProvider(string @namespace = @"root\cimv2", int count = 10, TimeSpan delay = default,
        ProviderCapabilities capabilities = ProviderCapabilities.All, string className = ClassName)
    {
        Count = count;
        Delay = delay;
        var cls = new CimClass(className);
        cls.AddProperty("Id", CimType.UInt32, isKey: true);
        cls.AddProperty("Name", CimType.String);
        cls.AddProperty("Size", CimType.UInt32);
        var inOut = new CimQualifierSet();
        inOut.Set("In", true);
        var required = new CimQualifierSet();
        required.Set("In", true);
        required.Set("Required", true);
        var outOnly = new CimQualifierSet();
        outOnly.Set("Out", true);
        cls.AddMethod(new CimMethod("Double", CimType.UInt32,
            [new CimParameter("Value", CimType.UInt32, qualifiers: required), new CimParameter("Result", CimType.UInt32, qualifiers: outOnly)]));
        cls.AddMethod(new CimMethod("Slow", CimType.UInt32, [new CimParameter("Milliseconds", CimType.UInt32, qualifiers: inOut)]));
        var staticQ = new CimQualifierSet();
        staticQ.Set("Static", true);
        cls.AddMethod(new CimMethod("Count", CimType.UInt32, qualifiers: staticQ));
        cls.AddMethod(new CimMethod("Fail", CimType.UInt32));
        _classes = [new ProviderClassRegistration(@namespace, cls, capabilities)];
    }

    public override string Name => "TestProvider";

    public override IReadOnlyList<ProviderClassRegistration> Classes => _classes;

    public int Count { get; set; }

    public TimeSpan Delay { get; set; }

    /// <summary>When set, the enumeration throws this after <see cref="FailAfter"/> items.</summary>
    public Exception? Failure { get; set; }

    public int FailAfter { get; set; }

    /// <summary>Use the query's WHERE (<c>Id &lt; n</c> / <c>Id = n</c>) to produce fewer instances.</summary>
    public bool PushDown { get; set; }

    /// <summary>Report progress every item.</summary>
    public bool ReportsProgress { get; set; }

    public int Enumerations => Volatile.Read(ref _enumerations);

    public int Produced => Volatile.Read(ref _produced);

    public int CancellationsObserved => Volatile.Read(ref _cancelled);

    public int SideEffects => Volatile.Read(ref _sideEffects);

    /// <summary>Enumerations or method calls still running inside the provider.</summary>
    public int Active => Volatile.Read(ref _active);

    public WqlSelectQuery? LastQuery { get; private set; }

    public IReadOnlyDictionary<string, object?>? LastContext { get; private set; }

    public override async IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _enumerations);
        Interlocked.Increment(ref _active);
        LastQuery = context.Query;
        LastContext = context.Context;
        try
        {
            var (lowerThan, equal) = PushDown ? ReadPushDown(context.Query?.Where) : (null, null);
            for (var i = 0; i < Count; i++)
            {
                if (Failure is { } failure && i == FailAfter)
                {
                    throw failure;
                }
                if (Delay > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(Delay, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        Interlocked.Increment(ref _cancelled);
                        throw;
                    }
                }
                if ((lowerThan is { } lt && i >= lt) || (equal is { } eq && i != eq))
                {
                    continue;
                }
                if (ReportsProgress)
                {
                    context.ReportProgress(Count, i + 1, "item");
                }
                Interlocked.Increment(ref _produced);
                yield return Make(cls, (uint)i);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    private static CimInstance Make(CimClass cls, uint id)
    {
        var instance = cls.SpawnInstance();
        instance.SetValue(0, id);
        instance.SetValue(1, "item" + id);
        instance.SetValue(2, id * 10);
        return instance;
    }

    private static (long? LowerThan, long? Equal) ReadPushDown(WqlExpression? where) => where switch
    {
        WqlComparison { Operator: WqlComparisonOperator.Less, Value.Value: long n } c when c.Property.LeafName == "Id" => (n, null),
        WqlComparison { Operator: WqlComparisonOperator.Equal, Value.Value: long n } c when c.Property.LeafName == "Id" => (null, n),
        _ => (null, null),
    };

    public override ValueTask<CimObjectPath> PutInstanceAsync(ProviderContext context, CimInstance instance, PutMode mode, CancellationToken cancellationToken)
    {
        var id = (uint)instance["Id"]!;
        _stored[id] = (string?)instance["Name"] ?? string.Empty;
        return new(instance.RelativeObjectPath!);
    }

    public IReadOnlyDictionary<uint, string> Stored => _stored;

    public override ValueTask DeleteInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        var id = (uint)path.Keys[0].Value;
        if (id >= Count)
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"No item {id}.");
        }
        Count--;
        return ValueTask.CompletedTask;
    }

    public override async ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _active);
        try
        {
            var output = method.OutParameters!.SpawnInstance();
            switch (method.Name)
            {
                case "Double":
                    var value = (uint)inParameters!["Value"]!;
                    output["ReturnValue"] = 5u;
                    output["Result"] = value * 2;
                    break;
                case "Slow":
                    var ms = (uint?)inParameters?["Milliseconds"] ?? 200;
                    await Task.Delay(TimeSpan.FromMilliseconds(ms), cancellationToken);
                    Interlocked.Increment(ref _sideEffects);
                    output["ReturnValue"] = 0u;
                    break;
                case "Count":
                    output["ReturnValue"] = (uint)Count;
                    break;
                case "Fail":
                    throw new InvalidOperationException("boom");
            }
            return output;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }
}

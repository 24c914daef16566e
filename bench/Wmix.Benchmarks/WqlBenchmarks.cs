using BenchmarkDotNet.Attributes;
using Wmix.Wql;

namespace Wmix.Benchmarks;

/// <summary>WQL parsing of typical queries, from in-memory text.</summary>
[MemoryDiagnoser]
public class WqlParseBenchmarks
{
    private const string EventQuery =
        "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process' AND TargetInstance.Name LIKE 'ba%'";

    private const string DataQuery =
        "SELECT Name, ProcessId, CommandLine FROM Win32_Process WHERE (Name = \"bash\" OR Name = 'sshd') AND WorkingSetSize > 1048576 AND NOT ExecutablePath IS NULL";

    private const string AssociatorsQuery =
        "ASSOCIATORS OF {Win32_LogicalDisk.DeviceID=\"C:\"} WHERE ResultClass = Win32_Directory Role = GroupComponent";

    /// <summary>The event query the ExecNotificationQuery path sees most (target: under 2 µs).</summary>
    [Benchmark(Baseline = true)]
    public WqlQuery ParseEventQuery() => WqlParser.Parse(EventQuery, WqlQueryKind.Event);

    /// <summary>A data query with a property list and a mixed AND/OR/NOT condition.</summary>
    [Benchmark]
    public WqlQuery ParseDataQuery() => WqlParser.Parse(DataQuery, WqlQueryKind.Data);

    /// <summary>An ASSOCIATORS OF query.</summary>
    [Benchmark]
    public WqlQuery ParseAssociatorsQuery() => WqlParser.Parse(AssociatorsQuery);
}

/// <summary>LIKE matching against strings of several lengths.</summary>
[MemoryDiagnoser]
public class WqlLikeBenchmarks
{
    private readonly WqlLikePattern _prefix = WqlLikePattern.Parse("ba%");
    private readonly WqlLikePattern _contains = WqlLikePattern.Parse("%[_][_]%Event%");
    private readonly WqlLikePattern _sets = WqlLikePattern.Parse("[a-f]%[^0-9]_x");
    private string _text = "";

    /// <summary>Length of the matched text.</summary>
    [Params(16, 256)]
    public int Length { get; set; }

    /// <summary>Builds a text that defeats early exits for the contains pattern.</summary>
    [GlobalSetup]
    public void Setup() => _text = ("bash_" + new string('z', Math.Max(0, Length - 13)) + "__Event_x")[..Length];

    /// <summary>Prefix pattern: decided in the first characters.</summary>
    [Benchmark(Baseline = true)]
    public bool Prefix() => _prefix.IsMatch(_text);

    /// <summary>Contains pattern with bracket escapes: a scan with backtracking to the last %.</summary>
    [Benchmark]
    public bool Contains() => _contains.IsMatch(_text);

    /// <summary>Ranges and negated sets around a %.</summary>
    [Benchmark]
    public bool Sets() => _sets.IsMatch(_text);
}

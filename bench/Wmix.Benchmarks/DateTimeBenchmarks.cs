using BenchmarkDotNet.Attributes;
using Wmix.Cim;

namespace Wmix.Benchmarks;

/// <summary>CIM datetime parsing, formatting and conversion on in-memory values.</summary>
[MemoryDiagnoser]
public class DateTimeBenchmarks
{
    private const string PointText = "20240131235958.123456-300";
    private const string WqlText = "January 31, 2024 11:59:58PM";

    private readonly CimDateTime _point = CimDateTime.Parse(PointText);
    private readonly DateTimeOffset _dateTimeOffset = new DateTimeOffset(2024, 1, 31, 23, 59, 58, TimeSpan.FromHours(-5)).AddTicks(1_234_567);
    private readonly char[] _buffer = new char[CimDateTime.TextLength];

    /// <summary>Baseline: the BCL parsing a comparable round-trip text.</summary>
    [Benchmark(Baseline = true)]
    public DateTimeOffset BclParseExact() =>
        DateTimeOffset.ParseExact("2024-01-31T23:59:58.1234560-05:00", "o", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>DMTF point-in-time text to value.</summary>
    [Benchmark]
    public CimDateTime Parse() => CimDateTime.Parse(PointText);

    /// <summary>Value to canonical text (allocates the 25-character string).</summary>
    [Benchmark]
    public string Format() => _point.ToString();

    /// <summary>Value to text without allocating.</summary>
    [Benchmark]
    public bool TryFormat() => _point.TryFormat(_buffer, out _);

    /// <summary>Conversion from the BCL type.</summary>
    [Benchmark]
    public CimDateTime FromDateTimeOffset() => CimDateTime.FromDateTimeOffset(_dateTimeOffset);

    /// <summary>A WQL literal with a month name and a 12-hour time.</summary>
    [Benchmark]
    public bool ParseWqlLiteral() => CimDateTime.TryParseWqlLiteral(WqlText, out _);
}

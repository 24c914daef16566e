namespace Wmix.Cli.Output;

/// <summary>Prints result objects in one <see cref="OutputFormat"/>. Not thread-safe: one producer at a time.</summary>
internal abstract class RecordWriter
{
    /// <summary>The number of objects written so far.</summary>
    public int Count { get; private set; }

    /// <summary>True when nothing prints before <see cref="Complete"/> (tables and CSV need every object for their columns).</summary>
    public virtual bool IsBuffered => false;

    /// <summary>Creates the writer of <paramref name="format"/> for <paramref name="target"/>.</summary>
    public static RecordWriter Create(OutputFormat format, OutputTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return format switch
        {
            OutputFormat.Table when target.Terminal is not null && !target.Streaming => new TerminalTableWriter(target.Terminal),
            OutputFormat.Table => new DelimitedWriter(target.Output, '\t', target.Streaming),
            OutputFormat.Csv => new DelimitedWriter(target.Output, ',', target.Streaming),
            OutputFormat.List => new ListWriter(target.Output),
            OutputFormat.Json => new JsonRecordWriter(target.Output, lines: target.Streaming),
            OutputFormat.Mof => new MofWriter(target.Output),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    /// <summary>Prints (or, for formats that need every object first, keeps) <paramref name="record"/>.</summary>
    public void Write(CliRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Count++;
        WriteCore(record);
    }

    /// <summary>Ends the output: prints what was kept and closes open structures (the JSON array).</summary>
    public abstract void Complete();

    /// <summary>Prints or keeps one record.</summary>
    protected abstract void WriteCore(CliRecord record);

    /// <summary>The columns of <paramref name="records"/>: every property name in order of first appearance.</summary>
    protected static List<string> ColumnsOf(IEnumerable<CliRecord> records)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var columns = new List<string>();
        foreach (var record in records)
        {
            foreach (var p in record.Properties)
            {
                if (seen.Add(p.Name))
                {
                    columns.Add(p.Name);
                }
            }
        }
        return columns;
    }

    /// <summary>The text of <paramref name="record"/>'s property <paramref name="column"/>; empty when NULL or absent.</summary>
    protected static string Cell(CliRecord record, string column)
    {
        foreach (var p in record.Properties)
        {
            if (p.Name.Equals(column, StringComparison.OrdinalIgnoreCase))
            {
                return CliText.Format(p);
            }
        }
        return "";
    }
}

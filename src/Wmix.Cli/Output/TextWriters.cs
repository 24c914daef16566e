using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Wmix.Cli.Output;

/// <summary>
/// Tab-separated (tables when piped) or RFC 4180 comma-separated output with a header line. Buffered: the columns are
/// every property of every object, so it prints on <see cref="Complete"/>; streaming (<c>watch</c>): the first
/// object's properties are the columns and each object prints at once.
/// </summary>
internal sealed class DelimitedWriter : RecordWriter
{
    private readonly TextWriter _output;
    private readonly char _separator;
    private readonly bool _streaming;
    private readonly List<CliRecord> _records = [];
    private List<string>? _columns;

    public DelimitedWriter(TextWriter output, char separator, bool streaming)
    {
        _output = output;
        _separator = separator;
        _streaming = streaming;
    }

    public override bool IsBuffered => !_streaming;

    /// <summary>The CSV line terminator: RFC 4180 specifies CRLF.</summary>
    private string NewLine => _separator == ',' ? "\r\n" : "\n";

    protected override void WriteCore(CliRecord record)
    {
        if (!_streaming)
        {
            _records.Add(record);
            return;
        }
        if (_columns is null)
        {
            _columns = ColumnsOf([record]);
            WriteLine(_columns);
        }
        WriteLine(_columns.Select(c => Cell(record, c)));
        _output.Flush();
    }

    public override void Complete()
    {
        if (!_streaming && _records.Count > 0)
        {
            var columns = ColumnsOf(_records);
            WriteLine(columns);
            foreach (var record in _records)
            {
                WriteLine(columns.Select(c => Cell(record, c)));
            }
        }
        _output.Flush();
    }

    private void WriteLine(IEnumerable<string> fields)
    {
        var line = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                line.Append(_separator);
            }
            first = false;
            line.Append(_separator == ',' ? Csv.Quote(field) : Tsv(field));
        }
        line.Append(NewLine);
        _output.Write(line.ToString());
    }

    /// <summary>A tab-separated field: tabs and line breaks inside a value become spaces, so each object stays one line.</summary>
    private static string Tsv(string field) =>
        field.AsSpan().IndexOfAny('\t', '\r', '\n') < 0 ? field : field.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}

/// <summary>RFC 4180 quoting.</summary>
internal static class Csv
{
    /// <summary>
    /// <paramref name="field"/> as a CSV field: quoted when it holds a comma, a double quote, CR or LF (or starts or
    /// ends with a space, which some readers trim), with inner double quotes doubled.
    /// </summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var needs = field.AsSpan().IndexOfAny(",\"\r\n") >= 0
            || (field.Length > 0 && (field[0] == ' ' || field[^1] == ' '));
        return needs ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
    }
}

/// <summary>A table drawn with Spectre.Console on a terminal; printed on <see cref="Complete"/> (column widths need every row).</summary>
internal sealed class TerminalTableWriter : RecordWriter
{
    private readonly IAnsiConsole _console;
    private readonly List<CliRecord> _records = [];

    public TerminalTableWriter(IAnsiConsole console) => _console = console;

    public override bool IsBuffered => true;

    protected override void WriteCore(CliRecord record) => _records.Add(record);

    public override void Complete()
    {
        if (_records.Count == 0)
        {
            return;
        }
        var columns = ColumnsOf(_records);
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column, new Style(decoration: Decoration.Bold))));
        }
        foreach (var record in _records)
        {
            table.AddRow(columns.Select(c => (IRenderable)new Text(Cell(record, c))));
        }
        _console.Write(table);
    }
}

/// <summary><c>Name=Value</c> lines (as <c>wmic /format:list</c>), a blank line after each object.</summary>
internal sealed class ListWriter : RecordWriter
{
    private readonly TextWriter _output;

    public ListWriter(TextWriter output) => _output = output;

    protected override void WriteCore(CliRecord record)
    {
        var text = new StringBuilder();
        foreach (var p in record.Properties)
        {
            text.Append(p.Name).Append('=').Append(CliText.Format(p)).Append('\n');
        }
        text.Append('\n');
        _output.Write(text.ToString());
        _output.Flush();
    }

    public override void Complete() => _output.Flush();
}

/// <summary>Each object's MOF text (<c>GetObjectText_</c>), a blank line between objects.</summary>
internal sealed class MofWriter : RecordWriter
{
    private readonly TextWriter _output;

    public MofWriter(TextWriter output) => _output = output;

    protected override void WriteCore(CliRecord record)
    {
        var text = record.Source.GetObjectText_();
        _output.Write(text.EndsWith('\n') ? text : text + "\n");
        _output.Write('\n');
        _output.Flush();
    }

    public override void Complete() => _output.Flush();
}

using Spectre.Console;
using Wmix.Cli.Output;
using Wmix.Wql;

namespace Wmix.Cli;

/// <summary>What every command gets: the global options and the console it prints to.</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, bool outputIsTerminal, bool errorIsTerminal)
    {
        Output = output;
        Error = error;
        OutputIsTerminal = outputIsTerminal;
        ErrorIsTerminal = errorIsTerminal;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: errors, notes and nothing else.</summary>
    public TextWriter Error { get; }

    /// <summary>True when standard output is a terminal (tables are drawn, progress is shown).</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>True when standard error is a terminal.</summary>
    public bool ErrorIsTerminal { get; }

    /// <summary>The namespace (<c>--namespace</c>).</summary>
    public string Namespace { get; init; } = @"root\cimv2";

    /// <summary>The format given with <c>--format</c>, or null for the command's default.</summary>
    public OutputFormat? Format { get; init; }

    /// <summary>No progress display and no notes on stderr (<c>--quiet</c>).</summary>
    public bool Quiet { get; init; }

    /// <summary>The remote server (<c>--host</c>), or null for this machine.</summary>
    public string? Host { get; init; }

    /// <summary>The user for <see cref="Host"/> (<c>--user</c>), or null.</summary>
    public string? User { get; init; }

    private IAnsiConsole? _terminal;

    /// <summary>A Spectre console over standard output when it is a terminal; null otherwise.</summary>
    public IAnsiConsole? Terminal => OutputIsTerminal
        ? _terminal ??= AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Output) })
        : null;

    /// <summary>True when a spinner may be drawn: standard output is a terminal and <c>--quiet</c> was not given.</summary>
    public bool ShowProgress => OutputIsTerminal && !Quiet;

    /// <summary>The writer for <paramref name="defaultFormat"/> unless <c>--format</c> chose another.</summary>
    public RecordWriter CreateWriter(OutputFormat defaultFormat, bool streaming = false) =>
        RecordWriter.Create(Format ?? defaultFormat, new OutputTarget(Output, Terminal, streaming));

    /// <summary>Prints a short note on stderr unless <c>--quiet</c>.</summary>
    public void Note(string text)
    {
        if (!Quiet)
        {
            Error.WriteLine("wmix: " + text);
        }
    }

    /// <summary>Prints a WBEM error: <c>error 0x80041017 wbemErrInvalidQuery: message</c> (the message carries line and column when known).</summary>
    public void ReportError(WbemException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error.WriteLine(FormatError(error.ErrorCode, error.Message));
    }

    /// <summary>The one-line text of a WBEM error.</summary>
    public static string FormatError(WbemErrorEnum code, string? message)
    {
        var text = $"error 0x{unchecked((uint)code):X8} {WbemException.NameOf(code)}";
        return string.IsNullOrWhiteSpace(message) ? text : text + ": " + message.Trim();
    }

    /// <summary>
    /// The property paths a data or event query selects, in query order (<c>TargetInstance.Name</c> as written); null
    /// for <c>*</c>, other kinds of query or text that does not parse (the engine then reports the error).
    /// </summary>
    public static IReadOnlyList<string>? SelectionOf(string query)
    {
        WqlQuery parsed;
        try
        {
            parsed = WqlParser.Parse(query);
        }
        catch (WbemException)
        {
            // Not parseable here: the engine will report the same error with its code and position.
            return null;
        }
        var list = parsed switch
        {
            WqlSelectQuery s => s.SelectList,
            WqlEventQuery e => e.SelectList,
            _ => null,
        };
        return list?.Select(p => string.Join('.', p.Parts)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}

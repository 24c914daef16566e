namespace Wmix.Cli.Output;

/// <summary>How results are printed (<c>--format</c>).</summary>
internal enum OutputFormat
{
    /// <summary>A table: drawn on a terminal, tab-separated with a header line when piped.</summary>
    Table,

    /// <summary><c>Name=Value</c> lines, a blank line after each object.</summary>
    List,

    /// <summary>A JSON array of objects (JSON Lines, one object a line, for <c>watch</c>).</summary>
    Json,

    /// <summary>RFC 4180 CSV with a header line.</summary>
    Csv,

    /// <summary>Each object's MOF text (<c>GetObjectText_</c>).</summary>
    Mof,
}

/// <summary>Where and how a writer prints.</summary>
/// <param name="Output">The text destination (standard output).</param>
/// <param name="Terminal">A Spectre console when standard output is a terminal; null when it is piped or redirected.</param>
/// <param name="Streaming">
/// True when objects must appear as they arrive (<c>watch</c>): JSON becomes JSON Lines and tables and CSV take their
/// columns from the first object instead of waiting for all of them.
/// </param>
internal sealed record OutputTarget(TextWriter Output, Spectre.Console.IAnsiConsole? Terminal, bool Streaming);

using System.CommandLine;
using Wmix.Cli.Output;

namespace Wmix.Cli.Commands;

/// <summary>The options every command takes (<c>--namespace</c>, <c>--format</c>, <c>--quiet</c>).</summary>
internal sealed class GlobalOptions
{
    private readonly Func<TextWriter> _output;
    private readonly Func<TextWriter> _error;
    private readonly bool _outputIsTerminal;
    private readonly bool _errorIsTerminal;

    public GlobalOptions(Func<TextWriter> output, Func<TextWriter> error, bool outputIsTerminal, bool errorIsTerminal)
    {
        _output = output;
        _error = error;
        _outputIsTerminal = outputIsTerminal;
        _errorIsTerminal = errorIsTerminal;
    }

    public Option<string> Namespace { get; } = new("--namespace", "-n")
    {
        Description = @"The WMI namespace, e.g. root\cimv2 or root/cimv2",
        HelpName = "namespace",
        DefaultValueFactory = _ => @"root\cimv2",
        Recursive = true,
    };

    public Option<string?> Format { get; } = CreateFormat();

    public Option<string?> Host { get; } = new("--host", "-H")
    {
        Description = "A remote server over WS-Management: host, host:port or https://host:port (HTTPS on 5986 by default; http:// for loopback only). TLS: $WMIX_TLS_CA, $WMIX_TLS_THUMBPRINT, $WMIX_TLS_INSECURE",
        HelpName = "server",
        Recursive = true,
    };

    public Option<string?> User { get; } = new("--user", "-u")
    {
        Description = "User for --host; the password comes from $WMIX_PASSWORD or a prompt",
        HelpName = "user",
        Recursive = true,
    };

    public Option<bool> Quiet { get; } = new("--quiet", "-q")
    {
        Description = "No progress display and no notes on stderr",
        Recursive = true,
    };

    /// <summary>The context of one invocation.</summary>
    public CliContext ContextFor(ParseResult result) => new(_output(), _error(), _outputIsTerminal, _errorIsTerminal)
    {
        Namespace = result.GetValue(Namespace) ?? @"root\cimv2",
        Format = ParseFormat(result.GetValue(Format)),
        Quiet = result.GetValue(Quiet),
        Host = result.GetValue(Host),
        User = result.GetValue(User),
    };

    /// <summary>Maps a <c>--format</c> value (already checked against the allowed names) to the enum.</summary>
    public static OutputFormat? ParseFormat(string? text) => text?.ToUpperInvariant() switch
    {
        null => null,
        "TABLE" => OutputFormat.Table,
        "LIST" => OutputFormat.List,
        "JSON" => OutputFormat.Json,
        "CSV" => OutputFormat.Csv,
        "MOF" => OutputFormat.Mof,
        _ => throw new UsageException($"'{text}' is not a format; use table, list, json, csv or mof."),
    };

    private static Option<string?> CreateFormat()
    {
        var option = new Option<string?>("--format", "-f")
        {
            Description = "Output format: table, list, json, csv or mof (default: table for query and classes, list for get, call and watch, mof for describe)",
            HelpName = "format",
            Recursive = true,
        };
        option.AcceptOnlyFromAmong("table", "list", "json", "csv", "mof");
        return option;
    }
}

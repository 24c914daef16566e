using System.CommandLine;
using System.CommandLine.Invocation;
using Wmix.Cli.Commands;

namespace Wmix.Cli;

/// <summary>The <c>wmix</c> command line: the root command, its subcommands, parsing and exit statuses.</summary>
internal static class CliApp
{
    /// <summary>Builds the command tree; <paramref name="options"/> carries the global options and the console.</summary>
    public static RootCommand Build(GlobalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = new RootCommand(
            "wmix: query, watch and call WMI classes of this machine (Wmix, the WMI scripting API for Linux).\n\n"
            + "Exit status: 0 success; 1 WBEM error (code, name and message on stderr); 2 usage error; "
            + "3 a called method returned a non-zero ReturnValue; 130 / 143 cancelled by SIGINT (Ctrl+C) / SIGTERM.")
        {
            options.Namespace,
            options.Format,
            options.Quiet,
            options.Host,
            options.User,
            QueryCommands.Query(options),
            QueryCommands.Get(options),
            CallCommand.Create(options),
            WatchCommand.Create(options),
            QueryCommands.Classes(options),
            QueryCommands.Describe(options),
            RepositoryCommands.Mofcomp(options),
            RepositoryCommands.Repository(options),
            ServeCommand.Create(options),
        };
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit status (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool outputIsTerminal, bool errorIsTerminal)
    {
        var options = new GlobalOptions(() => output, () => error, outputIsTerminal, errorIsTerminal);
        var root = Build(options);
        var result = root.Parse(args);
        if (result.Action is ParseErrorAction)
        {
            foreach (var parseError in result.Errors)
            {
                await error.WriteLineAsync("error: " + parseError.Message).ConfigureAwait(false);
            }
            await error.WriteLineAsync("Run 'wmix --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Commands handle SIGINT and SIGTERM themselves (cancel the WMI call, wait for its confirmation, exit
            // 130 or 143), so System.CommandLine's own termination handling stays out of the way.
            ProcessTerminationTimeout = null,
        };
        return await result.InvokeAsync(configuration).ConfigureAwait(false);
    }
}

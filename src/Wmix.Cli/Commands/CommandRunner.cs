using System.CommandLine;
using Spectre.Console;
using Wmix.Cli.Output;

namespace Wmix.Cli.Commands;

/// <summary>Runs a command body and turns expected failures into a message on stderr and an exit status.</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="body"/>: WBEM errors → exit 1, usage errors → exit 2, a closed stdout → exit 141.</summary>
    public static int Guard(CliContext context, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (WbemException e)
        {
            context.ReportError(e);
            return ExitCodes.WbemError;
        }
        catch (UsageException e)
        {
            context.Error.WriteLine("error: " + e.Message);
            return ExitCodes.Usage;
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            // The reader went away (`wmix query … | head`): stop quietly, as other Unix tools do.
            return ExitCodes.BrokenPipe;
        }
    }

    /// <inheritdoc cref="Guard(CliContext, Func{int})"/>
    public static async Task<int> GuardAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (WbemException e)
        {
            context.ReportError(e);
            return ExitCodes.WbemError;
        }
        catch (UsageException e)
        {
            await context.Error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            return ExitCodes.BrokenPipe;
        }
    }

    /// <summary>
    /// Writes every object of <paramref name="objects"/> (a forward-only, semi-synchronous set) through
    /// <paramref name="writer"/>, with a spinner counting them on a terminal while a buffered format waits for the end.
    /// </summary>
    public static void Drain(CliContext context, IEnumerable<SWbemObject> objects, RecordWriter writer, Func<SWbemObject, CliRecord> read, string activity)
    {
        if (context.ShowProgress && writer.IsBuffered && context.Terminal is { } terminal)
        {
            terminal.Status().Spinner(Spinner.Known.Dots).Start(activity + "…", status =>
            {
                foreach (var obj in objects)
                {
                    writer.Write(read(obj));
                    status.Status($"{activity}… {writer.Count} objects");
                }
            });
            return;
        }
        foreach (var obj in objects)
        {
            writer.Write(read(obj));
        }
    }

    /// <summary>
    /// Makes an empty or blank <paramref name="argument"/> a usage error. The scripting API reads an empty object path
    /// as "a new, empty class" (SWbemServices.Get("")), which is never what a command line meant.
    /// </summary>
    public static Argument<string> NotBlank(this Argument<string> argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        argument.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError($"<{argument.Name}> must not be empty.");
            }
        });
        return argument;
    }

    private static bool IsBrokenPipe(IOException e) =>
        e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException
        && e.Message.Contains("pipe", StringComparison.OrdinalIgnoreCase);
}

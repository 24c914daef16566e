using System.CommandLine;
using Wmix.Cli.Output;

namespace Wmix.Cli.Commands;

/// <summary>
/// <c>watch</c>: subscribes with <c>ExecNotificationQueryAsync</c> and an <see cref="SWbemSink"/>, prints each event as
/// it arrives, and ends after <c>--count</c> events, after <c>--timeout</c>, or on SIGINT / SIGTERM — each through
/// <see cref="SWbemSink.Cancel"/>, waiting for the <c>OnCompleted(wbemErrCallCancelled)</c> that confirms it.
/// </summary>
internal static class WatchCommand
{
    /// <summary>How long to wait for the cancellation's <c>OnCompleted</c> before giving up on it.</summary>
    private static readonly TimeSpan s_cancelWait = TimeSpan.FromSeconds(10);

    public static Command Create(GlobalOptions options)
    {
        var query = new Argument<string>("event-query")
        {
            Description = "A WQL event query, e.g. \"SELECT * FROM Win32_ProcessStartTrace\"",
        };
        var count = new Option<int?>("--count", "-c") { Description = "Stop after this many events", HelpName = "N" };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
            {
                r.AddError("--count must be at least 1.");
            }
        });
        var timeout = new Option<double?>("--timeout", "-t") { Description = "Stop after this many seconds", HelpName = "seconds" };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } t && (t <= 0 || !double.IsFinite(t) || t > int.MaxValue / 1000.0))
            {
                r.AddError("--timeout must be a positive number of seconds.");
            }
        });
        var command = new Command("watch", "Print events as they arrive, until --count, --timeout or Ctrl+C") { query, count, timeout };
        command.SetAction((r, _) =>
        {
            var context = options.ContextFor(r);
            var seconds = r.GetValue(timeout);
            return CommandRunner.GuardAsync(context, () => RunAsync(context, r.GetValue(query)!, r.GetValue(count),
                seconds is { } s ? TimeSpan.FromSeconds(s) : null));
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string query, int? count, TimeSpan? timeout)
    {
        var selection = CliContext.SelectionOf(query);
        var services = WmixHost.Connect(context);
        var writer = context.CreateWriter(OutputFormat.List, streaming: true);
        var sink = new SWbemSink();
        var completed = new TaskCompletionSource<(WbemErrorEnum Code, string? Message)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Exception? writeFailure = null;
        var received = 0;

        // The sink's handlers never overlap (one pump per sink), so the writer needs no lock; after Cancel() returns
        // no OnObjectReady runs any more, so the final Complete() below does not race with them either.
        sink.OnObjectReady += (obj, _) =>
        {
            if (count is { } limit && received >= limit)
            {
                return;
            }
            try
            {
                writer.Write(CliRecord.From(obj, selection));
            }
            catch (IOException e)
            {
                // Stdout was closed (a broken pipe): stop watching; the failure is reported by the caller.
                writeFailure = e;
                enough.TrySetResult();
                return;
            }
            received++;
            if (count is { } n && received >= n)
            {
                enough.TrySetResult();
            }
        };
        sink.OnCompleted += (code, error, _) => completed.TrySetResult((code, DescriptionOf(error)));

        using var signal = new TerminationSignal();
        services.ExecNotificationQueryAsync(sink, query);
        if (!context.Quiet && context.ErrorIsTerminal)
        {
            await context.Error.WriteLineAsync("wmix: watching; press Ctrl+C to stop").ConfigureAwait(false);
        }

        using var timer = new CancellationTokenSource();
        var timedOut = timeout is { } t ? Task.Delay(t, timer.Token) : Task.Delay(Timeout.Infinite, timer.Token);
        var first = await Task.WhenAny(completed.Task, enough.Task, timedOut, signal.Signalled).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);

        if (first == completed.Task)
        {
            // The subscription ended by itself: only a failure ends an event subscription.
            var (code, message) = await completed.Task.ConfigureAwait(false);
            if (code is WbemErrorEnum.wbemNoErr)
            {
                writer.Complete();
                return ExitCodes.Success;
            }
            await context.Error.WriteLineAsync(CliContext.FormatError(code, message)).ConfigureAwait(false);
            return ExitCodes.WbemError;
        }

        // --count reached, --timeout passed or a signal arrived: cancel through the sink and wait for the cancellation
        // to be reported, so the subscription is known to be gone before the process exits.
        sink.Cancel();
        var confirmed = await Task.WhenAny(completed.Task, Task.Delay(s_cancelWait)).ConfigureAwait(false) == completed.Task;
        if (writeFailure is not null)
        {
            return ExitCodes.BrokenPipe;
        }
        writer.Complete();
        if (!confirmed)
        {
            context.Note("the subscription did not confirm its cancellation in time");
        }
        if (first == signal.Signalled)
        {
            context.Note("cancelled");
            return signal.ExitCode;
        }
        return ExitCodes.Success;
    }

    private static string? DescriptionOf(SWbemLastError? error)
    {
        if (error is null)
        {
            return null;
        }
        var description = error.Properties_.FirstOrDefault(p => p.Name.Equals("Description", StringComparison.OrdinalIgnoreCase));
        return description?.Value as string;
    }
}

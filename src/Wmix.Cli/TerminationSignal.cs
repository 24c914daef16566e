using System.Runtime.InteropServices;

namespace Wmix.Cli;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancellation the command handles itself (cancel the WMI call,
/// wait for its cancellation to be reported, exit 130 or 143). A second signal is left to the runtime's default
/// action, so a user can always stop a command that does not end promptly.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource<int> _signalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _sigInt;
    private readonly PosixSignalRegistration _sigTerm;
    private int _exitCode;

    public TerminationSignal()
    {
        _sigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _sigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled when the first signal arrives.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Completes with the exit status (130 or 143) when the first signal arrives.</summary>
    public Task<int> Signalled => _signalled.Task;

    /// <summary>True once a signal arrived.</summary>
    public bool IsSignalled => Volatile.Read(ref _exitCode) != 0;

    /// <summary>The exit status for the signal that arrived (0 when none did).</summary>
    public int ExitCode => Volatile.Read(ref _exitCode);

    public void Dispose()
    {
        _sigInt.Dispose();
        _sigTerm.Dispose();
        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        var code = context.Signal == PosixSignal.SIGINT ? ExitCodes.SigInt : ExitCodes.SigTerm;
        // Only the first signal is ours to handle; a later one (Ctrl+C pressed again) keeps the default action and
        // ends the process at once.
        if (Interlocked.CompareExchange(ref _exitCode, code, 0) != 0)
        {
            return;
        }
        context.Cancel = true;
        _signalled.TrySetResult(code);
        _cancel.Cancel();
    }
}

using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Wmix.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var pipe = Console.IsOutputRedirected ? OpenPipeOutput() : null;
        var status = await CliApp.RunAsync(args, pipe ?? Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected)
            .ConfigureAwait(false);
        try
        {
            pipe?.Dispose();
        }
        catch (IOException)
        {
            // The reader went away with text still unwritten: the output is incomplete, as after a broken pipe.
            status = status == ExitCodes.Success ? ExitCodes.BrokenPipe : status;
        }
        return status;
    }

    /// <summary>
    /// A writer straight to file descriptor 1 when it is a pipe or socket (not seekable), or null for anything else.
    /// </summary>
    /// <remarks>
    /// .NET's console stream swallows EPIPE, so with <see cref="Console.Out"/> a reader that went away
    /// (<c>wmix watch … | head -1</c>) is never noticed and the command runs on, writing into nothing. A plain
    /// <see cref="FileStream"/> over the same descriptor reports it as an <see cref="IOException"/>, which the commands
    /// turn into exit status 141. Seekable outputs (files) keep the console stream: a FileStream would write at its own
    /// offset, not the descriptor's shared one (<c>(echo a; wmix …; echo b) &gt; file</c>).
    /// </remarks>
    private static StreamWriter? OpenPipeOutput()
    {
        FileStream stream;
        try
        {
            stream = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not a descriptor FileStream can take (closed, or opened read-only): the console stream copes.
            return null;
        }
        if (stream.CanSeek)
        {
            stream.Dispose();
            return null;
        }
        // AutoFlush: each write reaches the pipe at once, as with Console.Out (the writers build whole lines first).
        return new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }
}

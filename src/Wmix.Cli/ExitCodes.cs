namespace Wmix.Cli;

/// <summary>
/// The exit statuses of <c>wmix</c>. 0 success; 1 a WBEM error (the code, its name and a message are on stderr);
/// 2 a usage error (bad option or argument); 3 <c>call</c> ran the method and it returned a non-zero ReturnValue;
/// 130 and 143 the command was cancelled by SIGINT (Ctrl+C) or SIGTERM (128 + signal number, as shells report);
/// 141 standard output was closed early (a broken pipe, e.g. <c>| head</c>).
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>A WBEM error ended the command.</summary>
    public const int WbemError = 1;

    /// <summary>The command line was not understood.</summary>
    public const int Usage = 2;

    /// <summary>A method ran and returned a non-zero ReturnValue.</summary>
    public const int MethodFailed = 3;

    /// <summary>Cancelled by SIGINT (Ctrl+C): 128 + 2.</summary>
    public const int SigInt = 130;

    /// <summary>Standard output closed by the reader: 128 + SIGPIPE (13).</summary>
    public const int BrokenPipe = 141;

    /// <summary>Cancelled by SIGTERM: 128 + 15.</summary>
    public const int SigTerm = 143;
}

/// <summary>A command line that parsed but cannot be run (e.g. an unknown method parameter); exit status 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using Wmix.Repository.Sqlite;
using Wmix.Scripting;
using LocalWmi = Wmix.Hosting.WmixHost;
using LocalWmiOptions = Wmix.Hosting.WmixHostOptions;

namespace Wmix.Cli;

/// <summary>
/// Where <c>wmix</c> reaches WMI. The composition itself lives in Wmix.Hosting (<see cref="LocalWmi"/>), so every
/// command — <c>query</c>, <c>get</c>, <c>call</c>, <c>watch</c>, <c>mofcomp</c>, <c>repository</c> — sees the same durable
/// repository as any other program on this machine (issue #5); with <c>--host</c>, a remote server over WS-Management.
/// </summary>
internal static class WmixHost
{
    /// <summary>Connects to <paramref name="namespace"/> on the local machine (the process-wide <see cref="LocalWmi.Local"/>).</summary>
    /// <exception cref="WbemException">
    /// The repository cannot be opened (wbemErrAccessDenied, wbemErrCriticalError…), or the namespace is not a
    /// namespace name or does not exist.
    /// </exception>
    public static SWbemServices Connect(string @namespace) => new SWbemLocator().ConnectServer(".", @namespace);

    /// <summary>
    /// Connects to the context's namespace: on <see cref="CliContext.Host"/> when given (user from <c>--user</c>,
    /// password from <c>$WMIX_PASSWORD</c> or a prompt on the terminal), else locally.
    /// </summary>
    /// <exception cref="WbemException">The namespace does not exist, the server cannot be reached or refuses the credentials.</exception>
    public static SWbemServices Connect(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(context.Host))
        {
            // As ConnectServer does: credentials on a local connection are wbemErrLocalCredentials, not ignored.
            return string.IsNullOrEmpty(context.User)
                ? Connect(context.Namespace)
                : new SWbemLocator().ConnectServer(".", context.Namespace, context.User);
        }
        var user = context.User ?? "";
        var password = user.Length == 0 ? "" : Environment.GetEnvironmentVariable("WMIX_PASSWORD") ?? PromptPassword(context, user);
        return new SWbemLocator().ConnectServer(context.Host, context.Namespace, user, password);
    }

    private static string PromptPassword(CliContext context, string user)
    {
        if (Console.IsInputRedirected)
        {
            // Piped: the first line of standard input is the password.
            return Console.In.ReadLine() ?? "";
        }
        context.Error.Write($"Password for {user}: ");
        context.Error.Flush();
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
                continue;
            }
            password.Append(key.KeyChar);
        }
        context.Error.WriteLine();
        return password.ToString();
    }

    /// <summary>
    /// The repository alone (no object manager, nothing installed): <paramref name="directory"/>, or the standard
    /// location. For <c>repository check|backup|restore</c>, which must not write built-in classes into what they inspect.
    /// </summary>
    /// <exception cref="WbemException">The repository cannot be opened (see <see cref="SqliteRepository.Open"/>).</exception>
    public static SqliteRepository OpenRepository(string? directory) =>
        SqliteRepository.Open(LocalWmi.ResolveRepositoryDirectory(Options(directory))!);

    /// <summary>
    /// The local WMI over <paramref name="directory"/> (or the standard location), providers registered and built-in
    /// classes installed (so MOF can derive from them). The caller disposes it.
    /// </summary>
    /// <exception cref="WbemException">The repository cannot be opened (see <see cref="LocalWmi.Open"/>).</exception>
    public static LocalWmi OpenDurable(string? directory) => LocalWmi.Open(Options(directory));

    private static LocalWmiOptions Options(string? directory) =>
        string.IsNullOrEmpty(directory) ? LocalWmiOptions.Default : LocalWmiOptions.Default with { RepositoryDirectory = directory };
}

using Wmix.Engine;
using Wmix.Providers.Linux;
using Wmix.Repository.Sqlite;

namespace Wmix.Cli;

/// <summary>
/// The one place where <c>wmix</c> reaches an object manager: the local engine (<see cref="ObjectManager.Shared"/>
/// with the Linux providers registered), or with <c>--host</c> a remote server over WS-Management.
/// </summary>
internal static class WmixHost
{
    private static readonly Lazy<ObjectManager> s_local = new(CreateLocal, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The local object manager, with the Linux providers registered on first use.</summary>
    public static ObjectManager Local => s_local.Value;

    /// <summary>Connects to <paramref name="namespace"/> on the local machine.</summary>
    /// <exception cref="WbemException">The namespace is not a namespace name or does not exist.</exception>
    public static SWbemServices Connect(string @namespace)
    {
        _ = s_local.Value;
        return new SWbemLocator().ConnectServer(".", @namespace);
    }

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
            return Connect(context.Namespace);
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
    /// The durable repository: <paramref name="directory"/>, or the standard location (<c>$WMIX_REPOSITORY</c>, else
    /// <c>$XDG_DATA_HOME/wmix</c>).
    /// </summary>
    /// <exception cref="WbemException">The repository cannot be opened (see <see cref="SqliteRepository.Open"/>).</exception>
    public static SqliteRepository OpenRepository(string? directory) =>
        SqliteRepository.Open(string.IsNullOrEmpty(directory) ? SqliteRepository.DefaultLocation(forServer: false) : directory);

    /// <summary>
    /// An object manager over <paramref name="repository"/> with the Linux providers' classes installed (so MOF can
    /// derive from them). The caller disposes it before the repository.
    /// </summary>
    public static ObjectManager OpenDurable(SqliteRepository repository)
    {
        var manager = new ObjectManager(new ObjectManagerOptions { Repository = repository });
        LinuxProviders.Register(manager);
        return manager;
    }

    private static ObjectManager CreateLocal()
    {
        var manager = ObjectManager.Shared;
        LinuxProviders.Register(manager);
        return manager;
    }
}

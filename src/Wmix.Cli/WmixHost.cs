using Wmix.Engine;
using Wmix.Providers.Linux;
using Wmix.Repository.Sqlite;

namespace Wmix.Cli;

/// <summary>
/// The one place where <c>wmix</c> reaches an object manager: today the local engine
/// (<see cref="ObjectManager.Shared"/> with the Linux providers registered); a <c>--host</c> option for remote
/// connections plugs in here.
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

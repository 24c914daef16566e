using Wmix.Engine.Providers;
using Wmix.Providers.Linux;
using Wmix.Repository.Sqlite;

namespace Wmix.Hosting;

/// <summary>
/// How <see cref="WmixHost.Open"/> composes a local WMI. Immutable; start from <see cref="Default"/> (a user's
/// repository), <see cref="Server"/> or <see cref="InMemory"/>.
/// </summary>
public sealed record WmixHostOptions
{
    /// <summary>The user's durable repository at the standard location, with the Linux providers.</summary>
    public static WmixHostOptions Default { get; } = new();

    /// <summary>The server's durable repository (<c>$WMIX_REPOSITORY</c>, else <c>/var/lib/wmix</c>), with the Linux providers.</summary>
    public static WmixHostOptions Server { get; } = new() { ForServer = true };

    /// <summary>A repository in memory (nothing survives the process), with the Linux providers.</summary>
    public static WmixHostOptions InMemory { get; } = new() { InMemoryRepository = true };

    /// <summary>
    /// The repository directory; null for the standard location (<see cref="WmixHost.DefaultRepositoryDirectory"/>).
    /// Ignored when <see cref="InMemoryRepository"/> is set.
    /// </summary>
    public string? RepositoryDirectory { get; init; }

    /// <summary>
    /// When <see cref="RepositoryDirectory"/> is null: true for the server's standard location (<c>/var/lib/wmix</c>),
    /// false for the user's (<c>$XDG_DATA_HOME/wmix</c>). <c>$WMIX_REPOSITORY</c> overrides both.
    /// </summary>
    public bool ForServer { get; init; }

    /// <summary>Keep the repository in memory instead of on disk (tests, throw-away engines).</summary>
    public bool InMemoryRepository { get; init; }

    /// <summary>How the SQLite repository is opened (read-only, durability, lock wait); null for its defaults.</summary>
    public SqliteRepositoryOptions? Repository { get; init; }

    /// <summary>Register the Linux providers of <c>root\cimv2</c> (default true).</summary>
    public bool RegisterLinuxProviders { get; init; } = true;

    /// <summary>Options of the Linux providers; null for their defaults.</summary>
    public LinuxProviderOptions? LinuxProviders { get; init; }

    /// <summary>
    /// Further providers to register after the Linux ones, each created fresh per host (a provider holds per-manager
    /// state). Their classes are built-in classes like the Linux providers': part of the installed set and its stamp.
    /// </summary>
    public IReadOnlyList<Func<CimProvider>> AdditionalProviders { get; init; } = [];

    /// <summary>The server name objects carry in <c>__SERVER</c>; null for the machine's name.</summary>
    public string? ServerName { get; init; }
}

using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Engine.Repository;
using Wmix.Hosting.Internal;
using Wmix.Providers.Linux;
using Wmix.Repository.Sqlite;

namespace Wmix.Hosting;

/// <summary>
/// "The local WMI": an <see cref="ObjectManager"/> over the durable <see cref="SqliteRepository"/> at the standard
/// location, with the Linux providers registered and the built-in classes installed. The one place that composes it:
/// <c>SWbemLocator.ConnectServer(".")</c>, <c>wmix</c> and the server all reach an engine built here (issue #5).
/// </summary>
/// <remarks>
/// <para><b>Where the data lives.</b> <c>$WMIX_REPOSITORY</c> when set; otherwise a user's repository is
/// <c>$XDG_DATA_HOME/wmix</c> (default <c>~/.local/share/wmix</c>) and a server's <c>/var/lib/wmix</c>. Several
/// processes may open the same repository at once (the CLI while a server runs): SQLite's WAL gives readers
/// consistent snapshots and serialises writers.</para>
/// <para><b>Built-in classes.</b> WMI's system classes and the providers' classes are installed on first open,
/// each only where absent, so nothing already stored is overwritten. Each provider's class set is stamped (a hash of
/// its class definitions) in the repository; while the stamps match, opening writes nothing. When a new Wmix brings a
/// provider with different classes, that provider's classes are installed again (replacing their stored built-in
/// definitions) in one transaction; user classes, instances and namespaces are never touched. The system classes
/// are the engine's: it adds any that are missing in every namespace, and never replaces one.</para>
/// <para><b>Failures.</b> A repository that cannot be opened (a read-only location, a damaged file, a newer schema)
/// fails the open with the repository's WBEM error — wbemErrAccessDenied, wbemErrCriticalError,
/// wbemErrDatabaseVerMismatch — whose message names the file and the fix. There is no silent fallback to memory:
/// data the user stores must land where the user will find it again.</para>
/// </remarks>
public sealed class WmixHost : IDisposable
{
    /// <summary>
    /// The prefix of the repository metadata keys under which each provider's installed class set is stamped (the
    /// provider's <see cref="CimProvider.Name"/> follows).
    /// </summary>
    public const string BuiltInStampPrefix = "wmix_builtins:";

    // Guards creating the process-wide host and its options: the first caller opens the repository, later callers
    // reuse it; a failed open is not cached, so the next call tries again (the user may have fixed the permission).
    private static readonly Lock s_localLock = new();
    private static WmixHost? s_local;
    private static WmixHostOptions s_localOptions = WmixHostOptions.Default;

    private readonly SqliteRepository? _sqlite;
    private int _disposed;

    private WmixHost(ObjectManager manager, SqliteRepository? sqlite, WmixHostOptions options, BuiltInInstall install)
    {
        Manager = manager;
        _sqlite = sqlite;
        Options = options;
        BuiltInInstall = install;
    }

    /// <summary>
    /// The process-wide local WMI, opened on first use with the options of <see cref="ConfigureLocal"/> (by default
    /// <see cref="WmixHostOptions.Default"/>) and never disposed (the OS closes the repository at exit; SQLite's WAL makes
    /// that safe even mid-write).
    /// </summary>
    /// <exception cref="WbemException">The repository cannot be opened (see <see cref="Open"/>); the next use tries again.</exception>
    public static WmixHost Local
    {
        get
        {
            var local = Volatile.Read(ref s_local);
            if (local is not null)
            {
                return local;
            }
            lock (s_localLock)
            {
                if (s_local is null)
                {
                    Volatile.Write(ref s_local, Open(s_localOptions));
                }
                return s_local!;
            }
        }
    }

    /// <summary>True once <see cref="Local"/> has been opened in this process.</summary>
    public static bool IsLocalOpen => Volatile.Read(ref s_local) is not null;

    /// <summary>The object manager.</summary>
    public ObjectManager Manager { get; }

    /// <summary>The durable repository, or null when the host keeps its repository in memory.</summary>
    public SqliteRepository? Repository => _sqlite;

    /// <summary>The repository directory, or null when in memory.</summary>
    public string? RepositoryDirectory => _sqlite?.Directory;

    /// <summary>The options the host was opened with.</summary>
    public WmixHostOptions Options { get; }

    /// <summary>What opening did about the built-in classes.</summary>
    public BuiltInInstall BuiltInInstall { get; }

    /// <summary>
    /// Sets the options <see cref="Local"/> opens with; call before its first use (a server calls it with
    /// <see cref="WmixHostOptions.Server"/>, a test assembly with a temporary directory). Calling it again with equal
    /// options is allowed.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Local"/> is already open with other options.</exception>
    public static void ConfigureLocal(WmixHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (s_localLock)
        {
            if (s_local is not null && !Equals(s_local.Options, options))
            {
                throw new InvalidOperationException(
                    $"WmixHost.Local is already open (repository '{s_local.RepositoryDirectory ?? "in memory"}'); call ConfigureLocal before the first local connection.");
            }
            s_localOptions = options;
        }
    }

    /// <summary>
    /// The standard repository directory: <c>$WMIX_REPOSITORY</c> when set; otherwise <c>/var/lib/wmix</c> for a server
    /// and <c>$XDG_DATA_HOME/wmix</c> (default <c>~/.local/share/wmix</c>) for a user.
    /// </summary>
    public static string DefaultRepositoryDirectory(bool forServer) => SqliteRepository.DefaultLocation(forServer);

    /// <summary>The repository directory <paramref name="options"/> name (null when in memory).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static string? ResolveRepositoryDirectory(WmixHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.InMemoryRepository)
        {
            return null;
        }
        return Path.GetFullPath(string.IsNullOrEmpty(options.RepositoryDirectory) ? DefaultRepositoryDirectory(options.ForServer) : options.RepositoryDirectory);
    }

    /// <summary>
    /// Opens a local WMI: the repository (created when absent), the object manager over it, the providers registered
    /// and the built-in classes installed where needed. The caller disposes it.
    /// </summary>
    /// <param name="options">How to compose it; null for <see cref="WmixHostOptions.Default"/>.</param>
    /// <exception cref="WbemException">
    /// wbemErrAccessDenied: the repository cannot be created or written (read-only location; set WMIX_REPOSITORY);
    /// wbemErrCriticalError: the file is damaged or not a Wmix repository; wbemErrDatabaseVerMismatch: it was written by
    /// a newer Wmix; wbemErrTimedout: another process held the write lock too long; other codes when a built-in class
    /// cannot be installed.
    /// </exception>
    public static WmixHost Open(WmixHostOptions? options = null)
    {
        options ??= WmixHostOptions.Default;
        var directory = ResolveRepositoryDirectory(options);
        var sqlite = directory is null ? null : SqliteRepository.Open(directory, options.Repository);
        try
        {
            var manager = new ObjectManager(new ObjectManagerOptions
            {
                Repository = sqlite is null ? new InMemoryRepository() : sqlite,
                ServerName = options.ServerName,
            });
            try
            {
                var install = RegisterProviders(manager, sqlite, options);
                return new WmixHost(manager, sqlite, options, install);
            }
            catch
            {
                manager.Dispose();
                throw;
            }
        }
        catch
        {
            sqlite?.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection to <paramref name="namespace"/> of this host (see <see cref="ObjectManager.Connect"/>).</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter or wbemErrInvalidNamespace, as <see cref="ObjectManager.Connect"/>.</exception>
    /// <exception cref="ObjectDisposedException">The host was disposed.</exception>
    public ICimConnection Connect(string @namespace) => Manager.Connect(@namespace);

    /// <summary>
    /// Disposes the object manager (cancelling its operations), then closes the repository. Idempotent. Never call it on
    /// <see cref="Local"/>, which the whole process shares.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Order matters: operations stop before the store they read is closed under them.
        Manager.Dispose();
        _sqlite?.Dispose();
    }

    private static BuiltInInstall RegisterProviders(ObjectManager manager, SqliteRepository? sqlite, WmixHostOptions options)
    {
        var providers = new List<CimProvider>();
        if (options.RegisterLinuxProviders)
        {
            providers.AddRange(LinuxProviders.Create(options.LinuxProviders));
        }
        foreach (var factory in options.AdditionalProviders)
        {
            providers.Add(factory() ?? throw new ArgumentException("An additional provider factory returned null.", nameof(options)));
        }
        if (sqlite is null)
        {
            foreach (var provider in providers)
            {
                manager.RegisterProvider(provider);
            }
            return BuiltInInstall.InMemory;
        }
        var stamps = providers.Select(static p => (Provider: p, Key: BuiltInStampPrefix + p.Name, Stamp: BuiltInClasses.Stamp(p))).ToList();
        if (options.Repository is { ReadOnly: true } || stamps.All(s => sqlite.GetMetadata(s.Key) == s.Stamp))
        {
            // The installed set is current (or the repository cannot be written): route the providers, write nothing.
            foreach (var provider in providers)
            {
                manager.RegisterProvider(provider, ProviderClassInstall.KeepStored);
            }
            return BuiltInInstall.Current;
        }
        // One transaction: a process opening the same fresh repository at the same time waits here, then finds the
        // stamps written and installs nothing; a failure leaves the repository as it was.
        using var transaction = sqlite.BeginTransaction();
        var result = BuiltInInstall.Current;
        foreach (var (provider, key, stamp) in stamps)
        {
            // Each provider's classes are stamped on their own, so a host that registers fewer providers (a test, a
            // tool) neither reinstalls nor forgets the others'.
            var stored = sqlite.GetMetadata(key);
            var mode = stored is null || stored == stamp ? ProviderClassInstall.KeepStored : ProviderClassInstall.Replace;
            manager.RegisterProvider(provider, mode);
            if (stored != stamp)
            {
                sqlite.SetMetadata(key, stamp);
                result = stored is not null ? BuiltInInstall.Upgraded : result == BuiltInInstall.Upgraded ? result : BuiltInInstall.Installed;
            }
        }
        transaction.Commit();
        return result;
    }
}

/// <summary>What <see cref="WmixHost.Open"/> did about the built-in classes.</summary>
public enum BuiltInInstall
{
    /// <summary>The repository is in memory: the providers' classes were simply registered.</summary>
    InMemory,

    /// <summary>First open: every built-in class that was absent was stored; nothing present was changed.</summary>
    Installed,

    /// <summary>The stored set was current: nothing was written.</summary>
    Current,

    /// <summary>The set had changed since it was installed: the built-in classes were stored again; user data untouched.</summary>
    Upgraded,
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Wmix.Engine.Repository;
using Wmix.Repository.Sqlite.Internal;

namespace Wmix.Repository.Sqlite;

/// <summary>
/// A durable <see cref="ICimRepository"/> in one SQLite database (WAL mode): namespaces, classes and static
/// instances that survive restarts and crashes, shared safely by several processes (the CLI while a server runs).
/// </summary>
/// <remarks>
/// <para><b>Files.</b> The database is <c>repository.db</c> (with SQLite's <c>-wal</c> and <c>-shm</c> files) in the
/// directory given to <see cref="Open"/>; <see cref="DefaultLocation"/> gives the standard one. The schema version
/// is stamped in <c>PRAGMA user_version</c> (<see cref="SchemaVersion"/>) and the file is marked with
/// <c>PRAGMA application_id</c>; an older version is migrated on open, a newer one refused with
/// wbemErrDatabaseVerMismatch.</para>
/// <para><b>First open.</b> A fresh repository is empty: the object manager installs the system classes and the
/// providers' classes when it starts, putting a built-in class only when it is absent, so user data is never
/// overwritten by that installation.</para>
/// <para><b>Concurrency.</b> Readers use a small pool of connections, each reading a consistent WAL snapshot, so they
/// never see a torn object. Writers are serialised: within the process by a gate around one writer connection, across
/// processes by SQLite's write lock (<c>BEGIN IMMEDIATE</c>, busy timeout). Decoded classes are cached; every read
/// checks <c>PRAGMA data_version</c> and, when another connection committed, the stored schema generation, so
/// schema changes made by other processes are seen at the next call.</para>
/// <para><b>Objects.</b> Stored as <see cref="Serialization.CimBinaryCodec"/> blobs. Objects handed to the store are
/// frozen and, for classes, the cached object is the one put; instances are decoded on each read, so readers get
/// equal (not identical) objects. A class is re-derived from its stored superclass when read from the database.</para>
/// <para><b>Errors.</b> A damaged file gives wbemErrCriticalError, a read-only location wbemErrAccessDenied, a full
/// disk wbemErrOutOfDiskSpace, a write lock held too long wbemErrTimedout; a failed write changes nothing.</para>
/// </remarks>
public sealed partial class SqliteRepository : ICimRepository, IDisposable
{
    /// <summary>The schema version this code writes (<c>PRAGMA user_version</c>).</summary>
    public const int SchemaVersion = 1;

    /// <summary>The database file's name inside the repository directory.</summary>
    public const string FileName = "repository.db";

    /// <summary>The <c>PRAGMA application_id</c> that marks a Wmix repository ('Wmix').</summary>
    public const int ApplicationId = 0x576D6978;

    private const string GenerationKey = "schema_generation";

    private readonly string _connectionString;
    private readonly SqliteRepositoryOptions _options;
    private readonly ConcurrentBag<RepositoryConnection> _readers = [];

    // Serialises this process's writers (and holds for a whole transaction), so SQLite's cross-process write lock is
    // only ever contended by other processes. A semaphore rather than a Lock: a transaction may end on another
    // thread than the one that began it (issue #5: mofcomp awaits between puts).
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    // Guards replacing the shared snapshot and inserting into it, so a reader that decoded a class from an older
    // generation can never put it into a newer snapshot.
    private readonly Lock _cacheLock = new();

    private readonly AsyncLocal<Transaction?> _ambient = new();
    private RepositoryConnection? _writer;
    private volatile SchemaSnapshot _shared = new(long.MinValue, isPrivate: false);
    private int _disposed;

    private SqliteRepository(string directory, SqliteRepositoryOptions options)
    {
        Directory = directory;
        DatabasePath = System.IO.Path.Combine(directory, FileName);
        _options = options;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            // The repository keeps its own connections (with prepared statements); SQLite's pool would only add a layer.
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The repository directory.</summary>
    public string Directory { get; }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>
    /// The standard repository directory: <c>$WMIX_REPOSITORY</c> when set; otherwise, for a server,
    /// <c>/var/lib/wmix</c>, and for a user, <c>$XDG_DATA_HOME/wmix</c> (default <c>~/.local/share/wmix</c>).
    /// </summary>
    public static string DefaultLocation(bool forServer)
    {
        var explicitLocation = Environment.GetEnvironmentVariable("WMIX_REPOSITORY");
        if (!string.IsNullOrEmpty(explicitLocation))
        {
            return explicitLocation;
        }
        if (forServer)
        {
            return "/var/lib/wmix";
        }
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !System.IO.Path.IsPathRooted(dataHome))
        {
            // The XDG spec: a relative XDG_DATA_HOME is invalid and is ignored.
            dataHome = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return System.IO.Path.Combine(dataHome, "wmix");
    }

    /// <summary>
    /// Opens (creating when needed) the repository in <paramref name="directory"/>. A fresh repository is empty.
    /// </summary>
    /// <exception cref="WbemException">
    /// wbemErrAccessDenied: the directory or file cannot be created or written (for a read-write open);
    /// wbemErrCriticalError: the file is damaged or not a Wmix repository; wbemErrDatabaseVerMismatch: it was written
    /// by a newer Wmix.
    /// </exception>
    public static SqliteRepository Open(string directory, SqliteRepositoryOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= SqliteRepositoryOptions.Default;
        var full = System.IO.Path.GetFullPath(directory);
        if (!options.ReadOnly)
        {
            try
            {
                System.IO.Directory.CreateDirectory(full);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new WbemException(WbemErrorEnum.wbemErrAccessDenied,
                    $"The repository directory '{full}' cannot be created ({ex.Message}). Set WMIX_REPOSITORY to a writable directory.", ex);
            }
        }
        var repository = new SqliteRepository(full, options);
        try
        {
            repository.Initialise();
            return repository;
        }
        catch
        {
            repository.Dispose();
            throw;
        }
    }

    /// <summary>Closes every connection. Reads and writes after this throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Wait for an in-flight writer so its connection is not closed under it.
        _writeGate.Wait();
        try
        {
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _writeGate.Release();
        }
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    // ---- opening ----

    private void Initialise()
    {
        try
        {
            var connection = OpenConnection();
            _writer = connection;
            var version = connection.ScalarInt64("PRAGMA user_version");
            var applicationId = connection.ScalarInt64("PRAGMA application_id");
            if (version > SchemaVersion)
            {
                throw new WbemException(WbemErrorEnum.wbemErrDatabaseVerMismatch,
                    $"The repository '{DatabasePath}' has schema version {version}, newer than this Wmix supports ({SchemaVersion}). Upgrade Wmix, or restore an older backup.");
            }
            if (version != 0 && applicationId != ApplicationId)
            {
                throw new WbemException(WbemErrorEnum.wbemErrCriticalError,
                    $"'{DatabasePath}' is an SQLite database but not a Wmix repository (application id {applicationId:X8}). Move it away or set WMIX_REPOSITORY elsewhere.");
            }
            if (version < SchemaVersion)
            {
                if (_options.ReadOnly)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrAccessDenied,
                        version == 0
                            ? $"The repository '{DatabasePath}' does not exist yet and cannot be created read-only."
                            : $"The repository '{DatabasePath}' needs an upgrade from schema {version}, which a read-only open cannot do.");
                }
                // WAL must be switched on outside a transaction; it is a property of the file from then on.
                connection.Execute("PRAGMA journal_mode=WAL");
                CreateOrMigrate(connection);
            }
            LoadSharedSnapshot(connection);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, "opening the repository");
        }
    }

    /// <summary>
    /// Creates the schema in an empty file or migrates an older one, in one write transaction (re-checking the version
    /// inside it, since another process may be doing the same).
    /// </summary>
    private void CreateOrMigrate(RepositoryConnection connection)
    {
        connection.Execute("BEGIN IMMEDIATE");
        try
        {
            var version = connection.ScalarInt64("PRAGMA user_version");
            if (version == 0)
            {
                var tables = connection.ScalarInt64("SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
                if (tables != 0)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrCriticalError,
                        $"'{DatabasePath}' is an SQLite database but not a Wmix repository. Move it away or set WMIX_REPOSITORY elsewhere.");
                }
                connection.Execute("""
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO meta (key, value) VALUES ('schema_generation', 1);
                    CREATE TABLE namespaces (
                        id INTEGER PRIMARY KEY,
                        key TEXT NOT NULL UNIQUE,
                        name TEXT NOT NULL);
                    CREATE TABLE classes (
                        ns INTEGER NOT NULL,
                        key TEXT NOT NULL,
                        name TEXT NOT NULL,
                        superclass TEXT,
                        blob BLOB NOT NULL,
                        PRIMARY KEY (ns, key)) WITHOUT ROWID;
                    CREATE TABLE instances (
                        ns INTEGER NOT NULL,
                        class TEXT NOT NULL,
                        path TEXT NOT NULL,
                        blob BLOB NOT NULL,
                        PRIMARY KEY (ns, class, path)) WITHOUT ROWID;
                    """);
                connection.Execute($"PRAGMA application_id = {ApplicationId}");
                version = 1;
            }
            for (; version < SchemaVersion; version++)
            {
                Migrate(connection, (int)version);
            }
            connection.Execute($"PRAGMA user_version = {SchemaVersion}");
            connection.Execute("COMMIT");
        }
        catch
        {
            RollBackQuietly(connection);
            throw;
        }
    }

    /// <summary>
    /// The migration hook: upgrades the schema from <paramref name="fromVersion"/> to the next version, inside the
    /// opening write transaction. Version 1 is the first; later versions add a case here and bump
    /// <see cref="SchemaVersion"/>.
    /// </summary>
    private static void Migrate(RepositoryConnection connection, int fromVersion)
    {
        _ = connection;
        throw new WbemException(WbemErrorEnum.wbemErrDatabaseVerMismatch, $"No migration from repository schema version {fromVersion} exists.");
    }

    private RepositoryConnection OpenConnection()
    {
        var sqlite = new SqliteConnection(_connectionString);
        var connection = new RepositoryConnection(sqlite);
        try
        {
            sqlite.Open();
            var busy = (long)_options.BusyTimeout.TotalMilliseconds;
            connection.Execute(string.Create(CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {busy}; PRAGMA synchronous = {(_options.DurableAgainstPowerLoss ? "FULL" : "NORMAL")}; PRAGMA cache_size = -16384; PRAGMA mmap_size = 268435456"));
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void RollBackQuietly(RepositoryConnection connection)
    {
        try
        {
            if (!connection.Connection.State.Equals(System.Data.ConnectionState.Open))
            {
                return;
            }
            connection.Execute("ROLLBACK");
        }
        catch (SqliteException ex)
        {
            // SQLite may already have rolled back (disk full, I/O error); the original failure is what matters.
            System.Diagnostics.Trace.TraceWarning($"Wmix repository: rollback after a failure reported: {ex.Message}");
        }
    }

    // ---- connections ----

    private RepositoryConnection RentReader()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _readers.TryTake(out var connection) ? connection : OpenConnection();
    }

    private void ReturnReader(RepositoryConnection connection)
    {
        // Keep a few idle connections; beyond that (a burst of parallel readers) close the extra ones.
        if (Volatile.Read(ref _disposed) != 0 || _readers.Count >= Math.Max(4, Environment.ProcessorCount * 2))
        {
            connection.Dispose();
            return;
        }
        _readers.Add(connection);
    }

    private static string Normalise(string @namespace)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        return @namespace.Replace('/', '\\').Trim('\\');
    }

    private static string Key(string name) => name.ToUpperInvariant();

    private static void RequireFrozen(Wmix.Cim.CimObject value)
    {
        if (!value.IsReadOnly)
        {
            throw new ArgumentException("The repository stores frozen objects only; call Freeze() first.", nameof(value));
        }
    }
}

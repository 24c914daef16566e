using Microsoft.Data.Sqlite;
using Wmix.Cim;
using Wmix.Repository.Sqlite.Internal;
using Wmix.Repository.Sqlite.Serialization;

namespace Wmix.Repository.Sqlite;

/// <summary>The plumbing every call goes through: connection choice, snapshot freshness, write transactions.</summary>
public sealed partial class SqliteRepository
{
    private const string SelectGeneration = "SELECT value FROM meta WHERE key = 'schema_generation'";

    /// <summary>What a read runs on: a connection and the schema snapshot valid for it.</summary>
    private readonly struct ReadScope(SqliteRepository owner, RepositoryConnection connection, SchemaSnapshot snapshot, bool pooled) : IDisposable
    {
        public RepositoryConnection Connection { get; } = connection;

        public SchemaSnapshot Snapshot { get; } = snapshot;

        public void Dispose()
        {
            if (pooled)
            {
                owner.ReturnReader(Connection);
            }
        }
    }

    /// <summary>
    /// Starts a read: inside this flow's transaction, on its connection (seeing its writes); otherwise on a pooled
    /// connection with the shared snapshot, refreshed when another connection has committed a schema change.
    /// </summary>
    private ReadScope BeginRead()
    {
        if (_ambient.Value is { IsOpen: true } transaction && ReferenceEquals(transaction.Owner, this))
        {
            return new ReadScope(this, transaction.Connection, transaction.Snapshot, pooled: false);
        }
        var connection = RentReader();
        try
        {
            return new ReadScope(this, connection, Refresh(connection), pooled: true);
        }
        catch
        {
            ReturnReader(connection);
            throw;
        }
    }

    /// <summary>
    /// The shared snapshot, checked against the database: <c>PRAGMA data_version</c> changes when another connection
    /// (of this process or another) committed; then the stored schema generation says whether the schema changed.
    /// </summary>
    private SchemaSnapshot Refresh(RepositoryConnection connection, bool force = false)
    {
        var snapshot = _shared;
        if (force)
        {
            connection.LastDataVersion = -1;
        }
        var probe = connection.Raw("PRAGMA data_version");
        long dataVersion;
        try
        {
            probe.Step();
            dataVersion = probe.Int64(0);
        }
        finally
        {
            probe.Reset();
        }
        if (dataVersion == connection.LastDataVersion && snapshot.Namespaces is not null)
        {
            return snapshot;
        }
        connection.LastDataVersion = dataVersion;
        var generation = ReadInt64(connection.Command(SelectGeneration));
        if (generation == snapshot.Generation && snapshot.Namespaces is not null)
        {
            return snapshot;
        }
        return CurrentSnapshot(connection);
    }

    /// <summary>The shared snapshot with its namespaces loaded, at the database's generation or later.</summary>
    private SchemaSnapshot CurrentSnapshot(RepositoryConnection connection)
    {
        while (true)
        {
            // A writer may publish a newer, not yet loaded snapshot between the load and the return: load again.
            var snapshot = LoadSharedSnapshot(connection);
            if (snapshot.Namespaces is not null)
            {
                return snapshot;
            }
        }
    }

    /// <summary>Loads the namespaces with their generation (one statement, one snapshot) and installs them if newer.</summary>
    private SchemaSnapshot LoadSharedSnapshot(RepositoryConnection connection)
    {
        var (generation, namespaces) = LoadNamespaces(connection);
        lock (_cacheLock)
        {
            var current = _shared;
            if (current.Generation < generation || (current.Generation == generation && current.Namespaces is null))
            {
                _shared = new SchemaSnapshot(generation, isPrivate: false) { Namespaces = namespaces };
            }
            return _shared;
        }
    }

    private static (long Generation, Dictionary<string, NamespaceInfo> Namespaces) LoadNamespaces(RepositoryConnection connection)
    {
        var namespaces = new Dictionary<string, NamespaceInfo>(StringComparer.OrdinalIgnoreCase);
        long generation = 0;
        using var reader = connection.Command(
            "SELECT m.value, n.id, n.name FROM meta m LEFT JOIN namespaces n WHERE m.key = 'schema_generation'").ExecuteReader();
        while (reader.Read())
        {
            generation = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                var name = reader.GetString(2);
                namespaces[name] = new NamespaceInfo(reader.GetInt64(1), name);
            }
        }
        return (generation, namespaces);
    }

    private static long ReadInt64(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) : 0;
    }

    // ---- classes through the cache ----

    /// <summary>
    /// A class of <paramref name="ns"/> from the snapshot, loading (and caching, when still current) it from the
    /// database on a miss; its superclass chain is resolved the same way.
    /// </summary>
    private CimClass? LoadClass(RepositoryConnection connection, SchemaSnapshot snapshot, NamespaceInfo ns, string className, int depth = 0)
    {
        if (ns.Classes.TryGetValue(className, out var cached))
        {
            return cached;
        }
        if (ns.Complete)
        {
            return null;
        }
        if (depth > 256)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidSuperclass,
                $"The superclass chain of '{className}' in '{ns.Name}' loops or is deeper than 256; run 'wmix repository check'.");
        }
        long generation;
        CimClass? cls = null;
        byte[]? blob = null;
        using (var reader = connection.Command(
            "SELECT m.value, c.blob FROM meta m LEFT JOIN classes c ON c.ns = $p0 AND c.key = $p1 WHERE m.key = 'schema_generation'",
            ns.Id, Key(className)).ExecuteReader())
        {
            reader.Read();
            generation = reader.GetInt64(0);
            if (!reader.IsDBNull(1))
            {
                blob = (byte[])reader.GetValue(1);
            }
        }
        if (blob is not null)
        {
            cls = CimBinaryCodec.DecodeClass(blob, name => LoadClass(connection, snapshot, ns, name, depth + 1));
        }
        Remember(snapshot, ns, className, cls, generation);
        return cls;
    }

    private void Remember(SchemaSnapshot snapshot, NamespaceInfo ns, string className, CimClass? cls, long generation)
    {
        if (snapshot.IsPrivate)
        {
            ns.Classes[className] = cls;
            return;
        }
        lock (_cacheLock)
        {
            // Only what was read at the snapshot's generation may enter it; an older read is returned, not cached.
            if (ReferenceEquals(_shared, snapshot) && snapshot.Generation == generation)
            {
                ns.Classes.TryAdd(className, cls);
            }
        }
    }

    // ---- writes ----

    /// <summary>What a write did to the schema, applied to the cache after it commits.</summary>
    private sealed class WriteContext(RepositoryConnection connection, SchemaSnapshot snapshot)
    {
        public RepositoryConnection Connection { get; } = connection;

        public SchemaSnapshot Snapshot { get; set; } = snapshot;

        public List<Action<SchemaSnapshot>> Changes { get; } = [];
    }

    private delegate T WriteBody<T, TArg>(WriteContext context, TArg arg);

    /// <summary>
    /// Runs a write: inside this flow's transaction, or as its own transaction (BEGIN IMMEDIATE … COMMIT) under the
    /// write gate; schema changes bump the stored generation and update the cache once committed.
    /// </summary>
    private T Write<T, TArg>(string action, TArg arg, WriteBody<T, TArg> body)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_options.ReadOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrAccessDenied, $"The repository '{DatabasePath}' was opened read-only; {action} was refused.");
        }
        if (_ambient.Value is { IsOpen: true } transaction && ReferenceEquals(transaction.Owner, this))
        {
            return transaction.Run(action, arg, body);
        }
        _writeGate.Wait();
        try
        {
            var connection = _writer ?? throw new ObjectDisposedException(nameof(SqliteRepository));
            connection.Execute("BEGIN IMMEDIATE");
            long generation;
            WriteContext context;
            T result;
            try
            {
                generation = ReadInt64(connection.Command(SelectGeneration));
                // Under the write lock the database cannot change: make sure the cache matches it before using it.
                var snapshot = _shared;
                if (snapshot.Generation != generation || snapshot.Namespaces is null)
                {
                    snapshot = CurrentSnapshot(connection);
                }
                context = new WriteContext(connection, snapshot);
                result = body(context, arg);
                if (context.Changes.Count > 0)
                {
                    connection.Command("UPDATE meta SET value = $p0 WHERE key = 'schema_generation'", generation + 1).ExecuteNonQuery();
                }
                connection.Execute("COMMIT");
            }
            catch
            {
                RollBackQuietly(connection);
                throw;
            }
            if (context.Changes.Count > 0)
            {
                Publish(generation, generation + 1, context.Changes);
            }
            return result;
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, action);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Applies committed schema changes to the shared snapshot, or starts a fresh one if it moved on meanwhile.</summary>
    private void Publish(long before, long after, List<Action<SchemaSnapshot>> changes)
    {
        lock (_cacheLock)
        {
            var snapshot = _shared;
            if (snapshot.Generation == before && snapshot.Namespaces is not null)
            {
                foreach (var change in changes)
                {
                    change(snapshot);
                }
                snapshot.Generation = after;
            }
            else if (snapshot.Generation < after)
            {
                // Loaded lazily by the next reader (its namespaces are null until then).
                _shared = new SchemaSnapshot(after, isPrivate: false);
            }
        }
    }

    private T Read<T, TArg>(string action, TArg arg, Func<ReadScope, TArg, T> body)
    {
        try
        {
            using var scope = BeginRead();
            return body(scope, arg);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, action);
        }
    }
}

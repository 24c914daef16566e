using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Repository;
using Wmix.Repository.Sqlite.Internal;
using Wmix.Repository.Sqlite.Serialization;

namespace Wmix.Repository.Sqlite;

/// <summary>Static instances.</summary>
public sealed partial class SqliteRepository
{
    private const int PageSize = 1024;

    /// <inheritdoc />
    /// <remarks>
    /// One statement reads the blob and the stored schema generation together (one snapshot): when the generation is
    /// the cache's, the cached class is right for it; otherwise the cache is refreshed and the read repeated.
    /// </remarks>
    public CimInstance? GetInstance(string @namespace, string className, string canonicalPath)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(canonicalPath);
        var name = Normalise(@namespace);
        try
        {
            if (_ambient.Value is { IsOpen: true } transaction && ReferenceEquals(transaction.Owner, this))
            {
                return GetInstance(transaction.Connection, transaction.Snapshot, name, className, canonicalPath, checkGeneration: false).Instance;
            }
            var connection = RentReader();
            try
            {
                var snapshot = _shared;
                if (snapshot.Namespaces is null)
                {
                    snapshot = Refresh(connection);
                }
                for (var attempt = 0; ; attempt++)
                {
                    var result = GetInstance(connection, snapshot, name, className, canonicalPath, checkGeneration: attempt == 0);
                    if (result.Stale)
                    {
                        snapshot = Refresh(connection, force: true);
                        continue;
                    }
                    return result.Instance;
                }
            }
            finally
            {
                ReturnReader(connection);
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, "reading an instance");
        }
    }

    private (CimInstance? Instance, bool Stale) GetInstance(RepositoryConnection connection, SchemaSnapshot snapshot, string name,
        string className, string canonicalPath, bool checkGeneration)
    {
        if (snapshot.Find(name) is not { } ns)
        {
            // The namespace may have been created by another process since the snapshot was taken.
            return (null, checkGeneration && !snapshot.IsPrivate);
        }
        var statement = connection.Raw(
            "SELECT i.blob, m.value FROM meta m LEFT JOIN instances i ON i.ns = ?1 AND i.class = ?2 AND i.path = ?3 WHERE m.key = 'schema_generation'");
        try
        {
            statement.Bind(1, ns.Id);
            statement.Bind(2, Key(className));
            statement.Bind(3, canonicalPath);
            if (!statement.Step())
            {
                return (null, false);
            }
            if (checkGeneration && !snapshot.IsPrivate && statement.Int64(1) != snapshot.Generation)
            {
                return (null, true);
            }
            if (statement.IsNull(0))
            {
                return (null, false);
            }
            // The statement is still open, so a class read here sees the same database snapshot.
            return LoadClass(connection, snapshot, ns, className) is { } cls
                ? (CimBinaryCodec.DecodeInstance(statement.Blob(0), cls), false)
                : (null, false);
        }
        finally
        {
            statement.Reset();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads in pages of rows in path order, each page from one consistent snapshot, without holding a connection or
    /// a read transaction between pages (a slow consumer never blocks checkpoints). Like the in-memory store, an
    /// enumeration that runs while others write may or may not see their writes; every object it yields is whole.
    /// </remarks>
    public IEnumerable<CimInstance> EnumerateInstances(string @namespace, string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        var name = Normalise(@namespace);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Enumerate(name, className);
    }

    private IEnumerable<CimInstance> Enumerate(string @namespace, string className)
    {
        var after = string.Empty;
        var page = new List<CimInstance>(PageSize);
        while (true)
        {
            page.Clear();
            var more = ReadPage(@namespace, className, ref after, page);
            foreach (var instance in page)
            {
                yield return instance;
            }
            if (!more)
            {
                yield break;
            }
        }
    }

    private bool ReadPage(string @namespace, string className, ref string after, List<CimInstance> page)
    {
        try
        {
            using var scope = BeginRead();
            if (scope.Snapshot.Find(@namespace) is not { } ns || LoadClass(scope.Connection, scope.Snapshot, ns, className) is not { } cls)
            {
                return false;
            }
            var count = 0;
            var statement = scope.Connection.Raw(
                "SELECT blob, path FROM instances WHERE ns = ?1 AND class = ?2 AND path > ?3 ORDER BY path LIMIT ?4");
            try
            {
                statement.Bind(1, ns.Id);
                statement.Bind(2, Key(className));
                statement.Bind(3, after);
                statement.Bind(4, PageSize);
                while (statement.Step())
                {
                    page.Add(CimBinaryCodec.DecodeInstance(statement.Blob(0), cls));
                    if (++count == PageSize)
                    {
                        // Only the last row of a full page is needed as the next page's start.
                        after = statement.Text(1);
                    }
                }
            }
            finally
            {
                statement.Reset();
            }
            return count == PageSize;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, "enumerating instances");
        }
    }

    /// <inheritdoc />
    public int CountInstances(string @namespace, string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        var name = Normalise(@namespace);
        return Read("counting instances", (name, className), static (scope, a) =>
            scope.Snapshot.Find(a.name) is { } ns
                ? (int)ReadInt64(scope.Connection.Command("SELECT count(*) FROM instances WHERE ns = $p0 AND class = $p1", ns.Id, Key(a.className)))
                : 0);
    }

    /// <inheritdoc />
    public RepositoryPutResult PutInstance(string @namespace, string canonicalPath, CimInstance instance, PutMode mode, out CimInstance? previous)
    {
        ArgumentNullException.ThrowIfNull(canonicalPath);
        ArgumentNullException.ThrowIfNull(instance);
        RequireFrozen(instance);
        var name = Normalise(@namespace);
        var blob = CimBinaryCodec.EncodeInstance(instance);
        (RepositoryPutResult Result, CimInstance? Previous) outcome = Write("storing an instance", (name, canonicalPath, instance, mode, blob), (context, a) =>
        {
            if (context.Snapshot.Find(a.name) is not { } ns || LoadClass(context.Connection, context.Snapshot, ns, a.instance.ClassName) is not { } cls)
            {
                return (RepositoryPutResult.ClassNotFound, (CimInstance?)null);
            }
            var classKey = Key(a.instance.ClassName);
            byte[]? existing = null;
            using (var reader = context.Connection.Command(
                "SELECT blob FROM instances WHERE ns = $p0 AND class = $p1 AND path = $p2", ns.Id, classKey, a.canonicalPath).ExecuteReader())
            {
                if (reader.Read())
                {
                    existing = (byte[])reader.GetValue(0);
                }
            }
            switch (a.mode)
            {
                case PutMode.CreateOnly when existing is not null:
                    return (RepositoryPutResult.AlreadyExists, DecodeOrNull(existing, cls));
                case PutMode.UpdateOnly when existing is null:
                    return (RepositoryPutResult.NotFound, null);
            }
            context.Connection.Command(
                "INSERT OR REPLACE INTO instances (ns, class, path, blob) VALUES ($p0, $p1, $p2, $p3)",
                ns.Id, classKey, a.canonicalPath, a.blob).ExecuteNonQuery();
            return existing is null ? (RepositoryPutResult.Created, null) : (RepositoryPutResult.Updated, DecodeOrNull(existing, cls));
        });
        previous = outcome.Previous;
        return outcome.Result;
    }

    /// <inheritdoc />
    public CimInstance? DeleteInstance(string @namespace, string className, string canonicalPath)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(canonicalPath);
        var name = Normalise(@namespace);
        return Write("deleting an instance", (name, className, canonicalPath), (context, a) =>
        {
            if (context.Snapshot.Find(a.name) is not { } ns)
            {
                return null;
            }
            byte[]? existing = null;
            using (var reader = context.Connection.Command(
                "DELETE FROM instances WHERE ns = $p0 AND class = $p1 AND path = $p2 RETURNING blob", ns.Id, Key(a.className), a.canonicalPath).ExecuteReader())
            {
                if (reader.Read())
                {
                    existing = (byte[])reader.GetValue(0);
                }
            }
            if (existing is null)
            {
                return null;
            }
            return LoadClass(context.Connection, context.Snapshot, ns, a.className) is { } cls ? DecodeOrNull(existing, cls) : null;
        });
    }

    /// <summary>The instance a write replaces or removes; a damaged one does not block the write that repairs it.</summary>
    private static CimInstance? DecodeOrNull(byte[] blob, CimClass cls)
    {
        try
        {
            return CimBinaryCodec.DecodeInstance(blob, cls);
        }
        catch (WbemException ex) when (ex.ErrorCode == WbemErrorEnum.wbemErrInvalidObject)
        {
            System.Diagnostics.Trace.TraceWarning($"Wmix repository: replacing an unreadable instance of '{cls.Name}': {ex.Message}");
            return null;
        }
    }
}

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
    public CimInstance? GetInstance(string @namespace, string className, string canonicalPath)
    {
        ArgumentNullException.ThrowIfNull(className);
        ArgumentNullException.ThrowIfNull(canonicalPath);
        var name = Normalise(@namespace);
        try
        {
            using var scope = BeginRead();
            if (scope.Snapshot.Find(name) is not { } ns)
            {
                return null;
            }
            byte[] blob;
            using (var reader = scope.Connection.Command(
                "SELECT blob FROM instances WHERE ns = $p0 AND class = $p1 AND path = $p2", ns.Id, Key(className), canonicalPath).ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }
                blob = (byte[])reader.GetValue(0);
            }
            return LoadClass(scope.Connection, scope.Snapshot, ns, className) is { } cls ? CimBinaryCodec.DecodeInstance(blob, cls) : null;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, "reading an instance");
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
            using var reader = scope.Connection.Command(
                "SELECT path, blob FROM instances WHERE ns = $p0 AND class = $p1 AND path > $p2 ORDER BY path LIMIT $p3",
                ns.Id, Key(className), after, PageSize).ExecuteReader();
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (reader.Read())
                {
                    count++;
                    after = reader.GetString(0);
                    var length = (int)reader.GetBytes(1, 0, null, 0, 0);
                    if (buffer.Length < length)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
                    }
                    reader.GetBytes(1, 0, buffer, 0, length);
                    page.Add(CimBinaryCodec.DecodeInstance(buffer.AsSpan(0, length), cls));
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
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

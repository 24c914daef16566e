using Microsoft.Data.Sqlite;
using Wmix.Engine.Repository;
using Wmix.Repository.Sqlite.Internal;

namespace Wmix.Repository.Sqlite;

/// <summary>All-or-nothing batches.</summary>
public sealed partial class SqliteRepository
{
    /// <inheritdoc />
    /// <remarks>
    /// One SQLite write transaction (<c>BEGIN IMMEDIATE</c>) on the writer connection, held from here to
    /// <see cref="IRepositoryTransaction.Commit"/> or dispose: other writers of this process wait on the write gate,
    /// other processes on SQLite's lock (up to the busy timeout). Readers elsewhere keep seeing the state before the
    /// batch until it commits (WAL snapshots); reads in this flow see the batch's writes.
    /// </remarks>
    public IRepositoryTransaction BeginTransaction()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_options.ReadOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrAccessDenied, $"The repository '{DatabasePath}' was opened read-only; a batch of writes was refused.");
        }
        if (_ambient.Value is { IsOpen: true } open && ReferenceEquals(open.Owner, this))
        {
            throw new InvalidOperationException("This flow already has a transaction open on the repository; commit or dispose it first.");
        }
        _writeGate.Wait();
        var connection = _writer!;
        try
        {
            connection.Execute("BEGIN IMMEDIATE");
            try
            {
                var generation = ReadInt64(connection.Command(SelectGeneration));
                var snapshot = _shared;
                if (snapshot.Generation != generation || snapshot.Namespaces is null)
                {
                    snapshot = CurrentSnapshot(connection);
                }
                var transaction = new Transaction(this, connection, generation, snapshot);
                // Set in this synchronous method, the value is seen by the caller and everything it calls or awaits.
                _ambient.Value = transaction;
                return transaction;
            }
            catch
            {
                RollBackQuietly(connection);
                throw;
            }
        }
        catch (SqliteException ex)
        {
            _writeGate.Release();
            throw SqliteErrors.Map(ex, DatabasePath, "starting a batch of writes");
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    private sealed class Transaction(SqliteRepository owner, RepositoryConnection connection, long generation, SchemaSnapshot shared) : IRepositoryTransaction
    {
        private SchemaSnapshot? _private;
        private int _state; // 0 open, 1 ended

        public SqliteRepository Owner { get; } = owner;

        public RepositoryConnection Connection { get; } = connection;

        /// <summary>What reads in the batch see: the shared snapshot until the batch changes the schema, then its own.</summary>
        public SchemaSnapshot Snapshot => _private ?? shared;

        public bool IsOpen => Volatile.Read(ref _state) == 0;

        public T Run<T, TArg>(string action, TArg arg, WriteBody<T, TArg> body)
        {
            if (!IsOpen)
            {
                throw new InvalidOperationException("The transaction has already ended.");
            }
            try
            {
                var context = new WriteContext(Connection, Snapshot);
                var result = body(context, arg);
                if (context.Changes.Count > 0)
                {
                    if (_private is null)
                    {
                        // The first schema change: from here on the batch reads its own view (which includes its
                        // uncommitted writes) and leaves the shared cache alone until it commits.
                        var (_, namespaces) = LoadNamespaces(Connection);
                        _private = new SchemaSnapshot(generation, isPrivate: true) { Namespaces = namespaces };
                    }
                    // Changes are idempotent, so applying them to a view that already reads them from the database is harmless.
                    foreach (var change in context.Changes)
                    {
                        change(_private);
                    }
                }
                return result;
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Map(ex, Owner.DatabasePath, action);
            }
        }

        public void Commit()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                throw new InvalidOperationException("The transaction has already ended.");
            }
            try
            {
                if (_private is not null)
                {
                    Connection.Command("UPDATE meta SET value = $p0 WHERE key = 'schema_generation'", generation + 1).ExecuteNonQuery();
                }
                Connection.Execute("COMMIT");
                if (_private is { } committed)
                {
                    lock (Owner._cacheLock)
                    {
                        // The batch's view is now the database's state: it becomes the shared snapshot.
                        if (Owner._shared.Generation <= generation + 1)
                        {
                            Owner._shared = new SchemaSnapshot(generation + 1, isPrivate: false) { Namespaces = Copy(committed) };
                        }
                    }
                }
            }
            catch (SqliteException ex)
            {
                RollBackQuietly(Connection);
                throw SqliteErrors.Map(ex, Owner.DatabasePath, "committing a batch of writes");
            }
            catch
            {
                RollBackQuietly(Connection);
                throw;
            }
            finally
            {
                End();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _state, 1) != 0)
            {
                return;
            }
            try
            {
                RollBackQuietly(Connection);
            }
            finally
            {
                End();
            }
        }

        private static Dictionary<string, NamespaceInfo> Copy(SchemaSnapshot snapshot)
        {
            var copy = new Dictionary<string, NamespaceInfo>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, ns) in snapshot.Namespaces!)
            {
                copy[name] = ns.Copy();
            }
            return copy;
        }

        private void End()
        {
            if (ReferenceEquals(Owner._ambient.Value, this))
            {
                Owner._ambient.Value = null;
            }
            Owner._writeGate.Release();
        }
    }
}

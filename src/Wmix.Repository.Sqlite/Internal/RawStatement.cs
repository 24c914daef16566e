using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Wmix.Repository.Sqlite.Internal;

/// <summary>
/// A prepared statement driven through SQLite's C API directly, for the hot reads (data_version, get by path, pages
/// of instances): no reader objects per call, and blobs read as spans without copying.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int SqliteRow = 100;
    private const int SqliteDone = 101;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    public void Bind(int index, long value) => SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_int64(_statement, index, value), _db);

    public void Bind(int index, string value) => SqliteException.ThrowExceptionForRC(raw.sqlite3_bind_text16(_statement, index, value), _db);

    /// <summary>Steps once: true for a row, false when done; failures throw <see cref="SqliteException"/> (and reset).</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == SqliteRow)
        {
            return true;
        }
        if (rc == SqliteDone)
        {
            return false;
        }
        raw.sqlite3_reset(_statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
        return false;
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>The column's bytes, valid until the next step or reset.</summary>
    public ReadOnlySpan<byte> Blob(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Ends the current execution (releasing its read snapshot) and clears bindings.</summary>
    public void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    public void Dispose() => _statement.Dispose();
}

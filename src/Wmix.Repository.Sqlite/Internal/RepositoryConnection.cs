using Microsoft.Data.Sqlite;

namespace Wmix.Repository.Sqlite.Internal;

/// <summary>
/// One open SQLite connection with its prepared statements, used by one thread at a time (rented from the pool or
/// owned by the writer).
/// </summary>
internal sealed class RepositoryConnection : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> _raw = new(StringComparer.Ordinal);

    public RepositoryConnection(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    /// <summary>The last <c>PRAGMA data_version</c> this connection saw; -1 before the first check.</summary>
    public long LastDataVersion { get; set; } = -1;

    /// <summary>A prepared command for <paramref name="sql"/>, created once per connection; parameters are $p0, $p1…</summary>
    public SqliteCommand Command(string sql, int parameterCount = 0)
    {
        if (_commands.TryGetValue(sql, out var command))
        {
            return command;
        }
        command = Connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameterCount; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }
        _commands[sql] = command;
        return command;
    }

    public SqliteCommand Command(string sql, object? p0)
    {
        var c = Command(sql, 1);
        c.Parameters[0].Value = p0 ?? DBNull.Value;
        return c;
    }

    public SqliteCommand Command(string sql, object? p0, object? p1)
    {
        var c = Command(sql, 2);
        c.Parameters[0].Value = p0 ?? DBNull.Value;
        c.Parameters[1].Value = p1 ?? DBNull.Value;
        return c;
    }

    public SqliteCommand Command(string sql, object? p0, object? p1, object? p2)
    {
        var c = Command(sql, 3);
        c.Parameters[0].Value = p0 ?? DBNull.Value;
        c.Parameters[1].Value = p1 ?? DBNull.Value;
        c.Parameters[2].Value = p2 ?? DBNull.Value;
        return c;
    }

    public SqliteCommand Command(string sql, object? p0, object? p1, object? p2, object? p3)
    {
        var c = Command(sql, 4);
        c.Parameters[0].Value = p0 ?? DBNull.Value;
        c.Parameters[1].Value = p1 ?? DBNull.Value;
        c.Parameters[2].Value = p2 ?? DBNull.Value;
        c.Parameters[3].Value = p3 ?? DBNull.Value;
        return c;
    }

    public SqliteCommand Command(string sql, object? p0, object? p1, object? p2, object? p3, object? p4)
    {
        var c = Command(sql, 5);
        c.Parameters[0].Value = p0 ?? DBNull.Value;
        c.Parameters[1].Value = p1 ?? DBNull.Value;
        c.Parameters[2].Value = p2 ?? DBNull.Value;
        c.Parameters[3].Value = p3 ?? DBNull.Value;
        c.Parameters[4].Value = p4 ?? DBNull.Value;
        return c;
    }

    /// <summary>A statement prepared once per connection and driven through the C API (see <see cref="RawStatement"/>).</summary>
    public RawStatement Raw(string sql)
    {
        if (!_raw.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(Connection, sql);
            _raw[sql] = statement;
        }
        return statement;
    }

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public long ScalarInt64(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        foreach (var statement in _raw.Values)
        {
            statement.Dispose();
        }
        _raw.Clear();
        Connection.Dispose();
    }
}

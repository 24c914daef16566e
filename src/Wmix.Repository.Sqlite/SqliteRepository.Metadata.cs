using Wmix.Repository.Sqlite.Internal;

namespace Wmix.Repository.Sqlite;

/// <summary>Host metadata: small named numbers kept with the data (e.g. which built-in class set is installed).</summary>
public sealed partial class SqliteRepository
{
    private const string ReservedPrefix = "schema_";

    /// <summary>
    /// The number stored under <paramref name="key"/> by <see cref="SetMetadata"/>, or null when none is. Inside a
    /// transaction of this flow, sees the transaction's writes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or reserved (starts with <c>schema_</c>).</exception>
    /// <exception cref="WbemException">The database could not be read (see the class remarks).</exception>
    public long? GetMetadata(string key)
    {
        CheckMetadataKey(key);
        return Read("reading metadata", key, static (scope, k) =>
        {
            var command = scope.Connection.Command("SELECT value FROM meta WHERE key = $p0", k);
            var value = command.ExecuteScalar();
            return value is null or DBNull ? (long?)null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> (replacing any earlier value), durably and atomically;
    /// inside a transaction of this flow it commits with the transaction.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="key"/> is empty or reserved (starts with <c>schema_</c>).</exception>
    /// <exception cref="WbemException">The write failed (read-only, disk full…): nothing changed.</exception>
    public void SetMetadata(string key, long value)
    {
        CheckMetadataKey(key);
        Write("writing metadata", (key, value), static (context, kv) =>
        {
            context.Connection.Command("INSERT INTO meta (key, value) VALUES ($p0, $p1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                kv.key, kv.value).ExecuteNonQuery();
            return 0;
        });
    }

    private static void CheckMetadataKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Metadata keys starting with '{ReservedPrefix}' are the repository's own.", nameof(key));
        }
    }
}

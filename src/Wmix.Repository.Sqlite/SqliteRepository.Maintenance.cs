using Microsoft.Data.Sqlite;
using Wmix.Cim;
using Wmix.Repository.Sqlite.Internal;
using Wmix.Repository.Sqlite.Serialization;

namespace Wmix.Repository.Sqlite;

/// <summary>Check, backup and restore.</summary>
public sealed partial class SqliteRepository
{
    private const int MaxReportedProblems = 1000;

    /// <summary>
    /// Verifies the repository (WMI's <c>/verifyrepository</c>): SQLite's integrity check, every namespace's parent,
    /// every class blob decodes with its stored name and superclass, every superclass exists, every instance's class
    /// exists, every instance blob decodes and its key values give the path it is stored under. Reads one consistent
    /// snapshot; writers are not blocked.
    /// </summary>
    /// <exception cref="WbemException">The database cannot be read at all (wbemErrCriticalError…).</exception>
    public RepositoryCheckReport Check()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var connection = OpenConnection();
        try
        {
            return CheckDatabase(connection, DatabasePath);
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is 11 or 26)
        {
            // Damage severe enough that SQLite stops reading: that is the report, not a failure of the check.
            return new RepositoryCheckReport([$"SQLite cannot read the database: {ex.Message} Restore a backup with 'wmix repository restore FILE'."], 0, 0, 0);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Map(ex, DatabasePath, "checking the repository");
        }
        finally
        {
            connection.Dispose();
        }
    }

    private static RepositoryCheckReport CheckDatabase(RepositoryConnection connection, string path)
    {
        var problems = new List<string>();
        void Problem(string text)
        {
            if (problems.Count < MaxReportedProblems)
            {
                problems.Add(text);
            }
        }

        using (var integrity = connection.Connection.CreateCommand())
        {
            integrity.CommandText = "PRAGMA integrity_check";
            using var reader = integrity.ExecuteReader();
            while (reader.Read())
            {
                var line = reader.GetString(0);
                if (!string.Equals(line, "ok", StringComparison.Ordinal))
                {
                    Problem("SQLite integrity: " + line);
                }
            }
        }
        var version = connection.ScalarInt64("PRAGMA user_version");
        if (version != SchemaVersion || connection.ScalarInt64("PRAGMA application_id") != ApplicationId)
        {
            Problem($"'{path}' is not a Wmix repository of schema version {SchemaVersion} (user_version {version}).");
            return new RepositoryCheckReport(problems, 0, 0, 0);
        }

        // One read transaction: the whole check sees one snapshot.
        connection.Execute("BEGIN");
        try
        {
            var (_, namespaces) = LoadNamespaces(connection);
            var byId = namespaces.Values.ToDictionary(n => n.Id);
            foreach (var ns in namespaces.Values)
            {
                var cut = ns.Name.LastIndexOf('\\');
                if (cut > 0 && !namespaces.ContainsKey(ns.Name[..cut]))
                {
                    Problem($"Namespace '{ns.Name}' has no parent '{ns.Name[..cut]}'.");
                }
            }

            // Classes: decode each namespace's classes parents first.
            var classCount = 0;
            var rows = new Dictionary<long, Dictionary<string, (string? Super, byte[] Blob)>>();
            using (var command = connection.Connection.CreateCommand())
            {
                command.CommandText = "SELECT ns, key, name, superclass, blob FROM classes";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    classCount++;
                    var nsId = reader.GetInt64(0);
                    var name = reader.GetString(2);
                    if (!byId.ContainsKey(nsId))
                    {
                        Problem($"Class '{name}' belongs to a namespace that does not exist (id {nsId}).");
                        continue;
                    }
                    if (!string.Equals(reader.GetString(1), Key(name), StringComparison.Ordinal))
                    {
                        Problem($"Class '{name}' in '{byId[nsId].Name}' is stored under the wrong key.");
                    }
                    if (!rows.TryGetValue(nsId, out var map))
                    {
                        rows[nsId] = map = new Dictionary<string, (string?, byte[])>(StringComparer.OrdinalIgnoreCase);
                    }
                    map[name] = (reader.IsDBNull(3) ? null : reader.GetString(3), (byte[])reader.GetValue(4));
                }
            }
            var decodedClasses = new Dictionary<long, Dictionary<string, CimClass?>>();
            foreach (var (nsId, map) in rows)
            {
                var ns = byId[nsId];
                var decoded = new Dictionary<string, CimClass?>(StringComparer.OrdinalIgnoreCase);
                decodedClasses[nsId] = decoded;
                foreach (var name in map.Keys)
                {
                    DecodeForCheck(name, 0);
                }

                CimClass? DecodeForCheck(string name, int depth)
                {
                    if (decoded.TryGetValue(name, out var done))
                    {
                        return done;
                    }
                    decoded[name] = null; // marks "in progress" and "unreadable" alike
                    if (!map.TryGetValue(name, out var row))
                    {
                        return null;
                    }
                    if (depth > 256)
                    {
                        Problem($"Class '{name}' in '{ns.Name}' has a looping superclass chain.");
                        return null;
                    }
                    try
                    {
                        var info = CimBinaryCodec.ReadInfo(row.Blob);
                        if (info.Kind != CimBlobKind.Class || !CimNames.AreEqual(info.ClassName, name) || !CimNames.AreEqual(info.SuperclassName, row.Super))
                        {
                            Problem($"Class '{name}' in '{ns.Name}': the stored object does not match its row (it holds '{info.ClassName}' : '{info.SuperclassName}').");
                            return null;
                        }
                        if (row.Super is not null && !map.ContainsKey(row.Super))
                        {
                            Problem($"Class '{name}' in '{ns.Name}': its superclass '{row.Super}' does not exist.");
                            return null;
                        }
                        var cls = CimBinaryCodec.DecodeClass(row.Blob, parent => DecodeForCheck(parent, depth + 1));
                        decoded[name] = cls;
                        return cls;
                    }
                    catch (WbemException ex)
                    {
                        Problem($"Class '{name}' in '{ns.Name}' cannot be read: {ex.Message}");
                        return null;
                    }
                }
            }

            // Instances, streamed.
            long instanceCount = 0;
            using (var command = connection.Connection.CreateCommand())
            {
                command.CommandText = "SELECT ns, class, path, blob FROM instances";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    instanceCount++;
                    var nsId = reader.GetInt64(0);
                    var classKey = reader.GetString(1);
                    var instancePath = reader.GetString(2);
                    if (!byId.TryGetValue(nsId, out var ns))
                    {
                        Problem($"Instance '{instancePath}' belongs to a namespace that does not exist (id {nsId}).");
                        continue;
                    }
                    if (!decodedClasses.TryGetValue(nsId, out var classes) || !classes.TryGetValue(classKey, out var cls))
                    {
                        Problem($"Instance '{instancePath}' in '{ns.Name}': its class '{classKey}' does not exist.");
                        continue;
                    }
                    if (cls is null)
                    {
                        continue; // the class's own problem is reported
                    }
                    try
                    {
                        var instance = CimBinaryCodec.DecodeInstance((byte[])reader.GetValue(3), cls);
                        var actual = instance.RelativeObjectPath?.ToCanonicalString();
                        if (!string.Equals(actual, instancePath, StringComparison.Ordinal))
                        {
                            Problem($"Instance '{instancePath}' in '{ns.Name}': its key values give the path '{actual ?? "(none)"}'.");
                        }
                    }
                    catch (WbemException ex)
                    {
                        Problem($"Instance '{instancePath}' in '{ns.Name}' cannot be read: {ex.Message}");
                    }
                }
            }
            return new RepositoryCheckReport(problems, namespaces.Count, classCount, instanceCount);
        }
        finally
        {
            connection.Execute("COMMIT");
        }
    }

    /// <summary>
    /// Writes a consistent copy of the repository to <paramref name="file"/> with SQLite's online backup (readers and
    /// writers carry on meanwhile), replacing the file atomically (WMI's <c>winmgmt /backup</c>).
    /// </summary>
    /// <exception cref="WbemException">wbemErrAccessDenied, wbemErrOutOfDiskSpace… when the copy cannot be written.</exception>
    public void Backup(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var target = System.IO.Path.GetFullPath(file);
        var temporary = target + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var source = OpenConnection();
        try
        {
            using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = temporary, Pooling = false }.ToString()))
            {
                destination.Open();
                source.Connection.BackupDatabase(destination);
                // A backup is a single self-contained file: fold its journal back in.
                using var command = destination.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=DELETE";
                command.ExecuteNonQuery();
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (SqliteException ex)
        {
            TryDelete(temporary);
            throw SqliteErrors.Map(ex, target, "writing a backup");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new WbemException(WbemErrorEnum.wbemErrAccessDenied, $"The backup '{target}' cannot be written: {ex.Message}", ex);
        }
        finally
        {
            source.Dispose();
        }
    }

    /// <summary>
    /// Replaces the repository's whole content with the backup in <paramref name="file"/> (WMI's
    /// <c>winmgmt /restore</c>): the backup is checked first (a damaged or newer one is refused and nothing changes),
    /// then copied in with SQLite's backup API as one write, so other connections and processes see the old content or
    /// the new, never a mix.
    /// </summary>
    /// <exception cref="WbemException">
    /// wbemErrInvalidParameter: the backup is missing, damaged or not a repository (the report is in the message);
    /// wbemErrDatabaseVerMismatch: it comes from a newer Wmix; others as for writes.
    /// </exception>
    public void Restore(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_options.ReadOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrAccessDenied, $"The repository '{DatabasePath}' was opened read-only; restore was refused.");
        }
        var source = System.IO.Path.GetFullPath(file);
        if (!File.Exists(source))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, $"The backup '{source}' does not exist.");
        }
        // Work on a private copy: the check and the generation stamp must not touch the user's backup file.
        var staging = DatabasePath + ".restore-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            File.Copy(source, staging, overwrite: true);
            using var staged = new RepositoryConnection(new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = staging, Pooling = false }.ToString()));
            staged.Connection.Open();
            var version = staged.ScalarInt64("PRAGMA user_version");
            if (version > SchemaVersion)
            {
                throw new WbemException(WbemErrorEnum.wbemErrDatabaseVerMismatch,
                    $"The backup '{source}' has schema version {version}, newer than this Wmix supports ({SchemaVersion}).");
            }
            var report = CheckDatabase(staged, source);
            if (!report.IsConsistent)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter, $"The backup '{source}' is not usable, nothing was restored. {report}");
            }
            _writeGate.Wait();
            try
            {
                var writer = _writer ?? throw new ObjectDisposedException(nameof(SqliteRepository));
                // Stamp a schema generation well past the live one, so every process's cache sees the change.
                var live = ReadInt64(writer.Command(SelectGeneration));
                staged.Command("UPDATE meta SET value = $p0 WHERE key = 'schema_generation'", live + 1000).ExecuteNonQuery();
                staged.Connection.BackupDatabase(writer.Connection);
                lock (_cacheLock)
                {
                    _shared = new SchemaSnapshot(live + 1000, isPrivate: false);
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }
        catch (SqliteException ex)
        {
            throw ex.SqliteErrorCode is 11 or 26
                ? new WbemException(WbemErrorEnum.wbemErrInvalidParameter, $"The backup '{source}' is damaged or not a Wmix repository; nothing was restored.", ex)
                : SqliteErrors.Map(ex, DatabasePath, "restoring a backup");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WbemException(WbemErrorEnum.wbemErrAccessDenied, $"The backup '{source}' cannot be read or staged: {ex.Message}", ex);
        }
        finally
        {
            TryDelete(staging);
            TryDelete(staging + "-wal");
            TryDelete(staging + "-shm");
            TryDelete(staging + "-journal");
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException ex)
        {
            System.Diagnostics.Trace.TraceWarning($"Wmix repository: cannot remove '{file}': {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            System.Diagnostics.Trace.TraceWarning($"Wmix repository: cannot remove '{file}': {ex.Message}");
        }
    }
}

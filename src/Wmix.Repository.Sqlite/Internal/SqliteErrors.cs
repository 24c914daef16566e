using Microsoft.Data.Sqlite;

namespace Wmix.Repository.Sqlite.Internal;

/// <summary>Maps SQLite failures to the WBEM errors WMI gives for the same situations, with messages that name the fix.</summary>
internal static class SqliteErrors
{
    // Primary result codes (https://sqlite.org/rescode.html).
    private const int SqlitePerm = 3;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteNoMem = 7;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteAuth = 23;
    private const int SqliteNotADb = 26;

    // Extended I/O codes that mean "no space" on some file systems rather than SQLITE_FULL.
    private const int SqliteIoErrWrite = SqliteIoErr | (3 << 8);
    private const int SqliteIoErrFsync = SqliteIoErr | (4 << 8);
    private const int SqliteIoErrTruncate = SqliteIoErr | (6 << 8);
    private const int SqliteIoErrShmSize = SqliteIoErr | (19 << 8);

    public static WbemException Map(SqliteException ex, string path, string action)
    {
        var primary = ex.SqliteErrorCode & 0xFF;
        var extended = ex.SqliteExtendedErrorCode;
        return primary switch
        {
            SqliteFull => new WbemException(WbemErrorEnum.wbemErrOutOfDiskSpace,
                $"The disk holding the repository '{path}' is full; {action} was not done and nothing already stored was lost. Free some space and retry.", ex),
            SqliteIoErr when extended is SqliteIoErrWrite or SqliteIoErrFsync or SqliteIoErrTruncate or SqliteIoErrShmSize && IsDiskFull(path) =>
                new WbemException(WbemErrorEnum.wbemErrOutOfDiskSpace,
                    $"The disk holding the repository '{path}' is full; {action} was not done and nothing already stored was lost. Free some space and retry.", ex),
            SqliteReadOnly or SqlitePerm or SqliteAuth => new WbemException(WbemErrorEnum.wbemErrAccessDenied,
                $"The repository '{path}' is read-only for this process ({ex.Message.TrimEnd('.')}); {action} was refused. Run as a user that may write there, or set WMIX_REPOSITORY to a writable directory.", ex),
            SqliteCantOpen => new WbemException(WbemErrorEnum.wbemErrAccessDenied,
                $"The repository '{path}' cannot be opened ({ex.Message.TrimEnd('.')}). Check that its directory exists and is writable, or set WMIX_REPOSITORY.", ex),
            SqliteCorrupt or SqliteNotADb => new WbemException(WbemErrorEnum.wbemErrCriticalError,
                $"The repository '{path}' is damaged or not a Wmix repository ({ex.Message.TrimEnd('.')}). Restore a backup with 'wmix repository restore FILE', or move the file away to start with an empty repository.", ex),
            SqliteBusy or SqliteLocked => new WbemException(WbemErrorEnum.wbemErrTimedout,
                $"The repository '{path}' stayed locked by another process; {action} timed out. Retry when the other writer (a running mofcomp?) has finished.", ex),
            SqliteNoMem => new WbemException(WbemErrorEnum.wbemErrOutOfMemory, $"SQLite ran out of memory during {action}.", ex),
            SqliteIoErr => new WbemException(WbemErrorEnum.wbemErrCriticalError,
                $"An I/O error occurred on the repository '{path}' during {action} ({ex.Message.TrimEnd('.')}); nothing was changed.", ex),
            _ => new WbemException(WbemErrorEnum.wbemErrFailed, $"The repository '{path}' failed during {action}: {ex.Message}", ex),
        };
    }

    private static bool IsDiskFull(string path)
    {
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? "/";
            return new DriveInfo(directory).AvailableFreeSpace < 64 * 1024;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

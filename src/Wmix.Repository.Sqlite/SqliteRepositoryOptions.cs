namespace Wmix.Repository.Sqlite;

/// <summary>How a <see cref="SqliteRepository"/> is opened. Immutable; start from <see cref="Default"/>.</summary>
public sealed record SqliteRepositoryOptions
{
    /// <summary>Read-write, durable across power loss, 30 s wait for another process's write lock.</summary>
    public static SqliteRepositoryOptions Default { get; } = new();

    /// <summary>Open without writing (SQLite <c>Mode=ReadOnly</c>): every write fails with wbemErrAccessDenied.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// True (default): each commit is flushed to disk (<c>synchronous=FULL</c>), so it survives power loss. False:
    /// <c>synchronous=NORMAL</c>, which survives a process crash but may lose the last commits on power loss; faster.
    /// </summary>
    public bool DurableAgainstPowerLoss { get; init; } = true;

    /// <summary>How long a writer waits for another process's write lock before wbemErrTimedout.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

using System.Runtime.CompilerServices;
using Wmix.DBus;

namespace Wmix.Providers.Linux.Sources;

/// <summary>A systemd service unit's properties, as read from <c>org.freedesktop.systemd1.Unit</c> and <c>.Service</c>.</summary>
/// <param name="Id">The unit's primary name, e.g. <c>ssh.service</c>.</param>
/// <param name="Description">The unit's <c>Description</c>.</param>
/// <param name="LoadState"><c>loaded</c>, <c>not-found</c>, <c>masked</c>, <c>error</c>, …</param>
/// <param name="ActiveState"><c>active</c>, <c>inactive</c>, <c>activating</c>, <c>deactivating</c>, <c>failed</c>, <c>reloading</c>, …</param>
/// <param name="SubState">The type-specific state, e.g. <c>running</c>, <c>dead</c>, <c>exited</c>.</param>
/// <param name="UnitFileState"><c>enabled</c>, <c>static</c>, <c>disabled</c>, <c>masked</c>, … or empty.</param>
/// <param name="FragmentPath">The unit file's path, or empty.</param>
/// <param name="CanStart">False when the unit refuses manual start.</param>
/// <param name="CanStop">False when the unit refuses manual stop.</param>
/// <param name="MainPid">The main process id, 0 when none.</param>
/// <param name="ExecMainCode">How the main process last ended (<c>CLD_EXITED</c> 1, <c>CLD_KILLED</c> 2, <c>CLD_DUMPED</c> 3), 0 when it has not.</param>
/// <param name="ExecMainStatus">Its exit status, or the signal number when killed.</param>
/// <param name="Result">The service's last result: <c>success</c>, <c>exit-code</c>, <c>signal</c>, <c>timeout</c>, …</param>
/// <param name="User">The <c>User=</c> setting, empty for root.</param>
/// <param name="ExecStart">The argument vector of the first <c>ExecStart=</c> command, or null.</param>
public sealed record SystemdUnit(string Id, string Description, string LoadState, string ActiveState, string SubState, string UnitFileState,
    string FragmentPath, bool CanStart, bool CanStop, uint MainPid, int ExecMainCode, int ExecMainStatus, string Result, string User,
    IReadOnlyList<string>? ExecStart);

/// <summary>How a start or stop request ended.</summary>
/// <param name="JobResult">systemd's job result (<c>done</c>, <c>failed</c>, <c>canceled</c>, <c>timeout</c>, <c>dependency</c>,
/// <c>skipped</c>, …), or null when the request did not make a job.</param>
/// <param name="ErrorName">The D-Bus error that refused the request, or null.</param>
/// <param name="TimedOut">True when the job had not finished within the wait.</param>
public sealed record SystemdJobOutcome(string? JobResult, string? ErrorName, bool TimedOut);

/// <summary>Options of <see cref="SystemdServices"/>.</summary>
public sealed record SystemdServicesOptions
{
    /// <summary>The system bus (<see cref="DBusAddress.SystemBus"/>), 25 s per call, 90 s per job (systemd's default start timeout).</summary>
    public static SystemdServicesOptions Default { get; } = new();

    /// <summary>The bus systemd is on; null for the system bus.</summary>
    public string? BusAddress { get; init; }

    /// <summary>How long one D-Bus call may take.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long a start or stop waits for its job to finish before reporting a timeout (the job goes on).</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How often a waiting start or stop also asks whether its job still exists, in case a signal was lost.</summary>
    public TimeSpan JobPollInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// systemd's service units through its own D-Bus API (<c>org.freedesktop.systemd1</c>): listing with
/// <c>ListUnits</c> and <c>ListUnitFiles</c> (so units that are not loaded appear too), properties with
/// <c>org.freedesktop.DBus.Properties.GetAll</c>, and start/stop with <c>StartUnit</c>/<c>StopUnit</c> waiting for the
/// job's <c>JobRemoved</c> signal. Each operation uses its own connection, closed at its end.
/// </summary>
public sealed class SystemdServices
{
    private const string Destination = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";
    private const string Properties = "org.freedesktop.DBus.Properties";
    private const string UnitInterface = "org.freedesktop.systemd1.Unit";
    private const string ServiceInterface = "org.freedesktop.systemd1.Service";
    private const string Suffix = ".service";
    private const int Batch = 32;

    private readonly SystemdServicesOptions _options;

    /// <summary>Talks to systemd on the bus of <paramref name="options"/> (the system bus by default).</summary>
    public SystemdServices(SystemdServicesOptions? options = null) => _options = options ?? SystemdServicesOptions.Default;

    /// <summary>True when systemd is the init system here: <c>/run/systemd/system</c> exists (the test <c>sd_booted()</c> makes).</summary>
    public static bool IsBooted => Directory.Exists("/run/systemd/system");

    /// <summary>The bus address used.</summary>
    public string BusAddress => _options.BusAddress ?? DBusAddress.SystemBus;

    private Task<DBusConnection> ConnectAsync(CancellationToken cancellationToken)
        => DBusConnection.ConnectAsync(BusAddress, new DBusConnectionOptions { CallTimeout = _options.CallTimeout }, cancellationToken);

    /// <summary>True for a name systemd accepts as a unit name (<c>[A-Za-z0-9:_.\-@\\]</c>, at most 255 characters).</summary>
    public static bool IsValidUnitName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length is > 0 and <= 255 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_' or '.' or '-' or '@' or '\\');
    }

    /// <summary>
    /// The names of the service units: loaded ones from <c>ListUnits</c> (except <c>not-found</c> references) and unit files
    /// from <c>ListUnitFiles</c> (except templates such as <c>getty@.service</c> and aliases), in ordinal order. Before
    /// systemd 250 aliases are not marked as such and appear here; <see cref="ListAsync"/> folds them into their unit.
    /// </summary>
    /// <exception cref="IOException">systemd's bus could not be reached.</exception>
    /// <exception cref="DBusErrorException">systemd refused a call.</exception>
    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ListNamesOnAsync(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<string>> ListNamesOnAsync(DBusConnection connection, CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var units = await connection.CallMethodAsync(Destination, ManagerPath, Manager, "ListUnits", cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (DBusStruct u in (object[])units[0])
        {
            var name = (string)u[0];
            if (name.EndsWith(Suffix, StringComparison.Ordinal) && (string)u[2] != "not-found")
            {
                names.Add(name);
            }
        }
        var files = await connection.CallMethodAsync(Destination, ManagerPath, Manager, "ListUnitFiles", cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (DBusStruct f in (object[])files[0])
        {
            var name = Path.GetFileName((string)f[0]);
            // Aliases (state "alias" since systemd 250) name a unit listed under its own file; older versions call them
            // "enabled" or "linked", and ListAsync folds those by the unit's Id.
            if (name.EndsWith(Suffix, StringComparison.Ordinal) && !name.EndsWith("@" + Suffix, StringComparison.Ordinal) && (string)f[1] != "alias")
            {
                names.Add(name);
            }
        }
        return [.. names];
    }

    /// <summary>
    /// Every service unit with its properties (see <see cref="ListNamesAsync"/>), each unit once under its primary name,
    /// read in batches of concurrent calls. Units that are not loaded are loaded (<c>LoadUnit</c>), as <c>systemctl show</c> does.
    /// </summary>
    /// <exception cref="IOException">systemd's bus could not be reached.</exception>
    /// <exception cref="DBusErrorException">systemd refused a call.</exception>
    public async IAsyncEnumerable<SystemdUnit> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var names = await ListNamesOnAsync(connection, cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var start = 0; start < names.Count; start += Batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // Pipelined: the calls of one batch are in flight together, answered in any order, yielded in name order.
                var batch = await Task.WhenAll(names.Skip(start).Take(Batch).Select(n => ReadAsync(connection, n, cancellationToken))).ConfigureAwait(false);
                foreach (var unit in batch)
                {
                    if (unit is not null && unit.Id.EndsWith(Suffix, StringComparison.Ordinal) && seen.Add(unit.Id))
                    {
                        yield return unit;
                    }
                }
            }
        }
    }

    /// <summary>
    /// The service unit named <paramref name="unitName"/> (e.g. <c>ssh.service</c>), loading it if needed; null when there is
    /// no such unit (systemd says <c>not-found</c>) or the name is not a valid unit name.
    /// </summary>
    /// <exception cref="IOException">systemd's bus could not be reached.</exception>
    public async Task<SystemdUnit?> FindAsync(string unitName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        if (!IsValidUnitName(unitName))
        {
            return null;
        }
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadAsync(connection, unitName, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<SystemdUnit?> ReadAsync(DBusConnection connection, string name, CancellationToken cancellationToken)
    {
        string path;
        try
        {
            path = ((DBusObjectPath)(await connection.CallMethodAsync(Destination, ManagerPath, Manager, "GetUnit", "s", [name],
                cancellationToken: cancellationToken).ConfigureAwait(false))[0]).Value;
        }
        catch (DBusErrorException e) when (e.ErrorName == "org.freedesktop.systemd1.NoSuchUnit")
        {
            try
            {
                // Not loaded: load it, as systemctl does for show/status.
                path = ((DBusObjectPath)(await connection.CallMethodAsync(Destination, ManagerPath, Manager, "LoadUnit", "s", [name],
                    cancellationToken: cancellationToken).ConfigureAwait(false))[0]).Value;
            }
            catch (DBusErrorException e2) when (e2.ErrorName is "org.freedesktop.systemd1.NoSuchUnit" or "org.freedesktop.DBus.Error.InvalidArgs")
            {
                return null;
            }
        }
        var unitTask = connection.CallMethodAsync(Destination, path, Properties, "GetAll", "s", [UnitInterface], cancellationToken: cancellationToken);
        var serviceTask = connection.CallMethodAsync(Destination, path, Properties, "GetAll", "s", [ServiceInterface], cancellationToken: cancellationToken);
        var unit = DBusValues.ToPropertyMap((await unitTask.ConfigureAwait(false))[0]);
        var service = DBusValues.ToPropertyMap((await serviceTask.ConfigureAwait(false))[0]);
        var loadState = Text(unit, "LoadState");
        if (loadState == "not-found")
        {
            return null;
        }
        IReadOnlyList<string>? exec = null;
        if (service.GetValueOrDefault("ExecStart") is object[] { Length: > 0 } commands && commands[0] is DBusStruct first && first.Fields.Count > 1
            && first[1] is object[] argv)
        {
            exec = [.. argv.Cast<string>()];
        }
        return new SystemdUnit(
            Text(unit, "Id") is { Length: > 0 } id ? id : name,
            Text(unit, "Description"),
            loadState,
            Text(unit, "ActiveState"),
            Text(unit, "SubState"),
            Text(unit, "UnitFileState"),
            Text(unit, "FragmentPath"),
            unit.GetValueOrDefault("CanStart") as bool? ?? true,
            unit.GetValueOrDefault("CanStop") as bool? ?? true,
            service.GetValueOrDefault("MainPID") as uint? ?? 0,
            service.GetValueOrDefault("ExecMainCode") as int? ?? 0,
            service.GetValueOrDefault("ExecMainStatus") as int? ?? 0,
            Text(service, "Result"),
            Text(service, "User"),
            exec);
    }

    private static string Text(Dictionary<string, object> map, string name) => map.GetValueOrDefault(name) as string ?? "";

    /// <summary>
    /// <c>StartUnit(name, "replace")</c> and waits for the job: the <c>JobRemoved</c> signal (subscribed before the request,
    /// so it cannot be missed), with a poll of <c>GetJob</c> every <see cref="SystemdServicesOptions.JobPollInterval"/> in
    /// case the signal never comes, up to <see cref="SystemdServicesOptions.JobTimeout"/>. Cancel stops the wait, not the job.
    /// </summary>
    /// <exception cref="IOException">systemd's bus could not be reached.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<SystemdJobOutcome> StartAsync(string unitName, CancellationToken cancellationToken) => RunJobAsync("StartUnit", unitName, cancellationToken);

    /// <summary><c>StopUnit(name, "replace")</c>, waiting for the job as <see cref="StartAsync"/> does.</summary>
    /// <exception cref="IOException">systemd's bus could not be reached.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<SystemdJobOutcome> StopAsync(string unitName, CancellationToken cancellationToken) => RunJobAsync("StopUnit", unitName, cancellationToken);

    private async Task<SystemdJobOutcome> RunJobAsync(string method, string unitName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unitName);
        if (!IsValidUnitName(unitName))
        {
            throw new ArgumentException($"'{unitName}' is not a valid systemd unit name.", nameof(unitName));
        }
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // Order matters: the match rule and Subscribe go first, so JobRemoved for our job cannot slip by between the
            // request's reply and the subscription (systemd sends job signals only while someone is subscribed).
            var signals = await connection.SubscribeAsync(new DBusMatchRule
            {
                Sender = Destination, Path = ManagerPath, Interface = Manager, Member = "JobRemoved",
            }, cancellationToken).ConfigureAwait(false);
            await using (signals.ConfigureAwait(false))
            {
                try
                {
                    await connection.CallMethodAsync(Destination, ManagerPath, Manager, "Subscribe", cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (DBusErrorException)
                {
                    // Without a subscription the signal may not come; the GetJob poll below still ends the wait.
                }
                string job;
                try
                {
                    job = ((DBusObjectPath)(await connection.CallMethodAsync(Destination, ManagerPath, Manager, method, "ss", [unitName, "replace"],
                        cancellationToken: cancellationToken).ConfigureAwait(false))[0]).Value;
                }
                catch (DBusErrorException e)
                {
                    return new SystemdJobOutcome(null, e.ErrorName, false);
                }
                catch (TimeoutException)
                {
                    return new SystemdJobOutcome(null, "org.freedesktop.DBus.Error.NoReply", true);
                }
                var jobId = uint.TryParse(job.AsSpan(job.LastIndexOf('/') + 1), out var id) ? id : 0;
                return await WaitForJobAsync(connection, signals, job, jobId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The result of <paramref name="job"/> when <paramref name="signal"/> is its JobRemoved(u id, o job, s unit, s result); else null.</summary>
    private static string? JobResult(DBusMessage signal, string job)
        => signal.Body.Count == 4 && signal.Body[1] is DBusObjectPath p && p.Value == job && signal.Body[3] is string result ? result : null;

    private async Task<SystemdJobOutcome> WaitForJobAsync(DBusConnection connection, DBusSignalSubscription signals, string job, uint jobId,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.JobTimeout);
        try
        {
            while (true)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                tick.CancelAfter(_options.JobPollInterval);
                try
                {
                    while (true)
                    {
                        var signal = await signals.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
                        if (JobResult(signal, job) is { } result)
                        {
                            return new SystemdJobOutcome(result, null, false);
                        }
                    }
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // The poll interval passed without our signal: does the job still exist?
                }
                try
                {
                    await connection.CallMethodAsync(Destination, ManagerPath, Manager, "GetJob", "u", [jobId], cancellationToken: deadline.Token).ConfigureAwait(false);
                }
                catch (DBusErrorException e) when (e.ErrorName == "org.freedesktop.systemd1.NoSuchJob")
                {
                    // Gone without a signal we saw (or it finished just now and the signal is queued): take a queued one first.
                    while (signals.Reader.TryRead(out var signal))
                    {
                        if (JobResult(signal, job) is { } result)
                        {
                            return new SystemdJobOutcome(result, null, false);
                        }
                    }
                    return new SystemdJobOutcome(null, null, false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SystemdJobOutcome(null, null, true);
        }
        catch (System.Threading.Channels.ChannelClosedException e)
        {
            // The subscription ends only with the connection (or a flood of foreign job signals): report it as the bus failure it is.
            throw new IOException("The connection to systemd ended while waiting for the job: " + (e.InnerException?.Message ?? e.Message), e);
        }
    }
}

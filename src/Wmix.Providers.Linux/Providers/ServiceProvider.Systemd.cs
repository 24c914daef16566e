using System.Runtime.CompilerServices;
using System.Text;
using Wmix.Cim;
using Wmix.DBus;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>The systemd backend of <see cref="ServiceProvider"/> (mapping in the class remarks).</summary>
public sealed partial class ServiceProvider
{
    private const string UnitSuffix = ".service";

    private static WbemException Unreachable(SystemdServices systemd, Exception e) => new(WbemErrorEnum.wbemErrProviderFailure,
        $"systemd could not be asked on D-Bus at '{systemd.BusAddress}': {e.Message}", e);

    private static bool IsBusFailure(Exception e) => e is IOException or DBusErrorException or TimeoutException;

    private static async IAsyncEnumerable<CimInstance> EnumerateSystemdAsync(SystemdServices systemd, CimClass cls, IReadOnlyList<string>? names,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!CimNames.AreEqual(cls.Name, "Win32_Service"))
        {
            yield break;
        }
        var host = HostInfo.HostName;
        var units = names is null ? systemd.ListAsync(cancellationToken) : FindAllAsync(systemd, names, cancellationToken);
        var e = units.GetAsyncEnumerator(cancellationToken);
        await using (e.ConfigureAwait(false))
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // By hand rather than await foreach: a yield cannot sit inside the try that turns bus failures into WBEM errors.
                try
                {
                    if (!await e.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (Exception ex) when (IsBusFailure(ex))
                {
                    throw Unreachable(systemd, ex);
                }
                yield return ToInstance(cls, e.Current, host);
            }
        }
    }

    /// <summary>The units named by push-down: exact unit names first, then (names compare without case in WQL) any unit whose name differs only in case.</summary>
    private static async IAsyncEnumerable<SystemdUnit> FindAllAsync(SystemdServices systemd, IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // One listing serves every name's case-insensitive fallback (each listing is a bus connection and two calls).
        var listing = new UnitNames(systemd);
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            foreach (var unit in await ResolveAsync(systemd, name, cancellationToken, listing).ConfigureAwait(false))
            {
                if (seen.Add(unit.Id))
                {
                    yield return unit;
                }
            }
        }
    }

    /// <summary>The units whose WMI name (unit name without <c>.service</c>) equals <paramref name="name"/> ignoring case.</summary>
    private static async Task<List<SystemdUnit>> ResolveAsync(SystemdServices systemd, string name, CancellationToken cancellationToken,
        UnitNames? listing = null)
    {
        var found = new List<SystemdUnit>();
        var unitName = name + UnitSuffix;
        if (!SystemdServices.IsValidUnitName(unitName))
        {
            return found;
        }
        // An alias resolves to its unit, whose Name is another: like the full scan, the alias's name matches nothing.
        if (await systemd.FindAsync(unitName, cancellationToken).ConfigureAwait(false) is { } exact && string.Equals(exact.Id, unitName, StringComparison.OrdinalIgnoreCase))
        {
            found.Add(exact);
        }
        if (unitName.Any(char.IsAsciiLetter))
        {
            foreach (var other in await (listing ?? new UnitNames(systemd)).GetAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!string.Equals(other, unitName, StringComparison.Ordinal) && string.Equals(other, unitName, StringComparison.OrdinalIgnoreCase)
                    && await systemd.FindAsync(other, cancellationToken).ConfigureAwait(false) is { } unit && string.Equals(unit.Id, other, StringComparison.Ordinal))
                {
                    found.Add(unit);
                }
            }
        }
        return found;
    }

    /// <summary>The service unit names, listed on first use and kept for the rest of one query.</summary>
    private sealed class UnitNames(SystemdServices systemd)
    {
        private IReadOnlyList<string>? _names;

        public async Task<IReadOnlyList<string>> GetAsync(CancellationToken cancellationToken)
            => _names ??= await systemd.ListNamesAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<CimInstance?> GetSystemdAsync(SystemdServices systemd, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        if (!CimNames.AreEqual(cls.Name, "Win32_Service") || NameKey(path) is not { } name)
        {
            return null;
        }
        try
        {
            var units = await ResolveAsync(systemd, name, cancellationToken).ConfigureAwait(false);
            // Several units differing only in case: WMI keys compare without case, so the exact spelling wins.
            var unit = units.FirstOrDefault(u => string.Equals(u.Id, name + UnitSuffix, StringComparison.Ordinal)) ?? units.FirstOrDefault();
            return unit is null ? null : ToInstance(cls, unit, HostInfo.HostName);
        }
        catch (Exception e) when (IsBusFailure(e))
        {
            throw Unreachable(systemd, e);
        }
    }

    /// <summary>WMI's <c>State</c> for a unit's <c>ActiveState</c>.</summary>
    internal static string MapState(string activeState) => activeState switch
    {
        "active" or "reloading" or "refreshing" => "Running",
        "activating" => "Start Pending",
        "deactivating" => "Stop Pending",
        "inactive" or "failed" or "maintenance" => "Stopped",
        _ => "Unknown",
    };

    /// <summary>WMI's <c>Status</c> for a unit's <c>ActiveState</c>.</summary>
    internal static string MapStatus(string activeState) => activeState switch
    {
        "failed" => "Error",
        "activating" => "Starting",
        "deactivating" => "Stopping",
        "" => "Unknown",
        _ => "OK",
    };

    /// <summary>WMI's <c>StartMode</c> for a unit's <c>UnitFileState</c> (and <c>LoadState</c>), or null for a state systemd itself calls bad.</summary>
    internal static string? MapStartMode(string unitFileState, string loadState) => loadState == "masked" ? "Disabled" : unitFileState switch
    {
        "enabled" or "enabled-runtime" => "Auto",
        "disabled" or "masked" or "masked-runtime" => "Disabled",
        "static" or "indirect" or "generated" or "transient" or "linked" or "linked-runtime" or "alias" or "" => "Manual",
        _ => null,
    };

    /// <summary>A command line from an argument vector, each word quoted for a POSIX shell only when it needs it.</summary>
    internal static string JoinCommandLine(IReadOnlyList<string> argv)
    {
        var sb = new StringBuilder();
        foreach (var arg in argv)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }
            if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '@' or '%' or '+' or '=' or ':' or ',' or '.' or '/' or '-'))
            {
                sb.Append(arg);
            }
            else
            {
                sb.Append('\'').Append(arg.Replace("'", "'\\''", StringComparison.Ordinal)).Append('\'');
            }
        }
        return sb.ToString();
    }

    private static CimInstance ToInstance(CimClass cls, SystemdUnit u, string host)
    {
        var name = u.Id.EndsWith(UnitSuffix, StringComparison.Ordinal) ? u.Id[..^UnitSuffix.Length] : u.Id;
        var running = u.ActiveState is "active" or "reloading" or "refreshing";
        var i = cls.SpawnInstance();
        i["Name"] = name;
        i["CreationClassName"] = "Win32_Service";
        i["SystemCreationClassName"] = "Win32_ComputerSystem";
        i["SystemName"] = host;
        var description = u.Description.Length > 0 ? u.Description : name;
        i["DisplayName"] = description;
        i["Caption"] = description;
        i["Description"] = description;
        i["PathName"] = u.ExecStart is { Count: > 0 } argv ? JoinCommandLine(argv) : null;
        i["StartMode"] = MapStartMode(u.UnitFileState, u.LoadState);
        i["State"] = MapState(u.ActiveState);
        i["Started"] = running || u.ActiveState == "deactivating";
        i["Status"] = MapStatus(u.ActiveState);
        i["ServiceType"] = "Own Process";
        i["AcceptStop"] = running && u.CanStop;
        i["AcceptPause"] = false;
        i["DesktopInteract"] = false;
        i["ProcessId"] = u.MainPid;
        i["StartName"] = u.User.Length > 0 ? u.User : "root";
        var failed = u.Result.Length > 0 && u.Result != "success";
        i["ExitCode"] = failed ? 1066u : 0u; // ERROR_SERVICE_SPECIFIC_ERROR: the detail is in ServiceSpecificExitCode
        i["ServiceSpecificExitCode"] = !failed ? 0u : u.ExecMainCode is 2 or 3 ? (uint)(128 + u.ExecMainStatus) : unchecked((uint)u.ExecMainStatus);
        return i;
    }

    /// <summary>Runs StartService or StopService against systemd and returns WMI's return code (see the class remarks).</summary>
    private static async Task<uint> ControlSystemdAsync(SystemdServices systemd, string name, bool start, CancellationToken cancellationToken)
    {
        try
        {
            var units = await ResolveAsync(systemd, name, cancellationToken).ConfigureAwait(false);
            var unit = units.FirstOrDefault(u => string.Equals(u.Id, name + UnitSuffix, StringComparison.Ordinal)) ?? units.FirstOrDefault()
                ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Service '{name}' does not exist.");
            if (start)
            {
                if (unit.LoadState == "masked" || unit.UnitFileState is "masked" or "masked-runtime")
                {
                    return 14; // Service Disabled
                }
                switch (unit.ActiveState)
                {
                    case "active" or "reloading" or "refreshing" or "activating":
                        return 10; // Service Already Running
                    case "deactivating":
                        return 5; // Service Cannot Accept Control (stop pending)
                }
                if (!unit.CanStart)
                {
                    return 4; // Invalid Service Control: RefuseManualStart=yes
                }
            }
            else
            {
                switch (unit.ActiveState)
                {
                    case "inactive" or "failed" or "maintenance":
                        return 6; // Service Not Active
                    case "activating" or "deactivating":
                        return 5; // Service Cannot Accept Control (pending)
                }
                if (!unit.CanStop)
                {
                    return 4; // Invalid Service Control: RefuseManualStop=yes
                }
            }
            var outcome = start
                ? await systemd.StartAsync(unit.Id, cancellationToken).ConfigureAwait(false)
                : await systemd.StopAsync(unit.Id, cancellationToken).ConfigureAwait(false);
            if (outcome.JobResult is null && outcome.ErrorName is null && !outcome.TimedOut)
            {
                // The job ended without a signal we saw: judge by where the unit is now.
                var now = await systemd.FindAsync(unit.Id, cancellationToken).ConfigureAwait(false);
                var reached = start ? now?.ActiveState is "active" or "reloading" or "refreshing" : now?.ActiveState is null or "inactive" or "failed";
                return reached ? 0u : 8u;
            }
            return MapOutcome(outcome);
        }
        catch (Exception e) when (IsBusFailure(e))
        {
            throw Unreachable(systemd, e);
        }
    }

    /// <summary>WMI's return code for a start or stop outcome.</summary>
    internal static uint MapOutcome(SystemdJobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.TimedOut)
        {
            return 7; // Service Request Timeout
        }
        return outcome.ErrorName switch
        {
            null => outcome.JobResult switch
            {
                "done" or "skipped" => 0,
                "timeout" => 7,
                "dependency" => 13, // Service Dependency Failure
                "invalid" => 4,
                "unsupported" => 1, // Not Supported
                _ => 8, // failed, canceled, collected, once, frozen, assert: Unknown Failure
            },
            "org.freedesktop.DBus.Error.AccessDenied" or "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired"
                or "org.freedesktop.DBus.Error.AuthFailed" => 2, // Access Denied
            "org.freedesktop.systemd1.UnitMasked" => 14, // Service Disabled
            "org.freedesktop.systemd1.OnlyByDependency" => 4, // Invalid Service Control
            "org.freedesktop.systemd1.TransactionOrderIsCyclic" => 18, // Status Circular Dependency
            "org.freedesktop.systemd1.TransactionIsDestructive" or "org.freedesktop.systemd1.TransactionJobsConflicting"
                or "org.freedesktop.systemd1.JobTypeNotApplicable" or "org.freedesktop.systemd1.ShuttingDown" => 5, // Cannot Accept Control now
            "org.freedesktop.DBus.Error.NoReply" or "org.freedesktop.DBus.Error.Timeout" => 7,
            _ => 8,
        };
    }
}

using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>The service classes: CIM_Service, Win32_BaseService and Win32_Service.</summary>
public static class ServiceSchema
{
    /// <summary>CIM_Service (abstract; key Name).</summary>
    public static CimClass Service { get; } = new ClassBuilder("CIM_Service", CimSchema.LogicalElement).Abstract()
        .CimKey("CreationClassName").Key("Name").S("StartMode").Bool("Started").CimKey("SystemCreationClassName").CimKey("SystemName").Build();

    /// <summary>Win32_BaseService (abstract).</summary>
    public static CimClass BaseService { get; } = new ClassBuilder("Win32_BaseService", Service).Abstract()
        .Bool("AcceptPause", "AcceptStop", "DesktopInteract").S("DisplayName", "ErrorControl").U32("ExitCode").S("PathName")
        .U32("ServiceSpecificExitCode").S("ServiceType", "StartName", "State").U32("TagId").Build();

    /// <summary>Win32_Service with the StartService and StopService methods.</summary>
    public static CimClass Win32Service { get; } = new ClassBuilder("Win32_Service", BaseService)
        .U32("CheckPoint").Bool("DelayedAutoStart").U32("ProcessId", "WaitHint")
        .Method("StartService", CimType.UInt32, isStatic: false)
        .Method("StopService", CimType.UInt32, isStatic: false)
        .Build();
}

/// <summary>
/// <c>Win32_Service</c>, from systemd where systemd is the init system (<c>/run/systemd/system</c> exists, as
/// <c>sd_booted()</c> tests) through its own D-Bus API (<see cref="SystemdServices"/>), else from SysV init scripts
/// (<see cref="SysVServices"/>).
/// </summary>
/// <remarks>
/// <para>systemd mapping (one instance per <c>*.service</c> unit, loaded or not, templates excluded, aliases folded into
/// their unit): <c>Name</c> = the unit name without <c>.service</c>; <c>DisplayName</c>, <c>Caption</c> and
/// <c>Description</c> = the unit's <c>Description</c>; <c>State</c> from <c>ActiveState</c> — active/reloading/refreshing
/// <c>Running</c>, activating <c>Start Pending</c>, deactivating <c>Stop Pending</c>, inactive/failed/maintenance
/// <c>Stopped</c>, else <c>Unknown</c>; <c>Started</c> = running or stop pending; <c>Status</c> = <c>Error</c> for failed,
/// <c>Starting</c>/<c>Stopping</c> while pending, else <c>OK</c>; <c>StartMode</c> from <c>UnitFileState</c> — enabled
/// <c>Auto</c>, static/indirect/generated/transient/linked/alias or none <c>Manual</c>, disabled and masked
/// <c>Disabled</c> (a disabled unit can still be started by hand; systemd's word is kept); <c>ProcessId</c> =
/// <c>MainPID</c>; <c>PathName</c> = the first <c>ExecStart=</c> command line, shell-quoted; <c>StartName</c> =
/// <c>User=</c> or <c>root</c>; <c>AcceptStop</c> = running and <c>CanStop</c>; <c>AcceptPause</c> = false (systemd
/// has no pause); <c>ExitCode</c> 0 and <c>ServiceSpecificExitCode</c> 0 after success, else <c>ExitCode</c> 1066
/// (Windows' ERROR_SERVICE_SPECIFIC_ERROR) with <c>ServiceSpecificExitCode</c> = the exit status (128 + signal when
/// killed); <c>ServiceType</c> <c>Own Process</c>. <c>ErrorControl</c>, <c>TagId</c>, <c>CheckPoint</c>,
/// <c>WaitHint</c>, <c>DelayedAutoStart</c> and <c>InstallDate</c> have no systemd counterpart and are NULL.</para>
/// <para>systemd methods (WMI's return codes): <c>StartUnit</c>/<c>StopUnit</c> with mode <c>replace</c>, then wait for
/// the job. <c>StartService</c>: 0 job done, 10 already running or starting, 14 masked, 5 stop pending, 4 refuses
/// manual start; <c>StopService</c>: 0 job done, 6 not active, 5 start or stop pending, 4 refuses manual stop. Both: 2
/// access denied (<c>AccessDenied</c>, <c>InteractiveAuthorizationRequired</c>), 7 no end of the job within the
/// timeout, 13 a dependency failed, 18 ordering cycle, 8 any other failure.</para>
/// <para>SysV mapping: <c>Name</c> = the script name; <c>PathName</c> = the script's path; <c>DisplayName</c> = LSB
/// <c>Short-Description</c> (else the name); <c>Description</c> = LSB <c>Description</c>; <c>State</c> from
/// <c>&lt;script&gt; status</c> — exit 0 <c>Running</c>, 1–3 <c>Stopped</c> (LSB: 1 and 2 are "dead but pid/lock file
/// exists"), anything else or no answer within the timeout <c>Unknown</c>; <c>Started</c> = Running;
/// <c>Status</c> = <c>OK</c> when the state is known, else <c>Unknown</c>; <c>StartMode</c> = <c>Auto</c> with an
/// <c>S</c> link in rc2–5.d, <c>Disabled</c> with only <c>K</c> links there, else <c>Manual</c>;
/// <c>ServiceType</c> = <c>Own Process</c>; <c>AcceptStop</c> = Running; <c>AcceptPause</c> = false;
/// <c>DesktopInteract</c> = false; <c>StartName</c> = <c>root</c> (init scripts run as root and drop privileges
/// themselves, if at all). <c>ProcessId</c>, <c>ExitCode</c>, <c>ErrorControl</c>, <c>TagId</c>, <c>CheckPoint</c>,
/// <c>WaitHint</c> have no SysV counterpart and are NULL.</para>
/// <para>SysV methods (WMI's return codes): <c>StartService</c> 0 started, 10 already running, 7 no answer within the
/// timeout, 2 not root, 8 the script failed; <c>StopService</c> 0 stopped, 6 not running (the service is not active),
/// 7, 2, 8 likewise.</para>
/// <para>Push-down: <c>Name = …</c> reads only the named units (systemd: <c>GetUnit</c>, else <c>LoadUnit</c>) or runs
/// <c>status</c> only for the named scripts.</para>
/// </remarks>
public sealed partial class ServiceProvider : CimProvider
{
    private readonly SysVServices? _sysv;
    private readonly SystemdServices? _systemd;

    /// <summary>Chooses the backend from the machine (see the class remarks).</summary>
    public ServiceProvider()
        : this(SystemdServices.IsBooted ? new SystemdServices() : null, SystemdServices.IsBooted ? null : new SysVServices())
    {
    }

    /// <summary>Uses the given SysV scripts (tests point this at a throwaway init.d), or no backend when null.</summary>
    public ServiceProvider(SysVServices? sysv)
        : this(null, sysv)
    {
    }

    /// <summary>Uses systemd through <paramref name="systemd"/> (tests point it at a private bus).</summary>
    public ServiceProvider(SystemdServices systemd)
        : this(systemd ?? throw new ArgumentNullException(nameof(systemd)), null)
    {
    }

    private ServiceProvider(SystemdServices? systemd, SysVServices? sysv)
    {
        _systemd = systemd;
        _sysv = sysv;
    }

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.Service";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } =
    [
        new(CimSchema.Namespace, ServiceSchema.Service, ProviderCapabilities.None),
        new(CimSchema.Namespace, ServiceSchema.BaseService, ProviderCapabilities.None),
        new(CimSchema.Namespace, ServiceSchema.Win32Service, ProviderCapabilities.Enumerate | ProviderCapabilities.Get | ProviderCapabilities.Methods),
    ];

    private SysVServices Backend => _sysv ?? throw new WbemException(WbemErrorEnum.wbemErrProviderNotCapable,
        "This Win32_Service provider was created without a backend.");

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cls);
        var names = PushDown.StringValues(context.Query?.Where, "Name");
        if (_systemd is { } systemd)
        {
            return EnumerateSystemdAsync(systemd, cls, names, cancellationToken);
        }
        var backend = Backend;
        return EnumerateAsync(backend, cls, names, cancellationToken);
    }

    private static async IAsyncEnumerable<CimInstance> EnumerateAsync(SysVServices backend, CimClass cls, IReadOnlyList<string>? names,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!CimNames.AreEqual(cls.Name, "Win32_Service"))
        {
            yield break;
        }
        var host = HostInfo.HostName;
        foreach (var service in backend.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (names is not null && !names.Any(n => string.Equals(n, service.Name, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            var state = await backend.StatusAsync(service, cancellationToken).ConfigureAwait(false);
            yield return ToInstance(cls, service, state, host);
        }
    }

    /// <inheritdoc />
    public override async ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(path);
        if (_systemd is { } systemd)
        {
            return await GetSystemdAsync(systemd, cls, path, cancellationToken).ConfigureAwait(false);
        }
        var backend = Backend;
        if (!CimNames.AreEqual(cls.Name, "Win32_Service") || NameKey(path) is not { } name || backend.Find(name) is not { } service)
        {
            return null;
        }
        var state = await backend.StatusAsync(service, cancellationToken).ConfigureAwait(false);
        return ToInstance(cls, service, state, HostInfo.HostName);
    }

    private static string? NameKey(CimObjectPath path) => path.Keys.FirstOrDefault(k => CimNames.AreEqual(k.Name, "Name")).Value as string;

    private static CimInstance ToInstance(CimClass cls, SysVService s, SysVState state, string host)
    {
        var i = cls.SpawnInstance();
        i["Name"] = s.Name;
        i["CreationClassName"] = "Win32_Service";
        i["SystemCreationClassName"] = "Win32_ComputerSystem";
        i["SystemName"] = host;
        i["DisplayName"] = s.ShortDescription ?? s.Name;
        i["Caption"] = s.ShortDescription ?? s.Name;
        i["Description"] = s.Description;
        i["PathName"] = s.Path;
        i["StartMode"] = s.StartMode;
        i["State"] = state.ToString();
        i["Started"] = state == SysVState.Running;
        i["Status"] = state == SysVState.Unknown ? "Unknown" : "OK";
        i["ServiceType"] = "Own Process";
        i["AcceptStop"] = state == SysVState.Running;
        i["AcceptPause"] = false;
        i["DesktopInteract"] = false;
        i["StartName"] = "root";
        return i;
    }

    /// <inheritdoc />
    public override async ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(method);
        var start = string.Equals(method.Name, "StartService", StringComparison.OrdinalIgnoreCase);
        if (!CimNames.AreEqual(cls.Name, "Win32_Service") || (!start && !string.Equals(method.Name, "StopService", StringComparison.OrdinalIgnoreCase)))
        {
            return await base.InvokeMethodAsync(context, cls, target, method, inParameters, cancellationToken).ConfigureAwait(false);
        }
        var name = (target is null ? null : NameKey(target))
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidMethodParameters, $"{method.Name} is called on a service instance.");
        if (_systemd is { } systemd)
        {
            var result = method.OutParameters!.SpawnInstance();
            result["ReturnValue"] = await ControlSystemdAsync(systemd, name, start, cancellationToken).ConfigureAwait(false);
            return result;
        }
        var backend = Backend;
        var service = backend.Find(name) ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Service '{name}' does not exist.");
        var output = method.OutParameters!.SpawnInstance();
        output["ReturnValue"] = await ControlAsync(backend, service, start, cancellationToken).ConfigureAwait(false);
        return output;
    }

    /// <summary>Runs start or stop and maps the outcome to WMI's Win32_Service return codes.</summary>
    internal static async Task<uint> ControlAsync(SysVServices backend, SysVService service, bool start, CancellationToken cancellationToken)
    {
        var state = await backend.StatusAsync(service, cancellationToken).ConfigureAwait(false);
        if (start && state == SysVState.Running)
        {
            return 10; // Service Already Running
        }
        if (!start && state == SysVState.Stopped)
        {
            return 6; // Service Not Active (as the systemd backend answers for an inactive unit)
        }
        if (Environment.UserName != "root")
        {
            return 2; // Access Denied: init scripts need root
        }
        return await backend.RunAsync(service, start ? "start" : "stop", cancellationToken).ConfigureAwait(false) switch
        {
            0 => 0u,
            null => 7u, // Service Request Timeout
            4 => 2u, // LSB 4: user had insufficient privilege
            _ => 8u, // Unknown Failure
        };
    }
}

using System.Globalization;
using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers.Internal;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// The association <c>Win32_SystemProcesses</c> (a <c>CIM_SystemComponent</c>): the computer system
/// (<c>Win32_ComputerSystem.Name</c> = the host name) with each process (<c>Win32_Process.Handle</c> = its pid), one
/// link per <c>/proc</c> entry. Registered after <see cref="SystemProvider"/> and <see cref="ProcessProvider"/>, whose
/// instances the two ends name.
/// </summary>
public sealed class SystemProcessesProvider : CimProvider
{
    /// <summary>Win32_SystemProcesses.</summary>
    public static CimClass SystemProcesses { get; } = new ClassBuilder("Win32_SystemProcesses", CimSchema.SystemComponent).Association()
        .Ref("GroupComponent", "Win32_ComputerSystem").Ref("PartComponent", "Win32_Process").Build();

    /// <inheritdoc />
    public override string Name => "Wmix.Linux.SystemProcesses";

    /// <inheritdoc />
    public override IReadOnlyList<ProviderClassRegistration> Classes { get; } = [new(CimSchema.Namespace, SystemProcesses)];

    /// <summary>The relative path of the Win32_ComputerSystem named <paramref name="host"/>.</summary>
    public static string ComputerSystemPath(string host) =>
        new CimObjectPath(null, null, "Win32_ComputerSystem", [new CimKeyBinding("Name", host)]).RelativePath;

    /// <summary>The relative path of the Win32_Process with pid <paramref name="processId"/>.</summary>
    public static string ProcessPath(int processId) =>
        new CimObjectPath(null, null, "Win32_Process", [new CimKeyBinding("Handle", processId.ToString(CultureInfo.InvariantCulture))]).RelativePath;

    /// <inheritdoc />
    public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        return FromEnumerableAsync(CimNames.AreEqual(cls.Name, SystemProcesses.Name) ? Links(cls) : [], cancellationToken);
    }

    private static IEnumerable<CimInstance> Links(CimClass cls)
    {
        var system = ComputerSystemPath(HostInfo.HostName);
        foreach (var pid in ProcessSource.EnumerateProcessIds())
        {
            var link = cls.SpawnInstance();
            link["GroupComponent"] = system;
            link["PartComponent"] = ProcessPath(pid);
            yield return link;
        }
    }
}

using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Events;
using Wmix.Providers.Linux.Providers;

namespace Wmix.Providers.Linux;

/// <summary>Options of <see cref="LinuxProviders.Register"/>.</summary>
public sealed record LinuxProviderOptions
{
    /// <summary>Netlink process events when possible; the services backend chosen from the machine.</summary>
    public static LinuxProviderOptions Default { get; } = new();

    /// <summary>How process events are watched.</summary>
    public ProcessEventMonitorOptions ProcessEvents { get; init; } = ProcessEventMonitorOptions.Default;

    /// <summary>Where unrestricted file enumerations walk (CIM_DataFile, Win32_Directory).</summary>
    public FileProviderOptions Files { get; init; } = FileProviderOptions.Default;
}

/// <summary>Registers the Linux providers of <c>root\cimv2</c> with an object manager.</summary>
public static class LinuxProviders
{
    /// <summary>
    /// The providers, parents first: the CIM base classes, then each area's classes. A new set each call (each
    /// provider holds per-manager state such as its children and event monitors).
    /// </summary>
    public static IReadOnlyList<CimProvider> Create(LinuxProviderOptions? options = null)
    {
        options ??= LinuxProviderOptions.Default;
        return
        [
            new CimSchemaProvider(),
            new ProcessProvider(options.ProcessEvents),
            new SystemProvider(),
            new StorageProvider(),
            new AccountProvider(),
            new LogonProvider(),
            new ServiceProvider(),
            new NetworkProvider(),
            new PerfProvider(),
            new SystemProcessesProvider(),
            new FileProvider(options.Files),
        ];
    }

    /// <summary>Registers every Linux provider with <paramref name="manager"/>.</summary>
    /// <exception cref="WbemException">A class could not be installed (see <see cref="ObjectManager.RegisterProvider"/>).</exception>
    public static void Register(ObjectManager manager, LinuxProviderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        foreach (var provider in Create(options))
        {
            manager.RegisterProvider(provider);
        }
    }
}

using Wmix.Cim;

namespace Wmix.Engine.Providers;

/// <summary>What a provider can do for one of its classes.</summary>
[Flags]
public enum ProviderCapabilities
{
    /// <summary>Nothing: the class is only installed (its instances come from nowhere).</summary>
    None = 0,
    /// <summary>Enumerates instances (InstancesOf, queries, and by default Get).</summary>
    Enumerate = 0x1,
    /// <summary>Finds one instance by path.</summary>
    Get = 0x2,
    /// <summary>Stores instances.</summary>
    Put = 0x4,
    /// <summary>Deletes instances.</summary>
    Delete = 0x8,
    /// <summary>Executes methods.</summary>
    Methods = 0x10,
    /// <summary>Everything.</summary>
    All = Enumerate | Get | Put | Delete | Methods,
}

/// <summary>One class a provider serves: where it is installed, its definition, and what the provider can do with it.</summary>
/// <param name="Namespace">The namespace, e.g. <c>root\cimv2</c>; created (with its parents) when missing.</param>
/// <param name="Class">The class definition to install. Its superclass must be installed first (earlier in the list or already present).</param>
/// <param name="Capabilities">The operations the provider implements for the class; others give wbemErrProviderNotCapable.</param>
public sealed record ProviderClassRegistration(string Namespace, CimClass Class, ProviderCapabilities Capabilities = ProviderCapabilities.Enumerate | ProviderCapabilities.Get);

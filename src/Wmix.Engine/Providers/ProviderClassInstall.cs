namespace Wmix.Engine.Providers;

/// <summary>
/// What <see cref="ObjectManager.RegisterProvider(CimProvider, ProviderClassInstall)"/> does with a provider class
/// that the repository already holds.
/// </summary>
public enum ProviderClassInstall
{
    /// <summary>The provider's definition replaces the stored class (the behaviour of an in-memory engine).</summary>
    Replace,

    /// <summary>
    /// The stored class stays as it is and is routed to the provider; only absent classes are stored. A host over a
    /// durable repository uses this when the built-in classes are already installed, so a restart writes nothing and
    /// never overwrites what is stored (issue #5).
    /// </summary>
    KeepStored,
}

using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Internal;

namespace Wmix.Engine.Providers;

/// <summary>
/// The provider SPI: a source of instances (and method implementations) for the classes it registers. Hosts create
/// providers and hand them to <see cref="ObjectManager.RegisterProvider"/>; the engine never names one.
/// </summary>
/// <remarks>
/// <para>Every method takes the call's <see cref="CancellationToken"/> last and should stop promptly when it is
/// cancelled (throwing <see cref="OperationCanceledException"/> is fine). The engine also checks cancellation between
/// items, so a provider that ignores the token is stopped at its next item.</para>
/// <para>Failures: throw <see cref="WbemException"/> with the WBEM code the caller should see (it keeps its code;
/// the extended status names the provider); any other exception becomes wbemErrProviderFailure with the provider's
/// name in the extended status.</para>
/// <para>Methods not overridden report wbemErrProviderNotCapable. Providers see only CIM types (never scripting
/// objects), may be called concurrently for different calls, and must not block the thread: await I/O.</para>
/// </remarks>
public abstract partial class CimProvider
{
    /// <summary>The provider's name, shown in extended error information (<c>__ExtendedStatus.ProviderName</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The classes the provider serves, installed by <see cref="ObjectManager.RegisterProvider"/> in list order.</summary>
    public abstract IReadOnlyList<ProviderClassRegistration> Classes { get; }

    /// <summary>
    /// Streams the instances of exactly <paramref name="cls"/> (spawned from it; instances of other classes are
    /// ignored, since the engine asks for each class of a hierarchy separately).
    /// </summary>
    /// <param name="context">The call: namespace, provider context, the query for optional push-down, progress.</param>
    /// <param name="cls">The installed class whose instances are wanted.</param>
    /// <param name="cancellationToken">Cancelled when the caller cancels; stop producing.</param>
    public virtual IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken) =>
        throw NotCapable("enumerate instances of", cls);

    /// <summary>
    /// Finds the instance of <paramref name="cls"/> at <paramref name="path"/>, or null. <paramref name="path"/> names
    /// <paramref name="cls"/> with its keys already converted to the key properties' types. The default enumerates and
    /// compares keys.
    /// </summary>
    public virtual async ValueTask<CimInstance?> GetInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(path);
        var wanted = path.ToCanonicalString();
        await foreach (var instance in EnumerateInstancesAsync(context, cls, cancellationToken).ConfigureAwait(false))
        {
            if (instance is not null && InstancePaths.CanonicalOf(instance) is { } found
                && string.Equals(found, wanted, StringComparison.Ordinal))
            {
                return instance;
            }
        }
        return null;
    }

    /// <summary>Stores <paramref name="instance"/> and returns its relative path.</summary>
    /// <param name="context">The call.</param>
    /// <param name="instance">The instance to store (frozen).</param>
    /// <param name="mode">Create, update or either; report wbemErrAlreadyExists / wbemErrNotFound as WMI does.</param>
    /// <param name="cancellationToken">Cancelled when the caller cancels.</param>
    public virtual ValueTask<CimObjectPath> PutInstanceAsync(ProviderContext context, CimInstance instance, PutMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        throw NotCapable("store instances of", instance.Class);
    }

    /// <summary>Deletes the instance of <paramref name="cls"/> at <paramref name="path"/>; throw wbemErrNotFound when it does not exist.</summary>
    public virtual ValueTask DeleteInstanceAsync(ProviderContext context, CimClass cls, CimObjectPath path, CancellationToken cancellationToken) =>
        throw NotCapable("delete instances of", cls);

    /// <summary>
    /// Executes <paramref name="method"/> and returns the out-parameters (an instance spawned from
    /// <see cref="CimMethod.OutParameters"/>, with <c>ReturnValue</c>), or null for a method with none.
    /// </summary>
    /// <param name="context">The call.</param>
    /// <param name="cls">The class the method is called on.</param>
    /// <param name="target">The instance's path (keys typed), or null for a static method.</param>
    /// <param name="method">The method.</param>
    /// <param name="inParameters">The in-parameters, already checked against <see cref="CimMethod.InParameters"/>, or null.</param>
    /// <param name="cancellationToken">
    /// Never cancelled by a client cancel: WMI lets a method run to completion once started. Cancelled only when the
    /// object manager shuts down.
    /// </param>
    public virtual ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken) =>
        throw NotCapable($"execute method '{method?.Name}' of", cls);

    private WbemException NotCapable(string what, CimClass? cls) =>
        new(WbemErrorEnum.wbemErrProviderNotCapable, $"Provider '{Name}' cannot {what} class '{cls?.Name}'.")
        {
            ExtendedStatus = new WbemExtendedStatus(WbemErrorEnum.wbemErrProviderNotCapable, Description: $"The provider cannot {what} '{cls?.Name}'.", ProviderName: Name),
        };

    /// <summary>A helper for providers: an async stream over a synchronous sequence that checks the token between items.</summary>
    protected static async IAsyncEnumerable<CimInstance> FromEnumerableAsync(IEnumerable<CimInstance> instances,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var instance in instances)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return instance;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}

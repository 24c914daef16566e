using Wmix.Cim;
using Wmix.Engine.Providers;

namespace Wmix.Engine.Events;

/// <summary>
/// What the event subsystem needs from the object manager: schema look-ups, provider routing and instance
/// enumeration for polls. <see cref="ObjectManager"/> implements it over its own helpers; tests may fake it.
/// </summary>
internal interface IEventHost
{
    /// <summary>The server name.</summary>
    string ServerName { get; }

    /// <summary>Where subscriptions are registered as operations.</summary>
    OperationRegistry Operations { get; }

    /// <summary>The class, or null when it does not exist in the namespace.</summary>
    CimClass? GetClass(string @namespace, string className);

    /// <summary>The subclasses of <paramref name="className"/>; every class of the namespace when it is empty.</summary>
    IEnumerable<CimClass> GetSubclasses(string @namespace, string className, bool deep);

    /// <summary>The provider serving <paramref name="className"/>, or null for a repository class.</summary>
    CimProvider? FindProvider(string @namespace, string className);

    /// <summary>The instances of a class, through its provider (for polls).</summary>
    IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(string @namespace, string className, bool deep, CallOptions options, CancellationToken cancellationToken);
}

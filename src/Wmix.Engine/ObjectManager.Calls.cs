using Wmix.Cim;
using Wmix.Engine.Internal;
using Wmix.Engine.Providers;

namespace Wmix.Engine;

// The producers of Get, InstancesOf, SubclassesOf, Put, Delete and ExecMethod. Each runs as its operation's source
// (CimOperation.Run): an exception it throws becomes the operation's completion status.
public sealed partial class ObjectManager
{
    internal async Task GetObjectAsync(string @namespace, string? objectPath, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        if (string.IsNullOrEmpty(objectPath))
        {
            // WMI: Get with an empty path gives a new, empty class object.
            await operation.DeliverAsync(CimClass.CreateEmpty()).ConfigureAwait(false);
            return;
        }
        var path = ParseLocalPath(@namespace, objectPath);
        var cls = GetClass(@namespace, path.ClassName!)
            ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Class '{path.ClassName}' does not exist in '{@namespace}'.");
        if (path.IsClass)
        {
            await operation.DeliverAsync(cls).ConfigureAwait(false);
            return;
        }
        var cancellationToken = operation.CancellationToken;
        var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);
        var instance = await FindInstanceAsync(@namespace, cls, path, context, cancellationToken).ConfigureAwait(false)
            ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Instance '{path.RelativePath}' does not exist in '{@namespace}'.");
        await operation.DeliverAsync(instance).ConfigureAwait(false);
    }

    internal async Task InstancesOfAsync(string @namespace, string className, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        var cls = GetClass(@namespace, className)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{className}' does not exist in '{@namespace}'.");
        var cancellationToken = operation.CancellationToken;
        var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);
        foreach (var c in ClassesToScan(@namespace, cls, !options.Shallow))
        {
            if (!await DeliverExactAsync(@namespace, c, context, QueryFilter.All, null, operation).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    internal async Task SubclassesOfAsync(string @namespace, string? superclass, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        IEnumerable<CimClass> classes;
        if (string.IsNullOrEmpty(superclass))
        {
            // Blank superclass: every class (deep) or the top-level classes only (shallow).
            var all = AllClasses(@namespace);
            classes = options.Shallow ? all.Where(c => c.SuperclassName is null) : all;
        }
        else
        {
            if (GetClass(@namespace, superclass) is null)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{superclass}' does not exist in '{@namespace}'.");
            }
            classes = GetSubclasses(@namespace, superclass, !options.Shallow);
        }
        foreach (var cls in classes)
        {
            operation.CancellationToken.ThrowIfCancellationRequested();
            if (!await operation.DeliverAsync(cls).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    internal async Task PutAsync(string @namespace, CimObject value, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        CimObjectPath path;
        if (value is CimClass cls)
        {
            path = PutClass(@namespace, cls, options).Path!;
        }
        else
        {
            var cancellationToken = operation.CancellationToken;
            var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);
            path = await PutInstanceAsync(@namespace, (CimInstance)value, options, context, cancellationToken).ConfigureAwait(false);
        }
        operation.ReportPut(path);
    }

    internal async Task DeleteAsync(string @namespace, string objectPath, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        var path = ParseLocalPath(@namespace, objectPath);
        if (path.IsClass)
        {
            DeleteClass(@namespace, path.ClassName!);
            return;
        }
        var cls = GetClass(@namespace, path.ClassName!)
            ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Class '{path.ClassName}' does not exist in '{@namespace}'.");
        var cancellationToken = operation.CancellationToken;
        var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);
        await DeleteInstanceAsync(@namespace, cls, path, context, cancellationToken).ConfigureAwait(false);
    }

    internal async Task ExecMethodAsync(string @namespace, string objectPath, string methodName, CimObject? inParameters, CallOptions options,
        CimOperation operation)
    {
        var path = ParseLocalPath(@namespace, objectPath);
        var cls = GetClass(@namespace, path.ClassName!)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidClass, $"Class '{path.ClassName}' does not exist in '{@namespace}'.");
        var method = cls.Methods.Find(methodName)
            ?? throw new WbemException(WbemErrorEnum.wbemErrInvalidMethod, $"Class '{cls.Name}' has no method '{methodName}'.");
        // The method runs to completion even when the caller cancels (C8), so the producer's token is not the
        // caller's: only the object manager's shutdown stops it.
        var cancellationToken = ShutdownToken;
        var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);

        CimObjectPath? target = null;
        var implementing = cls;
        if (path.IsClass)
        {
            if (!method.IsStatic)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidMethod,
                    $"'{cls.Name}.{method.Name}' is not a static method; call it on an instance path.");
            }
        }
        else
        {
            var instance = await FindInstanceAsync(@namespace, cls, path, context, cancellationToken).ConfigureAwait(false)
                ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Instance '{path.RelativePath}' does not exist in '{@namespace}'.");
            implementing = instance.Class;
            target = instance.RelativeObjectPath;
        }
        var arguments = MethodArguments.Bind(method, inParameters);

        var provider = FindProvider(@namespace, implementing.Name) ?? FindProvider(@namespace, cls.Name);
        if (provider is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrProviderNotCapable,
                $"No provider implements '{cls.Name}.{method.Name}'; methods of repository classes need a provider.");
        }
        var providerClass = FindProvider(@namespace, implementing.Name) is not null ? implementing : cls;
        RequireCapability(provider, @namespace, providerClass, ProviderCapabilities.Methods, $"execute method '{method.Name}' of");
        CimInstance? result;
        try
        {
            result = await provider.InvokeMethodAsync(context, providerClass, target, providerClass.Methods.Find(method.Name) ?? method, arguments,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsProviderFault(e, cancellationToken))
        {
            throw ProviderFault(provider, "ExecMethod", e);
        }
        if (result is not null)
        {
            // Out-parameters have no path; they are delivered frozen like every result.
            await operation.DeliverAsync(result.Freeze()).ConfigureAwait(false);
        }
    }
}

using System.Runtime.CompilerServices;
using Wmix.Cim;
using Wmix.Engine.Internal;
using Wmix.Engine.Providers;

namespace Wmix.Engine;

// ASSOCIATORS OF / REFERENCES OF and AssociatorsOf / ReferencesTo: one implementation for both call forms.
public sealed partial class ObjectManager
{
    /// <summary>The producer of AssociatorsOf and ASSOCIATORS OF: the endpoints linked to the source object.</summary>
    internal async Task AssociatorsAsync(string @namespace, string objectPath, AssociatorsFilter filter, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        CheckFlags(filter.ClassesOnly, filter.SchemaOnly, filter.ResultClass);
        var cancellationToken = operation.CancellationToken;
        var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);
        var source = await ResolveSourceAsync(@namespace, objectPath, filter.SchemaOnly, context, cancellationToken).ConfigureAwait(false);

        if (source is CimClass sourceClass)
        {
            foreach (var (association, role) in SchemaLinks(@namespace, sourceClass, filter.Role, c =>
                (filter.AssocClass is null || c.IsSubclassOfOrSelf(filter.AssocClass))
                && (filter.RequiredAssocQualifier is null || c.Qualifiers.Contains(filter.RequiredAssocQualifier))))
            {
                foreach (var other in association.Properties)
                {
                    if (!IsOtherEnd(other, role, filter.ResultRole) || other.ReferenceClassName is null
                        || GetClass(@namespace, other.ReferenceClassName) is not { } endpoint
                        || !EndpointMatches(endpoint, filter.ResultClass, filter.RequiredQualifier))
                    {
                        continue;
                    }
                    if (!await operation.DeliverAsync(endpoint).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            return;
        }

        var sourceInstance = (CimInstance)source;
        var keysOnly = filter.KeysOnly ? Projection.KeysOnly() : null;
        var classesSeen = filter.ClassesOnly ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null;
        await foreach (var (association, role) in LinksAsync(@namespace, sourceInstance, filter.Role, c =>
            (filter.AssocClass is null || c.IsSubclassOfOrSelf(filter.AssocClass))
            && (filter.RequiredAssocQualifier is null || c.Qualifiers.Contains(filter.RequiredAssocQualifier)), context, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < association.Properties.Count; i++)
            {
                var other = association.Properties[i];
                if (!IsOtherEnd(other, role, filter.ResultRole) || association.GetValue(i) is not string text
                    || await GetEndpointAsync(@namespace, text, context, cancellationToken).ConfigureAwait(false) is not { } endpoint
                    || !EndpointMatches(endpoint.Class, filter.ResultClass, filter.RequiredQualifier))
                {
                    continue;
                }
                CimObject result;
                if (classesSeen is not null)
                {
                    if (!classesSeen.Add(endpoint.ClassName))
                    {
                        continue;
                    }
                    result = endpoint.Class;
                }
                else
                {
                    // An endpoint appears once per association that links it (spec §5.2, vector 40): no de-duplication.
                    result = keysOnly is not null && endpoint is CimInstance e ? Locate(keysOnly.Project(e), @namespace).Freeze() : endpoint;
                }
                if (!await operation.DeliverAsync(result).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>The producer of ReferencesTo and REFERENCES OF: the association objects that refer to the source object.</summary>
    internal async Task ReferencesAsync(string @namespace, string objectPath, ReferencesFilter filter, CallOptions options, CimOperation operation)
    {
        if (operation.CancellationToken.IsCancellationRequested)
        {
            // Cancelled before the producer got a thread: no work at all (cheap start-and-cancel cycles).
            return;
        }
        CheckFlags(filter.ClassesOnly, filter.SchemaOnly, filter.ResultClass);
        var cancellationToken = operation.CancellationToken;
        var context = new ProviderContext(@namespace, ServerName, options, null, operation, cancellationToken);
        var source = await ResolveSourceAsync(@namespace, objectPath, filter.SchemaOnly, context, cancellationToken).ConfigureAwait(false);
        bool Wanted(CimClass c) =>
            (filter.ResultClass is null || c.IsSubclassOfOrSelf(filter.ResultClass))
            && (filter.RequiredQualifier is null || c.Qualifiers.Contains(filter.RequiredQualifier));

        if (source is CimClass sourceClass)
        {
            foreach (var (association, _) in SchemaLinks(@namespace, sourceClass, filter.Role, Wanted))
            {
                if (!await operation.DeliverAsync(association).ConfigureAwait(false))
                {
                    return;
                }
            }
            return;
        }

        var keysOnly = filter.KeysOnly ? Projection.KeysOnly() : null;
        var classesSeen = filter.ClassesOnly ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null;
        CimInstance? last = null;
        await foreach (var (association, _) in LinksAsync(@namespace, (CimInstance)source, filter.Role, Wanted, context, cancellationToken).ConfigureAwait(false))
        {
            // One association refers to the source through two roles at most once in the results.
            if (ReferenceEquals(association, last))
            {
                continue;
            }
            last = association;
            CimObject result;
            if (classesSeen is not null)
            {
                if (!classesSeen.Add(association.ClassName))
                {
                    continue;
                }
                result = association.Class;
            }
            else
            {
                result = keysOnly is not null ? Locate(keysOnly.Project(association), @namespace).Freeze() : association;
            }
            if (!await operation.DeliverAsync(result).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private static void CheckFlags(bool classesOnly, bool schemaOnly, string? resultClass)
    {
        if (classesOnly && resultClass is not null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "ClassDefsOnly cannot be combined with ResultClass.");
        }
        if (classesOnly && schemaOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "SchemaOnly cannot be combined with ClassDefsOnly.");
        }
    }

    /// <summary>The object an association query starts from: a class (schema query) or an existing instance.</summary>
    private async ValueTask<CimObject> ResolveSourceAsync(string @namespace, string objectPath, bool schemaOnly, ProviderContext context,
        CancellationToken cancellationToken)
    {
        var path = ParseLocalPath(@namespace, objectPath);
        var cls = GetClass(@namespace, path.ClassName!)
            ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Class '{path.ClassName}' does not exist in '{@namespace}'.");
        if (path.IsClass)
        {
            return cls;
        }
        if (schemaOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "SchemaOnly needs a class path as the source, not an instance path.");
        }
        return await FindInstanceAsync(@namespace, cls, path, context, cancellationToken).ConfigureAwait(false)
            ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"Instance '{path.RelativePath}' does not exist in '{@namespace}'.");
    }

    /// <summary>
    /// Every (association instance, role) where the association refers to <paramref name="source"/> through the
    /// reference property <c>role</c>, in association-class order.
    /// </summary>
    private async IAsyncEnumerable<(CimInstance Association, CimProperty Role)> LinksAsync(string @namespace, CimInstance source, string? role,
        Func<CimClass, bool> associationWanted, ProviderContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sourceKey = InstancePaths.CanonicalOf(source);
        if (sourceKey is null)
        {
            yield break;
        }
        var linkContext = context.ForAssociationsOf(source);
        foreach (var association in AllClasses(@namespace))
        {
            if (!association.IsAssociation || !associationWanted(association))
            {
                continue;
            }
            var roles = new List<(int Index, CimProperty Property)>();
            for (var i = 0; i < association.Properties.Count; i++)
            {
                var p = association.Properties[i];
                if (p.Type == CimType.Reference && !p.IsArray && (role is null || CimNames.AreEqual(p.Name, role))
                    && (p.ReferenceClassName is null || source.IsA(p.ReferenceClassName)))
                {
                    roles.Add((i, p));
                }
            }
            if (roles.Count == 0)
            {
                continue;
            }
            // The provider learns the source, so that it can list only the links of that one object.
            await foreach (var link in EnumerateExactAsync(@namespace, association, linkContext, cancellationToken).ConfigureAwait(false))
            {
                foreach (var (index, property) in roles)
                {
                    if (link.GetValue(index) is string text && RefersTo(@namespace, text, source.Class, sourceKey))
                    {
                        yield return (link, property);
                    }
                }
            }
        }
    }

    /// <summary>Every (association class, role) whose reference property <c>role</c> can point at <paramref name="source"/>.</summary>
    private IEnumerable<(CimClass Association, CimProperty Role)> SchemaLinks(string @namespace, CimClass source, string? role, Func<CimClass, bool> associationWanted)
    {
        foreach (var association in AllClasses(@namespace))
        {
            if (!association.IsAssociation || !associationWanted(association))
            {
                continue;
            }
            foreach (var p in association.Properties)
            {
                if (p.Type == CimType.Reference && !p.IsArray && p.ReferenceClassName is not null && (role is null || CimNames.AreEqual(p.Name, role))
                    && source.IsSubclassOfOrSelf(p.ReferenceClassName))
                {
                    yield return (association, p);
                }
            }
        }
    }

    private static bool IsOtherEnd(CimProperty candidate, CimProperty role, string? resultRole) =>
        candidate.Type == CimType.Reference && !candidate.IsArray && !CimNames.AreEqual(candidate.Name, role.Name)
        && (resultRole is null || CimNames.AreEqual(candidate.Name, resultRole));

    private static bool EndpointMatches(CimClass endpointClass, string? resultClass, string? requiredQualifier) =>
        (resultClass is null || endpointClass.IsSubclassOfOrSelf(resultClass))
        && (requiredQualifier is null || endpointClass.Qualifiers.Contains(requiredQualifier));

    /// <summary>True when reference <paramref name="text"/> names the instance of <paramref name="sourceClass"/> whose key is <paramref name="sourceKey"/>.</summary>
    private bool RefersTo(string @namespace, string text, CimClass sourceClass, string sourceKey)
    {
        if (!CimObjectPath.TryParse(text, out var path) || path.ClassName is null || !path.IsInstance
            || (path.Namespace is not null && !NamespaceNames.AreEqual(path.Namespace, @namespace)))
        {
            return false;
        }
        if (!sourceClass.IsSubclassOfOrSelf(path.ClassName))
        {
            return false;
        }
        try
        {
            return string.Equals(InstancePaths.Normalise(sourceClass, path).ToCanonicalString(), sourceKey, StringComparison.Ordinal);
        }
        catch (WbemException)
        {
            // A reference whose keys do not fit the source's class cannot name it.
            return false;
        }
    }

    /// <summary>The object an association's reference names, or null when it is elsewhere, malformed or gone.</summary>
    private async ValueTask<CimObject?> GetEndpointAsync(string @namespace, string text, ProviderContext context, CancellationToken cancellationToken)
    {
        if (!CimObjectPath.TryParse(text, out var path) || path.ClassName is null
            || (path.Namespace is not null && !NamespaceNames.AreEqual(path.Namespace, @namespace))
            || GetClass(@namespace, path.ClassName) is not { } cls)
        {
            return null;
        }
        if (path.IsClass)
        {
            return cls;
        }
        try
        {
            return await FindInstanceAsync(@namespace, cls, path, context, cancellationToken).ConfigureAwait(false);
        }
        catch (WbemException e) when (e.ErrorCode is WbemErrorEnum.wbemErrInvalidObjectPath or WbemErrorEnum.wbemErrNotFound)
        {
            // A dangling or malformed reference is not an endpoint; WMI skips it too.
            return null;
        }
    }

    /// <summary>
    /// Parses a path given to an operation of a connection to <paramref name="namespace"/>: malformed text is
    /// wbemErrInvalidObjectPath; a path naming another server or namespace is wbemErrInvalidNamespace (only the
    /// connected namespace is searched).
    /// </summary>
    internal CimObjectPath ParseLocalPath(string @namespace, string text)
    {
        var path = CimObjectPath.Parse(text);
        if (path.ClassName is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidObjectPath, $"'{text}' names a namespace, not a class or instance.");
        }
        if (path.Server is { } server && server != "." && !CimNames.AreEqual(server, ServerName) && !CimNames.AreEqual(server, "localhost"))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace,
                $"'{text}' names server '{server}'; this connection reaches '{ServerName}' only. Connect to that server instead.");
        }
        if (path.Namespace is not null && !NamespaceNames.AreEqual(path.Namespace, @namespace))
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidNamespace,
                $"'{text}' names namespace '{path.Namespace}'; this connection searches '{@namespace}' only. Connect to that namespace instead.");
        }
        return path;
    }
}

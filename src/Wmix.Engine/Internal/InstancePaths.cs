using Wmix.Cim;

namespace Wmix.Engine.Internal;

/// <summary>
/// Canonical instance keys: how the engine, the repository and providers agree that a path names an instance.
/// Path key values are coerced to the key properties' types first, so <c>C.K=1</c> finds an integer key and
/// <c>C.K="1"</c> a string key (WMI compares keys by value), and <c>C="x"</c> binds the class's only key.
/// </summary>
internal static class InstancePaths
{
    /// <summary>The canonical relative path of an instance (its class, its keys), or null when a key is NULL.</summary>
    public static string? CanonicalOf(CimInstance instance)
    {
        var path = instance.RelativeObjectPath;
        if (path is null)
        {
            return null;
        }
        var keys = path.Keys;
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i].Value is CimObjectPath { IsRelative: false })
            {
                return new CimObjectPath(null, null, path.ClassName, keys.Select(k => k.Value is CimObjectPath r ? new CimKeyBinding(k.Name, Localise(r)) : k))
                    .ToCanonicalString();
            }
        }
        return path.ToCanonicalString();
    }

    /// <summary>
    /// A reference key as keys compare: without its server and namespace, so <c>\\host\root\cimv2:C.K=1</c> and
    /// <c>C.K=1</c> name the same instance — just as the top-level path's own server and namespace are not part of an
    /// instance's key (a reference to the same keys on another machine is not told apart).
    /// </summary>
    private static CimObjectPath Localise(CimObjectPath reference) =>
        reference.IsRelative ? reference : new CimObjectPath(null, null, reference.ClassName, reference.Keys, reference.IsSingleton);

    /// <summary>
    /// Binds <paramref name="path"/>'s keys to <paramref name="cls"/>'s key properties and returns the relative path
    /// of <paramref name="cls"/> with typed keys. Throws wbemErrInvalidObjectPath when the keys do not fit the class
    /// (missing, unknown or extra keys, the singleton form on a class that is not one), and wbemErrNotFound when a
    /// value cannot be converted to its key's type (no instance can have it).
    /// </summary>
    public static CimObjectPath Normalise(CimClass cls, CimObjectPath path)
    {
        var keyIndexes = cls.KeyIndexes;
        if (path.IsSingleton)
        {
            if (!cls.IsSingleton)
            {
                throw Invalid(path, $"'{cls.Name}' is not a singleton class, so '{cls.Name}=@' names nothing; give its keys.");
            }
            return new CimObjectPath(null, null, cls.Name, isSingleton: true);
        }
        if (keyIndexes.Count == 0)
        {
            throw Invalid(path, cls.IsSingleton
                ? $"'{cls.Name}' is a singleton; its path is '{cls.Name}=@'."
                : $"'{cls.Name}' has no key properties, so its instances cannot be named by path.");
        }
        var keys = path.Keys;
        if (path.HasUnnamedKey)
        {
            if (keyIndexes.Count != 1)
            {
                throw Invalid(path, $"'{cls.Name}' has {keyIndexes.Count} keys; name each one (Class.Key=value,...).");
            }
            var p = cls.Properties[keyIndexes[0]];
            return new CimObjectPath(null, null, cls.Name, [new CimKeyBinding(p.Name, Coerce(p, keys[0].Value, path))]);
        }
        if (keys.Count != keyIndexes.Count)
        {
            throw Invalid(path, $"'{cls.Name}' has the keys {string.Join(", ", cls.KeyProperties.Select(k => k.Name))}; the path gives {keys.Count} key(s).");
        }
        var bindings = new CimKeyBinding[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var p = cls.FindProperty(keys[i].Name);
            if (p is null || !p.IsKey)
            {
                throw Invalid(path, $"'{keys[i].Name}' is not a key property of '{cls.Name}'.");
            }
            bindings[i] = new CimKeyBinding(p.Name, Coerce(p, keys[i].Value, path));
        }
        return new CimObjectPath(null, null, cls.Name, bindings);
    }

    private static object Coerce(CimProperty property, object value, CimObjectPath path)
    {
        if (property.Type == CimType.Reference)
        {
            var text = value as string ?? (value as CimObjectPath)?.ToString();
            if (text is not null && CimObjectPath.TryParse(text, out var reference))
            {
                return Localise(reference);
            }
            throw Invalid(path, $"Key '{property.Name}' is a reference; its value must be an object path.");
        }
        object converted;
        try
        {
            converted = CimValue.ConvertScalar(value is CimObjectPath p ? p.ToString() : value, property.Type);
        }
        catch (WbemException e)
        {
            // WMI compares key values: a value that cannot be one of the key's type names no instance.
            throw new WbemException(WbemErrorEnum.wbemErrNotFound,
                $"No instance '{path}': key '{property.Name}' is {property.CimTypeText} and cannot hold that value ({e.Message}).", e);
        }
        return converted;
    }

    private static WbemException Invalid(CimObjectPath path, string message) =>
        new(WbemErrorEnum.wbemErrInvalidObjectPath, $"Invalid object path '{path}': {message}");
}

using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Internal;

/// <summary>
/// A data query's property list: which properties a result keeps. WMI returns a partial instance of the same class
/// with the listed properties, the keys and the system properties; everything else is NULL. One per query, used by
/// one producer (not thread-safe).
/// </summary>
internal sealed class Projection
{
    private readonly HashSet<string> _selected;
    private readonly Dictionary<CimClass, bool[]> _masks = new(ReferenceEqualityComparer.Instance);

    private Projection(HashSet<string> selected) => _selected = selected;

    /// <summary>
    /// The projection of <paramref name="selectList"/> over <paramref name="cls"/>, or null for <c>*</c>. Throws
    /// wbemErrInvalidQuery for a name that is neither a property of the class nor a system property.
    /// </summary>
    public static Projection? Create(IReadOnlyList<WqlPropertyPath>? selectList, CimClass cls)
    {
        if (selectList is null)
        {
            return null;
        }
        var selected = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in selectList)
        {
            var first = path.Parts[0];
            var property = cls.FindProperty(first);
            if (property is null)
            {
                if (CimObject.TryGetSystemPropertyType(first, out _, out _) && !path.IsNested)
                {
                    continue;
                }
                throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, $"'{path}' is not a property of '{cls.Name}'.");
            }
            if (path.IsNested && property.Type != CimType.Object)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, $"'{path}' uses dots, but '{first}' is not an embedded object.");
            }
            // Selecting Emb.Name keeps the whole embedded object, as WMI does.
            selected.Add(first);
        }
        return new Projection(selected);
    }

    /// <summary>The projection that keeps the keys only (KeysOnly).</summary>
    public static Projection KeysOnly() => new(new HashSet<string>(StringComparer.OrdinalIgnoreCase));

    /// <summary>Which properties of <paramref name="cls"/> a result keeps: the selected ones and the keys.</summary>
    private bool[] MaskOf(CimClass cls)
    {
        if (!_masks.TryGetValue(cls, out var mask))
        {
            mask = new bool[cls.Properties.Count];
            for (var i = 0; i < mask.Length; i++)
            {
                var p = cls.Properties[i];
                mask[i] = p.IsKey || _selected.Contains(p.Name);
            }
            _masks[cls] = mask;
        }
        return mask;
    }

    /// <summary>The partial instance: same class, kept values, NULL elsewhere; mutable (the caller locates and freezes it).</summary>
    public CimInstance Project(CimInstance source)
    {
        var mask = MaskOf(source.Class);
        var result = source.Class.SpawnInstance();
        for (var i = 0; i < mask.Length; i++)
        {
            result.SetValue(i, mask[i] ? source.GetValue(i) : null);
        }
        return result;
    }

    /// <summary>The class-shaped prototype (wbemQueryFlagPrototype): a class of the same name with the kept properties only.</summary>
    public CimClass Prototype(CimClass cls)
    {
        var mask = MaskOf(cls);
        var prototype = new CimClass(cls.Name);
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i])
            {
                var p = cls.Properties[i];
                prototype.AddProperty(new CimProperty(p.Name, p.Type, p.IsArray, p.Value, p.ReferenceClassName, p.Qualifiers.Clone()));
            }
        }
        return prototype;
    }
}

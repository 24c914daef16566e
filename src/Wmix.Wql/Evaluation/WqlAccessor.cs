using System.Runtime.CompilerServices;
using Wmix.Cim;

namespace Wmix.Wql.Evaluation;

/// <summary>Reads one property (or property path) of an object for a compiled predicate.</summary>
internal abstract class WqlAccessor
{
    /// <summary>
    /// Reads the value. Returns false when the object has no such property (the predicate is then UNKNOWN);
    /// true with a null value for NULL. <paramref name="type"/> is the declared type, or
    /// <see cref="CimType.None"/> when only the value can tell.
    /// </summary>
    public abstract bool TryGet(CimObject obj, out object? value, out CimType type);
}

/// <summary><c>__this</c>: the object itself (schema queries test it with ISA).</summary>
internal sealed class WqlThisAccessor : WqlAccessor
{
    public static readonly WqlThisAccessor Instance = new();

    public override bool TryGet(CimObject obj, out object? value, out CimType type)
    {
        value = obj;
        type = CimType.Object;
        return true;
    }
}

/// <summary>One of WMI's system properties, read without the name lookup (and for the common ones without allocating).</summary>
internal sealed class WqlSystemAccessor : WqlAccessor
{
    private static readonly object s_genusClass = (int)CimGenus.Class;
    private static readonly object s_genusInstance = (int)CimGenus.Instance;
    private static readonly object[] s_smallCounts = CreateCounts();
    private readonly string _name;
    private readonly int _kind;

    private WqlSystemAccessor(string name, int kind)
    {
        _name = name;
        _kind = kind;
    }

    /// <summary>The accessor for a system property name (any case), or null when the name is not one.</summary>
    public static WqlSystemAccessor? TryCreate(string name)
    {
        if (!name.StartsWith("__", StringComparison.Ordinal))
        {
            return null;
        }
        var names = CimObject.SystemPropertyNames;
        for (var i = 0; i < names.Count; i++)
        {
            if (CimNames.AreEqual(names[i], name))
            {
                return new WqlSystemAccessor(names[i], i);
            }
        }
        return null;
    }

    /// <summary>The canonical name (<c>__CLASS</c>…).</summary>
    public string Name => _name;

    /// <summary>True for <c>__DERIVATION</c>, the only array.</summary>
    public bool IsArray => _kind == 6;

    /// <summary>The declared type (string, or sint32 for <c>__GENUS</c> and <c>__PROPERTY_COUNT</c>).</summary>
    public CimType Type => _kind is 0 or 5 ? CimType.SInt32 : CimType.String;

    public override bool TryGet(CimObject obj, out object? value, out CimType type)
    {
        // Indexes follow CimObject.SystemPropertyNames.
        switch (_kind)
        {
            case 0:
                value = obj.Genus == CimGenus.Class ? s_genusClass : s_genusInstance;
                type = CimType.SInt32;
                return true;
            case 1:
                value = obj.ClassName;
                type = CimType.String;
                return true;
            case 2:
                value = obj.SuperclassName;
                type = CimType.String;
                return true;
            case 3:
                value = obj.Dynasty;
                type = CimType.String;
                return true;
            case 5:
                var count = obj.Properties.Count;
                value = count < s_smallCounts.Length ? s_smallCounts[count] : count;
                type = CimType.SInt32;
                return true;
            default:
                type = Type;
                return obj.TryGetSystemProperty(_name, out value);
        }
    }

    private static object[] CreateCounts()
    {
        var counts = new object[256];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = i;
        }
        return counts;
    }
}

/// <summary>
/// A property found by name on whatever class the object has (no class known at compile time, or past an embedded
/// object). Lookups are remembered per frozen class in a small direct-mapped cache, so a filter that sees the same
/// few classes over and over does one dictionary lookup per class, not per object.
/// </summary>
internal sealed class WqlNamedAccessor(string name) : WqlAccessor
{
    private const int CacheSize = 4;

    // Entries are immutable and replaced whole; evaluating threads write them without a lock because a reference
    // store is atomic and every entry stored is correct for its class — a lost update only costs another lookup.
    private readonly Entry?[] _cache = new Entry?[CacheSize];

    public override bool TryGet(CimObject obj, out object? value, out CimType type)
    {
        var cls = obj.Class;
        var slot = RuntimeHelpers.GetHashCode(cls) & (CacheSize - 1);
        var entry = _cache[slot];
        if (entry is null || !ReferenceEquals(entry.Class, cls))
        {
            entry = Lookup(cls);
            if (entry is null)
            {
                // Only a class changed while being read could get here; treat it as missing rather than throw.
                value = null;
                type = CimType.None;
                return false;
            }
            if (cls.IsReadOnly)
            {
                _cache[slot] = entry;
            }
        }
        if (entry.Index < 0)
        {
            value = null;
            type = CimType.None;
            return false;
        }
        type = entry.Type;
        value = obj.GetValue(entry.Index);
        return true;
    }

    private Entry? Lookup(CimClass cls)
    {
        var index = cls.IndexOf(name);
        if (index < 0)
        {
            return new Entry(cls, -1, CimType.None);
        }
        var properties = cls.Properties;
        return (uint)index < (uint)properties.Count ? new Entry(cls, index, properties[index].Type) : null;
    }

    private sealed class Entry(CimClass cls, int index, CimType type)
    {
        public CimClass Class { get; } = cls;

        public int Index { get; } = index;

        public CimType Type { get; } = type;
    }
}

/// <summary>
/// A property of the class the predicate was compiled for, read by index. Subclasses keep the indexes of inherited
/// properties (a derived class copies its parent's list and appends), so their instances take the fast path too
/// once a check of name and type at that index has passed; any other class falls back to a lookup by name.
/// </summary>
internal sealed class WqlIndexedAccessor : WqlAccessor
{
    private readonly CimClass? _class;
    private readonly int _index;
    private readonly string _name;
    private readonly CimType _type;
    private readonly bool _isArray;
    private readonly WqlNamedAccessor _byName;

    // The last frozen class seen to have this property at _index. Written by any evaluating thread without a lock:
    // a reference store is atomic and every value stored is valid, so a lost update only costs one more check.
    private CimClass? _compatible;

    public WqlIndexedAccessor(CimClass targetClass, int index, CimProperty property)
    {
        // A class that can still change may lose or move properties: only a frozen one is trusted without a check.
        _class = targetClass.IsReadOnly ? targetClass : null;
        _index = index;
        _name = property.Name;
        _type = property.Type;
        _isArray = property.IsArray;
        _byName = new WqlNamedAccessor(property.Name);
    }

    public override bool TryGet(CimObject obj, out object? value, out CimType type)
    {
        var cls = obj.Class;
        if (ReferenceEquals(cls, _class) || ReferenceEquals(cls, _compatible))
        {
            value = obj.GetValue(_index);
            type = _type;
            return true;
        }
        return TryGetSlow(obj, cls, out value, out type);
    }

    private bool TryGetSlow(CimObject obj, CimClass cls, out object? value, out CimType type)
    {
        var properties = cls.Properties;
        if (_index < properties.Count && properties[_index] is var p && p.Type == _type && p.IsArray == _isArray &&
            CimNames.AreEqual(p.Name, _name))
        {
            if (cls.IsReadOnly)
            {
                _compatible = cls;
            }
            value = obj.GetValue(_index);
            type = _type;
            return true;
        }
        return _byName.TryGet(obj, out value, out type);
    }
}

/// <summary>A dotted path: the first part on the object, each further part on the embedded object before it.</summary>
internal sealed class WqlPathAccessor(WqlAccessor first, WqlAccessor[] rest) : WqlAccessor
{
    public override bool TryGet(CimObject obj, out object? value, out CimType type)
    {
        if (!first.TryGet(obj, out value, out type))
        {
            return false;
        }
        foreach (var step in rest)
        {
            if (value is null)
            {
                // A NULL embedded object makes the whole path NULL (IS NULL holds, comparisons are UNKNOWN).
                type = CimType.None;
                return true;
            }
            if (value is not CimObject embedded || !step.TryGet(embedded, out value, out type))
            {
                value = null;
                type = CimType.None;
                return false;
            }
        }
        return true;
    }
}

namespace Wmix.Cim;

/// <summary>
/// Qualifier flavors with WMI's WBEM_FLAVOR bit values. MOF's <c>EnableOverride</c> and <c>Restricted</c> are
/// the absence of <see cref="DisableOverride"/> and <see cref="ToSubclass"/>.
/// </summary>
[Flags]
public enum CimFlavor
{
    /// <summary>No flavor bits: overridable, not propagated, local.</summary>
    None = 0,
    /// <summary>Propagates to instances of the class (WBEM_FLAVOR_FLAG_PROPAGATE_TO_INSTANCE).</summary>
    ToInstance = 0x1,
    /// <summary>Propagates to derived classes (WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS).</summary>
    ToSubclass = 0x2,
    /// <summary>May not be overridden in derived classes (WBEM_FLAVOR_NOT_OVERRIDABLE).</summary>
    DisableOverride = 0x10,
    /// <summary>Origin: inherited from a parent class or the class (WBEM_FLAVOR_ORIGIN_PROPAGATED).</summary>
    Propagated = 0x20,
    /// <summary>Origin: a system qualifier such as CIMTYPE (WBEM_FLAVOR_ORIGIN_SYSTEM).</summary>
    System = 0x40,
    /// <summary>Localized value from an amendment (WBEM_FLAVOR_AMENDED); MOF's <c>Translatable</c>.</summary>
    Amended = 0x80,
}

/// <summary>A named, typed qualifier value with its flavor.</summary>
public sealed class CimQualifier
{
    /// <summary>Creates a qualifier; the type is inferred from the value when not given.</summary>
    public CimQualifier(string name, object? value, CimFlavor flavor = CimFlavor.ToSubclass, CimType type = CimType.None, bool isArray = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        if (type == CimType.None)
        {
            type = CimValue.InferType(value, out isArray);
            if (type == CimType.None)
            {
                type = CimType.Boolean;
            }
        }
        Type = type;
        IsArray = isArray;
        Value = CimValue.Convert(value, type, isArray);
        Flavor = flavor;
    }

    /// <summary>The qualifier's name (case-insensitive).</summary>
    public string Name { get; }

    /// <summary>The value in the CLR form of <see cref="Type"/>.</summary>
    public object? Value { get; }

    /// <summary>The value's CIM type.</summary>
    public CimType Type { get; }

    /// <summary>True for array-valued qualifiers.</summary>
    public bool IsArray { get; }

    /// <summary>Propagation, override and origin bits.</summary>
    public CimFlavor Flavor { get; }

    /// <summary>True when the qualifier was declared here rather than inherited.</summary>
    public bool IsLocal => (Flavor & CimFlavor.Propagated) == 0;

    /// <summary>True when derived classes may override it.</summary>
    public bool IsOverridable => (Flavor & CimFlavor.DisableOverride) == 0;

    /// <summary>True when instances see it.</summary>
    public bool PropagatesToInstance => (Flavor & CimFlavor.ToInstance) != 0;

    /// <summary>True when derived classes inherit it.</summary>
    public bool PropagatesToSubclass => (Flavor & CimFlavor.ToSubclass) != 0;

    /// <summary>True when the value is amended (localized).</summary>
    public bool IsAmended => (Flavor & CimFlavor.Amended) != 0;

    /// <summary>
    /// The standard flavor of a well-known qualifier as DSP0004 declares it (Abstract, Deprecated, Experimental,
    /// Override and Version are Restricted; Key, Association, In, Out and the other DisableOverride ones are
    /// ToSubclass + DisableOverride), ToSubclass for any other.
    /// </summary>
    public static CimFlavor DefaultFlavor(string name) => name.ToUpperInvariant() switch
    {
        "ABSTRACT" or "DEPRECATED" or "EXPERIMENTAL" or "OVERRIDE" or "VERSION" => CimFlavor.None,
        "KEY" or "ASSOCIATION" or "INDICATION" or "AGGREGATION" or "AGGREGATE" or "COMPOSITION" or "IN" or "OUT"
            or "STATIC" or "WEAK" or "EXCEPTION" or "ARRAYTYPE" or "DN" or "EMBEDDEDOBJECT" or "NULLVALUE" or "OCTETSTRING"
            or "PROPAGATED" or "REQUIRED" or "STRUCTURE" or "UNKNOWNVALUES" or "UNSUPPORTEDVALUES"
            => CimFlavor.ToSubclass | CimFlavor.DisableOverride,
        _ => CimFlavor.ToSubclass,
    };

    // Copies an already converted qualifier: no re-conversion (and no copy of array values), which keeps class
    // inheritance cheap. A qualifier never changes its value after construction, so sharing it is safe.
    private CimQualifier(CimQualifier source, CimFlavor flavor)
    {
        Name = source.Name;
        Value = source.Value;
        Type = source.Type;
        IsArray = source.IsArray;
        Flavor = flavor;
    }

    /// <summary>A copy with another flavor.</summary>
    public CimQualifier WithFlavor(CimFlavor flavor) => flavor == Flavor ? this : new CimQualifier(this, flavor);

    /// <summary>A copy with another value of the same type.</summary>
    public CimQualifier WithValue(object? value) => new(Name, value, Flavor, Type, IsArray);

    /// <summary>The value as a boolean: true for TRUE and for a present boolean qualifier with no value.</summary>
    public bool IsTrue => Value is true || (Value is null && Type == CimType.Boolean);

    /// <inheritdoc />
    public override string ToString() => Name + (Value is true ? "" : "(" + CimValue.ToMofLiteral(Value, Type) + ")");
}

/// <summary>
/// An ordered, case-insensitive set of qualifiers of one element (class, property, method, parameter).
/// </summary>
public sealed class CimQualifierSet : IReadOnlyList<CimQualifier>
{
    private readonly List<CimQualifier> _items;

    /// <summary>Creates an empty set.</summary>
    public CimQualifierSet() => _items = [];

    /// <summary>Creates a set holding <paramref name="qualifiers"/>.</summary>
    public CimQualifierSet(IEnumerable<CimQualifier> qualifiers)
    {
        _items = [];
        foreach (var q in qualifiers)
        {
            Set(q);
        }
    }

    /// <summary>True once the owning object is read-only.</summary>
    public bool IsReadOnly { get; private set; }

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public CimQualifier this[int index] => _items[index];

    /// <summary>The qualifier named <paramref name="name"/>, or null.</summary>
    public CimQualifier? this[string name] => Find(name);

    /// <summary>The qualifier named <paramref name="name"/>, or null.</summary>
    public CimQualifier? Find(string name)
    {
        foreach (var q in _items)
        {
            if (string.Equals(q.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return q;
            }
        }
        return null;
    }

    /// <summary>True when a qualifier of that name is present.</summary>
    public bool Contains(string name) => Find(name) is not null;

    /// <summary>True when the boolean qualifier is present and true (e.g. Key, Abstract).</summary>
    public bool IsTrue(string name) => Find(name) is { } q && q.IsTrue;

    /// <summary>The value of the qualifier, or null.</summary>
    public object? GetValue(string name) => Find(name)?.Value;

    /// <summary>Adds or replaces a qualifier.</summary>
    public void Set(CimQualifier qualifier)
    {
        ArgumentNullException.ThrowIfNull(qualifier);
        ThrowIfReadOnly();
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Name, qualifier.Name, StringComparison.OrdinalIgnoreCase))
            {
                _items[i] = qualifier;
                return;
            }
        }
        _items.Add(qualifier);
    }

    /// <summary>
    /// Adds or replaces a qualifier with a value; without a flavor, the standard one of DSP0004 for the well-known
    /// qualifiers (Abstract is Restricted; Key, Association and Indication are DisableOverride) and ToSubclass otherwise.
    /// </summary>
    public void Set(string name, object? value, CimFlavor? flavor = null) => Set(new CimQualifier(name, value, flavor ?? CimQualifier.DefaultFlavor(name)));

    /// <summary>Removes a qualifier; false when absent.</summary>
    public bool Remove(string name)
    {
        ThrowIfReadOnly();
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                _items.RemoveAt(i);
                return true;
            }
        }
        return false;
    }

    /// <summary>A mutable copy.</summary>
    public CimQualifierSet Clone() => new(_items);

    /// <summary>Qualifiers that a derived class inherits, marked as propagated.</summary>
    internal IEnumerable<CimQualifier> Inheritable()
    {
        foreach (var q in _items)
        {
            if (q.PropagatesToSubclass)
            {
                yield return q.WithFlavor(q.Flavor | CimFlavor.Propagated);
            }
        }
    }

    internal void MakeReadOnly() => IsReadOnly = true;

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrReadOnly, "The qualifier set belongs to a read-only object; clone the object to change it.");
        }
    }

    /// <inheritdoc />
    public IEnumerator<CimQualifier> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Where a qualifier may be used (MOF <c>scope(...)</c>).</summary>
[Flags]
public enum CimQualifierScope
{
    /// <summary>No scope given.</summary>
    None = 0,
    /// <summary>Classes.</summary>
    Class = 0x1,
    /// <summary>Associations.</summary>
    Association = 0x2,
    /// <summary>Indications.</summary>
    Indication = 0x4,
    /// <summary>Properties.</summary>
    Property = 0x8,
    /// <summary>Reference properties.</summary>
    Reference = 0x10,
    /// <summary>Methods.</summary>
    Method = 0x20,
    /// <summary>Method parameters.</summary>
    Parameter = 0x40,
    /// <summary>Qualifier types (DSP0004 2.x).</summary>
    Qualifier = 0x80,
    /// <summary>Instances (deprecated in DSP0004 but used by older MOF).</summary>
    Instance = 0x100,
    /// <summary>Every element.</summary>
    Any = Class | Association | Indication | Property | Reference | Method | Parameter | Qualifier | Instance,
}

/// <summary>A qualifier type declaration (MOF <c>qualifier Name : type = default, scope(...), flavor(...);</c>).</summary>
/// <param name="Name">The qualifier's name.</param>
/// <param name="Type">The value type.</param>
/// <param name="IsArray">True for array-valued qualifiers.</param>
/// <param name="DefaultValue">The default value, or null.</param>
/// <param name="Scope">Where it may be used.</param>
/// <param name="Flavor">Its default flavor.</param>
public sealed record CimQualifierDeclaration(
    string Name,
    CimType Type,
    bool IsArray,
    object? DefaultValue,
    CimQualifierScope Scope,
    CimFlavor Flavor);

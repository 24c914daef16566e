namespace Wmix.Cim;

/// <summary>
/// An instance of a CIM class: one value per property of its (frozen) class. Create one with
/// <see cref="CimClass.SpawnInstance"/>.
/// </summary>
public sealed class CimInstance : CimObject
{
    private readonly CimClass _class;
    private readonly object?[] _values;
    private CimQualifierSet? _qualifiers;
    private CimQualifierSet?[]? _propertyQualifiers;

    internal CimInstance(CimClass cls, object?[] values)
    {
        _class = cls;
        _values = values;
    }

    /// <inheritdoc />
    public override CimGenus Genus => CimGenus.Instance;

    /// <inheritdoc />
    public override string ClassName => _class.Name;

    /// <inheritdoc />
    public override CimClass Class => _class;

    /// <inheritdoc />
    public override CimQualifierSet Qualifiers => _qualifiers ??= InstanceQualifiers();

    private CimQualifierSet InstanceQualifiers()
    {
        var set = new CimQualifierSet();
        foreach (var q in _class.Qualifiers)
        {
            if (q.PropagatesToInstance)
            {
                set.Set(q.WithFlavor(q.Flavor | CimFlavor.Propagated));
            }
        }
        if (IsReadOnly)
        {
            set.MakeReadOnly();
        }
        return set;
    }

    /// <summary>
    /// The qualifiers this instance itself gives the property at <paramref name="index"/> (MOF's
    /// <c>[Qualifier] Prop = value;</c> inside <c>instance of</c>); empty unless set. Class-level property qualifiers
    /// stay on the class's <see cref="CimProperty.Qualifiers"/>.
    /// </summary>
    public CimQualifierSet PropertyQualifiers(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _values.Length);
        if (_propertyQualifiers?[index] is { } set)
        {
            return set;
        }
        set = new CimQualifierSet();
        if (IsReadOnly)
        {
            // A frozen instance hands out an empty read-only set without keeping it.
            set.MakeReadOnly();
            return set;
        }
        _propertyQualifiers ??= new CimQualifierSet?[_values.Length];
        _propertyQualifiers[index] = set;
        return set;
    }

    /// <summary>The instance's own qualifiers of the property named <paramref name="name"/>; wbemErrNotFound for an unknown name.</summary>
    public CimQualifierSet PropertyQualifiers(string name)
    {
        var index = _class.IndexOf(name);
        return index >= 0 ? PropertyQualifiers(index)
            : throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{ClassName}' has no property '{name}'.");
    }

    /// <summary>True when the instance gives the property at <paramref name="index"/> qualifiers of its own.</summary>
    internal bool HasPropertyQualifiers(int index) => _propertyQualifiers?[index] is { Count: > 0 };

    /// <summary>The instance's own qualifiers of a property without creating a set, or null.</summary>
    internal CimQualifierSet? OwnPropertyQualifiers(int index) => _propertyQualifiers?[index];

    /// <inheritdoc />
    public override object? GetValue(int index) => _values[index];

    /// <inheritdoc />
    public override void SetValue(int index, object? value)
    {
        ThrowIfReadOnly();
        var p = _class.PropertyList[index];
        // Fast path: providers usually hand over values already in the property's CLR form.
        if (value is null || (!p.IsArray && p.Type is not (CimType.DateTime or CimType.Reference or CimType.Object) && value.GetType() == p.Type.ClrType()))
        {
            _values[index] = value;
            return;
        }
        _values[index] = CimValue.Convert(value, p.Type, p.IsArray);
    }

    /// <summary>True when every key property has a value (the instance has a path).</summary>
    public bool HasKeys
    {
        get
        {
            foreach (var i in _class.KeyIndexes)
            {
                if (_values[i] is null)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <inheritdoc />
    public override CimObjectPath? RelativeObjectPath
    {
        get
        {
            var keys = _class.KeyIndexes;
            if (keys.Count == 0)
            {
                return _class.IsSingleton ? new CimObjectPath(null, null, _class.Name, isSingleton: true) : null;
            }
            var bindings = new CimKeyBinding[keys.Count];
            for (var k = 0; k < keys.Count; k++)
            {
                var i = keys[k];
                var value = _values[i];
                if (value is null)
                {
                    return null;
                }
                var p = _class.PropertyList[i];
                if (p.Type == CimType.Reference && value is string text && CimObjectPath.TryParse(text, out var reference))
                {
                    value = reference;
                }
                bindings[k] = new CimKeyBinding(p.Name, value);
            }
            return new CimObjectPath(null, null, _class.Name, bindings);
        }
    }

    /// <inheritdoc />
    public override CimObject Clone()
    {
        var values = new object?[_values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = CimProperty.CloneValue(_values[i]);
        }
        var copy = new CimInstance(_class, values);
        if (_qualifiers is not null)
        {
            copy._qualifiers = _qualifiers.Clone();
        }
        if (_propertyQualifiers is not null)
        {
            copy._propertyQualifiers = Array.ConvertAll(_propertyQualifiers, q => q?.Clone());
        }
        CopyLocationTo(copy);
        return copy;
    }

    private protected override CimObject ShallowCopy()
    {
        var copy = new CimInstance(_class, (object?[])_values.Clone()) { _qualifiers = _qualifiers, _propertyQualifiers = _propertyQualifiers, IsReadOnly = IsReadOnly };
        CopyLocationTo(copy);
        return copy;
    }

    /// <inheritdoc />
    public override CimObject Freeze()
    {
        if (IsReadOnly)
        {
            return this;
        }
        foreach (var v in _values)
        {
            switch (v)
            {
                case CimObject o:
                    o.Freeze();
                    break;
                case CimObject[] arr:
                    foreach (var o in arr)
                    {
                        o.Freeze();
                    }
                    break;
            }
        }
        _qualifiers?.MakeReadOnly();
        if (_propertyQualifiers is not null)
        {
            foreach (var q in _propertyQualifiers)
            {
                q?.MakeReadOnly();
            }
        }
        IsReadOnly = true;
        return this;
    }
}

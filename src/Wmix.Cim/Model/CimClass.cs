namespace Wmix.Cim;

/// <summary>
/// A CIM class: name, superclass, properties (inherited first), methods and qualifiers. Build one with the
/// constructor and <see cref="AddProperty(CimProperty)"/> / <see cref="AddMethod"/>, then <see cref="Freeze"/> it before
/// storing or sharing it. <see cref="SpawnInstance"/> and <see cref="SpawnDerivedClass"/> work as in WMI.
/// </summary>
public sealed class CimClass : CimObject
{
    private readonly List<CimProperty> _properties;
    private readonly Dictionary<string, int> _index;
    private readonly CimMethodCollection _methods;
    private readonly CimQualifierSet _qualifiers;
    private readonly string[] _derivation;
    private object?[]? _defaults;
    private int[]? _keyIndexes;

    /// <summary>Creates a class, inheriting properties, methods and ToSubclass qualifiers from <paramref name="superclass"/>.</summary>
    /// <param name="name">The class name.</param>
    /// <param name="superclass">The parent; a mutable parent is snapshotted (cloned and frozen).</param>
    public CimClass(string name, CimClass? superclass = null)
        : this(name, superclass, validateName: true)
    {
    }

    private CimClass(string name, CimClass? superclass, bool validateName)
    {
        if (validateName)
        {
            CimNames.ValidateIdentifier(name, "class");
        }
        Name = name;
        if (superclass is not null && !superclass.IsReadOnly)
        {
            superclass = (CimClass)superclass.Clone().Freeze();
        }
        Superclass = superclass;
        _properties = [];
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        _methods = new CimMethodCollection();
        _qualifiers = new CimQualifierSet();
        if (superclass is null)
        {
            _derivation = [];
            return;
        }
        _derivation = [superclass.Name, .. superclass._derivation];
        foreach (var p in superclass._properties)
        {
            _index[p.Name] = _properties.Count;
            _properties.Add(p.Inherited());
        }
        foreach (var m in superclass._methods)
        {
            _methods.Add(m.Inherited());
        }
        foreach (var q in superclass._qualifiers.Inheritable())
        {
            _qualifiers.Set(q);
        }
    }

    /// <summary>The class name.</summary>
    public string Name { get; }

    /// <summary>The parent class, or null for a top-level class.</summary>
    public CimClass? Superclass { get; }

    /// <inheritdoc />
    public override CimGenus Genus => CimGenus.Class;

    /// <inheritdoc />
    public override string ClassName => Name;

    /// <inheritdoc />
    public override CimClass Class => this;

    /// <inheritdoc />
    public override CimQualifierSet Qualifiers => _qualifiers;

    /// <summary>The methods, inherited ones included.</summary>
    public CimMethodCollection Methods => _methods;

    /// <summary>The ancestor names, parent first.</summary>
    internal IReadOnlyList<string> DerivationList => _derivation;

    internal IReadOnlyList<CimProperty> PropertyList => _properties;

    /// <summary>True for <c>[Abstract]</c> classes, which have no instances of their own.</summary>
    public bool IsAbstract => _qualifiers.IsTrue("abstract");

    /// <summary>True for association classes.</summary>
    public bool IsAssociation => _qualifiers.IsTrue("association");

    /// <summary>True for classes marked <c>[Indication]</c>.</summary>
    public bool IsIndication => _qualifiers.IsTrue("indication");

    /// <summary>True for singleton classes (one keyless instance, path <c>Class=@</c>).</summary>
    public bool IsSingleton => _qualifiers.IsTrue("singleton");

    /// <summary>True for classes whose instances come from a provider (<c>[Dynamic]</c>).</summary>
    public bool IsDynamic => _qualifiers.IsTrue("dynamic");

    /// <summary>The key properties in declaration order.</summary>
    public IEnumerable<CimProperty> KeyProperties => KeyIndexes.Select(i => _properties[i]);

    /// <summary>Indexes of the key properties in <see cref="CimObject.Properties"/>.</summary>
    public IReadOnlyList<int> KeyIndexes => _keyIndexes ?? ComputeKeyIndexes();

    /// <summary>The index of a property in <see cref="CimObject.Properties"/>, or -1.</summary>
    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The declaration of a property, or null.</summary>
    public CimProperty? FindProperty(string name) => _index.TryGetValue(name, out var i) ? _properties[i] : null;

    /// <summary>True when this class is <paramref name="className"/> or derives from it.</summary>
    public bool IsSubclassOfOrSelf(string className)
    {
        if (CimNames.AreEqual(Name, className))
        {
            return true;
        }
        foreach (var d in _derivation)
        {
            if (CimNames.AreEqual(d, className))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Adds a property, or overrides an inherited one (same type; qualifiers merge, and a qualifier marked
    /// DisableOverride may not change).
    /// </summary>
    public CimProperty AddProperty(CimProperty property)
    {
        ArgumentNullException.ThrowIfNull(property);
        ThrowIfReadOnly();
        if (_index.TryGetValue(property.Name, out var i))
        {
            var existing = _properties[i];
            if (existing.IsLocal && existing.ClassOrigin is not null && CimNames.AreEqual(existing.ClassOrigin, Name))
            {
                property.ClassOrigin = Name;
                property.IsLocal = true;
                _properties[i] = property;
                _keyIndexes = null;
                return property;
            }
            if (existing.Type != property.Type || existing.IsArray != property.IsArray)
            {
                throw new WbemException(WbemErrorEnum.wbemErrUpdateTypeMismatch,
                    $"'{Name}.{property.Name}' overrides an inherited {existing.CimTypeText}{(existing.IsArray ? "[]" : "")} with another type.");
            }
            var merged = MergeQualifiers(existing.Qualifiers, property.Qualifiers, property.Name);
            var overriding = new CimProperty(property.Name, property.Type, property.IsArray, property.Value,
                property.ReferenceClassName ?? existing.ReferenceClassName, merged)
            {
                ClassOrigin = existing.ClassOrigin,
                IsLocal = true,
            };
            _properties[i] = overriding;
            _keyIndexes = null;
            return overriding;
        }
        property.ClassOrigin = Name;
        property.IsLocal = true;
        _index[property.Name] = _properties.Count;
        _properties.Add(property);
        _keyIndexes = null;
        return property;
    }

    /// <summary>Adds a property with a type and optional default value.</summary>
    public CimProperty AddProperty(string name, CimType type, bool isArray = false, object? value = null, bool isKey = false)
    {
        var qualifiers = new CimQualifierSet();
        if (isKey)
        {
            qualifiers.Set(new CimQualifier("Key", true, CimFlavor.ToSubclass | CimFlavor.DisableOverride));
        }
        return AddProperty(new CimProperty(name, type, isArray, value, qualifiers: qualifiers));
    }

    /// <summary>Removes a property declared by this class; inherited ones give wbemErrPropagatedProperty.</summary>
    public void RemoveProperty(string name)
    {
        ThrowIfReadOnly();
        if (!_index.TryGetValue(name, out var i))
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{Name}' has no property '{name}'.");
        }
        var p = _properties[i];
        if (!CimNames.AreEqual(p.ClassOrigin, Name))
        {
            throw new WbemException(WbemErrorEnum.wbemErrPropagatedProperty, $"'{name}' is inherited by '{Name}' and cannot be removed here.");
        }
        _properties.RemoveAt(i);
        _index.Clear();
        for (var j = 0; j < _properties.Count; j++)
        {
            _index[_properties[j].Name] = j;
        }
        _keyIndexes = null;
    }

    /// <summary>Adds a method, or overrides an inherited one with the same signature.</summary>
    public CimMethod AddMethod(CimMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        ThrowIfReadOnly();
        if (_methods.Find(method.Name) is { } existing)
        {
            if (!CimNames.AreEqual(existing.ClassOrigin, Name))
            {
                if (existing.ReturnType != method.ReturnType || existing.Parameters.Count != method.Parameters.Count ||
                    existing.Parameters.Zip(method.Parameters).Any(p => !CimNames.AreEqual(p.First.Name, p.Second.Name) || p.First.Type != p.Second.Type || p.First.IsArray != p.Second.IsArray))
                {
                    throw new WbemException(WbemErrorEnum.wbemErrPropagatedMethod,
                        $"'{Name}.{method.Name}' overrides an inherited method with another signature.");
                }
                var merged = new CimMethod(method.Name, method.ReturnType, method.Parameters,
                    MergeQualifiers(existing.Qualifiers, method.Qualifiers, method.Name))
                {
                    ClassOrigin = existing.ClassOrigin,
                    IsLocal = true,
                };
                _methods.Replace(merged);
                return merged;
            }
            method.ClassOrigin = Name;
            _methods.Replace(method);
            return method;
        }
        method.ClassOrigin = Name;
        method.IsLocal = true;
        _methods.Add(method);
        return method;
    }

    private static CimQualifierSet MergeQualifiers(CimQualifierSet inherited, CimQualifierSet local, string element)
    {
        var merged = inherited.Clone();
        foreach (var q in local)
        {
            if (inherited.Find(q.Name) is { } old && !old.IsOverridable && !CimValue.AreEqual(old.Value, q.Value))
            {
                throw new WbemException(WbemErrorEnum.wbemErrOverrideNotAllowed,
                    $"Qualifier '{q.Name}' of '{element}' is DisableOverride and cannot change in a derived class.");
            }
            merged.Set(q.WithFlavor(q.Flavor & ~CimFlavor.Propagated));
        }
        return merged;
    }

    /// <summary>
    /// Checks the rules WMI applies when a class is stored: keys of key-able types and not re-declared below a
    /// keyed parent, no abstract class under a concrete one, singletons without keys.
    /// </summary>
    public void Validate()
    {
        foreach (var p in _properties)
        {
            if (p.IsKey && (!p.Type.CanBeKey() || p.IsArray))
            {
                throw new WbemException(WbemErrorEnum.wbemErrCannotBeKey, $"'{Name}.{p.Name}' ({p.CimTypeText}{(p.IsArray ? "[]" : "")}) cannot be a key.");
            }
        }
        if (Superclass is { } parent)
        {
            if (IsAbstract && !parent.IsAbstract && parent.Superclass is not null && parent._qualifiers.Contains("abstract"))
            {
                throw new WbemException(WbemErrorEnum.wbemErrCannotBeAbstract, $"Abstract class '{Name}' cannot derive from concrete class '{parent.Name}'.");
            }
            var parentKeys = parent.KeyIndexes.Count;
            if (parentKeys > 0)
            {
                foreach (var i in KeyIndexes)
                {
                    if (CimNames.AreEqual(_properties[i].ClassOrigin, Name))
                    {
                        throw new WbemException(WbemErrorEnum.wbemErrCannotChangeKeyInheritance,
                            $"'{Name}' adds key '{_properties[i].Name}' below keyed class '{parent.Name}'.");
                    }
                }
            }
        }
        if (IsSingleton && KeyIndexes.Count > 0)
        {
            throw new WbemException(WbemErrorEnum.wbemErrCannotBeSingleton, $"Singleton class '{Name}' cannot have key properties.");
        }
    }

    /// <summary>A new instance of this class with the class's default values (WMI's <c>SpawnInstance_</c>).</summary>
    public CimInstance SpawnInstance()
    {
        var cls = IsReadOnly ? this : (CimClass)Clone().Freeze();
        var defaults = cls._defaults!;
        var values = new object?[defaults.Length];
        for (var i = 0; i < defaults.Length; i++)
        {
            values[i] = defaults[i] is Array or CimObject ? CimProperty.CloneValue(defaults[i]) : defaults[i];
        }
        var instance = new CimInstance(cls, values);
        return instance;
    }

    /// <summary>A new, mutable class deriving from this one (WMI's <c>SpawnDerivedClass_</c>).</summary>
    public CimClass SpawnDerivedClass(string name) => new(name, this);

    /// <inheritdoc />
    public override object? GetValue(int index) => _properties[index].Value;

    /// <inheritdoc />
    public override void SetValue(int index, object? value)
    {
        ThrowIfReadOnly();
        _properties[index].Value = value;
    }

    /// <inheritdoc />
    public override CimObjectPath? RelativeObjectPath => Name.Length == 0 ? null : new(null, null, Name);

    /// <summary>
    /// A new class with no name, no superclass and no members: what WMI's <c>Get</c> with an empty path returns
    /// (<c>__CLASS</c> and <c>__RELPATH</c> are NULL). It cannot be stored until a named class is built from it.
    /// </summary>
    public static CimClass CreateEmpty() => new(string.Empty, null, validateName: false);

    /// <inheritdoc />
    public override CimObject Clone()
    {
        var copy = new CimClass(Name, Superclass, validateName: Name.Length != 0);
        copy._properties.Clear();
        copy._index.Clear();
        foreach (var p in _properties)
        {
            copy._index[p.Name] = copy._properties.Count;
            copy._properties.Add(p.Clone());
        }
        copy._methods.Clear();
        foreach (var m in _methods)
        {
            copy._methods.Add(new CimMethod(m.Name, m.ReturnType, m.Parameters, m.Qualifiers.Clone()) { ClassOrigin = m.ClassOrigin, IsLocal = m.IsLocal });
        }
        var qualifiers = copy._qualifiers;
        foreach (var q in qualifiers.ToArray())
        {
            qualifiers.Remove(q.Name);
        }
        foreach (var q in _qualifiers)
        {
            qualifiers.Set(q);
        }
        CopyLocationTo(copy);
        return copy;
    }

    private protected override CimObject ShallowCopy()
    {
        var copy = (CimClass)Clone();
        return copy.Freeze();
    }

    /// <inheritdoc />
    public override CimObject Freeze()
    {
        if (IsReadOnly)
        {
            return this;
        }
        foreach (var p in _properties)
        {
            if (p.Value is CimObject o)
            {
                o.Freeze();
            }
            else if (p.Value is CimObject[] objects)
            {
                foreach (var element in objects)
                {
                    element.Freeze();
                }
            }
            p.MakeReadOnly();
        }
        foreach (var m in _methods)
        {
            m.MakeReadOnly();
        }
        _qualifiers.MakeReadOnly();
        _methods.MakeReadOnly();
        _defaults = _properties.Select(p => p.Value).ToArray();
        _keyIndexes = ComputeKeyIndexes();
        IsReadOnly = true;
        return this;
    }

    private int[] ComputeKeyIndexes()
    {
        var keys = new List<int>();
        for (var i = 0; i < _properties.Count; i++)
        {
            if (_properties[i].IsKey)
            {
                keys.Add(i);
            }
        }
        var result = keys.ToArray();
        if (IsReadOnly)
        {
            _keyIndexes = result;
        }
        return result;
    }
}

/// <summary>The methods of a class, in declaration order, found by case-insensitive name.</summary>
public sealed class CimMethodCollection : IReadOnlyList<CimMethod>
{
    private readonly List<CimMethod> _items = [];
    private bool _readOnly;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public CimMethod this[int index] => _items[index];

    /// <summary>The method named <paramref name="name"/>, or null.</summary>
    public CimMethod? Find(string name) => _items.Find(m => CimNames.AreEqual(m.Name, name));

    internal void Add(CimMethod method)
    {
        ThrowIfReadOnly();
        _items.Add(method);
    }

    internal void Replace(CimMethod method)
    {
        ThrowIfReadOnly();
        var i = _items.FindIndex(m => CimNames.AreEqual(m.Name, method.Name));
        _items[i] = method;
    }

    internal void Clear() => _items.Clear();

    internal void MakeReadOnly() => _readOnly = true;

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrReadOnly, "The class is read-only; clone it to change its methods.");
        }
    }

    /// <inheritdoc />
    public IEnumerator<CimMethod> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

using System.Collections;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// The properties of an <see cref="SWbemObject"/> (WMI's <c>SWbemPropertySet</c>): <c>Properties_</c> holds the
/// class's properties, <c>SystemProperties_</c> the <c>__</c> system properties. Live: it always shows the object
/// as it is now.
/// </summary>
public sealed class SWbemPropertySet : IEnumerable<SWbemProperty>
{
    private readonly SWbemObject _owner;
    private readonly bool _system;

    internal SWbemPropertySet(SWbemObject owner, bool system)
    {
        _owner = owner;
        _system = system;
    }

    /// <summary>The number of properties.</summary>
    public int Count => _system ? CimObject.SystemPropertyNames.Count : _owner.Object.Properties.Count;

    /// <summary>The property named <paramref name="strName"/> (the default member); see <see cref="Item"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("ItemOf")] // "Item" is the documented method; the indexer is its C# shorthand.
    public SWbemProperty this[string strName] => Item(strName);

    /// <summary>The property named <paramref name="strName"/> (case-insensitive).</summary>
    /// <param name="strName">The property's name.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <exception cref="WbemException">wbemErrNotFound when the object has no such property.</exception>
    public SWbemProperty Item(string strName, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemPropertySet.Item");
        if (string.IsNullOrEmpty(strName))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, "SWbemPropertySet.Item: strName is required.");
        }
        if (_system)
        {
            foreach (var name in CimObject.SystemPropertyNames)
            {
                if (CimNames.AreEqual(name, strName))
                {
                    return new SWbemProperty(_owner, name, system: true);
                }
            }
        }
        else if (_owner.Object.Class.FindProperty(strName) is { } p)
        {
            return new SWbemProperty(_owner, p.Name, system: false);
        }
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{_owner.Object.ClassName}' has no {(_system ? "system " : "")}property '{strName}'.");
    }

    /// <summary>Adds a property to a class (or replaces one it declares).</summary>
    /// <param name="strName">The property's name.</param>
    /// <param name="iCIMType">Its CIM type.</param>
    /// <param name="bIsArray">True for an array.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <exception cref="WbemException">wbemErrInvalidOperation on an instance; wbemErrInvalidPropertyType for an unknown type;
    /// wbemErrInvalidParameter for a bad name.</exception>
    public SWbemProperty Add(string strName, WbemCimtypeEnum iCIMType, bool bIsArray = false, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemPropertySet.Add");
        if (_system)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrSystemProperty, "System properties cannot be added.");
        }
        if (!Enum.IsDefined(iCIMType))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidPropertyType, $"{(int)iCIMType} is not a CIM type.");
        }
        if (_owner.Object is not CimClass)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidOperation,
                $"Properties can be added to classes only; '{_owner.Object.ClassName}' here is an instance.");
        }
        ArgumentNullException.ThrowIfNull(strName);
        if (strName.StartsWith('_') || strName.EndsWith('_'))
        {
            // IWbemClassObject::Put: names that begin or end with an underscore are reserved for system classes and properties.
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter,
                $"'{strName}': property names that begin or end with '_' are reserved for system properties.");
        }
        try
        {
            var cls = (CimClass)_owner.Mutable();
            var p = cls.AddProperty(new CimProperty(strName, (CimType)(int)iCIMType, bIsArray));
            return new SWbemProperty(_owner, p.Name, system: false);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <summary>Adds a property to a class; <paramref name="iCIMType"/> is a <see cref="WbemCimtypeEnum"/> value.</summary>
    /// <inheritdoc cref="Add(string, WbemCimtypeEnum, bool, int)"/>
    public SWbemProperty Add(string strName, int iCIMType, bool bIsArray = false, int iFlags = 0) =>
        Add(strName, (WbemCimtypeEnum)iCIMType, bIsArray, iFlags);

    /// <summary>
    /// Removes a property from a class (it must be declared there), or resets an instance's property to the
    /// class default.
    /// </summary>
    /// <exception cref="WbemException">wbemErrNotFound; wbemErrPropagatedProperty for an inherited class property.</exception>
    public void Remove(string strName, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemPropertySet.Remove");
        if (_system)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrSystemProperty, "System properties cannot be removed.");
        }
        var decl = _owner.Object.Class.FindProperty(strName)
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{_owner.Object.ClassName}' has no property '{strName}'.");
        try
        {
            var target = _owner.Mutable();
            if (target is CimClass cls)
            {
                cls.RemoveProperty(strName);
            }
            else
            {
                target.SetValue(strName, ScriptValues.CloneCimValue(decl.Value));
            }
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <inheritdoc />
    public IEnumerator<SWbemProperty> GetEnumerator()
    {
        if (_system)
        {
            foreach (var name in CimObject.SystemPropertyNames)
            {
                yield return new SWbemProperty(_owner, name, system: true);
            }
            yield break;
        }
        foreach (var p in _owner.Object.Properties.ToArray())
        {
            yield return new SWbemProperty(_owner, p.Name, system: false);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One property of an <see cref="SWbemObject"/> (WMI's <c>SWbemProperty</c>).</summary>
public sealed class SWbemProperty
{
    private readonly SWbemObject _owner;
    private readonly bool _system;

    internal SWbemProperty(SWbemObject owner, string name, bool system)
    {
        _owner = owner;
        Name = name;
        _system = system;
    }

    /// <summary>The property's name.</summary>
    public string Name { get; }

    /// <summary>
    /// The value (the default member), in scripting form (see <see cref="SWbemObject"/>): 64-bit integers as
    /// strings, uint32 as the same bits in an <see cref="int"/>, embedded objects as <see cref="SWbemObject"/>.
    /// On a class this is the default value. Setting it changes the local copy only.
    /// </summary>
    /// <exception cref="WbemException">Setting: wbemErrReadOnly for a system property; wbemErrTypeMismatch or wbemErrValueOutOfRange for a value of the wrong type.</exception>
    public object? Value
    {
        get
        {
            var obj = _owner.Object;
            if (_system)
            {
                if (_owner.IsUnnamedClass && Name is "__CLASS" or "__RELPATH" or "__PATH")
                {
                    return null;
                }
                obj.TryGetSystemProperty(Name, out var sys);
                return ScriptValues.ToScript(sys, _owner.Services);
            }
            var p = Declaration;
            return ScriptValues.ToScript(obj.GetValue(Name), p.Type, p.IsArray, _owner.Services);
        }
        set
        {
            if (_system)
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly, $"System property '{Name}' is read-only.");
            }
            var p = Declaration;
            try
            {
                var converted = ScriptValues.ToCim(value, p.Type, p.IsArray);
                _owner.Mutable().SetValue(Name, converted);
            }
            catch (WbemException e) when (ScriptErrors.Record(e))
            {
                throw;
            }
        }
    }

    /// <summary>True when the property is declared (or overridden) by the object's own class.</summary>
    public bool IsLocal => !_system && Declaration.IsLocal;

    /// <summary>The class that first declared the property (<c>___SYSTEM</c> for system properties).</summary>
    public string Origin => _system ? "___SYSTEM" : Declaration.ClassOrigin ?? _owner.Object.ClassName;

    /// <summary>The property's CIM type.</summary>
    public WbemCimtypeEnum CIMType
    {
        get
        {
            if (_system)
            {
                CimObject.TryGetSystemPropertyType(Name, out var t, out _);
                return (WbemCimtypeEnum)(int)t;
            }
            return (WbemCimtypeEnum)(int)Declaration.Type;
        }
    }

    /// <summary>True for an array property.</summary>
    public bool IsArray
    {
        get
        {
            if (_system)
            {
                CimObject.TryGetSystemPropertyType(Name, out _, out var isArray);
                return isArray;
            }
            return Declaration.IsArray;
        }
    }

    /// <summary>The property's qualifiers.</summary>
    /// <exception cref="WbemException">wbemErrSystemProperty for a system property.</exception>
    public SWbemQualifierSet Qualifiers_ => _system
        ? throw ScriptErrors.Error(WbemErrorEnum.wbemErrSystemProperty, $"System property '{Name}' has no qualifiers.")
        : new SWbemQualifierSet(_owner, SWbemQualifierSet.Target.Property, Name);

    private CimProperty Declaration => _owner.Object.Class.FindProperty(Name)
        ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{_owner.Object.ClassName}' no longer has property '{Name}'.");

    /// <inheritdoc />
    public override string ToString() => $"{Name}={Value}";
}

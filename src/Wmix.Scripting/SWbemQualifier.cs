using System.Collections;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// The qualifiers of an object, property or method (WMI's <c>SWbemQualifierSet</c>). Live: it shows the element
/// as it is now; changes apply to the local copy of the object.
/// </summary>
public sealed class SWbemQualifierSet : IEnumerable<SWbemQualifier>
{
    internal enum Target
    {
        Object,
        Property,
        Method,
    }

    private readonly SWbemObject _owner;
    private readonly Target _target;
    private readonly string? _element;

    internal SWbemQualifierSet(SWbemObject owner, Target target, string? element)
    {
        _owner = owner;
        _target = target;
        _element = element;
    }

    /// <summary>The number of qualifiers.</summary>
    public int Count => View(_owner.Object).Count;

    /// <summary>The qualifier named <paramref name="name"/> (the default member); see <see cref="Item"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("ItemOf")] // "Item" is the documented method; the indexer is its C# shorthand.
    public SWbemQualifier this[string name] => Item(name);

    /// <summary>The qualifier named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="WbemException">wbemErrNotFound when there is no such qualifier.</exception>
    public SWbemQualifier Item(string name, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemQualifierSet.Item");
        var q = View(_owner.Object).Find(name ?? "")
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"There is no qualifier '{name}'.");
        return new SWbemQualifier(this, q.Name);
    }

    /// <summary>Adds a qualifier, or replaces the one with the same name.</summary>
    /// <param name="strName">The qualifier's name.</param>
    /// <param name="varVal">Its value (boolean, number, string, or an array of them).</param>
    /// <param name="bPropagatesToSubclasses">Derived classes inherit it (default true).</param>
    /// <param name="bPropagatesToInstances">Instances see it (default true).</param>
    /// <param name="bOverridable">Derived classes may override it (default true).</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <exception cref="WbemException">wbemErrInvalidQualifierType for an unsupported value; wbemErrOverrideNotAllowed when an inherited qualifier forbids it.</exception>
    public SWbemQualifier Add(string strName, object? varVal, bool bPropagatesToSubclasses = true, bool bPropagatesToInstances = true,
        bool bOverridable = true, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemQualifierSet.Add");
        if (string.IsNullOrEmpty(strName))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, "SWbemQualifierSet.Add: strName is required.");
        }
        if (IsCimTypeOfProperty(strName))
        {
            SetCimType(varVal);
            return new SWbemQualifier(this, CimTypeQualifier);
        }
        var flavor = (bPropagatesToSubclasses ? CimFlavor.ToSubclass : 0) | (bPropagatesToInstances ? CimFlavor.ToInstance : 0)
            | (bOverridable ? 0 : CimFlavor.DisableOverride);
        var existing = Resolve(_owner.Object).Find(strName);
        if (existing is { IsLocal: false, IsOverridable: false } && !CimValue.AreEqual(existing.Value, ScriptValues.FromScript(varVal)))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrOverrideNotAllowed, $"Qualifier '{strName}' is inherited as DisableOverride.");
        }
        CimQualifier q;
        try
        {
            q = new CimQualifier(strName, ScriptValues.FromScript(varVal) ?? true, flavor);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
        catch (ArgumentException e)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidQualifierType, e.Message);
        }
        if (q.Type is CimType.Object or CimType.Reference or CimType.None)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidQualifierType, $"A qualifier cannot hold a {q.Type} value.");
        }
        if (CimNames.AreEqual(strName, "key") && _target == Target.Property && _owner.Object is not CimClass)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrCannotBeKey, "Keys are defined by the class, not per instance.");
        }
        MutableSet().Set(q);
        return new SWbemQualifier(this, q.Name);
    }

    /// <summary>Removes a qualifier declared on this element.</summary>
    /// <exception cref="WbemException">wbemErrNotFound; wbemErrPropagatedQualifier for an inherited one.</exception>
    public void Remove(string strName, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemQualifierSet.Remove");
        var q = Resolve(_owner.Object).Find(strName ?? "")
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"There is no qualifier '{strName}'.");
        if (!q.IsLocal)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrPropagatedQualifier, $"Qualifier '{q.Name}' is inherited and cannot be removed here.");
        }
        MutableSet().Remove(q.Name);
    }

    /// <inheritdoc />
    public IEnumerator<SWbemQualifier> GetEnumerator()
    {
        foreach (var q in View(_owner.Object).ToArray())
        {
            yield return new SWbemQualifier(this, q.Name);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal CimQualifier Find(string name) => View(_owner.Object).Find(name)
        ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"Qualifier '{name}' no longer exists.");

    internal CimQualifierSet MutableSet()
    {
        var set = Resolve(_owner.Mutable());
        if (set.IsReadOnly)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly, "These qualifiers cannot change.");
        }
        return set;
    }

    private const string CimTypeQualifier = "CIMTYPE";

    internal bool IsCimTypeOfProperty(string name) => _target == Target.Property && CimNames.AreEqual(name, CimTypeQualifier);

    /// <summary>
    /// The qualifiers as WMI shows them: every property carries a <c>CIMTYPE</c> qualifier naming its type
    /// (<c>uint32</c>, <c>ref:Class</c>, <c>object:Class</c>), which scripts read to find a reference's or embedded
    /// object's class. The model keeps that type on the property itself, so the qualifier is added to the view here.
    /// </summary>
    private CimQualifierSet View(CimObject obj)
    {
        var set = Resolve(obj);
        if (_target != Target.Property || set.Contains(CimTypeQualifier) || obj.Class.FindProperty(_element!) is not { } p)
        {
            return set;
        }
        var view = set.Clone();
        view.Set(new CimQualifier(CimTypeQualifier, p.CimTypeText, CimFlavor.ToInstance | CimFlavor.ToSubclass));
        return view;
    }

    /// <summary>
    /// Setting <c>CIMTYPE</c> on a class's reference or embedded-object property types it (<c>ref:Class</c>,
    /// <c>object:Class</c>), as IWbemClassObject::Put documents for new classes; on an instance it is read-only.
    /// </summary>
    private void SetCimType(object? varVal)
    {
        if (_owner.Object is not CimClass || _owner.Object.Class.FindProperty(_element!) is not { } p)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly, "The CIMTYPE qualifier of an instance's property is read-only; set it on the class.");
        }
        if (ScriptValues.FromScript(varVal) is not string text)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidQualifierType, "CIMTYPE is a string such as \"ref:Class\" or \"object:Class\".");
        }
        if (string.Equals(text, p.CimTypeText, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var (prefix, className) = text.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0
            ? (text[..colon], text[(colon + 1)..])
            : (text, "");
        var fits = p.Type switch
        {
            CimType.Reference => string.Equals(prefix, "ref", StringComparison.OrdinalIgnoreCase),
            CimType.Object => string.Equals(prefix, "object", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
        if (!fits || (className.Length > 0 && !CimNames.IsIdentifier(className)))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrTypeMismatch,
                $"CIMTYPE '{text}' does not fit property '{p.Name}', which is {p.CimTypeText}{(p.IsArray ? "[]" : "")}.");
        }
        try
        {
            var cls = (CimClass)_owner.Mutable();
            var current = cls.FindProperty(p.Name)!;
            cls.AddProperty(new CimProperty(current.Name, current.Type, current.IsArray, ScriptValues.CloneCimValue(current.Value),
                className.Length == 0 ? null : className, current.Qualifiers.Clone()));
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    private CimQualifierSet Resolve(CimObject obj) => _target switch
    {
        Target.Property => obj.Class.FindProperty(_element!)?.Qualifiers
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{obj.ClassName}' has no property '{_element}'."),
        Target.Method => obj.Class.Methods.Find(_element!)?.Qualifiers
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{obj.ClassName}' has no method '{_element}'."),
        _ => obj.Qualifiers,
    };
}

/// <summary>One qualifier (WMI's <c>SWbemQualifier</c>).</summary>
public sealed class SWbemQualifier
{
    private readonly SWbemQualifierSet _set;

    internal SWbemQualifier(SWbemQualifierSet set, string name)
    {
        _set = set;
        Name = name;
    }

    /// <summary>The qualifier's name.</summary>
    public string Name { get; }

    /// <summary>The value (the default member).</summary>
    public object? Value
    {
        get => ScriptValues.ToScript(_set.Find(Name).Value, null);
        set
        {
            if (_set.IsCimTypeOfProperty(Name))
            {
                _set.Add(Name, value);
                return;
            }
            Update(q => new CimQualifier(q.Name, ScriptValues.FromScript(value) ?? true, q.Flavor));
        }
    }

    /// <summary>True when declared on this element, false when inherited (propagated).</summary>
    public bool IsLocal => _set.Find(Name).IsLocal;

    /// <summary>True when the value is amended (localized).</summary>
    public bool IsAmended => _set.Find(Name).IsAmended;

    /// <summary>True when derived classes may override the qualifier.</summary>
    public bool IsOverridable
    {
        get => _set.Find(Name).IsOverridable;
        set => Update(q => q.WithFlavor(value ? q.Flavor & ~CimFlavor.DisableOverride : q.Flavor | CimFlavor.DisableOverride));
    }

    /// <summary>True when instances see the qualifier.</summary>
    public bool PropagatesToInstance
    {
        get => _set.Find(Name).PropagatesToInstance;
        set => Update(q => q.WithFlavor(value ? q.Flavor | CimFlavor.ToInstance : q.Flavor & ~CimFlavor.ToInstance));
    }

    /// <summary>True when derived classes inherit the qualifier.</summary>
    public bool PropagatesToSubclass
    {
        get => _set.Find(Name).PropagatesToSubclass;
        set => Update(q => q.WithFlavor(value ? q.Flavor | CimFlavor.ToSubclass : q.Flavor & ~CimFlavor.ToSubclass));
    }

    private void Update(Func<CimQualifier, CimQualifier> change)
    {
        try
        {
            var set = _set.MutableSet();
            var current = set.Find(Name) ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"Qualifier '{Name}' no longer exists.");
            set.Set(change(current));
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

using System.Dynamic;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// One class definition or instance (WMI's <c>SWbemObject</c>). The generic members end in <c>_</c>; the
/// object's own properties and methods are reachable through C# <c>dynamic</c> (<c>obj.Name</c>,
/// <c>obj.Name = "x"</c>, <c>obj.Terminate()</c>), as WMI's automation object exposes them.
/// </summary>
/// <remarks>
/// <para>The object is a local copy: changes affect only it until <see cref="Put_"/> writes the whole object back.
/// Objects delivered by the engine are shared and frozen; the wrapper takes a private copy on the first change
/// (copy-on-write), so reading is free.</para>
/// <para>Objects returned by calls are <see cref="SWbemObjectEx"/>. Members that call WMI (Put_, Delete_,
/// ExecMethod_, Instances_…) use the connection the object came from; they raise <see cref="WbemException"/>.</para>
/// <para>Thread-safety: like the COM object, an SWbemObject is meant for one thread at a time.</para>
/// </remarks>
public partial class SWbemObject : DynamicObject
{
    private const string UnnamedClassName = "__SWbemUnnamedClass";

    private CimObject _object;
    private bool _unnamed;

    internal SWbemObject(CimObject value, SWbemServices? services, bool forwardOnly = false)
    {
        ArgumentNullException.ThrowIfNull(value);
        _object = value;
        Services = services;
        FromForwardOnlySet = forwardOnly;
    }

    /// <summary>The wrapped object as it is now (possibly shared and frozen; never change it).</summary>
    internal CimObject Object => _object;

    /// <summary>The connection the object came from, or null.</summary>
    internal SWbemServices? Services { get; }

    /// <summary>True for items of a forward-only collection, which may not be cloned.</summary>
    internal bool FromForwardOnlySet { get; }

    /// <summary>True for a new class that has no name yet (from <c>Get()</c> or <c>SpawnDerivedClass_</c>).</summary>
    internal bool IsUnnamedClass => _unnamed;

    /// <summary>The wrapped object, copied first when it is shared (copy-on-write).</summary>
    internal CimObject Mutable()
    {
        if (_object.IsReadOnly)
        {
            _object = _object.Clone();
        }
        return _object;
    }

    /// <summary>Replaces the wrapped object (Refresh_).</summary>
    internal void Replace(CimObject value)
    {
        _object = value;
        _unnamed = false;
    }

    internal static SWbemObjectEx NewUnnamedClass(SWbemServices? services, CimClass? superclass = null) =>
        new(new CimClass(UnnamedClassName, superclass), services) { _unnamed = true };

    /// <summary>The names of the classes above this one, parent first (<c>__DERIVATION</c>).</summary>
    public string[] Derivation_ => [.. _object.Derivation];

    /// <summary>The object's methods (those of its class).</summary>
    public SWbemMethodSet Methods_ => new(this);

    /// <summary>The object's path; on a new class, setting its <see cref="SWbemObjectPath.Class"/> names the class.</summary>
    public SWbemObjectPath Path_ => new(_unnamed ? null : _object.Path, this, _unnamed ? "" : _object.ClassName);

    /// <summary>The object's properties (without the system properties).</summary>
    public SWbemPropertySet Properties_ => new(this, system: false);

    /// <summary>The object's qualifiers.</summary>
    public SWbemQualifierSet Qualifiers_ => new(this, SWbemQualifierSet.Target.Object, null);

    /// <summary>Security settings (those of the connection the object came from).</summary>
    public SWbemSecurity Security_ => Services?.Security_ ?? new SWbemSecurity();

    /// <summary>A new, independent copy of the object.</summary>
    /// <exception cref="WbemException">wbemErrFailed for an item of a forward-only collection (<c>wbemFlagForwardOnly</c>).</exception>
    public SWbemObject Clone_()
    {
        if (FromForwardOnlySet)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrFailed,
                "Clone_ is not allowed on an object of a forward-only collection (wbemFlagForwardOnly); run the query without 0x20 to clone its results.");
        }
        return CloneForCopy();
    }

    internal SWbemObjectEx CloneForCopy() => new(_object.Clone(), Services) { _unnamed = _unnamed };

    /// <summary>True when this object equals <paramref name="objWbemObject"/> under the comparison flags.</summary>
    /// <param name="objWbemObject">The object to compare with.</param>
    /// <param name="iFlags">A combination of <see cref="WbemComparisonFlagEnum"/> values.</param>
    /// <exception cref="WbemException">wbemErrInvalidParameter for a null object or unknown flags.</exception>
    public bool CompareTo_(SWbemObject objWbemObject, int iFlags = 0)
    {
        if (objWbemObject is null)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, "CompareTo_: objWbemObject is required.");
        }
        ScriptErrors.CheckFlags(iFlags, 0x3F, nameof(CompareTo_));
        return _object.CompareTo(objWbemObject._object, (CimComparisonFlags)iFlags);
    }

    /// <summary>The object in MOF syntax.</summary>
    /// <param name="iFlags">0, or <c>wbemTextFlagNoFlavors</c> (1).</param>
    public string GetObjectText_(int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, (int)WbemTextFlagEnum.wbemTextFlagNoFlavors, nameof(GetObjectText_));
        return _object.GetObjectText();
    }

    /// <summary>A new class derived from this class; name it by setting <c>Path_.Class</c>, then <c>Put_</c> it.</summary>
    /// <exception cref="WbemException">wbemErrIllegalOperation on an instance; wbemErrIncompleteClass on a class without a name.</exception>
    public SWbemObject SpawnDerivedClass_(int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, nameof(SpawnDerivedClass_));
        var cls = RequireNamedClass(nameof(SpawnDerivedClass_));
        return NewUnnamedClass(Services, cls);
    }

    /// <summary>A new instance of this class with the class's default values.</summary>
    /// <exception cref="WbemException">wbemErrIllegalOperation on an instance; wbemErrIncompleteClass on a class without a name.</exception>
    public SWbemObject SpawnInstance_(int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, nameof(SpawnInstance_));
        var cls = RequireNamedClass(nameof(SpawnInstance_));
        var frozen = cls.IsReadOnly ? cls : (CimClass)cls.Clone().Freeze();
        return new SWbemObjectEx(frozen.SpawnInstance().WithLocation(cls.Server, cls.Namespace), Services);
    }

    private CimClass RequireNamedClass(string method)
    {
        if (_object is not CimClass cls)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrIllegalOperation, $"{method} needs a class; this is an instance of '{_object.ClassName}'.");
        }
        if (_unnamed)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrIncompleteClass, $"{method}: the class has no name yet; set Path_.Class first.");
        }
        return cls;
    }

    /// <summary>Gives a new class its name (<c>Path_.Class = "…"</c>), keeping what was defined on it.</summary>
    internal void RenameClass(string name)
    {
        if (_object is not CimClass old)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly, "The class of an instance cannot change.");
        }
        if (!_unnamed && CimNames.AreEqual(old.Name, name))
        {
            return;
        }
        if (!_unnamed)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly,
                $"'{old.Name}' already has a name; derive a new class with SpawnDerivedClass_ instead.");
        }
        CimClass renamed;
        try
        {
            renamed = new CimClass(name, old.Superclass);
            foreach (var q in old.Qualifiers)
            {
                if (q.IsLocal)
                {
                    renamed.Qualifiers.Set(q);
                }
            }
            foreach (var p in old.Properties)
            {
                if (p.IsLocal)
                {
                    renamed.AddProperty(p.Clone());
                }
                else
                {
                    renamed.SetValue(p.Name, ScriptValues.CloneCimValue(p.Value));
                }
            }
            foreach (var m in old.Methods)
            {
                if (m.IsLocal)
                {
                    renamed.AddMethod(new CimMethod(m.Name, m.ReturnType, m.Parameters, m.Qualifiers.Clone()));
                }
            }
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
        _object = renamed.WithLocation(old.Server, old.Namespace);
        _unnamed = false;
    }

    /// <summary>The relative path WMI calls use for this object.</summary>
    internal string RequirePath(string method)
    {
        if (_unnamed)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrIncompleteClass, $"{method}: the class has no name yet; set Path_.Class first.");
        }
        return _object.RelativePath ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidObjectPath,
            $"{method}: this instance of '{_object.ClassName}' has no path; set its key properties first.");
    }

    internal SWbemServices RequireServices(string method) => Services ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrFailed,
        $"{method}: this object is not connected to a namespace (it did not come from an SWbemServices).");

    /// <inheritdoc />
    public override string ToString() => _unnamed ? "" : _object.ToString();
}

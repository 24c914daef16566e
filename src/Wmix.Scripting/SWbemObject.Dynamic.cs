using System.Dynamic;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

// The object's own properties and methods through C# `dynamic`, as WMI's automation object exposes them.
// The generic members (Put_, Path_…) are ordinary members and bind first.
public partial class SWbemObject
{
    /// <summary>Reads a property or system property: <c>obj.Name</c>, <c>obj.__CLASS</c>.</summary>
    public override bool TryGetMember(GetMemberBinder binder, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        var name = binder.Name;
        if (_object.Class.FindProperty(name) is { } p)
        {
            result = new SWbemProperty(this, p.Name, system: false).Value;
            return true;
        }
        foreach (var sys in CimObject.SystemPropertyNames)
        {
            if (CimNames.AreEqual(sys, name))
            {
                result = new SWbemProperty(this, sys, system: true).Value;
                return true;
            }
        }
        result = null;
        return false;
    }

    /// <summary>Writes a property of the local copy: <c>obj.Name = "x"</c>.</summary>
    public override bool TrySetMember(SetMemberBinder binder, object? value)
    {
        ArgumentNullException.ThrowIfNull(binder);
        var name = binder.Name;
        if (_object.Class.FindProperty(name) is { } p)
        {
            new SWbemProperty(this, p.Name, system: false).Value = value;
            return true;
        }
        foreach (var sys in CimObject.SystemPropertyNames)
        {
            if (CimNames.AreEqual(sys, name))
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly, $"System property '{sys}' is read-only.");
            }
        }
        return false;
    }

    /// <summary>
    /// Calls a method of the object's class through <see cref="ExecMethod_"/>: <c>obj.Create(cmd)</c>.
    /// Arguments map by position to the method's parameters in ID order; in-parameters are sent, and after the
    /// call out-parameters are written back to arguments passed by <c>ref</c>. Returns <c>ReturnValue</c>, or null
    /// for a method without one.
    /// </summary>
    public override bool TryInvokeMember(InvokeMemberBinder binder, object?[]? args, out object? result)
    {
        ArgumentNullException.ThrowIfNull(binder);
        var method = _object.Class.Methods.Find(binder.Name);
        if (method is null)
        {
            result = null;
            return false;
        }
        args ??= [];
        var ordered = method.Parameters
            .Select((p, i) => (Parameter: p, Index: i))
            .OrderBy(x => x.Parameter.Id ?? int.MaxValue).ThenBy(x => x.Index)
            .Select(x => x.Parameter).ToArray();
        if (args.Length > ordered.Length)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidMethodParameters,
                $"{binder.Name} takes {ordered.Length} parameter(s); {args.Length} were passed.");
        }
        SWbemObject? inParams = null;
        if (method.InParameters is { } inClass)
        {
            inParams = new SWbemObjectEx(inClass.SpawnInstance(), Services);
            for (var i = 0; i < args.Length; i++)
            {
                var p = ordered[i];
                if (p.IsIn && args[i] is not null)
                {
                    new SWbemProperty(inParams, p.Name, system: false).Value = args[i];
                }
            }
        }
        var outParams = ExecMethod_(binder.Name, inParams);
        result = null;
        if (outParams is null)
        {
            return true;
        }
        for (var i = 0; i < args.Length; i++)
        {
            var p = ordered[i];
            if (p.IsOut && outParams.Object.HasProperty(p.Name))
            {
                args[i] = new SWbemProperty(outParams, p.Name, system: false).Value;
            }
        }
        if (outParams.Object.HasProperty("ReturnValue"))
        {
            result = new SWbemProperty(outParams, "ReturnValue", system: false).Value;
        }
        return true;
    }

    /// <summary>The names of the object's properties and methods.</summary>
    public override IEnumerable<string> GetDynamicMemberNames() =>
        _object.Properties.Select(p => p.Name).Concat(_object.Class.Methods.Select(m => m.Name)).ToArray();
}

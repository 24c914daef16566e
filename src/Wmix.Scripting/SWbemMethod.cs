using System.Collections;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>The methods of an object's class (WMI's <c>SWbemMethodSet</c>).</summary>
public sealed class SWbemMethodSet : IEnumerable<SWbemMethod>
{
    private readonly SWbemObject _owner;

    internal SWbemMethodSet(SWbemObject owner) => _owner = owner;

    /// <summary>The number of methods.</summary>
    public int Count => _owner.Object.Class.Methods.Count;

    /// <summary>The method named <paramref name="strName"/> (the default member); see <see cref="Item"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("ItemOf")] // "Item" is the documented method; the indexer is its C# shorthand.
    public SWbemMethod this[string strName] => Item(strName);

    /// <summary>The method named <paramref name="strName"/> (case-insensitive).</summary>
    /// <exception cref="WbemException">wbemErrNotFound when the class has no such method.</exception>
    public SWbemMethod Item(string strName, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemMethodSet.Item");
        var m = _owner.Object.Class.Methods.Find(strName ?? "")
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{_owner.Object.ClassName}' has no method '{strName}'.");
        return new SWbemMethod(_owner, m.Name);
    }

    /// <inheritdoc />
    public IEnumerator<SWbemMethod> GetEnumerator()
    {
        foreach (var m in _owner.Object.Class.Methods.ToArray())
        {
            yield return new SWbemMethod(_owner, m.Name);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>One method of a class (WMI's <c>SWbemMethod</c>).</summary>
public sealed class SWbemMethod
{
    private readonly SWbemObject _owner;

    internal SWbemMethod(SWbemObject owner, string name)
    {
        _owner = owner;
        Name = name;
    }

    /// <summary>The method's name.</summary>
    public string Name { get; }

    /// <summary>The class that first declared the method.</summary>
    public string Origin => Declaration.ClassOrigin ?? _owner.Object.ClassName;

    /// <summary>
    /// The in-parameters as a <c>__PARAMETERS</c> class object, or null when the method takes none; call
    /// <c>SpawnInstance_</c> on it to pass arguments.
    /// </summary>
    public SWbemObject? InParameters => Declaration.InParameters is { } c ? new SWbemObjectEx(c, _owner.Services) : null;

    /// <summary>The out-parameters (with <c>ReturnValue</c>) as a <c>__PARAMETERS</c> class object, or null.</summary>
    public SWbemObject? OutParameters => Declaration.OutParameters is { } c ? new SWbemObjectEx(c, _owner.Services) : null;

    /// <summary>The method's qualifiers.</summary>
    public SWbemQualifierSet Qualifiers_ => new(_owner, SWbemQualifierSet.Target.Method, Name);

    private CimMethod Declaration => _owner.Object.Class.Methods.Find(Name)
        ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"'{_owner.Object.ClassName}' no longer has method '{Name}'.");

    /// <inheritdoc />
    public override string ToString() => Name;
}

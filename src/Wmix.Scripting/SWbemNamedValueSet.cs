using System.Collections;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// A collection of named values (WMI's <c>SWbemNamedValueSet</c>, creatable): the provider context a call
/// forwards untouched (<c>objWbemNamedValueSet</c>) and the async context every sink event of a call hands back
/// (<c>objWbemAsyncContext</c>). Names are unique and compared case-insensitively; <see cref="Add"/> replaces an
/// element of the same name.
/// </summary>
/// <remarks>
/// The set is not synchronised: use it from one thread at a time, as COM's apartment rules would make you.
/// The same instance may be reused for several calls.
/// </remarks>
public sealed class SWbemNamedValueSet : IEnumerable<SWbemNamedValue>
{
    private readonly List<SWbemNamedValue> _items = [];
    private Action? _changed;

    /// <summary>Creates an empty set.</summary>
    public SWbemNamedValueSet()
    {
    }

    /// <summary>Called after every change; <see cref="SWbemObjectPath.Keys"/> uses it to keep its path in step.</summary>
    internal Action? Changed
    {
        get => _changed;
        set => _changed = value;
    }

    /// <summary>True when the set may not change (the keys of an object's own path).</summary>
    internal bool IsReadOnly { get; set; }

    /// <summary>The number of elements.</summary>
    public int Count => _items.Count;

    /// <summary>The element named <paramref name="strName"/> (the default member); see <see cref="Item"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("ItemOf")] // "Item" is the documented method; the indexer is its C# shorthand.
    public SWbemNamedValue this[string strName] => Item(strName);

    /// <summary>
    /// Adds an element, or replaces the value of the element with the same (case-insensitive) name.
    /// </summary>
    /// <param name="strName">The element's name.</param>
    /// <param name="varVal">Its value.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <returns>The element.</returns>
    /// <exception cref="WbemException">wbemErrInvalidParameter for an empty name or non-zero flags.</exception>
    public SWbemNamedValue Add(string strName, object? varVal, int iFlags = 0)
    {
        CheckName(strName, iFlags, nameof(Add));
        ThrowIfReadOnly();
        var index = IndexOf(strName);
        var item = new SWbemNamedValue(this, strName, varVal);
        if (index >= 0)
        {
            _items[index].Detach();
            _items[index] = item;
        }
        else
        {
            _items.Add(item);
        }
        OnChanged();
        return item;
    }

    /// <summary>The element named <paramref name="strName"/> (case-insensitive).</summary>
    /// <param name="strName">The element's name.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <exception cref="WbemException">wbemErrNotFound when there is no such element; wbemErrInvalidParameter for an empty name.</exception>
    public SWbemNamedValue Item(string strName, int iFlags = 0)
    {
        CheckName(strName, iFlags, nameof(Item));
        var index = IndexOf(strName);
        return index >= 0 ? _items[index] : throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"The named value set has no element '{strName}'.");
    }

    /// <summary>Removes the element named <paramref name="strName"/>.</summary>
    /// <param name="strName">The element's name.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <exception cref="WbemException">wbemErrNotFound when there is no such element.</exception>
    public void Remove(string strName, int iFlags = 0)
    {
        CheckName(strName, iFlags, nameof(Remove));
        ThrowIfReadOnly();
        var index = IndexOf(strName);
        if (index < 0)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"The named value set has no element '{strName}'.");
        }
        _items[index].Detach();
        _items.RemoveAt(index);
        OnChanged();
    }

    /// <summary>Removes every element.</summary>
    public void DeleteAll()
    {
        ThrowIfReadOnly();
        foreach (var item in _items)
        {
            item.Detach();
        }
        _items.Clear();
        OnChanged();
    }

    /// <summary>A deep copy: changing the copy (or values held in it) leaves this set unchanged.</summary>
    public SWbemNamedValueSet Clone()
    {
        var copy = new SWbemNamedValueSet();
        foreach (var item in _items)
        {
            copy._items.Add(new SWbemNamedValue(copy, item.Name, DeepCopy(item.Value)));
        }
        return copy;
    }

    /// <inheritdoc />
    public IEnumerator<SWbemNamedValue> GetEnumerator() => ((IEnumerable<SWbemNamedValue>)_items.ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The set as the engine's provider context (names case-insensitive, values in CIM form).</summary>
    internal IReadOnlyDictionary<string, object?> ToContext()
    {
        var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in _items)
        {
            d[item.Name] = ScriptValues.FromScript(item.Value);
        }
        return d;
    }

    internal void OnChanged() => _changed?.Invoke();

    internal void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly, "This named value set is read-only.");
        }
    }

    /// <summary>Adds or replaces without notifying (used while a path fills its key set).</summary>
    internal void SetSilently(string name, object? value)
    {
        var index = IndexOf(name);
        var item = new SWbemNamedValue(this, name, value);
        if (index >= 0)
        {
            _items[index] = item;
        }
        else
        {
            _items.Add(item);
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    private static void CheckName(string strName, int iFlags, string method)
    {
        if (string.IsNullOrEmpty(strName))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"SWbemNamedValueSet.{method}: strName must not be empty.");
        }
        if (iFlags != 0)
        {
            throw ScriptErrors.InvalidFlags(iFlags, "SWbemNamedValueSet." + method, 0);
        }
    }

    private static object? DeepCopy(object? value) => value switch
    {
        SWbemNamedValueSet set => set.Clone(),
        SWbemObject o => o.CloneForCopy(),
        SWbemObject[] objects => Array.ConvertAll(objects, o => o.CloneForCopy()),
        SWbemDateTime d => SWbemDateTime.Copy(d),
        Array a => DeepCopyArray(a),
        _ => value,
    };

    private static Array DeepCopyArray(Array a)
    {
        var copy = (Array)a.Clone();
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy.GetValue(i) is { } v and not (string or ValueType))
            {
                copy.SetValue(DeepCopy(v), i);
            }
        }
        return copy;
    }
}

/// <summary>One element of an <see cref="SWbemNamedValueSet"/> (WMI's <c>SWbemNamedValue</c>).</summary>
public sealed class SWbemNamedValue
{
    private SWbemNamedValueSet? _owner;
    private object? _value;

    internal SWbemNamedValue(SWbemNamedValueSet owner, string name, object? value)
    {
        _owner = owner;
        Name = name;
        _value = value;
    }

    /// <summary>The element's name (read-only, unique and case-insensitive within its set).</summary>
    public string Name { get; }

    /// <summary>The element's value (the default member); setting it updates the owning set directly.</summary>
    public object? Value
    {
        get => _value;
        set
        {
            _owner?.ThrowIfReadOnly();
            _value = value;
            _owner?.OnChanged();
        }
    }

    internal void Detach() => _owner = null;

    /// <inheritdoc />
    public override string ToString() => $"{Name}={_value}";
}

using System.Collections;

namespace Wmix.Wql.Internal;

/// <summary>
/// An immutable list that compares by its items, so that AST records holding lists keep structural equality.
/// </summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    private ValueList(T[] items) => _items = items;

    /// <summary>Wraps <paramref name="items"/> (copied unless it is already a value list), or returns null for null.</summary>
    public static ValueList<T>? From(IEnumerable<T>? items) => items switch
    {
        null => null,
        ValueList<T> list => list,
        _ => new ValueList<T>([.. items]),
    };

    /// <summary>Takes ownership of <paramref name="items"/> without copying.</summary>
    public static ValueList<T> Own(T[] items) => new(items);

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public ReadOnlySpan<T> AsSpan() => _items;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }
        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < _items.Length; i++)
        {
            if (!comparer.Equals(_items[i], other._items[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

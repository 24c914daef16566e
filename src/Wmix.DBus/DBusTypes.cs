using System.Collections;

namespace Wmix.DBus;

/// <summary>A D-Bus object path (<c>o</c>): <c>/</c> or <c>/</c>-separated elements of <c>[A-Za-z0-9_]</c>.</summary>
public readonly record struct DBusObjectPath
{
    /// <summary>Validates and wraps <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">Not a valid object path.</exception>
    public DBusObjectPath(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!DBusNames.IsObjectPath(value))
        {
            throw new ArgumentException($"'{value}' is not a valid D-Bus object path.", nameof(value));
        }
        Value = value;
    }

    /// <summary>The path text (never null; <c>/</c> for a default instance).</summary>
    public string Value => field ?? "/";

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>A D-Bus type signature (<c>g</c>): zero or more complete types, at most 255 characters.</summary>
public readonly record struct DBusSignature
{
    /// <summary>Validates and wraps <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">Not a valid signature (see <see cref="DBusSignatures.Validate"/>).</exception>
    public DBusSignature(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (DBusSignatures.Check(value) is { } error)
        {
            throw new ArgumentException($"'{value}' is not a valid D-Bus signature: {error}", nameof(value));
        }
        Value = value;
    }

    /// <summary>The signature text (never null; empty for a default instance).</summary>
    public string Value => field ?? "";

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>A Unix file descriptor index (<c>h</c>): an index into the descriptors sent with the message. This client
/// does not negotiate descriptor passing, so it reads such values but never sends them.</summary>
/// <param name="Index">The index into the message's descriptors.</param>
public readonly record struct DBusUnixFd(uint Index);

/// <summary>A variant (<c>v</c>): a value together with its single complete type.</summary>
public sealed record DBusVariant
{
    /// <summary>A variant of <paramref name="value"/> with the single complete type <paramref name="signature"/>.</summary>
    /// <exception cref="ArgumentException">The signature is not exactly one complete type.</exception>
    public DBusVariant(string signature, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sig = new DBusSignature(signature);
        if (!DBusSignatures.IsSingleCompleteType(sig.Value))
        {
            throw new ArgumentException($"A variant holds one complete type, not '{signature}'.", nameof(signature));
        }
        Signature = sig;
        Value = value;
    }

    /// <summary>The type of <see cref="Value"/>.</summary>
    public DBusSignature Signature { get; }

    /// <summary>The value, in the CLR form described on <see cref="DBusMessage.Body"/>.</summary>
    public object Value { get; }

    /// <summary>Structural equality: same signature and equal values (arrays and structs compared element-wise).</summary>
    public bool Equals(DBusVariant? other) => other is not null && Signature == other.Signature && DBusValues.StructuralEquals(Value, other.Value);

    /// <inheritdoc />
    public override int GetHashCode() => Signature.GetHashCode();
}

/// <summary>A struct (<c>(…)</c>) or the fields of one: its values in order.</summary>
public sealed class DBusStruct : IEquatable<DBusStruct>
{
    /// <summary>A struct of <paramref name="fields"/> (at least one).</summary>
    public DBusStruct(params object[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
    }

    /// <summary>The field values.</summary>
    public IReadOnlyList<object> Fields { get; }

    /// <summary>Field <paramref name="index"/>.</summary>
    public object this[int index] => Fields[index];

    /// <inheritdoc />
    public bool Equals(DBusStruct? other) => other is not null && DBusValues.StructuralEquals(this, other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DBusStruct);

    /// <inheritdoc />
    public override int GetHashCode() => Fields.Count;

    /// <inheritdoc />
    public override string ToString() => "(" + string.Join(", ", Fields) + ")";
}

/// <summary>Helpers over the CLR forms of D-Bus values.</summary>
public static class DBusValues
{
    /// <summary>
    /// Structural equality of two values in the CLR form of <see cref="DBusMessage.Body"/>: arrays, byte arrays,
    /// dictionaries (as ordered entries) and structs compare element by element; doubles compare bitwise so NaN equals
    /// itself.
    /// </summary>
    public static bool StructuralEquals(object? a, object? b)
    {
        switch (a)
        {
            case null:
                return b is null;
            case double x when b is double y:
                return BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y);
            case byte[] x when b is byte[] y:
                return x.AsSpan().SequenceEqual(y);
            case DBusStruct x when b is DBusStruct y:
                return Same(x.Fields, y.Fields);
            case KeyValuePair<object, object> x when b is KeyValuePair<object, object> y:
                return StructuralEquals(x.Key, y.Key) && StructuralEquals(x.Value, y.Value);
            case DBusVariant x when b is DBusVariant y:
                return x.Equals(y);
            case string or DBusObjectPath or DBusSignature:
                return a.Equals(b);
            case IEnumerable x when b is IEnumerable y && b is not string:
                return Same(x.Cast<object>().ToList(), y.Cast<object>().ToList());
            default:
                return a.Equals(b);
        }

        static bool Same(IReadOnlyList<object> x, IReadOnlyList<object> y)
        {
            if (x.Count != y.Count)
            {
                return false;
            }
            for (var i = 0; i < x.Count; i++)
            {
                if (!StructuralEquals(x[i], y[i]))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// A property map (<c>a{sv}</c>, as read) as a dictionary from name to the unwrapped variant value. Later entries
    /// win over earlier ones with the same name.
    /// </summary>
    /// <exception cref="InvalidCastException">The value is not an <c>a{sv}</c> as read by this library.</exception>
    public static Dictionary<string, object> ToPropertyMap(object value)
    {
        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var entry in (KeyValuePair<object, object>[])value)
        {
            map[(string)entry.Key] = entry.Value is DBusVariant v ? v.Value : entry.Value;
        }
        return map;
    }
}

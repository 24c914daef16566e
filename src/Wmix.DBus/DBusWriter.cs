using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace Wmix.DBus;

/// <summary>
/// Marshals values in little-endian D-Bus wire format into a growing buffer. Offsets (and so alignment) count from
/// the start of the buffer, which is the start of the message.
/// </summary>
internal sealed class DBusWriter
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private byte[] _buffer;
    private readonly int _maxArrayLength;
    private readonly bool _bigEndian;

    /// <summary>A writer; big-endian output exists so tests can check the reader's other byte order against our own encoding.</summary>
    public DBusWriter(int capacity = 256, int maxArrayLength = DBusLimits.SpecMaxArrayLength, bool bigEndian = false)
    {
        _buffer = new byte[capacity];
        _maxArrayLength = maxArrayLength;
        _bigEndian = bigEndian;
    }

    private void Put16(ushort value)
    {
        Align(2);
        var span = Reserve(2);
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(span, value);
        }
    }

    private void Put64(ulong value)
    {
        Align(8);
        var span = Reserve(8);
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt64BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span, value);
        }
    }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(Length + count, _buffer.Length * 2));
        }
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }

    public void Align(int alignment)
    {
        var pad = (alignment - (Length % alignment)) % alignment;
        Reserve(pad).Clear();
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt32(uint value)
    {
        Align(4);
        Put32(Reserve(4), value);
    }

    /// <summary>Overwrites a uint32 written earlier (array lengths, the body length).</summary>
    public void PatchUInt32(int offset, uint value) => Put32(_buffer.AsSpan(offset, 4), value);

    private void Put32(Span<byte> span, uint value)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(span, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span, value);
        }
    }

    public void WriteString(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("D-Bus strings cannot contain NUL characters.", nameof(value));
        }
        var count = s_utf8.GetByteCount(value);
        WriteUInt32((uint)count);
        s_utf8.GetBytes(value, Reserve(count));
        WriteByte(0);
    }

    public void WriteSignature(string value)
    {
        WriteByte((byte)value.Length);
        Encoding.ASCII.GetBytes(value, Reserve(value.Length));
        WriteByte(0);
    }

    /// <summary>Writes the values of <paramref name="values"/> as the complete types of <paramref name="signature"/>.</summary>
    public void WriteValues(string signature, IReadOnlyList<object> values)
    {
        var i = 0;
        var n = 0;
        while (i < signature.Length)
        {
            if (n >= values.Count)
            {
                throw new ArgumentException($"The signature '{signature}' needs more than the {values.Count} values given.", nameof(values));
            }
            WriteValue(signature, ref i, values[n++], 0);
        }
        if (n != values.Count)
        {
            throw new ArgumentException($"The signature '{signature}' has {n} complete types but {values.Count} values were given.", nameof(values));
        }
    }

    private static T As<T>(object value, char code) => value is T t ? t
        : throw new ArgumentException($"A value of D-Bus type '{code}' must be a {typeof(T).Name}, not {value?.GetType().Name ?? "null"}.", nameof(value));

    private void WriteValue(string sig, ref int i, object value, int depth)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (depth > DBusLimits.MaxValueDepth)
        {
            throw new ArgumentException($"Values nest deeper than {DBusLimits.MaxValueDepth}.", nameof(value));
        }
        var code = sig[i++];
        switch (code)
        {
            case 'y':
                WriteByte(As<byte>(value, code));
                break;
            case 'b':
                WriteUInt32(As<bool>(value, code) ? 1u : 0u);
                break;
            case 'n':
                Put16(unchecked((ushort)As<short>(value, code)));
                break;
            case 'q':
                Put16(As<ushort>(value, code));
                break;
            case 'i':
                WriteUInt32(unchecked((uint)As<int>(value, code)));
                break;
            case 'u':
                WriteUInt32(As<uint>(value, code));
                break;
            case 'x':
                Put64(unchecked((ulong)As<long>(value, code)));
                break;
            case 't':
                Put64(As<ulong>(value, code));
                break;
            case 'd':
                Put64(BitConverter.DoubleToUInt64Bits(As<double>(value, code)));
                break;
            case 's':
                WriteString(As<string>(value, code));
                break;
            case 'o':
                WriteString(value is string path ? new DBusObjectPath(path).Value : As<DBusObjectPath>(value, code).Value);
                break;
            case 'g':
                WriteSignature(value is string s ? new DBusSignature(s).Value : As<DBusSignature>(value, code).Value);
                break;
            case 'h':
                throw new NotSupportedException("This D-Bus client does not pass Unix file descriptors.");
            case 'v':
                {
                    var variant = As<DBusVariant>(value, code);
                    WriteSignature(variant.Signature.Value);
                    var j = 0;
                    WriteValue(variant.Signature.Value, ref j, variant.Value, depth + 1);
                    break;
                }
            case '(':
                {
                    var fields = value is DBusStruct st ? st.Fields : As<object[]>(value, code);
                    Align(8);
                    var n = 0;
                    while (sig[i] != ')')
                    {
                        if (n >= fields.Count)
                        {
                            throw new ArgumentException("A struct has fewer fields than its signature.", nameof(value));
                        }
                        WriteValue(sig, ref i, fields[n++], depth + 1);
                    }
                    if (n != fields.Count)
                    {
                        throw new ArgumentException("A struct has more fields than its signature.", nameof(value));
                    }
                    i++;
                    break;
                }
            case 'a':
                WriteArray(sig, ref i, value, depth);
                break;
            default:
                throw new ArgumentException($"Unknown type code '{code}'.", nameof(value));
        }
    }

    private void WriteArray(string sig, ref int i, object value, int depth)
    {
        var elementStart = i;
        var elementEnd = DBusSignatures.End(sig, elementStart);
        var element = sig[elementStart];
        WriteUInt32(0);
        var lengthOffset = Length - 4;
        // The padding to the first element's alignment is not counted in the array length, even when empty.
        Align(Alignment(element));
        var start = Length;
        if (element == 'y' && value is byte[] bytes)
        {
            bytes.CopyTo(Reserve(bytes.Length));
        }
        else if (element == '{')
        {
            IEnumerable<KeyValuePair<object, object>> entries = value switch
            {
                IEnumerable<KeyValuePair<object, object>> e => e,
                IDictionary d => Entries(d),
                _ => throw new ArgumentException($"A value of D-Bus type '{sig[(elementStart - 1)..elementEnd]}' must be a dictionary or key/value pairs.", nameof(value)),
            };
            foreach (var entry in entries)
            {
                Align(8);
                var j = elementStart + 1;
                WriteValue(sig, ref j, entry.Key, depth + 1);
                WriteValue(sig, ref j, entry.Value, depth + 1);
            }
        }
        else
        {
            if (value is string or not IEnumerable)
            {
                throw new ArgumentException($"A value of D-Bus type 'a{sig[elementStart..elementEnd]}' must be a sequence.", nameof(value));
            }
            foreach (var item in (IEnumerable)value)
            {
                var j = elementStart;
                WriteValue(sig, ref j, item, depth + 1);
            }
        }
        var length = Length - start;
        if (length > _maxArrayLength)
        {
            throw new ArgumentException($"An array of {length} bytes exceeds the limit of {_maxArrayLength}.", nameof(value));
        }
        PatchUInt32(lengthOffset, (uint)length);
        i = elementEnd;
    }

    private static IEnumerable<KeyValuePair<object, object>> Entries(IDictionary dictionary)
    {
        var e = dictionary.GetEnumerator();
        while (e.MoveNext())
        {
            yield return new(e.Key, e.Value!);
        }
    }

    internal static int Alignment(char code) => code switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 's' or 'o' or 'a' or 'h' => 4,
        _ => 8, // x t d ( {
    };
}

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

    public DBusWriter(int capacity = 256, int maxArrayLength = DBusLimits.SpecMaxArrayLength)
    {
        _buffer = new byte[capacity];
        _maxArrayLength = maxArrayLength;
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
        BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);
    }

    /// <summary>Overwrites a uint32 written earlier (array lengths, the body length).</summary>
    public void PatchUInt32(int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(offset, 4), value);

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
                Align(2);
                BinaryPrimitives.WriteInt16LittleEndian(Reserve(2), As<short>(value, code));
                break;
            case 'q':
                Align(2);
                BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), As<ushort>(value, code));
                break;
            case 'i':
                Align(4);
                BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), As<int>(value, code));
                break;
            case 'u':
                WriteUInt32(As<uint>(value, code));
                break;
            case 'x':
                Align(8);
                BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), As<long>(value, code));
                break;
            case 't':
                Align(8);
                BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), As<ulong>(value, code));
                break;
            case 'd':
                Align(8);
                BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), As<double>(value, code));
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
                IDictionary d => d.Cast<DictionaryEntry>().Select(e => new KeyValuePair<object, object>(e.Key, e.Value!)),
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

    internal static int Alignment(char code) => code switch
    {
        'y' or 'g' or 'v' => 1,
        'n' or 'q' => 2,
        'b' or 'i' or 'u' or 's' or 'o' or 'a' or 'h' => 4,
        _ => 8, // x t d ( {
    };
}

using System.Buffers.Binary;
using System.Text;

namespace Wmix.DBus;

/// <summary>
/// Unmarshals values from a whole message in either byte order, validating as it goes: zero padding, booleans 0 or 1,
/// valid UTF-8 strings without NUL, valid paths and signatures, array lengths within the message and the limits,
/// nesting depth. Every violation is a <see cref="DBusProtocolException"/> naming the offset.
/// </summary>
internal sealed class DBusReader
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _data;
    private readonly int _end;
    private readonly bool _bigEndian;
    private readonly int _maxArrayLength;

    public DBusReader(byte[] data, int end, bool bigEndian, int maxArrayLength)
    {
        _data = data;
        _end = end;
        _bigEndian = bigEndian;
        _maxArrayLength = maxArrayLength;
    }

    public int Position { get; set; }

    private DBusProtocolException Error(string what) => new($"Malformed D-Bus message at offset {Position}: {what}.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _end - Position)
        {
            throw Error($"{count} bytes needed, {_end - Position} left");
        }
        var span = _data.AsSpan(Position, count);
        Position += count;
        return span;
    }

    public void Align(int alignment)
    {
        var pad = (alignment - (Position % alignment)) % alignment;
        foreach (var b in Take(pad))
        {
            if (b != 0)
            {
                throw Error("non-zero alignment padding");
            }
        }
    }

    public byte ReadByte() => Take(1)[0];

    public uint ReadUInt32()
    {
        Align(4);
        var span = Take(4);
        return _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span) : BinaryPrimitives.ReadUInt32LittleEndian(span);
    }

    private string ReadString()
    {
        var length = ReadUInt32();
        if (length > (uint)(_end - Position))
        {
            throw Error($"a string of {length} bytes runs past the message");
        }
        var bytes = Take((int)length);
        if (ReadByte() != 0)
        {
            throw Error("a string is not NUL-terminated");
        }
        if (bytes.Contains((byte)0))
        {
            throw Error("a string contains NUL");
        }
        try
        {
            return s_utf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Error("a string is not valid UTF-8");
        }
    }

    public string ReadSignature()
    {
        var length = ReadByte();
        var bytes = Take(length);
        if (ReadByte() != 0)
        {
            throw Error("a signature is not NUL-terminated");
        }
        var text = Encoding.ASCII.GetString(bytes);
        if (bytes.IndexOfAnyExceptInRange((byte)0x21, (byte)0x7e) >= 0 || DBusSignatures.Check(text) is { } error)
        {
            throw Error($"invalid signature '{text}'");
        }
        return text;
    }

    /// <summary>Reads the complete types of <paramref name="signature"/> (already validated).</summary>
    public object[] ReadValues(string signature, int depth = 0)
    {
        var values = new List<object>();
        var i = 0;
        while (i < signature.Length)
        {
            values.Add(ReadValue(signature, ref i, depth));
        }
        return [.. values];
    }

    public object ReadValue(string sig, ref int i, int depth)
    {
        if (depth > DBusLimits.MaxValueDepth)
        {
            throw Error($"values nest deeper than {DBusLimits.MaxValueDepth}");
        }
        var code = sig[i++];
        switch (code)
        {
            case 'y':
                return ReadByte();
            case 'b':
                return ReadUInt32() switch
                {
                    0 => false,
                    1 => true,
                    var v => throw Error($"boolean value {v}"),
                };
            case 'n':
                {
                    Align(2);
                    var s = Take(2);
                    return _bigEndian ? BinaryPrimitives.ReadInt16BigEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s);
                }
            case 'q':
                {
                    Align(2);
                    var s = Take(2);
                    return _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
                }
            case 'i':
                return unchecked((int)ReadUInt32());
            case 'u':
                return ReadUInt32();
            case 'h':
                return new DBusUnixFd(ReadUInt32());
            case 'x':
            case 't':
            case 'd':
                {
                    Align(8);
                    var s = Take(8);
                    var raw = _bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s);
                    // Each arm boxed on its own: a switch expression would otherwise give all three the common type double.
                    return code switch
                    {
                        'x' => (object)unchecked((long)raw),
                        't' => (object)raw,
                        _ => (object)BitConverter.UInt64BitsToDouble(raw),
                    };
                }
            case 's':
                return ReadString();
            case 'o':
                {
                    var text = ReadString();
                    return DBusNames.IsObjectPath(text) ? new DBusObjectPath(text) : throw Error($"invalid object path '{text}'");
                }
            case 'g':
                return new DBusSignature(ReadSignature());
            case 'v':
                {
                    var inner = ReadSignature();
                    if (!DBusSignatures.IsSingleCompleteType(inner))
                    {
                        throw Error($"a variant's signature '{inner}' is not one complete type");
                    }
                    var j = 0;
                    return new DBusVariant(inner, ReadValue(inner, ref j, depth + 1));
                }
            case '(':
                {
                    Align(8);
                    var fields = new List<object>();
                    while (sig[i] != ')')
                    {
                        fields.Add(ReadValue(sig, ref i, depth + 1));
                    }
                    i++;
                    return new DBusStruct([.. fields]);
                }
            case 'a':
                return ReadArray(sig, ref i, depth);
            default:
                throw Error($"unknown type code '{code}'");
        }
    }

    private object ReadArray(string sig, ref int i, int depth)
    {
        var length = ReadUInt32();
        if (length > (uint)_maxArrayLength)
        {
            throw Error($"an array of {length} bytes exceeds the limit of {_maxArrayLength}");
        }
        var elementStart = i;
        var elementEnd = DBusSignatures.End(sig, elementStart);
        var element = sig[elementStart];
        Align(DBusWriter.Alignment(element));
        if (length > (uint)(_end - Position))
        {
            throw Error($"an array of {length} bytes runs past the message");
        }
        var end = Position + (int)length;
        i = elementEnd;
        if (element == 'y')
        {
            return Take((int)length).ToArray();
        }
        if (element == '{')
        {
            var entries = new List<KeyValuePair<object, object>>();
            while (Position < end)
            {
                Align(8);
                var j = elementStart + 1;
                var key = ReadValue(sig, ref j, depth + 1);
                var value = ReadValue(sig, ref j, depth + 1);
                entries.Add(new(key, value));
                CheckWithin(end);
            }
            return entries.ToArray();
        }
        var items = new List<object>();
        while (Position < end)
        {
            var j = elementStart;
            items.Add(ReadValue(sig, ref j, depth + 1));
            CheckWithin(end);
        }
        return items.ToArray();
    }

    private void CheckWithin(int end)
    {
        if (Position > end)
        {
            throw Error("an array element runs past the array's length");
        }
    }
}

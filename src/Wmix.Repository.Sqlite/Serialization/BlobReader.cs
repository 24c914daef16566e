using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Wmix.Repository.Sqlite.Serialization;

/// <summary>
/// A bounds-checked little-endian reader over a blob. Every malformed input ends in a
/// <see cref="WbemException"/> with <see cref="WbemErrorEnum.wbemErrInvalidObject"/>, never another exception.
/// </summary>
internal ref struct BlobReader
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public BlobReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _position = position;
    }

    public readonly int Position => _position;

    public readonly bool AtEnd => _position == _data.Length;

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if ((uint)count > (uint)(_data.Length - _position))
        {
            throw Corrupt("the blob ends early");
        }
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    public byte ReadByte()
    {
        if (_position >= _data.Length)
        {
            throw Corrupt("the blob ends early");
        }
        return _data[_position++];
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

    public uint ReadVarUInt()
    {
        uint result = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = ReadByte();
            if (shift == 28 && b > 0x0F)
            {
                throw Corrupt("a length overflows");
            }
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw Corrupt("a length overflows");
    }

    /// <summary>A count of items that each take at least <paramref name="minBytesEach"/> bytes: checked against what is left.</summary>
    public int ReadCount(int minBytesEach)
    {
        var count = ReadVarUInt();
        if (count > (uint)(_data.Length - _position) / (uint)Math.Max(1, minBytesEach))
        {
            throw Corrupt("a count exceeds the blob");
        }
        return (int)count;
    }

    /// <summary>A 32-bit count of items that each take at least <paramref name="minBytesEach"/> bytes, checked likewise.</summary>
    public int ReadFixedCount(int minBytesEach)
    {
        var count = ReadUInt32();
        if (count > (uint)(_data.Length - _position) / (uint)Math.Max(1, minBytesEach))
        {
            throw Corrupt("a count exceeds the blob");
        }
        return (int)count;
    }

    public string? ReadString()
    {
        var header = ReadVarUInt();
        if (header == 0)
        {
            return null;
        }
        header--;
        var length = (int)(header >> 1);
        var bytes = ReadBytes(length);
        if ((header & 1) == 0)
        {
            try
            {
                return s_strictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw Corrupt("a string is not valid UTF-8", ex);
            }
        }
        if ((length & 1) != 0)
        {
            throw Corrupt("a UTF-16 string has an odd length");
        }
        return new string(MemoryMarshal.Cast<byte, char>(bytes));
    }

    public string ReadRequiredString(string what) => ReadString() ?? throw Corrupt($"the {what} is missing");

    /// <summary>
    /// Reads a string header and payload without allocating, for comparing names; UTF-16 payloads come back with
    /// <paramref name="utf16"/> set.
    /// </summary>
    public ReadOnlySpan<byte> ReadStringBytes(out bool isNull, out bool utf16)
    {
        var header = ReadVarUInt();
        isNull = header == 0;
        if (isNull)
        {
            utf16 = false;
            return default;
        }
        header--;
        utf16 = (header & 1) != 0;
        return ReadBytes((int)(header >> 1));
    }

    public static WbemException Corrupt(string what, Exception? inner = null) =>
        new(WbemErrorEnum.wbemErrInvalidObject,
            $"A stored object cannot be read: {what}. The repository may be damaged; run 'wmix repository check'.", inner);
}

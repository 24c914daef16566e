using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Wmix.Repository.Sqlite.Serialization;

/// <summary>
/// A growable little-endian byte writer over a pooled array. One writer is cached per thread, so encoding
/// allocates only the final, exact-size result.
/// </summary>
internal sealed class BlobWriter
{
    [ThreadStatic]
    private static BlobWriter? t_cached;

    private byte[] _buffer;
    private int _length;

    private BlobWriter() => _buffer = ArrayPool<byte>.Shared.Rent(1024);

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public Span<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The thread's writer, emptied; give it back with <see cref="Return"/>.</summary>
    public static BlobWriter Rent()
    {
        var writer = t_cached ?? new BlobWriter();
        // A nested encode on the same thread (never done today) would get a fresh writer rather than a shared one.
        t_cached = null;
        writer._length = 0;
        return writer;
    }

    public static void Return(BlobWriter writer)
    {
        if (writer._buffer.Length > 1 << 20)
        {
            // Do not keep a huge buffer alive per thread after one large object.
            ArrayPool<byte>.Shared.Return(writer._buffer);
            writer._buffer = ArrayPool<byte>.Shared.Rent(1024);
        }
        t_cached = writer;
    }

    public Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Grow(int count)
    {
        var size = Math.Max(_buffer.Length * 2, _length + count);
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void WriteByte(byte value)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }
        _buffer[_length++] = value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    /// <summary>LEB128: seven bits per byte, high bit set on all but the last.</summary>
    public void WriteVarUInt(uint value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        WriteByte((byte)value);
    }

    /// <summary>
    /// A string: varint 0 for null, else 1 + (byteLength &lt;&lt; 1 | utf16Flag) and the bytes. UTF-8 when the text
    /// is well-formed UTF-16; raw UTF-16LE when it holds a lone surrogate (which CIM's UCS-2 strings may), so every
    /// .NET string comes back exactly.
    /// </summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(0);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        // Reserve space for the longest header (5 bytes) and the longest UTF-8 form, then write in place.
        var headerAt = _length;
        Reserve(5 + max);
        var target = _buffer.AsSpan(headerAt + 5, max);
        var status = Utf8.FromUtf16(value, target, out _, out var written, replaceInvalidSequences: false);
        uint header;
        ReadOnlySpan<byte> payload;
        if (status == OperationStatus.Done)
        {
            header = 1 + ((uint)written << 1);
            payload = target[..written];
        }
        else
        {
            var utf16 = MemoryMarshal.AsBytes(value.AsSpan());
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("The repository's string encoding assumes a little-endian machine.");
            }
            header = 1 + (((uint)utf16.Length << 1) | 1);
            _length = headerAt;
            WriteVarUInt(header);
            WriteBytes(utf16);
            return;
        }
        // Move the payload down next to its header (CopyTo handles the overlap like memmove).
        _length = headerAt;
        WriteVarUInt(header);
        payload.CopyTo(_buffer.AsSpan(_length));
        _length += payload.Length;
    }

    /// <summary>An exact-size copy of what was written.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}

using System.Buffers.Binary;

namespace Wmix.DBus;

/// <summary>Encodes and decodes whole D-Bus messages (protocol version 1).</summary>
public static class DBusMessageCodec
{
    /// <summary>The fixed part of every header: endianness, type, flags, version, body length, serial, fields length.</summary>
    public const int FixedHeaderLength = 16;

    private const byte FieldPath = 1, FieldInterface = 2, FieldMember = 3, FieldErrorName = 4, FieldReplySerial = 5,
        FieldDestination = 6, FieldSender = 7, FieldSignature = 8, FieldUnixFds = 9;

    /// <summary>Encodes <paramref name="message"/> little-endian with <paramref name="serial"/> (non-zero).</summary>
    /// <exception cref="ArgumentException">The message lacks a header its type requires, a name is invalid, the body
    /// does not match the signature, or a limit is exceeded.</exception>
    public static byte[] Encode(DBusMessage message, uint serial, DBusLimits? limits = null) => EncodeInByteOrder(message, serial, limits, bigEndian: false);

    /// <summary>Encodes in either byte order (big-endian output serves the reader's tests).</summary>
    internal static byte[] EncodeInByteOrder(DBusMessage message, uint serial, DBusLimits? limits, bool bigEndian)
    {
        ArgumentNullException.ThrowIfNull(message);
        limits ??= DBusLimits.Default;
        ArgumentOutOfRangeException.ThrowIfZero(serial);
        if (CheckHeaders(message.Type, message.Path, message.Interface, message.Member, message.ErrorName, message.ReplySerial,
            message.Destination, message.Sender) is { } problem)
        {
            throw new ArgumentException($"Cannot send this {message.Type}: {problem}.", nameof(message));
        }
        var w = new DBusWriter(256, limits.MaxArrayLength, bigEndian);
        w.WriteByte(bigEndian ? (byte)'B' : (byte)'l');
        w.WriteByte((byte)message.Type);
        w.WriteByte((byte)message.Flags);
        w.WriteByte(1);
        w.WriteUInt32(0); // body length, patched below
        w.WriteUInt32(serial);
        var fields = new List<object>();
        void Field(byte code, string sig, object? value)
        {
            if (value is not null)
            {
                fields.Add(new DBusStruct(code, new DBusVariant(sig, value)));
            }
        }
        Field(FieldPath, "o", message.Path);
        Field(FieldInterface, "s", message.Interface);
        Field(FieldMember, "s", message.Member);
        Field(FieldErrorName, "s", message.ErrorName);
        Field(FieldReplySerial, "u", message.ReplySerial == 0 ? null : message.ReplySerial);
        Field(FieldDestination, "s", message.Destination);
        Field(FieldSender, "s", message.Sender);
        Field(FieldSignature, "g", message.Signature.Value.Length == 0 ? null : message.Signature);
        Field(FieldUnixFds, "u", message.UnixFds == 0 ? null : message.UnixFds);
        w.WriteValues("a(yv)", [fields]);
        w.Align(8);
        var bodyStart = w.Length;
        w.WriteValues(message.Signature.Value, message.Body);
        var bodyLength = w.Length - bodyStart;
        if (w.Length > limits.MaxMessageSize)
        {
            throw new ArgumentException($"The message is {w.Length} bytes, over the limit of {limits.MaxMessageSize}.", nameof(message));
        }
        w.PatchUInt32(4, (uint)bodyLength);
        return w.ToArray();
    }

    /// <summary>
    /// The total length of the message whose first <see cref="FixedHeaderLength"/> bytes are <paramref name="fixedHeader"/>,
    /// so a stream reader knows how much more to read before decoding.
    /// </summary>
    /// <exception cref="DBusProtocolException">Bad endianness mark or version, or a length over the limit.</exception>
    public static int GetMessageLength(ReadOnlySpan<byte> fixedHeader, DBusLimits? limits = null)
    {
        limits ??= DBusLimits.Default;
        if (fixedHeader.Length < FixedHeaderLength)
        {
            throw new ArgumentException($"The fixed header is {FixedHeaderLength} bytes.", nameof(fixedHeader));
        }
        var big = fixedHeader[0] switch
        {
            (byte)'l' => false,
            (byte)'B' => true,
            var b => throw new DBusProtocolException($"Malformed D-Bus message: endianness mark 0x{b:x2} is neither 'l' nor 'B'."),
        };
        if (fixedHeader[3] != 1)
        {
            throw new DBusProtocolException($"Malformed D-Bus message: protocol version {fixedHeader[3]}, expected 1.");
        }
        var body = big ? BinaryPrimitives.ReadUInt32BigEndian(fixedHeader[4..]) : BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader[4..]);
        var fields = big ? BinaryPrimitives.ReadUInt32BigEndian(fixedHeader[12..]) : BinaryPrimitives.ReadUInt32LittleEndian(fixedHeader[12..]);
        // In 64 bits: two 32-bit lengths cannot overflow, and a hostile length is refused before any allocation.
        var total = FixedHeaderLength + (((long)fields + 7) & ~7L) + body;
        if (total > limits.MaxMessageSize || fields > (uint)limits.MaxArrayLength)
        {
            throw new DBusProtocolException($"Malformed D-Bus message: {total} bytes announced, over the limit of {limits.MaxMessageSize}.");
        }
        return (int)total;
    }

    /// <summary>Decodes one whole message (exactly <paramref name="data"/>), validating everything.</summary>
    /// <exception cref="DBusProtocolException">The bytes are not a valid message; the text says what is wrong.</exception>
    public static DBusMessage Decode(ReadOnlySpan<byte> data, DBusLimits? limits = null)
    {
        limits ??= DBusLimits.Default;
        if (data.Length < FixedHeaderLength)
        {
            throw new DBusProtocolException($"Malformed D-Bus message: {data.Length} bytes, shorter than a header.");
        }
        var length = GetMessageLength(data, limits);
        if (length != data.Length)
        {
            throw new DBusProtocolException($"Malformed D-Bus message: the header announces {length} bytes, {data.Length} given.");
        }
        var bytes = data.ToArray();
        var big = bytes[0] == (byte)'B';
        var type = bytes[1];
        if (type is < 1 or > 4)
        {
            // The specification says to ignore unknown types; a client that cannot act on one treats it as an error.
            throw new DBusProtocolException($"Malformed D-Bus message: unknown message type {type}.");
        }
        var r = new DBusReader(bytes, bytes.Length, big, limits.MaxArrayLength) { Position = 8 };
        var serial = r.ReadUInt32();
        if (serial == 0)
        {
            throw new DBusProtocolException("Malformed D-Bus message: serial 0.");
        }
        var fieldsLength = (int)(big ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(12)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        var bodyLength = (int)(big ? BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        var raw = (object[])new DBusReader(bytes, FixedHeaderLength + fieldsLength, big, limits.MaxArrayLength) { Position = 12 }.ReadValues("a(yv)")[0];
        DBusObjectPath? path = null;
        string? iface = null, member = null, errorName = null, destination = null, sender = null;
        uint replySerial = 0, fds = 0;
        var signature = "";
        var seen = new HashSet<byte>();
        foreach (DBusStruct f in raw)
        {
            var code = (byte)f[0];
            var v = (DBusVariant)f[1];
            if (code is >= FieldPath and <= FieldUnixFds && !seen.Add(code))
            {
                throw new DBusProtocolException($"Malformed D-Bus message: header field {code} appears twice.");
            }
            var expected = code switch
            {
                FieldPath => "o",
                FieldInterface or FieldMember or FieldErrorName or FieldDestination or FieldSender => "s",
                FieldReplySerial or FieldUnixFds => "u",
                FieldSignature => "g",
                _ => null, // unknown fields are ignored, as the specification asks
            };
            if (expected is null)
            {
                continue;
            }
            if (v.Signature.Value != expected)
            {
                throw new DBusProtocolException($"Malformed D-Bus message: header field {code} has type '{v.Signature}', expected '{expected}'.");
            }
            switch (code)
            {
                case FieldPath: path = (DBusObjectPath)v.Value; break;
                case FieldInterface: iface = (string)v.Value; break;
                case FieldMember: member = (string)v.Value; break;
                case FieldErrorName: errorName = (string)v.Value; break;
                case FieldReplySerial: replySerial = (uint)v.Value; break;
                case FieldDestination: destination = (string)v.Value; break;
                case FieldSender: sender = (string)v.Value; break;
                case FieldSignature: signature = ((DBusSignature)v.Value).Value; break;
                default: fds = (uint)v.Value; break;
            }
        }
        var messageType = (DBusMessageType)type;
        if (CheckHeaders(messageType, path, iface, member, errorName, replySerial, destination, sender) is { } problem)
        {
            throw new DBusProtocolException($"Malformed D-Bus message: {problem}.");
        }
        var bodyStart = FixedHeaderLength + ((fieldsLength + 7) & ~7);
        // The padding between the header fields and the body must be zero too.
        var pad = new DBusReader(bytes, bodyStart, big, limits.MaxArrayLength) { Position = FixedHeaderLength + fieldsLength };
        pad.Align(8);
        var body = new DBusReader(bytes, bodyStart + bodyLength, big, limits.MaxArrayLength) { Position = bodyStart };
        var values = body.ReadValues(signature);
        if (body.Position != bodyStart + bodyLength)
        {
            throw new DBusProtocolException($"Malformed D-Bus message: {bodyStart + bodyLength - body.Position} bytes after the body's values.");
        }
        return new DBusMessage
        {
            Type = messageType,
            Flags = (DBusMessageFlags)bytes[2],
            Serial = serial,
            Path = path,
            Interface = iface,
            Member = member,
            ErrorName = errorName,
            ReplySerial = replySerial,
            Destination = destination,
            Sender = sender,
            Signature = new DBusSignature(signature),
            Body = values,
            UnixFds = fds,
        };
    }

    private static string? CheckHeaders(DBusMessageType type, DBusObjectPath? path, string? iface, string? member, string? errorName,
        uint replySerial, string? destination, string? sender)
    {
        if (iface is not null && !DBusNames.IsInterfaceName(iface))
        {
            return $"invalid interface name '{iface}'";
        }
        if (member is not null && !DBusNames.IsMemberName(member))
        {
            return $"invalid member name '{member}'";
        }
        if (errorName is not null && !DBusNames.IsInterfaceName(errorName))
        {
            return $"invalid error name '{errorName}'";
        }
        if (destination is not null && !DBusNames.IsBusName(destination))
        {
            return $"invalid destination '{destination}'";
        }
        if (sender is not null && !DBusNames.IsBusName(sender))
        {
            return $"invalid sender '{sender}'";
        }
        return type switch
        {
            DBusMessageType.MethodCall when path is null || member is null => "a method call needs a path and a member",
            DBusMessageType.Signal when path is null || iface is null || member is null => "a signal needs a path, an interface and a member",
            DBusMessageType.Error when errorName is null || replySerial == 0 => "an error needs an error name and a reply serial",
            DBusMessageType.MethodReturn when replySerial == 0 => "a method return needs a reply serial",
            _ when (type is DBusMessageType.MethodCall or DBusMessageType.Signal) && iface == "org.freedesktop.DBus.Local" => "the interface org.freedesktop.DBus.Local is reserved",
            _ => null,
        };
    }
}

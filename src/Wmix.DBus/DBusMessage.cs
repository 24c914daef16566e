namespace Wmix.DBus;

/// <summary>The four D-Bus message types.</summary>
public enum DBusMessageType : byte
{
    /// <summary>A method call (needs a path and a member).</summary>
    MethodCall = 1,

    /// <summary>A method's reply (needs a reply serial).</summary>
    MethodReturn = 2,

    /// <summary>An error reply (needs an error name and a reply serial).</summary>
    Error = 3,

    /// <summary>A signal (needs a path, an interface and a member).</summary>
    Signal = 4,
}

/// <summary>Message header flags.</summary>
[Flags]
public enum DBusMessageFlags : byte
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>The caller wants no reply.</summary>
    NoReplyExpected = 1,

    /// <summary>The bus must not start a service to deliver the call.</summary>
    NoAutoStart = 2,

    /// <summary>The caller is prepared to wait for interactive authorization (polkit).</summary>
    AllowInteractiveAuthorization = 4,
}

/// <summary>
/// A D-Bus message. Body values take these CLR forms (on read, and accepted on write): <c>y</c> byte, <c>b</c> bool,
/// <c>n</c> short, <c>q</c> ushort, <c>i</c> int, <c>u</c> uint, <c>x</c> long, <c>t</c> ulong, <c>d</c> double,
/// <c>s</c> string, <c>o</c> <see cref="DBusObjectPath"/> (a string on write), <c>g</c> <see cref="DBusSignature"/> (a
/// string on write), <c>h</c> <see cref="DBusUnixFd"/> (read only), <c>v</c> <see cref="DBusVariant"/>, structs
/// <see cref="DBusStruct"/> (an <c>object[]</c> on write), <c>ay</c> <c>byte[]</c>, dictionaries
/// <c>KeyValuePair&lt;object, object&gt;[]</c> (any <c>IDictionary</c> or key/value sequence on write), other arrays
/// <c>object[]</c> (any sequence on write).
/// </summary>
public sealed class DBusMessage
{
    /// <summary>The message type.</summary>
    public DBusMessageType Type { get; init; }

    /// <summary>Header flags.</summary>
    public DBusMessageFlags Flags { get; init; }

    /// <summary>The sender's serial (assigned when sent; read from the wire on receipt).</summary>
    public uint Serial { get; init; }

    /// <summary>The object path (calls and signals).</summary>
    public DBusObjectPath? Path { get; init; }

    /// <summary>The interface (signals; optional on calls).</summary>
    public string? Interface { get; init; }

    /// <summary>The method or signal name.</summary>
    public string? Member { get; init; }

    /// <summary>The error name (errors).</summary>
    public string? ErrorName { get; init; }

    /// <summary>The serial of the call this answers (returns and errors).</summary>
    public uint ReplySerial { get; init; }

    /// <summary>The bus name the message is for.</summary>
    public string? Destination { get; init; }

    /// <summary>The sender's unique name, as stamped by the bus.</summary>
    public string? Sender { get; init; }

    /// <summary>The body's signature (empty for no body).</summary>
    public DBusSignature Signature { get; init; }

    /// <summary>The body's values, one per complete type of <see cref="Signature"/>.</summary>
    public IReadOnlyList<object> Body { get; init; } = [];

    /// <summary>The number of Unix descriptors that accompany the message (this client sends none).</summary>
    public uint UnixFds { get; init; }

    /// <summary>A method call.</summary>
    /// <exception cref="ArgumentException">A name, path or signature is invalid.</exception>
    public static DBusMessage MethodCall(string? destination, string path, string? @interface, string member, string signature = "", params object[] body)
        => new()
        {
            Type = DBusMessageType.MethodCall,
            Destination = destination,
            Path = new DBusObjectPath(path),
            Interface = @interface,
            Member = member,
            Signature = new DBusSignature(signature),
            Body = body,
        };

    /// <summary>A signal.</summary>
    /// <exception cref="ArgumentException">A name, path or signature is invalid.</exception>
    public static DBusMessage Signal(string path, string @interface, string member, string signature = "", params object[] body)
        => new()
        {
            Type = DBusMessageType.Signal,
            Path = new DBusObjectPath(path),
            Interface = @interface,
            Member = member,
            Signature = new DBusSignature(signature),
            Body = body,
        };

    /// <summary>The error message text (the first body value when it is a string), for error replies.</summary>
    public string? ErrorText => Type == DBusMessageType.Error && Body.Count > 0 && Body[0] is string s ? s : null;

    /// <inheritdoc />
    public override string ToString()
        => $"{Type} serial={Serial} reply={ReplySerial} path={Path} {Interface}.{Member} error={ErrorName} sender={Sender} dest={Destination} sig={Signature}";
}

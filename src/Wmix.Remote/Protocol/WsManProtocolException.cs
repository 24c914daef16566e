namespace Wmix.Remote.Protocol;

/// <summary>Why a message was refused by the codec.</summary>
public enum WsManProtocolError
{
    /// <summary>Not well-formed XML, or XML that is not a SOAP 1.2 envelope of the expected shape.</summary>
    Malformed,
    /// <summary>A DTD, entity declaration or external reference: refused outright (XXE, entity expansion).</summary>
    DtdProhibited,
    /// <summary>The message is larger than the reader's character limit.</summary>
    TooLarge,
    /// <summary>Elements nest deeper than the reader's depth limit.</summary>
    TooDeep,
    /// <summary>A value does not have the type its schema (or <c>xsi:type</c>) says.</summary>
    InvalidValue,
}

/// <summary>
/// A message the codec refuses: malformed, hostile (DTD, entities), oversize or too deep, or with a value of the
/// wrong type. The server answers it with an <c>s:Sender</c> fault (<see cref="WsManFaults.FromProtocolError"/>);
/// the client reports it as a transport failure.
/// </summary>
public sealed class WsManProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WsManProtocolException(WsManProtocolError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>Creates a <see cref="WsManProtocolError.Malformed"/> exception.</summary>
    public WsManProtocolException()
        : this(WsManProtocolError.Malformed, "Malformed WS-Management message.")
    {
    }

    /// <summary>Creates a <see cref="WsManProtocolError.Malformed"/> exception.</summary>
    public WsManProtocolException(string message)
        : this(WsManProtocolError.Malformed, message)
    {
    }

    /// <summary>Creates a <see cref="WsManProtocolError.Malformed"/> exception with a cause.</summary>
    public WsManProtocolException(string message, Exception? innerException)
        : this(WsManProtocolError.Malformed, message, innerException)
    {
    }

    /// <summary>What was wrong.</summary>
    public WsManProtocolError Error { get; }
}

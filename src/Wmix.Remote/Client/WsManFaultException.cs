using Wmix.Remote.Protocol;

namespace Wmix.Remote.Client;

/// <summary>The SOAP fault a server answered with; the inner exception of the <see cref="WbemException"/> the client raises.</summary>
public sealed class WsManFaultException : Exception
{
    /// <summary>Creates the exception for <paramref name="fault"/>.</summary>
    public WsManFaultException(WsManFault fault)
        : base(fault?.Reason is { Length: > 0 } r ? r : "WS-Management fault.")
    {
        ArgumentNullException.ThrowIfNull(fault);
        Fault = fault;
    }

    /// <summary>Creates an exception with a message and no fault detail.</summary>
    public WsManFaultException()
        : this(new WsManFault())
    {
    }

    /// <summary>Creates an exception with a message and no fault detail.</summary>
    public WsManFaultException(string message)
        : this(new WsManFault { Reason = message })
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    public WsManFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        Fault = new WsManFault { Reason = message };
    }

    /// <summary>The fault.</summary>
    public WsManFault Fault { get; }

    /// <summary>The WMI exception for this fault, with this as its inner exception.</summary>
    internal WbemException ToWbemException()
    {
        var code = Fault.ToWbemError();
        return new WbemException(code, Fault.Reason.Length > 0 ? Fault.Reason : WbemException.NameOf(code), this)
        {
            ExtendedStatus = new WbemExtendedStatus(code, Description: Fault.Reason, ProviderName: "WS-Management"),
        };
    }

    /// <summary>The fault behind <paramref name="e"/>, if it came from one.</summary>
    internal static WsManFault? Of(Exception e) => (e as WsManFaultException ?? e.InnerException as WsManFaultException)?.Fault;
}

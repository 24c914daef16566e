using Wmix.Cim;

namespace Wmix.Remote.Protocol;

/// <summary>The SOAP 1.2 fault code (<c>s:Code/s:Value</c>).</summary>
public enum WsManFaultCode
{
    /// <summary><c>s:Sender</c>: the request was wrong.</summary>
    Sender,
    /// <summary><c>s:Receiver</c>: the server failed.</summary>
    Receiver,
    /// <summary><c>s:MustUnderstand</c>: a mandatory header was not understood.</summary>
    MustUnderstand,
    /// <summary><c>s:VersionMismatch</c>: not a SOAP 1.2 envelope.</summary>
    VersionMismatch,
    /// <summary><c>s:DataEncodingUnknown</c>.</summary>
    DataEncodingUnknown,
}

/// <summary>A fault subcode: a QName resolved to its namespace URI (spec §1.9.2).</summary>
/// <param name="Namespace">The subcode's namespace URI.</param>
/// <param name="Name">The local name.</param>
public readonly record struct WsManSubcode(string Namespace, string Name)
{
    /// <summary><c>w:AccessDenied</c>.</summary>
    public static WsManSubcode AccessDenied => new(WsManNamespaces.WsMan, "AccessDenied");
    /// <summary><c>w:AlreadyExists</c>.</summary>
    public static WsManSubcode AlreadyExists => new(WsManNamespaces.WsMan, "AlreadyExists");
    /// <summary><c>w:CannotProcessFilter</c>.</summary>
    public static WsManSubcode WsManCannotProcessFilter => new(WsManNamespaces.WsMan, "CannotProcessFilter");
    /// <summary><c>w:Concurrency</c>.</summary>
    public static WsManSubcode Concurrency => new(WsManNamespaces.WsMan, "Concurrency");
    /// <summary><c>w:EncodingLimit</c>.</summary>
    public static WsManSubcode EncodingLimit => new(WsManNamespaces.WsMan, "EncodingLimit");
    /// <summary><c>w:InternalError</c>.</summary>
    public static WsManSubcode InternalError => new(WsManNamespaces.WsMan, "InternalError");
    /// <summary><c>w:InvalidBookmark</c>.</summary>
    public static WsManSubcode InvalidBookmark => new(WsManNamespaces.WsMan, "InvalidBookmark");
    /// <summary><c>w:InvalidOptions</c>.</summary>
    public static WsManSubcode InvalidOptions => new(WsManNamespaces.WsMan, "InvalidOptions");
    /// <summary><c>w:InvalidParameter</c>.</summary>
    public static WsManSubcode InvalidParameter => new(WsManNamespaces.WsMan, "InvalidParameter");
    /// <summary><c>w:InvalidSelectors</c>.</summary>
    public static WsManSubcode InvalidSelectors => new(WsManNamespaces.WsMan, "InvalidSelectors");
    /// <summary><c>w:QuotaLimit</c>.</summary>
    public static WsManSubcode QuotaLimit => new(WsManNamespaces.WsMan, "QuotaLimit");
    /// <summary><c>w:SchemaValidationError</c>.</summary>
    public static WsManSubcode SchemaValidationError => new(WsManNamespaces.WsMan, "SchemaValidationError");
    /// <summary><c>w:TimedOut</c>.</summary>
    public static WsManSubcode TimedOut => new(WsManNamespaces.WsMan, "TimedOut");
    /// <summary><c>w:UnsupportedFeature</c>.</summary>
    public static WsManSubcode UnsupportedFeature => new(WsManNamespaces.WsMan, "UnsupportedFeature");
    /// <summary><c>a:ActionNotSupported</c>.</summary>
    public static WsManSubcode ActionNotSupported => new(WsManNamespaces.Addressing, "ActionNotSupported");
    /// <summary><c>a:DestinationUnreachable</c>.</summary>
    public static WsManSubcode DestinationUnreachable => new(WsManNamespaces.Addressing, "DestinationUnreachable");
    /// <summary><c>a:EndpointUnavailable</c>.</summary>
    public static WsManSubcode EndpointUnavailable => new(WsManNamespaces.Addressing, "EndpointUnavailable");
    /// <summary><c>a:InvalidMessageInformationHeader</c>.</summary>
    public static WsManSubcode InvalidMessageInformationHeader => new(WsManNamespaces.Addressing, "InvalidMessageInformationHeader");
    /// <summary><c>a:MessageInformationHeaderRequired</c>.</summary>
    public static WsManSubcode MessageInformationHeaderRequired => new(WsManNamespaces.Addressing, "MessageInformationHeaderRequired");
    /// <summary><c>n:CannotProcessFilter</c>.</summary>
    public static WsManSubcode CannotProcessFilter => new(WsManNamespaces.Enumeration, "CannotProcessFilter");
    /// <summary><c>n:FilterDialectRequestedUnavailable</c>.</summary>
    public static WsManSubcode FilterDialectRequestedUnavailable => new(WsManNamespaces.Enumeration, "FilterDialectRequestedUnavailable");
    /// <summary><c>n:InvalidEnumerationContext</c>.</summary>
    public static WsManSubcode InvalidEnumerationContext => new(WsManNamespaces.Enumeration, "InvalidEnumerationContext");
    /// <summary><c>n:TimedOut</c>.</summary>
    public static WsManSubcode EnumerationTimedOut => new(WsManNamespaces.Enumeration, "TimedOut");
    /// <summary><c>n:InvalidExpirationTime</c>.</summary>
    public static WsManSubcode EnumerationInvalidExpirationTime => new(WsManNamespaces.Enumeration, "InvalidExpirationTime");
    /// <summary><c>e:DeliveryModeRequestedUnavailable</c>.</summary>
    public static WsManSubcode DeliveryModeRequestedUnavailable => new(WsManNamespaces.Eventing, "DeliveryModeRequestedUnavailable");
    /// <summary><c>e:EventSourceUnableToProcess</c>.</summary>
    public static WsManSubcode EventSourceUnableToProcess => new(WsManNamespaces.Eventing, "EventSourceUnableToProcess");
    /// <summary><c>e:FilteringRequestedUnavailable</c>.</summary>
    public static WsManSubcode FilteringRequestedUnavailable => new(WsManNamespaces.Eventing, "FilteringRequestedUnavailable");
    /// <summary><c>e:InvalidExpirationTime</c>.</summary>
    public static WsManSubcode EventingInvalidExpirationTime => new(WsManNamespaces.Eventing, "InvalidExpirationTime");
    /// <summary><c>e:InvalidMessage</c>.</summary>
    public static WsManSubcode InvalidMessage => new(WsManNamespaces.Eventing, "InvalidMessage");
    /// <summary><c>e:UnableToRenew</c>.</summary>
    public static WsManSubcode UnableToRenew => new(WsManNamespaces.Eventing, "UnableToRenew");
    /// <summary><c>x:InvalidRepresentation</c>.</summary>
    public static WsManSubcode InvalidRepresentation => new(WsManNamespaces.Transfer, "InvalidRepresentation");
    /// <summary><c>b:PolymorphismModeNotSupported</c>.</summary>
    public static WsManSubcode PolymorphismModeNotSupported => new(WsManNamespaces.CimBinding, "PolymorphismModeNotSupported");

    /// <summary>The fault action that goes with this subcode's namespace (§1.3).</summary>
    public string FaultAction => Namespace switch
    {
        WsManNamespaces.Addressing => WsManActions.AddressingFault,
        WsManNamespaces.Enumeration => WsManActions.EnumerationFault,
        WsManNamespaces.Eventing => WsManActions.EventingFault,
        WsManNamespaces.Transfer => WsManActions.TransferFault,
        WsManNamespaces.CimBinding => WsManActions.CimBindingFault,
        _ => WsManActions.WsManFault,
    };

    /// <inheritdoc />
    public override string ToString() => "{" + Namespace + "}" + Name;
}

/// <summary>
/// A SOAP fault as Wmix reads and writes it: code, subcode, reason, the optional <c>w:FaultDetail</c> URI, and the
/// error codes carried in <c>s:Detail</c> (§1.9.3: MSFT_WmiError / WSManFault).
/// </summary>
public sealed record WsManFault
{
    /// <summary>Sender or Receiver (or a SOAP-level code).</summary>
    public WsManFaultCode Code { get; init; } = WsManFaultCode.Receiver;

    /// <summary>The subcode, or null (e.g. <c>s:MustUnderstand</c>).</summary>
    public WsManSubcode? Subcode { get; init; }

    /// <summary>The human-readable reason (<c>s:Reason/s:Text</c>).</summary>
    public string Reason { get; init; } = "";

    /// <summary>The <c>w:FaultDetail</c> URI, or null.</summary>
    public string? FaultDetail { get; init; }

    /// <summary>The WMI HRESULT (MSFT_WmiError <c>error_Code</c>), or null when the peer sent none.</summary>
    public WbemErrorEnum? WmiError { get; init; }

    /// <summary>The CIM status code (<c>CIMStatusCode</c>), or null.</summary>
    public uint? CimStatusCode { get; init; }

    /// <summary>Windows' WSManFault <c>Code</c> attribute (a Win32 error, HRESULT or WinRM number), or null.</summary>
    public long? WindowsCode { get; init; }

    /// <summary>The machine named by WSManFault, or null.</summary>
    public string? Machine { get; init; }

    /// <summary>The qualified names of headers not understood (for <see cref="WsManFaultCode.MustUnderstand"/>).</summary>
    public IReadOnlyList<System.Xml.XmlQualifiedName> NotUnderstood { get; init; } = [];

    /// <summary>The fault's <c>a:Action</c>.</summary>
    public string Action => Subcode?.FaultAction ?? (Code == WsManFaultCode.MustUnderstand ? WsManActions.AddressingFault : WsManActions.WsManFault);

    /// <summary>The WBEM code this fault means to a WMI client (decode order of §1.9.4).</summary>
    public WbemErrorEnum ToWbemError() => WsManFaults.ToWbemError(this);

    /// <summary>The exception a client raises for this fault.</summary>
    public WbemException ToException() => new(ToWbemError(), Reason.Length > 0 ? Reason : WbemException.NameOf(ToWbemError()))
    {
        ExtendedStatus = new WbemExtendedStatus(ToWbemError(), Description: Reason, ProviderName: "WS-Management"),
    };
}

/// <summary>
/// The mapping between WMI errors and WS-Management faults (spec §1.9.4), both directions.
/// </summary>
public static class WsManFaults
{
    /// <summary>The fault a server sends for <paramref name="code"/>.</summary>
    /// <param name="code">The WMI error.</param>
    /// <param name="message">The reason text.</param>
    /// <param name="inQuery">True when the error came from a WQL filter (Enumerate/Subscribe): an unknown class
    /// then faults with <c>n:CannotProcessFilter</c> instead of <c>a:DestinationUnreachable</c>.</param>
    public static WsManFault FromWbemError(WbemErrorEnum code, string? message, bool inQuery = false)
    {
        var (faultCode, subcode, detail) = code switch
        {
            WbemErrorEnum.wbemErrAccessDenied or WbemErrorEnum.wbemErrPrivilegeNotHeld
                => (WsManFaultCode.Sender, WsManSubcode.AccessDenied, (string?)null),
            WbemErrorEnum.wbemErrInvalidNamespace => (WsManFaultCode.Sender, WsManSubcode.DestinationUnreachable, null),
            WbemErrorEnum.wbemErrInvalidClass when inQuery => (WsManFaultCode.Sender, WsManSubcode.CannotProcessFilter, null),
            WbemErrorEnum.wbemErrInvalidClass => (WsManFaultCode.Sender, WsManSubcode.DestinationUnreachable, null),
            WbemErrorEnum.wbemErrNotFound => (WsManFaultCode.Sender, WsManSubcode.DestinationUnreachable, WsManUris.FaultDetailPrefix + "InvalidResourceURI"),
            WbemErrorEnum.wbemErrInvalidQuery or WbemErrorEnum.wbemErrUnparsableQuery or WbemErrorEnum.wbemErrInvalidQueryType
                or WbemErrorEnum.wbemErrNotEventClass or WbemErrorEnum.wbemErrMissingGroupWithin
                => (WsManFaultCode.Sender, WsManSubcode.CannotProcessFilter, null),
            WbemErrorEnum.wbemErrInvalidParameter or WbemErrorEnum.wbemErrInvalidObjectPath or WbemErrorEnum.wbemErrInvalidMethodParameters
                or WbemErrorEnum.wbemErrValueOutOfRange or WbemErrorEnum.wbemErrIllegalNull or WbemErrorEnum.wbemErrInvalidProperty
                => (WsManFaultCode.Sender, WsManSubcode.InvalidParameter, null),
            WbemErrorEnum.wbemErrTypeMismatch or WbemErrorEnum.wbemErrInvalidObject
                => (WsManFaultCode.Sender, WsManSubcode.SchemaValidationError, null),
            WbemErrorEnum.wbemErrInvalidMethod => (WsManFaultCode.Sender, WsManSubcode.ActionNotSupported, null),
            WbemErrorEnum.wbemErrNotSupported or WbemErrorEnum.wbemErrProviderNotCapable or WbemErrorEnum.wbemErrQueryNotImplemented
                or WbemErrorEnum.wbemErrMethodNotImplemented
                => (WsManFaultCode.Sender, WsManSubcode.UnsupportedFeature, null),
            WbemErrorEnum.wbemErrAlreadyExists => (WsManFaultCode.Sender, WsManSubcode.AlreadyExists, null),
            WbemErrorEnum.wbemErrTimedout or WbemErrorEnum.wbemErrTimeout => (WsManFaultCode.Receiver, WsManSubcode.TimedOut, null),
            WbemErrorEnum.wbemErrServerTooBusy or WbemErrorEnum.wbemErrQueueOverflow => (WsManFaultCode.Receiver, WsManSubcode.QuotaLimit, null),
            _ => (WsManFaultCode.Receiver, WsManSubcode.InternalError, (string?)null),
        };
        return new WsManFault
        {
            Code = faultCode,
            Subcode = subcode,
            Reason = string.IsNullOrEmpty(message) ? WbemException.NameOf(code) : message,
            FaultDetail = detail,
            WmiError = code,
            CimStatusCode = CimStatusOf(code),
        };
    }

    /// <summary>The fault for a message the codec refused (§1.1: <c>s:Sender</c>; oversize gives <c>w:EncodingLimit</c>).</summary>
    public static WsManFault FromProtocolError(WsManProtocolException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var subcode = exception.Error switch
        {
            WsManProtocolError.TooLarge => WsManSubcode.EncodingLimit,
            WsManProtocolError.InvalidValue => WsManSubcode.SchemaValidationError,
            _ => WsManSubcode.InvalidMessageInformationHeader,
        };
        var detail = exception.Error switch
        {
            WsManProtocolError.TooLarge => WsManUris.FaultDetailPrefix + "ServiceEnvelopeLimit",
            WsManProtocolError.DtdProhibited or WsManProtocolError.TooDeep => WsManUris.FaultDetailPrefix + "InvalidFormat",
            _ => null,
        };
        var wmi = exception.Error == WsManProtocolError.InvalidValue ? WbemErrorEnum.wbemErrTypeMismatch : WbemErrorEnum.wbemErrInvalidParameter;
        return new WsManFault
        {
            Code = WsManFaultCode.Sender,
            Subcode = subcode,
            Reason = exception.Message,
            FaultDetail = detail,
            WmiError = wmi,
            CimStatusCode = CimStatusOf(wmi),
        };
    }

    /// <summary>
    /// The WBEM code of a fault: MSFT_WmiError <c>error_Code</c>, then a WSManFault code that is a WBEM HRESULT
    /// (0x8004xxxx), then <c>CIMStatusCode</c>, then the subcode, else wbemErrFailed (§1.9.4).
    /// </summary>
    public static WbemErrorEnum ToWbemError(WsManFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.WmiError is { } wmi && wmi != WbemErrorEnum.wbemNoErr)
        {
            return wmi;
        }
        if (fault.WindowsCode is { } wc && IsWbemHResult(wc))
        {
            return (WbemErrorEnum)unchecked((int)(uint)wc);
        }
        if (fault.CimStatusCode is { } cim && FromCimStatus(cim) is { } fromCim)
        {
            return fromCim;
        }
        if (fault.Subcode is { } sub)
        {
            switch (sub.Name)
            {
                case "AccessDenied": return WbemErrorEnum.wbemErrAccessDenied;
                case "AlreadyExists": return WbemErrorEnum.wbemErrAlreadyExists;
                case "DestinationUnreachable": return WbemErrorEnum.wbemErrNotFound;
                case "CannotProcessFilter": return WbemErrorEnum.wbemErrInvalidQuery;
                case "FilterDialectRequestedUnavailable" or "FilteringRequestedUnavailable" or "FilteringNotSupported":
                    return WbemErrorEnum.wbemErrInvalidQueryType;
                case "InvalidParameter" or "InvalidSelectors" or "InvalidOptions" or "InvalidMessageInformationHeader"
                    or "MessageInformationHeaderRequired":
                    return WbemErrorEnum.wbemErrInvalidParameter;
                case "SchemaValidationError" or "InvalidRepresentation": return WbemErrorEnum.wbemErrTypeMismatch;
                case "ActionNotSupported": return WbemErrorEnum.wbemErrInvalidMethod;
                case "UnsupportedFeature" or "DeliveryModeRequestedUnavailable" or "PolymorphismModeNotSupported":
                    return WbemErrorEnum.wbemErrNotSupported;
                case "TimedOut": return WbemErrorEnum.wbemErrTimedout;
                case "QuotaLimit": return WbemErrorEnum.wbemErrServerTooBusy;
                case "InvalidEnumerationContext": return WbemErrorEnum.wbemErrInvalidParameter;
                case "EventSourceUnableToProcess": return WbemErrorEnum.wbemErrProviderFailure;
                default: break;
            }
        }
        return WbemErrorEnum.wbemErrFailed;
    }

    /// <summary>True when <paramref name="code"/> is an HRESULT of WMI's facility (0x8004xxxx or 0x80043xxx).</summary>
    public static bool IsWbemHResult(long code) => (code & 0xFFFF0000L) == 0x80040000L;

    /// <summary>The DMTF CIM status code (DSP0200 §2.6) for a WMI error.</summary>
    public static uint CimStatusOf(WbemErrorEnum code) => code switch
    {
        WbemErrorEnum.wbemNoErr => 0,
        WbemErrorEnum.wbemErrAccessDenied or WbemErrorEnum.wbemErrPrivilegeNotHeld => 2,
        WbemErrorEnum.wbemErrInvalidNamespace => 3,
        WbemErrorEnum.wbemErrInvalidParameter or WbemErrorEnum.wbemErrInvalidObjectPath or WbemErrorEnum.wbemErrInvalidMethodParameters
            or WbemErrorEnum.wbemErrValueOutOfRange or WbemErrorEnum.wbemErrIllegalNull => 4,
        WbemErrorEnum.wbemErrInvalidClass => 5,
        WbemErrorEnum.wbemErrNotFound => 6,
        WbemErrorEnum.wbemErrNotSupported or WbemErrorEnum.wbemErrProviderNotCapable or WbemErrorEnum.wbemErrMethodNotImplemented => 7,
        WbemErrorEnum.wbemErrClassHasChildren => 8,
        WbemErrorEnum.wbemErrClassHasInstances => 9,
        WbemErrorEnum.wbemErrInvalidSuperclass => 10,
        WbemErrorEnum.wbemErrAlreadyExists => 11,
        WbemErrorEnum.wbemErrInvalidProperty => 12,
        WbemErrorEnum.wbemErrTypeMismatch or WbemErrorEnum.wbemErrInvalidObject => 13,
        WbemErrorEnum.wbemErrInvalidQueryType => 14,
        WbemErrorEnum.wbemErrInvalidQuery or WbemErrorEnum.wbemErrUnparsableQuery => 15,
        WbemErrorEnum.wbemErrMethodDisabled => 16,
        WbemErrorEnum.wbemErrInvalidMethod => 17,
        WbemErrorEnum.wbemErrServerTooBusy or WbemErrorEnum.wbemErrQueueOverflow => 27,
        _ => 1,
    };

    /// <summary>The WMI error for a CIM status code, or null for 0 and unknown codes.</summary>
    public static WbemErrorEnum? FromCimStatus(uint status) => status switch
    {
        1 => WbemErrorEnum.wbemErrFailed,
        2 => WbemErrorEnum.wbemErrAccessDenied,
        3 => WbemErrorEnum.wbemErrInvalidNamespace,
        4 => WbemErrorEnum.wbemErrInvalidParameter,
        5 => WbemErrorEnum.wbemErrInvalidClass,
        6 => WbemErrorEnum.wbemErrNotFound,
        7 => WbemErrorEnum.wbemErrNotSupported,
        8 => WbemErrorEnum.wbemErrClassHasChildren,
        9 => WbemErrorEnum.wbemErrClassHasInstances,
        10 => WbemErrorEnum.wbemErrInvalidSuperclass,
        11 => WbemErrorEnum.wbemErrAlreadyExists,
        12 => WbemErrorEnum.wbemErrInvalidProperty,
        13 => WbemErrorEnum.wbemErrTypeMismatch,
        14 => WbemErrorEnum.wbemErrInvalidQueryType,
        15 => WbemErrorEnum.wbemErrInvalidQuery,
        16 => WbemErrorEnum.wbemErrMethodDisabled,
        17 => WbemErrorEnum.wbemErrInvalidMethod,
        20 or 21 => WbemErrorEnum.wbemErrInvalidParameter,
        27 => WbemErrorEnum.wbemErrServerTooBusy,
        _ => null,
    };

    /// <summary>The MI error category (§1.9.3) of a WMI error, for <c>error_Category</c>.</summary>
    public static uint MiCategoryOf(WbemErrorEnum code) => code switch
    {
        WbemErrorEnum.wbemErrAccessDenied or WbemErrorEnum.wbemErrPrivilegeNotHeld => 18,
        WbemErrorEnum.wbemErrInvalidParameter or WbemErrorEnum.wbemErrInvalidObjectPath or WbemErrorEnum.wbemErrTypeMismatch => 5,
        WbemErrorEnum.wbemErrNotFound or WbemErrorEnum.wbemErrInvalidClass or WbemErrorEnum.wbemErrInvalidNamespace => 13,
        WbemErrorEnum.wbemErrNotSupported or WbemErrorEnum.wbemErrMethodNotImplemented => 11,
        WbemErrorEnum.wbemErrInvalidQuery or WbemErrorEnum.wbemErrUnparsableQuery => 16,
        WbemErrorEnum.wbemErrAlreadyExists => 20,
        WbemErrorEnum.wbemErrTimedout or WbemErrorEnum.wbemErrTimeout => 15,
        WbemErrorEnum.wbemErrServerTooBusy => 30,
        WbemErrorEnum.wbemErrCallCancelled => 14,
        _ => 0,
    };
}

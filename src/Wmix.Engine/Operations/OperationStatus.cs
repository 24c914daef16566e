using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>Why an operation ended.</summary>
public enum OperationEndReason
{
    /// <summary>It ran to its natural end with success.</summary>
    Completed,
    /// <summary>It failed (provider, repository, query or path error).</summary>
    Failed,
    /// <summary>It was cancelled before it ended by itself.</summary>
    Cancelled,
}

/// <summary>
/// The one final status of an operation: WMI's HRESULT (0 for success), the extended error when one exists,
/// and the reason it ended.
/// </summary>
/// <param name="Code">The WBEM code; <see cref="WbemErrorEnum.wbemNoErr"/> on success, <see cref="WbemErrorEnum.wbemErrCallCancelled"/> when cancelled.</param>
/// <param name="Reason">Why the operation ended.</param>
/// <param name="Message">A plain message for failures.</param>
/// <param name="ExtendedStatus">Details in the shape of <c>__ExtendedStatus</c>, or null.</param>
public readonly record struct OperationStatus(
    WbemErrorEnum Code,
    OperationEndReason Reason,
    string? Message = null,
    WbemExtendedStatus? ExtendedStatus = null)
{
    /// <summary>Success.</summary>
    public static OperationStatus Success => new(WbemErrorEnum.wbemNoErr, OperationEndReason.Completed);

    /// <summary>Cancelled by the client: <c>wbemErrCallCancelled</c> 0x80041032.</summary>
    public static OperationStatus Cancelled => new(WbemErrorEnum.wbemErrCallCancelled, OperationEndReason.Cancelled, "The call was cancelled.");

    /// <summary>True for success.</summary>
    public bool IsSuccess => Code == WbemErrorEnum.wbemNoErr;

    /// <summary>The failure status of an exception: WBEM exceptions keep their code, anything else is wbemErrFailed.</summary>
    public static OperationStatus FromException(Exception exception, string? operation = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            WbemException { ErrorCode: WbemErrorEnum.wbemErrCallCancelled } => Cancelled,
            WbemException w => new(w.ErrorCode, OperationEndReason.Failed, w.Message,
                w.ExtendedStatus ?? new WbemExtendedStatus(w.ErrorCode, operation, w.Message, ProviderName: "Wmix")),
            OperationCanceledException => Cancelled,
            OutOfMemoryException => new(WbemErrorEnum.wbemErrOutOfMemory, OperationEndReason.Failed, exception.Message),
            _ => new(WbemErrorEnum.wbemErrFailed, OperationEndReason.Failed, exception.Message,
                new WbemExtendedStatus(WbemErrorEnum.wbemErrFailed, operation, exception.Message, ProviderName: "Wmix")),
        };
    }

    /// <summary>The exception that reports this status to a synchronous caller; null on success.</summary>
    public WbemException? ToException() => IsSuccess
        ? null
        : new WbemException(Code, Message ?? WbemException.NameOf(Code)) { ExtendedStatus = ExtendedStatus };
}

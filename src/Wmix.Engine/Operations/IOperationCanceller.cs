namespace Wmix.Engine;

/// <summary>
/// Implemented by connections whose cancel involves more than ending the operation locally (remote: a Release or
/// Unsubscribe the server must acknowledge). <c>SWbemSink.Cancel</c> uses it to report a cancel that could not
/// reach the server.
/// </summary>
public interface IOperationCanceller
{
    /// <summary>
    /// Cancels <paramref name="operation"/> (it ends with wbemErrCallCancelled at once) and waits, bounded, until
    /// the source has acknowledged. Never throws.
    /// </summary>
    /// <returns>Null when the cancel went through; otherwise the failure (a <see cref="WbemException"/> with
    /// wbemErrTransportFailure or wbemErrAccessDenied).</returns>
    Exception? CancelOperation(CimOperation operation);
}

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
    /// <remarks>
    /// The caller may already have ended <paramref name="operation"/> with <see cref="CimOperation.Cancel"/> (to
    /// start many cancels at once before waiting for each, issue #6); the acknowledgement of that cancel must still
    /// be waited for and its failure reported.
    /// </remarks>
    /// <returns>Null when the cancel went through; otherwise the failure (a <see cref="WbemException"/> with
    /// wbemErrTransportFailure or wbemErrAccessDenied).</returns>
    Exception? CancelOperation(CimOperation operation);
}

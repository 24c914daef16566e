using System.Diagnostics;
using Wmix.Engine;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>Handles <see cref="SWbemSink.OnObjectReady"/>: one result of an async call.</summary>
/// <param name="objWbemObject">The result: an instance, class, event or method out-parameters object.</param>
/// <param name="objWbemAsyncContext">The async context the call was given, or null.</param>
public delegate void SWbemSinkOnObjectReadyEventHandler(SWbemObject objWbemObject, SWbemNamedValueSet? objWbemAsyncContext);

/// <summary>Handles <see cref="SWbemSink.OnCompleted"/>: the one final event of an async call.</summary>
/// <param name="iHResult">The call's result: <see cref="WbemErrorEnum.wbemNoErr"/>, an error, or <see cref="WbemErrorEnum.wbemErrCallCancelled"/> after <see cref="SWbemSink.Cancel"/>.</param>
/// <param name="objWbemErrorObject">Extended error information for a failure, or null.</param>
/// <param name="objWbemAsyncContext">The async context the call was given, or null.</param>
public delegate void SWbemSinkOnCompletedEventHandler(WbemErrorEnum iHResult, SWbemLastError? objWbemErrorObject, SWbemNamedValueSet? objWbemAsyncContext);

/// <summary>Handles <see cref="SWbemSink.OnProgress"/>: interim status of a call made with <c>wbemFlagSendStatus</c>.</summary>
/// <param name="iUpperBound">The total number of tasks.</param>
/// <param name="iCurrent">The number of tasks done.</param>
/// <param name="strMessage">A status message, or null.</param>
/// <param name="objWbemAsyncContext">The async context the call was given, or null.</param>
public delegate void SWbemSinkOnProgressEventHandler(int iUpperBound, int iCurrent, string? strMessage, SWbemNamedValueSet? objWbemAsyncContext);

/// <summary>Handles <see cref="SWbemSink.OnObjectPut"/>: an async put stored its object.</summary>
/// <param name="objWbemObjectPath">The path of the stored class or instance.</param>
/// <param name="objWbemAsyncContext">The async context the call was given, or null.</param>
public delegate void SWbemSinkOnObjectPutEventHandler(SWbemObjectPath objWbemObjectPath, SWbemNamedValueSet? objWbemAsyncContext);

/// <summary>
/// Receives the results of asynchronous calls (WMI's <c>SWbemSink</c>, creatable): pass it as
/// <c>objWbemSink</c> to any <c>…Async</c> / <c>…Async_</c> method and handle its events.
/// </summary>
/// <remarks>
/// <para><b>Delivery.</b> One sink may serve many calls at once; each event carries its call's
/// <c>objWbemAsyncContext</c>. Per call: <see cref="OnObjectReady"/>* and <see cref="OnProgress"/>* (only with
/// <c>wbemFlagSendStatus</c>), one <see cref="OnObjectPut"/> for puts, then exactly one <see cref="OnCompleted"/>,
/// last. Events of one sink are raised in order, one at a time (never overlapping), on a thread-pool thread; a
/// slow handler delays only its own sink. Handlers should return quickly (WMI asks for ~100 ms). An exception
/// thrown by a handler is caught and traced; delivery continues. A call that fails up front throws from the
/// method and raises no event.</para>
/// <para><b>Cancel.</b> <see cref="Cancel"/> cancels every outstanding call of the sink, on every connection.
/// Each gets exactly one <c>OnCompleted(wbemErrCallCancelled)</c> — unless its natural final event was already
/// on its way and none of its results was lost, then that one. Once <see cref="Cancel"/> returns no further
/// <see cref="OnObjectReady"/>, <see cref="OnProgress"/> or <see cref="OnObjectPut"/> of those calls is raised.
/// Called from a handler of this sink it does not wait: the other calls are cancelled at once and the current
/// call's <see cref="OnCompleted"/> follows when the handler returns. The sink stays usable afterwards.</para>
/// <para><b>Lifetime.</b> Dropping the last reference to a sink cancels nothing (as in WMI): while calls are
/// outstanding the engine keeps the sink alive and keeps delivering; only <see cref="Cancel"/> stops the work.
/// Once no call is outstanding nothing else holds the sink.</para>
/// <para><b>Security.</b> On Windows an async callback lets unauthenticated parties push data into the sink.
/// Wmix never opens an inbound callback endpoint: a sink receives only the results of calls it issued, over
/// the caller's own connection.</para>
/// </remarks>
public sealed class SWbemSink
{
    private readonly SinkDispatcher _dispatcher;

    /// <summary>Creates a sink with no outstanding calls.</summary>
    public SWbemSink()
        : this(SinkDispatcher.DefaultCapacity)
    {
    }

    internal SWbemSink(int capacity) => _dispatcher = new SinkDispatcher(this, capacity);

    /// <summary>Raised once per result of a call.</summary>
    public event SWbemSinkOnObjectReadyEventHandler? OnObjectReady;

    /// <summary>Raised once per call, last: success, failure or cancellation.</summary>
    public event SWbemSinkOnCompletedEventHandler? OnCompleted;

    /// <summary>Raised for progress reports of calls made with <c>wbemFlagSendStatus</c>.</summary>
    public event SWbemSinkOnProgressEventHandler? OnProgress;

    /// <summary>Raised once by an async put, before its <see cref="OnCompleted"/>.</summary>
    public event SWbemSinkOnObjectPutEventHandler? OnObjectPut;

    internal SinkDispatcher Dispatcher => _dispatcher;

    internal SWbemSinkOnObjectReadyEventHandler? ObjectReadyHandlers => OnObjectReady;

    internal SWbemSinkOnCompletedEventHandler? CompletedHandlers => OnCompleted;

    internal SWbemSinkOnProgressEventHandler? ProgressHandlers => OnProgress;

    internal SWbemSinkOnObjectPutEventHandler? ObjectPutHandlers => OnObjectPut;

    /// <summary>The calls of this sink whose final event has not been raised yet.</summary>
    internal int OutstandingCalls => _dispatcher.OutstandingCount;

    /// <summary>
    /// Cancels every outstanding asynchronous call made with this sink. Each gets exactly one
    /// <see cref="OnCompleted"/> (normally <c>wbemErrCallCancelled</c>); when this method returns, no other event of
    /// those calls will be raised, a handler of this sink that was running has returned, and the engine has
    /// released the calls. With no outstanding call it does nothing.
    /// </summary>
    /// <remarks>
    /// From inside a handler of this sink it neither waits nor deadlocks; the current call's
    /// <see cref="OnCompleted"/> is raised after the handler returns. Method executions are cancelled on the
    /// client side only: the provider runs the method to completion (WMI's rule).
    /// </remarks>
    /// <exception cref="WbemException">
    /// wbemErrFailed when a call could not be cancelled or released in time (5 s), wbemErrOutOfMemory, or the
    /// code a connection reported for its cancel (wbemErrTransportFailure, wbemErrAccessDenied).
    /// </exception>
    public void Cancel()
    {
        try
        {
            _dispatcher.CancelAll(SinkDispatcher.DefaultCancelTimeout);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    internal static void TraceHandlerFailure(string eventName, Exception e) =>
        Trace.TraceError($"Wmix: an SWbemSink.{eventName} handler threw; delivery continues. {e}");
}

using Wmix.Cim;
using Wmix.Engine;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// The events of an <see cref="SWbemServices.ExecNotificationQuery"/> subscription, read one at a time
/// (WMI's <c>SWbemEventSource</c>); not creatable.
/// </summary>
/// <remarks>
/// Events are buffered (bounded) from the moment the subscription starts; when the buffer is full the engine
/// drops further events and counts them rather than hold the event source back. A timed-out wait loses no
/// event. Disposing the source (a .NET extension) cancels the subscription.
/// </remarks>
public sealed class SWbemEventSource : IDisposable
{
    private readonly ChannelOperationSink _sink;
    private readonly CimOperation _operation;
    private readonly SWbemServices _services;

    internal SWbemEventSource(SWbemServices services, ChannelOperationSink sink, CimOperation operation)
    {
        _services = services;
        _sink = sink;
        _operation = operation;
    }

    /// <summary>Security settings of the subscription.</summary>
    public SWbemSecurity Security_ => _services.Security_;

    /// <summary>Waits for the next event and returns it.</summary>
    /// <param name="iTimeoutMs">How long to wait, in milliseconds; <c>wbemTimeoutInfinite</c> (−1, the default) waits with no limit.</param>
    /// <exception cref="WbemException">wbemErrTimedout (0x80043001) when no event arrived in time; the subscription's failure when it failed; wbemErrInvalidParameter for a negative timeout other than −1.</exception>
    public SWbemObject NextEvent(int iTimeoutMs = (int)WbemTimeout.wbemTimeoutInfinite)
    {
        if (iTimeoutMs < -1)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"NextEvent: {iTimeoutMs} is not a timeout.");
        }
        using var timeout = iTimeoutMs == -1 ? null : new CancellationTokenSource(iTimeoutMs);
        CimObject? value;
        bool got;
        try
        {
            got = _sink.TryTake(out value, timeout?.Token ?? CancellationToken.None);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrTimedout, $"NextEvent: no event arrived within {iTimeoutMs} ms.");
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
        if (!got)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrFailed, "NextEvent: the subscription has ended.");
        }
        return new SWbemObjectEx(value!, _services);
    }

    /// <summary>Cancels the subscription and releases buffered events. (.NET extension.)</summary>
    public void Dispose()
    {
        _sink.Abandon();
        _operation.Cancel();
    }
}

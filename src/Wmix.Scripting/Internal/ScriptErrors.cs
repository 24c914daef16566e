using System.Diagnostics.CodeAnalysis;
using Wmix.Cim;

namespace Wmix.Scripting.Internal;

/// <summary>
/// Raising WBEM errors from the scripting layer and remembering the calling thread's last one for
/// <see cref="SWbemLastError"/> (spec §3.3: per thread; a retrieval resets it).
/// </summary>
internal static class ScriptErrors
{
    [ThreadStatic]
    private static WbemExtendedStatus? t_lastError;

    /// <summary>Exception filter that records <paramref name="exception"/> as the thread's last error and lets it pass.</summary>
    public static bool Record(Exception exception)
    {
        if (exception is WbemException w)
        {
            t_lastError = w.ExtendedStatus ?? new WbemExtendedStatus(w.ErrorCode, Operation: null, w.Message, ProviderName: "Wmix.Scripting");
        }
        return false;
    }

    /// <summary>Takes the thread's last error and clears it; null when there is none.</summary>
    public static WbemExtendedStatus? TakeLastError()
    {
        var e = t_lastError;
        t_lastError = null;
        return e;
    }

    /// <summary>Records and returns a new exception.</summary>
    public static WbemException Error(WbemErrorEnum code, string message)
    {
        var e = new WbemException(code, message);
        Record(e);
        return e;
    }

    [DoesNotReturn]
    public static void Throw(WbemErrorEnum code, string message) => throw Error(code, message);

    public static WbemException InvalidFlags(int iFlags, string method, int allowed) => Error(WbemErrorEnum.wbemErrInvalidParameter,
        $"{method}: iFlags 0x{iFlags:X} contains flags it does not accept (allowed: 0x{allowed:X}).");

    public static void CheckFlags(int iFlags, int allowed, string method)
    {
        if ((iFlags & ~allowed) != 0)
        {
            throw InvalidFlags(iFlags, method, allowed);
        }
    }
}

using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// Extended information about the last failed call on this thread (WMI's <c>SWbemLastError</c>, creatable): an
/// object of class <c>__ExtendedStatus</c> with <c>Description</c>, <c>Operation</c>, <c>ParameterInfo</c>,
/// <c>ProviderName</c> and <c>StatusCode</c>, read through <see cref="SWbemObject.Properties_"/> or <c>dynamic</c>.
/// </summary>
/// <remarks>
/// Creating one takes the calling thread's last error and resets it, so a second creation fails until another
/// call fails. Async failures deliver it as <see cref="SWbemSink.OnCompleted"/>'s <c>objWbemErrorObject</c>.
/// Of the inherited members only Clone_, CompareTo_, GetObjectText_, Path_ and Properties_ are meaningful.
/// </remarks>
public sealed class SWbemLastError : SWbemObject
{
    private static readonly CimClass s_class = BuildClass();

    /// <summary>Takes the extended error of the last failed call on this thread.</summary>
    /// <exception cref="WbemException">wbemErrNotFound when there is no error information (none since the last retrieval).</exception>
    public SWbemLastError()
        : base(Take(), services: null)
    {
    }

    internal SWbemLastError(WbemExtendedStatus status)
        : base(Build(status), services: null)
    {
    }

    private static CimInstance Take() =>
        ScriptErrors.TakeLastError() is { } status
            ? Build(status)
            : throw new WbemException(WbemErrorEnum.wbemErrNotFound, "There is no error information on this thread (no call has failed since the last SWbemLastError was created).");

    private static CimInstance Build(WbemExtendedStatus status)
    {
        var i = s_class.SpawnInstance();
        i.SetValue("StatusCode", unchecked((uint)(int)status.StatusCode));
        i.SetValue("Operation", status.Operation);
        i.SetValue("Description", status.Description);
        i.SetValue("ParameterInfo", status.ParameterInfo);
        i.SetValue("ProviderName", status.ProviderName);
        return (CimInstance)i.Freeze();
    }

    private static CimClass BuildClass()
    {
        var notify = new CimClass("__NotifyStatus");
        notify.AddProperty("StatusCode", CimType.UInt32);
        notify.Freeze();
        var ext = new CimClass("__ExtendedStatus", notify);
        ext.AddProperty("Description", CimType.String);
        ext.AddProperty("Operation", CimType.String);
        ext.AddProperty("ParameterInfo", CimType.String);
        ext.AddProperty("ProviderName", CimType.String);
        ext.Freeze();
        return ext;
    }
}

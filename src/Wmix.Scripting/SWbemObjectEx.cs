using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// An <see cref="SWbemObject"/> with the later additions (WMI's <c>SWbemObjectEx</c>): <see cref="Refresh_"/>,
/// <see cref="SystemProperties_"/>, <see cref="GetText_(WbemObjectTextFormatEnum, int, SWbemNamedValueSet?)"/> and
/// <see cref="SetFromText_(string, WbemObjectTextFormatEnum, int, SWbemNamedValueSet?)"/>. Every object the API
/// returns is one.
/// </summary>
public class SWbemObjectEx : SWbemObject
{
    internal SWbemObjectEx(CimObject value, SWbemServices? services, bool forwardOnly = false)
        : base(value, services, forwardOnly)
    {
    }

    /// <summary>The system properties (<c>__CLASS</c>, <c>__PATH</c>, <c>__GENUS</c>…).</summary>
    public SWbemPropertySet SystemProperties_ => new(this, system: true);

    /// <summary>Reloads the object from WMI, discarding local changes.</summary>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <exception cref="WbemException">wbemErrNotFound when the object no longer exists.</exception>
    public void Refresh_(int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        ScriptErrors.CheckFlags(iFlags, 0, nameof(Refresh_));
        var fresh = RequireServices(nameof(Refresh_)).Get(RequirePath(nameof(Refresh_)), 0, objWbemNamedValueSet);
        Replace(fresh.Object);
    }

    /// <summary>
    /// The object as XML text in a CIM DTD format. Not implemented in this version: raises wbemErrNotSupported
    /// (use <see cref="SWbemObject.GetObjectText_"/> for MOF).
    /// </summary>
    /// <exception cref="WbemException">wbemErrNotSupported; wbemErrInvalidParameter for an unknown format.</exception>
    public string GetText_(WbemObjectTextFormatEnum iTextFormat, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        CheckFormat(iTextFormat, iFlags, nameof(GetText_));
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotSupported,
            $"GetText_: the XML text formats are not supported yet; use GetObjectText_ for MOF.");
    }

    /// <inheritdoc cref="GetText_(WbemObjectTextFormatEnum, int, SWbemNamedValueSet?)"/>
    public string GetText_(int iTextFormat, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        GetText_((WbemObjectTextFormatEnum)iTextFormat, iFlags, objWbemNamedValueSet);

    /// <summary>
    /// Replaces the object with one read from XML text in a CIM DTD format. Not implemented in this version:
    /// raises wbemErrNotSupported.
    /// </summary>
    /// <exception cref="WbemException">wbemErrNotSupported; wbemErrInvalidParameter for an unknown format.</exception>
    public void SetFromText_(string bsText, WbemObjectTextFormatEnum iTextFormat, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        CheckFormat(iTextFormat, iFlags, nameof(SetFromText_));
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotSupported, "SetFromText_: the XML text formats are not supported yet.");
    }

    /// <inheritdoc cref="SetFromText_(string, WbemObjectTextFormatEnum, int, SWbemNamedValueSet?)"/>
    public void SetFromText_(string bsText, int iTextFormat, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        SetFromText_(bsText, (WbemObjectTextFormatEnum)iTextFormat, iFlags, objWbemNamedValueSet);

    private static void CheckFormat(WbemObjectTextFormatEnum format, int iFlags, string method)
    {
        ScriptErrors.CheckFlags(iFlags, 0, method);
        if (!Enum.IsDefined(format))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: {(int)format} is not a WbemObjectTextFormatEnum value.");
        }
    }
}

namespace Wmix.Scripting;

/// <summary>
/// The one exception every Wmix layer raises for a WBEM failure. <see cref="Exception.HResult"/> is the
/// <see cref="WbemErrorEnum"/> value, so scripts that compare <c>Err.Number</c>-style codes keep working.
/// </summary>
/// <remarks>
/// Bad input (queries, paths, datetimes, MOF) carries the 1-based <see cref="Line"/> and <see cref="Column"/>
/// of the fault and, for MOF, the <see cref="File"/>. Failures that a provider or the object manager
/// describes further carry an <see cref="ExtendedStatus"/>, which the scripting layer exposes as
/// <c>SWbemLastError</c>.
/// </remarks>
public sealed class WbemException : Exception
{
    /// <summary>Creates an exception for <paramref name="errorCode"/> with a plain message.</summary>
    public WbemException(WbemErrorEnum errorCode, string message)
        : this(errorCode, message, innerException: null)
    {
    }

    /// <summary>Creates an exception for <paramref name="errorCode"/> caused by <paramref name="innerException"/>.</summary>
    public WbemException(WbemErrorEnum errorCode, string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        HResult = (int)errorCode;
    }

    /// <summary>Creates an exception that points at a place in some input text.</summary>
    public WbemException(WbemErrorEnum errorCode, string message, int line, int column, string? file = null)
        : this(errorCode, message)
    {
        Line = line;
        Column = column;
        File = file;
    }

    /// <summary>The WBEM error code; the same value as <see cref="Exception.HResult"/>.</summary>
    public WbemErrorEnum ErrorCode { get; }

    /// <summary>1-based line of the fault in the input, or 0 when the error is not about input text.</summary>
    public int Line { get; }

    /// <summary>1-based column of the fault in the input, or 0 when the error is not about input text.</summary>
    public int Column { get; }

    /// <summary>The file the fault is in (MOF), or null.</summary>
    public string? File { get; }

    /// <summary>Details in the shape of WMI's <c>__ExtendedStatus</c>, when a component supplied them.</summary>
    public WbemExtendedStatus? ExtendedStatus { get; init; }

    /// <summary>The code's documented name, e.g. <c>wbemErrInvalidQuery</c>, or its hex form when it has none.</summary>
    public string ErrorName => NameOf(ErrorCode);

    /// <summary>The documented name of <paramref name="code"/>, or <c>0x…</c> when it has none.</summary>
    public static string NameOf(WbemErrorEnum code) =>
        Enum.IsDefined(code) ? code.ToString() : "0x" + ((uint)code).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string Message
    {
        get
        {
            var text = base.Message;
            if (Line > 0 || Column > 0)
            {
                var where = File is null ? $"line {Line}, column {Column}" : $"{File}({Line},{Column})";
                text = Line > 0 ? $"{where}: {text}" : $"column {Column}: {text}";
            }
            return text;
        }
    }

    /// <summary>True when <paramref name="hresult"/> names <paramref name="code"/>, in signed or unsigned form.</summary>
    public static bool Is(long hresult, WbemErrorEnum code) => unchecked((int)hresult) == (int)code;
}

/// <summary>
/// Extended error information in the shape of WMI's <c>__ExtendedStatus</c> class.
/// </summary>
/// <param name="StatusCode">The WBEM status code.</param>
/// <param name="Operation">The operation that failed, e.g. <c>ExecQuery</c>.</param>
/// <param name="Description">A human-readable description.</param>
/// <param name="ParameterInfo">The parameter the failure concerns (a query, a path).</param>
/// <param name="ProviderName">The provider that reported the failure, or <c>WinMgmt</c> for the object manager.</param>
public sealed record WbemExtendedStatus(
    WbemErrorEnum StatusCode,
    string? Operation = null,
    string? Description = null,
    string? ParameterInfo = null,
    string? ProviderName = null);

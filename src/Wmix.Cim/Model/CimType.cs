namespace Wmix.Cim;

/// <summary>
/// The CIM data types, with WMI's CIMTYPE values. Arrays are not a separate type: declarations carry an
/// <c>IsArray</c> flag (COM ORs in <see cref="CimTypes.ArrayFlag"/>; the scripting layer exposes <c>IsArray</c>).
/// </summary>
/// <remarks>
/// CLR representation of values: sint8 <see cref="sbyte"/>, uint8 <see cref="byte"/>, sint16 <see cref="short"/>,
/// uint16 <see cref="ushort"/>, sint32 <see cref="int"/>, uint32 <see cref="uint"/>, sint64 <see cref="long"/>,
/// uint64 <see cref="ulong"/>, real32 <see cref="float"/>, real64 <see cref="double"/>, boolean <see cref="bool"/>,
/// string <see cref="string"/>, datetime <see cref="string"/> in DMTF form (as WMI hands it out), reference
/// <see cref="string"/> holding an object path, char16 <see cref="char"/>, object <see cref="CimObject"/>.
/// Arrays are one-dimensional CLR arrays of the element type (<c>uint[]</c>, <c>CimObject[]</c>…).
/// </remarks>
#pragma warning disable CA1720 // The CIM type names (String, Object…) are the domain's own words.
public enum CimType
{
    /// <summary>No type (COM CIM_EMPTY); only for values whose type is not known.</summary>
    None = 0,
    /// <summary>Signed 16-bit integer (CIM_SINT16).</summary>
    SInt16 = 2,
    /// <summary>Signed 32-bit integer (CIM_SINT32).</summary>
    SInt32 = 3,
    /// <summary>IEEE 4-byte floating point (CIM_REAL32).</summary>
    Real32 = 4,
    /// <summary>IEEE 8-byte floating point (CIM_REAL64).</summary>
    Real64 = 5,
    /// <summary>UCS-2 string (CIM_STRING).</summary>
    String = 8,
    /// <summary>Boolean (CIM_BOOLEAN).</summary>
    Boolean = 11,
    /// <summary>Embedded object (CIM_OBJECT).</summary>
    Object = 13,
    /// <summary>Signed 8-bit integer (CIM_SINT8).</summary>
    SInt8 = 16,
    /// <summary>Unsigned 8-bit integer (CIM_UINT8).</summary>
    UInt8 = 17,
    /// <summary>Unsigned 16-bit integer (CIM_UINT16).</summary>
    UInt16 = 18,
    /// <summary>Unsigned 32-bit integer (CIM_UINT32).</summary>
    UInt32 = 19,
    /// <summary>Signed 64-bit integer (CIM_SINT64).</summary>
    SInt64 = 20,
    /// <summary>Unsigned 64-bit integer (CIM_UINT64).</summary>
    UInt64 = 21,
    /// <summary>Date and time or interval in DMTF form (CIM_DATETIME).</summary>
    DateTime = 101,
    /// <summary>Reference to another object by path (CIM_REFERENCE).</summary>
    Reference = 102,
    /// <summary>16-bit UCS-2 character (CIM_CHAR16).</summary>
    Char16 = 103,
}
#pragma warning restore CA1720

/// <summary>Facts about <see cref="CimType"/> values.</summary>
public static class CimTypes
{
    /// <summary>COM's CIM_FLAG_ARRAY, OR-ed into a type to mark an array.</summary>
    public const int ArrayFlag = 0x2000;

    /// <summary>True for the integer types.</summary>
    public static bool IsInteger(this CimType type) => type is CimType.SInt8 or CimType.UInt8 or CimType.SInt16
        or CimType.UInt16 or CimType.SInt32 or CimType.UInt32 or CimType.SInt64 or CimType.UInt64;

    /// <summary>True for the signed integer types.</summary>
    public static bool IsSignedInteger(this CimType type) =>
        type is CimType.SInt8 or CimType.SInt16 or CimType.SInt32 or CimType.SInt64;

    /// <summary>True for integer and real types.</summary>
    public static bool IsNumeric(this CimType type) => type.IsInteger() || type is CimType.Real32 or CimType.Real64;

    /// <summary>True when the type may be a key (not real, not embedded object).</summary>
    public static bool CanBeKey(this CimType type) =>
        type is not (CimType.Real32 or CimType.Real64 or CimType.Object or CimType.None);

    /// <summary>The CLR type of a scalar value of <paramref name="type"/>.</summary>
    public static Type ClrType(this CimType type) => type switch
    {
        CimType.SInt8 => typeof(sbyte),
        CimType.UInt8 => typeof(byte),
        CimType.SInt16 => typeof(short),
        CimType.UInt16 => typeof(ushort),
        CimType.SInt32 => typeof(int),
        CimType.UInt32 => typeof(uint),
        CimType.SInt64 => typeof(long),
        CimType.UInt64 => typeof(ulong),
        CimType.Real32 => typeof(float),
        CimType.Real64 => typeof(double),
        CimType.Boolean => typeof(bool),
        CimType.Char16 => typeof(char),
        CimType.Object => typeof(CimObject),
        CimType.String or CimType.DateTime or CimType.Reference => typeof(string),
        _ => typeof(object),
    };

    /// <summary>The MOF keyword of the type (<c>uint32</c>, <c>datetime</c>, <c>object</c>…); references give <c>ref</c>.</summary>
    public static string MofName(this CimType type) => type switch
    {
        CimType.SInt8 => "sint8",
        CimType.UInt8 => "uint8",
        CimType.SInt16 => "sint16",
        CimType.UInt16 => "uint16",
        CimType.SInt32 => "sint32",
        CimType.UInt32 => "uint32",
        CimType.SInt64 => "sint64",
        CimType.UInt64 => "uint64",
        CimType.Real32 => "real32",
        CimType.Real64 => "real64",
        CimType.Boolean => "boolean",
        CimType.String => "string",
        CimType.DateTime => "datetime",
        CimType.Reference => "ref",
        CimType.Char16 => "char16",
        CimType.Object => "object",
        _ => "none",
    };

    /// <summary>Reads a MOF type keyword (case-insensitive); false for anything else.</summary>
    public static bool TryParseMofName(string name, out CimType type)
    {
        type = name.ToUpperInvariant() switch
        {
            "SINT8" => CimType.SInt8,
            "UINT8" => CimType.UInt8,
            "SINT16" => CimType.SInt16,
            "UINT16" => CimType.UInt16,
            "SINT32" => CimType.SInt32,
            "UINT32" => CimType.UInt32,
            "SINT64" => CimType.SInt64,
            "UINT64" => CimType.UInt64,
            "REAL32" => CimType.Real32,
            "REAL64" => CimType.Real64,
            "BOOLEAN" => CimType.Boolean,
            "STRING" => CimType.String,
            "DATETIME" => CimType.DateTime,
            "CHAR16" => CimType.Char16,
            "OBJECT" => CimType.Object,
            _ => CimType.None,
        };
        return type != CimType.None;
    }

    /// <summary>
    /// The text of WMI's <c>CIMTYPE</c> qualifier for a declaration: <c>uint32</c>, <c>ref:Class</c>,
    /// <c>object:Class</c> (or plain <c>ref</c> / <c>object</c> when untyped).
    /// </summary>
    public static string CimTypeQualifierText(CimType type, string? className) => type switch
    {
        CimType.Reference => className is null ? "ref" : "ref:" + className,
        CimType.Object => className is null ? "object" : "object:" + className,
        _ => type.MofName(),
    };
}

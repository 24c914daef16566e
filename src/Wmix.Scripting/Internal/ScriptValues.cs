using System.Globalization;
using Wmix.Cim;

namespace Wmix.Scripting.Internal;

/// <summary>
/// Converts between CIM values (as the engine holds them) and the values the scripting API hands out, which
/// follow WMI's automation VARIANT mapping (spec §6.3; Microsoft's "Numbers" rules for scripting).
/// </summary>
/// <remarks>
/// Out: sint8 and sint16 and char16 → <see cref="short"/> (VT_I2); uint8 → <see cref="byte"/> (VT_UI1); uint16, sint32
/// → <see cref="int"/> (VT_I4); uint32 → <see cref="int"/> with the same bits (VT_I4, as scripts see it, so a
/// status code reads as the signed HRESULT); sint64 and uint64 → decimal <see cref="string"/> (VT_BSTR); real32 →
/// <see cref="float"/>; real64 → <see cref="double"/>; string, datetime and reference → <see cref="string"/>;
/// embedded objects → <see cref="SWbemObject"/>; arrays element by element into typed arrays.
/// In: <see cref="SWbemObject"/>, <see cref="SWbemDateTime"/> and <see cref="SWbemObjectPath"/> unwrap to their CIM
/// form; every other value goes through the model's conversion rules (<see cref="CimValue.Convert"/>), so
/// integers of any width, numeric strings and .NET dates are accepted.
/// </remarks>
internal static class ScriptValues
{
    public static object? ToScript(object? value, CimType type, bool isArray, SWbemServices? services)
    {
        if (value is null)
        {
            return null;
        }
        if (isArray && value is Array array)
        {
            return ArrayToScript(array, type, services);
        }
        return ScalarToScript(value, type, services);
    }

    /// <summary>Maps a value whose declared type is unknown (qualifiers, named values, system properties).</summary>
    public static object? ToScript(object? value, SWbemServices? services)
    {
        if (value is null)
        {
            return null;
        }
        var type = CimValue.InferType(value, out var isArray);
        return type == CimType.None ? value : ToScript(value, type, isArray, services);
    }

    private static object ScalarToScript(object value, CimType type, SWbemServices? services) => type switch
    {
        CimType.SInt8 => (short)Convert.ToSByte(value, CultureInfo.InvariantCulture),
        CimType.UInt8 => Convert.ToByte(value, CultureInfo.InvariantCulture),
        CimType.SInt16 => Convert.ToInt16(value, CultureInfo.InvariantCulture),
        CimType.UInt16 => (int)Convert.ToUInt16(value, CultureInfo.InvariantCulture),
        CimType.SInt32 => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        CimType.UInt32 => unchecked((int)Convert.ToUInt32(value, CultureInfo.InvariantCulture)),
        CimType.SInt64 or CimType.UInt64 => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        CimType.Char16 => value is char c ? unchecked((short)c) : Convert.ToInt16(value, CultureInfo.InvariantCulture),
        CimType.Object when value is CimObject o => new SWbemObjectEx(o, services),
        _ => value,
    };

    private static Array ArrayToScript(Array array, CimType type, SWbemServices? services)
    {
        Array result = type switch
        {
            CimType.SInt8 or CimType.SInt16 or CimType.Char16 => new short[array.Length],
            CimType.UInt8 => new byte[array.Length],
            CimType.UInt16 or CimType.SInt32 or CimType.UInt32 => new int[array.Length],
            CimType.SInt64 or CimType.UInt64 or CimType.String or CimType.DateTime or CimType.Reference => new string[array.Length],
            CimType.Real32 => new float[array.Length],
            CimType.Real64 => new double[array.Length],
            CimType.Boolean => new bool[array.Length],
            CimType.Object => new SWbemObject[array.Length],
            _ => new object?[array.Length],
        };
        for (var i = 0; i < array.Length; i++)
        {
            var item = array.GetValue(i);
            result.SetValue(item is null ? null : ScalarToScript(item, type, services), i);
        }
        return result;
    }

    /// <summary>Unwraps scripting objects to the CIM form a property, qualifier or key takes.</summary>
    public static object? FromScript(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case SWbemObject o:
                return o.Object;
            case SWbemDateTime d:
                return d.Value;
            case SWbemObjectPath p:
                return p.Path;
            case SWbemObject[] objects:
                return Array.ConvertAll(objects, o => o.Object);
            case object?[] items when items.Length > 0 && items.All(i => i is SWbemObject):
                return Array.ConvertAll(items, o => ((SWbemObject)o!).Object);
            case object?[] items when items.Any(i => i is SWbemDateTime or SWbemObjectPath):
                return Array.ConvertAll(items, FromScript);
            default:
                return value;
        }
    }

    /// <summary>A deep copy of a CIM value (arrays copied, embedded objects cloned).</summary>
    public static object? CloneCimValue(object? value) => value switch
    {
        CimObject o => o.Clone(),
        CimObject[] arr => Array.ConvertAll(arr, o => o.Clone()),
        Array a => a.Clone(),
        _ => value,
    };

    /// <summary>Converts a scripting value to the CLR form of a declared CIM type.</summary>
    public static object? ToCim(object? value, CimType type, bool isArray)
    {
        var raw = FromScript(value);
        // Scripts hand uint32 values back as the signed VT_I4 they received: accept the same bits.
        if (type == CimType.UInt32 && !isArray && raw is int i && i < 0)
        {
            return unchecked((uint)i);
        }
        return CimValue.Convert(raw, type, isArray);
    }
}

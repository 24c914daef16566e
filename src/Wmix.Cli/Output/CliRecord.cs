using System.Globalization;

namespace Wmix.Cli.Output;

/// <summary>One property of a result as the CLI prints it: its name, declared CIM type and scripting value.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Type">The declared CIM type.</param>
/// <param name="IsArray">True for an array property.</param>
/// <param name="Value">The value in scripting form (see <see cref="SWbemProperty.Value"/>), or null.</param>
internal readonly record struct CliProperty(string Name, WbemCimtypeEnum Type, bool IsArray, object? Value);

/// <summary>
/// A result object reduced to what the formatters print: its class, its properties in order (only the selected
/// ones for a query with a property list) and the object itself, for MOF text.
/// </summary>
internal sealed class CliRecord
{
    private CliRecord(string className, IReadOnlyList<CliProperty> properties, SWbemObject source)
    {
        ClassName = className;
        Properties = properties;
        Source = source;
    }

    /// <summary>The object's class name (<c>__CLASS</c>), empty when it has none.</summary>
    public string ClassName { get; }

    /// <summary>The properties to print, in order.</summary>
    public IReadOnlyList<CliProperty> Properties { get; }

    /// <summary>The object the record was read from.</summary>
    public SWbemObject Source { get; }

    /// <summary>The system properties that stand for a class (a schema query's result): its name and its parent.</summary>
    private static readonly string[] s_classSelection = ["__CLASS", "__SUPERCLASS"];

    /// <summary>
    /// Reads <paramref name="obj"/>'s properties: those named in <paramref name="selection"/> (in that order;
    /// system properties such as <c>__PATH</c> and paths into embedded objects such as <c>TargetInstance.Name</c>
    /// allowed) or, when it is null, every non-system property of an instance and <c>__CLASS</c>, <c>__SUPERCLASS</c>
    /// of a class (a class's properties have no values to show; <c>--format mof</c> prints its definition).
    /// </summary>
    public static CliRecord From(SWbemObject obj, IReadOnlyList<string>? selection = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var properties = new List<CliProperty>();
        if (selection is null && IsClass(obj))
        {
            selection = s_classSelection;
        }
        if (selection is null)
        {
            foreach (var p in obj.Properties_)
            {
                properties.Add(new CliProperty(p.Name, p.CIMType, p.IsArray, p.Value));
            }
        }
        else
        {
            foreach (var name in selection)
            {
                if (TryRead(obj, name, out var property))
                {
                    properties.Add(property);
                }
            }
        }
        return new CliRecord(ClassNameOf(obj), properties, obj);
    }

    /// <summary>Reads <paramref name="obj"/>'s properties with <paramref name="first"/> moved to the front (method out-parameters: ReturnValue first).</summary>
    public static CliRecord FromWithFirst(SWbemObject obj, string first)
    {
        var record = From(obj);
        var ordered = record.Properties.Where(p => p.Name.Equals(first, StringComparison.OrdinalIgnoreCase))
            .Concat(record.Properties.Where(p => !p.Name.Equals(first, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return new CliRecord(record.ClassName, ordered, obj);
    }

    /// <summary>A record made by the CLI itself (e.g. one row of a class description), read from <paramref name="source"/>.</summary>
    public static CliRecord Synthetic(SWbemObject source, IReadOnlyList<CliProperty> properties) =>
        new(ClassNameOf(source), properties, source);

    /// <summary>True when <paramref name="obj"/> is a class definition (<c>__GENUS</c> 1), not an instance.</summary>
    public static bool IsClass(SWbemObject obj) =>
        obj is SWbemObjectEx ex
        && ex.SystemProperties_.FirstOrDefault(s => s.Name.Equals("__GENUS", StringComparison.OrdinalIgnoreCase))?.Value is 1;

    private static bool TryRead(SWbemObject obj, string name, out CliProperty property)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            // A path into an embedded object (TargetInstance.Name): the leaf's value under the whole path's name; NULL
            // when the embedded object is NULL or lacks the property.
            if (TryRead(obj, name[..dot], out var head) && head.Value is SWbemObject embedded && TryRead(embedded, name[(dot + 1)..], out var leaf))
            {
                property = leaf with { Name = name };
                return true;
            }
            property = new CliProperty(name, WbemCimtypeEnum.wbemCimtypeString, false, null);
            return true;
        }
        SWbemProperty? p = null;
        if (name.StartsWith("__", StringComparison.Ordinal) && obj is SWbemObjectEx ex)
        {
            p = ex.SystemProperties_.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        }
        p ??= obj.Properties_.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (p is null)
        {
            property = default;
            return false;
        }
        property = new CliProperty(p.Name, p.CIMType, p.IsArray, p.Value);
        return true;
    }

    private static string ClassNameOf(SWbemObject obj)
    {
        try
        {
            return obj.Path_.Class;
        }
        catch (WbemException)
        {
            // An object without a class name (an unnamed class) has no path to read it from.
            return "";
        }
    }
}

/// <summary>Renders scripting values as text for tables, lists and CSV.</summary>
internal static class CliText
{
    /// <summary>The text of a property value; NULL is the empty string, arrays are <c>{a, b}</c>.</summary>
    public static string Format(in CliProperty property) => Format(property.Value, property.Type);

    /// <summary>The text of <paramref name="value"/> declared as <paramref name="type"/>.</summary>
    public static string Format(object? value, WbemCimtypeEnum type) => value switch
    {
        null => "",
        string s => s,
        Array array => "{" + string.Join(", ", array.Cast<object?>().Select(e => Format(e, type))) + "}",
        SWbemObject o => OneLine(o.GetObjectText_()),
        _ => Scalar(value, type),
    };

    private static string Scalar(object value, WbemCimtypeEnum type) => type switch
    {
        // The scripting API hands uint32 out as an int with the same bits (as VBScript sees it); print the real number.
        WbemCimtypeEnum.wbemCimtypeUint32 when value is int i => unchecked((uint)i).ToString(CultureInfo.InvariantCulture),
        WbemCimtypeEnum.wbemCimtypeChar16 when value is short c => ((char)c).ToString(),
        _ => value switch
        {
            bool b => b ? "True" : "False",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        },
    };

    /// <summary>Folds multi-line text (embedded objects' MOF) onto one line.</summary>
    public static string OneLine(string text)
    {
        var parts = text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(' ', parts).TrimEnd(';');
    }
}

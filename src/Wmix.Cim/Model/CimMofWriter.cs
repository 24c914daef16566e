using System.Text;

namespace Wmix.Cim;

/// <summary>Writes classes and instances as MOF text, the form of WMI's <c>GetObjectText_</c>.</summary>
/// <remarks>
/// A class shows its local qualifiers, local (declared or overridden) properties and methods; an instance
/// shows every property that has a value, and NULL for one that clears a class default. Embedded objects are
/// written inline.
/// </remarks>
public static class CimMofWriter
{
    /// <summary>The MOF text of <paramref name="obj"/>, ending with <c>};</c> and a newline.</summary>
    public static string Write(CimObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var sb = new StringBuilder();
        Write(sb, obj, indent: "");
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, CimObject obj, string indent)
    {
        var inner = indent + "\t";
        if (obj is CimClass cls)
        {
            WriteQualifiers(sb, cls.Qualifiers, indent, newLine: true);
            sb.Append(indent).Append("class ").Append(cls.Name);
            if (cls.Superclass is { } parent)
            {
                sb.Append(" : ").Append(parent.Name);
            }
            sb.Append('\n').Append(indent).Append("{\n");
            foreach (var p in cls.Properties)
            {
                if (!p.IsLocal)
                {
                    continue;
                }
                sb.Append(inner);
                WriteQualifiers(sb, p.Qualifiers, "", newLine: false);
                AppendType(sb, p.Type, p.ReferenceClassName, p.Qualifiers);
                sb.Append(' ').Append(p.Name);
                if (p.IsArray)
                {
                    sb.Append("[]");
                }
                if (p.Value is not null)
                {
                    sb.Append(" = ");
                    AppendValue(sb, p.Value, p.Type, inner);
                }
                sb.Append(";\n");
            }
            foreach (var m in cls.Methods)
            {
                if (!m.IsLocal)
                {
                    continue;
                }
                sb.Append(inner);
                WriteQualifiers(sb, m.Qualifiers, "", newLine: false);
                if (m.ReturnType == CimType.None)
                {
                    sb.Append("void");
                }
                else
                {
                    AppendType(sb, m.ReturnType, null, m.Qualifiers);
                }
                sb.Append(' ').Append(m.Name).Append('(');
                for (var i = 0; i < m.Parameters.Count; i++)
                {
                    var param = m.Parameters[i];
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    WriteQualifiers(sb, param.Qualifiers, "", newLine: false);
                    AppendType(sb, param.Type, param.ReferenceClassName, param.Qualifiers);
                    sb.Append(' ').Append(param.Name);
                    if (param.IsArray)
                    {
                        sb.Append("[]");
                    }
                }
                sb.Append(");\n");
            }
            sb.Append(indent).Append("};\n");
            return;
        }
        WriteQualifiers(sb, LocalOnly(obj.Qualifiers), indent, newLine: true);
        sb.Append(indent).Append("instance of ").Append(obj.ClassName).Append('\n').Append(indent).Append("{\n");
        for (var i = 0; i < obj.Properties.Count; i++)
        {
            var value = obj.GetValue(i);
            var p = obj.Properties[i];
            if (value is null && p.Value is null)
            {
                continue;
            }
            sb.Append(inner);
            if (obj is CimInstance instance && instance.OwnPropertyQualifiers(i) is { Count: > 0 } own)
            {
                WriteQualifiers(sb, own, "", newLine: false);
            }
            sb.Append(p.Name).Append(" = ");
            if (value is null)
            {
                // The class has a default, so an instance that cleared it says so explicitly.
                sb.Append("NULL");
            }
            else
            {
                AppendValue(sb, value, p.Type, inner);
            }
            sb.Append(";\n");
        }
        sb.Append(indent).Append("};\n");
    }

    private static CimQualifierSet LocalOnly(CimQualifierSet set) => new(set.Where(q => q.IsLocal));

    private static void AppendType(StringBuilder sb, CimType type, string? referenceClass, CimQualifierSet qualifiers)
    {
        if (type == CimType.Reference)
        {
            sb.Append(referenceClass ?? "object").Append(" ref");
        }
        else if (type == CimType.Object)
        {
            // DSP0004 declares embedded objects as strings marked EmbeddedObject / EmbeddedInstance("Class"); WMI's
            // own MOF names the class as the type ("Win32_ACE DACL[]") or writes "object" when any class will do.
            if (qualifiers.Contains("EmbeddedInstance") || qualifiers.IsTrue("EmbeddedObject"))
            {
                sb.Append("string");
            }
            else
            {
                sb.Append(referenceClass ?? "object");
            }
        }
        else
        {
            sb.Append(type.MofName());
        }
    }

    private static void AppendValue(StringBuilder sb, object value, CimType type, string indent)
    {
        switch (value)
        {
            case CimObject o:
                var nested = new StringBuilder();
                Write(nested, o, indent);
                sb.Append(nested.ToString().TrimStart().TrimEnd('\n').TrimEnd(';'));
                break;
            case CimObject[] arr:
                sb.Append('{');
                for (var i = 0; i < arr.Length; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }
                    AppendValue(sb, arr[i], type, indent);
                }
                sb.Append('}');
                break;
            default:
                sb.Append(CimValue.ToMofLiteral(value, type));
                break;
        }
    }

    private static void WriteQualifiers(StringBuilder sb, CimQualifierSet qualifiers, string indent, bool newLine)
    {
        var first = true;
        foreach (var q in qualifiers)
        {
            if (!q.IsLocal || (q.Flavor & CimFlavor.System) != 0 || CimNames.AreEqual(q.Name, "CIMTYPE"))
            {
                continue;
            }
            sb.Append(first ? indent + "[" : ", ");
            first = false;
            sb.Append(q.Name);
            if (!(q.Type == CimType.Boolean && q.Value is true && !q.IsArray))
            {
                sb.Append(q.IsArray ? "" : "(").Append(CimValue.ToMofLiteral(q.Value, q.Type)).Append(q.IsArray ? "" : ")");
            }
            var flavors = FlavorText(q);
            if (flavors.Length > 0)
            {
                sb.Append(" : ").Append(flavors);
            }
        }
        if (!first)
        {
            sb.Append(']').Append(newLine ? "\n" : " ");
        }
    }

    private static string FlavorText(CimQualifier q)
    {
        // Only what differs from the qualifier's standard flavor is written, so common qualifiers stay terse.
        const CimFlavor Shown = CimFlavor.ToInstance | CimFlavor.ToSubclass | CimFlavor.DisableOverride | CimFlavor.Amended;
        var standard = CimQualifier.DefaultFlavor(q.Name) & Shown;
        var actual = q.Flavor & Shown;
        if (standard == actual)
        {
            return "";
        }
        var parts = new List<string>(4);
        if ((actual & CimFlavor.ToInstance) != 0)
        {
            parts.Add("ToInstance");
        }
        if ((actual & CimFlavor.ToSubclass) == 0)
        {
            parts.Add("Restricted");
        }
        else if ((standard & CimFlavor.ToSubclass) == 0)
        {
            parts.Add("ToSubclass");
        }
        if ((actual & CimFlavor.DisableOverride) != 0)
        {
            parts.Add("DisableOverride");
        }
        else if ((standard & CimFlavor.DisableOverride) != 0)
        {
            parts.Add("EnableOverride");
        }
        if ((actual & CimFlavor.Amended) != 0)
        {
            parts.Add("Amended");
        }
        return string.Join(" ", parts);
    }
}

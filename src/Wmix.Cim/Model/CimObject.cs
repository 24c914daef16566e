using System.Diagnostics.CodeAnalysis;

namespace Wmix.Cim;

/// <summary>WMI's <c>__GENUS</c>: whether an object is a class or an instance.</summary>
public enum CimGenus
{
    /// <summary>A class definition (__GENUS = 1).</summary>
    Class = 1,
    /// <summary>An instance, including event objects (__GENUS = 2).</summary>
    Instance = 2,
}

/// <summary>Flags of <see cref="CimObject.CompareTo"/>, with WMI's <c>WbemComparisonFlagEnum</c> values.</summary>
[Flags]
public enum CimComparisonFlags
{
    /// <summary>Compare everything.</summary>
    IncludeAll = 0,
    /// <summary>Ignore qualifiers.</summary>
    IgnoreQualifiers = 0x1,
    /// <summary>Ignore the server and namespace the objects came from.</summary>
    IgnoreObjectSource = 0x2,
    /// <summary>Ignore class default values.</summary>
    IgnoreDefaultValues = 0x4,
    /// <summary>Ignore class information (names, derivation); compare values only.</summary>
    IgnoreClass = 0x8,
    /// <summary>Compare strings case-insensitively.</summary>
    IgnoreCase = 0x10,
    /// <summary>Ignore qualifier flavors.</summary>
    IgnoreFlavor = 0x20,
}

/// <summary>
/// A CIM object: a class or an instance. It has properties (declared by its class), qualifiers, WMI's system
/// properties (<c>__CLASS</c>, <c>__PATH</c>…) and, once it comes from an object manager, a location
/// (<see cref="Server"/> and <see cref="Namespace"/>).
/// </summary>
/// <remarks>
/// Objects are mutable until <see cref="Freeze"/>; stored and delivered objects are frozen and shared, so
/// callers that want to change one take a <see cref="Clone"/>. Reads are thread-safe once frozen.
/// </remarks>
public abstract class CimObject
{
    /// <summary>The names of WMI's system properties, in WMI's order.</summary>
    public static IReadOnlyList<string> SystemPropertyNames { get; } =
    [
        "__GENUS", "__CLASS", "__SUPERCLASS", "__DYNASTY", "__RELPATH", "__PROPERTY_COUNT",
        "__DERIVATION", "__SERVER", "__NAMESPACE", "__PATH",
    ];

    private static readonly CimQualifierSet s_noQualifiers = new();

    private protected CimObject()
    {
    }

    /// <summary>Class or instance.</summary>
    public abstract CimGenus Genus { get; }

    /// <summary>The class name (<c>__CLASS</c>).</summary>
    public abstract string ClassName { get; }

    /// <summary>The class that defines this object's shape: itself for a class.</summary>
    public abstract CimClass Class { get; }

    /// <summary>The immediate superclass name (<c>__SUPERCLASS</c>), or null for a top-level class.</summary>
    public string? SuperclassName => Class.Superclass?.Name;

    /// <summary>The ancestor class names, parent first (<c>__DERIVATION</c>).</summary>
    public IReadOnlyList<string> Derivation => Class.DerivationList;

    /// <summary>The top-level class of the hierarchy (<c>__DYNASTY</c>).</summary>
    public string Dynasty => Class.DerivationList.Count == 0 ? Class.Name : Class.DerivationList[^1];

    /// <summary>The property declarations, inherited ones first.</summary>
    public IReadOnlyList<CimProperty> Properties => Class.PropertyList;

    /// <summary>The object's own qualifiers (for instances: the class's ToInstance qualifiers plus its own).</summary>
    public abstract CimQualifierSet Qualifiers { get; }

    /// <summary>The server the object came from (<c>__SERVER</c>), or null.</summary>
    public string? Server { get; private set; }

    /// <summary>The namespace the object came from (<c>__NAMESPACE</c>), e.g. <c>root\cimv2</c>, or null.</summary>
    public string? Namespace { get; private set; }

    /// <summary>True once the object can no longer change.</summary>
    public bool IsReadOnly { get; private protected set; }

    /// <summary>True when the object is a class that the given name is, or derives from (case-insensitive).</summary>
    public bool IsA(string className) => Class.IsSubclassOfOrSelf(className);

    /// <summary>The value of a property or system property; throws wbemErrNotFound for an unknown name.</summary>
    public object? this[string name]
    {
        get => GetValue(name);
        set => SetValue(name, value);
    }

    /// <summary>True when <paramref name="name"/> is a property of this object (not a system property).</summary>
    public bool HasProperty(string name) => Class.IndexOf(name) >= 0;

    /// <summary>The value of a property or system property; throws wbemErrNotFound for an unknown name.</summary>
    public object? GetValue(string name)
    {
        if (TryGetValue(name, out var value))
        {
            return value;
        }
        throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{ClassName}' has no property '{name}'.");
    }

    /// <summary>Reads a property or system property; false for an unknown name.</summary>
    public bool TryGetValue(string name, out object? value)
    {
        var index = Class.IndexOf(name);
        if (index >= 0)
        {
            value = GetValue(index);
            return true;
        }
        if (name.StartsWith("__", StringComparison.Ordinal))
        {
            return TryGetSystemProperty(name, out value);
        }
        value = null;
        return false;
    }

    /// <summary>The value of the property at <paramref name="index"/> in <see cref="Properties"/>.</summary>
    public abstract object? GetValue(int index);

    /// <summary>Sets a property, converting the value to its type; system properties are read-only.</summary>
    public void SetValue(string name, object? value)
    {
        var index = Class.IndexOf(name);
        if (index < 0)
        {
            if (name.StartsWith("__", StringComparison.Ordinal) && SystemPropertyNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new WbemException(WbemErrorEnum.wbemErrReadOnly, $"System property '{name}' is read-only.");
            }
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"'{ClassName}' has no property '{name}'.");
        }
        SetValue(index, value);
    }

    /// <summary>Sets the property at <paramref name="index"/>, converting the value to its type.</summary>
    public abstract void SetValue(int index, object? value);

    /// <summary>Reads one of WMI's system properties; false for an unknown name.</summary>
    public bool TryGetSystemProperty(string name, out object? value)
    {
        switch (name.ToUpperInvariant())
        {
            case "__GENUS": value = (int)Genus; return true;
            case "__CLASS": value = ClassName.Length == 0 ? null : ClassName; return true;
            case "__SUPERCLASS": value = SuperclassName; return true;
            case "__DYNASTY": value = Dynasty; return true;
            case "__RELPATH": value = RelativePath; return true;
            case "__PROPERTY_COUNT": value = Properties.Count; return true;
            case "__DERIVATION": value = Derivation.ToArray(); return true;
            case "__SERVER": value = RelativePath is null ? null : Server; return true;
            case "__NAMESPACE": value = RelativePath is null ? null : Namespace; return true;
            case "__PATH": value = Path is { Server: not null, Namespace: not null } p ? p.ToString() : null; return true;
            default: value = null; return false;
        }
    }

    /// <summary>The CIM type of a system property (<c>__GENUS</c> sint32, <c>__DERIVATION</c> string[]…).</summary>
    public static bool TryGetSystemPropertyType(string name, out CimType type, out bool isArray)
    {
        isArray = false;
        type = name.ToUpperInvariant() switch
        {
            "__GENUS" or "__PROPERTY_COUNT" => CimType.SInt32,
            "__CLASS" or "__SUPERCLASS" or "__DYNASTY" or "__RELPATH" or "__SERVER" or "__NAMESPACE" or "__PATH" => CimType.String,
            "__DERIVATION" => CimType.String,
            _ => CimType.None,
        };
        isArray = type != CimType.None && name.Equals("__DERIVATION", StringComparison.OrdinalIgnoreCase);
        return type != CimType.None;
    }

    /// <summary>The relative path (<c>__RELPATH</c>): the class name for a class, <c>Class.Key=value…</c> for an
    /// instance whose keys are all set, <c>Class=@</c> for a singleton, else null.</summary>
    public string? RelativePath => RelativeObjectPath?.RelativePath;

    /// <summary>The relative path as an object, or null when the object has none.</summary>
    public abstract CimObjectPath? RelativeObjectPath { get; }

    /// <summary>The full path with server and namespace when known (<c>__PATH</c>), or null when the object has none.</summary>
    public CimObjectPath? Path => RelativeObjectPath is { } rel ? (Server is null && Namespace is null ? rel : rel.WithLocation(Server, Namespace)) : null;

    /// <summary>
    /// Records where the object lives. Object managers call this on the objects they hand out; a frozen
    /// object is copied first, so pass the result on.
    /// </summary>
    public CimObject WithLocation(string? server, string? @namespace)
    {
        if (string.Equals(Server, server, StringComparison.Ordinal) && string.Equals(Namespace, @namespace, StringComparison.Ordinal))
        {
            return this;
        }
        var target = IsReadOnly ? ShallowCopy() : this;
        target.Server = server;
        target.Namespace = @namespace;
        return target;
    }

    /// <summary>A deep, mutable copy (WMI's <c>Clone_</c>).</summary>
    public abstract CimObject Clone();

    /// <summary>A copy sharing values (embedded objects included) that keeps the read-only state.</summary>
    private protected abstract CimObject ShallowCopy();

    /// <summary>Makes the object (and its embedded objects) read-only; returns it.</summary>
    public abstract CimObject Freeze();

    /// <summary>The object as MOF text (WMI's <c>GetObjectText_</c>).</summary>
    public string GetObjectText() => CimMofWriter.Write(this);

    /// <summary>
    /// WMI's <c>CompareTo_</c>: true when the objects are equal under <paramref name="flags"/>.
    /// </summary>
    public bool CompareTo(CimObject other, CimComparisonFlags flags = CimComparisonFlags.IncludeAll)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        var ignoreCase = (flags & CimComparisonFlags.IgnoreCase) != 0;
        if (Genus != other.Genus)
        {
            return false;
        }
        if ((flags & CimComparisonFlags.IgnoreClass) == 0)
        {
            if (!CimNames.AreEqual(ClassName, other.ClassName) || !CimNames.AreEqual(SuperclassName, other.SuperclassName))
            {
                return false;
            }
        }
        if ((flags & CimComparisonFlags.IgnoreObjectSource) == 0 &&
            (!CimNames.AreEqual(Server, other.Server) || !CimNames.AreEqual(Namespace?.Replace('/', '\\'), other.Namespace?.Replace('/', '\\'))))
        {
            return false;
        }
        if (Properties.Count != other.Properties.Count)
        {
            return false;
        }
        var compareValues = Genus == CimGenus.Instance || (flags & CimComparisonFlags.IgnoreDefaultValues) == 0;
        for (var i = 0; i < Properties.Count; i++)
        {
            var mine = Properties[i];
            var j = other.Class.IndexOf(mine.Name);
            if (j < 0)
            {
                return false;
            }
            var theirs = other.Properties[j];
            if (mine.Type != theirs.Type || mine.IsArray != theirs.IsArray)
            {
                return false;
            }
            if (compareValues && !CimValue.AreEqual(GetValue(i), other.GetValue(j), ignoreCase))
            {
                return false;
            }
            if ((flags & CimComparisonFlags.IgnoreQualifiers) == 0 && Genus == CimGenus.Class &&
                !QualifiersEqual(mine.Qualifiers, theirs.Qualifiers, flags))
            {
                return false;
            }
            if ((flags & CimComparisonFlags.IgnoreQualifiers) == 0 && this is CimInstance a && other is CimInstance b &&
                !QualifiersEqual(a.OwnPropertyQualifiers(i) ?? s_noQualifiers, b.OwnPropertyQualifiers(j) ?? s_noQualifiers, flags))
            {
                return false;
            }
        }
        if ((flags & CimComparisonFlags.IgnoreQualifiers) == 0 && !QualifiersEqual(Qualifiers, other.Qualifiers, flags))
        {
            return false;
        }
        if (Genus == CimGenus.Class)
        {
            var a = Class.Methods;
            var b = other.Class.Methods;
            if (a.Count != b.Count)
            {
                return false;
            }
            foreach (var m in a)
            {
                if (b.Find(m.Name) is not { } n || n.ReturnType != m.ReturnType || n.Parameters.Count != m.Parameters.Count)
                {
                    return false;
                }
                if ((flags & CimComparisonFlags.IgnoreQualifiers) == 0 && !QualifiersEqual(m.Qualifiers, n.Qualifiers, flags))
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static bool QualifiersEqual(CimQualifierSet a, CimQualifierSet b, CimComparisonFlags flags)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        var ignoreCase = (flags & CimComparisonFlags.IgnoreCase) != 0;
        foreach (var q in a)
        {
            if (b.Find(q.Name) is not { } r || !CimValue.AreEqual(q.Value, r.Value, ignoreCase))
            {
                return false;
            }
            if ((flags & CimComparisonFlags.IgnoreFlavor) == 0 && q.Flavor != r.Flavor)
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => RelativePath ?? ClassName;

    private protected void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrReadOnly,
                $"This {(Genus == CimGenus.Class ? "class" : "instance")} of '{ClassName}' is read-only; use Clone() to get a copy that can change.");
        }
    }

    private protected void CopyLocationTo(CimObject target)
    {
        target.Server = Server;
        target.Namespace = Namespace;
    }

    /// <summary>Reads the value of a property by a dotted path through embedded objects (<c>TargetInstance.Name</c>).</summary>
    public bool TryGetValueByPath(IReadOnlyList<string> path, out object? value)
    {
        ArgumentNullException.ThrowIfNull(path);
        CimObject? current = this;
        value = null;
        for (var i = 0; i < path.Count; i++)
        {
            if (current is null || !current.TryGetValue(path[i], out value))
            {
                value = null;
                return false;
            }
            if (i < path.Count - 1)
            {
                current = value as CimObject;
            }
        }
        return true;
    }

    internal static bool TryAsObject(object? value, [NotNullWhen(true)] out CimObject? obj)
    {
        obj = value as CimObject;
        return obj is not null;
    }
}

namespace Wmix.Cim;

/// <summary>
/// A property declaration of a class: name, type, default value and qualifiers. Instances store values
/// only; they share their class's declarations.
/// </summary>
public sealed class CimProperty
{
    private object? _value;

    /// <summary>Creates a property declaration.</summary>
    /// <param name="name">The property's name.</param>
    /// <param name="type">Its CIM type.</param>
    /// <param name="isArray">True for an array of <paramref name="type"/>.</param>
    /// <param name="value">The default value, converted to <paramref name="type"/>.</param>
    /// <param name="referenceClassName">For references and embedded objects, the class they name (<c>ref:X</c>, <c>object:X</c>).</param>
    /// <param name="qualifiers">Qualifiers; a new empty set when null.</param>
    public CimProperty(string name, CimType type, bool isArray = false, object? value = null,
        string? referenceClassName = null, CimQualifierSet? qualifiers = null)
    {
        CimNames.ValidateIdentifier(name, "property");
        if (type == CimType.None)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidPropertyType, $"Property '{name}' needs a CIM type.");
        }
        Name = name;
        Type = type;
        IsArray = isArray;
        ReferenceClassName = string.IsNullOrEmpty(referenceClassName) ? null : referenceClassName;
        Qualifiers = qualifiers ?? new CimQualifierSet();
        _value = CimValue.Convert(value, type, isArray);
    }

    /// <summary>The property's name.</summary>
    public string Name { get; }

    /// <summary>The CIM type (of each element for arrays).</summary>
    public CimType Type { get; }

    /// <summary>True for arrays.</summary>
    public bool IsArray { get; }

    /// <summary>For <see cref="CimType.Reference"/> and <see cref="CimType.Object"/>: the class named by the CIMTYPE qualifier, or null.</summary>
    public string? ReferenceClassName { get; }

    /// <summary>The class's default value for the property.</summary>
    public object? Value
    {
        get => _value;
        set
        {
            ThrowIfReadOnly();
            _value = CimValue.Convert(value, Type, IsArray);
        }
    }

    /// <summary>The property's qualifiers (inherited ones are marked propagated).</summary>
    public CimQualifierSet Qualifiers { get; private set; }

    /// <summary>The class that first declared the property (WMI's <c>Origin</c>).</summary>
    public string? ClassOrigin { get; internal set; }

    /// <summary>True when declared or overridden by the class that holds it.</summary>
    public bool IsLocal { get; internal set; } = true;

    /// <summary>True when the property carries the <c>Key</c> qualifier.</summary>
    public bool IsKey => Qualifiers.IsTrue("key");

    /// <summary>The text of WMI's CIMTYPE qualifier for this property (<c>uint32</c>, <c>ref:Class</c>…).</summary>
    public string CimTypeText => CimTypes.CimTypeQualifierText(Type, ReferenceClassName);

    /// <summary>True once the owning class is read-only.</summary>
    public bool IsReadOnly { get; private set; }

    /// <summary>A mutable copy.</summary>
    public CimProperty Clone() => new(Name, Type, IsArray, CloneValue(_value), ReferenceClassName, Qualifiers.Clone())
    {
        ClassOrigin = ClassOrigin,
        IsLocal = IsLocal,
    };

    /// <summary>The declaration as a derived class inherits it.</summary>
    internal CimProperty Inherited() => new(Name, Type, IsArray, CloneValue(_value), ReferenceClassName, new CimQualifierSet(Qualifiers.Inheritable()))
    {
        ClassOrigin = ClassOrigin,
        IsLocal = false,
    };

    internal void MakeReadOnly()
    {
        IsReadOnly = true;
        Qualifiers.MakeReadOnly();
    }

    internal static object? CloneValue(object? value) => value switch
    {
        CimObject o => o.Clone(),
        CimObject[] arr => Array.ConvertAll(arr, o => o.Clone()),
        Array a => a.Clone(),
        _ => value,
    };

    private void ThrowIfReadOnly()
    {
        if (IsReadOnly)
        {
            throw new WbemException(WbemErrorEnum.wbemErrReadOnly, $"Property '{Name}' belongs to a read-only class; clone the class to change it.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{CimTypeText}{(IsArray ? "[]" : "")} {Name}";
}

/// <summary>A parameter of a method.</summary>
public sealed class CimParameter
{
    /// <summary>Creates a parameter; direction and position come from its In, Out and ID qualifiers.</summary>
    public CimParameter(string name, CimType type, bool isArray = false, string? referenceClassName = null, CimQualifierSet? qualifiers = null)
    {
        CimNames.ValidateIdentifier(name, "parameter");
        Name = name;
        Type = type;
        IsArray = isArray;
        ReferenceClassName = string.IsNullOrEmpty(referenceClassName) ? null : referenceClassName;
        Qualifiers = qualifiers ?? new CimQualifierSet();
    }

    /// <summary>The parameter's name.</summary>
    public string Name { get; }

    /// <summary>Its CIM type.</summary>
    public CimType Type { get; }

    /// <summary>True for arrays.</summary>
    public bool IsArray { get; }

    /// <summary>For references and embedded objects, the class named, or null.</summary>
    public string? ReferenceClassName { get; }

    /// <summary>The parameter's qualifiers.</summary>
    public CimQualifierSet Qualifiers { get; }

    /// <summary>True for input parameters (the <c>In</c> qualifier, or no direction given).</summary>
    public bool IsIn => Qualifiers.IsTrue("in") || !Qualifiers.Contains("out");

    /// <summary>True for output parameters (the <c>Out</c> qualifier).</summary>
    public bool IsOut => Qualifiers.IsTrue("out");

    /// <summary>The <c>ID</c> qualifier, or null.</summary>
    public int? Id => Qualifiers.GetValue("id") is { } v ? (int)(long)CimValue.ConvertScalar(v, CimType.SInt64) : null;

    /// <inheritdoc />
    public override string ToString() => $"{CimTypes.CimTypeQualifierText(Type, ReferenceClassName)}{(IsArray ? "[]" : "")} {Name}";
}

/// <summary>A method declaration of a class.</summary>
public sealed class CimMethod
{
    private CimClass? _in;
    private CimClass? _out;

    /// <summary>Creates a method declaration.</summary>
    public CimMethod(string name, CimType returnType, IEnumerable<CimParameter>? parameters = null, CimQualifierSet? qualifiers = null)
    {
        CimNames.ValidateIdentifier(name, "method");
        Name = name;
        ReturnType = returnType;
        Parameters = parameters?.ToArray() ?? [];
        Qualifiers = qualifiers ?? new CimQualifierSet();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in Parameters)
        {
            if (!seen.Add(p.Name))
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidDuplicateParameter, $"Method '{name}' declares parameter '{p.Name}' twice.");
            }
        }
    }

    /// <summary>The method's name.</summary>
    public string Name { get; }

    /// <summary>The return type; <see cref="CimType.None"/> for void.</summary>
    public CimType ReturnType { get; }

    /// <summary>The parameters in declaration order.</summary>
    public IReadOnlyList<CimParameter> Parameters { get; }

    /// <summary>The method's qualifiers.</summary>
    public CimQualifierSet Qualifiers { get; }

    /// <summary>The class that first declared the method.</summary>
    public string? ClassOrigin { get; internal set; }

    /// <summary>True when declared or overridden by the class that holds it.</summary>
    public bool IsLocal { get; internal set; } = true;

    /// <summary>True when the method is static (callable on the class).</summary>
    public bool IsStatic => Qualifiers.IsTrue("static");

    /// <summary>
    /// The in-parameters as a <c>__PARAMETERS</c> class (WMI's <c>SWbemMethod.InParameters</c>), or null when
    /// the method takes none. Spawn an instance of it to pass arguments.
    /// </summary>
    public CimClass? InParameters => _in ??= BuildParameters(input: true);

    /// <summary>The out-parameters as a <c>__PARAMETERS</c> class, with <c>ReturnValue</c> first; null for a void method with no out parameters.</summary>
    public CimClass? OutParameters => _out ??= BuildParameters(input: false);

    private CimClass? BuildParameters(bool input)
    {
        var cls = new CimClass("__PARAMETERS");
        var position = 0;
        if (!input && ReturnType != CimType.None)
        {
            var q = new CimQualifierSet();
            q.Set(new CimQualifier("out", true, CimFlavor.None));
            cls.AddProperty(new CimProperty("ReturnValue", ReturnType, qualifiers: q));
        }
        foreach (var p in Parameters.OrderBy(p => p.Id ?? int.MaxValue))
        {
            if (input ? p.IsIn : p.IsOut)
            {
                var q = p.Qualifiers.Clone();
                if (q.Find("id") is null)
                {
                    q.Set(new CimQualifier("ID", position, CimFlavor.None, CimType.SInt32));
                }
                cls.AddProperty(new CimProperty(p.Name, p.Type, p.IsArray, referenceClassName: p.ReferenceClassName, qualifiers: q));
                position++;
            }
        }
        if (cls.Properties.Count == 0)
        {
            return null;
        }
        cls.Freeze();
        return cls;
    }

    internal CimMethod Inherited() => new(Name, ReturnType, Parameters, new CimQualifierSet(Qualifiers.Inheritable()))
    {
        ClassOrigin = ClassOrigin,
        IsLocal = false,
    };

    internal void MakeReadOnly() => Qualifiers.MakeReadOnly();

    /// <inheritdoc />
    public override string ToString() => $"{(ReturnType == CimType.None ? "void" : ReturnType.MofName())} {Name}({string.Join(", ", Parameters)})";
}

/// <summary>Rules for CIM element names.</summary>
public static class CimNames
{
    /// <summary>The longest name WMI accepts (255 characters).</summary>
    public const int MaxNameLength = 255;

    /// <summary>True for a valid CIM identifier: a letter or underscore, then letters, digits or underscores.</summary>
    public static bool IsIdentifier(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Throws the WBEM error for an invalid or too long name of <paramref name="kind"/>.</summary>
    public static void ValidateIdentifier(string name, string kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length > MaxNameLength)
        {
            throw new WbemException(kind switch
            {
                "class" => WbemErrorEnum.wbemErrClassNameTooWide,
                "method" => WbemErrorEnum.wbemErrMethodNameTooWide,
                "qualifier" => WbemErrorEnum.wbemErrQualifierNameTooWide,
                _ => WbemErrorEnum.wbemErrPropertyNameTooWide,
            }, $"The {kind} name is longer than {MaxNameLength} characters.");
        }
        if (!IsIdentifier(name))
        {
            throw new WbemException(kind == "class" ? WbemErrorEnum.wbemErrInvalidClass : WbemErrorEnum.wbemErrInvalidParameter,
                $"'{name}' is not a valid {kind} name.");
        }
    }

    /// <summary>Case-insensitive name equality, as WMI compares every name.</summary>
    public static bool AreEqual(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

namespace Wmix.Cim;

internal sealed partial class MofParser
{
    /// <summary><c>[quals] class Name [: Super] { features };</c></summary>
    private void ParseClass(List<ParsedQualifier>? written, int start)
    {
        ExpectKeyword("class", "");
        var nameOffset = _tok.Start;
        var name = ExpectIdentifier("the class name");
        if (IsKeyword("as") && PeekNext().Kind == MofTokenKind.Alias)
        {
            // DSP0221 2.x allows an alias on a class; nothing can refer to it but class paths, so it is read and dropped.
            Advance();
            Advance();
        }
        CimClass? superclass = null;
        if (IsPunct(':'))
        {
            Advance();
            var superOffset = _tok.Start;
            var superName = ExpectIdentifier("the superclass name after ':'");
            superclass = _c.FindClass(_ns, superName)
                ?? throw Error(WbemErrorEnum.wbemErrInvalidSuperclass, superOffset,
                    $"Superclass '{superName}' of '{name}' is not defined in namespace '{_ns}'; define it before '{name}' or include the MOF that does.");
        }
        if (!CimNames.IsIdentifier(name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidClass, nameOffset, $"'{name}' is not a valid class name.");
        }
        if (_c.Namespace(_ns).Classes.ContainsKey(name))
        {
            throw Error(WbemErrorEnum.wbemErrAlreadyExists, nameOffset,
                $"Class '{name}' is defined twice in namespace '{_ns}' by this compilation; remove one definition (or delete the first with #pragma deleteclass).");
        }
        CimClass cls;
        try
        {
            cls = new CimClass(name, superclass);
        }
        catch (WbemException ex)
        {
            throw At(nameOffset, ex);
        }
        var scope = ClassScope(written, superclass);
        var qualifiers = BuildQualifiers(written, scope, $"class '{name}'", cls.Qualifiers, out _);
        foreach (var q in qualifiers)
        {
            cls.Qualifiers.Set(q);
        }
        ExpectPunct('{', $"to open the body of class '{name}'");
        var declared = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var declaredMethods = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (!IsPunct('}'))
        {
            ParseFeature(cls, declared, declaredMethods);
        }
        Advance();
        ExpectPunct(';', $"after the closing '}}' of class '{name}'");
        try
        {
            cls.Validate();
        }
        catch (WbemException ex)
        {
            throw At(nameOffset, ex);
        }
        cls.Freeze();
        _c.Namespace(_ns).Classes[name] = cls;
        _c.Definitions.Add(new MofClassDefinition(_ns, _src.Locate(start), cls, _c.ClassFlags, _c.Locale));
    }

    /// <summary>The scope a class's qualifiers are checked against: association and indication by their qualifiers, own or inherited.</summary>
    private CimQualifierScope ClassScope(List<ParsedQualifier>? written, CimClass? superclass)
    {
        bool Has(string q) => (superclass?.Qualifiers.IsTrue(q) ?? false) ||
            (written?.Exists(w => CimNames.AreEqual(w.Name, q) && w.Value is not { Kind: MofLiteralKind.Boolean, Value: false }) ?? false);
        return Has("association") ? CimQualifierScope.Association
            : Has("indication") ? CimQualifierScope.Indication
            : CimQualifierScope.Class;
    }

    /// <summary>A property, reference or method declaration.</summary>
    private void ParseFeature(CimClass cls, HashSet<string> declared, HashSet<string> declaredMethods)
    {
        var start = _tok.Start;
        List<ParsedQualifier>? written = null;
        if (IsPunct('['))
        {
            written = ParseQualifierList();
        }
        var typeOffset = _tok.Start;
        if (_tok.Kind != MofTokenKind.Identifier)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start,
                $"Expected a property or method declaration (a type such as uint32, a class name with REF, or '}}' to end class '{cls.Name}'), not {Describe(_tok)}.");
        }
        var typeName = ExpectIdentifier("a type");
        var (type, refClass) = ReadType(typeName, typeOffset, out var isVoid);
        var nameOffset = _tok.Start;
        var name = ExpectIdentifier(type == CimType.Reference ? "the reference's name" : "the property or method name");
        if (IsPunct('('))
        {
            if (type == CimType.Reference && refClass is not null)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidMethod, typeOffset, $"Method '{name}' cannot return a reference; return an object path string instead.");
            }
            ParseMethod(cls, written, isVoid ? CimType.None : type, refClass, name, nameOffset, declaredMethods);
            return;
        }
        if (isVoid)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidPropertyType, typeOffset, $"Property '{name}' cannot be void; only methods return void.");
        }
        var isArray = ParseArraySuffix(name);
        var what = $"property '{cls.Name}.{name}'";
        var scope = type == CimType.Reference ? CimQualifierScope.Reference : CimQualifierScope.Property;
        var inherited = cls.FindProperty(name);
        var qualifiers = BuildQualifiers(written, scope, what, inherited?.Qualifiers, out var cimType);
        ApplyEmbedding(qualifiers, cimType, ref type, ref refClass, typeOffset, what);
        if (!declared.Add(name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidProperty, nameOffset, $"Class '{cls.Name}' declares property '{name}' twice.");
        }
        if (cls.Methods.Find(name) is not null)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidProperty, nameOffset, $"Class '{cls.Name}' has a method named '{name}' already.");
        }
        CheckOverride(qualifiers, inherited is not null, cls, name, nameOffset);
        object? value = inherited?.Value;
        if (IsPunct('='))
        {
            Advance();
            var literal = ParseValue(allowInstance: true);
            if (literal.HasAlias)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, literal.Offset, $"Alias references are instance values; {what} cannot default to one.");
            }
            value = ConvertLiteral(literal, type, isArray, refClass, what, wrapScalar: false);
            if (value is CimObject embedded)
            {
                embedded.Freeze();
            }
            else if (value is CimObject[] embeddedArray)
            {
                Array.ForEach(embeddedArray, o => o.Freeze());
            }
        }
        ExpectPunct(';', $"to end the declaration of {what}");
        try
        {
            if (inherited is not null && (inherited.Type != type || inherited.IsArray != isArray))
            {
                throw new WbemException(WbemErrorEnum.wbemErrUpdateTypeMismatch,
                    $"{what} overrides an inherited {inherited.CimTypeText}{(inherited.IsArray ? "[]" : "")} with {CimTypes.CimTypeQualifierText(type, refClass)}{(isArray ? "[]" : "")}; keep the inherited type.");
            }
            cls.AddProperty(new CimProperty(name, type, isArray, value, refClass, qualifiers));
        }
        catch (WbemException ex)
        {
            throw At(nameOffset, ex);
        }
        if (refClass is not null)
        {
            _c.ClassChecks.Add(new MofCompilation.PendingClassCheck(_ns, refClass, _src, typeOffset, what));
        }
    }

    /// <summary>A type name: a data type, <c>void</c>, <c>object</c>, or a class (followed by REF for references, alone for embedded objects).</summary>
    private (CimType Type, string? RefClass) ReadType(string typeName, int typeOffset, out bool isVoid)
    {
        isVoid = false;
        var isRef = IsKeyword("ref") && PeekNext().Kind == MofTokenKind.Identifier;
        if (isRef)
        {
            Advance();
        }
        if (CimTypes.TryParseMofName(typeName, out var type))
        {
            if (isRef)
            {
                if (type != CimType.Object)
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidPropertyType, typeOffset, $"'{typeName} REF' is not a type; a reference names a class, as in 'CIM_ManagedElement REF Element'.");
                }
                return (CimType.Reference, null);
            }
            return (type, null);
        }
        if (string.Equals(typeName, "void", StringComparison.OrdinalIgnoreCase) && !isRef)
        {
            isVoid = true;
            return (CimType.None, null);
        }
        if (!CimNames.IsIdentifier(typeName))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, typeOffset, $"'{typeName}' is not a type.");
        }
        // A class name: a reference with REF, else (Microsoft's form) an embedded object of that class.
        return (isRef ? CimType.Reference : CimType.Object, typeName);
    }

    /// <summary>EmbeddedObject / EmbeddedInstance("X") on a string make it an embedded object; CIMTYPE("object:X") names its class.</summary>
    private void ApplyEmbedding(CimQualifierSet qualifiers, string? cimType, ref CimType type, ref string? refClass, int offset, string what)
    {
        if (qualifiers.Find("EmbeddedInstance") is { } ei && ei.Value is not null)
        {
            if (type is not (CimType.String or CimType.Object))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifier, offset, $"EmbeddedInstance applies to string (or object) elements, not to {what} of type {type.MofName()}.");
            }
            if (ei.Value is not string className || !CimNames.IsIdentifier(className))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifierType, offset, $"EmbeddedInstance of {what} must name a class.");
            }
            if (refClass is not null && !CimNames.AreEqual(refClass, className))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifier, offset, $"EmbeddedInstance(\"{className}\") contradicts the declared class '{refClass}' of {what}.");
            }
            type = CimType.Object;
            refClass = className;
        }
        else if (qualifiers.IsTrue("EmbeddedObject"))
        {
            if (type is not (CimType.String or CimType.Object))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifier, offset, $"EmbeddedObject applies to string (or object) elements, not to {what} of type {type.MofName()}.");
            }
            type = CimType.Object;
        }
        if (cimType is not null)
        {
            var colon = cimType.IndexOf(':', StringComparison.Ordinal);
            var kind = colon < 0 ? cimType : cimType[..colon];
            var named = colon < 0 ? null : cimType[(colon + 1)..];
            var matches = type switch
            {
                CimType.Reference => kind.Equals("ref", StringComparison.OrdinalIgnoreCase),
                CimType.Object => kind.Equals("object", StringComparison.OrdinalIgnoreCase),
                _ => named is null && CimTypes.TryParseMofName(kind, out var t) && t == type,
            };
            if (!matches || (named is not null && !CimNames.IsIdentifier(named)))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifier, offset, $"CIMTYPE(\"{cimType}\") does not match the declared type of {what}.");
            }
            if (named is not null)
            {
                if (refClass is not null && !CimNames.AreEqual(refClass, named))
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidQualifier, offset, $"CIMTYPE(\"{cimType}\") contradicts the declared class '{refClass}' of {what}.");
                }
                refClass = named;
            }
        }
    }

    /// <summary>DSP0004's Override("Name") must name an element the superclass has.</summary>
    private void CheckOverride(CimQualifierSet qualifiers, bool inherits, CimClass cls, string name, int offset)
    {
        if (qualifiers.GetValue("Override") is not string overridden)
        {
            return;
        }
        var dot = overridden.LastIndexOf('.');
        var target = dot < 0 ? overridden : overridden[(dot + 1)..];
        if (!inherits || !CimNames.AreEqual(target, name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidQualifier, offset,
                $"Override(\"{overridden}\") on '{cls.Name}.{name}' names nothing it overrides; the superclass must have an element '{name}' and Override must name it.");
        }
    }

    /// <summary><c>[]</c> or <c>[n]</c> after a name; true when present. The fixed size is checked and not kept (WMI does not enforce it).</summary>
    private bool ParseArraySuffix(string name)
    {
        if (!IsPunct('['))
        {
            return false;
        }
        Advance();
        if (_tok.Kind == MofTokenKind.Integer)
        {
            if (_tok.Value is not long n || n <= 0)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"The size of array '{name}' must be a positive integer.");
            }
            Advance();
        }
        ExpectPunct(']', $"to close the array brackets of '{name}'");
        return true;
    }

    /// <summary><c>type Name([quals] type param[], ...);</c></summary>
    private void ParseMethod(CimClass cls, List<ParsedQualifier>? written, CimType returnType, string? returnClass, string name, int nameOffset,
        HashSet<string> declaredMethods)
    {
        var what = $"method '{cls.Name}.{name}'";
        var inherited = cls.Methods.Find(name);
        var qualifiers = BuildQualifiers(written, CimQualifierScope.Method, what, inherited?.Qualifiers, out var cimType);
        if (returnType == CimType.None && qualifiers.Contains("EmbeddedInstance"))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidQualifier, nameOffset, $"A void {what} cannot return an embedded instance.");
        }
        if (returnType != CimType.None)
        {
            ApplyEmbedding(qualifiers, cimType, ref returnType, ref returnClass, nameOffset, what);
        }
        Advance(); // '('
        var parameters = new List<CimParameter>();
        if (!IsPunct(')'))
        {
            while (true)
            {
                parameters.Add(ParseParameter(what));
                if (IsPunct(','))
                {
                    Advance();
                    continue;
                }
                break;
            }
        }
        ExpectPunct(')', $"to close the parameter list of {what} (separate parameters with ',')");
        ExpectPunct(';', $"to end the declaration of {what}");
        if (!declaredMethods.Add(name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidMethod, nameOffset, $"Class '{cls.Name}' declares method '{name}' twice.");
        }
        if (cls.IndexOf(name) >= 0)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidMethod, nameOffset, $"Class '{cls.Name}' has a property named '{name}' already.");
        }
        CheckOverride(qualifiers, inherited is not null, cls, name, nameOffset);
        try
        {
            cls.AddMethod(new CimMethod(name, returnType, parameters, qualifiers));
        }
        catch (WbemException ex)
        {
            throw At(nameOffset, ex);
        }
        if (returnClass is not null)
        {
            _c.ClassChecks.Add(new MofCompilation.PendingClassCheck(_ns, returnClass, _src, nameOffset, what));
        }
    }

    private CimParameter ParseParameter(string method)
    {
        List<ParsedQualifier>? written = null;
        if (IsPunct('['))
        {
            written = ParseQualifierList();
        }
        var typeOffset = _tok.Start;
        var typeName = ExpectIdentifier($"a parameter type of {method}");
        var (type, refClass) = ReadType(typeName, typeOffset, out var isVoid);
        if (isVoid)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidMethodParameters, typeOffset, $"A parameter of {method} cannot be void.");
        }
        var nameOffset = _tok.Start;
        var name = ExpectIdentifier($"a parameter name of {method}");
        var isArray = ParseArraySuffix(name);
        if (IsPunct('='))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidMethodParameters, _tok.Start, $"Parameter '{name}' of {method} cannot have a default value in MOF 2.x.");
        }
        var what = $"parameter '{name}' of {method}";
        var qualifiers = BuildQualifiers(written, CimQualifierScope.Parameter, what, null, out var cimType);
        ApplyEmbedding(qualifiers, cimType, ref type, ref refClass, typeOffset, what);
        if (!CimNames.IsIdentifier(name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidMethodParameters, nameOffset, $"'{name}' is not a valid parameter name.");
        }
        if (refClass is not null)
        {
            _c.ClassChecks.Add(new MofCompilation.PendingClassCheck(_ns, refClass, _src, typeOffset, what));
        }
        return new CimParameter(name, type, isArray, refClass, qualifiers);
    }
}

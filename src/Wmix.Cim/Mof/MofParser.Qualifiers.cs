namespace Wmix.Cim;

/// <summary>A qualifier as written: name, value (null when omitted) and the flavors given after ':'.</summary>
internal sealed record ParsedQualifier(string Name, int Offset, MofLiteral? Value, CimFlavor Set, CimFlavor Clear);

internal sealed partial class MofParser
{
    private const CimFlavor DeclarationDefaultFlavor = CimFlavor.ToSubclass;

    /// <summary><c>[Name(value) : flavor flavor, Name{v, v}, Name]</c>.</summary>
    private List<ParsedQualifier> ParseQualifierList()
    {
        ExpectPunct('[', "to start a qualifier list");
        var list = new List<ParsedQualifier>();
        while (true)
        {
            var offset = _tok.Start;
            var name = ExpectIdentifier("a qualifier name");
            MofLiteral? value = null;
            if (IsPunct('('))
            {
                Advance();
                value = ParseValue(allowInstance: false);
                ExpectPunct(')', $"to close the value of qualifier '{name}'");
            }
            else if (IsPunct('{'))
            {
                value = ParseValue(allowInstance: false);
            }
            CimFlavor set = CimFlavor.None, clear = CimFlavor.None;
            if (IsPunct(':'))
            {
                Advance();
                var any = false;
                while (_tok.Kind == MofTokenKind.Identifier && TryFlavor(_tok, out var s, out var c))
                {
                    if ((set & c) != 0 || (clear & s) != 0)
                    {
                        throw Error(WbemErrorEnum.wbemErrInvalidFlavor, _tok.Start, $"Flavor '{TokenText(_tok)}' contradicts an earlier flavor of qualifier '{name}'.");
                    }
                    set |= s;
                    clear |= c;
                    any = true;
                    Advance();
                }
                if (!any)
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidFlavor, _tok.Start,
                        $"Expected a flavor (EnableOverride, DisableOverride, ToSubclass, Restricted, ToInstance, Translatable, Amended) after ':' of qualifier '{name}', not {Describe(_tok)}.");
                }
            }
            list.Add(new ParsedQualifier(name, offset, value, set, clear));
            if (IsPunct(','))
            {
                Advance();
                continue;
            }
            ExpectPunct(']', "to close the qualifier list (separate qualifiers with ',')");
            return list;
        }
    }

    /// <summary>The flavor bits a flavor keyword sets and clears; false for a word that is not a flavor.</summary>
    private bool TryFlavor(MofToken token, out CimFlavor set, out CimFlavor clear)
    {
        set = clear = CimFlavor.None;
        switch (TokenText(token).ToUpperInvariant())
        {
            case "ENABLEOVERRIDE": clear = CimFlavor.DisableOverride; return true;
            case "DISABLEOVERRIDE": set = CimFlavor.DisableOverride; return true;
            case "TOSUBCLASS": set = CimFlavor.ToSubclass; return true;
            case "RESTRICTED" or "NOTTOSUBCLASS": clear = CimFlavor.ToSubclass; return true;
            case "TOINSTANCE": set = CimFlavor.ToInstance; return true;
            case "NOTTOINSTANCE": clear = CimFlavor.ToInstance; return true;
            case "AMENDED": set = CimFlavor.Amended; return true;
            // Translatable only matters in declarations (the value may be localized); on a use it changes nothing.
            case "TRANSLATABLE": return true;
            default: return false;
        }
    }

    /// <summary>
    /// Turns written qualifiers into a set for an element of <paramref name="scope"/>: each must be declared (or be a
    /// standard one), used in its scope, typed as declared; its flavor is the declaration's with the written ones
    /// applied. A qualifier that <paramref name="inherited"/> marks DisableOverride may not change value.
    /// </summary>
    /// <remarks>An explicit CIMTYPE qualifier is returned in <paramref name="cimType"/>, not stored (WMI derives it).</remarks>
    private CimQualifierSet BuildQualifiers(List<ParsedQualifier>? written, CimQualifierScope scope, string element,
        CimQualifierSet? inherited, out string? cimType)
    {
        cimType = null;
        var set = new CimQualifierSet();
        if (written is null)
        {
            return set;
        }
        foreach (var q in written)
        {
            if (set.Contains(q.Name) || (cimType is not null && CimNames.AreEqual(q.Name, "CIMTYPE")))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifier, q.Offset, $"Qualifier '{q.Name}' is given twice on {element}.");
            }
            var decl = _c.FindQualifier(_ns, q.Name);
            if (decl is null)
            {
                if (!_c.Options.AllowUndeclaredQualifiers)
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidQualifier, q.Offset,
                        $"Qualifier '{q.Name}' is not declared; declare it first ('qualifier {q.Name} : string, scope(any);') or set MofCompilerOptions.AllowUndeclaredQualifiers.");
                }
                decl = InferDeclaration(q);
            }
            if (scope != CimQualifierScope.None && (decl.Scope & scope) == 0)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidQualifier, q.Offset,
                    $"Qualifier '{q.Name}' cannot be used on {element}; its scope is {decl.Scope}.");
            }
            object? value;
            if (q.Value is not { } literal)
            {
                value = decl.Type == CimType.Boolean && !decl.IsArray ? true : decl.DefaultValue;
            }
            else
            {
                value = ConvertLiteral(literal, decl.Type, decl.IsArray, null, $"Qualifier '{q.Name}'", wrapScalar: true,
                    mismatch: WbemErrorEnum.wbemErrInvalidQualifierType);
            }
            if (CimNames.AreEqual(q.Name, "CIMTYPE"))
            {
                cimType = value as string ?? "";
                continue;
            }
            var flavor = ((decl.Flavor & ~CimFlavor.Amended) | q.Set) & ~q.Clear;
            if (inherited?.Find(q.Name) is { IsOverridable: false } old && !CimValue.AreEqual(old.Value, value))
            {
                throw Error(WbemErrorEnum.wbemErrOverrideNotAllowed, q.Offset,
                    $"Qualifier '{q.Name}' is inherited with DisableOverride and cannot change on {element}.");
            }
            set.Set(new CimQualifier(q.Name, value, flavor, decl.Type, decl.IsArray));
        }
        return set;
    }

    private CimQualifierDeclaration InferDeclaration(ParsedQualifier q)
    {
        var type = CimType.Boolean;
        var isArray = false;
        if (q.Value is { } v)
        {
            var sample = v;
            if (v.Kind == MofLiteralKind.Array)
            {
                isArray = true;
                sample = v.Items.Count > 0 ? v.Items[0] : new MofLiteral(MofLiteralKind.String, "", v.Offset);
            }
            type = sample.Kind switch
            {
                MofLiteralKind.Integer => sample.Value is ulong || sample.Value is long l && (l > int.MaxValue || l < int.MinValue) ? CimType.SInt64 : CimType.SInt32,
                MofLiteralKind.Real => CimType.Real64,
                MofLiteralKind.Char => CimType.Char16,
                MofLiteralKind.Boolean => CimType.Boolean,
                MofLiteralKind.Null => CimType.String,
                _ => CimType.String,
            };
        }
        return new CimQualifierDeclaration(q.Name, type, isArray, null, CimQualifierScope.Any, CimQualifier.DefaultFlavor(q.Name));
    }

    /// <summary><c>qualifier Name : type[] = default, scope(...), flavor(...);</c></summary>
    private void ParseQualifierDeclaration(int start)
    {
        ExpectKeyword("qualifier", "");
        var nameOffset = _tok.Start;
        var name = ExpectIdentifier("the qualifier's name");
        ExpectPunct(':', $"and a type after qualifier '{name}'");
        var typeOffset = _tok.Start;
        var typeName = ExpectIdentifier("the qualifier's type (boolean, string, uint32...)");
        if (!CimTypes.TryParseMofName(typeName, out var type) || type == CimType.Object)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidQualifierType, typeOffset, $"'{typeName}' is not a qualifier type; use a MOF data type such as boolean, string or uint32.");
        }
        var isArray = false;
        if (IsPunct('['))
        {
            Advance();
            isArray = true;
            if (_tok.Kind == MofTokenKind.Integer)
            {
                Advance();
            }
            ExpectPunct(']', "to close the array brackets");
        }
        object? defaultValue = null;
        if (IsPunct('='))
        {
            Advance();
            var literal = ParseValue(allowInstance: false);
            defaultValue = ConvertLiteral(literal, type, isArray, null, $"The default of qualifier '{name}'", wrapScalar: false,
                mismatch: WbemErrorEnum.wbemErrInvalidQualifierType);
        }
        var scope = CimQualifierScope.None;
        var flavor = DeclarationDefaultFlavor;
        bool sawScope = false, sawFlavor = false;
        while (IsPunct(','))
        {
            Advance();
            if (IsKeyword("scope") && !sawScope)
            {
                sawScope = true;
                Advance();
                ExpectPunct('(', "after 'scope'");
                scope = ParseScopeList();
            }
            else if (IsKeyword("flavor") && !sawFlavor)
            {
                sawFlavor = true;
                Advance();
                ExpectPunct('(', "after 'flavor'");
                flavor = ParseDeclarationFlavors(name);
            }
            else
            {
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"Expected 'scope(...)' or 'flavor(...)' in the declaration of qualifier '{name}', not {Describe(_tok)}.");
            }
        }
        if (!sawScope)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"The declaration of qualifier '{name}' needs a scope, as in ', scope(class, property)'.");
        }
        ExpectPunct(';', $"to end the declaration of qualifier '{name}'");
        if (name.Length == 0 || !CimNames.IsIdentifier(name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidQualifier, nameOffset, $"'{name}' is not a valid qualifier name.");
        }
        var declaration = new CimQualifierDeclaration(name, type, isArray, defaultValue, scope, flavor);
        _c.Namespace(_ns).Qualifiers[name] = declaration;
        _c.Definitions.Add(new MofQualifierDefinition(_ns, _src.Locate(start), declaration));
    }

    private CimQualifierScope ParseScopeList()
    {
        var scope = CimQualifierScope.None;
        while (true)
        {
            var offset = _tok.Start;
            var word = ExpectIdentifier("a scope (class, association, indication, property, reference, method, parameter, qualifier or any)");
            scope |= word.ToUpperInvariant() switch
            {
                "CLASS" => CimQualifierScope.Class,
                "ASSOCIATION" => CimQualifierScope.Association,
                "INDICATION" => CimQualifierScope.Indication,
                "PROPERTY" => CimQualifierScope.Property,
                "REFERENCE" => CimQualifierScope.Reference,
                "METHOD" => CimQualifierScope.Method,
                "PARAMETER" => CimQualifierScope.Parameter,
                "QUALIFIER" => CimQualifierScope.Qualifier,
                "INSTANCE" => CimQualifierScope.Instance,
                "ANY" => CimQualifierScope.Any,
                _ => throw Error(WbemErrorEnum.wbemErrInvalidSyntax, offset,
                    $"'{word}' is not a scope; use class, association, indication, property, reference, method, parameter, qualifier or any."),
            };
            if (IsPunct(','))
            {
                Advance();
                continue;
            }
            ExpectPunct(')', "to close the scope list");
            return scope;
        }
    }

    private CimFlavor ParseDeclarationFlavors(string name)
    {
        CimFlavor set = CimFlavor.None, clear = CimFlavor.None;
        while (true)
        {
            var offset = _tok.Start;
            if (_tok.Kind != MofTokenKind.Identifier || !TryFlavor(_tok, out var s, out var c))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidFlavor, offset,
                    $"Expected a flavor (EnableOverride, DisableOverride, ToSubclass, Restricted, ToInstance, Translatable, Amended), not {Describe(_tok)}.");
            }
            if (IsKeyword("translatable"))
            {
                // The declaration records Translatable in the Amended bit (CimFlavor's documented mapping).
                s = CimFlavor.Amended;
            }
            if ((set & c) != 0 || (clear & s) != 0)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidFlavor, offset, $"Flavor '{TokenText(_tok)}' contradicts an earlier flavor of qualifier '{name}'.");
            }
            set |= s;
            clear |= c;
            Advance();
            if (IsPunct(','))
            {
                Advance();
                continue;
            }
            ExpectPunct(')', "to close the flavor list");
            return (DeclarationDefaultFlavor | set) & ~clear;
        }
    }
}

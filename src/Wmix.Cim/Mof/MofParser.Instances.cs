namespace Wmix.Cim;

internal sealed partial class MofParser
{
    /// <summary>
    /// <c>[quals] instance of Class [as $Alias] { [quals] Prop = value; ... }</c>. The caller consumes the ';' after
    /// the '}' (an embedded instance is followed by the ';' of the property it is the value of).
    /// </summary>
    private CimInstance ParseInstance(List<ParsedQualifier>? written, int start, bool embedded, out string? alias)
    {
        alias = null;
        ExpectKeyword("instance", "");
        ExpectKeyword("of", "after 'instance'");
        var classOffset = _tok.Start;
        var className = ExpectIdentifier("the class name after 'instance of'");
        var cls = _c.FindClass(_ns, className)
            ?? throw Error(WbemErrorEnum.wbemErrInvalidClass, classOffset,
                $"Class '{className}' is not defined in namespace '{_ns}'; define it before its instances or include the MOF that does.");
        if (cls.IsAbstract)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidOperation, classOffset, $"Class '{cls.Name}' is abstract and cannot have instances; use a concrete subclass.");
        }
        int aliasOffset = 0;
        if (IsKeyword("as"))
        {
            Advance();
            aliasOffset = _tok.Start;
            if (_tok.Kind != MofTokenKind.Alias)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"Expected an alias such as '$MyInstance' after 'as', not {Describe(_tok)}.");
            }
            if (embedded)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, "An embedded instance cannot have an alias; give the alias to a top-level instance.");
            }
            alias = (string)_tok.Value!;
            Advance();
        }
        var instance = cls.SpawnInstance();
        var what = $"instance of '{cls.Name}'";
        var qualifiers = BuildQualifiers(written, CimQualifierScope.None, what, null, out _);
        foreach (var q in qualifiers)
        {
            instance.Qualifiers.Set(q);
        }
        ExpectPunct('{', $"to open the body of the {what}");
        var assigned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (!IsPunct('}'))
        {
            ParseAssignment(instance, assigned);
        }
        Advance();
        if (alias is not null)
        {
            if (_c.Aliases.ContainsKey(alias))
            {
                throw Error(WbemErrorEnum.wbemErrAlreadyExists, aliasOffset, $"Alias '${alias}' is already used; each alias names one instance.");
            }
            _c.Aliases[alias] = new MofCompilation.AliasEntry(instance, _ns, _src, aliasOffset);
        }
        return instance;
    }

    /// <summary><c>[quals] Name = value;</c> inside an instance.</summary>
    private void ParseAssignment(CimInstance instance, HashSet<string> assigned)
    {
        List<ParsedQualifier>? written = null;
        if (IsPunct('['))
        {
            written = ParseQualifierList();
        }
        var nameOffset = _tok.Start;
        if (_tok.Kind != MofTokenKind.Identifier)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"Expected a property name or '}}' to end the instance of '{instance.ClassName}', not {Describe(_tok)}.");
        }
        var name = ExpectIdentifier("a property name");
        var index = instance.Class.IndexOf(name);
        if (index < 0)
        {
            throw Error(WbemErrorEnum.wbemErrNotFound, nameOffset, $"Class '{instance.ClassName}' has no property '{name}'; declare it in the class or fix the name.");
        }
        if (!assigned.Add(name))
        {
            throw Error(WbemErrorEnum.wbemErrInvalidProperty, nameOffset, $"Property '{name}' is given twice in the instance of '{instance.ClassName}'.");
        }
        var property = instance.Properties[index];
        var what = $"property '{instance.ClassName}.{property.Name}'";
        var propertyQualifiers = BuildQualifiers(written, CimQualifierScope.None, what, null, out _);
        if (propertyQualifiers.Count > 0)
        {
            var target = instance.PropertyQualifiers(index);
            foreach (var q in propertyQualifiers)
            {
                target.Set(q);
            }
        }
        ExpectPunct('=', $"after property name '{name}'");
        var literal = ParseValue(allowInstance: true);
        ExpectPunct(';', $"to end the value of {what}");
        if (literal.HasAlias)
        {
            if (property.Type != CimType.Reference)
            {
                throw Error(WbemErrorEnum.wbemErrTypeMismatch, literal.Offset, $"{what} is {property.Type.MofName()}; only references take an alias as value.");
            }
            if (literal.Kind == MofLiteralKind.Array != property.IsArray)
            {
                throw Error(WbemErrorEnum.wbemErrTypeMismatch, literal.Offset, $"{what} {(property.IsArray ? "is an array; write its value in braces" : "is a single reference, but the value is an array")}.");
            }
            if (literal.Kind == MofLiteralKind.Array)
            {
                foreach (var item in literal.Items)
                {
                    if (item.Kind != MofLiteralKind.Alias)
                    {
                        ConvertScalar(item, CimType.Reference, null, what, WbemErrorEnum.wbemErrTypeMismatch);
                    }
                }
            }
            _c.PendingAliases.Add(new MofCompilation.PendingAlias(instance, index, literal, _ns, _src));
            return;
        }
        var value = ConvertLiteral(literal, property.Type, property.IsArray, property.ReferenceClassName, what, wrapScalar: false);
        try
        {
            instance.SetValue(index, value);
        }
        catch (WbemException ex)
        {
            throw At(literal.Offset, ex);
        }
    }
}

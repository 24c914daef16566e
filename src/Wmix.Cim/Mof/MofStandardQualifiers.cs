namespace Wmix.Cim;

/// <summary>
/// The qualifier types a MOF may use without declaring them: DSP0004's standard and optional qualifiers (types,
/// scopes and flavors as DSP0004 defines them) and the WMI-specific qualifiers Microsoft documents (scope any,
/// since WMI does not restrict them). Declarations in the compilation take precedence.
/// </summary>
internal static class MofStandardQualifiers
{
    private const string Declarations = """
        qualifier Association : boolean = false, scope(association), flavor(DisableOverride, ToSubclass);
        qualifier Indication : boolean = false, scope(class, indication), flavor(DisableOverride, ToSubclass);
        qualifier Abstract : boolean = false, scope(class, association, indication), flavor(EnableOverride, Restricted);
        qualifier Aggregate : boolean = false, scope(reference), flavor(DisableOverride, ToSubclass);
        qualifier Aggregation : boolean = false, scope(association), flavor(DisableOverride, ToSubclass);
        qualifier ArrayType : string = "Bag", scope(property, parameter), flavor(DisableOverride, ToSubclass);
        qualifier BitMap : string[], scope(property, method, parameter);
        qualifier BitValues : string[], scope(property, method, parameter), flavor(Translatable);
        qualifier ClassConstraint : string[], scope(class, association, indication);
        qualifier Composition : boolean = false, scope(association), flavor(DisableOverride, ToSubclass);
        qualifier Correlatable : string[], scope(property);
        qualifier Counter : boolean = false, scope(property, method, parameter);
        qualifier Deprecated : string[], scope(any), flavor(EnableOverride, Restricted);
        qualifier Description : string = null, scope(any), flavor(Translatable);
        qualifier DisplayName : string = null, scope(any), flavor(Translatable);
        qualifier DN : boolean = false, scope(property, method, parameter), flavor(DisableOverride, ToSubclass);
        qualifier EmbeddedInstance : string = null, scope(property, method, parameter);
        qualifier EmbeddedObject : boolean = false, scope(property, method, parameter), flavor(DisableOverride, ToSubclass);
        qualifier Exception : boolean = false, scope(class, indication), flavor(DisableOverride, ToSubclass);
        qualifier Experimental : boolean = false, scope(any), flavor(EnableOverride, Restricted);
        qualifier Gauge : boolean = false, scope(property, method, parameter);
        qualifier In : boolean = true, scope(parameter), flavor(DisableOverride, ToSubclass);
        qualifier IsPUnit : boolean = false, scope(property, method, parameter);
        qualifier Key : boolean = false, scope(property, reference), flavor(DisableOverride, ToSubclass);
        qualifier MappingStrings : string[], scope(any);
        qualifier Max : uint32 = null, scope(reference);
        qualifier MaxLen : uint32 = null, scope(property, method, parameter);
        qualifier MaxValue : sint64 = null, scope(property, method, parameter);
        qualifier MethodConstraint : string[], scope(method);
        qualifier Min : uint32 = 0, scope(reference);
        qualifier MinLen : uint32 = 0, scope(property, method, parameter);
        qualifier MinValue : sint64 = null, scope(property, method, parameter);
        qualifier ModelCorrespondence : string[], scope(any);
        qualifier NullValue : string = null, scope(property), flavor(DisableOverride, ToSubclass);
        qualifier OctetString : boolean = false, scope(property, method, parameter), flavor(DisableOverride, ToSubclass);
        qualifier Out : boolean = false, scope(parameter), flavor(DisableOverride, ToSubclass);
        qualifier Override : string = null, scope(property, reference, method), flavor(EnableOverride, Restricted);
        qualifier Propagated : string = null, scope(property), flavor(DisableOverride, ToSubclass);
        qualifier PropertyConstraint : string[], scope(property, reference);
        qualifier PUnit : string = null, scope(property, method, parameter);
        qualifier Read : boolean = true, scope(property);
        qualifier Reference : string = null, scope(property);
        qualifier Required : boolean = false, scope(property, reference, method, parameter), flavor(DisableOverride, ToSubclass);
        qualifier Static : boolean = false, scope(property, method), flavor(DisableOverride, ToSubclass);
        qualifier Structure : boolean = false, scope(class, indication), flavor(DisableOverride, ToSubclass);
        qualifier Terminal : boolean = false, scope(class, association, indication);
        qualifier UMLPackagePath : string = null, scope(class, association, indication);
        qualifier Units : string = null, scope(property, method, parameter), flavor(Translatable);
        qualifier ValueMap : string[], scope(property, method, parameter);
        qualifier Values : string[], scope(property, method, parameter), flavor(Translatable);
        qualifier Version : string = null, scope(class, association, indication), flavor(EnableOverride, Restricted, Translatable);
        qualifier Weak : boolean = false, scope(reference), flavor(DisableOverride, ToSubclass);
        qualifier Write : boolean = false, scope(property);
        qualifier Alias : string = null, scope(property, reference, method), flavor(Translatable);
        qualifier Delete : boolean = false, scope(association, reference);
        qualifier DisplayDescription : string = null, scope(any), flavor(Translatable);
        qualifier Expensive : boolean = false, scope(any);
        qualifier IfDeleted : boolean = false, scope(association, reference);
        qualifier Invisible : boolean = false, scope(class, association, property, reference, method);
        qualifier Large : boolean = false, scope(class, property);
        qualifier PropertyUsage : string = "CurrentContext", scope(property);
        qualifier Provider : string = null, scope(any);
        qualifier SyntaxType : string = null, scope(property, reference, method, parameter);
        qualifier Syntax : string = null, scope(property, reference, method, parameter);
        qualifier TriggerType : string = null, scope(class, association, indication, property, reference, method);
        qualifier UnknownValues : string[], scope(property), flavor(DisableOverride, ToSubclass);
        qualifier UnsupportedValues : string[], scope(property), flavor(DisableOverride, ToSubclass);

        qualifier Amendment : boolean = false, scope(any);
        qualifier CIMTYPE : string = null, scope(any);
        qualifier CIM_Key : boolean = false, scope(any);
        qualifier ClassContext : string = null, scope(any);
        qualifier Constructor : boolean = false, scope(any);
        qualifier CreateBy : string = null, scope(any);
        qualifier DeleteBy : string = null, scope(any);
        qualifier Destructor : boolean = false, scope(any);
        qualifier Dynamic : boolean = false, scope(any);
        qualifier DynProps : boolean = false, scope(any);
        qualifier Enumeration : boolean = false, scope(any);
        qualifier Fixed : boolean = false, scope(any);
        qualifier ID : sint32 = null, scope(any);
        qualifier Implemented : boolean = false, scope(any);
        qualifier InstanceContext : string = null, scope(any);
        qualifier Lazy : boolean = false, scope(any);
        qualifier Locale : sint32 = null, scope(any);
        qualifier NamespaceSecuritySDDL : string = null, scope(any);
        qualifier NotNull : boolean = false, scope(any);
        qualifier Not_Null : boolean = false, scope(any);
        qualifier Optional : boolean = false, scope(any);
        qualifier Privileges : string[], scope(any);
        qualifier PropertyContext : string = null, scope(any);
        qualifier RequiresEncryption : boolean = false, scope(any);
        qualifier Schema : string = null, scope(any);
        qualifier Singleton : boolean = false, scope(any);
        qualifier Source : string = null, scope(any);
        qualifier SourceType : string = null, scope(any);
        qualifier SubType : string = null, scope(any);
        qualifier SupportsCreate : boolean = false, scope(any);
        qualifier SupportsDelete : boolean = false, scope(any);
        qualifier SupportsUpdate : boolean = false, scope(any);
        qualifier UUID : string = null, scope(any);
        qualifier Volatile : boolean = false, scope(any);
        qualifier WritePrivileges : string[], scope(any);
        qualifier CounterType : sint32 = null, scope(any);
        qualifier DefaultScale : sint32 = null, scope(any);
        qualifier PerfDetail : sint32 = null, scope(any);
        qualifier PerfDefault : boolean = false, scope(any);
        qualifier PerfIndex : sint32 = null, scope(any);
        qualifier HelpIndex : sint32 = null, scope(any);
        qualifier Cooked : boolean = false, scope(any);
        qualifier HiPerf : boolean = false, scope(any);
        qualifier Costly : boolean = false, scope(any);
        qualifier GenericPerfCtr : boolean = false, scope(any);
        qualifier AutoCook : sint32 = null, scope(any);
        qualifier AutoCook_RawClass : string = null, scope(any);
        qualifier AutoCook_RawDefault : sint32 = null, scope(any);
        qualifier CookingType : string = null, scope(any);
        qualifier Base : string = null, scope(any);
        qualifier DisplayNameId : sint32 = null, scope(any);
        """;

    private static readonly Lazy<Dictionary<string, CimQualifierDeclaration>> s_table = new(Build);

    /// <summary>All built-in declarations by name (case-insensitive).</summary>
    public static IReadOnlyDictionary<string, CimQualifierDeclaration> All => s_table.Value;

    public static CimQualifierDeclaration? Find(string name) => s_table.Value.GetValueOrDefault(name);

    private static Dictionary<string, CimQualifierDeclaration> Build()
    {
        var result = MofCompiler.Run(MofCompilerOptions.Default, Declarations, "<standard qualifiers>", bootstrap: true);
        var table = new Dictionary<string, CimQualifierDeclaration>(StringComparer.OrdinalIgnoreCase);
        foreach (var q in result.Qualifiers)
        {
            table[q.Declaration.Name] = q.Declaration;
        }
        return table;
    }
}

namespace Wmix.Cim;

/// <summary>
/// The state of one <see cref="MofCompiler.Compile"/> call, shared by the parsers of the main file and its
/// includes: classes and qualifier types per namespace, aliases, definitions in source order and the checks that
/// can only run once everything is read (classes named by references, alias paths).
/// </summary>
internal sealed class MofCompilation
{
    private readonly Dictionary<string, NamespaceState> _namespaces = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Ns, string Name), CimClass?> _resolved = [];

    public MofCompilation(MofCompilerOptions options, bool bootstrap = false)
    {
        Options = options;
        Bootstrap = bootstrap;
    }

    public MofCompilerOptions Options { get; }

    /// <summary>True while compiling the built-in standard qualifier table itself.</summary>
    public bool Bootstrap { get; }

    public List<MofDefinition> Definitions { get; } = [];

    public List<string> Files { get; } = [];

    public List<string> IncludeStack { get; } = [];

    public Dictionary<string, AliasEntry> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<PendingAlias> PendingAliases { get; } = [];

    public List<PendingClassCheck> ClassChecks { get; } = [];

    public List<CimInstance> InstancesToFreeze { get; } = [];

    public bool AutoRecover { get; set; }

    public bool Amendment { get; set; }

    public string? Locale { get; set; }

    public MofClassFlags ClassFlags { get; set; }

    public MofInstanceFlags InstanceFlags { get; set; }

    public NamespaceState Namespace(string ns)
    {
        if (!_namespaces.TryGetValue(ns, out var state))
        {
            state = new NamespaceState();
            _namespaces[ns] = state;
        }
        return state;
    }

    /// <summary>A class defined by the compilation in <paramref name="ns"/>, else one the resolver knows, else null.</summary>
    public CimClass? FindClass(string ns, string name)
    {
        if (Namespace(ns).Classes.TryGetValue(name, out var cls))
        {
            return cls;
        }
        if (Options.ClassResolver is not { } resolver)
        {
            return null;
        }
        if (!_resolved.TryGetValue((ns, name), out cls))
        {
            cls = resolver(ns, name);
            if (cls is not null && !cls.IsReadOnly)
            {
                cls = (CimClass)cls.Clone().Freeze();
            }
            _resolved[(ns, name)] = cls;
        }
        return cls;
    }

    public CimQualifierDeclaration? FindQualifier(string ns, string name)
    {
        if (Namespace(ns).Qualifiers.TryGetValue(name, out var decl))
        {
            return decl;
        }
        if (Options.QualifierResolver?.Invoke(ns, name) is { } resolved)
        {
            return resolved;
        }
        return Bootstrap ? null : MofStandardQualifiers.Find(name);
    }

    internal sealed class NamespaceState
    {
        public Dictionary<string, CimClass> Classes { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, CimQualifierDeclaration> Qualifiers { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>An instance declared <c>as $Alias</c>.</summary>
    internal sealed record AliasEntry(CimInstance Instance, string Namespace, MofSource Source, int Offset);

    /// <summary>A property of <paramref name="Target"/> whose value names aliases, set once their paths are known.</summary>
    internal sealed record PendingAlias(CimInstance Target, int PropertyIndex, MofLiteral Value, string Namespace, MofSource Source);

    /// <summary>A class named by a reference, embedded object or EmbeddedInstance, checked when everything is read.</summary>
    internal sealed record PendingClassCheck(string Namespace, string ClassName, MofSource Source, int Offset, string Element);
}

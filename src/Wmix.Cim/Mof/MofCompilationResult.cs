namespace Wmix.Cim;

/// <summary>A place in MOF text: file (null for text compiled without a name), 1-based line and column.</summary>
/// <param name="File">The file name, or null.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct MofSourceLocation(string? File, int Line, int Column)
{
    /// <inheritdoc />
    public override string ToString() => $"{File ?? "<text>"}({Line},{Column})";
}

/// <summary>How mofcomp stores classes (<c>#pragma classflags</c>), with the WBEM flag values.</summary>
[Flags]
public enum MofClassFlags
{
    /// <summary>Create or update (the default).</summary>
    None = 0,
    /// <summary>Update an existing class only; fail when it does not exist (WBEM_FLAG_UPDATE_ONLY).</summary>
    UpdateOnly = 0x1,
    /// <summary>Create only; fail when the class exists (WBEM_FLAG_CREATE_ONLY).</summary>
    CreateOnly = 0x2,
    /// <summary>Update even when subclasses exist, if no conflict arises (WBEM_FLAG_UPDATE_SAFE_MODE).</summary>
    SafeUpdate = 0x20,
    /// <summary>Update even when subclasses conflict, removing their conflicting parts (WBEM_FLAG_UPDATE_FORCE_MODE).</summary>
    ForceUpdate = 0x40,
}

/// <summary>How mofcomp stores instances (<c>#pragma instanceflags</c>), with the WBEM flag values.</summary>
[Flags]
public enum MofInstanceFlags
{
    /// <summary>Create or update (the default).</summary>
    None = 0,
    /// <summary>Update an existing instance only (WBEM_FLAG_UPDATE_ONLY).</summary>
    UpdateOnly = 0x1,
    /// <summary>Create only; existing instances stay unchanged (WBEM_FLAG_CREATE_ONLY).</summary>
    CreateOnly = 0x2,
}

/// <summary>One thing a MOF compilation produced, in source order: a qualifier type, class, instance or action.</summary>
/// <param name="Namespace">The namespace it goes to (<c>root\cimv2</c>), after <c>#pragma namespace</c>.</param>
/// <param name="Location">Where it starts in the MOF.</param>
public abstract record MofDefinition(string Namespace, MofSourceLocation Location);

/// <summary>A qualifier type declaration (<c>qualifier Name : type ...;</c>).</summary>
/// <param name="Namespace">The namespace it goes to.</param>
/// <param name="Location">Where it starts.</param>
/// <param name="Declaration">The declaration.</param>
public sealed record MofQualifierDefinition(string Namespace, MofSourceLocation Location, CimQualifierDeclaration Declaration)
    : MofDefinition(Namespace, Location);

/// <summary>A compiled, frozen class with the storage flags in force where it was declared.</summary>
/// <param name="Namespace">The namespace it goes to.</param>
/// <param name="Location">Where it starts.</param>
/// <param name="Class">The class, frozen; its superclass and referenced classes are resolved.</param>
/// <param name="Flags">The <c>#pragma classflags</c> in force.</param>
/// <param name="Locale">The <c>#pragma locale</c> in force (<c>MS_409</c>), or null.</param>
public sealed record MofClassDefinition(string Namespace, MofSourceLocation Location, CimClass Class, MofClassFlags Flags, string? Locale)
    : MofDefinition(Namespace, Location);

/// <summary>A compiled, frozen instance.</summary>
/// <param name="Namespace">The namespace it goes to.</param>
/// <param name="Location">Where it starts.</param>
/// <param name="Instance">The instance, frozen; alias references replaced by the referenced instance's path.</param>
/// <param name="Alias">Its alias without the <c>$</c>, or null.</param>
/// <param name="Flags">The <c>#pragma instanceflags</c> in force.</param>
/// <param name="Locale">The <c>#pragma locale</c> in force, or null.</param>
public sealed record MofInstanceDefinition(string Namespace, MofSourceLocation Location, CimInstance Instance, string? Alias, MofInstanceFlags Flags, string? Locale)
    : MofDefinition(Namespace, Location);

/// <summary><c>#pragma deleteclass("Name", FAIL|NOFAIL)</c>: delete a class and its instances before what follows.</summary>
/// <param name="Namespace">The namespace to delete from.</param>
/// <param name="Location">Where the pragma is.</param>
/// <param name="ClassName">The class to delete.</param>
/// <param name="FailIfMissing">True for FAIL: a missing class stops the load.</param>
public sealed record MofDeleteClassAction(string Namespace, MofSourceLocation Location, string ClassName, bool FailIfMissing)
    : MofDefinition(Namespace, Location);

/// <summary><c>#pragma deleteinstance("Path", FAIL|NOFAIL)</c>: delete an instance before what follows.</summary>
/// <param name="Namespace">The namespace to delete from.</param>
/// <param name="Location">Where the pragma is.</param>
/// <param name="Path">The instance's object path.</param>
/// <param name="FailIfMissing">True for FAIL: a missing instance stops the load.</param>
public sealed record MofDeleteInstanceAction(string Namespace, MofSourceLocation Location, CimObjectPath Path, bool FailIfMissing)
    : MofDefinition(Namespace, Location);

/// <summary>
/// What a MOF compilation produced, in source order (<see cref="Definitions"/>) and by kind. Everything in it is
/// consistent: each class's superclass and every class named by a reference or an embedded object is defined by
/// the compilation or was found through <see cref="MofCompilerOptions.ClassResolver"/>.
/// </summary>
public sealed class MofCompilationResult
{
    internal MofCompilationResult(IReadOnlyList<MofDefinition> definitions, IReadOnlyList<string> files, bool autoRecover, bool amendment, string? locale)
    {
        Definitions = definitions;
        Files = files;
        AutoRecover = autoRecover;
        IsAmendment = amendment;
        Locale = locale;
        Qualifiers = [.. definitions.OfType<MofQualifierDefinition>()];
        Classes = [.. definitions.OfType<MofClassDefinition>()];
        Instances = [.. definitions.OfType<MofInstanceDefinition>()];
        Actions = [.. definitions.Where(d => d is MofDeleteClassAction or MofDeleteInstanceAction)];
        Namespaces = [.. definitions.Select(d => d.Namespace).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Everything, in source order (includes expanded where they stand).</summary>
    public IReadOnlyList<MofDefinition> Definitions { get; }

    /// <summary>The qualifier type declarations, in source order.</summary>
    public IReadOnlyList<MofQualifierDefinition> Qualifiers { get; }

    /// <summary>The classes, in source order.</summary>
    public IReadOnlyList<MofClassDefinition> Classes { get; }

    /// <summary>The instances, in source order.</summary>
    public IReadOnlyList<MofInstanceDefinition> Instances { get; }

    /// <summary>The <c>deleteclass</c> and <c>deleteinstance</c> actions, in source order.</summary>
    public IReadOnlyList<MofDefinition> Actions { get; }

    /// <summary>The namespaces that received definitions, in order of first use.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>The files compiled: the main file (when named) and every included file, in the order they were read.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>True when the MOF holds <c>#pragma autorecover</c>: add it to the list compiled on repository recovery.</summary>
    public bool AutoRecover { get; }

    /// <summary>True when the MOF holds <c>#pragma amendment</c> (a localized amendment).</summary>
    public bool IsAmendment { get; }

    /// <summary>The last <c>#pragma locale</c> given, or null.</summary>
    public string? Locale { get; }

    /// <summary>The definitions that go to <paramref name="namespace"/>, in source order.</summary>
    public IEnumerable<MofDefinition> InNamespace(string @namespace) =>
        Definitions.Where(d => string.Equals(d.Namespace, MofCompiler.NormalizeNamespace(@namespace), StringComparison.OrdinalIgnoreCase));

    /// <summary>The class named <paramref name="name"/> (in <paramref name="namespace"/>, or any namespace when null), or null.</summary>
    public CimClass? FindClass(string name, string? @namespace = null) =>
        Classes.LastOrDefault(c => CimNames.AreEqual(c.Class.Name, name) &&
            (@namespace is null || string.Equals(c.Namespace, MofCompiler.NormalizeNamespace(@namespace), StringComparison.OrdinalIgnoreCase)))?.Class;
}

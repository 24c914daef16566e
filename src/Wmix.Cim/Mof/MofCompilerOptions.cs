namespace Wmix.Cim;

/// <summary>Settings of a <see cref="MofCompiler"/>. Immutable; start from <see cref="Default"/> and use <c>with</c>.</summary>
public sealed record MofCompilerOptions
{
    /// <summary>The options used when none are given: <c>root\default</c>, no repository, includes read from disk.</summary>
    public static MofCompilerOptions Default { get; } = new();

    /// <summary>
    /// The namespace definitions go to until a <c>#pragma namespace</c> changes it (mofcomp's <c>-N</c> switch);
    /// <c>root\default</c> as in mofcomp.
    /// </summary>
    public string DefaultNamespace { get; init; } = "root\\default";

    /// <summary>
    /// Finds a class that already exists in a repository, given the namespace and class name; return null when it
    /// does not exist. Consulted for superclasses, classes of instances and classes named by references and
    /// embedded objects that the compilation itself does not define. The class returned must be frozen or is
    /// frozen by the compiler.
    /// </summary>
    public Func<string, string, CimClass?>? ClassResolver { get; init; }

    /// <summary>
    /// Finds a qualifier type declared in a repository, given the namespace and qualifier name; null when unknown.
    /// Consulted after the compilation's own <c>qualifier</c> declarations and before the built-in standard ones.
    /// </summary>
    public Func<string, string, CimQualifierDeclaration?>? QualifierResolver { get; init; }

    /// <summary>
    /// Reads an included file: given its full path (resolved against the including file's directory), returns its
    /// text or null when it does not exist. When null, files are read from disk.
    /// </summary>
    public Func<string, string?>? IncludeResolver { get; init; }

    /// <summary>
    /// The directory that <c>#pragma include</c> paths of text compiled without a file name are relative to; the
    /// current directory when null.
    /// </summary>
    public string? BaseDirectory { get; init; }

    /// <summary>
    /// When true, a qualifier that is neither declared nor a DSP0004/WMI standard qualifier is accepted with the type
    /// of its value, as Microsoft's mofcomp does; when false (the default) it is <c>wbemErrInvalidQualifier</c>, as
    /// DSP0221 requires.
    /// </summary>
    public bool AllowUndeclaredQualifiers { get; init; }

    /// <summary>The deepest nesting of embedded instances (and includes) accepted; deeper input is a syntax error.</summary>
    public int MaxNestingDepth { get; init; } = 64;
}

namespace Wmix.Cim;

/// <summary>
/// Compiles MOF (DSP0221 CIM 2.x syntax plus Microsoft's mofcomp extensions) into qualifier types, frozen classes
/// and instances ready for a repository. Compilation is all-or-nothing: the first error stops it with a
/// <see cref="WbemException"/> that names the file, line and column, and nothing is returned.
/// </summary>
/// <remarks>
/// <para>Error codes follow mofcomp: syntax errors are <see cref="WbemErrorEnum.wbemErrInvalidSyntax"/>; an unknown
/// superclass <see cref="WbemErrorEnum.wbemErrInvalidSuperclass"/>; an unknown class of an instance, reference or
/// embedded object <see cref="WbemErrorEnum.wbemErrInvalidClass"/>; an undeclared, duplicated or misplaced qualifier
/// <see cref="WbemErrorEnum.wbemErrInvalidQualifier"/>; a qualifier value of the wrong type
/// <see cref="WbemErrorEnum.wbemErrInvalidQualifierType"/>; contradicting flavors
/// <see cref="WbemErrorEnum.wbemErrInvalidFlavor"/>; a value of the wrong type
/// <see cref="WbemErrorEnum.wbemErrTypeMismatch"/> (out of range: <see cref="WbemErrorEnum.wbemErrValueOutOfRange"/>);
/// a property declared or assigned twice <see cref="WbemErrorEnum.wbemErrInvalidProperty"/>; a method declared twice
/// <see cref="WbemErrorEnum.wbemErrInvalidMethod"/>; an instance property the class lacks or an undefined alias or
/// include <see cref="WbemErrorEnum.wbemErrNotFound"/>; a class defined twice or an alias used twice
/// <see cref="WbemErrorEnum.wbemErrAlreadyExists"/>; a changed DisableOverride qualifier
/// <see cref="WbemErrorEnum.wbemErrOverrideNotAllowed"/>; an instance of an abstract class
/// <see cref="WbemErrorEnum.wbemErrInvalidOperation"/>; bad pragma flags
/// <see cref="WbemErrorEnum.wbemErrInvalidParameter"/>; instances whose keys refer to each other by alias, or an
/// include cycle, <see cref="WbemErrorEnum.wbemErrCircularReference"/>. Class rules checked by
/// <see cref="CimClass.Validate"/> keep the model's codes.</para>
/// <para>Qualifiers must be declared by the compilation, by <see cref="MofCompilerOptions.QualifierResolver"/>, or be
/// one of the DSP0004 and WMI standard qualifiers built in; <see cref="MofCompilerOptions.AllowUndeclaredQualifiers"/>
/// accepts any, as mofcomp does.</para>
/// <para>A compiler is immutable and thread-safe; each call compiles independently.</para>
/// </remarks>
public sealed class MofCompiler
{
    /// <summary>Creates a compiler with <paramref name="options"/> (or <see cref="MofCompilerOptions.Default"/>).</summary>
    public MofCompiler(MofCompilerOptions? options = null)
    {
        Options = options ?? MofCompilerOptions.Default;
        if (string.IsNullOrWhiteSpace(Options.DefaultNamespace))
        {
            throw new ArgumentException("The default namespace must not be empty.", nameof(options));
        }
        if (Options.MaxNestingDepth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxNestingDepth must be at least 1.");
        }
    }

    /// <summary>The compiler's settings.</summary>
    public MofCompilerOptions Options { get; }

    /// <summary>
    /// Compiles MOF text. Includes are read relative to <paramref name="fileName"/>'s directory (or
    /// <see cref="MofCompilerOptions.BaseDirectory"/>).
    /// </summary>
    /// <param name="text">The MOF text.</param>
    /// <param name="fileName">The file the text came from (errors and definitions report its full path; includes are relative to it), or null.</param>
    /// <returns>Everything the MOF defines, in source order.</returns>
    /// <exception cref="WbemException">The MOF has an error; its File, Line and Column say where.</exception>
    public MofCompilationResult Compile(string text, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Run(Options, text, fileName is null ? null : Path.GetFullPath(fileName), bootstrap: false);
    }

    /// <summary>Reads and compiles a MOF file (UTF-8 or UTF-16 with a byte order mark).</summary>
    /// <exception cref="WbemException">The file cannot be read (wbemErrNotFound) or has an error.</exception>
    public MofCompilationResult CompileFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var text = ReadInclude(Options, full)
            ?? throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"MOF file '{full}' does not exist.");
        return Run(Options, text, full, bootstrap: false);
    }

    internal static MofCompilationResult Run(MofCompilerOptions options, string text, string? file, bool bootstrap)
    {
        var compilation = new MofCompilation(options, bootstrap);
        if (file is not null)
        {
            compilation.Files.Add(file);
            compilation.IncludeStack.Add(file);
        }
        var ns = NormalizeNamespace(options.DefaultNamespace);
        var source = new MofSource(text, file);
        new MofParser(compilation, source, ns, 0).ParseFile();
        CheckClasses(compilation);
        ResolveAliases(compilation);
        foreach (var instance in compilation.InstancesToFreeze)
        {
            instance.Freeze();
        }
        return new MofCompilationResult(compilation.Definitions, compilation.Files, compilation.AutoRecover, compilation.Amendment, compilation.Locale);
    }

    private static void CheckClasses(MofCompilation compilation)
    {
        foreach (var check in compilation.ClassChecks)
        {
            if (compilation.FindClass(check.Namespace, check.ClassName) is null)
            {
                throw check.Source.Error(WbemErrorEnum.wbemErrInvalidClass, check.Offset,
                    $"Class '{check.ClassName}' named by {check.Element} is not defined in namespace '{check.Namespace}'; define it in the compilation or include the MOF that does.");
            }
        }
    }

    /// <summary>
    /// Replaces alias references by the path of the aliased instance. An instance's path needs its keys, which may
    /// themselves be alias references, so references resolve in rounds; a round without progress means a cycle.
    /// </summary>
    private static void ResolveAliases(MofCompilation compilation)
    {
        var pending = compilation.PendingAliases;
        while (pending.Count > 0)
        {
            var blocked = new HashSet<CimInstance>(ReferenceEqualityComparer.Instance);
            foreach (var p in pending)
            {
                if (p.Target.Class.Properties[p.PropertyIndex].IsKey)
                {
                    blocked.Add(p.Target);
                }
            }
            var next = new List<MofCompilation.PendingAlias>();
            foreach (var p in pending)
            {
                if (!TryResolve(compilation, p, blocked))
                {
                    next.Add(p);
                }
            }
            if (next.Count == pending.Count)
            {
                var first = next[0];
                throw first.Source.Error(WbemErrorEnum.wbemErrCircularReference, first.Value.Offset,
                    "The key values of these instances refer to each other by alias, so none has a path; break the cycle with a literal path.");
            }
            pending = next;
        }
    }

    private static bool TryResolve(MofCompilation compilation, MofCompilation.PendingAlias p, HashSet<CimInstance> blocked)
    {
        var items = p.Value.Kind == MofLiteralKind.Array ? p.Value.Items : [p.Value];
        var paths = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Kind != MofLiteralKind.Alias)
            {
                paths[i] = (string)item.Value!;
                continue;
            }
            var name = (string)item.Value!;
            if (!compilation.Aliases.TryGetValue(name, out var entry))
            {
                throw p.Source.Error(WbemErrorEnum.wbemErrNotFound, item.Offset, $"Alias '${name}' is not defined; give an instance 'as ${name}'.");
            }
            if (blocked.Contains(entry.Instance))
            {
                return false;
            }
            var rel = entry.Instance.RelativeObjectPath
                ?? throw p.Source.Error(WbemErrorEnum.wbemErrInvalidObjectPath, item.Offset,
                    $"The instance aliased '${name}' has no path: give values to all key properties of '{entry.Instance.ClassName}'.");
            var refClass = p.Target.Class.Properties[p.PropertyIndex].ReferenceClassName;
            if (refClass is not null && !entry.Instance.IsA(refClass))
            {
                throw p.Source.Error(WbemErrorEnum.wbemErrTypeMismatch, item.Offset,
                    $"'${name}' is an instance of '{entry.Instance.ClassName}', but the reference holds '{refClass}' objects.");
            }
            paths[i] = string.Equals(entry.Namespace, p.Namespace, StringComparison.OrdinalIgnoreCase)
                ? rel.ToString()
                : rel.WithLocation(null, entry.Namespace).ToString();
        }
        p.Target.SetValue(p.PropertyIndex, p.Value.Kind == MofLiteralKind.Array ? paths : paths[0]);
        return true;
    }

    internal static string NormalizeNamespace(string ns) => ns.Replace('/', '\\').Trim('\\');

    internal static string? ReadInclude(MofCompilerOptions options, string path)
    {
        if (options.IncludeResolver is { } resolver)
        {
            return resolver(path);
        }
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"MOF file '{path}' cannot be read: {ex.Message}", ex);
        }
    }
}

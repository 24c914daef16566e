using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Wmix.Cim;

/// <summary>
/// An immutable WMI object path: a namespace path (<c>\\server\root\cimv2</c>), a class path
/// (<c>root\cimv2:Win32_Process</c>) or an instance path (<c>Win32_LogicalDisk.DeviceID="C:"</c>,
/// <c>Class="v"</c>, <c>Class=@</c>), with or without server and namespace.
/// </summary>
/// <remarks>
/// <para>
/// Text is read by <see cref="Parse"/> and <see cref="TryParse"/> and written by <see cref="ToString"/>;
/// <c>Parse(p.ToString())</c> equals <c>p</c> and formatting is stable. The one exception is a server-less
/// namespace path of a single element (<c>root</c>): its text is indistinguishable from a class path, so it
/// reads back as the class <c>root</c> (which has the same canonical form).
/// </para>
/// <para>
/// Equality follows WMI: paths compare case-insensitively, key order does not matter, <c>/</c> and <c>\</c>
/// are the same separator, hexadecimal and decimal integers with the same value are equal, and a string key
/// that holds a path compares as that path. <see cref="ToCanonicalString"/> is the normalised text equality
/// is defined on. A path without a server is never equal to one with server <c>.</c>: resolving the local
/// server is the caller's job.
/// </para>
/// <para>Instances are immutable and safe to share between threads; text forms are computed once, lazily.</para>
/// </remarks>
public sealed partial class CimObjectPath : IEquatable<CimObjectPath>
{
    /// <summary>The longest path text WMI accepts (WBEM_MAX_PATH).</summary>
    public const int MaxLength = 0x2000;

    private static readonly CimKeyBinding[] s_noKeys = [];

    private readonly CimKeyBinding[] _keys;
    private ReadOnlyCollection<CimKeyBinding>? _keysView;
    private string? _text;
    private string? _relativePath;
    private string? _canonical;

    /// <summary>Creates a path from its parts, validating each one.</summary>
    /// <param name="server">The server, <c>.</c> for the local computer, or null (or empty) for none.</param>
    /// <param name="namespace">The namespace with <c>\</c> or <c>/</c> separators, or null (or empty) for none.</param>
    /// <param name="className">The class, or null (or empty) for a namespace path.</param>
    /// <param name="keys">The keys of an instance path, in the order they are to be written; null or empty for a class.</param>
    /// <param name="isSingleton">True for the singleton instance path <c>Class=@</c>.</param>
    /// <exception cref="ArgumentException">
    /// A part is not valid path syntax; a server is given without a namespace; neither a namespace nor a class
    /// is given; keys or <paramref name="isSingleton"/> are given without a class or together; a key name is
    /// repeated; the unnamed key is not the only key; a key value is null, non-finite or of an unsupported type.
    /// </exception>
    public CimObjectPath(string? server, string? @namespace, string? className, IEnumerable<CimKeyBinding>? keys = null, bool isSingleton = false)
    {
        server = string.IsNullOrEmpty(server) ? null : server;
        @namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        className = string.IsNullOrEmpty(className) ? null : className;

        if (server is not null)
        {
            int bad = ValidateServer(server);
            if (bad >= 0)
            {
                throw new ArgumentException($"'{server}' is not a valid server name (character {bad + 1}); use a host name, an IP address or '.'.", nameof(server));
            }
            if (@namespace is null)
            {
                throw new ArgumentException("A path with a server needs a namespace too, e.g. \\\\server\\root\\cimv2.", nameof(@namespace));
            }
        }
        if (@namespace is not null)
        {
            int pos = 0;
            if (!ScanNamespace(@namespace, ref pos, out _, out var error) || pos != @namespace.Length)
            {
                throw new ArgumentException($"'{@namespace}' is not a valid namespace: {error ?? "':' is not allowed"}.", nameof(@namespace));
            }
            @namespace = NormaliseNamespace(@namespace);
        }
        if (className is not null && ValidateIdentifier(className) >= 0)
        {
            throw new ArgumentException($"'{className}' is not a valid class name; use letters, digits and '_', not starting with a digit.", nameof(className));
        }

        var list = keys is null ? s_noKeys : [.. keys];
        if (className is null)
        {
            if (@namespace is null)
            {
                throw new ArgumentException("A path needs a namespace or a class.", nameof(className));
            }
            if (list.Length > 0 || isSingleton)
            {
                throw new ArgumentException("Keys and the singleton form need a class name.", nameof(className));
            }
        }
        if (isSingleton && list.Length > 0)
        {
            throw new ArgumentException("A singleton path (Class=@) has no keys.", nameof(keys));
        }
        ValidateKeys(list, nameof(keys));

        Server = server;
        Namespace = @namespace;
        ClassName = className;
        _keys = list.Length == 0 ? s_noKeys : list;
        IsSingleton = isSingleton;
    }

    // Parts already validated by the parser or by another instance.
    private CimObjectPath(string? server, string? @namespace, string? className, CimKeyBinding[] keys, bool isSingleton, bool trusted)
    {
        _ = trusted;
        Server = server;
        Namespace = @namespace;
        ClassName = className;
        _keys = keys.Length == 0 ? s_noKeys : keys;
        IsSingleton = isSingleton;
    }

    /// <summary>The server as written, <c>.</c> for the local computer, or null when the path names none.</summary>
    public string? Server { get; }

    /// <summary>The namespace with <c>\</c> separators (<c>root\cimv2</c>), or null when the path names none.</summary>
    public string? Namespace { get; }

    /// <summary>The class name, or null for a namespace path.</summary>
    public string? ClassName { get; }

    /// <summary>The keys of an instance path in the order given; empty for class, singleton and namespace paths.</summary>
    public IReadOnlyList<CimKeyBinding> Keys => _keysView ??= new ReadOnlyCollection<CimKeyBinding>(_keys);

    /// <summary>True for the singleton instance path <c>Class=@</c>.</summary>
    public bool IsSingleton { get; }

    /// <summary>True for a class path: a class name with no keys that is not a singleton.</summary>
    public bool IsClass => ClassName is not null && _keys.Length == 0 && !IsSingleton;

    /// <summary>True for an instance path: keys, or the singleton form.</summary>
    public bool IsInstance => _keys.Length > 0 || IsSingleton;

    /// <summary>True for a namespace path such as <c>\\server\root\cimv2</c> or <c>root\cimv2</c>: no class.</summary>
    public bool IsNamespacePath => ClassName is null;

    /// <summary>True when the path names neither a server nor a namespace.</summary>
    public bool IsRelative => Server is null && Namespace is null;

    /// <summary>
    /// True when the path has the unnamed key of the <c>Class="value"</c> form (a key with an empty name),
    /// which the class model binds to the class's single key.
    /// </summary>
    public bool HasUnnamedKey => _keys.Length == 1 && _keys[0].Name.Length == 0;

    /// <summary>
    /// The relative path (WMI's <c>__RELPATH</c>): <c>Win32_LogicalDisk.DeviceID="C:"</c>, <c>Class=@</c>, or the
    /// class name; keys in the order given. Empty for a namespace path.
    /// </summary>
    public string RelativePath => _relativePath ??= FormatRelative();

    /// <summary>The namespace above <see cref="Namespace"/> (<c>root</c> for <c>root\cimv2</c>), or null when there is none.</summary>
    public string? ParentNamespace
    {
        get
        {
            int cut = Namespace?.LastIndexOf('\\') ?? -1;
            return cut > 0 ? Namespace![..cut] : null;
        }
    }

    /// <summary>Returns the same class and keys at another server and namespace (null or empty for none).</summary>
    /// <exception cref="ArgumentException">The server or namespace is not valid, or the result would have neither namespace nor class.</exception>
    public CimObjectPath WithLocation(string? server, string? @namespace) =>
        new(server, @namespace, ClassName, _keys, IsSingleton);

    /// <summary>Returns the same server, namespace and class with other keys; no keys gives the class path.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    /// <exception cref="ArgumentException">The path has no class, or a key is not valid.</exception>
    public CimObjectPath WithKeys(IEnumerable<CimKeyBinding> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        CimKeyBinding[] list = [.. keys];
        if (ClassName is null && list.Length > 0)
        {
            throw new ArgumentException("A namespace path cannot have keys.", nameof(keys));
        }
        ValidateKeys(list, nameof(keys));
        return new CimObjectPath(Server, Namespace, ClassName, list, isSingleton: false, trusted: true);
    }

    /// <summary>
    /// Reads a string key's value as a reference path, i.e. a class or instance path, full or relative.
    /// Whether a string key is a reference is decided by the class; the model calls this for reference keys.
    /// </summary>
    /// <param name="text">The key's (unescaped) value.</param>
    /// <param name="path">The path, when the result is true.</param>
    /// <returns>True when <paramref name="text"/> is a valid path naming a class.</returns>
    public static bool TryParseReference(string? text, [NotNullWhen(true)] out CimObjectPath? path)
    {
        if (TryParse(text, out path) && path.ClassName is not null)
        {
            return true;
        }
        path = null;
        return false;
    }

    private static void ValidateKeys(CimKeyBinding[] keys, string paramName)
    {
        for (int i = 0; i < keys.Length; i++)
        {
            var (name, value) = keys[i];
            if (name is null)
            {
                throw new ArgumentException($"Key {i} has no name.", paramName);
            }
            if (name.Length == 0)
            {
                if (keys.Length != 1)
                {
                    throw new ArgumentException("The unnamed key (Class=value) must be the only key; name each key instead.", paramName);
                }
            }
            else if (ValidateIdentifier(name) >= 0)
            {
                throw new ArgumentException($"'{name}' is not a valid key name; use letters, digits and '_', not starting with a digit.", paramName);
            }
            for (int j = 0; j < i; j++)
            {
                if (string.Equals(keys[j].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"The key '{name}' is given twice.", paramName);
                }
            }
            switch (value)
            {
                case null:
                    throw new ArgumentException($"The key '{name}' has a null value; a key needs a value.", paramName);
                case double d when !double.IsFinite(d):
                case float f when !float.IsFinite(f):
                    throw new ArgumentException($"The key '{name}' has a non-finite value, which a path cannot hold.", paramName);
                case string or bool or char or double or float or CimObjectPath:
                case sbyte or byte or short or ushort or int or uint or long or ulong:
                    break;
                default:
                    throw new ArgumentException(
                        $"The key '{name}' has a value of type {value.GetType()}; use string, an integer type, bool, char, float, double or CimObjectPath.",
                        paramName);
            }
        }
    }
}

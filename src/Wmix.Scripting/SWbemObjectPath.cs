using System.Text;
using Wmix.Cim;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// An object path, built or taken apart piece by piece (WMI's <c>SWbemObjectPath</c>, creatable):
/// <c>\\server\namespace:Class.Key="value",…</c>, <c>Class=@</c> for a singleton, or a class or namespace path.
/// </summary>
/// <remarks>
/// <see cref="Keys"/> is live: adding or removing a key changes <see cref="Path"/>. A path obtained from
/// <see cref="SWbemObject.Path_"/> describes that object and is read-only, except that <see cref="Class"/> may be
/// set on a class object (that names a new class, as <c>objClass.Path_.Class = "NewClass"</c> does in WMI).
/// </remarks>
public sealed class SWbemObjectPath
{
    private readonly SWbemObject? _owner;
    private string _server = "";
    private string _namespace = "";
    private string _class = "";
    private bool _isSingleton;
    private string _locale = "";
    private string _authority = "";

    /// <summary>Creates an empty path.</summary>
    public SWbemObjectPath()
    {
        Keys = new SWbemNamedValueSet { Changed = OnKeysChanged };
    }

    internal SWbemObjectPath(CimObjectPath? path, SWbemObject? owner = null, string? className = null)
        : this()
    {
        if (path is not null)
        {
            Load(path);
        }
        else if (className is not null)
        {
            _class = className;
        }
        _owner = owner;
        if (owner is not null)
        {
            Keys.IsReadOnly = true;
        }
    }

    /// <summary>The full path (the default member), or an empty string when nothing is set.</summary>
    /// <exception cref="WbemException">Setting: wbemErrInvalidObjectPath when the text is not a path.</exception>
    public string Path
    {
        get => Format(includeLocation: true);
        set
        {
            ThrowIfReadOnly(nameof(Path));
            if (string.IsNullOrEmpty(value))
            {
                Clear();
                return;
            }
            Load(ParsePath(value));
        }
    }

    /// <summary>The relative path: the class and keys without server and namespace.</summary>
    /// <exception cref="WbemException">Setting: wbemErrInvalidObjectPath when the text is not a relative path.</exception>
    public string RelPath
    {
        get => Format(includeLocation: false);
        set
        {
            ThrowIfReadOnly(nameof(RelPath));
            var p = ParsePath(value);
            if (!p.IsRelative)
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidObjectPath, $"'{value}' is not a relative path.");
            }
            var server = _server;
            var ns = _namespace;
            Load(p);
            _server = server;
            _namespace = ns;
        }
    }

    /// <summary>The server (<c>.</c> for the local computer), or an empty string.</summary>
    public string Server
    {
        get => _server;
        set
        {
            ThrowIfReadOnly(nameof(Server));
            _server = value ?? "";
        }
    }

    /// <summary>The namespace (<c>root\cimv2</c>), or an empty string.</summary>
    public string Namespace
    {
        get => _namespace;
        set
        {
            ThrowIfReadOnly(nameof(Namespace));
            _namespace = (value ?? "").Replace('/', '\\').Trim('\\');
        }
    }

    /// <summary>The namespace above <see cref="Namespace"/> (<c>root</c> for <c>root\cimv2</c>), or an empty string.</summary>
    public string ParentNamespace
    {
        get
        {
            var cut = _namespace.LastIndexOf('\\');
            return cut > 0 ? _namespace[..cut] : "";
        }
    }

    /// <summary>
    /// The path as a moniker: <c>WINMGMTS:{authenticationLevel=…,impersonationLevel=…}[locale=…]!path</c>.
    /// Setting it reads such a moniker (the security part, locale and path are all optional).
    /// </summary>
    /// <exception cref="WbemException">Setting: wbemErrInvalidSyntax for a malformed moniker, wbemErrInvalidObjectPath for a bad path.</exception>
    public string DisplayName
    {
        get
        {
            var sb = new StringBuilder("WINMGMTS:{");
            sb.Append("authenticationLevel=").Append(LevelName(Security_.AuthenticationLevel.ToString(), "wbemAuthenticationLevel"));
            sb.Append(",impersonationLevel=").Append(LevelName(Security_.ImpersonationLevel.ToString(), "wbemImpersonationLevel"));
            if (_authority.Length > 0)
            {
                sb.Append(",authority=").Append(_authority);
            }
            sb.Append('}');
            if (_locale.Length > 0)
            {
                sb.Append("[locale=").Append(_locale).Append(']');
            }
            var path = Path;
            if (path.Length > 0)
            {
                sb.Append('!').Append(path);
            }
            return sb.ToString();
        }
        set
        {
            ThrowIfReadOnly(nameof(DisplayName));
            ParseMoniker(value ?? "");
        }
    }

    /// <summary>The class name, or an empty string.</summary>
    /// <exception cref="WbemException">Setting: wbemErrInvalidClass for a name that is not an identifier.</exception>
    public string Class
    {
        get => _class;
        set
        {
            if (_owner is not null)
            {
                _owner.RenameClass(value);
                _class = value;
                return;
            }
            if (!string.IsNullOrEmpty(value) && !CimNames.IsIdentifier(value))
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidClass, $"'{value}' is not a valid class name.");
            }
            _class = value ?? "";
        }
    }

    /// <summary>True when the path names a class (a class name, no keys, not a singleton).</summary>
    public bool IsClass => _class.Length > 0 && Keys.Count == 0 && !_isSingleton;

    /// <summary>True when the path names a singleton instance (<c>Class=@</c>).</summary>
    public bool IsSingleton => _isSingleton;

    /// <summary>The key bindings; changing them changes the path. Read-only for an object's own path.</summary>
    public SWbemNamedValueSet Keys { get; }

    /// <summary>Security settings used when the path is used to connect.</summary>
    public SWbemSecurity Security_ { get; } = new();

    /// <summary>The locale (e.g. <c>ms_409</c>), or an empty string.</summary>
    public string Locale
    {
        get => _locale;
        set
        {
            ThrowIfReadOnly(nameof(Locale));
            _locale = value ?? "";
        }
    }

    /// <summary>The authority (<c>Kerberos:…</c> or <c>NTLMDomain:…</c>), or an empty string.</summary>
    public string Authority
    {
        get => _authority;
        set
        {
            ThrowIfReadOnly(nameof(Authority));
            _authority = value ?? "";
        }
    }

    /// <summary>Makes the path a class path: removes the keys and the singleton mark.</summary>
    public void SetAsClass()
    {
        ThrowIfReadOnly(nameof(SetAsClass));
        Keys.DeleteAll();
        _isSingleton = false;
    }

    /// <summary>Makes the path the singleton instance path <c>Class=@</c>: removes the keys.</summary>
    public void SetAsSingleton()
    {
        ThrowIfReadOnly(nameof(SetAsSingleton));
        Keys.DeleteAll();
        _isSingleton = true;
    }

    /// <summary>The full path (<see cref="Path"/>).</summary>
    public override string ToString() => Path;

    internal static SWbemObjectPath FromCim(CimObjectPath path) => new(path);

    private void OnKeysChanged()
    {
        if (Keys.Count > 0)
        {
            _isSingleton = false;
        }
    }

    private void Clear()
    {
        _server = "";
        _namespace = "";
        _class = "";
        _isSingleton = false;
        Keys.Changed = null;
        Keys.DeleteAll();
        Keys.Changed = OnKeysChanged;
    }

    private void Load(CimObjectPath p)
    {
        var wasReadOnly = Keys.IsReadOnly;
        Keys.IsReadOnly = false;
        Clear();
        _server = p.Server ?? "";
        _namespace = p.Namespace ?? "";
        _class = p.ClassName ?? "";
        _isSingleton = p.IsSingleton;
        foreach (var k in p.Keys)
        {
            Keys.SetSilently(k.Name, k.Value is CimObjectPath r ? r.ToString() : k.Value);
        }
        Keys.IsReadOnly = wasReadOnly;
    }

    private static CimObjectPath ParsePath(string text)
    {
        try
        {
            return CimObjectPath.Parse(text);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    private string Format(bool includeLocation)
    {
        var server = includeLocation && _server.Length > 0 ? _server : null;
        var ns = includeLocation && _namespace.Length > 0 ? _namespace : null;
        if (_class.Length == 0)
        {
            if (ns is null)
            {
                return "";
            }
            return server is null ? ns : $@"\\{server}\{ns}";
        }
        var keys = new List<CimKeyBinding>(Keys.Count);
        foreach (var k in Keys)
        {
            keys.Add(new CimKeyBinding(k.Name, KeyValue(ScriptValues.FromScript(k.Value))));
        }
        try
        {
            return new CimObjectPath(ns is null ? null : server, ns, _class, keys, _isSingleton && keys.Count == 0).ToString();
        }
        catch (ArgumentException)
        {
            // Parts set one by one may not (yet) form a valid path; show them as written rather than fail a read.
            var rel = new StringBuilder(_class);
            if (_isSingleton)
            {
                rel.Append("=@");
            }
            for (var i = 0; i < keys.Count; i++)
            {
                rel.Append(i == 0 ? '.' : ',').Append(keys[i].Name).Append('=').Append(keys[i].Value);
            }
            return ns is null ? rel.ToString() : (server is null ? "" : $@"\\{server}\") + ns + ":" + rel;
        }
    }

    private static object KeyValue(object? value) => value switch
    {
        null => "",
        string or bool or char or double or float or CimObjectPath => value,
        sbyte or byte or short or ushort or int or uint or long or ulong => value,
        decimal d => (double)d,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private void ParseMoniker(string text)
    {
        var s = text.AsSpan().Trim();
        if (s.StartsWith("winmgmts:", StringComparison.OrdinalIgnoreCase))
        {
            s = s["winmgmts:".Length..];
        }
        var locale = "";
        var authority = "";
        if (s.StartsWith("{"))
        {
            var end = s.IndexOf('}');
            if (end < 0)
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidSyntax, $"'{text}': the security settings are not closed with '}}'.");
            }
            foreach (var part in s[1..end].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? part : part[..eq].Trim();
                var val = eq < 0 ? "" : part[(eq + 1)..].Trim();
                if (name.Equals("authenticationLevel", StringComparison.OrdinalIgnoreCase))
                {
                    Security_.AuthenticationLevel = ParseLevel<WbemAuthenticationLevelEnum>(val, "wbemAuthenticationLevel", text);
                }
                else if (name.Equals("impersonationLevel", StringComparison.OrdinalIgnoreCase))
                {
                    Security_.ImpersonationLevel = ParseLevel<WbemImpersonationLevelEnum>(val, "wbemImpersonationLevel", text);
                }
                else if (name.Equals("authority", StringComparison.OrdinalIgnoreCase))
                {
                    authority = val;
                }
                else if (name.StartsWith('(') && name.EndsWith(')'))
                {
                    foreach (var priv in name[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var enabled = !priv.StartsWith('!');
                        Security_.Privileges.AddAsString("Se" + priv.TrimStart('!') + "Privilege", enabled);
                    }
                }
                else
                {
                    throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidSyntax, $"'{text}': unknown security setting '{name}'.");
                }
            }
            s = s[(end + 1)..];
        }
        if (s.StartsWith("["))
        {
            var end = s.IndexOf(']');
            if (end < 0 || !s[1..end].StartsWith("locale=", StringComparison.OrdinalIgnoreCase))
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidSyntax, $"'{text}': expected [locale=ms_xxx].");
            }
            locale = s[("[locale=".Length)..end].ToString();
            s = s[(end + 1)..];
        }
        if (s.StartsWith("!"))
        {
            s = s[1..];
        }
        Path = s.ToString();
        _locale = locale;
        _authority = authority;
    }

    private static T ParseLevel<T>(string value, string prefix, string text)
        where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
        {
            if (string.Equals(LevelName(v.ToString(), prefix), value, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidSyntax, $"'{text}': '{value}' is not a level.");
    }

    private static string LevelName(string enumName, string prefix)
    {
        var name = enumName[prefix.Length..];
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private void ThrowIfReadOnly(string member)
    {
        if (_owner is not null)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrReadOnly,
                $"SWbemObjectPath.{member}: this is an object's own path (Path_); only Class can be set, on a class.");
        }
    }
}

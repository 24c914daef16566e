using System.Globalization;

namespace Wmix.Cim;

internal sealed partial class MofParser
{
    /// <summary><c>#pragma name(args)</c> and <c>#include("file")</c>.</summary>
    private void ParseDirective()
    {
        var start = _tok.Start;
        var directive = (string)_tok.Value!;
        Advance();
        if (directive == "include")
        {
            var args = ParsePragmaArguments("include", required: true);
            Include(args, start);
            return;
        }
        var nameOffset = _tok.Start;
        var name = ExpectIdentifier("a pragma name after '#pragma'").ToLowerInvariant();
        switch (name)
        {
            case "include":
                Include(ParsePragmaArguments(name, required: true), start);
                break;
            case "namespace":
                {
                    var args = ParsePragmaArguments(name, required: true);
                    _ns = ResolveNamespace(_ns, SingleString(args, name, start), start);
                    break;
                }
            case "locale":
                _c.Locale = SingleString(ParsePragmaArguments(name, required: true), name, start);
                break;
            case "autorecover":
                ParsePragmaArguments(name, required: false);
                _c.AutoRecover = true;
                break;
            case "amendment":
                ParsePragmaArguments(name, required: false);
                _c.Amendment = true;
                break;
            case "classflags":
                _c.ClassFlags = (MofClassFlags)ParseFlags(ParsePragmaArguments(name, required: true), start, name,
                    [("createonly", 0x2), ("updateonly", 0x1), ("safeupdate", 0x20), ("forceupdate", 0x40)]);
                if ((_c.ClassFlags & MofClassFlags.CreateOnly) != 0 && (_c.ClassFlags & (MofClassFlags.UpdateOnly | MofClassFlags.SafeUpdate | MofClassFlags.ForceUpdate)) != 0 ||
                    (_c.ClassFlags & (MofClassFlags.SafeUpdate | MofClassFlags.ForceUpdate)) == (MofClassFlags.SafeUpdate | MofClassFlags.ForceUpdate))
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidParameter, start, "#pragma classflags: createonly cannot be combined with update flags, nor safeupdate with forceupdate.");
                }
                break;
            case "instanceflags":
                _c.InstanceFlags = (MofInstanceFlags)ParseFlags(ParsePragmaArguments(name, required: true), start, name,
                    [("createonly", 0x2), ("updateonly", 0x1)]);
                if (_c.InstanceFlags == (MofInstanceFlags.CreateOnly | MofInstanceFlags.UpdateOnly))
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidParameter, start, "#pragma instanceflags: createonly and updateonly contradict each other.");
                }
                break;
            case "deleteclass":
                {
                    var args = ParsePragmaArguments(name, required: true);
                    var (target, fail) = DeleteArguments(args, name, start);
                    if (!CimNames.IsIdentifier(target))
                    {
                        throw Error(WbemErrorEnum.wbemErrInvalidClass, args[0].Offset, $"'{target}' is not a class name.");
                    }
                    // A later definition in this compilation may recreate the class.
                    _c.Namespace(_ns).Classes.Remove(target);
                    _c.Definitions.Add(new MofDeleteClassAction(_ns, _src.Locate(start), target, fail));
                    break;
                }
            case "deleteinstance":
                {
                    var args = ParsePragmaArguments(name, required: true);
                    var (target, fail) = DeleteArguments(args, name, start);
                    if (!CimObjectPath.TryParse(target, out var path) || !path.IsInstance)
                    {
                        throw Error(WbemErrorEnum.wbemErrInvalidObjectPath, args[0].Offset, $"'{Clip(target)}' is not an instance path, as in 'MyClass.Name=\"x\"'.");
                    }
                    _c.Definitions.Add(new MofDeleteInstanceAction(_ns, _src.Locate(start), path, fail));
                    break;
                }
            default:
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, nameOffset,
                    $"Unknown pragma '{name}'; MOF knows include, namespace, locale, classflags, instanceflags, deleteclass, deleteinstance, autorecover and amendment.");
        }
    }

    /// <summary>The arguments in parentheses: strings (adjacent ones joined), numbers or bare words.</summary>
    private List<MofLiteral> ParsePragmaArguments(string name, bool required)
    {
        var args = new List<MofLiteral>();
        if (!IsPunct('('))
        {
            if (required)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, $"#pragma {name} needs arguments in parentheses, as in '#pragma {name}(\"...\")'.");
            }
            return args;
        }
        Advance();
        if (!IsPunct(')'))
        {
            while (true)
            {
                if (_tok.Kind == MofTokenKind.Identifier)
                {
                    args.Add(new MofLiteral(MofLiteralKind.String, TokenText(_tok), _tok.Start));
                    Advance();
                }
                else
                {
                    var v = ParseScalar(allowInstance: false);
                    if (v.Kind is not (MofLiteralKind.String or MofLiteralKind.Integer))
                    {
                        throw Error(WbemErrorEnum.wbemErrInvalidSyntax, v.Offset, $"#pragma {name} takes strings and numbers, not {v.KindText}.");
                    }
                    args.Add(v);
                }
                if (IsPunct(','))
                {
                    Advance();
                    continue;
                }
                break;
            }
        }
        ExpectPunct(')', $"to close the arguments of #pragma {name}");
        return args;
    }

    private string SingleString(List<MofLiteral> args, string name, int start)
    {
        if (args.Count != 1 || args[0].Kind != MofLiteralKind.String)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, start, $"#pragma {name} takes one string, as in '#pragma {name}(\"...\")'.");
        }
        return (string)args[0].Value!;
    }

    private int ParseFlags(List<MofLiteral> args, int start, string name, (string Word, int Value)[] known)
    {
        if (args.Count == 0)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, start, $"#pragma {name} needs at least one flag.");
        }
        var flags = 0;
        var mask = known.Aggregate(0, (m, k) => m | k.Value);
        foreach (var arg in args)
        {
            if (arg.Kind == MofLiteralKind.Integer)
            {
                var n = Convert.ToInt64(arg.Value, CultureInfo.InvariantCulture);
                if (n < 0 || (n & ~mask) != 0)
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidParameter, arg.Offset, $"#pragma {name}: {n} holds unknown flag bits.");
                }
                flags |= (int)n;
                continue;
            }
            foreach (var part in ((string)arg.Value!).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var match = Array.FindIndex(known, k => k.Word.Equals(part, StringComparison.OrdinalIgnoreCase));
                if (match < 0)
                {
                    throw Error(WbemErrorEnum.wbemErrInvalidParameter, arg.Offset,
                        $"#pragma {name}: '{Clip(part)}' is not a flag; use {string.Join(", ", known.Select(k => k.Word))}.");
                }
                flags |= known[match].Value;
            }
        }
        return flags;
    }

    private (string Target, bool Fail) DeleteArguments(List<MofLiteral> args, string name, int start)
    {
        if (args.Count != 2 || args[0].Kind != MofLiteralKind.String || args[1].Kind != MofLiteralKind.String)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, start, $"#pragma {name} takes a name and FAIL or NOFAIL, as in '#pragma {name}(\"...\", NOFAIL)'.");
        }
        var flag = (string)args[1].Value!;
        var fail = flag.Equals("fail", StringComparison.OrdinalIgnoreCase) ? true
            : flag.Equals("nofail", StringComparison.OrdinalIgnoreCase) ? false
            : throw Error(WbemErrorEnum.wbemErrInvalidParameter, args[1].Offset, $"#pragma {name}: '{Clip(flag)}' must be FAIL or NOFAIL.");
        return ((string)args[0].Value!, fail);
    }

    /// <summary>
    /// <c>\\server\root\x</c> and <c>root\x</c> are absolute; anything else is relative to the current namespace.
    /// The server part is dropped: definitions go to the repository being loaded.
    /// </summary>
    private string ResolveNamespace(string current, string value, int offset)
    {
        var v = value.Replace('/', '\\');
        string result;
        if (v.StartsWith("\\\\", StringComparison.Ordinal))
        {
            var slash = v.IndexOf('\\', 2);
            if (slash < 0 || slash == 2)
            {
                throw Error(WbemErrorEnum.wbemErrInvalidNamespace, offset, $"'{Clip(value)}' names a server but no namespace; write '\\\\\\\\.\\\\root\\\\name'.");
            }
            result = v[(slash + 1)..];
        }
        else if (v.StartsWith('\\') || v.Split('\\')[0].Equals("root", StringComparison.OrdinalIgnoreCase))
        {
            result = v.TrimStart('\\');
        }
        else
        {
            result = current + "\\" + v;
        }
        result = result.TrimEnd('\\');
        foreach (var segment in result.Split('\\'))
        {
            if (!CimNames.IsIdentifier(segment))
            {
                throw Error(WbemErrorEnum.wbemErrInvalidNamespace, offset, $"'{Clip(value)}' is not a valid namespace; segments are names separated by '\\\\'.");
            }
        }
        return result;
    }

    private void Include(List<MofLiteral> args, int start)
    {
        var file = SingleString(args, "include", start);
        if (file.Length == 0 || file.IndexOf('\0', StringComparison.Ordinal) >= 0)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidParameter, start, "#pragma include needs a file name.");
        }
        if (_includeDepth >= _c.Options.MaxNestingDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error(WbemErrorEnum.wbemErrInvalidSyntax, start, $"Includes are nested more than {_c.Options.MaxNestingDepth} deep.");
        }
        var directory = _src.File is { } current ? Path.GetDirectoryName(current) : _c.Options.BaseDirectory;
        string path;
        try
        {
            path = Path.GetFullPath(file.Replace('\\', Path.DirectorySeparatorChar), directory ?? Directory.GetCurrentDirectory());
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw Error(WbemErrorEnum.wbemErrInvalidParameter, start, $"'{Clip(file)}' is not a valid file name: {ex.Message}");
        }
        if (_c.IncludeStack.Contains(path, StringComparer.Ordinal))
        {
            throw Error(WbemErrorEnum.wbemErrCircularReference, start, $"'{Clip(file)}' includes itself (through {string.Join(" -> ", _c.IncludeStack.Select(Path.GetFileName))}).");
        }
        string? text;
        try
        {
            text = MofCompiler.ReadInclude(_c.Options, path);
        }
        catch (WbemException ex)
        {
            throw At(start, ex);
        }
        text = text
            ?? throw Error(WbemErrorEnum.wbemErrNotFound, start, $"Included file '{path}' does not exist; include paths are relative to the including file.");
        _c.Files.Add(path);
        _c.IncludeStack.Add(path);
        // The included file starts in the includer's namespace; its own #pragma namespace ends with it.
        new MofParser(_c, new MofSource(text, path), _ns, _includeDepth + 1).ParseFile();
        _c.IncludeStack.RemoveAt(_c.IncludeStack.Count - 1);
    }
}

using System.CommandLine;
using Wmix.Cli.Output;

namespace Wmix.Cli.Commands;

/// <summary><c>query</c>, <c>get</c>, <c>classes</c> and <c>describe</c>: reading objects and classes.</summary>
internal static class QueryCommands
{
    private const int SemiSyncForwardOnly = (int)(WbemFlagEnum.wbemFlagReturnImmediately | WbemFlagEnum.wbemFlagForwardOnly);

    public static Command Query(GlobalOptions options)
    {
        var wql = new Argument<string>("wql") { Description = "A WQL query, e.g. \"SELECT ProcessId, Name FROM Win32_Process\"" };
        var command = new Command("query", "Run a WQL query and print the objects it returns") { wql };
        command.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () => RunQuery(context, r.GetValue(wql)!));
        });
        return command;
    }

    public static Command Get(GlobalOptions options)
    {
        var path = new Argument<string>("object-path") { Description = "An object path, e.g. Win32_Process.Handle=\"1\" or a class name" }.NotBlank();
        var command = new Command("get", "Print one object or class by its path") { path };
        command.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                var services = WmixHost.Connect(context);
                var obj = services.Get(r.GetValue(path)!);
                // A class has no values to list: its definition (MOF, as `describe` prints it) is what it holds.
                var writer = context.CreateWriter(CliRecord.IsClass(obj) ? OutputFormat.Mof : OutputFormat.List);
                writer.Write(CliRecord.From(obj));
                writer.Complete();
                return ExitCodes.Success;
            });
        });
        return command;
    }

    public static Command Classes(GlobalOptions options)
    {
        var superclass = new Argument<string?>("superclass")
        {
            Description = "List the subclasses of this class (default: the classes at the top of the namespace)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var deep = new Option<bool>("--deep") { Description = "All descendants, not only the immediate subclasses" };
        var command = new Command("classes", "List the classes of a namespace") { superclass, deep };
        command.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                var services = WmixHost.Connect(context);
                var flags = SemiSyncForwardOnly | (r.GetValue(deep) ? 0 : (int)WbemQueryFlagEnum.wbemQueryFlagShallow);
                string[] selection = ["__CLASS", "__SUPERCLASS"];
                var records = new List<CliRecord>();
                using (var set = services.SubclassesOf(r.GetValue(superclass) ?? "", flags))
                {
                    foreach (var cls in set)
                    {
                        records.Add(CliRecord.From(cls, selection));
                    }
                }
                var writer = context.CreateWriter(OutputFormat.Table);
                foreach (var record in records.OrderBy(c => c.ClassName, StringComparer.OrdinalIgnoreCase))
                {
                    writer.Write(record);
                }
                writer.Complete();
                return ExitCodes.Success;
            });
        });
        return command;
    }

    public static Command Describe(GlobalOptions options)
    {
        var className = new Argument<string>("class") { Description = "The class to describe, e.g. Win32_Process" }.NotBlank();
        var command = new Command("describe", "Print a class's schema: MOF by default, or its properties and methods in another format") { className };
        command.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () =>
            {
                var services = WmixHost.Connect(context);
                var cls = services.Get(r.GetValue(className)!);
                var format = context.Format ?? OutputFormat.Mof;
                var writer = context.CreateWriter(format);
                if (format == OutputFormat.Mof)
                {
                    writer.Write(CliRecord.From(cls));
                }
                else
                {
                    foreach (var member in SchemaRecords(cls))
                    {
                        writer.Write(member);
                    }
                }
                writer.Complete();
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static int RunQuery(CliContext context, string wql)
    {
        var selection = CliContext.SelectionOf(wql);
        var services = WmixHost.Connect(context);
        using var signal = new TerminationSignal();
        var writer = context.CreateWriter(OutputFormat.Table);
        using var set = services.ExecQuery(wql, "WQL", SemiSyncForwardOnly);
        // Releasing a semi-synchronous set cancels the operation behind it; the enumeration below then ends.
        using var registration = signal.Token.Register(static s => ((SWbemObjectSet)s!).Dispose(), set);
        try
        {
            CommandRunner.Drain(context, set, writer, o => CliRecord.From(o, selection), "Querying");
        }
        catch (WbemException e) when (signal.IsSignalled && e.ErrorCode == WbemErrorEnum.wbemErrCallCancelled)
        {
            // The cancellation we asked for; reported below.
        }
        if (signal.IsSignalled)
        {
            context.Note("cancelled");
            return signal.ExitCode;
        }
        writer.Complete();
        return ExitCodes.Success;
    }

    /// <summary>One record per property (name, type, key, origin) and per method, read from the class's schema.</summary>
    private static IEnumerable<CliRecord> SchemaRecords(SWbemObject cls)
    {
        foreach (var p in cls.Properties_)
        {
            yield return CliRecord.Synthetic(cls,
            [
                Text("Member", p.Name),
                Text("Kind", "property"),
                Text("Type", TypeName(p.CIMType) + (p.IsArray ? "[]" : "")),
                Text("Key", HasQualifier(p.Qualifiers_, "key") ? "True" : ""),
                Text("Origin", p.Origin),
            ]);
        }
        foreach (var m in cls.Methods_)
        {
            var parameters = m.InParameters?.Properties_.Select(p => $"{TypeName(p.CIMType)}{(p.IsArray ? "[]" : "")} {p.Name}") ?? [];
            var returns = m.OutParameters?.Properties_.FirstOrDefault(p => p.Name == "ReturnValue") is { } rv ? TypeName(rv.CIMType) : "void";
            yield return CliRecord.Synthetic(cls,
            [
                Text("Member", $"{m.Name}({string.Join(", ", parameters)})"),
                Text("Kind", "method"),
                Text("Type", returns),
                Text("Key", ""),
                Text("Origin", m.Origin),
            ]);
        }
    }

    private static CliProperty Text(string name, string value) => new(name, WbemCimtypeEnum.wbemCimtypeString, false, value);

    private static bool HasQualifier(SWbemQualifierSet qualifiers, string name) =>
        qualifiers.Any(q => q.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && q.Value is true);

    /// <summary>The MOF name of a CIM type (<c>uint32</c>, <c>datetime</c>…).</summary>
    public static string TypeName(WbemCimtypeEnum type) => type switch
    {
        WbemCimtypeEnum.wbemCimtypeSint8 => "sint8",
        WbemCimtypeEnum.wbemCimtypeUint8 => "uint8",
        WbemCimtypeEnum.wbemCimtypeSint16 => "sint16",
        WbemCimtypeEnum.wbemCimtypeUint16 => "uint16",
        WbemCimtypeEnum.wbemCimtypeSint32 => "sint32",
        WbemCimtypeEnum.wbemCimtypeUint32 => "uint32",
        WbemCimtypeEnum.wbemCimtypeSint64 => "sint64",
        WbemCimtypeEnum.wbemCimtypeUint64 => "uint64",
        WbemCimtypeEnum.wbemCimtypeReal32 => "real32",
        WbemCimtypeEnum.wbemCimtypeReal64 => "real64",
        WbemCimtypeEnum.wbemCimtypeBoolean => "boolean",
        WbemCimtypeEnum.wbemCimtypeString => "string",
        WbemCimtypeEnum.wbemCimtypeDatetime => "datetime",
        WbemCimtypeEnum.wbemCimtypeReference => "ref",
        WbemCimtypeEnum.wbemCimtypeChar16 => "char16",
        WbemCimtypeEnum.wbemCimtypeObject => "object",
        _ => type.ToString(),
    };
}

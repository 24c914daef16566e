using System.CommandLine;
using Wmix.Cli.Output;

namespace Wmix.Cli.Commands;

/// <summary><c>call</c>: runs a method with <c>name=value</c> arguments and prints its out-parameters, ReturnValue first.</summary>
internal static class CallCommand
{
    public static Command Create(GlobalOptions options)
    {
        var path = new Argument<string>("object-path")
        {
            Description = "The object (Win32_Process.Handle=\"42\") or, for a static method, the class (Win32_Process)",
        }.NotBlank();
        var method = new Argument<string>("method") { Description = "The method's name, e.g. Create or Terminate" };
        var arguments = new Argument<string[]>("name=value")
        {
            Description = "In-parameters, converted to their declared types; array values are comma-separated",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("call", "Call a method and print its out-parameters (exit status 3 when ReturnValue is not 0)") { path, method, arguments };
        command.SetAction(r =>
        {
            var context = options.ContextFor(r);
            return CommandRunner.Guard(context, () => Run(context, r.GetValue(path)!, r.GetValue(method)!, r.GetValue(arguments) ?? []));
        });
        return command;
    }

    private static int Run(CliContext context, string objectPath, string methodName, string[] arguments)
    {
        var parsed = ParseArguments(arguments);
        var services = WmixHost.Connect(context);
        var className = new SWbemObjectPath { Path = objectPath }.Class;
        var cls = services.Get(className);
        var method = cls.Methods_.FirstOrDefault(m => m.Name.Equals(methodName, StringComparison.OrdinalIgnoreCase));
        if (method is null)
        {
            // Let the object manager report an unknown method with WMI's own code (wbemErrInvalidMethod).
            services.ExecMethod(objectPath, methodName);
            throw new WbemException(WbemErrorEnum.wbemErrInvalidMethod, $"'{className}' has no method '{methodName}'.");
        }
        var inParams = method.InParameters?.SpawnInstance_();
        foreach (var (name, value) in parsed)
        {
            var parameter = inParams?.Properties_.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"{className}.{method.Name} has no in-parameter '{name}'; its in-parameters are: "
                    + (inParams is null ? "(none)" : string.Join(", ", inParams.Properties_.Select(p => p.Name))) + ".");
            // The scripting layer converts text to the declared type (numbers, booleans, datetimes) and raises
            // wbemErrTypeMismatch for text that does not fit.
            parameter.Value = parameter.IsArray ? value.Split(',') : value;
        }
        var outParams = services.ExecMethod(objectPath, method.Name, inParams);
        if (outParams is null)
        {
            return ExitCodes.Success;
        }
        var record = CliRecord.FromWithFirst(outParams, "ReturnValue");
        var writer = context.CreateWriter(OutputFormat.List);
        writer.Write(record);
        writer.Complete();
        var returnValue = record.Properties.FirstOrDefault(p => p.Name.Equals("ReturnValue", StringComparison.OrdinalIgnoreCase));
        return IsNonZero(returnValue.Value) ? ExitCodes.MethodFailed : ExitCodes.Success;
    }

    /// <summary>Splits <c>name=value</c> arguments at the first <c>=</c>; a value may itself contain <c>=</c>.</summary>
    internal static List<(string Name, string Value)> ParseArguments(IEnumerable<string> arguments)
    {
        var result = new List<(string, string)>();
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"'{argument}' is not a name=value argument.");
            }
            result.Add((argument[..equals].Trim(), argument[(equals + 1)..]));
        }
        return result;
    }

    private static bool IsNonZero(object? value) => value switch
    {
        null => false,
        string s => s != "0",
        IConvertible c => c.ToInt64(System.Globalization.CultureInfo.InvariantCulture) != 0,
        _ => false,
    };
}

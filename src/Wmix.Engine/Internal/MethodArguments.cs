using Wmix.Cim;

namespace Wmix.Engine.Internal;

/// <summary>Checks a caller's in-parameters against a method and binds them to the method's own <c>__PARAMETERS</c> class.</summary>
internal static class MethodArguments
{
    /// <summary>
    /// The in-parameters as an instance of <see cref="CimMethod.InParameters"/> (frozen), or null for a method without
    /// in-parameters. Throws wbemErrInvalidMethodParameters for an unknown parameter, a value of the wrong type, or a
    /// missing <c>[Required]</c> parameter.
    /// </summary>
    public static CimInstance? Bind(CimMethod method, CimObject? arguments)
    {
        var shape = method.InParameters;
        if (arguments is not null and not CimInstance)
        {
            throw Invalid(method, "the in-parameters must be an instance (spawn one from the method's InParameters), not a class");
        }
        var bound = shape?.SpawnInstance();
        if (arguments is not null)
        {
            for (var i = 0; i < arguments.Properties.Count; i++)
            {
                var name = arguments.Properties[i].Name;
                var value = arguments.GetValue(i);
                var j = shape?.IndexOf(name) ?? -1;
                if (j < 0)
                {
                    if (value is null)
                    {
                        continue;
                    }
                    throw Invalid(method, $"it has no in-parameter '{name}'");
                }
                try
                {
                    bound!.SetValue(j, value);
                }
                catch (WbemException e)
                {
                    throw new WbemException(WbemErrorEnum.wbemErrInvalidMethodParameters,
                        $"In-parameter '{name}' of method '{method.Name}' does not fit its type: {e.Message}", e);
                }
            }
        }
        foreach (var p in method.Parameters)
        {
            if (p.IsIn && p.Qualifiers.IsTrue("required") && (bound is null || bound.GetValue(p.Name) is null))
            {
                throw Invalid(method, $"required in-parameter '{p.Name}' is missing");
            }
        }
        return (CimInstance?)bound?.Freeze();
    }

    private static WbemException Invalid(CimMethod method, string why) =>
        new(WbemErrorEnum.wbemErrInvalidMethodParameters, $"Invalid parameters for method '{method.Name}': {why}.");
}

namespace Wmix.Wql.Internal;

/// <summary>Argument checks shared by the query constructors (the .NET-misuse tier: <see cref="ArgumentException"/>).</summary>
internal static class WqlQueryChecks
{
    public static ValueList<WqlPropertyPath>? SelectList(IReadOnlyList<WqlPropertyPath>? list, string paramName)
    {
        if (list is null)
        {
            return null;
        }
        if (list.Count == 0)
        {
            throw new ArgumentException("A select list needs at least one property; use null for *.", paramName);
        }
        var result = ValueList<WqlPropertyPath>.From(list)!;
        foreach (var item in result)
        {
            if (item is null)
            {
                throw new ArgumentException("The select list contains null.", paramName);
            }
        }
        return result;
    }

    public static string? OptionalIdentifier(string? value, string paramName) =>
        value is null ? null : WqlSyntax.RequireIdentifier(value, paramName);

    public static string ObjectPath(string? path, string paramName)
    {
        ArgumentNullException.ThrowIfNull(path, paramName);
        if (path.Length == 0 || char.IsWhiteSpace(path[0]) || char.IsWhiteSpace(path[^1]))
        {
            throw new ArgumentException("The object path must be non-empty and trimmed.", paramName);
        }
        // The formatter writes "{" + path + "}"; the lexer must find exactly that closing brace again.
        if (WqlLexer.FindClosingBrace(path + "}", 0) != path.Length)
        {
            throw new ArgumentException("The object path has unbalanced braces or an unterminated quote.", paramName);
        }
        return path;
    }

    public static void Flags(bool classDefsOnly, bool schemaOnly, string? resultClass)
    {
        if (classDefsOnly && resultClass is not null)
        {
            throw new ArgumentException("ClassDefsOnly and ResultClass are mutually exclusive.", nameof(classDefsOnly));
        }
        if (classDefsOnly && schemaOnly)
        {
            throw new ArgumentException("SchemaOnly and ClassDefsOnly are mutually exclusive.", nameof(schemaOnly));
        }
    }
}

using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Internal;

/// <summary>
/// The WHERE clause of a schema query (<c>SELECT * FROM meta_class</c>), compiled against class definitions:
/// <c>__this ISA "C"</c> (C and its subclasses), <c>__CLASS</c>, <c>__SUPERCLASS</c> and <c>__DYNASTY</c> compared
/// with <c>=</c> / <c>&lt;&gt;</c> (case-insensitive) or tested with IS [NOT] NULL, combined with AND, OR and NOT.
/// Any other condition is handed to the general evaluator (<see cref="QueryFilter"/>) with the class as the object.
/// </summary>
internal static class SchemaFilter
{
    /// <summary>Compiles <paramref name="where"/>; null matches every class.</summary>
    public static Func<CimClass, bool> Create(WqlExpression? where) => where is null ? static _ => true : Compile(where);

    private static Func<CimClass, bool> Compile(WqlExpression e)
    {
        switch (e)
        {
            case WqlAnd and:
                {
                    var left = Compile(and.Left);
                    var right = Compile(and.Right);
                    return c => left(c) && right(c);
                }
            case WqlOr or:
                {
                    var left = Compile(or.Left);
                    var right = Compile(or.Right);
                    return c => left(c) || right(c);
                }
            case WqlNot not:
                {
                    var operand = Compile(not.Operand);
                    return c => !operand(c);
                }
            case WqlIsa isa when IsThis(isa.Property):
                {
                    var name = isa.ClassName;
                    return c => c.IsSubclassOfOrSelf(name);
                }
            case WqlComparison { Value.Kind: WqlLiteralKind.String } cmp
                when Accessor(cmp.Property) is { } read && cmp.Operator is WqlComparisonOperator.Equal or WqlComparisonOperator.NotEqual:
                {
                    var text = (string)cmp.Value.Value!;
                    var equal = cmp.Operator == WqlComparisonOperator.Equal;
                    return c => CimNames.AreEqual(read(c), text) == equal;
                }
            case WqlComparison cmp when Accessor(cmp.Property) is not null:
                throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery,
                    $"Schema queries compare {cmp.Property} with = or <> and a class name in quotes.");
            case WqlIsNull isNull when Accessor(isNull.Property) is { } read:
                {
                    var negated = isNull.Negated;
                    return c => (read(c) is null) != negated;
                }
            default:
                {
                    var filter = QueryFilter.Create(e, null);
                    return c => filter.Matches(c);
                }
        }
    }

    private static bool IsThis(WqlPropertyPath path) => !path.IsNested && CimNames.AreEqual(path.LeafName, "__this");

    private static Func<CimClass, string?>? Accessor(WqlPropertyPath path)
    {
        if (path.IsNested)
        {
            return null;
        }
        return path.LeafName.ToUpperInvariant() switch
        {
            "__CLASS" => static c => c.Name,
            "__SUPERCLASS" => static c => c.SuperclassName,
            "__DYNASTY" => static c => c.Dynasty,
            _ => null,
        };
    }
}

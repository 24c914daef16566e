using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Wmix.Wql.Internal;

/// <summary>Writes ASTs back as canonical WQL that re-parses to an equal AST.</summary>
internal static class WqlFormatter
{
    public static string Format(WqlQuery query)
    {
        var sb = new StringBuilder(64);
        switch (query)
        {
            case WqlSelectQuery select:
                AppendSelectFrom(sb, select.SelectList, select.ClassName);
                if (select.Where is not null)
                {
                    sb.Append(" WHERE ");
                    Append(sb, select.Where, Precedence.Or);
                }
                break;
            case WqlEventQuery ev:
                AppendSelectFrom(sb, ev.SelectList, ev.EventClassName);
                if (ev.Within is { } within)
                {
                    sb.Append(" WITHIN ").Append(Seconds(within));
                }
                if (ev.Where is not null)
                {
                    sb.Append(" WHERE ");
                    Append(sb, ev.Where, Precedence.Or);
                }
                if (ev.GroupWithin is { } group)
                {
                    sb.Append(" GROUP WITHIN ").Append(Seconds(group));
                    if (ev.GroupBy is not null)
                    {
                        sb.Append(" BY ");
                        AppendList(sb, ev.GroupBy);
                    }
                    if (ev.Having is not null)
                    {
                        sb.Append(' ').Append(ev.Having.ToString());
                    }
                }
                break;
            case WqlAssociatorsQuery a:
                sb.Append("ASSOCIATORS OF {").Append(a.ObjectPath).Append('}');
                var whereAt = sb.Length;
                Keyword(sb, "AssocClass", a.AssocClass);
                Keyword(sb, "ClassDefsOnly", a.ClassDefsOnly);
                Keyword(sb, "RequiredAssocQualifier", a.RequiredAssocQualifier);
                Keyword(sb, "RequiredQualifier", a.RequiredQualifier);
                Keyword(sb, "ResultClass", a.ResultClass);
                Keyword(sb, "ResultRole", a.ResultRole);
                Keyword(sb, "Role", a.Role);
                Keyword(sb, "SchemaOnly", a.SchemaOnly);
                Keyword(sb, "KeysOnly", a.KeysOnly);
                if (sb.Length > whereAt)
                {
                    sb.Insert(whereAt, " WHERE");
                }
                break;
            case WqlReferencesQuery r:
                sb.Append("REFERENCES OF {").Append(r.ObjectPath).Append('}');
                var at = sb.Length;
                Keyword(sb, "ClassDefsOnly", r.ClassDefsOnly);
                Keyword(sb, "RequiredQualifier", r.RequiredQualifier);
                Keyword(sb, "ResultClass", r.ResultClass);
                Keyword(sb, "Role", r.Role);
                Keyword(sb, "SchemaOnly", r.SchemaOnly);
                Keyword(sb, "KeysOnly", r.KeysOnly);
                if (sb.Length > at)
                {
                    sb.Insert(at, " WHERE");
                }
                break;
        }
        return sb.ToString();
    }

    public static string Format(WqlExpression expression)
    {
        var sb = new StringBuilder(32);
        Append(sb, expression, Precedence.Or);
        return sb.ToString();
    }

    /// <summary>Seconds as an exact decimal (up to 7 fraction digits, the tick resolution).</summary>
    public static string Seconds(TimeSpan span) =>
        (span.Ticks / (decimal)TimeSpan.TicksPerSecond).ToString("0.#######", CultureInfo.InvariantCulture);

    private static void AppendSelectFrom(StringBuilder sb, IReadOnlyList<WqlPropertyPath>? list, string className)
    {
        sb.Append("SELECT ");
        if (list is null)
        {
            sb.Append('*');
        }
        else
        {
            AppendList(sb, list);
        }
        sb.Append(" FROM ").Append(className);
    }

    private static void AppendList(StringBuilder sb, IReadOnlyList<WqlPropertyPath> list)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append(list[i].ToString());
        }
    }

    private static void Keyword(StringBuilder sb, string name, string? value)
    {
        if (value is not null)
        {
            sb.Append(' ').Append(name).Append(" = ").Append(value);
        }
    }

    private static void Keyword(StringBuilder sb, string name, bool value)
    {
        if (value)
        {
            sb.Append(' ').Append(name);
        }
    }

    private enum Precedence
    {
        Or,
        And,
        Unary,
    }

    private static void Append(StringBuilder sb, WqlExpression e, Precedence context)
    {
        // A tree built in code can be deeper than any the parser accepts; fail cleanly rather than overflow the stack.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case WqlOr or:
                Binary(sb, or.Left, " OR ", or.Right, Precedence.Or, context);
                break;
            case WqlAnd and:
                Binary(sb, and.Left, " AND ", and.Right, Precedence.And, context);
                break;
            case WqlNot not:
                sb.Append("NOT ");
                Append(sb, not.Operand, Precedence.Unary);
                break;
            case WqlComparison c:
                sb.Append(c.Property.ToString()).Append(' ').Append(c.Operator.ToWql()).Append(' ').Append(c.Value.ToWql());
                break;
            case WqlIsNull n:
                sb.Append(n.Property.ToString()).Append(n.Negated ? " IS NOT NULL" : " IS NULL");
                break;
            case WqlIsa isa:
                sb.Append(isa.Property.ToString()).Append(" ISA ").Append(WqlLiteral.Quote(isa.ClassName));
                break;
            case WqlLike like:
                sb.Append(like.Property.ToString()).Append(" LIKE ").Append(WqlLiteral.Quote(like.Pattern));
                break;
            default:
                throw new ArgumentException($"Unknown expression node {e.GetType().Name}.", nameof(e));
        }
    }

    private static void Binary(StringBuilder sb, WqlExpression left, string op, WqlExpression right, Precedence self, Precedence context)
    {
        var parens = self < context;
        if (parens)
        {
            sb.Append('(');
        }
        // Left-associative: the left operand may be at the same level, the right one needs to bind tighter.
        Append(sb, left, self);
        sb.Append(op);
        Append(sb, right, self + 1);
        if (parens)
        {
            sb.Append(')');
        }
    }
}

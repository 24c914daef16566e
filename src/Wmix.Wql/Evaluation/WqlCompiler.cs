using System.Runtime.CompilerServices;
using Wmix.Cim;

namespace Wmix.Wql.Evaluation;

/// <summary>Turns a WHERE tree into <see cref="WqlNode"/>s, checking it against the target class when there is one.</summary>
internal sealed class WqlCompiler
{
    /// <summary>How deep AND/OR alternations may nest once chains are flattened (the parser allows 64 parentheses).</summary>
    internal const int MaxDepth = 256;

    private readonly CimClass? _target;
    private readonly bool _eventRules;
    private int _depth;

    /// <param name="target">The class whose properties the condition names, or null to check nothing class-specific.</param>
    /// <param name="eventRules">
    /// Report event-query codes: wbemErrPropertyNotAnObject for a dot through a non-object property and
    /// wbemErrInvalidOperator for an operator the type lacks (data queries report wbemErrInvalidQuery for both).
    /// </param>
    public WqlCompiler(CimClass? target, bool eventRules)
    {
        _target = target;
        _eventRules = eventRules;
    }

    public WqlNode Compile(WqlExpression expression)
    {
        try
        {
            return Compile(expression, negated: false);
        }
        catch (InsufficientExecutionStackException e)
        {
            throw new WbemException(WbemErrorEnum.wbemErrQuotaViolation, "The WHERE clause nests too deeply.", e);
        }
    }

    /// <summary>Checks a path's shape (used for SELECT and GROUP BY lists of event queries).</summary>
    /// <returns>The declared type and array flag of the leaf when known.</returns>
    public (CimType Type, bool IsArray, bool Known) CheckPath(WqlPropertyPath path)
    {
        Resolve(path, isa: false, out var type, out var isArray, out var known);
        return (type, isArray, known);
    }

    private WqlNode Compile(WqlExpression expression, bool negated)
    {
        while (expression is WqlNot not)
        {
            negated = !negated;
            expression = not.Operand;
        }
        switch (expression)
        {
            case WqlAnd or WqlOr:
                return CompileJunction(expression, negated);
            case WqlComparison comparison:
                return CompileComparison(comparison, negated);
            case WqlIsNull isNull:
                var nullAccessor = Resolve(isNull.Property, isa: false, out _, out _, out _);
                if (nullAccessor is WqlThisAccessor)
                {
                    throw Invalid("__this can only be tested with ISA.");
                }
                return new WqlIsNullNode(nullAccessor, wantNull: isNull.Negated == negated);
            case WqlIsa isa:
                return CompileIsa(isa, negated);
            case WqlLike like:
                return CompileLike(like, negated);
            default:
                throw new ArgumentException($"Unknown WQL expression node {expression.GetType().Name}.", nameof(expression));
        }
    }

    private WqlNode CompileJunction(WqlExpression expression, bool negated)
    {
        // NOT (A AND B) is NOT A OR NOT B (also in three-valued logic), so the node kind flips with the negation.
        var isAnd = expression is WqlAnd != negated;
        if (++_depth > MaxDepth)
        {
            throw new WbemException(WbemErrorEnum.wbemErrQuotaViolation,
                $"The WHERE clause nests AND/OR more than {MaxDepth} levels deep.");
        }
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var children = new List<WqlNode>();
        // Collect a whole chain of the same kind iteratively, left to right, so long chains cost no recursion.
        var pending = new Stack<WqlExpression>();
        pending.Push(expression);
        while (pending.Count > 0)
        {
            var e = pending.Pop();
            var (left, right) = e switch
            {
                WqlAnd a when isAnd != negated => (a.Left, a.Right),
                WqlOr o when isAnd == negated => (o.Left, o.Right),
                _ => (null!, null!),
            };
            if (left is null)
            {
                children.Add(Compile(e, negated));
                continue;
            }
            pending.Push(right);
            pending.Push(left);
        }
        _depth--;
        return isAnd ? new WqlAndNode([.. children]) : new WqlOrNode([.. children]);
    }

    private WqlNode CompileComparison(WqlComparison comparison, bool negated)
    {
        var accessor = Resolve(comparison.Property, isa: false, out var type, out var isArray, out var known);
        if (accessor is WqlThisAccessor)
        {
            throw Invalid("__this can only be tested with ISA.");
        }
        var constant = new WqlConstant(comparison.Value);
        var op = comparison.Operator;
        var ordering = op is not (WqlComparisonOperator.Equal or WqlComparisonOperator.NotEqual);
        if (!known)
        {
            return new WqlComparisonNode(accessor, op, constant, negated);
        }
        if (isArray)
        {
            throw Invalid($"'{comparison.Property}' is an array; WQL cannot query array properties.");
        }
        switch (WqlValueComparer.Check(type, ordering, constant))
        {
            case WqlTypeProblem.ConstantDoesNotFit:
                throw Invalid($"The constant {comparison.Value} does not fit '{comparison.Property}', a {type.MofName()} property.");
            case WqlTypeProblem.InvalidOperator:
                throw InvalidOperator($"'{op.ToWql()}' is not valid for '{comparison.Property}', a {type.MofName()} property.");
            default:
                break;
        }
        if (type == CimType.String && !ordering)
        {
            return new WqlStringEqualityNode(accessor, constant, equal: op == WqlComparisonOperator.Equal != negated);
        }
        if (type.IsInteger())
        {
            return new WqlIntegerComparisonNode(accessor, op, constant, negated);
        }
        return new WqlComparisonNode(accessor, op, constant, negated);
    }

    private WqlNode CompileIsa(WqlIsa isa, bool negated)
    {
        var accessor = Resolve(isa.Property, isa: true, out var type, out var isArray, out var known);
        if (known && accessor is not WqlThisAccessor && (isArray || type is not (CimType.Object or CimType.Reference)))
        {
            throw InvalidOperator($"ISA needs an embedded object or reference; '{isa.Property}' is a {type.MofName()}{(isArray ? "[]" : "")} property.");
        }
        return new WqlIsaNode(accessor, isa.ClassName, negated);
    }

    private WqlNode CompileLike(WqlLike like, bool negated)
    {
        var accessor = Resolve(like.Property, isa: false, out var type, out var isArray, out var known);
        if (accessor is WqlThisAccessor)
        {
            throw Invalid("__this can only be tested with ISA.");
        }
        if (known)
        {
            if (isArray)
            {
                throw Invalid($"'{like.Property}' is an array; WQL cannot query array properties.");
            }
            if (type is not (CimType.String or CimType.DateTime or CimType.Reference or CimType.Char16))
            {
                throw InvalidOperator($"LIKE needs text; '{like.Property}' is a {type.MofName()} property.");
            }
        }
        return new WqlLikeNode(accessor, like.Matcher, negated);
    }

    /// <summary>
    /// Builds the accessor for a path and reports the leaf's declared type when it is known: a top-level property of
    /// the target class or a system property. Past an embedded object nothing is known (its class is not).
    /// </summary>
    private WqlAccessor Resolve(WqlPropertyPath path, bool isa, out CimType type, out bool isArray, out bool known)
    {
        var parts = path.PartsSpan;
        type = CimType.None;
        isArray = false;
        known = false;
        var head = parts[0];
        WqlAccessor first;
        if (CimNames.AreEqual(head, "__this"))
        {
            if (!isa || parts.Length > 1)
            {
                throw Invalid("__this can only be tested with ISA.");
            }
            type = CimType.Object;
            known = true;
            return WqlThisAccessor.Instance;
        }
        if (WqlSystemAccessor.TryCreate(head) is { } system)
        {
            if (parts.Length > 1)
            {
                throw NotAnObject(head);
            }
            type = system.Type;
            isArray = system.IsArray;
            known = true;
            return system;
        }
        if (_target is not null)
        {
            var index = _target.IndexOf(head);
            if (index < 0)
            {
                throw Invalid($"'{head}' is not a property of class '{_target.Name}'.");
            }
            var property = _target.Properties[index];
            if (parts.Length > 1 && (property.Type != CimType.Object || property.IsArray))
            {
                throw NotAnObject(head);
            }
            first = new WqlIndexedAccessor(_target, index, property);
            if (parts.Length == 1)
            {
                type = property.Type;
                isArray = property.IsArray;
                known = true;
                return first;
            }
        }
        else
        {
            first = new WqlNamedAccessor(head);
            if (parts.Length == 1)
            {
                return first;
            }
        }
        var rest = new WqlAccessor[parts.Length - 1];
        for (var i = 1; i < parts.Length; i++)
        {
            var part = parts[i];
            if (WqlSystemAccessor.TryCreate(part) is { } nested)
            {
                if (i < parts.Length - 1)
                {
                    throw NotAnObject(part);
                }
                rest[i - 1] = nested;
            }
            else
            {
                rest[i - 1] = new WqlNamedAccessor(part);
            }
        }
        return new WqlPathAccessor(first, rest);
    }

    private static WbemException Invalid(string message) => new(WbemErrorEnum.wbemErrInvalidQuery, message);

    private WbemException InvalidOperator(string message) =>
        new(_eventRules ? WbemErrorEnum.wbemErrInvalidOperator : WbemErrorEnum.wbemErrInvalidQuery, message);

    private WbemException NotAnObject(string name) =>
        new(_eventRules ? WbemErrorEnum.wbemErrPropertyNotAnObject : WbemErrorEnum.wbemErrInvalidQuery,
            $"'{name}' is not an embedded object, so it cannot be followed by a dot.");
}

using Wmix.Cim;

namespace Wmix.Wql.Internal;

/// <summary>Recursive-descent parser over <see cref="WqlLexer"/>. One instance per parse.</summary>
internal sealed class WqlParserCore
{
    private readonly string _text;
    private readonly WqlQueryKind _expected;
    private WqlLexer _lexer;
    private int _depth;
    private int _logicalOperators;

    public WqlParserCore(string text, WqlQueryKind expected)
    {
        _text = text;
        _expected = expected;
        _lexer = new WqlLexer(text);
        _lexer.Next();
    }

    public WqlQuery ParseQuery()
    {
        WqlQuery query;
        if (_lexer.Kind == TokenKind.Identifier)
        {
            switch (_lexer.Keyword)
            {
                case WqlKeyword.Select:
                    query = ParseSelect();
                    break;
                case WqlKeyword.Associators when _expected != WqlQueryKind.Event:
                    query = ParseAssociators();
                    break;
                case WqlKeyword.References when _expected != WqlQueryKind.Event:
                    query = ParseReferences();
                    break;
                case WqlKeyword.Associators or WqlKeyword.References:
                    throw Error("An event query must be a SELECT statement.");
                default:
                    throw Error("Expected SELECT, ASSOCIATORS OF or REFERENCES OF.");
            }
        }
        else
        {
            throw Error(_lexer.Kind == TokenKind.End ? "The query is empty." : "Expected SELECT, ASSOCIATORS OF or REFERENCES OF.");
        }
        if (_lexer.Kind != TokenKind.End)
        {
            throw Error("Unexpected text after the end of the query.");
        }
        return query;
    }

    // ---- SELECT ----------------------------------------------------------------------------------------------

    private WqlQuery ParseSelect()
    {
        _lexer.Next();
        var selectColumn = _lexer.Column;
        List<WqlPropertyPath>? selectList = null;
        if (_lexer.Kind == TokenKind.Star)
        {
            _lexer.Next();
        }
        else
        {
            selectList = [];
            while (true)
            {
                selectList.Add(ParsePropertyPath("Expected '*' or a property name in the select list."));
                if (_lexer.Kind != TokenKind.Comma)
                {
                    break;
                }
                _lexer.Next();
            }
        }
        ExpectKeyword(WqlKeyword.From, "Expected FROM.");
        var className = ExpectIdentifier("Expected a class name after FROM.");
        if (_lexer.Kind == TokenKind.Comma)
        {
            throw Error("WQL queries one class only: joins (FROM A, B) are not supported.");
        }

        var isSchema = string.Equals(className, WqlSyntax.MetaClass, StringComparison.OrdinalIgnoreCase);
        if (isSchema && selectList is not null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "Schema queries (FROM meta_class) select only *.", 1, selectColumn);
        }

        TimeSpan? within = null;
        if (IsKeyword(WqlKeyword.Within))
        {
            RejectEventClauseInDataQuery("WITHIN");
            _lexer.Next();
            within = ParseInterval(wholeSeconds: false, "WITHIN");
        }

        WqlExpression? where = null;
        if (IsKeyword(WqlKeyword.Where))
        {
            _lexer.Next();
            where = ParseCondition();
        }

        TimeSpan? groupWithin = null;
        List<WqlPropertyPath>? groupBy = null;
        WqlHaving? having = null;
        var grouped = false;
        if (IsKeyword(WqlKeyword.Group))
        {
            grouped = true;
            RejectEventClauseInDataQuery("GROUP");
            _lexer.Next();
            if (IsKeyword(WqlKeyword.By))
            {
                throw Error(WbemErrorEnum.wbemErrMissingGroupWithin, "GROUP BY needs GROUP WITHIN: write GROUP WITHIN <seconds> BY <properties>.");
            }
            ExpectKeyword(WqlKeyword.Within, "Expected WITHIN after GROUP.");
            groupWithin = ParseInterval(wholeSeconds: true, "GROUP WITHIN");
            if (IsKeyword(WqlKeyword.By))
            {
                _lexer.Next();
                groupBy = [];
                if (_lexer.Kind == TokenKind.End || IsKeyword(WqlKeyword.Having))
                {
                    throw Error(WbemErrorEnum.wbemErrMissingAggregationList, "GROUP WITHIN … BY needs at least one property.");
                }
                while (true)
                {
                    if (IsKeyword(WqlKeyword.Having))
                    {
                        // HAVING always ends the BY list, so it cannot start a property path there.
                        throw Error("Expected a property name in the BY list.");
                    }
                    groupBy.Add(ParsePropertyPath("Expected a property name in the BY list."));
                    if (_lexer.Kind != TokenKind.Comma)
                    {
                        break;
                    }
                    _lexer.Next();
                }
            }
        }
        if (IsKeyword(WqlKeyword.Having))
        {
            if (!grouped)
            {
                RejectEventClauseInDataQuery("HAVING");
                throw Error(WbemErrorEnum.wbemErrMissingGroupWithin, "HAVING needs GROUP WITHIN.");
            }
            _lexer.Next();
            having = ParseHaving();
        }

        var isEvent = _expected == WqlQueryKind.Event || (_expected == WqlQueryKind.Any && (within is not null || grouped));
        if (!isEvent)
        {
            return new WqlSelectQuery(selectList, className, where) { Text = _text };
        }
        return new WqlEventQuery(selectList, className, within, where, groupWithin, groupBy, having) { Text = _text };
    }

    private void RejectEventClauseInDataQuery(string clause)
    {
        if (_expected == WqlQueryKind.Data)
        {
            throw Error($"{clause} belongs to event queries (ExecNotificationQuery), not data queries.");
        }
    }

    private TimeSpan ParseInterval(bool wholeSeconds, string clause)
    {
        if (_lexer.Kind is not (TokenKind.Integer or TokenKind.UnsignedInteger or TokenKind.Real))
        {
            throw Error($"Expected a number of seconds after {clause}.");
        }
        if (wholeSeconds && _lexer.Kind != TokenKind.Integer)
        {
            throw Error($"{clause} needs a whole number of seconds.");
        }
        var seconds = _lexer.NumberAsDecimal();
        if (seconds <= 0 || (wholeSeconds && seconds > uint.MaxValue))
        {
            throw Error($"{clause} needs a positive number of seconds" + (wholeSeconds ? " that fits in 32 bits." : "."));
        }
        // Exact decimal arithmetic: the interval is kept to the tick (100 ns), so canonical text round-trips.
        var ticks = seconds > long.MaxValue / TimeSpan.TicksPerSecond + 1
            ? decimal.MaxValue
            : decimal.Round(seconds * TimeSpan.TicksPerSecond, MidpointRounding.ToEven);
        if (ticks is < 1 or > long.MaxValue)
        {
            throw Error(ticks < 1 ? $"{clause} is shorter than the 100 ns resolution." : $"{clause} is longer than TimeSpan allows.");
        }
        _lexer.Next();
        return TimeSpan.FromTicks((long)ticks);
    }

    private WqlHaving ParseHaving()
    {
        if (_lexer.Kind != TokenKind.Identifier ||
            !_lexer.Span.Equals(WqlSyntax.NumberOfEvents, StringComparison.OrdinalIgnoreCase))
        {
            throw Error("HAVING can only test NumberOfEvents.");
        }
        _lexer.Next();
        var op = ExpectOperator();
        if (_lexer.Kind != TokenKind.Integer || _lexer.IntegerValue is < 0 or > uint.MaxValue)
        {
            throw Error("HAVING NumberOfEvents needs an unsigned 32-bit integer.");
        }
        var value = (uint)_lexer.IntegerValue;
        _lexer.Next();
        return new WqlHaving(op, value);
    }

    // ---- WHERE conditions ------------------------------------------------------------------------------------

    private WqlExpression ParseCondition()
    {
        var left = ParseAnd();
        while (IsKeyword(WqlKeyword.Or))
        {
            CountLogicalOperator();
            _lexer.Next();
            left = new WqlOr(left, ParseAnd());
        }
        return left;
    }

    private WqlExpression ParseAnd()
    {
        var left = ParseUnary();
        while (IsKeyword(WqlKeyword.And))
        {
            CountLogicalOperator();
            _lexer.Next();
            left = new WqlAnd(left, ParseUnary());
        }
        return left;
    }

    private WqlExpression ParseUnary()
    {
        if (IsKeyword(WqlKeyword.Not))
        {
            Enter();
            _lexer.Next();
            var operand = ParseUnary();
            _depth--;
            return new WqlNot(operand);
        }
        if (_lexer.Kind == TokenKind.LeftParen)
        {
            Enter();
            _lexer.Next();
            var inner = ParseCondition();
            Expect(TokenKind.RightParen, "Expected ')'.");
            _depth--;
            return inner;
        }
        return ParsePredicate();
    }

    private void Enter()
    {
        if (++_depth > WqlParser.MaxNestingDepth)
        {
            throw Error(WbemErrorEnum.wbemErrQuotaViolation,
                $"The condition nests parentheses and NOT deeper than {WqlParser.MaxNestingDepth} levels.");
        }
    }

    private void CountLogicalOperator()
    {
        if (++_logicalOperators > WqlParser.MaxLogicalOperators)
        {
            throw Error(WbemErrorEnum.wbemErrQuotaViolation,
                $"The condition has more than {WqlParser.MaxLogicalOperators} AND/OR operators.");
        }
    }

    private WqlExpression ParsePredicate()
    {
        if (_lexer.Kind == TokenKind.Identifier && !WqlSyntax.IsReserved(_lexer.Keyword))
        {
            var property = ParsePropertyPath("Expected a property name.");
            return ParsePropertyPredicate(property);
        }
        if (IsConstant())
        {
            // const op prop: store as prop op' const.
            var literal = ReadConstant();
            if (_lexer.Kind is TokenKind.Identifier && _lexer.Keyword is WqlKeyword.Is or WqlKeyword.Isa or WqlKeyword.Like or WqlKeyword.Not)
            {
                throw Error("IS, ISA and LIKE need the property on the left.");
            }
            var opColumn = _lexer.Column;
            var op = ExpectOperator().Swap();
            if (_lexer.Kind != TokenKind.Identifier || WqlSyntax.IsReserved(_lexer.Keyword))
            {
                throw Error(IsConstant() ? "A comparison needs a property on one side." : "Expected a property name.");
            }
            var property = ParsePropertyPath("Expected a property name.");
            return MakeComparison(property, op, literal, opColumn);
        }
        throw Error(_lexer.Kind == TokenKind.End ? "Expected a condition." : "Expected a property, a constant, NOT or '('.");
    }

    private WqlExpression ParsePropertyPredicate(WqlPropertyPath property)
    {
        if (_lexer.Kind == TokenKind.Identifier)
        {
            switch (_lexer.Keyword)
            {
                case WqlKeyword.Is:
                    _lexer.Next();
                    var negated = false;
                    if (IsKeyword(WqlKeyword.Not))
                    {
                        negated = true;
                        _lexer.Next();
                    }
                    if (!IsKeyword(WqlKeyword.Null))
                    {
                        throw Error("IS and IS NOT take NULL only.");
                    }
                    _lexer.Next();
                    return new WqlIsNull(property, negated);
                case WqlKeyword.Isa:
                    _lexer.Next();
                    if (_lexer.Kind != TokenKind.String || _lexer.StringValue!.Length == 0)
                    {
                        throw Error("ISA needs a quoted class name.");
                    }
                    var className = _lexer.StringValue!;
                    _lexer.Next();
                    return new WqlIsa(property, className);
                case WqlKeyword.Like:
                    _lexer.Next();
                    return ParseLike(property);
                case WqlKeyword.Not:
                    _lexer.Next();
                    if (!IsKeyword(WqlKeyword.Like))
                    {
                        throw Error("Expected LIKE after NOT (write NOT before the property to negate other tests).");
                    }
                    _lexer.Next();
                    return new WqlNot(ParseLike(property));
            }
        }
        var opColumn = _lexer.Column;
        var op = ExpectOperator();
        if (_lexer.Kind == TokenKind.Identifier && !WqlSyntax.IsReserved(_lexer.Keyword))
        {
            throw Error("A property can only be compared with a constant, not with another property.");
        }
        if (!IsConstant())
        {
            throw Error(_lexer.Kind == TokenKind.LeftParen
                ? "WQL has no arithmetic or sub-expressions: compare with a constant."
                : "Expected a constant.");
        }
        var literal = ReadConstant();
        return MakeComparison(property, op, literal, opColumn);
    }

    private WqlLike ParseLike(WqlPropertyPath property)
    {
        if (_lexer.Kind != TokenKind.String)
        {
            throw Error("LIKE needs a quoted pattern.");
        }
        if (!WqlLikePattern.TryParse(_lexer.StringValue!, out var matcher, out _))
        {
            throw Error("The LIKE pattern has a '[' without a closing ']'.");
        }
        _lexer.Next();
        return new WqlLike(property, matcher);
    }

    private WqlExpression MakeComparison(WqlPropertyPath property, WqlComparisonOperator op, WqlLiteral literal, int opColumn)
    {
        if (literal.Kind == WqlLiteralKind.Null && !WqlSyntax.IsOrdering(op))
        {
            // Decision: P = NULL means P IS NULL and P <> NULL means P IS NOT NULL.
            return new WqlIsNull(property, op == WqlComparisonOperator.NotEqual);
        }
        var problem = WqlComparison.Problem(op, literal);
        if (problem is not null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, problem, 1, opColumn);
        }
        return new WqlComparison(property, op, literal);
    }

    private bool IsConstant() => _lexer.Kind switch
    {
        TokenKind.String or TokenKind.Integer or TokenKind.UnsignedInteger or TokenKind.Real => true,
        TokenKind.Identifier => _lexer.Keyword is WqlKeyword.True or WqlKeyword.False or WqlKeyword.Null,
        _ => false,
    };

    private WqlLiteral ReadConstant()
    {
        var literal = _lexer.Kind switch
        {
            TokenKind.String => WqlLiteral.FromString(_lexer.StringValue!),
            TokenKind.Integer => WqlLiteral.FromInt64(_lexer.IntegerValue),
            TokenKind.UnsignedInteger => WqlLiteral.FromUInt64(_lexer.UnsignedValue),
            TokenKind.Real => WqlLiteral.FromDouble(_lexer.RealValue),
            _ => _lexer.Keyword switch
            {
                WqlKeyword.True => WqlLiteral.True,
                WqlKeyword.False => WqlLiteral.False,
                _ => WqlLiteral.Null,
            },
        };
        _lexer.Next();
        return literal;
    }

    private WqlComparisonOperator ExpectOperator()
    {
        var op = _lexer.Kind switch
        {
            TokenKind.Equal => WqlComparisonOperator.Equal,
            TokenKind.NotEqual => WqlComparisonOperator.NotEqual,
            TokenKind.Less => WqlComparisonOperator.Less,
            TokenKind.LessOrEqual => WqlComparisonOperator.LessOrEqual,
            TokenKind.Greater => WqlComparisonOperator.Greater,
            TokenKind.GreaterOrEqual => WqlComparisonOperator.GreaterOrEqual,
            _ => throw Error("Expected a comparison operator (=, <>, !=, <, <=, >, >=), IS, ISA or LIKE."),
        };
        _lexer.Next();
        return op;
    }

    private WqlPropertyPath ParsePropertyPath(string message)
    {
        var first = ExpectIdentifier(message);
        if (_lexer.Kind != TokenKind.Dot)
        {
            return WqlPropertyPath.CreateTrusted([first]);
        }
        var parts = new List<string>(4) { first };
        while (_lexer.Kind == TokenKind.Dot)
        {
            _lexer.Next();
            parts.Add(ExpectIdentifier("Expected a property name after '.'."));
        }
        return WqlPropertyPath.CreateTrusted([.. parts]);
    }

    // ---- ASSOCIATORS OF / REFERENCES OF ----------------------------------------------------------------------

    private WqlQuery ParseAssociators()
    {
        var clauses = ParseAssociationClauses(references: false, out var path);
        return new WqlAssociatorsQuery(path, clauses.AssocClass, clauses.ResultClass, clauses.ResultRole, clauses.Role,
            clauses.RequiredAssocQualifier, clauses.RequiredQualifier, clauses.ClassDefsOnly, clauses.SchemaOnly, clauses.KeysOnly)
        { Text = _text };
    }

    private WqlQuery ParseReferences()
    {
        var clauses = ParseAssociationClauses(references: true, out var path);
        return new WqlReferencesQuery(path, clauses.ResultClass, clauses.Role, clauses.RequiredQualifier,
            clauses.ClassDefsOnly, clauses.SchemaOnly, clauses.KeysOnly)
        { Text = _text };
    }

    private AssociationClauses ParseAssociationClauses(bool references, out string path)
    {
        _lexer.Next();
        ExpectKeyword(WqlKeyword.Of, "Expected OF.");
        if (_lexer.Kind != TokenKind.Braced)
        {
            throw Error("Expected an object path in braces: {path}.");
        }
        if (_lexer.StringValue!.Length == 0)
        {
            throw Error("The object path in braces is empty.");
        }
        path = _lexer.StringValue!;
        _lexer.Next();
        var clauses = new AssociationClauses();
        if (_lexer.Kind == TokenKind.End)
        {
            return clauses;
        }
        ExpectKeyword(WqlKeyword.Where, "Expected WHERE or the end of the query after the object path.");
        if (_lexer.Kind == TokenKind.End)
        {
            throw Error("Expected an association keyword after WHERE.");
        }
        var seen = 0;
        while (_lexer.Kind != TokenKind.End)
        {
            if (_lexer.Kind != TokenKind.Identifier)
            {
                throw Error(_lexer.Kind == TokenKind.Comma
                    ? "Association keywords are separated by spaces, not commas."
                    : "Expected an association keyword.");
            }
            if (_lexer.Keyword is WqlKeyword.And or WqlKeyword.Or)
            {
                throw Error("Association keywords are separated by spaces, not AND or OR.");
            }
            var keyword = AssociationKeywordOf(_lexer.Span);
            if (keyword == AssocKeyword.None)
            {
                throw Error("Unknown association keyword.");
            }
            if (references && keyword is AssocKeyword.AssocClass or AssocKeyword.ResultRole or AssocKeyword.RequiredAssocQualifier)
            {
                throw Error("REFERENCES OF does not take AssocClass, ResultRole or RequiredAssocQualifier.");
            }
            if ((seen & (1 << (int)keyword)) != 0)
            {
                throw Error("Duplicate association keyword.");
            }
            seen |= 1 << (int)keyword;
            var keywordColumn = _lexer.Column;
            _lexer.Next();
            switch (keyword)
            {
                case AssocKeyword.ClassDefsOnly:
                    clauses.ClassDefsOnly = true;
                    break;
                case AssocKeyword.SchemaOnly:
                    clauses.SchemaOnly = true;
                    break;
                case AssocKeyword.KeysOnly:
                    clauses.KeysOnly = true;
                    break;
                default:
                    if (_lexer.Kind != TokenKind.Equal)
                    {
                        throw Error("Association keywords take '=' only.");
                    }
                    _lexer.Next();
                    if (_lexer.Kind != TokenKind.Identifier || WqlSyntax.IsReserved(_lexer.Keyword))
                    {
                        throw Error("Expected a class, role or qualifier name.");
                    }
                    var value = _lexer.Span.ToString();
                    _lexer.Next();
                    clauses.Set(keyword, value);
                    break;
            }
            if (clauses.ClassDefsOnly && clauses.ResultClass is not null)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "ClassDefsOnly and ResultClass are mutually exclusive.", 1, keywordColumn);
            }
            if (clauses.ClassDefsOnly && clauses.SchemaOnly)
            {
                throw new WbemException(WbemErrorEnum.wbemErrInvalidQuery, "SchemaOnly and ClassDefsOnly are mutually exclusive.", 1, keywordColumn);
            }
        }
        return clauses;
    }

    private static AssocKeyword AssociationKeywordOf(ReadOnlySpan<char> word)
    {
        for (var i = 1; i < s_assocKeywords.Length; i++)
        {
            if (word.Equals(s_assocKeywords[i], StringComparison.OrdinalIgnoreCase))
            {
                return (AssocKeyword)i;
            }
        }
        return AssocKeyword.None;
    }

    private static readonly string[] s_assocKeywords =
    [
        "", "AssocClass", "ResultClass", "ResultRole", "Role", "RequiredAssocQualifier", "RequiredQualifier",
        "ClassDefsOnly", "SchemaOnly", "KeysOnly",
    ];

    private enum AssocKeyword
    {
        None,
        AssocClass,
        ResultClass,
        ResultRole,
        Role,
        RequiredAssocQualifier,
        RequiredQualifier,
        ClassDefsOnly,
        SchemaOnly,
        KeysOnly,
    }

    private sealed class AssociationClauses
    {
        public string? AssocClass;
        public string? ResultClass;
        public string? ResultRole;
        public string? Role;
        public string? RequiredAssocQualifier;
        public string? RequiredQualifier;
        public bool ClassDefsOnly;
        public bool SchemaOnly;
        public bool KeysOnly;

        public void Set(AssocKeyword keyword, string value)
        {
            switch (keyword)
            {
                case AssocKeyword.AssocClass: AssocClass = value; break;
                case AssocKeyword.ResultClass: ResultClass = value; break;
                case AssocKeyword.ResultRole: ResultRole = value; break;
                case AssocKeyword.Role: Role = value; break;
                case AssocKeyword.RequiredAssocQualifier: RequiredAssocQualifier = value; break;
                case AssocKeyword.RequiredQualifier: RequiredQualifier = value; break;
            }
        }
    }

    // ---- token helpers ---------------------------------------------------------------------------------------

    private bool IsKeyword(WqlKeyword keyword) => _lexer.Kind == TokenKind.Identifier && _lexer.Keyword == keyword;

    private void ExpectKeyword(WqlKeyword keyword, string message)
    {
        if (!IsKeyword(keyword))
        {
            throw Error(message);
        }
        _lexer.Next();
    }

    private string ExpectIdentifier(string message)
    {
        if (_lexer.Kind != TokenKind.Identifier || WqlSyntax.IsReserved(_lexer.Keyword))
        {
            throw Error(message);
        }
        var name = _lexer.Span.ToString();
        _lexer.Next();
        return name;
    }

    private void Expect(TokenKind kind, string message)
    {
        if (_lexer.Kind != kind)
        {
            throw Error(message);
        }
        _lexer.Next();
    }

    private WbemException Error(string message) => Error(WbemErrorEnum.wbemErrInvalidQuery, message);

    private WbemException Error(WbemErrorEnum code, string message)
    {
        var found = _lexer.Kind == TokenKind.End ? "the end of the query" : $"'{_lexer.Span}'";
        return new WbemException(code, $"{message} Found {found}.", 1, _lexer.Column);
    }
}

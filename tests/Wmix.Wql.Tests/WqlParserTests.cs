using Wmix.Cim;
using static Wmix.Wql.Tests.Ast;
using Op = Wmix.Wql.WqlComparisonOperator;

namespace Wmix.Wql.Tests;

public sealed class WqlParserTests
{
    [Fact]
    public void Parse_SelectStar_GivesDataQuery()
    {
        var q = Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM Win32_Process"));
        Assert.Null(q.SelectList);
        Assert.Equal("Win32_Process", q.ClassName);
        Assert.False(q.IsSchemaQuery);
        Assert.Null(q.Where);
        Assert.Equal("SELECT * FROM Win32_Process", q.Text);
    }

    [Fact]
    public void Parse_KeywordsInAnyCase_AreRecognised()
    {
        var q = WqlParser.Parse("sElEcT * fRoM C wHeRe A = 1 aNd NoT B iS nUlL");
        Assert.Equal(new WqlSelectQuery(null, "C", new WqlAnd(Eq("A", 1), new WqlNot(new WqlIsNull(P("B"), false)))), q);
    }

    [Fact]
    public void Parse_PropertyList_KeepsDottedPaths()
    {
        var q = Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT Name, TargetInstance.Name,Handle FROM C"));
        Assert.Equal([P("Name"), P("TargetInstance.Name"), P("Handle")], q.SelectList!);
        Assert.Equal(["TargetInstance", "Name"], q.SelectList![1].Parts);
        Assert.Equal("TargetInstance.Name", q.SelectList[1].ToString());
    }

    [Fact]
    public void Parse_Text_IsKeptButIgnoredByEquality()
    {
        var a = WqlParser.Parse("select * from C");
        var b = WqlParser.Parse("SELECT   *   FROM   C");
        Assert.Equal("select * from C", a.Text);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Parse_AndBindsTighterThanOr_BuildsExpectedTree()
    {
        var q = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE A = 1 OR B = 2 AND C = 3");
        Assert.Equal(new WqlOr(Eq("A", 1), new WqlAnd(Eq("B", 2), Eq("C", 3))), q.Where);
    }

    [Fact]
    public void Parse_Parentheses_OverridePrecedence()
    {
        var q = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM Win32_LogicalDisk WHERE (Name = \"C:\" OR Name = \"D:\") AND FreeSpace > 2000000 AND FileSystem = \"NTFS\"");
        var expected = new WqlAnd(
            new WqlAnd(new WqlOr(Eq("Name", "C:"), Eq("Name", "D:")), Cmp("FreeSpace", Op.Greater, I(2000000))),
            Eq("FileSystem", "NTFS"));
        Assert.Equal(expected, q.Where);
    }

    [Fact]
    public void Parse_AndOr_AreLeftAssociative()
    {
        var q = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE A = 1 AND B = 2 AND C = 3");
        Assert.Equal(new WqlAnd(new WqlAnd(Eq("A", 1), Eq("B", 2)), Eq("C", 3)), q.Where);
    }

    [Theory]
    [InlineData("=", Op.Equal)]
    [InlineData("<>", Op.NotEqual)]
    [InlineData("!=", Op.NotEqual)]
    [InlineData("<", Op.Less)]
    [InlineData("<=", Op.LessOrEqual)]
    [InlineData(">", Op.Greater)]
    [InlineData(">=", Op.GreaterOrEqual)]
    public void Parse_Operator_MapsToEnum(string text, Op expected)
    {
        var q = (WqlSelectQuery)WqlParser.Parse($"SELECT * FROM C WHERE P {text} 5");
        Assert.Equal(Cmp("P", expected, I(5)), q.Where);
    }

    [Theory]
    [InlineData("=", Op.Equal)]
    [InlineData("<>", Op.NotEqual)]
    [InlineData("<", Op.Greater)]
    [InlineData("<=", Op.GreaterOrEqual)]
    [InlineData(">", Op.Less)]
    [InlineData(">=", Op.LessOrEqual)]
    public void Parse_ConstantFirst_IsSwappedToPropertyFirst(string text, Op expected)
    {
        var q = (WqlSelectQuery)WqlParser.Parse($"SELECT * FROM C WHERE 5 {text} P");
        Assert.Equal(Cmp("P", expected, I(5)), q.Where);
    }

    [Theory]
    [InlineData("'abc'", WqlLiteralKind.String, "abc")]
    [InlineData("\"abc\"", WqlLiteralKind.String, "abc")]
    [InlineData("\"a\\\"b\"", WqlLiteralKind.String, "a\"b")]
    [InlineData("'a\\'b'", WqlLiteralKind.String, "a'b")]
    [InlineData("\"a\\\\b\"", WqlLiteralKind.String, "a\\b")]
    [InlineData("\"C:\\Windows\"", WqlLiteralKind.String, "C:\\Windows")]
    [InlineData("\"it's\"", WqlLiteralKind.String, "it's")]
    [InlineData("''", WqlLiteralKind.String, "")]
    public void Parse_StringLiteral_IsUnescaped(string literal, WqlLiteralKind kind, string value)
    {
        var c = Assert.IsType<WqlComparison>(((WqlSelectQuery)WqlParser.Parse($"SELECT * FROM C WHERE P = {literal}")).Where);
        Assert.Equal(kind, c.Value.Kind);
        Assert.Equal(value, c.Value.Value);
    }

    public static TheoryData<string, WqlLiteral> NumberCases => new()
    {
        { "42", WqlLiteral.FromInt64(42) },
        { "-42", WqlLiteral.FromInt64(-42) },
        { "+7", WqlLiteral.FromInt64(7) },
        { "0x1F", WqlLiteral.FromInt64(31) },
        { "0XfF", WqlLiteral.FromInt64(255) },
        { "-0x10", WqlLiteral.FromInt64(-16) },
        { "9223372036854775807", WqlLiteral.FromInt64(long.MaxValue) },
        { "-9223372036854775808", WqlLiteral.FromInt64(long.MinValue) },
        { "9223372036854775808", WqlLiteral.FromUInt64(9223372036854775808UL) },
        { "18446744073709551615", WqlLiteral.FromUInt64(ulong.MaxValue) },
        { "0xFFFFFFFFFFFFFFFF", WqlLiteral.FromUInt64(ulong.MaxValue) },
        { "1.5", WqlLiteral.FromDouble(1.5) },
        { ".5", WqlLiteral.FromDouble(0.5) },
        { "-.5", WqlLiteral.FromDouble(-0.5) },
        { "1e3", WqlLiteral.FromDouble(1000) },
        { "2.5E-2", WqlLiteral.FromDouble(0.025) },
        { "1.", WqlLiteral.FromDouble(1) },
    };

    [Theory]
    [MemberData(nameof(NumberCases))]
    public void Parse_NumericLiteral_IsTyped(string literal, WqlLiteral expected)
    {
        var c = Assert.IsType<WqlComparison>(((WqlSelectQuery)WqlParser.Parse($"SELECT * FROM C WHERE P = {literal}")).Where);
        Assert.Equal(expected, c.Value);
        Assert.Equal(expected.Value!.GetType(), c.Value.Value!.GetType());
    }

    [Fact]
    public void Parse_UnsignedAboveLongMax_HasUnsignedKind()
    {
        var c = (WqlComparison)((WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE P < 18446744073709551615")).Where!;
        Assert.Equal(WqlLiteralKind.UnsignedInteger, c.Value.Kind);
        Assert.Equal(ulong.MaxValue, c.Value.Value);
    }

    [Theory]
    [InlineData("SELECT * FROM C WHERE B = TRUE", Op.Equal, true)]
    [InlineData("SELECT * FROM C WHERE B != FALSE", Op.NotEqual, false)]
    [InlineData("SELECT * FROM C WHERE B <> FALSE", Op.NotEqual, false)]
    [InlineData("SELECT * FROM C WHERE true = B", Op.Equal, true)]
    public void Parse_BooleanWithEquality_IsValid(string query, Op op, bool value)
    {
        var c = Assert.IsType<WqlComparison>(((WqlSelectQuery)WqlParser.Parse(query)).Where);
        Assert.Equal(op, c.Operator);
        Assert.Equal(WqlLiteral.FromBoolean(value), c.Value);
    }

    [Theory]
    [InlineData("SELECT * FROM C WHERE P IS NULL", false)]
    [InlineData("SELECT * FROM C WHERE P IS NOT NULL", true)]
    [InlineData("SELECT * FROM C WHERE P = NULL", false)]
    [InlineData("SELECT * FROM C WHERE P <> NULL", true)]
    [InlineData("SELECT * FROM C WHERE P != NULL", true)]
    [InlineData("SELECT * FROM C WHERE NULL = P", false)]
    public void Parse_NullTests_BecomeIsNull(string query, bool negated)
    {
        var q = (WqlSelectQuery)WqlParser.Parse(query);
        Assert.Equal(new WqlIsNull(P("P"), negated), q.Where);
    }

    [Fact]
    public void Parse_Isa_GivesIsaNode()
    {
        var q = (WqlEventQuery)WqlParser.Parse("SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'");
        Assert.Equal(new WqlIsa(P("TargetInstance"), "Win32_Process"), q.Where);
    }

    [Fact]
    public void Parse_SchemaQuery_IsSelectWithSchemaFlag()
    {
        var q = Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM meta_class WHERE __this ISA \"Win32_BaseService\""));
        Assert.True(q.IsSchemaQuery);
        Assert.Equal(new WqlIsa(P("__this"), "Win32_BaseService"), q.Where);
    }

    [Fact]
    public void Parse_SchemaQueryAnyCase_IsSchemaQuery()
    {
        var q = Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM Meta_Class WHERE __Class LIKE \"%Win32%\""));
        Assert.True(q.IsSchemaQuery);
        Assert.Equal(new WqlLike(P("__Class"), "%Win32%"), q.Where);
    }

    [Fact]
    public void Parse_Like_CompilesPattern()
    {
        var like = Assert.IsType<WqlLike>(((WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE Name LIKE 'ba%'")).Where);
        Assert.Equal("ba%", like.Pattern);
        Assert.True(like.Matcher.IsMatch("bash"));
    }

    [Theory]
    [InlineData("SELECT * FROM C WHERE NOT Name LIKE '%x'")]
    [InlineData("SELECT * FROM C WHERE Name NOT LIKE '%x'")]
    public void Parse_NotLike_IsNotAroundLike(string query)
    {
        var q = (WqlSelectQuery)WqlParser.Parse(query);
        Assert.Equal(new WqlNot(new WqlLike(P("Name"), "%x")), q.Where);
    }

    [Fact]
    public void Parse_NotBindsTighterThanAnd()
    {
        var q = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE NOT A = 1 AND B = 2");
        Assert.Equal(new WqlAnd(new WqlNot(Eq("A", 1)), Eq("B", 2)), q.Where);
    }

    [Fact]
    public void Parse_EventQuery_AllClauses()
    {
        var q = Assert.IsType<WqlEventQuery>(WqlParser.Parse(
            "SELECT * FROM EmailEvent WITHIN 0.5 WHERE Sender = \"MyBoss\" GROUP WITHIN 300 BY Importance, Sender.Name HAVING NumberOfEvents >= 5"));
        Assert.Equal("EmailEvent", q.EventClassName);
        Assert.Equal(TimeSpan.FromMilliseconds(500), q.Within);
        Assert.Equal(Eq("Sender", "MyBoss"), q.Where);
        Assert.Equal(TimeSpan.FromSeconds(300), q.GroupWithin);
        Assert.Equal([P("Importance"), P("Sender.Name")], q.GroupBy!);
        Assert.Equal(new WqlHaving(Op.GreaterOrEqual, 5), q.Having);
    }

    [Fact]
    public void Parse_EventQueryWithinOnly_IsEventWithAny()
    {
        var q = Assert.IsType<WqlEventQuery>(WqlParser.Parse("SELECT * FROM __InstanceCreationEvent WITHIN 1"));
        Assert.Equal(TimeSpan.FromSeconds(1), q.Within);
        Assert.Null(q.GroupWithin);
    }

    [Fact]
    public void Parse_SelectWithoutEventClauses_IsEventWhenEventExpected()
    {
        var q = Assert.IsType<WqlEventQuery>(WqlParser.Parse("SELECT * FROM MyExtrinsicEvent WHERE Level > 2", WqlQueryKind.Event));
        Assert.Null(q.Within);
        Assert.Equal(Cmp("Level", Op.Greater, I(2)), q.Where);
    }

    [Fact]
    public void Parse_SelectWithoutEventClauses_IsDataWithAny()
    {
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse("SELECT * FROM __InstanceCreationEvent"));
    }

    [Theory]
    [InlineData("1e-7", 1L)]
    [InlineData("0.0000001", 1L)]
    [InlineData("2.25", 22_500_000L)]
    [InlineData("0x10", 160_000_000L)]
    [InlineData("1E2", 1_000_000_000L)]
    public void Parse_Within_KeepsExactTicks(string seconds, long ticks)
    {
        var q = (WqlEventQuery)WqlParser.Parse($"SELECT * FROM E WITHIN {seconds}");
        Assert.Equal(TimeSpan.FromTicks(ticks), q.Within);
    }

    [Fact]
    public void Parse_GroupWithoutBy_HavingOnly()
    {
        var q = (WqlEventQuery)WqlParser.Parse("SELECT * FROM E GROUP WITHIN 3 HAVING NumberOfEvents > 5", WqlQueryKind.Event);
        Assert.Null(q.GroupBy);
        Assert.Equal(new WqlHaving(Op.Greater, 5), q.Having);
        Assert.False(q.Having!.IsSatisfiedBy(4));
        Assert.True(q.Having.IsSatisfiedBy(6));
    }

    [Fact]
    public void Parse_Associators_AllKeywords()
    {
        var q = Assert.IsType<WqlAssociatorsQuery>(WqlParser.Parse(
            "ASSOCIATORS OF {Win32_LogicalDisk.DeviceID=\"C:\"} WHERE AssocClass = A ResultClass = B ResultRole = C Role = D " +
            "RequiredAssocQualifier = E RequiredQualifier = F SchemaOnly KeysOnly"));
        Assert.Equal("Win32_LogicalDisk.DeviceID=\"C:\"", q.ObjectPath);
        Assert.Equal(("A", "B", "C", "D", "E", "F"), (q.AssocClass, q.ResultClass, q.ResultRole, q.Role, q.RequiredAssocQualifier, q.RequiredQualifier));
        Assert.True(q.SchemaOnly);
        Assert.True(q.KeysOnly);
        Assert.False(q.ClassDefsOnly);
    }

    [Fact]
    public void Parse_AssociatorsWithoutWhere_HasNoFilters()
    {
        var q = Assert.IsType<WqlAssociatorsQuery>(WqlParser.Parse("ASSOCIATORS OF {A}"));
        Assert.Equal(new WqlAssociatorsQuery("A"), q);
    }

    [Fact]
    public void Parse_AssociationKeywords_AreCaseInsensitive()
    {
        var q = WqlParser.Parse("associators of {win32_LogicalDisk=\"C:\"} where resultClass = Win32_Directory requiredQualifier = Dynamic");
        Assert.Equal(new WqlAssociatorsQuery("win32_LogicalDisk=\"C:\"", resultClass: "Win32_Directory", requiredQualifier: "Dynamic"), q);
    }

    [Fact]
    public void Parse_ObjectPath_KeepsQuotedBracesAndTrims()
    {
        var q = (WqlAssociatorsQuery)WqlParser.Parse("ASSOCIATORS OF {  C.K=\"}{\\\"x\"  } WHERE ClassDefsOnly");
        Assert.Equal("C.K=\"}{\\\"x\"", q.ObjectPath);
        Assert.True(q.ClassDefsOnly);
    }

    [Fact]
    public void Parse_References_Keywords()
    {
        var q = Assert.IsType<WqlReferencesQuery>(WqlParser.Parse("REFERENCES OF {myClass.keyVal=\"Value1\"} WHERE RequiredQualifier = myQual Role = R ResultClass = X KeysOnly"));
        Assert.Equal(new WqlReferencesQuery("myClass.keyVal=\"Value1\"", resultClass: "X", role: "R", requiredQualifier: "myQual", keysOnly: true), q);
    }

    [Fact]
    public void Parse_ReferencesSchemaOnly_IsValid()
    {
        var q = (WqlReferencesQuery)WqlParser.Parse("REFERENCES OF {myClass} WHERE SchemaOnly");
        Assert.True(q.SchemaOnly);
    }

    [Theory]
    [InlineData("SELECT Role, Within, Group, By, Having, Of, Associators, References FROM Within")]
    [InlineData("SELECT * FROM Group WHERE Group = 1 AND Within = 2 AND Role = 'x' AND Having IS NULL")]
    [InlineData("SELECT * FROM E WITHIN 5 WHERE Within > 1 GROUP WITHIN 5 BY Group, By")]
    [InlineData("ASSOCIATORS OF {A} WHERE Role = Role ResultClass = Within")]
    public void Parse_ContextualKeywords_WorkAsIdentifiers(string query)
    {
        var q = WqlParser.Parse(query);
        Assert.Equal(q, WqlParser.Parse(q.ToWql()));
    }

    [Fact]
    public void Parse_ContextualKeyword_KeepsItsSpelling()
    {
        var q = (WqlSelectQuery)WqlParser.Parse("SELECT * FROM C WHERE within = 2");
        Assert.Equal(Eq("within", 2), q.Where);
    }

    [Fact]
    public void Parse_NewlinesAndTabs_AreWhitespace()
    {
        var q = WqlParser.Parse("SELECT *\r\n\tFROM C\n WHERE\tP = 1");
        Assert.Equal(new WqlSelectQuery(null, "C", Eq("P", 1)), q);
    }

    [Fact]
    public void Parse_MaxLengthQuery_IsAccepted()
    {
        var head = "SELECT * FROM C WHERE P = \"";
        var text = head + new string('x', WqlParser.MaxQueryLength - head.Length - 1) + "\"";
        Assert.Equal(WqlParser.MaxQueryLength, text.Length);
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse(text));
    }

    [Fact]
    public void Parse_LogicalOperatorsAtLimit_AreAccepted()
    {
        var text = "SELECT * FROM C WHERE " + string.Join(" OR ", Enumerable.Repeat("A=1", WqlParser.MaxLogicalOperators + 1));
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse(text));
    }

    [Fact]
    public void Parse_NestingAtLimit_IsAccepted()
    {
        var depth = WqlParser.MaxNestingDepth;
        var text = "SELECT * FROM C WHERE " + new string('(', depth) + "A=1" + new string(')', depth);
        Assert.IsType<WqlSelectQuery>(WqlParser.Parse(text));
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => WqlParser.Parse(null!));
    }

    [Fact]
    public void Parse_TooLong_ThrowsInvalidParameter()
    {
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse("SELECT * FROM C" + new string(' ', WqlParser.MaxQueryLength)));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, ex.ErrorCode);
    }
}

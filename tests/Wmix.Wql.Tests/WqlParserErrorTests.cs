using Wmix.Cim;

namespace Wmix.Wql.Tests;

/// <summary>Bad queries: each case marks the expected error column with '§' (removed before parsing).</summary>
public sealed class WqlParserErrorTests
{
    private const WbemErrorEnum Invalid = WbemErrorEnum.wbemErrInvalidQuery;

    public static TheoryData<string, WqlQueryKind, WbemErrorEnum> Cases => new()
    {
        // Empty and junk.
        { "§", WqlQueryKind.Any, Invalid },
        { "   §", WqlQueryKind.Any, Invalid },
        { "§DELETE FROM C", WqlQueryKind.Any, Invalid },
        { "§42", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C §;", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = 1 §#", WqlQueryKind.Any, Invalid },
        { "SELECT §FROM C", WqlQueryKind.Any, Invalid },
        { "SELECT * §C", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM §", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM §NULL", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C §D", WqlQueryKind.Any, Invalid },
        { "SELECT *§, Name FROM C", WqlQueryKind.Any, Invalid },
        { "SELECT Name, §* FROM C", WqlQueryKind.Any, Invalid },
        { "SELECT Name, §FROM C", WqlQueryKind.Any, Invalid },
        { "SELECT A. §FROM C", WqlQueryKind.Any, Invalid },
        { "SELECT §TRUE FROM C", WqlQueryKind.Any, Invalid },
        // §7 vector 38: one class only.
        { "SELECT * FROM A§, B", WqlQueryKind.Any, Invalid },
        // §7 vector 33: IS takes NULL only.
        { "SELECT * FROM Win32_LogicalDisk WHERE DriveType IS §5", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM Win32_LogicalDisk WHERE FileSystem IS NOT §\"NTFS\"", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P IS §TRUE", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P IS §", WqlQueryKind.Any, Invalid },
        // §7 vector 34: property vs property, arithmetic, booleans with ordering operators.
        { "SELECT * FROM C WHERE A = §B", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM PhysicalDisk WHERE Partitions < §(4 + 7 - 2)", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = 4 §+ 7", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §SectorsPerTrack / 7", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM MyClass WHERE BoolProp §<= TRUE", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM MyClass WHERE BoolProp §> FALSE", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM MyClass WHERE TRUE §< BoolProp", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM win32_computersystem WHERE infraredsupported §>= null", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE 1 = §2", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE 1 §IS NULL", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE §", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P §", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P =§= 1", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = 1 AND §", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = 1 §P = 2", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE (P = 1 §", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = 1§)", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P §! 1", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE NULL §IS NULL", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE §AND = 1", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §'abc", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §\"abc\\\"", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §99999999999999999999", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §-9223372036854775809", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §0x1FFFFFFFFFFFFFFFF", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §1e", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §1e999", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §-", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE A. §= 1", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P ISA §Win32_Process", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P ISA §\"\"", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P LIKE §5", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P LIKE §\"[a-\"", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P NOT §= 1", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE 'x' §LIKE P", WqlQueryKind.Any, Invalid },
        // §8.15 / vector 47: starred datetimes only with = and <>.
        { "SELECT * FROM C WHERE P §> \"19980401135809.000000+***\"", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE \"19980416******.000000+***\" §<= P", WqlQueryKind.Any, Invalid },
        // Schema queries select * only.
        { "SELECT §__CLASS FROM meta_class", WqlQueryKind.Any, Invalid },
        // Data queries reject event clauses.
        { "SELECT * FROM E §WITHIN 5", WqlQueryKind.Data, Invalid },
        { "SELECT * FROM E §GROUP WITHIN 5", WqlQueryKind.Data, Invalid },
        { "SELECT * FROM E §HAVING NumberOfEvents > 1", WqlQueryKind.Data, Invalid },
        // Event queries.
        { "§ASSOCIATORS OF {A}", WqlQueryKind.Event, Invalid },
        { "§REFERENCES OF {A}", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E WITHIN §0", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E WITHIN §-1", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E WITHIN §0.00000001", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E WITHIN §x", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E WITHIN §", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E WHERE P = 1 §WITHIN 5", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 §WHERE P = 1", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN §2.5", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN §0", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN §4294967296", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP §5", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 HAVING §Count > 5", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 HAVING NumberOfEvents §LIKE 5", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 HAVING NumberOfEvents > §-1", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 HAVING NumberOfEvents > §4294967296", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 HAVING NumberOfEvents > §1.5", WqlQueryKind.Event, Invalid },
        { "SELECT * FROM E GROUP WITHIN 5 BY A, §", WqlQueryKind.Event, Invalid },
        // §7 vector 42: GROUP BY without GROUP WITHIN; empty BY list.
        { "SELECT * FROM E GROUP §BY X", WqlQueryKind.Event, WbemErrorEnum.wbemErrMissingGroupWithin },
        { "SELECT * FROM E WITHIN 5 GROUP §BY X", WqlQueryKind.Any, WbemErrorEnum.wbemErrMissingGroupWithin },
        { "SELECT * FROM E §HAVING NumberOfEvents > 1", WqlQueryKind.Event, WbemErrorEnum.wbemErrMissingGroupWithin },
        { "SELECT * FROM E GROUP WITHIN 5 BY §", WqlQueryKind.Event, WbemErrorEnum.wbemErrMissingAggregationList },
        { "SELECT * FROM E GROUP WITHIN 5 BY §HAVING NumberOfEvents > 1", WqlQueryKind.Event, WbemErrorEnum.wbemErrMissingAggregationList },
        // Associations (§7 vector 39).
        { "ASSOCIATORS OF {A.K=1} WHERE ResultClass = X §ClassDefsOnly", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A.K=1} WHERE ClassDefsOnly §ResultClass = X", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A.K=1} WHERE ResultClass = X §AND Role = Y", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A.K=1} WHERE ResultClass = X §OR Role = Y", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A.K=1} WHERE ResultClass = X§, Role = Y", WqlQueryKind.Any, Invalid },
        { "Associators of {win32_LogicalDisk=\"C:\"} where resultClass = Win32_Directory requiredQualifier §<> Dynamic", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE SchemaOnly §ClassDefsOnly", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE Role = X §Role = Y", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE KeysOnly §keysonly", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE §Colour = Red", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE §", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE Role = §\"X\"", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE Role = §", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE Role §", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} WHERE ClassDefsOnly §= 1", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF §A", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS §{A}", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF §{A", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF §{A.K=\"}}", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF §{  }", WqlQueryKind.Any, Invalid },
        { "ASSOCIATORS OF {A} §Role = X", WqlQueryKind.Any, Invalid },
        { "REFERENCES OF {A} WHERE §AssocClass = X", WqlQueryKind.Any, Invalid },
        { "REFERENCES OF {A} WHERE §ResultRole = X", WqlQueryKind.Any, Invalid },
        { "REFERENCES OF {A} WHERE §RequiredAssocQualifier = X", WqlQueryKind.Any, Invalid },
        { "REFERENCES OF {A} WHERE ResultClass = X §ClassDefsOnly", WqlQueryKind.Any, Invalid },
        { "SELECT * FROM C WHERE P = §{A}", WqlQueryKind.Any, Invalid },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_BadQuery_ThrowsWithCodeAndColumn(string marked, WqlQueryKind kind, WbemErrorEnum code)
    {
        var column = marked.IndexOf('§', StringComparison.Ordinal) + 1;
        var text = marked.Replace("§", "", StringComparison.Ordinal);
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse(text, kind));
        Assert.Equal((code, 1, column), (ex.ErrorCode, ex.Line, ex.Column));
        Assert.Equal((int)code, ex.HResult);
    }

    [Fact]
    public void Parse_TooManyLogicalOperators_ThrowsQuotaViolationAtTheExtraOperator()
    {
        var terms = Enumerable.Repeat("A=1", WqlParser.MaxLogicalOperators + 2).ToArray();
        var head = "SELECT * FROM C WHERE " + string.Join(" AND ", terms.Take(WqlParser.MaxLogicalOperators + 1));
        var text = head + " AND A=1";
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrQuotaViolation, ex.ErrorCode);
        Assert.Equal(head.Length + 2, ex.Column);
    }

    [Fact]
    public void Parse_TooDeepParentheses_ThrowsQuotaViolation()
    {
        var depth = WqlParser.MaxNestingDepth + 1;
        var text = "SELECT * FROM C WHERE " + new string('(', depth) + "A=1" + new string(')', depth);
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrQuotaViolation, ex.ErrorCode);
        Assert.Equal("SELECT * FROM C WHERE ".Length + depth, ex.Column);
    }

    [Fact]
    public void Parse_TooManyNots_ThrowsQuotaViolation()
    {
        var text = "SELECT * FROM C WHERE " + string.Concat(Enumerable.Repeat("NOT ", 3000)) + "A=1";
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrQuotaViolation, ex.ErrorCode);
    }

    [Fact]
    public void Parse_MaximalParenthesesWithinLength_ThrowsQuotaViolationNotStackOverflow()
    {
        var prefix = "SELECT * FROM C WHERE ";
        var text = prefix + new string('(', WqlParser.MaxQueryLength - prefix.Length);
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrQuotaViolation, ex.ErrorCode);
    }

    [Fact]
    public void Parse_HundredThousandParentheses_ThrowsInvalidParameter()
    {
        var text = "SELECT * FROM C WHERE " + new string('(', 100_000) + "A=1" + new string(')', 100_000);
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse(text));
        Assert.Equal(WbemErrorEnum.wbemErrInvalidParameter, ex.ErrorCode);
    }

    [Fact]
    public void Parse_Error_MessageNamesPositionAndToken()
    {
        var ex = Assert.Throws<WbemException>(() => WqlParser.Parse("SELECT * FROM C WHERE A = B"));
        Assert.Contains("column 27", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'B'", ex.Message, StringComparison.Ordinal);
    }
}

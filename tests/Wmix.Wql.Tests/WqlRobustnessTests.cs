using CsCheck;
using Wmix.Cim;

namespace Wmix.Wql.Tests;

/// <summary>
/// Hostile input: whatever the text, <see cref="WqlParser.Parse(string, WqlQueryKind)"/> returns a query or throws
/// <see cref="WbemException"/>, never anything else, and any query it returns round-trips through ToWql.
/// </summary>
public sealed class WqlRobustnessTests
{
    private static readonly string[] s_tokens =
    [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "NULL", "TRUE", "FALSE", "IS", "ISA", "LIKE", "WITHIN", "GROUP",
        "BY", "HAVING", "ASSOCIATORS", "REFERENCES", "OF", "AssocClass", "ResultClass", "ResultRole", "Role",
        "RequiredQualifier", "RequiredAssocQualifier", "ClassDefsOnly", "SchemaOnly", "KeysOnly", "NumberOfEvents",
        "meta_class", "__this", "TargetInstance", "Name", "C", "*", ",", ".", "(", ")", "=", "<", ">", "<=", ">=", "<>",
        "!=", "!", "{", "}", "{A.K=1}", "{C.K=\"}\"}", "\"", "'", "\"str\"", "'s\\'q'", "\"\\\\\"", "\"[a-\"", "\"%[_]%\"",
        "0", "1", "-1", "1.5", ".5", "1e3", "1e", "0x1F", "0x", "99999999999999999999", "18446744073709551615",
        "\"19980416******.000000+***\"", "+", "-", "/", ";", "#", "\\", "\0", "\u00e9", "\ud800", " ", "\t\n",
    ];

    private static readonly string[] s_seeds =
    [
        "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process' AND TargetInstance.Name LIKE 'ba%'",
        "SELECT Name, Handle FROM Win32_Process WHERE (Name = \"C:\" OR Name = 'D:') AND FreeSpace > 2000000 AND NOT B IS NULL",
        "SELECT * FROM EmailEvent WHERE Sender = \"MyBoss\" GROUP WITHIN 300 BY Importance HAVING NumberOfEvents > 5",
        "ASSOCIATORS OF {Win32_LogicalDisk.DeviceID=\"C:\"} WHERE ResultClass = Win32_Directory Role = GroupComponent KeysOnly",
        "REFERENCES OF {myClass} WHERE SchemaOnly RequiredQualifier = Q",
        "SELECT * FROM meta_class WHERE __this ISA \"Win32_BaseService\" AND __Class LIKE \"%[^a-f]_[x]\"",
        "SELECT * FROM C WHERE 5 < P AND Q <> 0x1F AND R = -1.5e3 AND S != TRUE AND T = \"19980416******.000000+***\"",
    ];

    private static void ParseSafely(string text, WqlQueryKind kind)
    {
        WqlQuery query;
        try
        {
            query = WqlParser.Parse(text, kind);
        }
        catch (WbemException ex)
        {
            Assert.True(ex.Column >= 1 && ex.Column <= Math.Max(text.Length + 1, WqlParser.MaxQueryLength + 1), $"column {ex.Column}");
            return;
        }
        // Whatever parses must format to text that parses back to the same tree (canonical spacing can push a
        // query near the limit past WBEM_MAX_QUERY; such text is out of the round-trip contract).
        var canonical = query.ToWql();
        if (canonical.Length <= WqlParser.MaxQueryLength)
        {
            Assert.Equal(query, WqlParser.Parse(canonical, query is WqlEventQuery ? WqlQueryKind.Event : kind));
        }
    }

    private static readonly Gen<WqlQueryKind> Kind = Gen.Enum<WqlQueryKind>();

    [Fact]
    public void Parse_RandomTokenSequences_OnlyThrowsWbemException()
    {
        var tokens = Gen.OneOf(s_tokens).Array[0, 30];
        var separator = Gen.OneOf(" ", "", "  ");
        Gen.Select(tokens, separator, Kind).Sample((t, sep, kind) => ParseSafely(string.Join(sep, t), kind), iter: 120_000);
    }

    [Fact]
    public void Parse_StructuredPrefixWithRandomTail_OnlyThrowsWbemException()
    {
        // Start like a real query so the generator reaches deep into the grammar.
        var prefix = Gen.OneOf("SELECT * FROM C WHERE ", "SELECT * FROM E WITHIN 1 WHERE ", "SELECT * FROM E GROUP WITHIN 5 ",
            "ASSOCIATORS OF {A} WHERE ", "REFERENCES OF {A} WHERE ", "SELECT A, B FROM C ");
        var tail = Gen.OneOf(s_tokens).Array[0, 20];
        Gen.Select(prefix, tail, Kind).Sample((p, t, kind) => ParseSafely(p + string.Join(' ', t), kind), iter: 60_000);
    }

    private enum Mutation
    {
        Truncate,
        Delete,
        Insert,
        Replace,
        Swap,
        Duplicate,
    }

    [Fact]
    public void Parse_MutatedValidQueries_OnlyThrowsWbemException()
    {
        var seed = Gen.Frequency(
            (1, Gen.OneOf(s_seeds)),
            (2, WqlGen.Query.Select(q => q.ToWql()).Where(t => t.Length <= 2000)));
        var mutation = Gen.Select(Gen.Enum<Mutation>(), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.OneOf(s_tokens));
        Gen.Select(seed, mutation.Array[1, 4], Kind).Sample((text, mutations, kind) =>
        {
            foreach (var (m, a, b, token) in mutations)
            {
                text = Mutate(text, m, a, b, token);
            }
            ParseSafely(text, kind);
        }, iter: 100_000);
    }

    private static string Mutate(string text, Mutation mutation, int a, int b, string token)
    {
        if (text.Length == 0)
        {
            return token;
        }
        var i = a % text.Length;
        var j = b % text.Length;
        (i, j) = (Math.Min(i, j), Math.Max(i, j));
        return mutation switch
        {
            Mutation.Truncate => text[..i],
            Mutation.Delete => text.Remove(i, Math.Min(j - i, 8)),
            Mutation.Insert => text.Insert(i, token),
            Mutation.Replace => text[..i] + token[..Math.Min(1, token.Length)] + text[(i + 1)..],
            Mutation.Swap => Swap(text, i, j),
            _ => text.Insert(i, text[i..j]),
        };
    }

    private static string Swap(string text, int i, int j)
    {
        var chars = text.ToCharArray();
        (chars[i], chars[j]) = (chars[j], chars[i]);
        return new string(chars);
    }

    [Fact]
    public void Parse_RandomCharacters_OnlyThrowsWbemException()
    {
        var alphabet = Gen.String[Gen.Char["SELCTFROMWHEand*,.()=<>!{}\"'\\%_[]^- 0123456789xeE+"], 0, 60];
        Gen.Select(Gen.Frequency((3, alphabet), (1, Gen.String)), Kind).Sample(ParseSafely, iter: 50_000);
    }

    public static TheoryData<string> Extremes => new()
    {
        { "SELECT * FROM C WHERE " + new string('(', 100_000) + "A=1" + new string(')', 100_000) },
        { "SELECT * FROM C WHERE " + new string('(', 16_000) },
        { "SELECT * FROM C WHERE " + new string(')', 16_000) },
        { "SELECT * FROM C WHERE " + string.Concat(Enumerable.Repeat("NOT ", 4000)) },
        { "SELECT * FROM C WHERE " + string.Concat(Enumerable.Repeat("(NOT ", 3000)) + "A=1" },
        { "SELECT * FROM C WHERE " + string.Join(" AND ", Enumerable.Repeat("A=1", 3000)) },
        { "SELECT * FROM C WHERE " + string.Join(" OR ", Enumerable.Repeat("(A=1 AND B=2)", 1000)) },
        { "SELECT * FROM C WHERE P = \"" + new string('x', 16_000) },
        { "SELECT * FROM C WHERE P = \"" + new string('\\', 16_000) + "\"" },
        { "SELECT * FROM C WHERE P LIKE \"" + new string('%', 16_000) + "\"" },
        { "SELECT * FROM C WHERE P LIKE \"" + new string('[', 16_000) + "\"" },
        { "SELECT * FROM C WHERE P = " + new string('9', 16_000) },
        { "SELECT * FROM C WHERE P = 0." + new string('9', 16_000) },
        { "SELECT * FROM C WHERE P = 1e" + new string('9', 16_000) },
        { "SELECT " + string.Join(",", Enumerable.Repeat("A", 8000)) + " FROM C" },
        { "SELECT * FROM " + new string('A', 16_000) },
        { "SELECT * FROM C WHERE " + string.Join(".", Enumerable.Repeat("A", 8000)) + " = 1" },
        { "ASSOCIATORS OF {" + new string('{', 16_000) },
        { "ASSOCIATORS OF {" + new string('{', 8_000) + new string('}', 8_000) },
        { "ASSOCIATORS OF {A." + new string('"', 16_000) + "}" },
        { "SELECT * FROM E GROUP WITHIN 5 BY " + string.Join(",", Enumerable.Repeat("A", 8000)) },
        { new string(' ', 16_384) },
        { new string('\0', 20_000) },
    };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void Parse_ExtremeInput_OnlyThrowsWbemException(string text)
    {
        foreach (var kind in Enum.GetValues<WqlQueryKind>())
        {
            ParseSafely(text, kind);
        }
    }
}

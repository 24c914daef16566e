using CsCheck;
using Wmix.Wql.Internal;

namespace Wmix.Wql.Tests;

/// <summary>CsCheck generators of valid WQL ASTs.</summary>
internal static class WqlGen
{
    private static readonly string[] s_names =
    [
        "A", "Name", "TargetInstance", "PreviousInstance", "__this", "__CLASS", "Role", "Within", "Group", "By", "Of",
        "Associators", "References", "NumberOfEvents", "ResultClass", "meta_classX", "x_1", "_",
    ];

    public static readonly Gen<string> Identifier = Gen.Frequency(
        (3, Gen.OneOf(s_names)),
        (2, Gen.Select(Gen.Char["ABCxyz_"], Gen.String[Gen.Char["abcXYZ019_"], 0, 8], (c, rest) => c + rest)
            .Where(WqlSyntax.IsValidIdentifier)));

    public static readonly Gen<WqlPropertyPath> Path = Identifier.Array[1, 3].Select(parts => new WqlPropertyPath(parts));

    private static readonly Gen<string> AnyString = Gen.Frequency(
        (3, Gen.String[Gen.Char["ab \"'\\%_[]^-*.:+019"], 0, 10]),
        (1, Gen.String),
        (1, Gen.OneOf("19980416******.000000+***", "19980401135809.000000+000", "")));

    public static readonly Gen<WqlLiteral> Literal = Gen.Frequency(
        (3, AnyString.Select(WqlLiteral.FromString)),
        (3, Gen.Long.Select(WqlLiteral.FromInt64)),
        (1, Gen.ULong[(ulong)long.MaxValue + 1, ulong.MaxValue].Select(WqlLiteral.FromUInt64)),
        (2, Gen.Double.Where(double.IsFinite).Select(WqlLiteral.FromDouble)),
        (1, Gen.Bool.Select(WqlLiteral.FromBoolean)));

    private static readonly Gen<WqlComparisonOperator> Operator = Gen.Enum<WqlComparisonOperator>();

    private static readonly Gen<string> LikePattern = Gen.String[Gen.Char["ab%_^-"], 0, 6]
        .SelectMany(prefix => Gen.OneOf("", "[a-f]", "[^x]", "[_]", "%")
        .Select(set => prefix + set));

    public static readonly Gen<WqlExpression> Predicate = Gen.Frequency<WqlExpression>(
        (4, Gen.Select(Path, Operator, Literal).Where((_, op, lit) => WqlComparison.Problem(op, lit) is null)
            .Select((p, op, lit) => (WqlExpression)new WqlComparison(p, op, lit))),
        (1, Gen.Select(Path, Gen.Bool).Select((p, n) => (WqlExpression)new WqlIsNull(p, n))),
        (1, Gen.Select(Path, AnyString.Where(s => s.Length > 0)).Select((p, c) => (WqlExpression)new WqlIsa(p, c))),
        (1, Gen.Select(Path, LikePattern).Select((p, pat) => (WqlExpression)new WqlLike(p, pat))));

    public static Gen<WqlExpression> Expression(int depth) => depth == 0
        ? Predicate
        : Gen.Frequency<WqlExpression>(
            (3, Predicate),
            (2, Gen.Select(Expression(depth - 1), Expression(depth - 1)).Select((l, r) => (WqlExpression)new WqlAnd(l, r))),
            (2, Gen.Select(Expression(depth - 1), Expression(depth - 1)).Select((l, r) => (WqlExpression)new WqlOr(l, r))),
            (1, Expression(depth - 1).Select(e => (WqlExpression)new WqlNot(e))));

    public static readonly Gen<WqlExpression> Condition = Expression(5);

    private static readonly Gen<WqlPropertyPath[]?> SelectList = Gen.Frequency(
        (1, Gen.Const(default(WqlPropertyPath[]?))),
        (2, Path.Array[1, 4].Select(a => (WqlPropertyPath[]?)a)));

    private static readonly Gen<WqlExpression?> OptionalCondition = Gen.Frequency(
        (1, Gen.Const(default(WqlExpression?))),
        (3, Condition.Select(e => (WqlExpression?)e)));

    public static readonly Gen<WqlQuery> Select = Gen.Frequency<WqlQuery>(
        (4, Gen.Select(SelectList, Identifier, OptionalCondition).Select((l, c, w) => (WqlQuery)new WqlSelectQuery(l, c, w))),
        (1, OptionalCondition.Select(w => (WqlQuery)new WqlSelectQuery(null, "meta_class", w))));

    private static readonly Gen<TimeSpan?> Within = Gen.Frequency(
        (1, Gen.Const(default(TimeSpan?))),
        (2, Gen.Long[1, TimeSpan.MaxValue.Ticks].Select(t => (TimeSpan?)TimeSpan.FromTicks(t))),
        (2, Gen.Int[1, 600].Select(s => (TimeSpan?)TimeSpan.FromSeconds(s))));

    private static readonly Gen<(TimeSpan?, WqlPropertyPath[]?, WqlHaving?)> Group = Gen.Frequency(
        (1, Gen.Const(((TimeSpan?)null, (WqlPropertyPath[]?)null, (WqlHaving?)null))),
        (2, Gen.Select(
            Gen.UInt[1, uint.MaxValue],
            Gen.Frequency((1, Gen.Const(default(WqlPropertyPath[]?))), (2, Path.Where(p => !string.Equals(p.Parts[0], "Having", StringComparison.OrdinalIgnoreCase)).Array[1, 3].Select(a => (WqlPropertyPath[]?)a))),
            Gen.Frequency((1, Gen.Const(default(WqlHaving?))), (2, Gen.Select(Operator, Gen.UInt).Select((op, v) => (WqlHaving?)new WqlHaving(op, v)))))
            .Select((s, by, h) => ((TimeSpan?)TimeSpan.FromSeconds(s), by, h))));

    public static readonly Gen<WqlQuery> Event =
        Gen.Select(SelectList, Identifier, Within, OptionalCondition, Group)
            .Select((l, c, within, w, g) => (WqlQuery)new WqlEventQuery(l, c, within, w, g.Item1, g.Item2, g.Item3));

    private static readonly Gen<string> ObjectPath = Gen.OneOf(
        "A", "Win32_LogicalDisk.DeviceID=\"C:\"", "C.K=\"}{\"", "\\\\SERVER\\root\\cimv2:C.K=1", "C.K='x\\'y'",
        "C.A=1,B=\"two\"", "myClass", "S=@", "C.K=\"{nested}\"");

    private static readonly Gen<string?> OptionalIdentifier = Gen.Frequency(
        (2, Gen.Const(default(string?))),
        (1, Identifier.Select(s => (string?)s)));

    private static readonly Gen<(bool ClassDefs, bool Schema, bool Keys)> Flags =
        Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool).Where((c, s, _) => !(c && s));

    public static readonly Gen<WqlQuery> Associators =
        Gen.Select(ObjectPath, OptionalIdentifier.Array[6, 6], Flags)
            .Select((path, ids, flags) => (WqlQuery)new WqlAssociatorsQuery(path, ids[0], flags.ClassDefs ? null : ids[1], ids[2], ids[3], ids[4], ids[5],
                flags.ClassDefs, flags.Schema, flags.Keys));

    public static readonly Gen<WqlQuery> References =
        Gen.Select(ObjectPath, OptionalIdentifier.Array[3, 3], Flags)
            .Select((path, ids, flags) => (WqlQuery)new WqlReferencesQuery(path, flags.ClassDefs ? null : ids[0], ids[1], ids[2],
                flags.ClassDefs, flags.Schema, flags.Keys));

    public static readonly Gen<WqlQuery> Query = Gen.Frequency(
        (3, Select), (3, Event), (1, Associators), (1, References));

    /// <summary>The kind to parse a query's canonical text with so that it comes back as the same node type.</summary>
    public static WqlQueryKind KindOf(WqlQuery query) => query is WqlEventQuery ? WqlQueryKind.Event : WqlQueryKind.Any;
}

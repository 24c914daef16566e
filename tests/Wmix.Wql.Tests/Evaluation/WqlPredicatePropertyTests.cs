using CsCheck;
using Wmix.Cim;
using static Wmix.Wql.Tests.Evaluation.EvalSchema;

namespace Wmix.Wql.Tests.Evaluation;

/// <summary>Compiled evaluation against the reference interpreter, and robustness on arbitrary trees.</summary>
public sealed class WqlPredicatePropertyTests
{
    private static readonly Gen<object?> DateTimes = Gen.OneOf<object?>(
        Gen.Const<object?>("20240115103000.000000+000"), Gen.Const<object?>("20240115113000.000000+060"),
        Gen.Const<object?>("19980401135809.000000+***"), Gen.Const<object?>("00000001120032.000000:000"),
        Gen.Const<object?>("19320121000000.000000+000"));

    private static readonly Gen<object?> References = Gen.OneOf<object?>(
        Gen.Const<object?>("Base.Size=1"), Gen.Const<object?>("\\\\SRV\\root\\cimv2:base.size=1"),
        Gen.Const<object?>("Derived.Size=2"), Gen.Const<object?>("not a path"));

    private static readonly Gen<object?> Null = Gen.Const(0).Select(_ => (object?)null);

    private static Gen<object?> OrNull<T>(Gen<T> gen) =>
        Gen.Frequency((1, Null), (4, gen.Select(v => (object?)v)));

    private static readonly Gen<CimInstance> Embedded = Gen.Select(
        Gen.OneOf(Gen.Const(Base), Gen.Const(Derived), Gen.Const(Derived2), Gen.Const(Unrelated)),
        Gen.UInt[0, 5]).Select((c, size) => New(c, ("Size", size)));

    private static readonly Gen<CimObject> Objects = Gen.Select(
        Gen.Select(OrNull(Gen.SByte), OrNull(Gen.Byte), OrNull(Gen.Short), OrNull(Gen.UShort), OrNull(Gen.Int[-10, 10]),
            OrNull(Gen.OneOf(Gen.UInt[0, 10], Gen.UInt))),
        Gen.Select(OrNull(Gen.Long), OrNull(Gen.OneOf(Gen.ULong[0, 10], Gen.ULong)),
            OrNull(Gen.OneOf(Gen.Float[-10, 10], Gen.Const(0.1f), Gen.Const(float.NaN))),
            OrNull(Gen.OneOf(Gen.Double[-10, 10], Gen.Const(0.1), Gen.Const(1e300), Gen.Const(double.NaN))), OrNull(Gen.Bool)),
        Gen.Select(OrNull(Gen.OneOf(Gen.String[Gen.Char["abcABC7 "], 0, 4], Gen.Const("7"), Gen.Const("Cat"))),
            OrNull(Gen.Char["aAbB7_"]), OrNull(DateTimes), OrNull(References), OrNull(Embedded)),
        Gen.Int[0, 2])
        .Select((ints, more, text, kind) =>
        {
            var cls = kind switch { 0 => All, 1 => AllSub, _ => Other };
            var obj = cls.SpawnInstance();
            if (kind == 2)
            {
                obj["Str"] = ints.Item6;
                obj["U32"] = text.Item1;
                return (CimObject)obj;
            }
            obj["S8"] = ints.Item1;
            obj["U8"] = ints.Item2;
            obj["S16"] = ints.Item3;
            obj["U16"] = ints.Item4;
            obj["S32"] = ints.Item5;
            obj["U32"] = ints.Item6;
            obj["S64"] = more.Item1;
            obj["U64"] = more.Item2;
            obj["R32"] = more.Item3;
            obj["R64"] = more.Item4;
            obj["B"] = more.Item5;
            obj["Str"] = text.Item1;
            obj["C16"] = text.Item2;
            obj["Dt"] = text.Item3;
            obj["Ref"] = text.Item4;
            obj["Emb"] = text.Item5;
            return obj;
        });

    private static readonly Gen<WqlPropertyPath> Paths = Gen.OneOf(
        [.. ScalarNames.Concat(["Emb.Size", "Emb.Extra", "Emb.NoSuch", "__CLASS", "__GENUS", "Emb.__CLASS", "str", "NoSuch", "Arr"])
            .Select(n => Gen.Const(new WqlPropertyPath(n.Split('.'))))]);

    private static readonly Gen<WqlLiteral> Literals = Gen.Frequency(
        (4, Gen.OneOf(Gen.Long[-300, 300], Gen.Long, Gen.OneOf(Gen.Const(0L), Gen.Const(1L), Gen.Const(-1L), Gen.Const(65L)))
            .Select(WqlLiteral.FromInt64)),
        (1, Gen.ULong[(ulong)long.MaxValue + 1, ulong.MaxValue].Select(WqlLiteral.FromUInt64)),
        (2, Gen.OneOf(Gen.Double[-300, 300], Gen.Const(0.1), Gen.Const(7.0), Gen.Const(1e300)).Select(WqlLiteral.FromDouble)),
        (1, Gen.Bool.Select(WqlLiteral.FromBoolean)),
        (4, Gen.OneOf(
                Gen.String[Gen.Char["abcABC7 "], 0, 4],
                Gen.OneOf(Gen.Const("7"), Gen.Const(" 7 "), Gen.Const("0x7"), Gen.Const("1.5"), Gen.Const("true"), Gen.Const("Cat"),
                    Gen.Const("a"), Gen.Const("B"), Gen.Const("-1"), Gen.Const("1e3")),
                DateTimes.Select(o => (string)o!), References.Select(o => (string)o!),
                Gen.OneOf(Gen.Const("Jan 15 2024"), Gen.Const("2024-01-15"), Gen.Const("20240115103000.000000+***")))
            .Select(WqlLiteral.FromString)));

    private static readonly Gen<WqlExpression> Leaves = Gen.Frequency<WqlExpression>(
        (6, Gen.Select(Paths, Gen.Enum<WqlComparisonOperator>(), Literals)
            .Where((_, op, lit) => WqlComparison.Problem(op, lit) is null)
            .Select((p, op, lit) => (WqlExpression)new WqlComparison(p, op, lit))),
        (1, Gen.Select(Paths, Gen.Bool).Select((p, n) => (WqlExpression)new WqlIsNull(p, n))),
        (1, Gen.Select(Gen.OneOf(Gen.Const(new WqlPropertyPath("Emb")), Gen.Const(new WqlPropertyPath("Ref")), Gen.Const(new WqlPropertyPath("__this"))),
                Gen.OneOf(Gen.Const("Base"), Gen.Const("derived"), Gen.Const("Unrelated"), Gen.Const("EvalAll")))
            .Select((p, c) => (WqlExpression)new WqlIsa(p, c))),
        (1, Gen.Select(Gen.OneOf(Gen.Const(new WqlPropertyPath("Str")), Gen.Const(new WqlPropertyPath("C16")), Gen.Const(new WqlPropertyPath("Dt"))),
                Gen.OneOf(Gen.Const("%"), Gen.Const("c%"), Gen.Const("[a-c]"), Gen.Const("_"), Gen.Const("2024%"), Gen.Const("%A%")))
            .Select((p, pat) => (WqlExpression)new WqlLike(p, pat))));

    private static Gen<WqlExpression> Trees(int depth) => depth == 0
        ? Leaves
        : Gen.Frequency<WqlExpression>(
            (3, Leaves),
            (2, Gen.Select(Trees(depth - 1), Trees(depth - 1)).Select((l, r) => (WqlExpression)new WqlAnd(l, r))),
            (2, Gen.Select(Trees(depth - 1), Trees(depth - 1)).Select((l, r) => (WqlExpression)new WqlOr(l, r))),
            (2, Trees(depth - 1).Select(e => (WqlExpression)new WqlNot(e))));

    [Fact]
    public void Evaluate_RandomTreesAndObjects_EqualsReferenceInterpreter()
    {
        int matched = 0, typedCompiled = 0, total = 0;
        Gen.Select(Trees(4), Objects).Sample((where, obj) =>
        {
            Interlocked.Increment(ref total);
            var expected = ReferenceInterpreter.Matches(where, obj);
            if (expected)
            {
                Interlocked.Increment(ref matched);
            }
            WqlPredicate untyped;
            try
            {
                untyped = WqlPredicate.Compile(where, null);
            }
            catch (WbemException e) when (e.ErrorCode == WbemErrorEnum.wbemErrInvalidQuery)
            {
                return; // __this misused or a system property given a constant of the wrong kind
            }
            Assert.Equal(expected, untyped.Evaluate(obj));
            try
            {
                var typed = WqlPredicate.Compile(where, All);
                Interlocked.Increment(ref typedCompiled);
                Assert.Equal(expected, typed.Evaluate(obj));
                Assert.Equal(expected, typed.Evaluate(obj)); // again, through the compatible-class cache
            }
            catch (WbemException e) when (e.ErrorCode == WbemErrorEnum.wbemErrInvalidQuery)
            {
                // A type error against EvalAll; the untyped result above still had to match.
            }
        }, iter: 20_000);
        // The generators must exercise both outcomes and the typed path, or the comparison proves little.
        Assert.InRange(matched, total / 10, total * 9 / 10);
        Assert.True(typedCompiled > total / 10, $"only {typedCompiled} of {total} trees compiled against EvalAll");
    }

    [Fact]
    public void Evaluate_ArbitraryTrees_NeverThrows()
    {
        Gen.Select(WqlGen.Condition, Objects, Gen.Bool).Sample((where, obj, typed) =>
        {
            WqlPredicate predicate;
            try
            {
                predicate = WqlPredicate.Compile(where, typed ? All : null);
            }
            catch (WbemException e) when (e.ErrorCode is WbemErrorEnum.wbemErrInvalidQuery)
            {
                return;
            }
            predicate.Evaluate(obj);
            predicate.Evaluate(New(Event, ("TargetInstance", obj)));
            predicate.Evaluate(obj.Class);
        }, iter: 20_000);
    }
}

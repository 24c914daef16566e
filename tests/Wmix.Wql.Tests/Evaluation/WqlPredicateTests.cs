using Wmix.Cim;
using static Wmix.Wql.Tests.Evaluation.EvalSchema;

namespace Wmix.Wql.Tests.Evaluation;

public sealed class WqlPredicateTests
{
    internal static WqlExpression Where(string condition) =>
        ((WqlSelectQuery)WqlParser.Parse("SELECT * FROM X WHERE " + condition, WqlQueryKind.Data)).Where!;

    /// <summary>Evaluates compiled against the object's class and without a class; both must agree.</summary>
    internal static bool Eval(string condition, CimObject obj)
    {
        var where = Where(condition);
        var typed = WqlPredicate.Compile(where, obj.Class).Evaluate(obj);
        var untyped = WqlPredicate.Compile(where, null).Evaluate(obj);
        Assert.Equal(typed, untyped);
        return typed;
    }

    internal static WbemException CompileError(string condition, CimClass cls) =>
        Assert.Throws<WbemException>(() => WqlPredicate.Compile(Where(condition), cls));

    [Fact]
    public void True_NoWhere_MatchesEverything()
    {
        Assert.True(WqlPredicate.True.Evaluate(New(All)));
        Assert.Null(WqlPredicate.True.Expression);
        Assert.Same(WqlPredicate.True, WqlPredicate.Compile(null, All));
    }

    [Fact]
    public void Expression_Compiled_IsTheInput()
    {
        var where = Where("Str = 'x'");
        Assert.Same(where, WqlPredicate.Compile(where, All).Expression);
    }

    [Fact]
    public void Evaluate_NullObject_Throws() =>
        Assert.Throws<ArgumentNullException>(() => WqlPredicate.Compile(Where("Str = 'x'"), All).Evaluate(null!));

    // Vector 34: case-insensitive strings.
    [Theory]
    [InlineData("Str = 'cat'", true)]
    [InlineData("Str = \"CAT\"", true)]
    [InlineData("Str = 'cAt'", true)]
    [InlineData("Str <> 'cat'", false)]
    [InlineData("Str != 'dog'", true)]
    [InlineData("Str < 'CAU'", true)]
    [InlineData("Str > 'cas'", true)]
    [InlineData("Str >= 'CAT'", true)]
    [InlineData("Str <= 'ca'", false)]
    [InlineData("'cat' = Str", true)]
    [InlineData("'cau' > Str", true)]
    public void String_Compare_CaseInsensitive(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("Str", "Cat"))));

    [Theory]
    [InlineData("S8 = -5", true)]
    [InlineData("S8 < 0", true)]
    [InlineData("S8 = 251", false)]
    [InlineData("U8 = 251", true)]
    [InlineData("U8 = -5", false)]
    [InlineData("U8 > -5", true)]
    [InlineData("U8 <> -5", true)]
    [InlineData("S64 = -1", true)]
    [InlineData("S64 < 18446744073709551615", true)]
    [InlineData("U64 = 18446744073709551615", true)]
    [InlineData("U64 > -1", true)]
    [InlineData("U64 = -1", false)]
    [InlineData("U64 > 9223372036854775807", true)]
    [InlineData("S32 = 7.0", true)]
    [InlineData("S32 < 7.5", true)]
    [InlineData("S32 > 6.5", true)]
    [InlineData("S32 = 7.5", false)]
    [InlineData("S32 <= 7.0000001", true)]
    [InlineData("S32 >= 7.0000001", false)]
    [InlineData("S32 = '7'", true)]
    [InlineData("S32 = ' 7 '", true)]
    [InlineData("S32 = '0x7'", true)]
    [InlineData("S32 < '7.5'", true)]
    [InlineData("U32 = 4000000000", true)]
    [InlineData("U32 = 0xEE6B2800", true)]
    [InlineData("U32 > 1e9", true)]
    [InlineData("U32 > 1e308", false)]
    [InlineData("U32 > -1e308", true)]
    [InlineData("S16 = TRUE", true)]
    [InlineData("U16 = FALSE", true)]
    public void Integer_Compare_ExactAcrossWidthsAndSigns(string condition, bool expected)
    {
        var obj = New(All, ("S8", (sbyte)-5), ("U8", (byte)251), ("S16", (short)1), ("U16", (ushort)0),
            ("S32", 7), ("U32", 4_000_000_000u), ("S64", -1L), ("U64", ulong.MaxValue));
        Assert.Equal(expected, Eval(condition, obj));
    }

    [Theory]
    [InlineData("R32 = 0.1", true)]
    [InlineData("R32 > 0.1", false)]
    [InlineData("R32 = '0.1'", true)]
    [InlineData("R64 = 0.1", true)]
    [InlineData("R64 < 1", true)]
    [InlineData("R64 > 0", true)]
    [InlineData("R64 = 1e-1", true)]
    [InlineData("R32 < 16777217", true)]
    public void Real_Compare_ConstantConvertedToPropertyType(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("R32", 0.1f), ("R64", 0.1))));

    [Fact]
    public void Real_NaN_IsUnknown()
    {
        var obj = New(All, ("R64", double.NaN), ("R32", float.NaN));
        Assert.False(Eval("R64 = 1", obj));
        Assert.False(Eval("R64 <> 1", obj));
        Assert.False(Eval("NOT R32 < 1", obj));
    }

    // Vector 34 and spec §8.5.
    [Theory]
    [InlineData("B = TRUE", true)]
    [InlineData("B = 1", true)]
    [InlineData("B = -1", true)]
    [InlineData("B = 2", true)]
    [InlineData("B != FALSE", true)]
    [InlineData("B <> FALSE", true)]
    [InlineData("B = 0", false)]
    [InlineData("B = FALSE", false)]
    [InlineData("B != 1", false)]
    [InlineData("B = 'true'", true)]
    [InlineData("B = 'FALSE'", false)]
    [InlineData("B = '1'", true)]
    public void Boolean_Compare_TrueIsAnyNonZero(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("B", true))));

    [Fact]
    public void Boolean_FalseProperty_MatchesZeroAndFalse()
    {
        var obj = New(All, ("B", false));
        Assert.True(Eval("B = 0", obj));
        Assert.True(Eval("B = FALSE", obj));
        Assert.True(Eval("B != TRUE", obj));
        Assert.False(Eval("B = -1", obj));
    }

    [Theory]
    [InlineData("C16 = 'a'", true)]
    [InlineData("C16 = 'A'", true)]
    [InlineData("C16 = 65", true)]
    [InlineData("C16 = 97", false)]
    [InlineData("C16 < 'b'", true)]
    [InlineData("C16 > 64", true)]
    [InlineData("C16 LIKE '[a-c]'", true)]
    public void Char16_Compare_WithOneCharStringOrCode(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("C16", 'A'))));

    [Theory]
    [InlineData("Dt = '20240115103000.000000+000'", true)]
    [InlineData("Dt = '20240115113000.000000+060'", true)] // same instant, other offset
    [InlineData("Dt < '20240115103000.000001+000'", true)]
    [InlineData("Dt > '20240115103000.000000-001'", false)]
    [InlineData("Dt >= 'Jan 15 2020'", true)]
    [InlineData("Dt < '2025-01-01'", true)]
    [InlineData("Dt > '2024/01/16'", false)]
    [InlineData("Dt = '20240115103000.000000+***'", false)] // §8.15: stars are literal, never wildcards
    [InlineData("Dt <> '20240115103000.000000+***'", true)]
    [InlineData("Dt = '2024011510****.******+000'", false)]
    [InlineData("Dt LIKE '2024%'", true)]
    public void DateTime_Compare_Chronological(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("Dt", "20240115103000.000000+000"))));

    [Fact]
    public void DateTime_StarredStored_MatchesOnlyTheSameLiteral()
    {
        var obj = New(All, ("Dt", "19980401135809.000000+***"));
        Assert.True(Eval("Dt = '19980401135809.000000+***'", obj));
        Assert.False(Eval("Dt = '19980401135809.000000+000'", obj));
        Assert.False(Eval("Dt < '19990401135809.000000+000'", obj)); // no order with a wildcard: UNKNOWN
        Assert.False(Eval("NOT Dt < '19990401135809.000000+000'", obj));
    }

    [Fact]
    public void DateTime_Interval_ComparesByDuration()
    {
        var obj = New(All, ("Dt", "00000001120032.000000:000"));
        Assert.True(Eval("Dt > '00000001000000.000000:000'", obj));
        Assert.True(Eval("Dt = '00000001120032.000000:000'", obj));
        Assert.False(Eval("Dt = '20240115103000.000000+000'", obj));
    }

    [Theory]
    [InlineData("Ref = 'Base.Size=1'", true)]
    [InlineData("Ref = 'base.size=1'", true)]
    [InlineData("Ref = 'Base.Size=2'", false)]
    [InlineData("Ref = '\\\\\\\\SRV\\\\root\\\\cimv2:Base.Size=1'", true)]
    [InlineData("Ref = '\\\\\\\\OTHER\\\\root\\\\cimv2:Base.Size=1'", false)]
    [InlineData("Ref <> 'Base.Size=2'", true)]
    [InlineData("Ref = 'not a path at all'", false)]
    [InlineData("Ref ISA 'Base'", true)]
    [InlineData("Ref ISA 'Derived'", false)]
    [InlineData("Ref LIKE '%Size=1'", true)]
    public void Reference_Compare_AsObjectPaths(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("Ref", "\\\\SRV\\root\\cimv2:BASE.Size=1"))));

    [Fact]
    public void Reference_UnparsableStored_ComparesAsText()
    {
        var obj = New(All, ("Ref", "not a path"));
        Assert.True(Eval("Ref = 'NOT A PATH'", obj));
        Assert.False(Eval("Ref = 'Base.Size=1'", obj));
    }

    [Fact]
    public void Reference_KeyOrderAndQuoting_DoNotMatter()
    {
        var obj = New(All, ("Ref", "C.IntVal=33,StrVal=\"AAA\""));
        Assert.True(Eval("Ref = 'c.strval=\"AAA\",intval=33'", obj));
    }

    // NULL and three-valued logic.
    [Theory]
    [InlineData("U32 = 5", false)]
    [InlineData("U32 <> 5", false)]
    [InlineData("NOT (U32 = 5)", false)]
    [InlineData("NOT (U32 <> 5)", false)]
    [InlineData("NOT U32 > 5", false)]
    [InlineData("U32 IS NULL", true)]
    [InlineData("U32 IS NOT NULL", false)]
    [InlineData("NOT U32 IS NULL", false)]
    [InlineData("U32 = NULL", true)]
    [InlineData("U32 <> NULL", false)]
    [InlineData("Str LIKE '%'", false)]
    [InlineData("NOT Str LIKE 'x%'", false)]
    [InlineData("Emb ISA 'Base'", false)]
    [InlineData("NOT Emb ISA 'Base'", false)]
    [InlineData("U32 = 5 OR Str IS NULL", true)]
    [InlineData("NOT (U32 = 5 AND Id = 1)", true)]  // UNKNOWN AND FALSE is FALSE, NOT gives TRUE
    [InlineData("NOT (U32 = 5 OR Id = 1)", false)]  // UNKNOWN OR FALSE is UNKNOWN
    [InlineData("NOT (U32 = 5 OR Id = 2)", false)]  // UNKNOWN OR TRUE is TRUE
    [InlineData("NOT NOT (Id = 2)", true)]
    [InlineData("Emb.Size IS NULL", true)]          // a path through a NULL object is NULL
    [InlineData("Emb.Size = 1", false)]
    public void Null_ThreeValuedLogic(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(All, ("Id", 2u))));

    // Vector 37: a property an embedded object lacks is no error and no match.
    [Theory]
    [InlineData("Emb.NoSuchProp = 1", false)]
    [InlineData("Emb.NoSuchProp <> 1", false)]
    [InlineData("NOT Emb.NoSuchProp = 1", false)]
    [InlineData("Emb.NoSuchProp IS NULL", false)]
    [InlineData("Emb.NoSuchProp IS NOT NULL", false)]
    [InlineData("Emb.Size = 3", true)]
    [InlineData("Emb.Size > '2'", true)]
    [InlineData("Emb.Extra = 'e'", true)]
    [InlineData("Emb.__CLASS = 'derived'", true)]
    [InlineData("Emb.__SUPERCLASS = 'Base'", true)]
    [InlineData("Emb.__DYNASTY = 'Base'", true)]
    [InlineData("Emb.Size.Deeper = 1", false)]
    public void EmbeddedPath_MissingProperty_IsNoMatch(string condition, bool expected)
    {
        var emb = New(Derived, ("Size", 3u), ("Extra", "e"));
        Assert.Equal(expected, Eval(condition, New(All, ("Emb", emb))));
    }

    // Vector 35 at evaluator level.
    [Theory]
    [InlineData("%[_][_]%", "__Event", true)]
    [InlineData("%[_][_]%", "_Event", false)]
    [InlineData("a_c", "abc", true)]
    [InlineData("a_c", "ac", false)]
    [InlineData("[a-f]%", "cat", true)]
    [InlineData("[a-f]%", "xcat", false)]
    [InlineData("[^a-f]%", "cat", false)]
    [InlineData("[^a-f]%", "xcat", true)]
    [InlineData("CAT", "cat", true)]
    public void Like_Vector35(string pattern, string value, bool expected)
    {
        var obj = New(All, ("Str", value));
        Assert.Equal(expected, Eval($"Str LIKE '{pattern}'", obj));
        Assert.Equal(!expected, Eval($"NOT Str LIKE '{pattern}'", obj));
    }

    // Vector 36: __CLASS restricts to the class exactly.
    [Fact]
    public void Class_SystemProperty_ExcludesSubclassInstances()
    {
        var predicate = WqlPredicate.Compile(Where("__CLASS = \"Base\""), Base);
        Assert.True(predicate.Evaluate(New(Base)));
        Assert.False(predicate.Evaluate(New(Derived)));
        Assert.True(WqlPredicate.Compile(Where("__CLASS = \"derived\""), Base).Evaluate(New(Derived)));
    }

    [Theory]
    [InlineData("__GENUS = 2", true)]
    [InlineData("__GENUS = 1", false)]
    [InlineData("__SUPERCLASS = 'EvalAll'", true)]
    [InlineData("__DYNASTY = 'EvalAll'", true)]
    [InlineData("__PROPERTY_COUNT = 19", true)]
    [InlineData("__RELPATH = 'EvalAllSub.Id=5'", true)]
    [InlineData("__RELPATH LIKE 'EvalAllSub.%'", true)]
    [InlineData("__PATH IS NULL", true)]
    [InlineData("__SERVER IS NULL", true)]
    public void SystemProperties_OnInstance(string condition, bool expected) =>
        Assert.Equal(expected, Eval(condition, New(AllSub, ("Id", 5u))));

    [Fact]
    public void SystemProperties_OnLocatedInstance()
    {
        var obj = New(All, ("Id", 1u)).WithLocation("SRV", "root\\cimv2");
        Assert.True(Eval("__SERVER = 'srv'", obj));
        Assert.True(Eval("__NAMESPACE = 'ROOT\\\\CIMV2'", obj));
        Assert.True(Eval("__PATH LIKE '\\\\\\\\SRV\\\\root\\\\cimv2:EvalAll.Id=1'", obj));
    }

    // Schema queries: __this ISA on class objects; the target class is not known (meta_class).
    [Fact]
    public void SchemaQuery_ThisIsa_MatchesClassAndSubclasses()
    {
        var predicate = WqlPredicate.Compile(Where("__this ISA 'Derived'"), null);
        Assert.False(predicate.Evaluate(Base));
        Assert.True(predicate.Evaluate(Derived));
        Assert.True(predicate.Evaluate(Derived2));
        Assert.False(predicate.Evaluate(Unrelated));
        var byClass = WqlPredicate.Compile(Where("__this ISA 'Base' AND __CLASS <> 'Base' AND __SUPERCLASS = 'Derived'"), null);
        Assert.True(byClass.Evaluate(Derived2));
        Assert.False(byClass.Evaluate(Derived));
        Assert.True(WqlPredicate.Compile(Where("__GENUS = 1 AND __CLASS LIKE 'Deriv%'"), null).Evaluate(Derived));
    }

    [Fact]
    public void DataQuery_IsaOnEmbeddedObject_TestsItsClassChain()
    {
        var predicate = WqlPredicate.Compile(Where("Emb ISA 'Base'"), All);
        Assert.True(predicate.Evaluate(New(All, ("Emb", New(Base)))));
        Assert.True(predicate.Evaluate(New(All, ("Emb", New(Derived2)))));
        Assert.False(predicate.Evaluate(New(All, ("Emb", New(Unrelated)))));
        Assert.True(WqlPredicate.Compile(Where("NOT Emb ISA 'Base'"), All).Evaluate(New(All, ("Emb", New(Unrelated)))));
        // An embedded class object works too.
        Assert.True(predicate.Evaluate(New(All, ("Emb", Derived))));
    }

    // Vectors 43 and 44 at evaluator level.
    [Fact]
    public void EventQuery_TargetInstanceIsa_MatchesSubclassesAndReadsBothStates()
    {
        var where = WqlParser.Parse(
            "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Base' AND TargetInstance.Size = 2 AND PreviousInstance.Size = 1",
            WqlQueryKind.Event) as WqlEventQuery;
        var predicate = WqlPredicate.Compile(where!.Where, Event);
        Assert.True(predicate.Evaluate(New(Event, ("TargetInstance", New(Derived, ("Size", 2u))), ("PreviousInstance", New(Derived, ("Size", 1u))))));
        Assert.True(predicate.Evaluate(New(Event, ("TargetInstance", New(Base, ("Size", 2u))), ("PreviousInstance", New(Base, ("Size", 1u))))));
        Assert.False(predicate.Evaluate(New(Event, ("TargetInstance", New(Unrelated, ("Size", 2u))), ("PreviousInstance", New(Base, ("Size", 1u))))));
        Assert.False(predicate.Evaluate(New(Event, ("TargetInstance", New(Base, ("Size", 2u))))));
        Assert.False(predicate.Evaluate(New(Event, ("TargetInstance", New(Base, ("Size", 1u))), ("PreviousInstance", New(Base, ("Size", 1u))))));
    }

    [Fact]
    public void EventQuery_TargetInstanceClass_ReadsEmbeddedSystemProperty()
    {
        var predicate = WqlPredicate.Compile(Where("TargetInstance.__CLASS = 'Derived' AND TIME_CREATED > 100"), Event);
        Assert.True(predicate.Evaluate(New(Event, ("TargetInstance", New(Derived)), ("TIME_CREATED", 101UL))));
        Assert.False(predicate.Evaluate(New(Event, ("TargetInstance", New(Derived2)), ("TIME_CREATED", 101UL))));
    }

    [Fact]
    public void Subclass_PredicateCompiledForBase_ReadsInheritedPropertiesByIndex()
    {
        var predicate = WqlPredicate.Compile(Where("U32 = 9 AND Str = 'x' AND NOT B = TRUE"), All);
        var sub = New(AllSub, ("U32", 9u), ("Str", "X"), ("B", false), ("More", 1));
        Assert.True(predicate.Evaluate(sub));
        Assert.True(predicate.Evaluate(sub)); // the cached class path
        Assert.False(predicate.Evaluate(New(AllSub, ("U32", 8u), ("Str", "X"), ("B", false))));
        Assert.Equal(All.IndexOf("U32"), AllSub.IndexOf("U32"));
    }

    [Fact]
    public void UnrelatedClass_SameNamesOtherTypes_ReadByNameWithItsOwnTypes()
    {
        var predicate = WqlPredicate.Compile(Where("Str = 'x' OR U32 = 7"), All);
        Assert.False(predicate.Evaluate(New(Other, ("Str", 7u), ("U32", "x"))));
        Assert.True(WqlPredicate.Compile(Where("Str = 7"), null).Evaluate(New(Other, ("Str", 7u))));
        // A class without the property: UNKNOWN, no exception.
        Assert.False(WqlPredicate.Compile(Where("S8 = 1 OR NOT S8 = 1"), All).Evaluate(New(Base)));
    }

    [Fact]
    public void MutableTargetClass_ChangedAfterCompile_NeverThrows()
    {
        var cls = new CimClass("Mutable");
        cls.AddProperty("A", CimType.UInt32, value: 1u);
        cls.AddProperty("B", CimType.String, value: "b");
        var predicate = WqlPredicate.Compile(Where("B = 'b' AND A = 1"), cls);
        Assert.True(predicate.Evaluate(cls));
        cls.RemoveProperty("A");
        Assert.False(predicate.Evaluate(cls));
        Assert.False(predicate.Evaluate(cls.SpawnInstance()));
    }

    [Fact]
    public void Junctions_ShortCircuit_LongChainsFlatten()
    {
        var terms = Enumerable.Range(0, 5000).Select(i => (WqlExpression)new WqlComparison(
            new WqlPropertyPath("U32"), WqlComparisonOperator.Equal, WqlLiteral.FromInt64(i)));
        var chain = terms.Aggregate((a, b) => new WqlOr(a, b));
        var predicate = WqlPredicate.Compile(chain, All);
        Assert.True(predicate.Evaluate(New(All, ("U32", 4999u))));
        Assert.False(predicate.Evaluate(New(All, ("U32", 5000u))));
        Assert.True(WqlPredicate.Compile(new WqlNot(chain), All).Evaluate(New(All, ("U32", 5000u))));
    }

    [Fact]
    public void Compile_DeepAlternation_QuotaViolation()
    {
        WqlExpression e = new WqlComparison(new WqlPropertyPath("U32"), WqlComparisonOperator.Equal, WqlLiteral.FromInt64(1));
        for (var i = 0; i < 600; i++)
        {
            e = i % 2 == 0 ? new WqlAnd(e, e) : new WqlOr(e, e);
        }
        var error = Assert.Throws<WbemException>(() => WqlPredicate.Compile(e, All));
        Assert.Equal(WbemErrorEnum.wbemErrQuotaViolation, error.ErrorCode);
    }

    [Fact]
    public void Predicate_ThreeTermQuery_MatchesAsExpected()
    {
        var predicate = WqlPredicate.Compile(Where("Name = 'x' AND ProcessId > 10 OR Priority = 8"), Process);
        Assert.True(predicate.Evaluate(Process1("X", 11, 1)));
        Assert.True(predicate.Evaluate(Process1("y", 1, 8)));
        Assert.False(predicate.Evaluate(Process1("x", 10, 4)));
        Assert.Equal("Name = \"x\" AND ProcessId > 10 OR Priority = 8", predicate.ToString());
    }

    [Fact]
    public void Evaluate_ConcurrentThreadsManyClasses_Consistent()
    {
        // Six classes exceed the per-accessor cache of four, and threads race on the cache slots.
        var classes = Enumerable.Range(0, 6).Select(i =>
        {
            var c = new CimClass("C" + i);
            for (var k = 0; k < i; k++)
            {
                c.AddProperty("Pad" + k, CimType.String);
            }
            c.AddProperty("Size", i % 2 == 0 ? CimType.UInt32 : CimType.String);
            return (CimClass)c.Freeze();
        }).ToArray();
        var objects = classes.Select((c, i) => New(Event, ("TargetInstance", New(c, ("Size", i % 2 == 0 ? (object)(uint)i : i.ToString(System.Globalization.CultureInfo.InvariantCulture)))))).ToArray();
        var numeric = WqlPredicate.Compile(Where("TargetInstance.Size >= 2"), Event);
        var text = WqlPredicate.Compile(Where("TargetInstance.Size = '3' OR TargetInstance.Size = '5'"), null);
        Parallel.For(0, 200_000, n =>
        {
            var i = n % objects.Length;
            Assert.Equal(i % 2 == 0 && i >= 2, numeric.Evaluate(objects[i]));
            Assert.Equal(i is 3 or 5, text.Evaluate(objects[i]));
        });
    }
}

using Wmix.Cim;
using static Wmix.Wql.Tests.Evaluation.EvalSchema;
using static Wmix.Wql.Tests.Evaluation.WqlPredicateTests;

namespace Wmix.Wql.Tests.Evaluation;

public sealed class WqlPredicateCompileErrorTests
{
    [Theory]
    [InlineData("NoSuch = 1")]                  // unknown property
    [InlineData("NoSuch IS NULL")]
    [InlineData("NoSuch.X = 1")]
    [InlineData("U32 = 'abc'")]                 // constant does not fit
    [InlineData("U32 = ''")]
    [InlineData("R64 = 'x1'")]
    [InlineData("Str = 5")]
    [InlineData("Str = TRUE")]
    [InlineData("Str = 1.5")]
    [InlineData("B = 'maybe'")]
    [InlineData("C16 = 'ab'")]
    [InlineData("C16 = ''")]
    [InlineData("C16 = 1.5")]
    [InlineData("Dt = 'yesterday'")]
    [InlineData("Dt = 19980416")]
    [InlineData("Ref = 5")]
    [InlineData("B >= 0")]                      // operator invalid for the type (where-clause.md)
    [InlineData("B > 1")]
    [InlineData("Ref < 'Base.Size=1'")]
    [InlineData("Emb = 'x'")]
    [InlineData("Emb <> 1")]
    [InlineData("U32 LIKE '1%'")]               // LIKE on a non-string
    [InlineData("B LIKE 'T%'")]
    [InlineData("Emb LIKE 'x'")]
    [InlineData("U32 ISA 'Base'")]              // ISA on a non-object
    [InlineData("Str ISA 'Base'")]
    [InlineData("__CLASS ISA 'Base'")]
    [InlineData("Arr = 1")]                     // arrays cannot be queried
    [InlineData("Arr LIKE '1'")]
    [InlineData("Arr ISA 'X'")]
    [InlineData("__DERIVATION = 'Base'")]
    [InlineData("Str.Length = 1")]              // dot through a non-object
    [InlineData("Ref.Size = 1")]
    [InlineData("Arr.X = 1")]
    [InlineData("__CLASS.X = 1")]
    [InlineData("Emb.__CLASS.X = 1")]
    [InlineData("__this = 1")]                  // __this only with ISA
    [InlineData("__this IS NULL")]
    [InlineData("__this LIKE 'x'")]
    [InlineData("__this.X ISA 'x'")]
    [InlineData("__GENUS = 'x'")]
    [InlineData("Str = 'a' AND NOT (U32 = 1 OR U64 = 'q')")]
    public void Compile_Invalid_InvalidQuery(string condition)
    {
        var error = CompileError(condition, All);
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery, error.ErrorCode);
        Assert.Equal(unchecked((int)0x80041017), error.HResult);
    }

    [Theory]
    [InlineData("__this = 1")]
    [InlineData("__CLASS.X = 1")]
    [InlineData("__GENUS = 'x'")]
    [InlineData("__PROPERTY_COUNT LIKE '1'")]
    public void Compile_NoClass_SystemPropertiesStillChecked(string condition) =>
        Assert.Equal(WbemErrorEnum.wbemErrInvalidQuery,
            Assert.Throws<WbemException>(() => WqlPredicate.Compile(Where(condition), null)).ErrorCode);

    [Theory]
    [InlineData("Arr IS NULL")]                 // arrays: only the NULL test
    [InlineData("Arr IS NOT NULL")]
    [InlineData("Emb IS NULL")]
    [InlineData("Emb ISA 'Base'")]
    [InlineData("Ref ISA 'Base'")]
    [InlineData("Emb.Anything.Deeper = 'x'")]   // nothing is checked past an embedded object
    [InlineData("Emb.X LIKE 'a' AND Emb.Y ISA 'C'")]
    [InlineData("U32 = -1")]                    // out of range is not an error: never equal
    [InlineData("U8 = 18446744073709551615")]
    [InlineData("U32 = 1.5")]
    [InlineData("U32 = '12'")]
    [InlineData("U32 = TRUE")]
    [InlineData("B = 5")]
    [InlineData("B = 0.0")]
    [InlineData("C16 = 65")]
    [InlineData("Dt = 'Jan 21 1932'")]
    [InlineData("Dt = '19980416******.000000+***'")]
    [InlineData("Ref = 'anything'")]
    [InlineData("Dt LIKE '1998%'")]
    [InlineData("Ref LIKE '%'")]
    [InlineData("C16 LIKE 'a'")]
    [InlineData("__this ISA 'Base'")]
    [InlineData("__class = 'X' AND __Genus = 2 AND __PATH LIKE '%' AND __derivation IS NULL")]
    public void Compile_Valid_Compiles(string condition) =>
        Assert.NotNull(WqlPredicate.Compile(Where(condition), All));

    [Fact]
    public void Compile_PropertyNamesAnyCase_Compile()
    {
        var predicate = WqlPredicate.Compile(Where("str = 'x' AND u32 = 1 AND EMB.size = 1"), All);
        Assert.True(predicate.Evaluate(New(All, ("Str", "x"), ("U32", 1u), ("Emb", New(Base, ("Size", 1u))))));
    }
}

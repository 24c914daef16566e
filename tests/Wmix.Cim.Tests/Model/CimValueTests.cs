using CsCheck;

namespace Wmix.Cim.Tests.Model;

public sealed class CimValueTests
{
    [Theory]
    [InlineData(CimType.SInt8, 127, (sbyte)127)]
    [InlineData(CimType.UInt8, "255", (byte)255)]
    [InlineData(CimType.SInt16, -5L, (short)-5)]
    [InlineData(CimType.UInt16, 3.0, (ushort)3)]
    [InlineData(CimType.UInt64, "18446744073709551615", ulong.MaxValue)]
    [InlineData(CimType.SInt64, "0x10", 16L)]
    [InlineData(CimType.Boolean, 1, true)]
    [InlineData(CimType.Boolean, "false", false)]
    [InlineData(CimType.String, 12, "12")]
    [InlineData(CimType.String, true, "TRUE")]
    [InlineData(CimType.Char16, "x", 'x')]
    [InlineData(CimType.Real32, 2, 2f)]
    [InlineData(CimType.Real64, "1.5", 1.5)]
    public void Convert_Scalar_FollowsWmiRules(CimType type, object input, object expected) =>
        Assert.Equal(expected, CimValue.Convert(input, type, isArray: false));

    [Theory]
    [InlineData(CimType.SInt8, 128)]
    [InlineData(CimType.UInt8, -1)]
    [InlineData(CimType.UInt32, 4294967296L)]
    [InlineData(CimType.SInt64, "9223372036854775808")]
    public void Convert_OutOfRange_IsValueOutOfRange(CimType type, object input) =>
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange,
            Assert.Throws<WbemException>(() => CimValue.Convert(input, type, false)).ErrorCode);

    [Theory]
    [InlineData(CimType.UInt32, 1.5)]
    [InlineData(CimType.UInt32, "twelve")]
    [InlineData(CimType.Char16, "xy")]
    [InlineData(CimType.Boolean, "maybe")]
    public void Convert_Incompatible_IsTypeMismatch(CimType type, object input) =>
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch,
            Assert.Throws<WbemException>(() => CimValue.Convert(input, type, false)).ErrorCode);

    [Fact]
    public void Convert_NullArrayElement_IsTypeMismatch() =>
        Assert.Equal(WbemErrorEnum.wbemErrTypeMismatch,
            Assert.Throws<WbemException>(() => CimValue.Convert(new object?[] { "a", null }, CimType.String, true)).ErrorCode);

    [Fact]
    public void Convert_IntegerWithinRange_RoundTripsForEveryWidth()
    {
        Gen.Long.Sample(v =>
        {
            foreach (var type in new[] { CimType.SInt8, CimType.UInt8, CimType.SInt16, CimType.UInt16, CimType.SInt32, CimType.UInt32, CimType.SInt64, CimType.UInt64 })
            {
                object? result;
                try
                {
                    result = CimValue.Convert(v, type, false);
                }
                catch (WbemException e) when (e.ErrorCode == WbemErrorEnum.wbemErrValueOutOfRange)
                {
                    continue;
                }
                Assert.IsType(type.ClrType(), result);
                Assert.True(CimValue.AreEqual(v, result), $"{v} as {type}");
                Assert.Equal(result, CimValue.Convert(result!.ToString(), type, false));
            }
        });
    }

    [Fact]
    public void AreEqual_ComparesAcrossIntegerWidthsAndCase()
    {
        Assert.True(CimValue.AreEqual(5, 5UL));
        Assert.True(CimValue.AreEqual((byte)5, 5L));
        Assert.False(CimValue.AreEqual(-1, ulong.MaxValue));
        Assert.True(CimValue.AreEqual("A", "a", ignoreCase: true));
        Assert.False(CimValue.AreEqual("A", "a"));
        Assert.True(CimValue.AreEqual(new[] { 1, 2 }, new long[] { 1, 2 }));
        Assert.False(CimValue.AreEqual(null, 0));
    }

    [Fact]
    public void AreEqual_NaN_EqualsNaNSoCloneComparesEqual()
    {
        Assert.True(CimValue.AreEqual(double.NaN, double.NaN));
        Assert.True(CimValue.AreEqual(float.NaN, double.NaN));
        Assert.False(CimValue.AreEqual(double.NaN, 0.0));
        var cls = new CimClass("NaNHolder");
        cls.AddProperty("R", CimType.Real64, value: double.NaN);
        cls.Freeze();
        Assert.True(cls.CompareTo(cls.Clone()));
    }

    [Theory]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("line\nnext", "\"line\\nnext\"")]
    public void ToMofLiteral_EscapesStrings(string value, string expected) =>
        Assert.Equal(expected, CimValue.ToMofLiteral(value));
}

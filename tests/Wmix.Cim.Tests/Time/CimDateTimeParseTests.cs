namespace Wmix.Cim.Tests.Time;

public sealed class CimDateTimeParseTests
{
    // Spec §7 vector 47 [cim-datetime.md, interval-format.md, swbemdatetime-value.md].
    [Fact]
    public void Parse_DocumentedWildcardTime_IsValid()
    {
        var value = CimDateTime.Parse("19980416******.000000+***");

        Assert.False(value.IsInterval);
        Assert.True(value.HasWildcards);
        Assert.Equal(1998, value.Year);
        Assert.Equal(4, value.Month);
        Assert.Equal(16, value.Day);
        Assert.Null(value.Hours);
        Assert.Null(value.Minutes);
        Assert.Null(value.Seconds);
        Assert.Equal(0, value.Microseconds);
        Assert.Null(value.UtcOffset);
        Assert.Equal("19980416******.000000+***", value.ToString());
    }

    [Fact]
    public void Parse_StarInsideYear_ThrowsInvalidSyntaxAtStar()
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.Parse("199*0416******.000000+***"));

        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, e.ErrorCode);
        Assert.Equal(unchecked((int)0x80041021), e.HResult);
        Assert.Equal(1, e.Line);
        Assert.Equal(4, e.Column);
    }

    [Fact]
    public void Parse_DocumentedInterval_IsOneDayTwelveHoursThirtyTwoSeconds()
    {
        var value = CimDateTime.Parse("00000001120032.000000:000");

        Assert.True(value.IsInterval);
        Assert.False(value.HasWildcards);
        Assert.Equal(1, value.Days);
        Assert.Equal(12, value.Hours);
        Assert.Equal(0, value.Minutes);
        Assert.Equal(32, value.Seconds);
        Assert.Equal(0, value.Microseconds);
        Assert.Null(value.Year);
        Assert.Null(value.Day);
        Assert.Null(value.UtcOffset);
        Assert.Equal(new TimeSpan(1, 12, 0, 32), value.ToTimeSpan());
        Assert.Equal("00000001120032.000000:000", value.ToString());
    }

    [Fact]
    public void Default_IsSWbemDateTimeInitialValue()
    {
        Assert.Equal("00000101000000.000000+000", CimDateTime.Default.ToString());
        Assert.Equal("00000101000000.000000+000", default(CimDateTime).ToString());
        Assert.Equal(CimDateTime.Default, CimDateTime.Parse("00000101000000.000000+000"));
        Assert.Equal(0, CimDateTime.Default.Year);
        Assert.Equal(1, CimDateTime.Default.Month);
        Assert.Equal(1, CimDateTime.Default.Day);
        Assert.Equal(0, CimDateTime.Default.UtcOffset);
    }

    [Theory]
    [InlineData("****0401******.000000+***")]
    [InlineData("19980401135809.000000+***")]
    [InlineData("19980401135809.000000-***")]
    [InlineData("19980401135809.000000+000")]
    [InlineData("19980401135809.000000-000")]
    [InlineData("**************.******+***")]
    [InlineData("20240229235959.999999-999")]
    [InlineData("****0229******.******+***")]
    [InlineData("19980401135809.123***+060")]
    [InlineData("19980401135809.1*****+060")]
    [InlineData("99999999235959.999999:000")]
    [InlineData("00000000000000.000000:000")]
    public void Parse_Valid_RoundTrips(string text)
    {
        Assert.Equal(text, CimDateTime.Parse(text).ToString());
        Assert.True(CimDateTime.TryParse(text, out var value));
        Assert.Equal(text, value.ToString());
    }

    [Fact]
    public void Parse_Components_AreReported()
    {
        var value = CimDateTime.Parse("20240131235958.123456-300");

        Assert.Equal(2024, value.Year);
        Assert.Equal(1, value.Month);
        Assert.Equal(31, value.Day);
        Assert.Equal(23, value.Hours);
        Assert.Equal(59, value.Minutes);
        Assert.Equal(58, value.Seconds);
        Assert.Equal(123456, value.Microseconds);
        Assert.Equal(6, value.MicrosecondDigits);
        Assert.Equal(-300, value.UtcOffset);
        Assert.True(value.IsOffsetSignNegative);
        Assert.Null(value.Days);
    }

    [Fact]
    public void Parse_PartlyStarredMicroseconds_KeepsPrecision()
    {
        var value = CimDateTime.Parse("19980401135809.123***+060");

        Assert.Equal(123000, value.Microseconds);
        Assert.Equal(3, value.MicrosecondDigits);
        Assert.True(value.HasWildcards);
        Assert.NotEqual(CimDateTime.Parse("19980401135809.123000+060"), value);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("1998", 5)]
    [InlineData("19980416120000.000000+00", 25)]
    [InlineData("19980416120000.000000+0000", 26)]
    [InlineData("x9980416120000.000000+000", 1)]
    [InlineData("1998041612000.0000000+000", 14)]
    [InlineData("*998041612000000.0000+000", 2)]
    [InlineData("19980416120000,000000+000", 15)]
    [InlineData("19980416120000.000000*000", 22)]
    [InlineData("19980416120000.000000+0*0", 24)]
    [InlineData("19980416120000.00*000+000", 19)]
    [InlineData("19981316120000.000000+000", 5)]
    [InlineData("19980016120000.000000+000", 5)]
    [InlineData("19980400120000.000000+000", 7)]
    [InlineData("19980431120000.000000+000", 7)]
    [InlineData("19990229120000.000000+000", 7)]
    [InlineData("19000229120000.000000+000", 7)]
    [InlineData("19980416240000.000000+000", 9)]
    [InlineData("19980416126000.000000+000", 11)]
    [InlineData("19980416120060.000000+000", 13)]
    [InlineData("1998041612000*.000000+000", 14)]
    [InlineData("00000001120032.000000:001", 25)]
    [InlineData("00000001120032.000000:00", 25)]
    [InlineData("0000000*120032.000000:000", 8)]
    [InlineData("00000001**0032.000000:000", 9)]
    [InlineData("00000001120032.******:000", 16)]
    [InlineData("00000001240032.000000:000", 9)]
    [InlineData("00000001126032.000000:000", 11)]
    [InlineData("00000001120060.000000:000", 13)]
    [InlineData("19980416120000.000000+000\0", 26)]
    [InlineData("１9980416120000.000000+000", 1)]
    public void Parse_Malformed_ThrowsInvalidSyntaxAtColumn(string text, int column)
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.Parse(text));

        Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, e.ErrorCode);
        Assert.Equal(1, e.Line);
        Assert.Equal(column, e.Column);
        Assert.False(CimDateTime.TryParse(text, out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void Parse_LeapDayWithUnknownYear_IsValid()
    {
        Assert.Equal(29, CimDateTime.Parse("****0229******.******+***").Day);
        Assert.Equal(29, CimDateTime.Parse("20000229000000.000000+000").Day);
        Assert.Equal(29, CimDateTime.Parse("00000229000000.000000+000").Day);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => CimDateTime.Parse(null!));
        Assert.False(CimDateTime.TryParse((string?)null, out _));
    }

    [Fact]
    public void Parse_Span_MatchesString()
    {
        var text = "20240131235958.123456-300";
        Assert.Equal(CimDateTime.Parse(text), CimDateTime.Parse(text.AsSpan()));
        Assert.True(CimDateTime.TryParse(("x" + text).AsSpan(1), out var value));
        Assert.Equal(text, value.ToString());
    }

    [Fact]
    public void TryFormat_ShortBuffer_ReturnsFalse()
    {
        var value = CimDateTime.Parse("20240131235958.123456-300");
        Assert.False(value.TryFormat(new char[24], out var written));
        Assert.Equal(0, written);

        var buffer = new char[30];
        Assert.True(value.TryFormat(buffer, out written));
        Assert.Equal(25, written);
        Assert.Equal("20240131235958.123456-300", new string(buffer, 0, written));
    }

    [Fact]
    public void CreatePoint_Fields_MatchParse()
    {
        Assert.Equal(
            CimDateTime.Parse("19980416******.000000+***"),
            CimDateTime.CreatePoint(1998, 4, 16, null, null, null, 0, null));
        Assert.Equal(
            CimDateTime.Parse("19980416120000.000000-***"),
            CimDateTime.CreatePoint(1998, 4, 16, 12, 0, 0, 0, null, negativeSign: true));
        Assert.Equal(
            CimDateTime.Parse("19980416120000.000000-000"),
            CimDateTime.CreatePoint(1998, 4, 16, 12, 0, 0, 0, 0, negativeSign: true));
        Assert.Equal(
            CimDateTime.Parse("19980416120000.******-120"),
            CimDateTime.CreatePoint(1998, 4, 16, 12, 0, 0, null, -120));
    }

    [Theory]
    [InlineData(10000, 1, 1)]
    [InlineData(1999, 13, 1)]
    [InlineData(1999, 2, 29)]
    [InlineData(1999, 4, 31)]
    public void CreatePoint_OutOfRange_ThrowsValueOutOfRange(int year, int month, int day)
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.CreatePoint(year, month, day, 0, 0, 0, 0, 0));
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, e.ErrorCode);
    }

    [Fact]
    public void CreateInterval_Fields_MatchParse()
    {
        Assert.Equal(CimDateTime.Parse("00000001120032.000005:000"), CimDateTime.CreateInterval(1, 12, 0, 32, 5));
        var e = Assert.Throws<WbemException>(() => CimDateTime.CreateInterval(-1, 0, 0, 0, 0));
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, e.ErrorCode);
        Assert.Throws<WbemException>(() => CimDateTime.CreateInterval(0, 24, 0, 0, 0));
    }
}

namespace Wmix.Cim.Tests.Time;

public sealed class CimDateTimeConversionTests
{
    [Fact]
    public void FromDateTimeOffset_KeepsOffsetAndMicroseconds()
    {
        var dto = new DateTimeOffset(2024, 1, 31, 23, 59, 58, TimeSpan.FromMinutes(-300)).AddTicks(1_234_567);

        var value = CimDateTime.FromDateTimeOffset(dto);

        Assert.Equal("20240131235958.123456-300", value.ToString());
        Assert.Equal(dto.AddTicks(-7), value.ToDateTimeOffset());
        Assert.Equal(dto.Offset, value.ToDateTimeOffset().Offset);
    }

    [Fact]
    public void FileTime_KnownValues()
    {
        Assert.Equal(0, CimDateTime.Parse("16010101000000.000000+000").ToFileTime());
        Assert.Equal(125911584000000000, CimDateTime.Parse("20000101000000.000000+000").ToFileTime());
        Assert.Equal(125911584000000000, CimDateTime.Parse("20000101010000.000000+060").ToFileTime());
        Assert.Equal("20000101000000.000000+000", CimDateTime.FromFileTime(125911584000000000, local: false).ToString());
        Assert.Equal("16010101000000.000000+000", CimDateTime.FromFileTime(0, local: false).ToString());
    }

    [Fact]
    public void FromFileTime_Local_IsSameInstantWithLocalOffset()
    {
        var value = CimDateTime.FromFileTime(125911584000000000);

        Assert.Equal(125911584000000000, value.ToFileTime());
        var expected = (int)TimeZoneInfo.Local.GetUtcOffset(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMinutes;
        Assert.Equal(expected, value.UtcOffset);
    }

    [Fact]
    public void ToFileTime_Before1601_ThrowsValueOutOfRange()
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.Parse("16001231235959.999999+000").ToFileTime());
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, e.ErrorCode);
        Assert.Throws<WbemException>(() => CimDateTime.FromFileTime(-1));
        Assert.Throws<WbemException>(() => CimDateTime.FromFileTime(long.MaxValue));
    }

    [Theory]
    [InlineData("19980416******.000000+***")]
    [InlineData("19980416120000.000000+***")]
    [InlineData("19980416120000.123***+000")]
    [InlineData("00000001120032.000000:000")]
    public void ToDateTimeOffset_WildcardOrInterval_ThrowsFailed(string text)
    {
        var value = CimDateTime.Parse(text);

        Assert.Equal(WbemErrorEnum.wbemErrFailed, Assert.Throws<WbemException>(() => value.ToDateTimeOffset()).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Assert.Throws<WbemException>(() => value.ToFileTime()).ErrorCode);
        Assert.Equal(WbemErrorEnum.wbemErrFailed, Assert.Throws<WbemException>(() => value.ToDateTime()).ErrorCode);
    }

    [Theory]
    [InlineData("00000101000000.000000+000")]
    [InlineData("20000101000000.000000+999")]
    [InlineData("00010101000000.000000+060")]
    public void ToDateTimeOffset_OutsideRange_ThrowsValueOutOfRange(string text)
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.Parse(text).ToDateTimeOffset());
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, e.ErrorCode);
    }

    [Fact]
    public void ToTimeSpan_Point_ThrowsFailed()
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.Parse("20000101000000.000000+000").ToTimeSpan());
        Assert.Equal(WbemErrorEnum.wbemErrFailed, e.ErrorCode);
    }

    [Fact]
    public void ToTimeSpan_BeyondTimeSpan_ThrowsValueOutOfRange()
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.Parse("99999999000000.000000:000").ToTimeSpan());
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, e.ErrorCode);
    }

    [Fact]
    public void FromTimeSpan_Negative_ThrowsValueOutOfRange()
    {
        var e = Assert.Throws<WbemException>(() => CimDateTime.FromTimeSpan(TimeSpan.FromTicks(-1)));
        Assert.Equal(WbemErrorEnum.wbemErrValueOutOfRange, e.ErrorCode);
    }

    [Fact]
    public void FromTimeSpan_Max_Fits()
    {
        var value = CimDateTime.FromTimeSpan(TimeSpan.MaxValue);

        Assert.True(value.IsInterval);
        Assert.Equal("10675199024805.477580:000", value.ToString());
        Assert.Equal(TimeSpan.MaxValue.Ticks / 10 * 10, value.ToTimeSpan().Ticks);
    }

    [Fact]
    public void FromDateTime_Utc_GetsZeroOffset()
    {
        var value = CimDateTime.FromDateTime(new DateTime(2001, 2, 3, 4, 5, 6, 7, DateTimeKind.Utc));

        Assert.Equal("20010203040506.007000+000", value.ToString());
    }

    [Theory]
    [InlineData(DateTimeKind.Local)]
    [InlineData(DateTimeKind.Unspecified)]
    public void FromDateTime_LocalOrUnspecified_GetsLocalOffset(DateTimeKind kind)
    {
        var dt = new DateTime(2001, 7, 3, 4, 5, 6, kind);

        var value = CimDateTime.FromDateTime(dt);

        Assert.Equal((int)TimeZoneInfo.Local.GetUtcOffset(dt).TotalMinutes, value.UtcOffset);
        Assert.Equal(4, value.Hours);
        Assert.Equal(new DateTime(2001, 7, 3, 4, 5, 6, DateTimeKind.Local), value.ToDateTime());
        Assert.Equal(DateTimeKind.Local, value.ToDateTime().Kind);
    }

    [Fact]
    public void FromDateTime_Extremes_DoNotThrow()
    {
        Assert.Equal(1, CimDateTime.FromDateTime(DateTime.MinValue).Year);
        Assert.Equal(9999, CimDateTime.FromDateTime(DateTime.MaxValue).Year);
        Assert.Equal("99991231235959.999999+000", CimDateTime.FromDateTime(DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc)).ToString());
    }
}

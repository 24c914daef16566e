namespace Wmix.Cim.Tests.Time;

public sealed class CimDateTimeWqlLiteralTests
{
    private static int LocalOffset(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        (int)TimeZoneInfo.Local.GetUtcOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified)).TotalMinutes;

    private static void AssertLiteral(string text, int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int micro = 0)
    {
        Assert.True(CimDateTime.TryParseWqlLiteral(text, out var value), text);
        Assert.Equal(
            CimDateTime.CreatePoint(year, month, day, hour, minute, second, micro, LocalOffset(year, month, day, hour, minute, second)),
            value);
    }

    // wql-supported-date-formats.md, one row each.
    [Theory]
    [InlineData("January 21, 1932", 1932, 1, 21)]
    [InlineData("January 21, 32", 1932, 1, 21)]
    [InlineData("Jan 21 1932", 1932, 1, 21)]
    [InlineData("Jan 21 32", 1932, 1, 21)]
    [InlineData("jan 21 29", 2029, 1, 21)]
    [InlineData("January 1932", 1932, 1, 1)]
    [InlineData("Jan, 1932", 1932, 1, 1)]
    [InlineData("January 1932 21", 1932, 1, 21)]
    [InlineData("Jan 32 21", 1932, 1, 21)]
    [InlineData("21 January, 1932", 1932, 1, 21)]
    [InlineData("21 Jan32", 1932, 1, 21)]
    [InlineData("21 Jan 1932", 1932, 1, 21)]
    [InlineData("21 1932 January", 1932, 1, 21)]
    [InlineData("1932 January 21", 1932, 1, 21)]
    [InlineData("1932 Jan", 1932, 1, 1)]
    [InlineData("1932 21 January", 1932, 1, 21)]
    [InlineData("SEPTEMBER 30 2001", 2001, 9, 30)]
    [InlineData("Feb 29 2000", 2000, 2, 29)]
    public void TryParseWqlLiteral_MonthNameForms_Accepted(string text, int year, int month, int day) =>
        AssertLiteral(text, year, month, day);

    [Theory]
    [InlineData("1932-01-21", 1932, 1, 21)]
    [InlineData("1932/01/21", 1932, 1, 21)]
    [InlineData("1932.01.21", 1932, 1, 21)]
    [InlineData("1932-21-01", 1932, 1, 21)]
    [InlineData("01/21/1932", 1932, 1, 21)]
    [InlineData("1/2/1932", 1932, 1, 2)]
    [InlineData("21/01/1932", 1932, 1, 21)]
    [InlineData("01-21-32", 1932, 1, 21)]
    [InlineData("01-1932-21", 1932, 1, 21)]
    [InlineData("21.1932.01", 1932, 1, 21)]
    [InlineData("19320121", 1932, 1, 21)]
    [InlineData("320121", 1932, 1, 21)]
    [InlineData("193201", 1932, 1, 1)]
    [InlineData("1932", 1932, 1, 1)]
    public void TryParseWqlLiteral_NumericForms_Accepted(string text, int year, int month, int day) =>
        AssertLiteral(text, year, month, day);

    // wql-supported-time-formats.md, plus the WQL form of cim-datetime.md (spec §8.12: milliseconds within the second).
    [Theory]
    [InlineData("1932-01-21 4 PM", 16, 0, 0, 0)]
    [InlineData("1932-01-21 4PM", 16, 0, 0, 0)]
    [InlineData("1932-01-21 12 AM", 0, 0, 0, 0)]
    [InlineData("1932-01-21 12 pm", 12, 0, 0, 0)]
    [InlineData("1932-01-21 3:23", 3, 23, 0, 0)]
    [InlineData("1932-01-21 3:23 AM", 3, 23, 0, 0)]
    [InlineData("1932-01-21 3:23PM", 15, 23, 0, 0)]
    [InlineData("1932-01-21 3:23:00", 3, 23, 0, 0)]
    [InlineData("1932-01-21 3:23:00PM", 15, 23, 0, 0)]
    [InlineData("1932-01-21 15:23:07.123", 15, 23, 7, 123000)]
    [InlineData("1932-01-21 15:23:07.1234567", 15, 23, 7, 123456)]
    [InlineData("1932-01-21 15:23:07:123", 15, 23, 7, 123000)]
    [InlineData("1932-01-21 15:23:07:5", 15, 23, 7, 5000)]
    [InlineData("1932-01-21 03:23:07:123 PM", 15, 23, 7, 123000)]
    [InlineData("Jan 21 1932 3 PM", 15, 0, 0, 0)]
    [InlineData("  January 21, 1932   23:59:59  ", 23, 59, 59, 0)]
    public void TryParseWqlLiteral_Times_Accepted(string text, int hour, int minute, int second, int micro) =>
        AssertLiteral(text, 1932, 1, 21, hour, minute, second, micro);

    [Theory]
    [InlineData("19980401135809.000000+***")]
    [InlineData("19980401135809.000000+000")]
    [InlineData("00000001120032.000000:000")]
    public void TryParseWqlLiteral_DmtfText_KeptAsWritten(string text)
    {
        Assert.True(CimDateTime.TryParseWqlLiteral(text, out var value));
        Assert.Equal(text, value.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("1932-01/21")]
    [InlineData("1932/01-21")]
    [InlineData("1932.01/21")]
    [InlineData("1932 - 01 - 21")]
    [InlineData("1932-13-41")]
    [InlineData("02/30/1932")]
    [InlineData("Feb 29 1999")]
    [InlineData("Foo 21 1932")]
    [InlineData("Jan Feb 1932")]
    [InlineData("Jan 21")]
    [InlineData("21, Jan 1932")]
    [InlineData("Jan 21 1932,")]
    [InlineData("1932-01-21 25:00")]
    [InlineData("1932-01-21 13 PM")]
    [InlineData("1932-01-21 0 AM")]
    [InlineData("1932-01-21 3")]
    [InlineData("1932-01-21 3:60")]
    [InlineData("1932-01-21 3:23:61")]
    [InlineData("1932-01-21 3:23:00:1234")]
    [InlineData("1932-01-21 3:23:00 : 123")]
    [InlineData("1932-01-2115:23")]
    [InlineData("15:23")]
    [InlineData("3 PM")]
    [InlineData("1932-01-21 3:23 XM")]
    [InlineData("1932-01-21T15:23:00")]
    [InlineData("199*0416******.000000+***")]
    [InlineData("1998-04-16 ******:***")]
    [InlineData("12345")]
    [InlineData("1234567890123")]
    [InlineData("Jan 21 1932 garbage")]
    [InlineData("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17")]
    public void TryParseWqlLiteral_Garbage_Rejected(string? text)
    {
        Assert.False(CimDateTime.TryParseWqlLiteral(text, out var value));
        Assert.Equal(default, value);
    }
}

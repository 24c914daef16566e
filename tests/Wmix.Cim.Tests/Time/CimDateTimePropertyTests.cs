using System.Globalization;
using System.Text;
using CsCheck;

namespace Wmix.Cim.Tests.Time;

public sealed class CimDateTimePropertyTests
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    private static string Field(int? value, int width) =>
        value is { } v ? v.ToString(new string('0', width), s_inv) : new string('*', width);

    private static Gen<int?> Maybe(Gen<int> gen) =>
        Gen.Frequency((3, gen.Select(v => (int?)v)), (1, Gen.Const((int?)null)));

    // Valid point-in-time texts, every field possibly starred, microseconds possibly starred from the right.
    private static readonly Gen<string> s_pointText =
        Gen.Select(Maybe(Gen.Int[0, 9999]), Maybe(Gen.Int[1, 12]), Gen.Int[1, 31], Gen.Bool, Maybe(Gen.Int[0, 23]),
                Maybe(Gen.Int[0, 59]), Maybe(Gen.Int[0, 59]), Gen.Int[0, 999_999])
            .SelectMany(t => Gen.Select(Gen.Int[0, 6], Maybe(Gen.Int[0, 999]), Gen.Bool, Gen.Bool).Select(u =>
            {
                var (year, month, rawDay, dayStarred, hour, minute, second, micro) = t;
                var (stars, offset, negative, _) = u;
                int? day = dayStarred ? null : Math.Min(rawDay, month is { } m ? MaxDay(year, m) : 31);
                var microText = micro.ToString("000000", s_inv)[..(6 - stars)] + new string('*', stars);
                return Field(year, 4) + Field(month, 2) + Field(day, 2) + Field(hour, 2) + Field(minute, 2)
                    + Field(second, 2) + "." + microText + (negative ? "-" : "+") + Field(offset, 3);
            }));

    private static readonly Gen<string> s_intervalText =
        Gen.Select(Gen.Int[0, 99_999_999], Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 59], Gen.Int[0, 999_999])
            .Select((d, h, m, s, us) => Field(d, 8) + Field(h, 2) + Field(m, 2) + Field(s, 2) + "." + Field(us, 6) + ":000");

    private static readonly Gen<string> s_validText = Gen.Frequency((3, s_pointText), (1, s_intervalText));

    private static int MaxDay(int? year, int month) => month switch
    {
        2 => year is not { } y || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        _ => 31,
    };

    private static readonly Gen<DateTimeOffset> s_dateTimeOffset =
        Gen.Select(Gen.Long[DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay],
                Gen.Int[-14 * 60, 14 * 60])
            .Select((ticks, offset) => new DateTimeOffset(ticks, TimeSpan.FromMinutes(offset)));

    [Fact]
    public void Parse_GeneratedValidText_RoundTrips() =>
        s_validText.Sample(text =>
        {
            var value = CimDateTime.Parse(text);
            Assert.Equal(text, value.ToString());
            Assert.True(CimDateTime.TryParse(text, out var again));
            Assert.Equal(value, again);
            Assert.Equal(value.GetHashCode(), again.GetHashCode());
        }, iter: 20_000);

    [Fact]
    public void Equals_MatchesTextEquality() =>
        Gen.Select(s_validText, s_validText).Sample((a, b) =>
        {
            var x = CimDateTime.Parse(a);
            var y = CimDateTime.Parse(b);
            Assert.Equal(a == b, x.Equals(y));
            Assert.Equal(a == b, x.CompareTo(y) == 0);
            Assert.Equal(Math.Sign(x.CompareTo(y)), -Math.Sign(y.CompareTo(x)));
        }, iter: 20_000);

    [Fact]
    public void FromDateTimeOffset_RoundTripsAtMicrosecondPrecision() =>
        s_dateTimeOffset.Sample(dto =>
        {
            var value = CimDateTime.FromDateTimeOffset(dto);
            var back = value.ToDateTimeOffset();
            var expected = new DateTimeOffset(dto.Ticks - (dto.Ticks % 10), dto.Offset);
            Assert.Equal(expected, back);
            Assert.Equal(expected.Offset, back.Offset);
            Assert.Equal(value, CimDateTime.Parse(value.ToString()));
            if (expected.UtcTicks >= DateTime.FromFileTimeUtc(0).Ticks)
            {
                Assert.Equal(expected.UtcTicks - DateTime.FromFileTimeUtc(0).Ticks, value.ToFileTime());
            }
        }, iter: 20_000);

    [Fact]
    public void TryCompareChronologically_AgreesWithDateTimeOffset() =>
        Gen.Select(s_dateTimeOffset, s_dateTimeOffset).Sample((a, b) =>
        {
            var x = CimDateTime.FromDateTimeOffset(a);
            var y = CimDateTime.FromDateTimeOffset(b);
            Assert.True(CimDateTime.TryCompareChronologically(x, y, out var result));
            // Offsets are whole minutes, so truncating the wall clock to microseconds truncates the instant too.
            Assert.Equal((a.UtcTicks / 10).CompareTo(b.UtcTicks / 10), Math.Sign(result));
        }, iter: 10_000);

    [Fact]
    public void FromTimeSpan_RoundTripsAtMicrosecondPrecision() =>
        Gen.Long[0, TimeSpan.MaxValue.Ticks].Sample(ticks =>
        {
            var value = CimDateTime.FromTimeSpan(new TimeSpan(ticks));
            Assert.True(value.IsInterval);
            Assert.Equal(ticks - (ticks % 10), value.ToTimeSpan().Ticks);
            Assert.Equal(value, CimDateTime.Parse(value.ToString()));
        }, iter: 20_000);

    [Fact]
    public void FileTime_RoundTripsAtMicrosecondPrecision() =>
        Gen.Select(Gen.Long[0, DateTime.MaxValue.Ticks - DateTime.FromFileTimeUtc(0).Ticks - TimeSpan.TicksPerDay], Gen.Bool)
            .Sample((fileTime, local) =>
            {
                var value = CimDateTime.FromFileTime(fileTime, local);
                Assert.Equal(fileTime - (fileTime % 10), value.ToFileTime());
                if (!local)
                {
                    Assert.Equal(0, value.UtcOffset);
                }
            }, iter: 20_000);

    // Robustness: random and mutated inputs raise only WbemException, TryParse agrees with Parse, and
    // TryParseWqlLiteral never throws. The timeout turns a hang into a failure.
    private static readonly string[] s_wqlSeeds =
    [
        "January 21, 1932 3:23:00PM", "21 Jan32", "1932-01-21 15:23:00:123", "01/21/1932 3 PM", "1932.01.21 15:23:07.123456",
        "19320121", "Jan 32 21", "1932 21 January",
    ];

    private static readonly Gen<string> s_mutated =
        Gen.Select(Gen.Frequency((4, s_validText), (1, Gen.OneOf(s_wqlSeeds))), Gen.Int, Gen.Int[1, 4])
            .Select((text, seed, edits) => Mutate(text, new Random(seed), edits));

    private static readonly Gen<string> s_randomText =
        Gen.Frequency((6, Gen.Char["0123456789"]), (2, Gen.Char["*.+-:/, "]), (1, Gen.Char['\0', '\u00ff']), (1, Gen.Char))
            .Array[0, 40].Select(chars => new string(chars));

    private static string Mutate(string text, Random random, int edits)
    {
        const string Alphabet = "0123456789*.+-:/, aAmMpPjJnN\t\0\u0660\uffff";
        var sb = new StringBuilder(text);
        for (var e = 0; e < edits; e++)
        {
            var at = sb.Length == 0 ? 0 : random.Next(sb.Length);
            switch (random.Next(5))
            {
                case 0 when sb.Length > 0:
                    sb[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                case 1:
                    sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2 when sb.Length > 0:
                    sb.Remove(at, 1);
                    break;
                case 3:
                    sb.Length = random.Next(sb.Length + 1);
                    break;
                default:
                    sb.Append(Alphabet[random.Next(Alphabet.Length)]);
                    break;
            }
        }
        return sb.ToString();
    }

    private static void AssertRobust(string text)
    {
        var tryOk = CimDateTime.TryParse(text, out var tried);
        try
        {
            var parsed = CimDateTime.Parse(text);
            Assert.True(tryOk, text);
            Assert.Equal(tried, parsed);
            Assert.Equal(text, parsed.ToString());
        }
        catch (WbemException e)
        {
            Assert.False(tryOk, text);
            Assert.Equal(WbemErrorEnum.wbemErrInvalidSyntax, e.ErrorCode);
            Assert.Equal(1, e.Line);
            Assert.InRange(e.Column, 1, Math.Min(text.Length + 1, 26));
        }
        if (CimDateTime.TryParseWqlLiteral(text, out var literal))
        {
            Assert.Equal(25, literal.ToString().Length);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Parse_MutatedValidText_OnlyWbemException() =>
        await Task.Run(() => s_mutated.Sample(AssertRobust, iter: 120_000), TestContext.Current.CancellationToken);

    [Fact(Timeout = 120_000)]
    public async Task Parse_RandomText_OnlyWbemException() =>
        await Task.Run(() => s_randomText.Sample(AssertRobust, iter: 100_000), TestContext.Current.CancellationToken);
}

namespace Wmix.Cim;

public readonly partial struct CimDateTime
{
    /// <summary>
    /// Parses a datetime literal of a WQL <c>WHERE</c> clause: the DMTF text (stars kept as written, never as
    /// wildcards; the query layer decides which operators may use them) or a date in one of the documented WQL forms,
    /// optionally followed by whitespace and a time.
    /// </summary>
    /// <remarks>
    /// <para>Always culture-invariant: English month names (full or three letters, any case) and US order for
    /// all-numeric dates. Leading and trailing whitespace is ignored.</para>
    /// <para>Dates: <c>Jan 21 1932</c>, <c>January 21, 1932</c>, <c>Jan 32 21</c> (month, year, day), <c>January 1932</c>,
    /// <c>21 Jan 1932</c>, <c>21 January, 1932</c>, <c>21 Jan32</c>, <c>21 1932 January</c>, <c>1932 January 21</c>,
    /// <c>1932 Jan</c>, <c>1932 21 January</c>; numeric <c>1932-01-21</c>, <c>1932/01/21</c>, <c>1932.01.21</c>,
    /// <c>01/21/1932</c>, <c>21/01/1932</c> (when the US reading is impossible), <c>01-1932-21</c>, with one separator
    /// kind per literal and no spaces; compact <c>19320121</c>, <c>320121</c> (or <c>yyyyMM</c> when that is not a
    /// date) and <c>1932</c>. A missing day or month is 1.
    /// Two-digit years use the 1930–2029 window (<c>32</c> is 1932, <c>29</c> is 2029).</para>
    /// <para>Times: <c>3 PM</c>, <c>3:23</c>, <c>3:23 AM</c>, <c>3:23:00</c>, <c>3:23:00PM</c>, <c>15:23:00.123</c>
    /// (a decimal fraction of the second, up to microseconds) and <c>15:23:00:123</c>, whose fourth field is
    /// milliseconds within the second (1–3 digits, read as a count, spec §8.12).</para>
    /// <para>Such literals carry no offset; they get the offset the local time zone has at that date and time
    /// (the zone's base offset for year 0), in whole minutes.</para>
    /// </remarks>
    /// <returns>False for any other text; never throws.</returns>
    public static bool TryParseWqlLiteral(string? text, out CimDateTime value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }
        var s = text.AsSpan().Trim();
        if (s.Length == TextLength && TryParse(s, out value))
        {
            return true;
        }
        value = default;
        return WqlLiteral.TryParse(s, out value);
    }

    private static class WqlLiteral
    {
        private const int MaxTokens = 16;

        private enum Kind : byte
        {
            Number,
            Month,
            Meridiem,
            Punct,
        }

        private struct Token
        {
            public Kind Kind;
            public bool SpaceBefore;
            public char Punct;
            public int Value;
            public int Digits;
        }

        private static readonly string[] s_months =
        [
            "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december",
        ];

        public static bool TryParse(ReadOnlySpan<char> s, out CimDateTime value)
        {
            value = default;
            Span<Token> tokens = stackalloc Token[MaxTokens];
            if (!Tokenize(s, tokens, out var count) || count == 0)
            {
                return false;
            }
            tokens = tokens[..count];

            // The time starts at the number before the first ':' or, without one, before a closing AM/PM.
            var timeStart = count;
            var colon = IndexOfPunct(tokens, ':');
            if (colon >= 0)
            {
                timeStart = colon - 1;
            }
            else if (tokens[^1].Kind == Kind.Meridiem)
            {
                timeStart = count - 2;
            }
            if (timeStart < 1 || (timeStart < count && (tokens[timeStart].Kind != Kind.Number || !tokens[timeStart].SpaceBefore)))
            {
                return false;
            }

            if (!TryDate(tokens[..timeStart], out var year, out var month, out var day))
            {
                return false;
            }
            int hour = 0, minute = 0, second = 0, micro = 0;
            if (timeStart < count && !TryTime(tokens[timeStart..], out hour, out minute, out second, out micro))
            {
                return false;
            }
            value = Point(year, month, day, hour, minute, second, micro,
                LocalOffsetMinutes(year, month, day, hour, minute, second));
            return true;
        }

        private static int IndexOfPunct(ReadOnlySpan<Token> tokens, char c)
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                if (tokens[i].Kind == Kind.Punct && tokens[i].Punct == c)
                {
                    return i;
                }
            }
            return -1;
        }

        private static bool Tokenize(ReadOnlySpan<char> s, Span<Token> tokens, out int count)
        {
            count = 0;
            var space = false;
            var i = 0;
            while (i < s.Length)
            {
                var c = s[i];
                if (char.IsWhiteSpace(c))
                {
                    space = true;
                    i++;
                    continue;
                }
                if (count == tokens.Length)
                {
                    return false;
                }
                ref var t = ref tokens[count++];
                t.SpaceBefore = space;
                space = false;
                if (char.IsAsciiDigit(c))
                {
                    var start = i;
                    var v = 0;
                    while (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        if (i - start == 9)
                        {
                            return false;
                        }
                        v = (v * 10) + (s[i] - '0');
                        i++;
                    }
                    t.Kind = Kind.Number;
                    t.Value = v;
                    t.Digits = i - start;
                }
                else if (char.IsAsciiLetter(c))
                {
                    var start = i;
                    while (i < s.Length && char.IsAsciiLetter(s[i]))
                    {
                        i++;
                    }
                    if (!TryWord(s[start..i], ref t))
                    {
                        return false;
                    }
                }
                else if (c is '/' or '-' or '.' or ',' or ':')
                {
                    t.Kind = Kind.Punct;
                    t.Punct = c;
                    i++;
                }
                else
                {
                    return false;
                }
            }
            return true;
        }

        private static bool TryWord(ReadOnlySpan<char> word, ref Token t)
        {
            if (word.Equals("AM", StringComparison.OrdinalIgnoreCase) || word.Equals("PM", StringComparison.OrdinalIgnoreCase))
            {
                t.Kind = Kind.Meridiem;
                t.Value = char.ToUpperInvariant(word[0]) == 'P' ? 12 : 0;
                return true;
            }
            for (var m = 0; m < s_months.Length; m++)
            {
                var name = s_months[m];
                if (word.Equals(name, StringComparison.OrdinalIgnoreCase)
                    || (word.Length == 3 && word.Equals(name.AsSpan(0, 3), StringComparison.OrdinalIgnoreCase)))
                {
                    t.Kind = Kind.Month;
                    t.Value = m + 1;
                    return true;
                }
            }
            return false;
        }

        private static bool TryDate(ReadOnlySpan<Token> t, out int year, out int month, out int day)
        {
            year = 0;
            month = day = 1;
            if (t.Length == 1 && t[0].Kind == Kind.Number)
            {
                return Compact(t[0], out year, out month, out day);
            }
            if (t.Length == 5 && IsNumber(t[0]) && IsNumber(t[2]) && IsNumber(t[4]))
            {
                return Numeric(t, out year, out month, out day);
            }

            // Text-month forms. A comma may follow the month or the day, as the documented patterns show.
            Span<Token> parts = stackalloc Token[3];
            var n = 0;
            var commaAfter = -1;
            foreach (var token in t)
            {
                if (token.Kind == Kind.Punct && token.Punct == ',')
                {
                    if (n == 0 || commaAfter >= 0)
                    {
                        return false;
                    }
                    commaAfter = n - 1;
                    continue;
                }
                if (n == 3 || token.Kind is not (Kind.Number or Kind.Month))
                {
                    return false;
                }
                parts[n++] = token;
            }
            if (n < 2 || (commaAfter >= 0 && commaAfter == n - 1))
            {
                return false;
            }
            parts = parts[..n];
            var m = -1;
            for (var i = 0; i < n; i++)
            {
                if (parts[i].Kind == Kind.Month)
                {
                    if (m >= 0)
                    {
                        return false;
                    }
                    m = i;
                }
            }
            if (m < 0)
            {
                return false;
            }
            month = parts[m].Value;
            var comma = commaAfter >= 0;
            if (n == 2)
            {
                // Mon[,] yyyy | yyyy Mon
                var y = parts[1 - m];
                return y.Digits == 4 && (m == 0 || !comma) && Year(y, out year);
            }
            var a = m == 0 ? parts[1] : parts[0];
            var b = m == 2 ? parts[1] : parts[2];
            switch (m)
            {
                case 0:
                    // Mon dd[,] [yy]yy, else Mon [yy]yy dd
                    if (commaAfter != 0 && a.Digits <= 2 && Year(b, out year) && Day(a, year, month, out day))
                    {
                        return true;
                    }
                    return !comma && Year(a, out year) && Day(b, year, month, out day);
                case 1:
                    // dd Mon[,] [yy]yy, else yyyy Mon dd
                    if (commaAfter != 0 && a.Digits <= 2 && Year(b, out year) && Day(a, year, month, out day))
                    {
                        return true;
                    }
                    return !comma && a.Digits == 4 && Year(a, out year) && Day(b, year, month, out day);
                default:
                    // dd [yy]yy Mon, else yyyy dd Mon
                    if (comma)
                    {
                        return false;
                    }
                    if (a.Digits <= 2 && Year(b, out year) && Day(a, year, month, out day))
                    {
                        return true;
                    }
                    return a.Digits == 4 && Year(a, out year) && Day(b, year, month, out day);
            }
        }

        private static bool IsNumber(in Token t) => t.Kind == Kind.Number;

        private static bool Numeric(ReadOnlySpan<Token> t, out int year, out int month, out int day)
        {
            year = 0;
            month = day = 1;
            var sep = t[1];
            if (sep.Kind != Kind.Punct || sep.Punct is not ('/' or '-' or '.') || t[3].Kind != Kind.Punct || t[3].Punct != sep.Punct
                || t[1].SpaceBefore || t[2].SpaceBefore || t[3].SpaceBefore || t[4].SpaceBefore)
            {
                return false;
            }
            var (x, y, z) = (t[0], t[2], t[4]);
            if (x.Digits == 4)
            {
                // yyyy-MM-dd, else yyyy-dd-MM
                return Year(x, out year) && (Ymd(year, y, z, out month, out day) || Ymd(year, z, y, out month, out day));
            }
            if (y.Digits == 4)
            {
                // MM-yyyy-dd, else dd-yyyy-MM
                return Year(y, out year) && (Ymd(year, x, z, out month, out day) || Ymd(year, z, x, out month, out day));
            }
            // MM-dd-[yy]yy (US), else dd-MM-[yy]yy
            return x.Digits <= 2 && y.Digits <= 2 && Year(z, out year)
                && (Ymd(year, x, y, out month, out day) || Ymd(year, y, x, out month, out day));
        }

        private static bool Ymd(int year, in Token m, in Token d, out int month, out int day)
        {
            day = 1;
            month = m.Value;
            return m.Digits <= 2 && month is >= 1 and <= 12 && Day(d, year, month, out day);
        }

        private static bool Compact(in Token t, out int year, out int month, out int day)
        {
            var v = t.Value;
            year = 0;
            month = day = 1;
            switch (t.Digits)
            {
                case 8:
                    year = v / 10_000;
                    month = v / 100 % 100;
                    day = v % 100;
                    return ValidDate(year, month, day);
                case 6:
                    // yyMMdd, else yyyyMM
                    year = TwoDigitYear(v / 10_000);
                    month = v / 100 % 100;
                    day = v % 100;
                    if (ValidDate(year, month, day))
                    {
                        return true;
                    }
                    year = v / 100;
                    month = v % 100;
                    day = 1;
                    return month is >= 1 and <= 12;
                case 4:
                    year = v;
                    return true;
                default:
                    return false;
            }
        }

        private static bool Year(in Token t, out int year)
        {
            year = t.Digits switch
            {
                4 => t.Value,
                2 => TwoDigitYear(t.Value),
                _ => -1,
            };
            return t.Kind == Kind.Number && year >= 0;
        }

        // The 1930-2029 window of OLE automation dates, which the documented example "January 21, 32" follows.
        private static int TwoDigitYear(int yy) => yy < 30 ? 2000 + yy : 1900 + yy;

        private static bool Day(in Token t, int year, int month, out int day)
        {
            day = t.Value;
            return t.Kind == Kind.Number && t.Digits <= 2 && ValidDate(year, month, day);
        }

        private static bool ValidDate(int year, int month, int day) =>
            year is >= 0 and <= 9999 && month is >= 1 and <= 12 && day >= 1 && day <= MaxDay(year, month);

        private static bool TryTime(ReadOnlySpan<Token> t, out int hour, out int minute, out int second, out int micro)
        {
            hour = minute = second = micro = 0;
            var i = 0;
            if (t[i].Digits > 2)
            {
                return false;
            }
            hour = t[i++].Value;
            var fields = 1;
            while (fields < 3 && i + 1 < t.Length && IsPunct(t[i], ':'))
            {
                var f = t[i + 1];
                if (f.Kind != Kind.Number || f.Digits > 2 || f.SpaceBefore || t[i].SpaceBefore)
                {
                    return false;
                }
                if (fields == 1)
                {
                    minute = f.Value;
                }
                else
                {
                    second = f.Value;
                }
                fields++;
                i += 2;
            }
            if (fields == 3 && i + 1 < t.Length && (IsPunct(t[i], ':') || IsPunct(t[i], '.')))
            {
                var f = t[i + 1];
                if (f.Kind != Kind.Number || f.SpaceBefore || t[i].SpaceBefore)
                {
                    return false;
                }
                if (t[i].Punct == ':')
                {
                    // Milliseconds within the second (spec §8.12).
                    if (f.Digits > 3)
                    {
                        return false;
                    }
                    micro = f.Value * 1000;
                }
                else
                {
                    // A decimal fraction of the second, kept to the microsecond.
                    micro = f.Value;
                    for (var d = f.Digits; d < 6; d++)
                    {
                        micro *= 10;
                    }
                    for (var d = f.Digits; d > 6; d--)
                    {
                        micro /= 10;
                    }
                }
                i += 2;
            }
            if (i < t.Length && t[i].Kind == Kind.Meridiem)
            {
                if (hour is < 1 or > 12)
                {
                    return false;
                }
                hour = (hour % 12) + t[i].Value;
                i++;
            }
            else if (fields == 1)
            {
                // A bare hour is a time only with AM or PM.
                return false;
            }
            return i == t.Length && hour <= 23 && minute <= 59 && second <= 59;
        }

        private static bool IsPunct(in Token t, char c) => t.Kind == Kind.Punct && t.Punct == c;
    }
}

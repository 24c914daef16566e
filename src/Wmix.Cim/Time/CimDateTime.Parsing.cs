namespace Wmix.Cim;

public readonly partial struct CimDateTime
{
    private enum ParseError : byte
    {
        None,
        TooShort,
        TooLong,
        ExpectedDigit,
        ExpectedDigitOrStar,
        MixedField,
        ExpectedDot,
        ExpectedSign,
        ExpectedIntervalSuffix,
        StarInInterval,
        Month,
        Day,
        Hour,
        Minute,
        Second,
    }

    /// <summary>Parses the DMTF text of a point in time or an interval.</summary>
    /// <param name="text">Exactly 25 characters, e.g. <c>20240131235959.123456-300</c> or <c>00000001120032.000000:000</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="WbemException">
    /// <see cref="WbemErrorEnum.wbemErrInvalidSyntax"/> when the text is malformed; <see cref="WbemException.Line"/> is 1
    /// and <see cref="WbemException.Column"/> the 1-based position of the first bad character (26 when it is too long,
    /// one past the end when it is too short, the field's first character when a field is out of range).
    /// </exception>
    public static CimDateTime Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    /// <summary>Parses the DMTF text of a point in time or an interval; see <see cref="Parse(string)"/>.</summary>
    /// <exception cref="WbemException"><see cref="WbemErrorEnum.wbemErrInvalidSyntax"/> when the text is malformed.</exception>
    public static CimDateTime Parse(ReadOnlySpan<char> text)
    {
        var error = ParseCore(text, out var value, out var column);
        return error == ParseError.None ? value : throw SyntaxError(error, column);
    }

    /// <summary>Parses the DMTF text of a point in time or an interval without throwing.</summary>
    /// <returns>False when <paramref name="text"/> is null or <see cref="Parse(string)"/> would throw.</returns>
    public static bool TryParse(string? text, out CimDateTime value)
    {
        if (text is null)
        {
            value = default;
            return false;
        }
        return TryParse(text.AsSpan(), out value);
    }

    /// <summary>Parses the DMTF text of a point in time or an interval without throwing.</summary>
    /// <returns>False when <see cref="Parse(ReadOnlySpan{char})"/> would throw.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out CimDateTime value)
    {
        if (ParseCore(text, out value, out _) == ParseError.None)
        {
            return true;
        }
        value = default;
        return false;
    }

    private static WbemException SyntaxError(ParseError error, int column)
    {
        var message = error switch
        {
            ParseError.TooShort => "A CIM datetime has exactly 25 characters; the text ends early.",
            ParseError.TooLong => "A CIM datetime has exactly 25 characters; the text is longer.",
            ParseError.ExpectedDigit => "Expected a digit.",
            ParseError.ExpectedDigitOrStar => "Expected a digit or '*'.",
            ParseError.MixedField => "A datetime field is either all digits or all '*'; microseconds may be starred from the right only.",
            ParseError.ExpectedDot => "Expected '.' before the microseconds.",
            ParseError.ExpectedSign => "Expected '+' or '-' (a point in time) or ':' (an interval) after the microseconds.",
            ParseError.ExpectedIntervalSuffix => "An interval ends in ':000'.",
            ParseError.StarInInterval => "An interval cannot contain '*'.",
            ParseError.Month => "The month must be 01 to 12.",
            ParseError.Day => "The day does not exist in that month.",
            ParseError.Hour => "The hour must be 00 to 23.",
            ParseError.Minute => "The minute must be 00 to 59.",
            ParseError.Second => "The second must be 00 to 59.",
            _ => "Invalid CIM datetime.",
        };
        return new WbemException(WbemErrorEnum.wbemErrInvalidSyntax, message, 1, column);
    }

    // Validates left to right so that the reported column is the first bad character; ranges are checked once
    // the whole field is read, and their column is the field's first character.
    private static ParseError ParseCore(ReadOnlySpan<char> s, out CimDateTime value, out int column)
    {
        value = default;
        var interval = s.Length > 21 && s[21] == ':';

        ParseError e;
        int year, month, day;
        if (interval)
        {
            if ((e = ReadField(s, 0, 8, false, out year, out column)) != ParseError.None)
            {
                return e;
            }
            month = day = 1;
        }
        else
        {
            if ((e = ReadField(s, 0, 4, true, out year, out column)) != ParseError.None
                || (e = ReadField(s, 4, 2, true, out month, out column)) != ParseError.None)
            {
                return e;
            }
            if (month != Star && month is < 1 or > 12)
            {
                column = 5;
                return ParseError.Month;
            }
            if ((e = ReadField(s, 6, 2, true, out day, out column)) != ParseError.None)
            {
                return e;
            }
            if (day != Star && (day < 1 || day > (month == Star ? 31 : MaxDay(year, month))))
            {
                column = 7;
                return ParseError.Day;
            }
        }

        var starsAllowed = !interval;
        if ((e = ReadField(s, 8, 2, starsAllowed, out var hour, out column)) != ParseError.None)
        {
            return e;
        }
        if (hour > 23)
        {
            column = 9;
            return ParseError.Hour;
        }
        if ((e = ReadField(s, 10, 2, starsAllowed, out var minute, out column)) != ParseError.None)
        {
            return e;
        }
        if (minute > 59)
        {
            column = 11;
            return ParseError.Minute;
        }
        if ((e = ReadField(s, 12, 2, starsAllowed, out var second, out column)) != ParseError.None)
        {
            return e;
        }
        if (second > 59)
        {
            column = 13;
            return ParseError.Second;
        }
        if (s.Length <= 14)
        {
            column = s.Length + 1;
            return ParseError.TooShort;
        }
        if (s[14] != '.')
        {
            column = 15;
            return ParseError.ExpectedDot;
        }
        if ((e = ReadMicroseconds(s, starsAllowed, out var micro, out var microStars, out column)) != ParseError.None)
        {
            return e;
        }
        if (s.Length <= 21)
        {
            column = s.Length + 1;
            return ParseError.TooShort;
        }

        byte flags;
        var offset = 0;
        if (interval)
        {
            for (var i = 22; i < 25; i++)
            {
                if (i >= s.Length)
                {
                    column = i + 1;
                    return ParseError.TooShort;
                }
                if (s[i] != '0')
                {
                    column = i + 1;
                    return ParseError.ExpectedIntervalSuffix;
                }
            }
            flags = FlagInterval;
        }
        else
        {
            var sign = s[21];
            if (sign is not ('+' or '-'))
            {
                column = 22;
                return ParseError.ExpectedSign;
            }
            if ((e = ReadField(s, 22, 3, true, out offset, out column)) != ParseError.None)
            {
                return e;
            }
            flags = sign == '-' ? FlagNegative : (byte)0;
            if (offset == Star)
            {
                flags |= FlagOffsetStar;
                offset = 0;
            }
            else if (sign == '-')
            {
                offset = -offset;
            }
        }
        if (s.Length > TextLength)
        {
            column = TextLength + 1;
            return ParseError.TooLong;
        }

        column = 0;
        // Intervals keep month and day at their zero encoding so that equal texts give equal fields.
        var month0 = month == Star ? Star : (sbyte)(month - 1);
        var day0 = day == Star ? Star : (sbyte)(day - 1);
        value = new CimDateTime(
            year, month0, day0, (sbyte)hour, (sbyte)minute, (sbyte)second, micro, (byte)microStars, (short)offset, flags);
        return ParseError.None;
    }

    // Reads s[start..start+length) as all digits or (when allowed) all stars; Star for stars.
    private static ParseError ReadField(ReadOnlySpan<char> s, int start, int length, bool starsAllowed, out int value, out int column)
    {
        value = 0;
        var stars = false;
        for (var i = start; i < start + length; i++)
        {
            if (i >= s.Length)
            {
                column = i + 1;
                return ParseError.TooShort;
            }
            var c = s[i];
            var isDigit = char.IsAsciiDigit(c);
            if (!isDigit && c != '*')
            {
                column = i + 1;
                return starsAllowed ? ParseError.ExpectedDigitOrStar : ParseError.ExpectedDigit;
            }
            if (c == '*' && !starsAllowed)
            {
                column = i + 1;
                return ParseError.StarInInterval;
            }
            if (i == start)
            {
                stars = !isDigit;
            }
            else if (stars == isDigit)
            {
                column = i + 1;
                return ParseError.MixedField;
            }
            if (isDigit)
            {
                value = (value * 10) + (c - '0');
            }
        }
        if (stars)
        {
            value = Star;
        }
        column = 0;
        return ParseError.None;
    }

    // Microseconds: digits, then optionally stars up to the end of the field (DSP0004 reduced precision).
    private static ParseError ReadMicroseconds(ReadOnlySpan<char> s, bool starsAllowed, out int value, out int stars, out int column)
    {
        value = 0;
        stars = 0;
        for (var i = 15; i < 21; i++)
        {
            if (i >= s.Length)
            {
                column = i + 1;
                return ParseError.TooShort;
            }
            var c = s[i];
            if (c == '*')
            {
                if (!starsAllowed)
                {
                    column = i + 1;
                    return ParseError.StarInInterval;
                }
                stars++;
                value *= 10;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (stars != 0)
                {
                    column = i + 1;
                    return ParseError.MixedField;
                }
                value = (value * 10) + (c - '0');
            }
            else
            {
                column = i + 1;
                return starsAllowed ? ParseError.ExpectedDigitOrStar : ParseError.ExpectedDigit;
            }
        }
        column = 0;
        return ParseError.None;
    }
}

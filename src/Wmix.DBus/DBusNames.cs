namespace Wmix.DBus;

/// <summary>Validation of D-Bus names and paths, as the specification's "Valid Names" section defines them.</summary>
public static class DBusNames
{
    /// <summary>Names (interface, member, bus, error) are at most this long.</summary>
    public const int MaxNameLength = 255;

    private static bool IsElementChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>True for <c>/</c> or <c>/a/b_c/0</c>: no empty elements, no trailing slash.</summary>
    public static bool IsObjectPath(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[0] != '/')
        {
            return false;
        }
        if (value.Length == 1)
        {
            return true;
        }
        var previousSlash = true;
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '/')
            {
                if (previousSlash)
                {
                    return false;
                }
                previousSlash = true;
            }
            else if (IsElementChar(c))
            {
                previousSlash = false;
            }
            else
            {
                return false;
            }
        }
        return !previousSlash;
    }

    /// <summary>True for a member (method or signal) name: <c>[A-Za-z_][A-Za-z0-9_]*</c>, at most 255 characters.</summary>
    public static bool IsMemberName(string? value)
        => !string.IsNullOrEmpty(value) && value.Length <= MaxNameLength && !char.IsAsciiDigit(value[0]) && value.All(IsElementChar);

    /// <summary>True for an interface or error name: two or more dot-separated elements, none starting with a digit.</summary>
    public static bool IsInterfaceName(string? value) => IsDotted(value, allowDigitStart: false, allowHyphen: false);

    /// <summary>True for a bus name: a unique name (<c>:1.42</c>) or a well-known name (<c>org.example.Name</c>).</summary>
    public static bool IsBusName(string? value)
        => value is { Length: > 0 } && (value[0] == ':' ? IsDotted(value[1..], allowDigitStart: true, allowHyphen: true, maxLength: MaxNameLength - 1)
            : IsDotted(value, allowDigitStart: false, allowHyphen: true));

    private static bool IsDotted(string? value, bool allowDigitStart, bool allowHyphen, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }
        var elements = 0;
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i == value.Length || value[i] == '.')
            {
                if (i == start || (!allowDigitStart && char.IsAsciiDigit(value[start])))
                {
                    return false;
                }
                elements++;
                start = i + 1;
            }
            else if (!IsElementChar(value[i]) && !(allowHyphen && value[i] == '-'))
            {
                return false;
            }
        }
        return elements >= 2;
    }
}

/// <summary>Validation and walking of type signatures.</summary>
public static class DBusSignatures
{
    /// <summary>A signature is at most this long.</summary>
    public const int MaxLength = 255;

    /// <summary>Arrays nest at most this deep (and structs, separately, as deep).</summary>
    public const int MaxContainerDepth = 32;

    /// <summary>Throws unless <paramref name="signature"/> is a valid signature.</summary>
    /// <exception cref="ArgumentException">The reason it is not.</exception>
    public static void Validate(string signature)
    {
        if (Check(signature) is { } error)
        {
            throw new ArgumentException($"'{signature}' is not a valid D-Bus signature: {error}", nameof(signature));
        }
    }

    /// <summary>Null when <paramref name="signature"/> is valid, else why not.</summary>
    public static string? Check(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (signature.Length > MaxLength)
        {
            return $"longer than {MaxLength} characters";
        }
        var i = 0;
        while (i < signature.Length)
        {
            if (CheckOne(signature, ref i, 0, 0) is { } error)
            {
                return error;
            }
        }
        return null;
    }

    /// <summary>True when <paramref name="signature"/> is exactly one valid complete type.</summary>
    public static bool IsSingleCompleteType(string signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var i = 0;
        return signature.Length is > 0 and <= MaxLength && CheckOne(signature, ref i, 0, 0) is null && i == signature.Length;
    }

    /// <summary>True for the basic (non-container) type codes, which may be dictionary keys.</summary>
    public static bool IsBasic(char code) => code is 'y' or 'b' or 'n' or 'q' or 'i' or 'u' or 'x' or 't' or 'd' or 's' or 'o' or 'g' or 'h';

    private static string? CheckOne(string s, ref int i, int arrays, int structs)
    {
        if (i >= s.Length)
        {
            return "a type is missing";
        }
        var c = s[i++];
        if (IsBasic(c) || c == 'v')
        {
            return null;
        }
        switch (c)
        {
            case 'a':
                if (arrays + 1 > MaxContainerDepth)
                {
                    return $"arrays nest deeper than {MaxContainerDepth}";
                }
                if (i < s.Length && s[i] == '{')
                {
                    i++;
                    if (structs + 1 > MaxContainerDepth)
                    {
                        return $"structs nest deeper than {MaxContainerDepth}";
                    }
                    if (i >= s.Length || !IsBasic(s[i]))
                    {
                        return "a dictionary key must be a basic type";
                    }
                    i++;
                    if (CheckOne(s, ref i, arrays + 1, structs + 1) is { } error)
                    {
                        return error;
                    }
                    if (i >= s.Length || s[i] != '}')
                    {
                        return "a dictionary entry has exactly two types";
                    }
                    i++;
                    return null;
                }
                return CheckOne(s, ref i, arrays + 1, structs);
            case '(':
                if (structs + 1 > MaxContainerDepth)
                {
                    return $"structs nest deeper than {MaxContainerDepth}";
                }
                if (i < s.Length && s[i] == ')')
                {
                    return "an empty struct";
                }
                while (i < s.Length && s[i] != ')')
                {
                    if (CheckOne(s, ref i, arrays, structs + 1) is { } error)
                    {
                        return error;
                    }
                }
                if (i >= s.Length)
                {
                    return "a struct is not closed";
                }
                i++;
                return null;
            case '{':
                return "a dictionary entry outside an array";
            default:
                return $"unknown type code '{c}'";
        }
    }

    /// <summary>The end index of the single complete type starting at <paramref name="start"/> of a valid signature.</summary>
    internal static int End(string s, int start)
    {
        var depth = 0;
        var i = start;
        do
        {
            var c = s[i++];
            if (c is '(' or '{')
            {
                depth++;
            }
            else if (c is ')' or '}')
            {
                depth--;
            }
            else if (c == 'a')
            {
                continue;
            }
        }
        while (depth > 0 || s[i - 1] == 'a');
        return i;
    }
}

using System.Globalization;

namespace Wmix.Cim;

/// <summary>What a MOF value literal is, before it meets the type it is assigned to.</summary>
internal enum MofLiteralKind
{
    Null,
    Integer,
    Real,
    String,
    Char,
    Boolean,
    Alias,
    Instance,
    Array,
}

/// <summary>A parsed value: its kind, its decoded value (a list of literals for arrays) and where it starts.</summary>
internal readonly record struct MofLiteral(MofLiteralKind Kind, object? Value, int Offset)
{
    public List<MofLiteral> Items => (List<MofLiteral>)Value!;

    public bool HasAlias => Kind == MofLiteralKind.Alias || (Kind == MofLiteralKind.Array && Items.Exists(i => i.Kind == MofLiteralKind.Alias));

    public string KindText => Kind switch
    {
        MofLiteralKind.Null => "NULL",
        MofLiteralKind.Integer => "an integer",
        MofLiteralKind.Real => "a real number",
        MofLiteralKind.String => "a string",
        MofLiteralKind.Char => "a char16 literal",
        MofLiteralKind.Boolean => "a boolean",
        MofLiteralKind.Alias => "an alias",
        MofLiteralKind.Instance => "an embedded instance",
        _ => "an array",
    };
}

internal sealed partial class MofParser
{
    /// <summary>
    /// Reads an initializer: a constant, an array <c>{…}</c>, an alias <c>$A</c> or (when
    /// <paramref name="allowInstance"/>) an embedded <c>instance of</c>.
    /// </summary>
    private MofLiteral ParseValue(bool allowInstance)
    {
        if (IsPunct('{'))
        {
            var start = _tok.Start;
            Advance();
            var items = new List<MofLiteral>(16);
            if (!IsPunct('}'))
            {
                while (true)
                {
                    if (IsPunct('{'))
                    {
                        throw Error(WbemErrorEnum.wbemErrInvalidSyntax, _tok.Start, "Arrays cannot be nested in MOF.");
                    }
                    items.Add(ParseValue(allowInstance));
                    if (IsPunct(','))
                    {
                        Advance();
                        continue;
                    }
                    break;
                }
            }
            ExpectPunct('}', "to close the array value (separate elements with ',')");
            return new MofLiteral(MofLiteralKind.Array, items, start);
        }
        return ParseScalar(allowInstance);
    }

    private MofLiteral ParseScalar(bool allowInstance)
    {
        var t = _tok;
        switch (t.Kind)
        {
            case MofTokenKind.String:
                Advance();
                if (_tok.Kind != MofTokenKind.String)
                {
                    return new MofLiteral(MofLiteralKind.String, t.Value, t.Start);
                }
                // Adjacent string literals are one value (DSP0221), how long descriptions are written.
                var sb = _concat.Clear().Append((string)t.Value!);
                while (_tok.Kind == MofTokenKind.String)
                {
                    sb.Append((string)_tok.Value!);
                    Advance();
                }
                return new MofLiteral(MofLiteralKind.String, sb.ToString(), t.Start);
            case MofTokenKind.Integer:
                Advance();
                return new MofLiteral(MofLiteralKind.Integer, t.Value, t.Start);
            case MofTokenKind.Real:
                Advance();
                return new MofLiteral(MofLiteralKind.Real, t.Value, t.Start);
            case MofTokenKind.Char:
                Advance();
                return new MofLiteral(MofLiteralKind.Char, t.Value, t.Start);
            case MofTokenKind.Alias:
                Advance();
                return new MofLiteral(MofLiteralKind.Alias, t.Value, t.Start);
            case MofTokenKind.Identifier:
                if (IsKeyword("true") || IsKeyword("false"))
                {
                    var b = IsKeyword("true");
                    Advance();
                    return new MofLiteral(MofLiteralKind.Boolean, b, t.Start);
                }
                if (IsKeyword("null"))
                {
                    Advance();
                    return new MofLiteral(MofLiteralKind.Null, null, t.Start);
                }
                if (IsKeyword("instance") && allowInstance)
                {
                    Enter(t.Start);
                    var instance = ParseInstance(null, t.Start, embedded: true, out _);
                    Leave();
                    return new MofLiteral(MofLiteralKind.Instance, instance, t.Start);
                }
                break;
        }
        throw Error(WbemErrorEnum.wbemErrInvalidSyntax, t.Start, $"Expected a value (number, string, char, TRUE, FALSE, NULL, '{{...}}'{(allowInstance ? ", $alias or 'instance of'" : "")}), not {Describe(t)}.");
    }

    /// <summary>
    /// Converts a literal to <paramref name="type"/>, as DSP0221 allows: integers to integer, real and char16
    /// types (range-checked), reals to real types, strings to string, datetime and reference (validated), booleans
    /// to boolean, chars to char16, embedded instances to object (of <paramref name="className"/> when given).
    /// </summary>
    /// <remarks><paramref name="wrapScalar"/> accepts a single value for an array (qualifiers, as mofcomp does).</remarks>
    private object? ConvertLiteral(MofLiteral literal, CimType type, bool isArray, string? className, string what, bool wrapScalar,
        WbemErrorEnum mismatch = WbemErrorEnum.wbemErrTypeMismatch)
    {
        if (literal.Kind == MofLiteralKind.Null)
        {
            return null;
        }
        if (isArray)
        {
            if (literal.Kind != MofLiteralKind.Array)
            {
                if (!wrapScalar)
                {
                    throw Error(mismatch, literal.Offset, $"{what} is an array of {type.MofName()}; write its value in braces, as in '{{...}}'.");
                }
                var single = CimValue.CreateArray(type, 1);
                single.SetValue(ConvertScalar(literal, type, className, what, mismatch), 0);
                return single;
            }
            var items = literal.Items;
            var result = CimValue.CreateArray(type, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i].Kind == MofLiteralKind.Null)
                {
                    throw Error(mismatch, items[i].Offset, $"An element of {what} is NULL; array elements must have values.");
                }
                result.SetValue(ConvertScalar(items[i], type, className, what, mismatch), i);
            }
            return result;
        }
        if (literal.Kind == MofLiteralKind.Array)
        {
            throw Error(mismatch, literal.Offset, $"{what} is a single {type.MofName()}, but the value is an array.");
        }
        return ConvertScalar(literal, type, className, what, mismatch);
    }

    private object ConvertScalar(MofLiteral literal, CimType type, string? className, string what, WbemErrorEnum mismatch)
    {
        var fits = literal.Kind switch
        {
            MofLiteralKind.Integer => type.IsNumeric() || type == CimType.Char16,
            MofLiteralKind.Real => type is CimType.Real32 or CimType.Real64,
            MofLiteralKind.String => type is CimType.String or CimType.DateTime or CimType.Reference,
            MofLiteralKind.Char => type == CimType.Char16,
            MofLiteralKind.Boolean => type == CimType.Boolean,
            MofLiteralKind.Instance => type == CimType.Object,
            _ => false,
        };
        if (!fits)
        {
            throw Error(mismatch, literal.Offset, $"{what} is {type.MofName()}, but the value is {literal.KindText}.");
        }
        try
        {
            switch (type)
            {
                case CimType.Real32:
                    var d = Convert.ToDouble(literal.Value, CultureInfo.InvariantCulture);
                    if (float.IsInfinity((float)d))
                    {
                        throw Error(WbemErrorEnum.wbemErrValueOutOfRange, literal.Offset, $"The value is out of range for {what} (real32).");
                    }
                    return (float)d;
                case CimType.Reference:
                    var text = (string)literal.Value!;
                    if (!CimObjectPath.TryParse(text, out _))
                    {
                        throw Error(WbemErrorEnum.wbemErrInvalidObjectPath, literal.Offset, $"'{Clip(text)}' is not a valid object path for {what}.");
                    }
                    return text;
                case CimType.Object:
                    var instance = (CimObject)literal.Value!;
                    if (className is not null && !instance.IsA(className))
                    {
                        throw Error(mismatch, literal.Offset, $"{what} holds {className} objects, but the value is an instance of {instance.ClassName}.");
                    }
                    return instance;
                default:
                    return CimValue.ConvertScalar(literal.Value!, type);
            }
        }
        catch (WbemException ex) when (ex.Line == 0)
        {
            throw Error(ex.ErrorCode, literal.Offset, $"{what}: {ex.Message}");
        }
    }
}

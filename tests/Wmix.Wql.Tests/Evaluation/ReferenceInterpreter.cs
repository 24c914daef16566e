using System.Globalization;
using System.Numerics;
using Wmix.Cim;

namespace Wmix.Wql.Tests.Evaluation;

/// <summary>
/// A slow, direct three-valued interpreter of WHERE trees (null = UNKNOWN), written independently of the compiled
/// evaluator, for property tests. Numbers go through <see cref="BigInteger"/>; everything is looked up by name.
/// </summary>
internal static class ReferenceInterpreter
{
    public static bool Matches(WqlExpression e, CimObject obj) => Eval(e, obj) == true;

    public static bool? Eval(WqlExpression e, CimObject obj)
    {
        switch (e)
        {
            case WqlAnd a:
                {
                    var l = Eval(a.Left, obj);
                    var r = Eval(a.Right, obj);
                    return l == false || r == false ? false : l == true && r == true ? true : null;
                }
            case WqlOr o:
                {
                    var l = Eval(o.Left, obj);
                    var r = Eval(o.Right, obj);
                    return l == true || r == true ? true : l == false && r == false ? false : null;
                }
            case WqlNot n:
                return !Eval(n.Operand, obj);
            case WqlIsNull isNull:
                {
                    var (found, value, _) = Lookup(obj, isNull.Property);
                    return found ? (value is null) != isNull.Negated : null;
                }
            case WqlIsa isa:
                {
                    var (found, value, type) = Lookup(obj, isa.Property);
                    if (!found || value is null)
                    {
                        return null;
                    }
                    if (value is CimObject o)
                    {
                        return o.ClassName.Equals(isa.ClassName, StringComparison.OrdinalIgnoreCase) ||
                            o.Derivation.Any(d => d.Equals(isa.ClassName, StringComparison.OrdinalIgnoreCase));
                    }
                    if (value is string s && type is CimType.Reference && CimObjectPath.TryParseReference(s, out var p))
                    {
                        return string.Equals(p.ClassName, isa.ClassName, StringComparison.OrdinalIgnoreCase);
                    }
                    return null;
                }
            case WqlLike like:
                {
                    var (found, value, _) = Lookup(obj, like.Property);
                    if (!found)
                    {
                        return null;
                    }
                    return value switch
                    {
                        string s => like.Matcher.IsMatch(s),
                        char c => like.Matcher.IsMatch(c.ToString()),
                        _ => null,
                    };
                }
            case WqlComparison c:
                {
                    var (found, value, type) = Lookup(obj, c.Property);
                    if (!found || value is null)
                    {
                        return null;
                    }
                    var ordering = c.Operator is not (WqlComparisonOperator.Equal or WqlComparisonOperator.NotEqual);
                    var cmp = Compare(value, type, c.Value, ordering);
                    if (cmp is not { } k)
                    {
                        return null;
                    }
                    return c.Operator switch
                    {
                        WqlComparisonOperator.Equal => k == 0,
                        WqlComparisonOperator.NotEqual => k != 0,
                        WqlComparisonOperator.Less => k < 0,
                        WqlComparisonOperator.LessOrEqual => k <= 0,
                        WqlComparisonOperator.Greater => k > 0,
                        _ => k >= 0,
                    };
                }
            default:
                throw new InvalidOperationException();
        }
    }

    private static (bool Found, object? Value, CimType Type) Lookup(CimObject obj, WqlPropertyPath path)
    {
        object? value = null;
        var type = CimType.None;
        var current = obj;
        for (var i = 0; i < path.Parts.Count; i++)
        {
            var name = path.Parts[i];
            if (i > 0)
            {
                if (value is null)
                {
                    return (true, null, CimType.None);
                }
                if (value is not CimObject next)
                {
                    return (false, null, CimType.None);
                }
                current = next;
            }
            if (i == 0 && name.Equals("__this", StringComparison.OrdinalIgnoreCase))
            {
                value = obj;
                type = CimType.Object;
                continue;
            }
            if (CimObject.SystemPropertyNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                current.TryGetSystemProperty(name, out value);
                CimObject.TryGetSystemPropertyType(name, out type, out _);
                continue;
            }
            var index = current.Class.IndexOf(name);
            if (index < 0)
            {
                return (false, null, CimType.None);
            }
            value = current.GetValue(index);
            type = current.Properties[index].Type;
        }
        return (true, value, type);
    }

    private static int? Compare(object value, CimType type, WqlLiteral literal, bool ordering)
    {
        if (type == CimType.None)
        {
            type = value switch
            {
                string => CimType.String,
                int => CimType.SInt32,
                float => CimType.Real32,
                double => CimType.Real64,
                bool => CimType.Boolean,
                char => CimType.Char16,
                _ when IsInteger(value) => CimType.SInt64,
                _ => CimType.None,
            };
        }
        switch (type)
        {
            case CimType.SInt8 or CimType.UInt8 or CimType.SInt16 or CimType.UInt16 or CimType.SInt32 or CimType.UInt32
                or CimType.SInt64 or CimType.UInt64:
                {
                    if (!IsInteger(value))
                    {
                        return null;
                    }
                    var v = BigInteger.Parse(Convert.ToString(value, CultureInfo.InvariantCulture)!, CultureInfo.InvariantCulture);
                    return Number(literal) switch
                    {
                        (BigInteger i, _) => v.CompareTo(i),
                        (null, double d) when Math.Floor(d) == d => v.CompareTo(new BigInteger(d)),
                        (null, double d) => v <= new BigInteger(Math.Floor(d)) ? -1 : 1,
                        _ => null,
                    };
                }
            case CimType.Real64:
                {
                    if (value is not double d || double.IsNaN(d))
                    {
                        return null;
                    }
                    return Number(literal) switch
                    {
                        (BigInteger i, _) => d.CompareTo((double)i),
                        (null, double r) => d.CompareTo(r),
                        _ => null,
                    };
                }
            case CimType.Real32:
                {
                    if (value is not float f || float.IsNaN(f))
                    {
                        return null;
                    }
                    return Number(literal) switch
                    {
                        (BigInteger i, _) => f.CompareTo((float)(Int128)i),
                        (null, double r) => f.CompareTo((float)r),
                        _ => null,
                    };
                }
            case CimType.Boolean:
                {
                    if (ordering || value is not bool b)
                    {
                        return null;
                    }
                    bool? lit = literal.Value switch
                    {
                        bool x => x,
                        string s when s.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) => true,
                        string s when s.Trim().Equals("false", StringComparison.OrdinalIgnoreCase) => false,
                        _ => Number(literal) switch
                        {
                            (BigInteger i, _) => !i.IsZero,
                            (null, double d) => d != 0,
                            _ => null,
                        },
                    };
                    return lit is null ? null : b == lit ? 0 : 1;
                }
            case CimType.Char16:
                {
                    if (value is not char ch)
                    {
                        return null;
                    }
                    return literal.Value switch
                    {
                        string { Length: 1 } s => string.Compare(ch.ToString(), s, StringComparison.OrdinalIgnoreCase),
                        long l => ((long)ch).CompareTo(l),
                        ulong => -1,
                        _ => null,
                    };
                }
            case CimType.String:
                return value is string str && literal.Value is string ls ? string.Compare(str, ls, StringComparison.OrdinalIgnoreCase) : null;
            case CimType.DateTime:
                {
                    if (value is not string stored || literal.Value is not string text ||
                        !CimDateTime.TryParseWqlLiteral(text, out var constant) || !CimDateTime.TryParse(stored, out var dt))
                    {
                        return null;
                    }
                    if (CimDateTime.TryCompareChronologically(dt, constant, out var k))
                    {
                        return k;
                    }
                    return ordering ? null : dt.ToString() == constant.ToString() ? 0 : 1;
                }
            case CimType.Reference:
                {
                    if (ordering || value is not string stored || literal.Value is not string text)
                    {
                        return null;
                    }
                    if (stored.Equals(text, StringComparison.OrdinalIgnoreCase))
                    {
                        return 0;
                    }
                    if (CimObjectPath.TryParseReference(text, out var c) && CimObjectPath.TryParseReference(stored, out var s))
                    {
                        if (c.Server is null && c.Namespace is null)
                        {
                            s = s.WithLocation(null, null);
                        }
                        return s == c ? 0 : 1;
                    }
                    return 1;
                }
            default:
                return null;
        }
    }

    private static bool IsInteger(object v) => v is sbyte or byte or short or ushort or int or uint or long or ulong;

    /// <summary>The literal as an integer or a real, or (null, null).</summary>
    private static (BigInteger? Integer, double? Real) Number(WqlLiteral literal)
    {
        switch (literal.Value)
        {
            case long l: return (l, null);
            case ulong u: return (u, null);
            case double d: return (null, d);
            case bool b: return (b ? 1 : 0, null);
            case string s:
                var t = s.Trim();
                if (t.Length > 0 && BigInteger.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)
                    && i >= (BigInteger)Int128.MinValue && i <= (BigInteger)Int128.MaxValue)
                {
                    return (i, null);
                }
                if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
                    ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h))
                {
                    return (h, null);
                }
                if (double.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                        CultureInfo.InvariantCulture, out var r) && double.IsFinite(r))
                {
                    return (null, r);
                }
                return (null, null);
            default:
                return (null, null);
        }
    }
}

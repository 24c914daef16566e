using Wmix.Cim;
using Wmix.Wql.Internal;

namespace Wmix.Wql;

/// <summary>
/// Parses WQL text into a <see cref="WqlQuery"/>. Syntax only: whether classes and properties exist, whether an event
/// class derives from <c>__Event</c>, and whether dotted paths reach embedded objects are checked later, with class
/// information.
/// </summary>
/// <remarks>
/// <para>Decisions beyond Microsoft's documentation:</para>
/// <list type="bullet">
/// <item>Strings take <c>\\</c>, <c>\"</c> and <c>\'</c> escapes; any other backslash is kept literally together with the
/// character after it (so <c>"C:\Windows"</c> means <c>C:\Windows</c>).</item>
/// <item><c>P = NULL</c> is read as <c>P IS NULL</c> and <c>P &lt;&gt; NULL</c> as <c>P IS NOT NULL</c>; ordering
/// operators with NULL are invalid.</item>
/// <item>SELECT, FROM, WHERE, AND, OR, NOT, NULL, TRUE, FALSE, IS, ISA and LIKE are reserved. WITHIN, GROUP, BY, HAVING,
/// ASSOCIATORS, REFERENCES, OF and the association keywords are keywords only where the grammar expects them, so a
/// property or class may be called <c>Role</c> or <c>Group</c>. In a BY list, HAVING always ends the list.</item>
/// <item>More than <see cref="MaxLogicalOperators"/> AND/OR operators, or parentheses and NOT nested deeper than
/// <see cref="MaxNestingDepth"/>, give <c>wbemErrQuotaViolation</c>.</item>
/// </list>
/// </remarks>
public static class WqlParser
{
    /// <summary>The longest query text accepted, WBEM_MAX_QUERY (16384 characters).</summary>
    public const int MaxQueryLength = 0x4000;

    /// <summary>The most AND/OR operators a condition may hold; one more gives <c>wbemErrQuotaViolation</c>.</summary>
    public const int MaxLogicalOperators = 1024;

    /// <summary>
    /// The deepest nesting of parentheses and NOT in a condition (WBEM_MAX_OBJECT_NESTING); one more gives
    /// <c>wbemErrQuotaViolation</c>. This also bounds the parser's recursion.
    /// </summary>
    public const int MaxNestingDepth = 64;

    /// <summary>Parses any WQL statement; a SELECT with WITHIN, GROUP or HAVING becomes a <see cref="WqlEventQuery"/>.</summary>
    /// <param name="text">The query text.</param>
    /// <returns>The parsed query; its <see cref="WqlQuery.Text"/> is <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="WbemException">See <see cref="Parse(string, WqlQueryKind)"/>.</exception>
    public static WqlQuery Parse(string text) => Parse(text, WqlQueryKind.Any);

    /// <summary>Parses a WQL statement of the kind the caller accepts.</summary>
    /// <param name="text">The query text.</param>
    /// <param name="expected">What the caller accepts; see <see cref="WqlQueryKind"/>.</param>
    /// <returns>The parsed query; its <see cref="WqlQuery.Text"/> is <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="WbemException">
    /// <c>wbemErrInvalidParameter</c> for text longer than <see cref="MaxQueryLength"/>;
    /// <c>wbemErrInvalidQuery</c> for bad syntax (including empty text);
    /// <c>wbemErrMissingGroupWithin</c> for GROUP BY or HAVING without GROUP WITHIN;
    /// <c>wbemErrMissingAggregationList</c> for an empty BY list;
    /// <c>wbemErrQuotaViolation</c> for a condition past <see cref="MaxLogicalOperators"/> or <see cref="MaxNestingDepth"/>.
    /// <see cref="WbemException.Line"/> is 1 and <see cref="WbemException.Column"/> the 1-based start of the offending
    /// token (one past the last character at the end of the text).
    /// </exception>
    public static WqlQuery Parse(string text, WqlQueryKind expected)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxQueryLength)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidParameter,
                $"The query is {text.Length} characters long; WBEM_MAX_QUERY allows {MaxQueryLength}.", 1, MaxQueryLength + 1);
        }
        if (expected is not (WqlQueryKind.Any or WqlQueryKind.Data or WqlQueryKind.Event))
        {
            throw new ArgumentOutOfRangeException(nameof(expected), expected, "Not a WqlQueryKind.");
        }
        return new WqlParserCore(text, expected).ParseQuery();
    }
}

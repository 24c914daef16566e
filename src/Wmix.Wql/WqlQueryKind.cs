namespace Wmix.Wql;

/// <summary>What the caller of <see cref="WqlParser.Parse(string, WqlQueryKind)"/> expects the text to be.</summary>
public enum WqlQueryKind
{
    /// <summary>
    /// Any statement. A SELECT with WITHIN, GROUP or HAVING becomes a <see cref="WqlEventQuery"/>, any other SELECT a
    /// <see cref="WqlSelectQuery"/>.
    /// </summary>
    Any,

    /// <summary>
    /// What ExecQuery accepts: SELECT (data or schema), ASSOCIATORS OF and REFERENCES OF. WITHIN, GROUP and HAVING
    /// give <c>wbemErrInvalidQuery</c>.
    /// </summary>
    Data,

    /// <summary>
    /// What ExecNotificationQuery accepts: a SELECT, always returned as a <see cref="WqlEventQuery"/> (WITHIN and GROUP
    /// optional). ASSOCIATORS OF and REFERENCES OF give <c>wbemErrInvalidQuery</c>.
    /// </summary>
    Event,
}

using Wmix.Wql.Internal;

namespace Wmix.Wql;

/// <summary>
/// A parsed WQL statement. Subclasses: <see cref="WqlSelectQuery"/>, <see cref="WqlEventQuery"/>,
/// <see cref="WqlAssociatorsQuery"/> and <see cref="WqlReferencesQuery"/>.
/// </summary>
/// <remarks>
/// Equality is structural over the parsed meaning and ignores <see cref="Text"/>, so <c>Parse(q.ToWql())</c> equals
/// <c>q</c>.
/// </remarks>
public abstract record WqlQuery
{
    private string? _text;

    private protected WqlQuery()
    {
    }

    /// <summary>The text the query was parsed from; for a query built in code, its <see cref="ToWql"/> form.</summary>
    public string Text
    {
        get => _text ??= ToWql();
        init => _text = value;
    }

    /// <summary>The canonical WQL form: upper-case keywords, single spaces, double-quoted strings, minimal parentheses.</summary>
    /// <remarks>
    /// Parsing the result gives an equal query. The canonical spacing can make it longer than the text it came from,
    /// so a query close to <see cref="WqlParser.MaxQueryLength"/> may format past that limit.
    /// </remarks>
    public string ToWql() => WqlFormatter.Format(this);

    /// <summary>Same as <see cref="ToWql"/>.</summary>
    public sealed override string ToString() => ToWql();

    /// <summary>Structural equality that ignores <see cref="Text"/>.</summary>
    public virtual bool Equals(WqlQuery? other) => other is not null && EqualityContract == other.EqualityContract;

    /// <summary>A hash consistent with <see cref="Equals(WqlQuery?)"/>.</summary>
    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>
/// <c>SELECT list FROM Class [WHERE cond]</c>: a data query, or a schema query when the class is <c>meta_class</c>.
/// </summary>
public sealed record WqlSelectQuery : WqlQuery
{
    private readonly ValueList<WqlPropertyPath>? _selectList;

    /// <summary>Creates a data or schema query.</summary>
    /// <param name="selectList">The selected properties, or null for <c>*</c>.</param>
    /// <param name="className">The class queried; <c>meta_class</c> makes a schema query.</param>
    /// <param name="where">The condition, or null.</param>
    /// <exception cref="ArgumentException">An empty select list, a bad class name, or a property list on a schema query.</exception>
    public WqlSelectQuery(IReadOnlyList<WqlPropertyPath>? selectList, string className, WqlExpression? where = null)
    {
        ClassName = WqlSyntax.RequireIdentifier(className, nameof(className));
        _selectList = WqlQueryChecks.SelectList(selectList, nameof(selectList));
        if (_selectList is not null && IsSchemaQuery)
        {
            throw new ArgumentException("Schema queries (FROM meta_class) select only *.", nameof(selectList));
        }
        Where = where;
    }

    /// <summary>The selected properties, or null for <c>*</c>.</summary>
    public IReadOnlyList<WqlPropertyPath>? SelectList => _selectList;

    /// <summary>The class after FROM, as written.</summary>
    public string ClassName { get; }

    /// <summary>True for <c>FROM meta_class</c> (any case): the query returns class definitions.</summary>
    public bool IsSchemaQuery => string.Equals(ClassName, WqlSyntax.MetaClass, StringComparison.OrdinalIgnoreCase);

    /// <summary>The WHERE condition, or null.</summary>
    public WqlExpression? Where { get; }
}

/// <summary>
/// <c>SELECT list FROM EventClass [WITHIN poll] [WHERE cond] [GROUP WITHIN n [BY list] [HAVING NumberOfEvents op k]]</c>.
/// </summary>
public sealed record WqlEventQuery : WqlQuery
{
    private readonly ValueList<WqlPropertyPath>? _selectList;
    private readonly ValueList<WqlPropertyPath>? _groupBy;

    /// <summary>Creates an event query.</summary>
    /// <param name="selectList">The selected properties, or null for <c>*</c>.</param>
    /// <param name="eventClassName">The event class after FROM.</param>
    /// <param name="within">The polling interval (WITHIN), positive, or null.</param>
    /// <param name="where">The condition, or null.</param>
    /// <param name="groupWithin">The grouping window (GROUP WITHIN), a positive whole number of seconds, or null.</param>
    /// <param name="groupBy">The BY properties (non-empty), or null; needs <paramref name="groupWithin"/>.</param>
    /// <param name="having">The HAVING clause, or null; needs <paramref name="groupWithin"/>.</param>
    /// <exception cref="ArgumentException">Any combination the parser would reject.</exception>
    public WqlEventQuery(
        IReadOnlyList<WqlPropertyPath>? selectList,
        string eventClassName,
        TimeSpan? within = null,
        WqlExpression? where = null,
        TimeSpan? groupWithin = null,
        IReadOnlyList<WqlPropertyPath>? groupBy = null,
        WqlHaving? having = null)
    {
        EventClassName = WqlSyntax.RequireIdentifier(eventClassName, nameof(eventClassName));
        _selectList = WqlQueryChecks.SelectList(selectList, nameof(selectList));
        if (within is { } w && w <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(within), w, "WITHIN needs a positive interval.");
        }
        if (groupWithin is { } g && (g <= TimeSpan.Zero || g.Ticks % TimeSpan.TicksPerSecond != 0 || g.Ticks / TimeSpan.TicksPerSecond > uint.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(groupWithin), g, "GROUP WITHIN needs a positive whole number of seconds (uint32).");
        }
        if (groupWithin is null && (groupBy is not null || having is not null))
        {
            throw new ArgumentException("BY and HAVING need GROUP WITHIN.", groupBy is not null ? nameof(groupBy) : nameof(having));
        }
        if (groupBy is { Count: 0 })
        {
            throw new ArgumentException("GROUP WITHIN … BY needs at least one property.", nameof(groupBy));
        }
        _groupBy = ValueList<WqlPropertyPath>.From(groupBy);
        foreach (var path in _groupBy ?? (IEnumerable<WqlPropertyPath>)[])
        {
            if (path is null)
            {
                throw new ArgumentException("The BY list contains null.", nameof(groupBy));
            }
            if (string.Equals(path.Parts[0], "HAVING", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException("A BY property cannot start with HAVING, which ends the BY list.", nameof(groupBy));
            }
        }
        Within = within;
        Where = where;
        GroupWithin = groupWithin;
        Having = having;
    }

    /// <summary>The selected properties, or null for <c>*</c>.</summary>
    public IReadOnlyList<WqlPropertyPath>? SelectList => _selectList;

    /// <summary>The event class after FROM (whether it derives from <c>__Event</c> is checked later, with class information).</summary>
    public string EventClassName { get; }

    /// <summary>The WITHIN polling interval, or null.</summary>
    public TimeSpan? Within { get; }

    /// <summary>The WHERE condition, or null.</summary>
    public WqlExpression? Where { get; }

    /// <summary>The GROUP WITHIN window, or null when the query is not grouped.</summary>
    public TimeSpan? GroupWithin { get; }

    /// <summary>The GROUP … BY properties, or null.</summary>
    public IReadOnlyList<WqlPropertyPath>? GroupBy => _groupBy;

    /// <summary>The HAVING clause, or null.</summary>
    public WqlHaving? Having { get; }
}

/// <summary>
/// <c>ASSOCIATORS OF {ObjectPath} [WHERE keywords]</c>: the endpoints associated with an object.
/// </summary>
public sealed record WqlAssociatorsQuery : WqlQuery
{
    /// <summary>Creates an ASSOCIATORS OF query; <paramref name="objectPath"/> is the raw text between the braces.</summary>
    /// <exception cref="ArgumentException">
    /// An empty or brace-unbalanced path, a value that is not an identifier, ClassDefsOnly with ResultClass, or SchemaOnly
    /// with ClassDefsOnly.
    /// </exception>
    public WqlAssociatorsQuery(
        string objectPath,
        string? assocClass = null,
        string? resultClass = null,
        string? resultRole = null,
        string? role = null,
        string? requiredAssocQualifier = null,
        string? requiredQualifier = null,
        bool classDefsOnly = false,
        bool schemaOnly = false,
        bool keysOnly = false)
    {
        ObjectPath = WqlQueryChecks.ObjectPath(objectPath, nameof(objectPath));
        AssocClass = WqlQueryChecks.OptionalIdentifier(assocClass, nameof(assocClass));
        ResultClass = WqlQueryChecks.OptionalIdentifier(resultClass, nameof(resultClass));
        ResultRole = WqlQueryChecks.OptionalIdentifier(resultRole, nameof(resultRole));
        Role = WqlQueryChecks.OptionalIdentifier(role, nameof(role));
        RequiredAssocQualifier = WqlQueryChecks.OptionalIdentifier(requiredAssocQualifier, nameof(requiredAssocQualifier));
        RequiredQualifier = WqlQueryChecks.OptionalIdentifier(requiredQualifier, nameof(requiredQualifier));
        WqlQueryChecks.Flags(classDefsOnly, schemaOnly, resultClass);
        ClassDefsOnly = classDefsOnly;
        SchemaOnly = schemaOnly;
        KeysOnly = keysOnly;
    }

    /// <summary>The source object path: the raw text between the braces, trimmed.</summary>
    public string ObjectPath { get; }

    /// <summary>AssocClass: endpoints must be linked through this association class or a subclass.</summary>
    public string? AssocClass { get; }

    /// <summary>ResultClass: endpoints must be this class or a subclass.</summary>
    public string? ResultClass { get; }

    /// <summary>ResultRole: the reference property that points at the endpoint.</summary>
    public string? ResultRole { get; }

    /// <summary>Role: the reference property that points at the source.</summary>
    public string? Role { get; }

    /// <summary>RequiredAssocQualifier: the association class must carry this qualifier.</summary>
    public string? RequiredAssocQualifier { get; }

    /// <summary>RequiredQualifier: the endpoint must carry this qualifier.</summary>
    public string? RequiredQualifier { get; }

    /// <summary>ClassDefsOnly: return the endpoints' class definitions instead of instances.</summary>
    public bool ClassDefsOnly { get; }

    /// <summary>SchemaOnly: a schema association query (the source is a class).</summary>
    public bool SchemaOnly { get; }

    /// <summary>KeysOnly: results carry key properties only.</summary>
    public bool KeysOnly { get; }
}

/// <summary>
/// <c>REFERENCES OF {ObjectPath} [WHERE keywords]</c>: the association objects that refer to an object.
/// </summary>
public sealed record WqlReferencesQuery : WqlQuery
{
    /// <summary>Creates a REFERENCES OF query; <paramref name="objectPath"/> is the raw text between the braces.</summary>
    /// <exception cref="ArgumentException">
    /// An empty or brace-unbalanced path, a value that is not an identifier, ClassDefsOnly with ResultClass, or SchemaOnly
    /// with ClassDefsOnly.
    /// </exception>
    public WqlReferencesQuery(
        string objectPath,
        string? resultClass = null,
        string? role = null,
        string? requiredQualifier = null,
        bool classDefsOnly = false,
        bool schemaOnly = false,
        bool keysOnly = false)
    {
        ObjectPath = WqlQueryChecks.ObjectPath(objectPath, nameof(objectPath));
        ResultClass = WqlQueryChecks.OptionalIdentifier(resultClass, nameof(resultClass));
        Role = WqlQueryChecks.OptionalIdentifier(role, nameof(role));
        RequiredQualifier = WqlQueryChecks.OptionalIdentifier(requiredQualifier, nameof(requiredQualifier));
        WqlQueryChecks.Flags(classDefsOnly, schemaOnly, resultClass);
        ClassDefsOnly = classDefsOnly;
        SchemaOnly = schemaOnly;
        KeysOnly = keysOnly;
    }

    /// <summary>The target object path: the raw text between the braces, trimmed.</summary>
    public string ObjectPath { get; }

    /// <summary>ResultClass: the association objects must be this class or a subclass.</summary>
    public string? ResultClass { get; }

    /// <summary>Role: the reference property that points at the target.</summary>
    public string? Role { get; }

    /// <summary>RequiredQualifier: the association class must carry this qualifier.</summary>
    public string? RequiredQualifier { get; }

    /// <summary>ClassDefsOnly: return class definitions instead of instances.</summary>
    public bool ClassDefsOnly { get; }

    /// <summary>SchemaOnly: a schema query (the target is a class).</summary>
    public bool SchemaOnly { get; }

    /// <summary>KeysOnly: results carry key properties only.</summary>
    public bool KeysOnly { get; }
}

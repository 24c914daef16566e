using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Providers;

/// <summary>
/// What a provider knows about the call it serves: where, for whom, with which provider context and query, and how to
/// report progress. One per call; not thread-safe beyond <see cref="ReportProgress"/>.
/// </summary>
public sealed class ProviderContext
{
    private readonly CimOperation? _operation;
    private readonly bool _sendStatus;
    private readonly CallOptions _options;

    internal ProviderContext(string @namespace, string serverName, CallOptions options, WqlSelectQuery? query,
        CimOperation? operation, CancellationToken cancellationToken)
    {
        Namespace = @namespace;
        ServerName = serverName;
        Context = options.Context;
        Query = query;
        _operation = operation;
        _options = options;
        _sendStatus = options.SendStatus;
        CancellationToken = cancellationToken;
    }

    private ProviderContext(ProviderContext call, CimInstance associationSource)
        : this(call.Namespace, call.ServerName, call._options, call.Query, call._operation, call.CancellationToken) =>
        AssociationSource = associationSource;

    /// <summary>The namespace of the call, e.g. <c>root\cimv2</c>.</summary>
    public string Namespace { get; }

    /// <summary>The object manager's server name.</summary>
    public string ServerName { get; }

    /// <summary>The caller's provider context (WMI's <c>objWbemNamedValueSet</c>), untouched, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Context { get; }

    /// <summary>
    /// The data query being answered, or null (InstancesOf, Get, associations). A provider may use its WHERE clause to
    /// produce fewer instances (push-down); the engine still applies the whole query to what it returns, so using it
    /// is an optimisation, never a duty.
    /// </summary>
    public WqlSelectQuery? Query { get; }

    /// <summary>
    /// When the engine enumerates an association class to answer <c>ASSOCIATORS OF</c> / <c>REFERENCES OF</c> (or
    /// AssociatorsOf / ReferencesTo): the instance the associations must refer to; null otherwise. A provider may
    /// return only the associations that refer to it (push-down: a directory's entries rather than every file of the
    /// machine); the engine still checks every reference, so using it is an optimisation, never a duty.
    /// </summary>
    public CimInstance? AssociationSource { get; }

    /// <summary>The call's cancellation token (also passed to each provider method).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>True when the caller asked for progress reports (wbemFlagSendStatus); reports are dropped otherwise.</summary>
    public bool IsProgressRequested => _sendStatus && _operation is not null;

    /// <summary>Reports interim progress; forwarded to the caller only when it asked for status, and never after the call ended.</summary>
    /// <param name="upperBound">The total number of steps.</param>
    /// <param name="current">The steps done.</param>
    /// <param name="message">An optional message.</param>
    public void ReportProgress(int upperBound, int current, string? message)
    {
        if (_sendStatus)
        {
            _operation?.ReportProgress(upperBound, current, message);
        }
    }

    /// <summary>The same call, enumerating associations that must refer to <paramref name="source"/>.</summary>
    internal ProviderContext ForAssociationsOf(CimInstance source) => new(this, source);
}

using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>
/// A connection to one namespace of an object manager, local or remote: every WMI call as an operation that
/// reports to an <see cref="IOperationSink"/>. The scripting API (<c>SWbemServices</c>) and the .NET surface
/// (<c>CimSession</c>) are built on it; the local object manager and the remote client implement it.
/// </summary>
/// <remarks>
/// Every method validates its arguments synchronously and throws <see cref="WbemException"/> for a call that
/// fails up front (then no sink event is ever raised). Everything found later — query syntax, unknown class or
/// object, provider failure — arrives as the operation's completion status. The returned operation is already
/// running.
/// </remarks>
public interface ICimConnection : IDisposable
{
    /// <summary>The server this connection reaches (the local machine's name when local).</summary>
    string Server { get; }

    /// <summary>The connected namespace, e.g. <c>root\cimv2</c>.</summary>
    string Namespace { get; }

    /// <summary>The outstanding operations of this connection's object manager (or client).</summary>
    OperationRegistry Operations { get; }

    /// <summary>A connection to another namespace of the same object manager and credentials.</summary>
    ICimConnection OpenNamespace(string @namespace);

    /// <summary>ExecQuery: a WQL data, schema, ASSOCIATORS OF or REFERENCES OF query.</summary>
    CimOperation ExecQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink);

    /// <summary>ExecNotificationQuery: an event subscription that runs until cancelled.</summary>
    CimOperation ExecNotificationQuery(string query, string queryLanguage, CallOptions options, IOperationSink sink);

    /// <summary>Get: one class or instance by path; an empty path gives a new empty class.</summary>
    CimOperation GetObject(string? objectPath, CallOptions options, IOperationSink sink);

    /// <summary>InstancesOf: the instances of a class, deep unless <see cref="CallOptions.Shallow"/>.</summary>
    CimOperation InstancesOf(string className, CallOptions options, IOperationSink sink);

    /// <summary>SubclassesOf: the classes below <paramref name="superclass"/> (all top-level classes' trees when null or empty).</summary>
    CimOperation SubclassesOf(string? superclass, CallOptions options, IOperationSink sink);

    /// <summary>Put: stores a class or instance; reports the stored path through <see cref="IOperationSink.OnObjectPut"/>.</summary>
    CimOperation Put(CimObject value, CallOptions options, IOperationSink sink);

    /// <summary>Delete: removes a class (with subclasses and instances), an instance, or a namespace (<c>__NAMESPACE.Name="x"</c>).</summary>
    CimOperation Delete(string objectPath, CallOptions options, IOperationSink sink);

    /// <summary>ExecMethod: calls a method; the out-parameters object is delivered as the one result.</summary>
    CimOperation ExecMethod(string objectPath, string methodName, CimObject? inParameters, CallOptions options, IOperationSink sink);

    /// <summary>AssociatorsOf: the objects associated with <paramref name="objectPath"/>.</summary>
    CimOperation AssociatorsOf(string objectPath, AssociatorsFilter filter, CallOptions options, IOperationSink sink);

    /// <summary>ReferencesTo: the association objects that refer to <paramref name="objectPath"/>.</summary>
    CimOperation ReferencesTo(string objectPath, ReferencesFilter filter, CallOptions options, IOperationSink sink);
}

/// <summary>The filters of ASSOCIATORS OF / <c>AssociatorsOf</c>, each optional.</summary>
/// <param name="AssocClass">Only associations of this class (or subclasses).</param>
/// <param name="ResultClass">Only endpoints of this class (or subclasses).</param>
/// <param name="ResultRole">Only endpoints that play this role in the association.</param>
/// <param name="Role">Only associations where the source plays this role.</param>
/// <param name="ClassesOnly">Return the endpoints' class definitions instead of instances (ClassDefsOnly).</param>
/// <param name="SchemaOnly">Schema association query: the source is a class.</param>
/// <param name="RequiredAssocQualifier">Only associations whose class has this qualifier.</param>
/// <param name="RequiredQualifier">Only endpoints whose class has this qualifier.</param>
/// <param name="KeysOnly">Return endpoints with key properties only.</param>
public sealed record AssociatorsFilter(
    string? AssocClass = null,
    string? ResultClass = null,
    string? ResultRole = null,
    string? Role = null,
    bool ClassesOnly = false,
    bool SchemaOnly = false,
    string? RequiredAssocQualifier = null,
    string? RequiredQualifier = null,
    bool KeysOnly = false)
{
    /// <summary>No filter.</summary>
    public static AssociatorsFilter None { get; } = new();
}

/// <summary>The filters of REFERENCES OF / <c>ReferencesTo</c>, each optional.</summary>
/// <param name="ResultClass">Only associations of this class (or subclasses).</param>
/// <param name="Role">Only associations where the source plays this role.</param>
/// <param name="ClassesOnly">Return the associations' class definitions (ClassDefsOnly).</param>
/// <param name="SchemaOnly">Schema query: the source is a class.</param>
/// <param name="RequiredQualifier">Only associations whose class has this qualifier.</param>
/// <param name="KeysOnly">Return associations with key properties only.</param>
public sealed record ReferencesFilter(
    string? ResultClass = null,
    string? Role = null,
    bool ClassesOnly = false,
    bool SchemaOnly = false,
    string? RequiredQualifier = null,
    bool KeysOnly = false)
{
    /// <summary>No filter.</summary>
    public static ReferencesFilter None { get; } = new();
}

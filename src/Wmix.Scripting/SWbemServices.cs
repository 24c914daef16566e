using Wmix.Cim;
using Wmix.Engine;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// A connection to one namespace (WMI's <c>SWbemServices</c>); get one from
/// <see cref="SWbemLocator.ConnectServer"/>. Every method exists in a synchronous or semi-synchronous form and an
/// asynchronous form (<c>…Async</c>, "reports to an <see cref="SWbemSink"/>").
/// </summary>
/// <remarks>
/// <para>Collections (<c>ExecQuery</c>, <c>InstancesOf</c>, <c>SubclassesOf</c>, <c>AssociatorsOf</c>,
/// <c>ReferencesTo</c>) default to semi-synchronous (<c>wbemFlagReturnImmediately</c>): see
/// <see cref="SWbemObjectSet"/>. <c>Get</c>, <c>Delete</c> and <c>ExecMethod</c> are synchronous.</para>
/// <para>Async methods validate their arguments and raise up-front failures themselves (no event is raised then);
/// everything found later — query syntax, unknown class or object, provider failure — arrives as
/// <see cref="SWbemSink.OnCompleted"/>. <c>objWbemNamedValueSet</c> is the provider context, forwarded untouched;
/// <c>objWbemAsyncContext</c> comes back with every event of the call.</para>
/// </remarks>
public class SWbemServices
{
    internal const int FlagShallow = 0x1;
    internal const int FlagPrototype = 0x2;
    internal const int FlagReturnImmediately = 0x10;
    internal const int FlagForwardOnly = 0x20;
    internal const int FlagNoErrorObject = 0x40;
    internal const int FlagSendStatus = 0x80;
    internal const int FlagEnsureLocatable = 0x100;
    internal const int FlagDirectRead = 0x200;
    internal const int FlagAmended = 0x20000;

    private const int MaxQueryLength = 0x4000;
    private const int SyncCollectionFlags = FlagReturnImmediately | FlagForwardOnly | FlagNoErrorObject | FlagEnsureLocatable | FlagDirectRead | FlagAmended;
    private const int AsyncCollectionFlags = FlagSendStatus | FlagNoErrorObject | FlagEnsureLocatable | FlagDirectRead | FlagAmended;

    internal SWbemServices(ICimConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        // A remote connection's cancel must reach the server (Release/Unsubscribe) and can fail; SWbemSink.Cancel
        // reports that failure (wbemErrTransportFailure, wbemErrAccessDenied).
        if (connection is IOperationCanceller canceller)
        {
            Canceller = canceller.CancelOperation;
        }
    }

    internal ICimConnection Connection { get; }

    /// <summary>
    /// How this connection cancels an operation for <see cref="SWbemSink.Cancel"/>; returns the failure the
    /// connection reported, or null. Seam for transports whose cancel can fail (remote: transport, access).
    /// </summary>
    internal Func<CimOperation, Exception?>? Canceller { get; set; }

    /// <summary>Security settings of the connection (kept; no effect locally).</summary>
    public SWbemSecurity Security_ { get; } = new();

    // ---- Get ---------------------------------------------------------------------------------------------

    /// <summary>Gets one class or instance by path. An empty path gives a new, unnamed class to define and put.</summary>
    /// <param name="strObjectPath">The object's path, relative or full; empty for a new class.</param>
    /// <param name="iFlags">0 or <c>wbemFlagUseAmendedQualifiers</c> (0x20000).</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <exception cref="WbemException">wbemErrNotFound, wbemErrInvalidObjectPath, wbemErrInvalidParameter, …</exception>
    public SWbemObject Get(string strObjectPath = "", int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        ScriptErrors.CheckFlags(iFlags, FlagAmended, nameof(Get));
        if (string.IsNullOrEmpty(strObjectPath))
        {
            return SWbemObject.NewUnnamedClass(this);
        }
        var options = Options(iFlags, objWbemNamedValueSet);
        return RunSingle(s => Connection.GetObject(strObjectPath, options, s))
            ?? throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"Get: '{strObjectPath}' was not found.");
    }

    /// <summary>Gets one class or instance by path; the object arrives as <see cref="SWbemSink.OnObjectReady"/>, then <see cref="SWbemSink.OnCompleted"/>.</summary>
    public void GetAsync(SWbemSink objWbemSink, string strObjectPath = "", int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(GetAsync));
        ScriptErrors.CheckFlags(iFlags, FlagAmended | FlagSendStatus, nameof(GetAsync));
        var options = Options(iFlags, objWbemNamedValueSet);
        var path = string.IsNullOrEmpty(strObjectPath) ? null : strObjectPath;
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.GetObject(path, options, s));
    }

    // ---- Delete ------------------------------------------------------------------------------------------

    /// <summary>Deletes a class (with its subclasses and instances) or an instance.</summary>
    /// <param name="strObjectPath">The object's path.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <exception cref="WbemException">wbemErrNotFound, wbemErrInvalidObjectPath, wbemErrInvalidOperation, …</exception>
    public void Delete(string strObjectPath, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequirePath(strObjectPath, nameof(Delete));
        ScriptErrors.CheckFlags(iFlags, 0, nameof(Delete));
        var options = Options(iFlags, objWbemNamedValueSet);
        RunSingle(s => Connection.Delete(strObjectPath, options, s));
    }

    /// <summary>Deletes a class or an instance; only <see cref="SWbemSink.OnCompleted"/> is raised.</summary>
    public void DeleteAsync(SWbemSink objWbemSink, string strObjectPath, int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(DeleteAsync));
        RequirePath(strObjectPath, nameof(DeleteAsync));
        ScriptErrors.CheckFlags(iFlags, FlagSendStatus, nameof(DeleteAsync));
        var options = Options(iFlags, objWbemNamedValueSet);
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.Delete(strObjectPath, options, s));
    }

    // ---- ExecMethod --------------------------------------------------------------------------------------

    /// <summary>Runs a method of a class or instance and returns its out-parameters (with <c>ReturnValue</c>).</summary>
    /// <param name="strObjectPath">The class (static methods) or instance the method runs on.</param>
    /// <param name="strMethodName">The method.</param>
    /// <param name="objWbemInParams">An instance of the method's <c>InParameters</c> class, or null.</param>
    /// <param name="iFlags">Reserved; must be 0.</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <returns>The out-parameters object, or null when the method returns nothing.</returns>
    /// <exception cref="WbemException">wbemErrInvalidMethod, wbemErrInvalidClass, wbemErrNotFound, …</exception>
    public SWbemObject? ExecMethod(string strObjectPath, string strMethodName, SWbemObject? objWbemInParams = null, int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequirePath(strObjectPath, nameof(ExecMethod));
        RequireMethod(strMethodName, nameof(ExecMethod));
        ScriptErrors.CheckFlags(iFlags, 0, nameof(ExecMethod));
        var options = Options(iFlags, objWbemNamedValueSet);
        var inParams = Snapshot(objWbemInParams);
        return RunSingle(s => Connection.ExecMethod(strObjectPath, strMethodName, inParams, options, s));
    }

    /// <summary>
    /// Runs a method; its out-parameters arrive as <see cref="SWbemSink.OnObjectReady"/>. The final
    /// <c>iHResult</c> tells only whether the call itself worked, not the method's return value. Cancelling
    /// releases the client only: the provider runs the method to completion.
    /// </summary>
    public void ExecMethodAsync(SWbemSink objWbemSink, string strObjectPath, string strMethodName, SWbemObject? objWbemInParams = null,
        int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(ExecMethodAsync));
        RequirePath(strObjectPath, nameof(ExecMethodAsync));
        RequireMethod(strMethodName, nameof(ExecMethodAsync));
        ScriptErrors.CheckFlags(iFlags, FlagSendStatus, nameof(ExecMethodAsync));
        var options = Options(iFlags, objWbemNamedValueSet);
        var inParams = Snapshot(objWbemInParams);
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.ExecMethod(strObjectPath, strMethodName, inParams, options, s));
    }

    // ---- Queries -----------------------------------------------------------------------------------------

    /// <summary>Runs a WQL data, schema, ASSOCIATORS OF or REFERENCES OF query.</summary>
    /// <param name="strQuery">The query text.</param>
    /// <param name="strQueryLanguage">Must be "WQL".</param>
    /// <param name="iFlags">Default <c>wbemFlagReturnImmediately</c> (semi-synchronous); also 0x20 forward-only, 2 prototype, 0x20000, 0x100.</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <exception cref="WbemException">Up front: wbemErrInvalidParameter (empty or too long query, bad flags), wbemErrInvalidQueryType. Later (synchronously, or at enumeration): wbemErrInvalidQuery, wbemErrInvalidClass, …</exception>
    public SWbemObjectSet ExecQuery(string strQuery, string strQueryLanguage = "WQL", int iFlags = FlagReturnImmediately,
        SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequireQuery(strQuery, strQueryLanguage, nameof(ExecQuery));
        ScriptErrors.CheckFlags(iFlags, SyncCollectionFlags | FlagPrototype, nameof(ExecQuery));
        var options = Options(iFlags, objWbemNamedValueSet) with { Prototype = (iFlags & FlagPrototype) != 0 };
        return Collect(iFlags, s => Connection.ExecQuery(strQuery, strQueryLanguage, options, s));
    }

    /// <summary>Runs a WQL query; one <see cref="SWbemSink.OnObjectReady"/> per result, then <see cref="SWbemSink.OnCompleted"/>.</summary>
    public void ExecQueryAsync(SWbemSink objWbemSink, string strQuery, string strQueryLanguage = "WQL", int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(ExecQueryAsync));
        RequireQuery(strQuery, strQueryLanguage, nameof(ExecQueryAsync));
        ScriptErrors.CheckFlags(iFlags, AsyncCollectionFlags | FlagPrototype, nameof(ExecQueryAsync));
        var options = Options(iFlags, objWbemNamedValueSet) with { Prototype = (iFlags & FlagPrototype) != 0 };
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.ExecQuery(strQuery, strQueryLanguage, options, s));
    }

    /// <summary>
    /// Subscribes to events; read them with <see cref="SWbemEventSource.NextEvent"/>. <paramref name="iFlags"/>
    /// must be <c>wbemFlagReturnImmediately | wbemFlagForwardOnly</c> (0x30, the default).
    /// </summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for other flags or an empty query; wbemErrInvalidQueryType; query errors (wbemErrNotEventClass, wbemErrInvalidQuery…).</exception>
    public SWbemEventSource ExecNotificationQuery(string strQuery, string strQueryLanguage = "WQL", int iFlags = FlagReturnImmediately | FlagForwardOnly,
        SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequireQuery(strQuery, strQueryLanguage, nameof(ExecNotificationQuery));
        if ((iFlags & ~FlagAmended) != (FlagReturnImmediately | FlagForwardOnly))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter,
                $"ExecNotificationQuery: iFlags must be wbemFlagReturnImmediately | wbemFlagForwardOnly (48); 0x{iFlags:X} was given.");
        }
        var options = Options(iFlags, objWbemNamedValueSet);
        var sink = new ChannelOperationSink();
        try
        {
            var op = Connection.ExecNotificationQuery(strQuery, strQueryLanguage, options, sink);
            if (op.IsEnded && op.Completion.IsCompletedSuccessfully && op.Completion.Result.ToException() is { } failure)
            {
                // A subscription that failed at once (query errors) is reported by the call.
                throw failure;
            }
            return new SWbemEventSource(this, sink, op);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <summary>
    /// Subscribes to events: one <see cref="SWbemSink.OnObjectReady"/> per event. A subscription never completes by
    /// itself; <see cref="SWbemSink.OnCompleted"/> comes only after <see cref="SWbemSink.Cancel"/> or a failure.
    /// Dropping the sink does not end it.
    /// </summary>
    public void ExecNotificationQueryAsync(SWbemSink objWbemSink, string strQuery, string strQueryLanguage = "WQL", int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(ExecNotificationQueryAsync));
        RequireQuery(strQuery, strQueryLanguage, nameof(ExecNotificationQueryAsync));
        ScriptErrors.CheckFlags(iFlags, FlagSendStatus | FlagAmended | FlagNoErrorObject, nameof(ExecNotificationQueryAsync));
        var options = Options(iFlags, objWbemNamedValueSet);
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.ExecNotificationQuery(strQuery, strQueryLanguage, options, s));
    }

    // ---- InstancesOf / SubclassesOf ---------------------------------------------------------------------

    /// <summary>The instances of a class; deep (subclass instances included) unless <c>wbemQueryFlagShallow</c> (1).</summary>
    /// <exception cref="WbemException">wbemErrInvalidClass (at the call when synchronous, else at enumeration), wbemErrInvalidParameter.</exception>
    public SWbemObjectSet InstancesOf(string strClass, int iFlags = FlagReturnImmediately, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequireClass(strClass, nameof(InstancesOf));
        ScriptErrors.CheckFlags(iFlags, SyncCollectionFlags | FlagShallow, nameof(InstancesOf));
        var options = Options(iFlags, objWbemNamedValueSet) with { Shallow = (iFlags & FlagShallow) != 0 };
        return Collect(iFlags, s => Connection.InstancesOf(strClass, options, s));
    }

    /// <summary>The instances of a class; one <see cref="SWbemSink.OnObjectReady"/> per instance, then <see cref="SWbemSink.OnCompleted"/>.</summary>
    public void InstancesOfAsync(SWbemSink objWbemSink, string strClass, int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(InstancesOfAsync));
        RequireClass(strClass, nameof(InstancesOfAsync));
        ScriptErrors.CheckFlags(iFlags, AsyncCollectionFlags | FlagShallow, nameof(InstancesOfAsync));
        var options = Options(iFlags, objWbemNamedValueSet) with { Shallow = (iFlags & FlagShallow) != 0 };
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.InstancesOf(strClass, options, s));
    }

    /// <summary>
    /// The classes below <paramref name="strSuperclass"/> (the class itself is not returned); deep by default.
    /// An empty superclass gives every class (deep) or the top-level classes (shallow).
    /// </summary>
    public SWbemObjectSet SubclassesOf(string strSuperclass = "", int iFlags = FlagReturnImmediately, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        ScriptErrors.CheckFlags(iFlags, SyncCollectionFlags | FlagShallow, nameof(SubclassesOf));
        var options = Options(iFlags, objWbemNamedValueSet) with { Shallow = (iFlags & FlagShallow) != 0 };
        var superclass = string.IsNullOrEmpty(strSuperclass) ? null : strSuperclass;
        return Collect(iFlags, s => Connection.SubclassesOf(superclass, options, s));
    }

    /// <summary>The classes below a class; one <see cref="SWbemSink.OnObjectReady"/> per class. Deep by default.</summary>
    public void SubclassesOfAsync(SWbemSink objWbemSink, string strSuperclass = "", int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(SubclassesOfAsync));
        ScriptErrors.CheckFlags(iFlags, AsyncCollectionFlags | FlagShallow, nameof(SubclassesOfAsync));
        var options = Options(iFlags, objWbemNamedValueSet) with { Shallow = (iFlags & FlagShallow) != 0 };
        var superclass = string.IsNullOrEmpty(strSuperclass) ? null : strSuperclass;
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.SubclassesOf(superclass, options, s));
    }

    // ---- Associations ------------------------------------------------------------------------------------

    /// <summary>The objects associated with an object (as <c>ASSOCIATORS OF</c>).</summary>
    public SWbemObjectSet AssociatorsOf(string strObjectPath, string strAssocClass = "", string strResultClass = "", string strResultRole = "",
        string strRole = "", bool bClassesOnly = false, bool bSchemaOnly = false, string strRequiredAssocQualifier = "",
        string strRequiredQualifier = "", int iFlags = FlagReturnImmediately, SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequirePath(strObjectPath, nameof(AssociatorsOf));
        ScriptErrors.CheckFlags(iFlags, SyncCollectionFlags, nameof(AssociatorsOf));
        var filter = AssocFilter(strAssocClass, strResultClass, strResultRole, strRole, bClassesOnly, bSchemaOnly, strRequiredAssocQualifier, strRequiredQualifier);
        var options = Options(iFlags, objWbemNamedValueSet);
        return Collect(iFlags, s => Connection.AssociatorsOf(strObjectPath, filter, options, s));
    }

    /// <summary>The objects associated with an object; one <see cref="SWbemSink.OnObjectReady"/> per endpoint.</summary>
    public void AssociatorsOfAsync(SWbemSink objWbemSink, string strObjectPath, string strAssocClass = "", string strResultClass = "",
        string strResultRole = "", string strRole = "", bool bClassesOnly = false, bool bSchemaOnly = false,
        string strRequiredAssocQualifier = "", string strRequiredQualifier = "", int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(AssociatorsOfAsync));
        RequirePath(strObjectPath, nameof(AssociatorsOfAsync));
        ScriptErrors.CheckFlags(iFlags, AsyncCollectionFlags, nameof(AssociatorsOfAsync));
        var filter = AssocFilter(strAssocClass, strResultClass, strResultRole, strRole, bClassesOnly, bSchemaOnly, strRequiredAssocQualifier, strRequiredQualifier);
        var options = Options(iFlags, objWbemNamedValueSet);
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.AssociatorsOf(strObjectPath, filter, options, s));
    }

    /// <summary>The association objects that refer to an object (as <c>REFERENCES OF</c>).</summary>
    public SWbemObjectSet ReferencesTo(string strObjectPath, string strResultClass = "", string strRole = "", bool bClassesOnly = false,
        bool bSchemaOnly = false, string strRequiredQualifier = "", int iFlags = FlagReturnImmediately,
        SWbemNamedValueSet? objWbemNamedValueSet = null)
    {
        RequirePath(strObjectPath, nameof(ReferencesTo));
        ScriptErrors.CheckFlags(iFlags, SyncCollectionFlags, nameof(ReferencesTo));
        var filter = RefsFilter(strResultClass, strRole, bClassesOnly, bSchemaOnly, strRequiredQualifier);
        var options = Options(iFlags, objWbemNamedValueSet);
        return Collect(iFlags, s => Connection.ReferencesTo(strObjectPath, filter, options, s));
    }

    /// <summary>The association objects that refer to an object; one <see cref="SWbemSink.OnObjectReady"/> per association.</summary>
    public void ReferencesToAsync(SWbemSink objWbemSink, string strObjectPath, string strResultClass = "", string strRole = "",
        bool bClassesOnly = false, bool bSchemaOnly = false, string strRequiredQualifier = "", int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null)
    {
        RequireSink(objWbemSink, nameof(ReferencesToAsync));
        RequirePath(strObjectPath, nameof(ReferencesToAsync));
        ScriptErrors.CheckFlags(iFlags, AsyncCollectionFlags, nameof(ReferencesToAsync));
        var filter = RefsFilter(strResultClass, strRole, bClassesOnly, bSchemaOnly, strRequiredQualifier);
        var options = Options(iFlags, objWbemNamedValueSet);
        StartWithSink(objWbemSink, objWbemAsyncContext, options, s => Connection.ReferencesTo(strObjectPath, filter, options, s));
    }

    // ---- Put (SWbemServicesEx.Put and SWbemObject.Put_) ----------------------------------------------------

    internal SWbemObjectPath PutCore(SWbemObject obj, int iFlags, SWbemNamedValueSet? context, string method)
    {
        var options = PutOptions(obj, iFlags, context, method, async: false);
        var value = obj.Object.Freeze();
        var sink = new ChannelOperationSink();
        try
        {
            Connection.Put(value, options, sink);
            while (sink.TryTake(out _))
            {
            }
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
        return sink.PutPath is { } path ? SWbemObjectPath.FromCim(path) : new SWbemObjectPath();
    }

    internal void PutWithSink(SWbemSink sink, SWbemObject obj, int iFlags, SWbemNamedValueSet? context, SWbemNamedValueSet? asyncContext, string method)
    {
        RequireSink(sink, method);
        var options = PutOptions(obj, iFlags, context, method, async: true);
        var value = obj.Object.Freeze();
        StartWithSink(sink, asyncContext, options, s => Connection.Put(value, options, s));
    }

    private CallOptions PutOptions(SWbemObject obj, int iFlags, SWbemNamedValueSet? context, string method, bool async)
    {
        if (obj is null)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: objWbemObject is required.");
        }
        const int change = 0x1 | 0x2 | 0x20 | 0x40 | 0x80 | 0x10000;
        ScriptErrors.CheckFlags(iFlags, change | FlagAmended | FlagNoErrorObject, method);
        if ((iFlags & 0x3) == 0x3 || (iFlags & 0x60) == 0x60)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter,
                $"{method}: iFlags 0x{iFlags:X} combines contradictory change flags.");
        }
        if (obj.IsUnnamedClass)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrIncompleteClass, $"{method}: the class has no name; set Path_.Class first.");
        }
        return Options(async ? iFlags : iFlags & ~FlagSendStatus, context) with
        {
            PutMode = (PutMode)(iFlags & 0x3),
            ClassUpdateMode = (ClassUpdateMode)(iFlags & 0x60),
        };
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    internal static CallOptions Options(int iFlags, SWbemNamedValueSet? context) => new()
    {
        SendStatus = (iFlags & FlagSendStatus) != 0,
        UseAmendedQualifiers = (iFlags & FlagAmended) != 0,
        EnsureLocatable = (iFlags & FlagEnsureLocatable) != 0,
        Context = context?.ToContext(),
    };

    private SWbemObjectSet Collect(int iFlags, Func<IOperationSink, CimOperation> start)
    {
        try
        {
            return SWbemObjectSet.Run(this, iFlags, start);
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
    }

    /// <summary>Runs a call synchronously and returns its first result (or null); a failure throws.</summary>
    private SWbemObjectEx? RunSingle(Func<IOperationSink, CimOperation> start)
    {
        var sink = new ChannelOperationSink();
        CimObject? first = null;
        try
        {
            start(sink);
            while (sink.TryTake(out var value))
            {
                first ??= value;
            }
        }
        catch (WbemException e) when (ScriptErrors.Record(e))
        {
            throw;
        }
        return first is null ? null : new SWbemObjectEx(first, this);
    }

    /// <summary>
    /// Starts an async call on <paramref name="sink"/>: registers the call, starts the operation with the call as
    /// its engine sink, and forgets the call again when the start fails (then no event is ever raised).
    /// </summary>
    internal void StartWithSink(SWbemSink sink, SWbemNamedValueSet? asyncContext, CallOptions options, Func<IOperationSink, CimOperation> start)
    {
        var dispatcher = sink.Dispatcher;
        var call = dispatcher.Register(this, asyncContext, options.SendStatus, Canceller);
        CimOperation op;
        try
        {
            op = start(call);
        }
        catch (Exception e)
        {
            dispatcher.Unregister(call);
            ScriptErrors.Record(e);
            throw;
        }
        dispatcher.Bind(call, op);
    }

    private static CimObject? Snapshot(SWbemObject? obj) => obj?.Object.Freeze();

    private static void RequireSink(SWbemSink sink, string method)
    {
        if (sink is null)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: objWbemSink is required.");
        }
    }

    private static void RequirePath(string path, string method)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: strObjectPath is required.");
        }
    }

    private static void RequireClass(string cls, string method)
    {
        if (string.IsNullOrEmpty(cls))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: strClass is required.");
        }
    }

    private static void RequireMethod(string name, string method)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: strMethodName is required.");
        }
    }

    private static void RequireQuery(string query, string language, string method)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: strQuery is required.");
        }
        if (query.Length > MaxQueryLength)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"{method}: the query is longer than {MaxQueryLength} characters (WBEM_MAX_QUERY).");
        }
        if (!string.Equals(language, "WQL", StringComparison.OrdinalIgnoreCase))
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidQueryType, $"{method}: the query language must be \"WQL\", not \"{language}\".");
        }
    }

    private static AssociatorsFilter AssocFilter(string assocClass, string resultClass, string resultRole, string role, bool classesOnly,
        bool schemaOnly, string requiredAssocQualifier, string requiredQualifier) => new(
            NullIfEmpty(assocClass), NullIfEmpty(resultClass), NullIfEmpty(resultRole), NullIfEmpty(role), classesOnly, schemaOnly,
            NullIfEmpty(requiredAssocQualifier), NullIfEmpty(requiredQualifier));

    private static ReferencesFilter RefsFilter(string resultClass, string role, bool classesOnly, bool schemaOnly, string requiredQualifier) =>
        new(NullIfEmpty(resultClass), NullIfEmpty(role), classesOnly, schemaOnly, NullIfEmpty(requiredQualifier));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

/// <summary>
/// A connection with the put methods (WMI's <c>SWbemServicesEx</c>); <see cref="SWbemLocator.ConnectServer"/>
/// returns one.
/// </summary>
public class SWbemServicesEx : SWbemServices
{
    internal SWbemServicesEx(ICimConnection connection)
        : base(connection)
    {
    }

    /// <summary>Stores a class or instance and returns its path.</summary>
    /// <param name="objWbemObject">The object to store.</param>
    /// <param name="iFlags">A <see cref="WbemChangeFlagEnum"/> combination (create/update rule, class update mode).</param>
    /// <param name="objWbemNamedValueSet">Provider context, or null.</param>
    /// <exception cref="WbemException">wbemErrAlreadyExists (create-only), wbemErrNotFound (update-only), wbemErrInvalidObject, wbemErrIllegalNull, …</exception>
    public SWbemObjectPath Put(SWbemObject objWbemObject, int iFlags = 0, SWbemNamedValueSet? objWbemNamedValueSet = null) =>
        PutCore(objWbemObject, iFlags, objWbemNamedValueSet, nameof(Put));

    /// <summary>Stores a class or instance: <see cref="SWbemSink.OnObjectPut"/> with its path, then <see cref="SWbemSink.OnCompleted"/>.</summary>
    public void PutAsync(SWbemSink objWbemSink, SWbemObject objWbemObject, int iFlags = 0,
        SWbemNamedValueSet? objWbemNamedValueSet = null, SWbemNamedValueSet? objWbemAsyncContext = null) =>
        PutWithSink(objWbemSink, objWbemObject, iFlags, objWbemNamedValueSet, objWbemAsyncContext, nameof(PutAsync));
}

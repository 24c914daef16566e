using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;

namespace Wmix.Remote.Client;

public sealed partial class RemoteConnection
{
    /// <inheritdoc />
    public CimOperation GetObject(string? objectPath, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        return StartSingle(OperationKind.Get, objectPath, sink, cancelReachesSource: true, async call =>
        {
            if (string.IsNullOrEmpty(objectPath))
            {
                await call.Operation.DeliverAsync(CimClass.CreateEmpty()).ConfigureAwait(false);
                return;
            }
            var path = ParsePath(objectPath);
            var ns = path.Namespace ?? Namespace;
            if (path.IsClass)
            {
                var cls = await _session.FetchClassFreshAsync(ns, path.ClassName!, call.Http.Token).ConfigureAwait(false);
                await call.Operation.DeliverAsync(cls.WithLocation(Server, ns)).ConfigureAwait(false);
                return;
            }
            var (uri, selectors) = Address(path, ns);
            var headers = _session.Request(uri, WsManActions.Get) with { Selectors = selectors };
            var reply = await SendAsync(call, headers, WsManEmptyBody.Instance).ConfigureAwait(false);
            var value = (reply.Body as ObjectBody)?.Value ?? throw Unexpected(reply, "an object");
            await call.Operation.DeliverAsync(value).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    public CimOperation Put(CimObject value, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        ArgumentNullException.ThrowIfNull(value);
        return StartSingle(OperationKind.Put, value.RelativePath ?? value.ClassName, sink, cancelReachesSource: true, async call =>
        {
            var ns = value.Namespace ?? Namespace;
            if (value is CimClass cls)
            {
                await PutClassAsync(call, cls, ns, options.PutMode).ConfigureAwait(false);
                return;
            }
            var path = value.RelativeObjectPath;
            var uri = WsManResource.Format(ns, value.ClassName, _session.Style);
            var resourceUri = WsManResource.Format(ns, value.ClassName, _session.Style);
            CimObjectPath stored;
            if (path is null || options.PutMode == PutMode.CreateOnly)
            {
                stored = await CreateAsync(call, resourceUri, NamespaceSelectors(), value, ns).ConfigureAwait(false);
            }
            else
            {
                var (_, selectors) = Address(path, ns);
                try
                {
                    var headers = _session.Request(uri, WsManActions.Put) with { Selectors = selectors };
                    var reply = await SendAsync(call, headers, new ObjectBody(value)).ConfigureAwait(false);
                    stored = (reply.Body as ObjectBody)?.Value.RelativeObjectPath ?? path;
                }
                catch (WbemException e) when (options.PutMode == PutMode.CreateOrUpdate && e.ErrorCode == WbemErrorEnum.wbemErrNotFound)
                {
                    stored = await CreateAsync(call, resourceUri, NamespaceSelectors(), value, ns).ConfigureAwait(false);
                }
            }
            call.Operation.ReportPut(stored.WithLocation(Server, ns));
        });
    }

    private async Task<CimObjectPath> CreateAsync(RemoteCall call, string resourceUri, IReadOnlyList<WsManSelector> selectors, CimObject value, string ns)
    {
        var headers = _session.Request(resourceUri, WsManActions.Create) with { Selectors = selectors };
        var reply = await SendAsync(call, headers, new ObjectBody(value)).ConfigureAwait(false);
        var created = reply.Body as ResourceCreatedBody ?? throw Unexpected(reply, "ResourceCreated");
        var path = WsManPaths.ToObjectPath(created.Reference, ns);
        return value.Class is { } cls ? WsManPaths.BindKeys(path, cls) : path;
    }

    private async Task PutClassAsync(RemoteCall call, CimClass cls, string ns, PutMode mode)
    {
        IReadOnlyList<WsManSelector> selectors =
        [
            new WsManSelector(WsManSelector.CimNamespace, WsManResource.WireNamespace(ns)),
            new WsManSelector(WsManSelector.ClassName, cls.Name),
        ];
        _session.Forget(ns, cls.Name);
        if (mode == PutMode.CreateOnly)
        {
            await SendClassAsync(WsManActions.Create).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await SendClassAsync(WsManActions.Put).ConfigureAwait(false);
            }
            catch (WbemException e) when (mode == PutMode.CreateOrUpdate && e.ErrorCode is WbemErrorEnum.wbemErrNotFound or WbemErrorEnum.wbemErrInvalidClass)
            {
                await SendClassAsync(WsManActions.Create).ConfigureAwait(false);
            }
        }
        call.Operation.ReportPut(new CimObjectPath(Server, ns, cls.Name));

        Task<WsManEnvelope> SendClassAsync(string action) =>
            SendAsync(call, _session.Request(WsManResource.ClassDefinitionUri, action) with { Selectors = selectors }, new ObjectBody(cls));
    }

    /// <inheritdoc />
    public CimOperation Delete(string objectPath, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        return StartSingle(OperationKind.Delete, objectPath, sink, cancelReachesSource: true, async call =>
        {
            var path = ParsePath(objectPath);
            var ns = path.Namespace ?? Namespace;
            WsManHeaders headers;
            if (path.IsClass)
            {
                _session.Forget(ns, path.ClassName!);
                headers = _session.Request(WsManResource.ClassDefinitionUri, WsManActions.Delete) with
                {
                    Selectors =
                    [
                        new WsManSelector(WsManSelector.CimNamespace, WsManResource.WireNamespace(ns)),
                        new WsManSelector(WsManSelector.ClassName, path.ClassName!),
                    ],
                };
            }
            else
            {
                var (uri, selectors) = Address(path, ns);
                headers = _session.Request(uri, WsManActions.Delete) with { Selectors = selectors };
            }
            await SendAsync(call, headers, WsManEmptyBody.Instance).ConfigureAwait(false);
        });
    }

    /// <inheritdoc />
    public CimOperation ExecMethod(string objectPath, string methodName, CimObject? inParameters, CallOptions options, IOperationSink sink)
    {
        ValidateCommon(options, sink);
        RequireText(objectPath, nameof(objectPath));
        RequireText(methodName, nameof(methodName));
        // WMI lets the method run to completion when the caller cancels: the request is abandoned, the token of the
        // operation is not tripped (cancelReachesSource: false).
        return StartSingle(OperationKind.ExecMethod, objectPath + "." + methodName, sink, cancelReachesSource: false, async call =>
        {
            var path = ParsePath(objectPath);
            var ns = path.Namespace ?? Namespace;
            var (uri, selectors) = Address(path, ns);
            var headers = _session.Request(uri, WsManActions.Invoke(uri, methodName)) with { Selectors = selectors };
            var reply = await SendAsync(call, headers, new MethodParametersBody(path.ClassName!, methodName, false, inParameters)).ConfigureAwait(false);
            var output = reply.Body as MethodParametersBody ?? throw Unexpected(reply, methodName + "_OUTPUT");
            if (output.Parameters is { } result)
            {
                await call.Operation.DeliverAsync(result).ConfigureAwait(false);
            }
        });
    }

    private CimOperation StartSingle(OperationKind kind, string? description, IOperationSink sink, bool cancelReachesSource, Func<RemoteCall, Task> work)
    {
        var op = new CimOperation(kind, Namespace, description, sink, _shared.Registry, cancelReachesSource);
        var call = Track(op, "", []);
        op.Run(async _ =>
        {
            try
            {
                await work(call).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (op.IsEnded)
            {
                // Abandoned by cancel.
            }
        });
        return op;
    }

    private static CimObjectPath ParsePath(string objectPath)
    {
        var path = CimObjectPath.Parse(objectPath);
        if (path.ClassName is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrInvalidObjectPath, $"'{objectPath}' names no class or instance.");
        }
        return path;
    }

    private (string Uri, IReadOnlyList<WsManSelector> Selectors) Address(CimObjectPath path, string ns)
    {
        var epr = WsManPaths.ToEndpointReference(path.WithLocation(null, ns), ns, _session.Style);
        return (epr.ResourceUri!, epr.Selectors);
    }
}

/// <summary>WQL text for the association calls (sent over the WQL dialect, which Windows and Wmix accept).</summary>
internal static class RemoteQueries
{
    public static string Associators(string path, AssociatorsFilter f)
    {
        var where = new List<string>();
        Add(where, "AssocClass", f.AssocClass);
        if (f.ClassesOnly)
        {
            where.Add("ClassDefsOnly");
        }
        Add(where, "RequiredAssocQualifier", f.RequiredAssocQualifier);
        Add(where, "RequiredQualifier", f.RequiredQualifier);
        Add(where, "ResultClass", f.ResultClass);
        Add(where, "ResultRole", f.ResultRole);
        Add(where, "Role", f.Role);
        if (f.SchemaOnly)
        {
            where.Add("SchemaOnly");
        }
        if (f.KeysOnly)
        {
            where.Add("KeysOnly");
        }
        return "ASSOCIATORS OF {" + path + "}" + (where.Count > 0 ? " WHERE " + string.Join(' ', where) : "");
    }

    public static string References(string path, ReferencesFilter f)
    {
        var where = new List<string>();
        if (f.ClassesOnly)
        {
            where.Add("ClassDefsOnly");
        }
        Add(where, "RequiredQualifier", f.RequiredQualifier);
        Add(where, "ResultClass", f.ResultClass);
        Add(where, "Role", f.Role);
        if (f.SchemaOnly)
        {
            where.Add("SchemaOnly");
        }
        if (f.KeysOnly)
        {
            where.Add("KeysOnly");
        }
        return "REFERENCES OF {" + path + "}" + (where.Count > 0 ? " WHERE " + string.Join(' ', where) : "");
    }

    private static void Add(List<string> where, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            where.Add(name + " = " + value);
        }
    }
}

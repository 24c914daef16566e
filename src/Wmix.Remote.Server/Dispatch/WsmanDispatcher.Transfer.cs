using Wmix.Cim;
using Wmix.Engine;
using Wmix.Remote.Protocol;
using Wmix.Remote.Server.Hosting;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Dispatch;

/// <summary>WS-Transfer (Get, Put, Create, Delete) and Invoke.</summary>
internal sealed partial class WsmanDispatcher
{
    /// <summary>The object path the request addresses: an instance (selectors), a class (class-definition URI or no keys).</summary>
    private (string Namespace, CimObjectPath Path, WsManResourceUriStyle Style) TargetOf(Call call)
    {
        var (ns, className, style) = ResourceOf(call);
        if (className is null)
        {
            throw new WsManProtocolException(WsManProtocolError.InvalidValue, "This action needs a resource URI naming one class (not '*').");
        }
        var h = call.Headers;
        var path = WsManPaths.ToObjectPath(h.ResourceUri, h.Selectors, ns);
        if (path.IsInstance && ClassOf(ns, className) is { } cls)
        {
            path = WsManPaths.BindKeys(path, cls);
        }
        else if (path.IsClass && style != WsManResourceUriStyle.ClassDefinition && ClassOf(ns, className) is { IsSingleton: true })
        {
            // A singleton's one instance has no keys, so it travels without selectors (winrm get …/Win32_WMISetting).
            path = new CimObjectPath(null, path.Namespace, path.ClassName, isSingleton: true);
        }
        return (ns, path.WithLocation(null, null), style);
    }

    private async Task<WsmanReply> GetAsync(Call call, CancellationToken ct)
    {
        var (ns, path, style) = TargetOf(call);
        if (Check(call.Caller, ns, NamespaceRights.Read, "get", path.ToString()) is { } denied)
        {
            return FaultReply(call.Headers, denied);
        }
        if (style != WsManResourceUriStyle.ClassDefinition && !path.IsInstance)
        {
            // A Get on a class resource without selectors: WS-Man addresses instances; Windows faults the same way.
            return FaultReply(call.Headers, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidSelectors,
                $"Get on {path.ClassName} needs the key selectors of one instance.", "InsufficientSelectors", WbemErrorEnum.wbemErrInvalidObjectPath));
        }
        var connection = _engine.Connect(ns);
        var (items, status, _) = await RunAsync(s => connection.GetObject(path.ToString(), CallOptions.Default, s), call.Timeout, ct).ConfigureAwait(false);
        if (!status.IsSuccess || items.Count == 0)
        {
            return FaultReply(call.Headers, WsManFaults.FromWbemError(status.IsSuccess ? WbemErrorEnum.wbemErrNotFound : status.Code, status.Message));
        }
        return Reply(call, WsManActions.GetResponse, new ObjectBody(items[0]), ns, style);
    }

    private async Task<WsmanReply> PutAsync(Call call, bool create, CancellationToken ct)
    {
        var (ns, className, style) = ResourceOf(call);
        var action = create ? "create" : "put";
        var target = className ?? "*";
        if (Check(call.Caller, ns, NamespaceRights.Write, action, target) is { } denied)
        {
            return FaultReply(call.Headers, denied);
        }
        if (call.Request.Body is not ObjectBody { Value: var value })
        {
            return FaultReply(call.Headers, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidRepresentation,
                "The body must hold the instance (or CLASS) to store.", null, WbemErrorEnum.wbemErrInvalidObject));
        }
        if (className is not null && !string.Equals(value.ClassName, className, StringComparison.OrdinalIgnoreCase))
        {
            return FaultReply(call.Headers, Fault(WsManFaultCode.Sender, WsManSubcode.SchemaValidationError,
                $"The body is a {value.ClassName}, the resource URI names {className}.", null, WbemErrorEnum.wbemErrTypeMismatch));
        }
        target = value is CimClass ? value.ClassName : value.RelativePath ?? value.ClassName;
        var options = CallOptions.Default with { PutMode = create ? PutMode.CreateOnly : PutMode.UpdateOnly };
        var connection = _engine.Connect(ns);
        var (_, status, putPath) = await RunAsync(s => connection.Put(value, options, s), call.Timeout, ct).ConfigureAwait(false);
        AuditChange(call.Caller, action, ns, target, status.Code, status.Message);
        if (value is CimClass)
        {
            ForgetClass(ns, value.ClassName);
        }
        if (!status.IsSuccess)
        {
            return FaultReply(call.Headers, WsManFaults.FromWbemError(status.Code, status.Message));
        }
        if (!create)
        {
            return Reply(call, WsManActions.PutResponse, WsManEmptyBody.Instance, ns, style);
        }
        var stored = putPath ?? value.RelativeObjectPath ?? new CimObjectPath(null, null, value.ClassName);
        var epr = value is CimClass
            ? new WsManEndpointReference(WsManUris.Anonymous, WsManResource.ClassDefinitionUri,
                [new WsManSelector(WsManSelector.CimNamespace, WsManResource.WireNamespace(ns)), new WsManSelector(WsManSelector.ClassName, value.ClassName)])
            : WsManPaths.ToEndpointReference(stored.WithLocation(null, null), ns, style == WsManResourceUriStyle.ClassDefinition ? WsManResourceUriStyle.Wmi : style);
        return Reply(call, WsManActions.CreateResponse, new ResourceCreatedBody(epr), ns, style);
    }

    private async Task<WsmanReply> DeleteAsync(Call call, CancellationToken ct)
    {
        var (ns, path, style) = TargetOf(call);
        var target = path.ToString();
        if (Check(call.Caller, ns, NamespaceRights.Write, "delete", target) is { } denied)
        {
            return FaultReply(call.Headers, denied);
        }
        if (style != WsManResourceUriStyle.ClassDefinition && !path.IsInstance)
        {
            return FaultReply(call.Headers, Fault(WsManFaultCode.Sender, WsManSubcode.InvalidSelectors,
                $"Delete on {path.ClassName} needs the key selectors of one instance (classes are deleted through the class-definition URI).",
                "InsufficientSelectors", WbemErrorEnum.wbemErrInvalidObjectPath));
        }
        var connection = _engine.Connect(ns);
        var (_, status, _) = await RunAsync(s => connection.Delete(target, CallOptions.Default, s), call.Timeout, ct).ConfigureAwait(false);
        AuditChange(call.Caller, "delete", ns, target, status.Code, status.Message);
        if (path.IsClass)
        {
            ForgetClass(ns, path.ClassName!);
        }
        return status.IsSuccess
            ? Reply(call, WsManActions.DeleteResponse, WsManEmptyBody.Instance, ns, style)
            : FaultReply(call.Headers, WsManFaults.FromWbemError(status.Code, status.Message));
    }

    private async Task<WsmanReply> InvokeAsync(Call call, CancellationToken ct)
    {
        var h = call.Headers;
        var (ns, path, style) = TargetOf(call);
        var method = call.Request.Body is MethodParametersBody mp ? mp.MethodName : h.Action![(h.Action!.LastIndexOf('/') + 1)..];
        var target = path + " " + method;
        if (Check(call.Caller, ns, NamespaceRights.Execute, "invoke", target) is { } denied)
        {
            return FaultReply(h, denied);
        }
        var inParameters = (call.Request.Body as MethodParametersBody)?.Parameters;
        var connection = _engine.Connect(ns);
        var (items, status, _) = await RunAsync(s => connection.ExecMethod(path.ToString(), method, inParameters, CallOptions.Default, s), call.Timeout, ct).ConfigureAwait(false);
        var returnValue = status.IsSuccess && items.Count > 0 && items[0].TryGetValue("ReturnValue", out var rv) ? rv : null;
        AuditChange(call.Caller, "invoke", ns, target, status.Code, status.IsSuccess ? (returnValue is null ? null : "ReturnValue=" + Convert.ToString(returnValue, System.Globalization.CultureInfo.InvariantCulture)) : status.Message);
        if (!status.IsSuccess)
        {
            return FaultReply(h, WsManFaults.FromWbemError(status.Code, status.Message));
        }
        var output = new MethodParametersBody(path.ClassName!, method, IsOutput: true, items.Count > 0 ? items[0] : null);
        return Reply(call, WsManActions.InvokeResponse(h.ResourceUri!, method), output, ns, style);
    }
}

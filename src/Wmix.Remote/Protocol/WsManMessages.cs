namespace Wmix.Remote.Protocol;

/// <summary>Helpers that build the headers of requests and replies the way §1.3/§1.11 show them.</summary>
public static class WsManMessages
{
    /// <summary>The product name Wmix advertises in Identify.</summary>
    public const string ProductVendor = "Wmix";

    /// <summary>A new <c>uuid:</c> message id (upper case, as Windows sends them).</summary>
    public static string NewMessageId() => "uuid:" + Guid.NewGuid().ToString("D").ToUpperInvariant();

    /// <summary>The headers of a request: address, resource, action, anonymous ReplyTo, a new MessageID.</summary>
    public static WsManHeaders Request(string to, string? resourceUri, string action, TimeSpan operationTimeout,
        int maxEnvelopeSize = 512000, string? locale = null) => new()
        {
            To = to,
            ResourceUri = resourceUri,
            Action = action,
            ReplyTo = WsManUris.Anonymous,
            MessageId = NewMessageId(),
            MaxEnvelopeSize = maxEnvelopeSize,
            Locale = locale,
            OperationTimeout = operationTimeout,
        };

    /// <summary>The headers of the reply to <paramref name="request"/>: action, new MessageID, anonymous To, RelatesTo echoed byte for byte.</summary>
    public static WsManHeaders Reply(WsManHeaders request, string action)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new WsManHeaders
        {
            Action = action,
            MessageId = NewMessageId(),
            To = WsManUris.Anonymous,
            RelatesTo = request.MessageId ?? "",
        };
    }

    /// <summary>The fault envelope answering <paramref name="request"/> (headers may be null when the request could not be read).</summary>
    public static WsManEnvelope FaultReply(WsManHeaders? request, WsManFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        var headers = new WsManHeaders
        {
            Action = fault.Action,
            MessageId = NewMessageId(),
            To = WsManUris.Anonymous,
            RelatesTo = request?.MessageId ?? "",
        };
        return new WsManEnvelope(headers, new FaultBody(fault));
    }

    /// <summary>True when a reply's RelatesTo names <paramref name="messageId"/> (case-insensitive; §1.12 item 4).</summary>
    public static bool RelatesTo(WsManHeaders reply, string messageId)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(messageId);
        return reply.RelatesTo is { } r && (string.Equals(r, messageId, StringComparison.OrdinalIgnoreCase)
            || string.Equals(r.Replace("uuid.", "uuid:", StringComparison.OrdinalIgnoreCase), messageId, StringComparison.OrdinalIgnoreCase));
    }
}

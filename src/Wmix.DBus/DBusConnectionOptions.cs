namespace Wmix.DBus;

/// <summary>Options of <see cref="DBusConnection.ConnectAsync"/>.</summary>
public sealed record DBusConnectionOptions
{
    /// <summary>A bus connection (Hello sent), 25 s calls (libdbus's default), 10 s to connect, the specification's limits.</summary>
    public static DBusConnectionOptions Default { get; } = new();

    /// <summary>Register on a message bus with <c>Hello</c> (false for a peer-to-peer connection).</summary>
    public bool SayHello { get; init; } = true;

    /// <summary>How long a call waits for its reply unless the call gives its own timeout.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How long connecting, authenticating and Hello may take together.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Message size and array limits.</summary>
    public DBusLimits Limits { get; init; } = DBusLimits.Default;

    /// <summary>Signals buffered per subscription before it is ended with an overflow error (the reader never blocks).</summary>
    public int SignalQueueCapacity { get; init; } = 10_000;
}

/// <summary>
/// A signal match rule: every given part must equal the signal's. Sent to the bus with <c>AddMatch</c> and applied
/// again locally (one connection may hold several rules).
/// </summary>
public sealed record DBusMatchRule
{
    /// <summary>The sender: a unique name, or a well-known name (resolved to its owner when subscribing).</summary>
    public string? Sender { get; init; }

    /// <summary>The object path.</summary>
    public string? Path { get; init; }

    /// <summary>The interface.</summary>
    public string? Interface { get; init; }

    /// <summary>The member (signal name).</summary>
    public string? Member { get; init; }

    /// <summary>The rule in the bus's syntax, e.g. <c>type='signal',interface='org.example.I',member='Changed'</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { "type='signal'" };
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                // Inside quotes only an apostrophe needs care: close, escaped apostrophe, reopen.
                parts.Add($"{key}='{value.Replace("'", "'\\''", StringComparison.Ordinal)}'");
            }
        }
        Add("sender", Sender);
        Add("path", Path);
        Add("interface", Interface);
        Add("member", Member);
        return string.Join(',', parts);
    }

    internal bool Matches(DBusMessage m, string? senderOwner)
        => m.Type == DBusMessageType.Signal
            && (Sender is null || string.Equals(m.Sender, senderOwner ?? Sender, StringComparison.Ordinal))
            && (Path is null || string.Equals(m.Path?.Value, Path, StringComparison.Ordinal))
            && (Interface is null || string.Equals(m.Interface, Interface, StringComparison.Ordinal))
            && (Member is null || string.Equals(m.Member, Member, StringComparison.Ordinal));
}

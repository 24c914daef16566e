namespace Wmix.DBus;

/// <summary>Size and nesting limits applied to every message read or written.</summary>
public sealed record DBusLimits
{
    /// <summary>The specification's maximum message size (128 MiB).</summary>
    public const int SpecMaxMessageSize = 128 * 1024 * 1024;

    /// <summary>The specification's maximum array size in bytes (64 MiB).</summary>
    public const int SpecMaxArrayLength = 64 * 1024 * 1024;

    /// <summary>The maximum nesting of values (arrays, structs, dictionary entries and variants together), as libdbus.</summary>
    public const int MaxValueDepth = 64;

    /// <summary>The specification's limits.</summary>
    public static DBusLimits Default { get; } = new();

    /// <summary>The largest message (header, padding and body) accepted; at most <see cref="SpecMaxMessageSize"/>.</summary>
    public int MaxMessageSize { get; init; } = SpecMaxMessageSize;

    /// <summary>The largest array in bytes; at most <see cref="SpecMaxArrayLength"/>.</summary>
    public int MaxArrayLength { get; init; } = SpecMaxArrayLength;
}

/// <summary>The input is not a well-formed D-Bus message (or authentication exchange); the connection that read it is closed.</summary>
public sealed class DBusProtocolException : IOException
{
    /// <summary>A malformed-input error with a message saying what is wrong.</summary>
    public DBusProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>A malformed-input error with a message and its cause.</summary>
    public DBusProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an empty instance.</summary>
    public DBusProtocolException()
    {
    }
}

/// <summary>The peer answered a method call with an error reply.</summary>
public sealed class DBusErrorException : Exception
{
    /// <summary>An error reply named <paramref name="errorName"/> with the peer's text.</summary>
    public DBusErrorException(string errorName, string? errorMessage)
        : base($"{errorName}: {errorMessage ?? "(no message)"}")
    {
        ErrorName = errorName;
        ErrorMessage = errorMessage;
    }

    /// <summary>Creates an instance with the generic error name <c>org.freedesktop.DBus.Error.Failed</c>.</summary>
    public DBusErrorException()
        : this("org.freedesktop.DBus.Error.Failed", (string?)null)
    {
    }

    /// <summary>Creates an instance with the generic error name and the given message.</summary>
    public DBusErrorException(string message)
        : this("org.freedesktop.DBus.Error.Failed", message)
    {
    }

    /// <summary>Creates an instance with the generic error name, a message and its cause.</summary>
    public DBusErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorName = "org.freedesktop.DBus.Error.Failed";
        ErrorMessage = message;
    }

    /// <summary>The error's name, e.g. <c>org.freedesktop.DBus.Error.ServiceUnknown</c>.</summary>
    public string ErrorName { get; }

    /// <summary>The error reply's first string argument, when it had one.</summary>
    public string? ErrorMessage { get; }
}

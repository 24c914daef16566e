using System.Globalization;
using System.Text;

namespace Wmix.DBus;

/// <summary>One entry of a D-Bus server address: a transport and its key/value options.</summary>
/// <param name="Transport">The transport, e.g. <c>unix</c>.</param>
/// <param name="Options">The unescaped options, e.g. <c>path</c> → <c>/run/dbus/system_bus_socket</c>.</param>
public sealed record DBusAddressEntry(string Transport, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>
    /// The socket endpoint to connect to: <c>unix:path=…</c>, <c>unix:abstract=…</c> (Linux), or
    /// <c>unix:runtime=yes</c> (<c>$XDG_RUNTIME_DIR/bus</c>).
    /// </summary>
    /// <exception cref="NotSupportedException">Another transport (e.g. <c>tcp</c>), or a listen-only unix form.</exception>
    public System.Net.Sockets.UnixDomainSocketEndPoint ToEndPoint()
    {
        if (!string.Equals(Transport, "unix", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"The D-Bus transport '{Transport}' is not supported; only unix sockets are.");
        }
        if (Options.TryGetValue("path", out var path))
        {
            return new(path);
        }
        if (Options.TryGetValue("abstract", out var name))
        {
            // A leading NUL selects Linux's abstract socket namespace.
            return new("\0" + name);
        }
        if (Options.TryGetValue("runtime", out var runtime) && runtime == "yes"
            && Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } dir)
        {
            return new(Path.Combine(dir, "bus"));
        }
        throw new NotSupportedException("A unix D-Bus address needs path=, abstract= or runtime=yes to connect (tmpdir= and dir= are for servers).");
    }
}

/// <summary>Parses D-Bus server addresses (<c>transport:key=value,…;transport:…</c>) and knows the standard buses.</summary>
public static class DBusAddress
{
    /// <summary>The system bus's well-known address.</summary>
    public const string DefaultSystemBus = "unix:path=/run/dbus/system_bus_socket";

    /// <summary>The system bus address: <c>$DBUS_SYSTEM_BUS_ADDRESS</c> when set, else <see cref="DefaultSystemBus"/>.</summary>
    public static string SystemBus => Environment.GetEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS") is { Length: > 0 } a ? a : DefaultSystemBus;

    /// <summary>The session bus address from <c>$DBUS_SESSION_BUS_ADDRESS</c>, or null.</summary>
    public static string? SessionBus => Environment.GetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } a ? a : null;

    /// <summary>Parses <paramref name="address"/> into its entries, in order (a client tries each until one connects).</summary>
    /// <exception cref="FormatException">The text is not a D-Bus address; the message says where.</exception>
    public static IReadOnlyList<DBusAddressEntry> Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var entries = new List<DBusAddressEntry>();
        foreach (var part in address.Split(';'))
        {
            if (part.Length == 0)
            {
                continue;
            }
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"D-Bus address entry '{part}' has no 'transport:' prefix.");
            }
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            var rest = part[(colon + 1)..];
            if (rest.Length > 0)
            {
                foreach (var pair in rest.Split(','))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new FormatException($"D-Bus address option '{pair}' is not key=value.");
                    }
                    var key = pair[..eq];
                    if (!options.TryAdd(key, Unescape(pair[(eq + 1)..])))
                    {
                        throw new FormatException($"D-Bus address option '{key}' appears twice.");
                    }
                }
            }
            entries.Add(new DBusAddressEntry(part[..colon], options));
        }
        if (entries.Count == 0)
        {
            throw new FormatException("The D-Bus address is empty.");
        }
        return entries;
    }

    /// <summary>Undoes the address escaping: <c>%xx</c> is a byte; values are UTF-8.</summary>
    private static string Unescape(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%')
            {
                if (i + 2 >= value.Length || !byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    throw new FormatException($"D-Bus address value '{value}' has a bad %-escape at {i}.");
                }
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>Escapes <paramref name="value"/> for use in an address (everything outside <c>[-0-9A-Za-z_/.\*]</c> as %xx).</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.' or '\\' or '*')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("x2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }
}

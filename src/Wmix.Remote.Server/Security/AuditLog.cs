using System.Text;
using System.Text.Json;

namespace Wmix.Remote.Server.Security;

/// <summary>One audit record.</summary>
/// <param name="User">The authenticated user, or the name a failed login gave.</param>
/// <param name="RemoteAddress">The client's address and port.</param>
/// <param name="Action">What was attempted: <c>auth</c>, <c>put</c>, <c>create</c>, <c>delete</c>, <c>invoke</c>, <c>denied</c>.</param>
/// <param name="Namespace">The namespace, when there is one.</param>
/// <param name="Target">The object path, or path and method.</param>
/// <param name="Result">The WBEM code (0 success), or an HTTP status for auth failures.</param>
/// <param name="Detail">A short reason (failures only).</param>
public sealed record AuditEntry(string User, string RemoteAddress, string Action, string? Namespace, string? Target, long Result, string? Detail = null);

/// <summary>
/// The audit log: one JSON object per line (<c>time</c> ISO 8601 UTC, <c>user</c>, <c>remote</c>, <c>action</c>,
/// <c>namespace</c>, <c>target</c>, <c>result</c> as 0x-hex, <c>detail</c>), appended and flushed per record. Every
/// change (Put/Create/Delete), every method call, every denial and every failed authentication is written.
/// Thread-safe.
/// </summary>
public sealed class AuditLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Stream? _stream;
    private readonly TextWriter? _writer;
    private long _written;

    private AuditLog(Stream? stream, TextWriter? writer)
    {
        _stream = stream;
        _writer = writer;
    }

    /// <summary>A log that writes nothing.</summary>
    public static AuditLog None => new(null, null);

    /// <summary>The number of records written.</summary>
    public long Count => Interlocked.Read(ref _written);

    /// <summary>Appends to the file at <paramref name="path"/> (created with mode 0600).</summary>
    public static AuditLog Open(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
        }.WithOwnerOnly());
        return new AuditLog(stream, null);
    }

    /// <summary>Writes to <paramref name="writer"/> (standard output, tests).</summary>
    public static AuditLog To(TextWriter writer) => new(null, writer);

    /// <summary>Writes one record now.</summary>
    public void Write(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_stream is null && _writer is null)
        {
            return;
        }
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("user", entry.User);
            json.WriteString("remote", entry.RemoteAddress);
            json.WriteString("action", entry.Action);
            json.WriteString("namespace", entry.Namespace);
            json.WriteString("target", entry.Target);
            json.WriteString("result", "0x" + entry.Result.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
            if (entry.Detail is not null)
            {
                json.WriteString("detail", entry.Detail);
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        // One lock per record keeps lines whole when requests finish concurrently.
        lock (_gate)
        {
            if (_stream is not null)
            {
                _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                _stream.Flush();
            }
            else
            {
                _writer!.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                _writer.Flush();
            }
            _written++;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
        }
    }
}

using System.Buffers.Binary;
using System.Text;

namespace Wmix.Providers.Linux.Sources;

/// <summary>One record of the utmp file (only the fields the providers map).</summary>
/// <param name="Type">ut_type (<see cref="UtmpReader.UserProcess"/> for a login).</param>
/// <param name="ProcessId">ut_pid: the login process (the session's shell or sshd child).</param>
/// <param name="Line">ut_line: the terminal without <c>/dev/</c> (<c>pts/0</c>, <c>tty1</c>).</param>
/// <param name="User">ut_user: the login name.</param>
/// <param name="Host">ut_host: the remote host for remote logins, else empty.</param>
/// <param name="SessionId">ut_session (the POSIX session id, used by windowing systems).</param>
/// <param name="Time">ut_tv: when the entry was written.</param>
public sealed record UtmpEntry(short Type, int ProcessId, string Line, string User, string Host, int SessionId, DateTimeOffset Time);

/// <summary>
/// Reads glibc's <c>utmp</c> file (<c>/run/utmp</c>): fixed 384-byte records in the x86-64 / aarch64 layout —
/// <c>ut_type</c> (int16, 2 bytes padding), <c>ut_pid</c> (int32, offset 4), <c>ut_line[32]</c> (8), <c>ut_id[4]</c>
/// (40), <c>ut_user[32]</c> (44), <c>ut_host[256]</c> (76), <c>ut_exit</c> (2 × int16, 332), <c>ut_session</c> (int32,
/// 336), <c>ut_tv</c> (2 × int32 seconds/microseconds, 340), <c>ut_addr_v6[4]</c> (348), 20 unused bytes (364) — in
/// the machine's byte order (little-endian on both). Strings are NUL-padded, not necessarily NUL-terminated.
/// </summary>
public static class UtmpReader
{
    /// <summary>The size of one record.</summary>
    public const int RecordSize = 384;

    /// <summary>ut_type of a user login.</summary>
    public const short UserProcess = 7;

    /// <summary>The utmp file of this machine.</summary>
    public const string DefaultPath = "/run/utmp";

    /// <summary>The records of <paramref name="path"/> (none when the file does not exist; a trailing partial record is ignored).</summary>
    public static IReadOnlyList<UtmpEntry> Read(string path = DefaultPath)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        return Parse(bytes);
    }

    /// <summary>Parses utmp records from <paramref name="data"/>.</summary>
    public static IReadOnlyList<UtmpEntry> Parse(ReadOnlySpan<byte> data)
    {
        var entries = new List<UtmpEntry>(data.Length / RecordSize);
        for (var offset = 0; offset + RecordSize <= data.Length; offset += RecordSize)
        {
            var r = data.Slice(offset, RecordSize);
            var seconds = BinaryPrimitives.ReadInt32LittleEndian(r[340..]);
            var micros = BinaryPrimitives.ReadInt32LittleEndian(r[344..]);
            entries.Add(new UtmpEntry(
                BinaryPrimitives.ReadInt16LittleEndian(r),
                BinaryPrimitives.ReadInt32LittleEndian(r[4..]),
                Text(r.Slice(8, 32)),
                Text(r.Slice(44, 32)),
                Text(r.Slice(76, 256)),
                BinaryPrimitives.ReadInt32LittleEndian(r[336..]),
                DateTimeOffset.FromUnixTimeSeconds((uint)seconds).AddTicks(Math.Clamp(micros, 0, 999_999) * 10L)));
        }
        return entries;
    }

    /// <summary>Writes records in the same layout (tests, and tools that build utmp files).</summary>
    public static byte[] Format(IEnumerable<UtmpEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        var bytes = new byte[list.Count * RecordSize];
        for (var i = 0; i < list.Count; i++)
        {
            var e = list[i];
            var r = bytes.AsSpan(i * RecordSize, RecordSize);
            BinaryPrimitives.WriteInt16LittleEndian(r, e.Type);
            BinaryPrimitives.WriteInt32LittleEndian(r[4..], e.ProcessId);
            Put(r.Slice(8, 32), e.Line);
            Put(r.Slice(44, 32), e.User);
            Put(r.Slice(76, 256), e.Host);
            BinaryPrimitives.WriteInt32LittleEndian(r[336..], e.SessionId);
            BinaryPrimitives.WriteInt32LittleEndian(r[340..], (int)e.Time.ToUnixTimeSeconds());
            BinaryPrimitives.WriteInt32LittleEndian(r[344..], (int)((e.Time.UtcTicks - DateTimeOffset.FromUnixTimeSeconds(e.Time.ToUnixTimeSeconds()).UtcTicks) / 10));
        }
        return bytes;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static void Put(Span<byte> field, string text)
    {
        var n = Encoding.UTF8.GetBytes(text.AsSpan(), field);
        field[n..].Clear();
    }
}

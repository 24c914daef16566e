using System.Buffers.Text;
using System.Text;
using Wmix.Providers.Linux.Interop;

namespace Wmix.Providers.Linux.Sources.Internal;

/// <summary>
/// Reads small kernel files (<c>/proc</c>, <c>/sys</c>) into one reusable buffer with open/read/close, building the
/// NUL-terminated path on the stack: no allocation per file. One reader per thread (not thread-safe).
/// </summary>
internal sealed unsafe class ProcFile
{
    private byte[] _buffer;

    public ProcFile(int initialSize = 4096) => _buffer = new byte[initialSize];

    /// <summary>errno of the last failed read (ENOENT, ESRCH, EACCES…), 0 after a success.</summary>
    public int LastError { get; private set; }

    /// <summary>Reads the whole file at <paramref name="path"/> (UTF-8, no NUL); empty with <see cref="LastError"/> set on failure.</summary>
    public ReadOnlySpan<byte> Read(scoped ReadOnlySpan<byte> path, out bool ok)
    {
        Span<byte> z = stackalloc byte[path.Length + 1];
        path.CopyTo(z);
        z[^1] = 0;
        fixed (byte* p = z)
        {
            var fd = Libc.open(p, Libc.O_RDONLY | Libc.O_CLOEXEC);
            if (fd < 0)
            {
                LastError = Libc.Errno;
                ok = false;
                return default;
            }
            try
            {
                var total = 0;
                while (true)
                {
                    if (total == _buffer.Length)
                    {
                        Array.Resize(ref _buffer, _buffer.Length * 2);
                    }
                    nint n;
                    fixed (byte* b = &_buffer[total])
                    {
                        n = Libc.read(fd, b, (nuint)(_buffer.Length - total));
                    }
                    if (n < 0)
                    {
                        var errno = Libc.Errno;
                        if (errno == Libc.EINTR)
                        {
                            continue;
                        }
                        LastError = errno;
                        ok = false;
                        return default;
                    }
                    if (n == 0)
                    {
                        break;
                    }
                    total += (int)n;
                }
                LastError = 0;
                ok = true;
                return _buffer.AsSpan(0, total);
            }
            finally
            {
                Libc.close(fd);
            }
        }
    }

    /// <summary>Reads <c>/proc/&lt;pid&gt;/&lt;name&gt;</c> (name may contain slashes: <c>task/12/stat</c>).</summary>
    public ReadOnlySpan<byte> ReadPid(int pid, scoped ReadOnlySpan<byte> name, out bool ok)
    {
        Span<byte> path = stackalloc byte[64 + name.Length];
        var length = PidPath(path, pid, name);
        return Read(path[..length], out ok);
    }

    /// <summary>The target of the symbolic link at <c>/proc/&lt;pid&gt;/&lt;name&gt;</c>, or null.</summary>
    public string? ReadPidLink(int pid, ReadOnlySpan<byte> name)
    {
        Span<byte> path = stackalloc byte[64 + name.Length];
        var length = PidPath(path, pid, name);
        path[length] = 0;
        Span<byte> target = stackalloc byte[4096];
        nint n;
        fixed (byte* p = path)
        fixed (byte* t = target)
        {
            n = Libc.readlink(p, t, (nuint)target.Length);
        }
        if (n < 0)
        {
            LastError = Libc.Errno;
            return null;
        }
        return Encoding.UTF8.GetString(target[..(int)n]);
    }

    /// <summary>Reads a text file (for /etc and /sys files) as a string; null when it cannot be read.</summary>
    public string? ReadText(string path)
    {
        Span<byte> p = stackalloc byte[Encoding.UTF8.GetMaxByteCount(path.Length)];
        var n = Encoding.UTF8.GetBytes(path, p);
        var data = Read(p[..n], out var ok);
        return ok ? Encoding.UTF8.GetString(data) : null;
    }

    private static int PidPath(Span<byte> path, int pid, ReadOnlySpan<byte> name)
    {
        "/proc/"u8.CopyTo(path);
        var length = 6;
        Utf8Formatter.TryFormat(pid, path[length..], out var written);
        length += written;
        path[length++] = (byte)'/';
        name.CopyTo(path[length..]);
        return length + name.Length;
    }
}

/// <summary>Span parsing helpers for the kernel's text formats.</summary>
internal static class ProcParse
{
    /// <summary>Skips spaces and tabs, then parses a signed decimal; advances past it.</summary>
    public static bool NextInt64(ref ReadOnlySpan<byte> s, out long value)
    {
        s = s.TrimStart(" \t"u8);
        if (Utf8Parser.TryParse(s, out value, out var consumed))
        {
            s = s[consumed..];
            return true;
        }
        return false;
    }

    /// <summary>Skips spaces and tabs, then parses an unsigned decimal; advances past it.</summary>
    public static bool NextUInt64(ref ReadOnlySpan<byte> s, out ulong value)
    {
        s = s.TrimStart(" \t"u8);
        if (Utf8Parser.TryParse(s, out value, out var consumed))
        {
            s = s[consumed..];
            return true;
        }
        return false;
    }

    /// <summary>Skips one whitespace-separated field.</summary>
    public static void SkipField(ref ReadOnlySpan<byte> s)
    {
        s = s.TrimStart(" \t"u8);
        var end = s.IndexOfAny(" \t\n"u8);
        s = end < 0 ? default : s[end..];
    }

    /// <summary>The next whitespace-separated field.</summary>
    public static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> s)
    {
        s = s.TrimStart(" \t"u8);
        var end = s.IndexOfAny(" \t\n"u8);
        ReadOnlySpan<byte> field;
        if (end < 0)
        {
            field = s;
            s = default;
        }
        else
        {
            field = s[..end];
            s = s[end..];
        }
        return field;
    }

    /// <summary>
    /// In a <c>Key:   value</c> file (status, meminfo), the first number after <paramref name="key"/> at a line start;
    /// null when absent.
    /// </summary>
    public static long? KeyedNumber(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key)
    {
        var line = FindLine(text, key);
        if (line.IsEmpty)
        {
            return null;
        }
        line = line[key.Length..];
        if (!line.IsEmpty && line[0] == (byte)':')
        {
            line = line[1..];
        }
        return NextInt64(ref line, out var v) ? v : null;
    }

    /// <summary>The line of <paramref name="text"/> that starts with <paramref name="prefix"/> (without its newline), or empty.</summary>
    public static ReadOnlySpan<byte> FindLine(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
    {
        var rest = text;
        while (!rest.IsEmpty)
        {
            var nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            if (line.StartsWith(prefix))
            {
                return line;
            }
            if (nl < 0)
            {
                break;
            }
            rest = rest[(nl + 1)..];
        }
        return default;
    }

    /// <summary>Splits <c>KEY=value</c> lines (os-release, /etc/environment), dropping comments and one level of quotes.</summary>
    public static IEnumerable<KeyValuePair<string, string>> KeyValueLines(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
                if (line[eq + 1] == '"')
                {
                    value = value.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal)
                        .Replace("\\$", "$", StringComparison.Ordinal).Replace("\\`", "`", StringComparison.Ordinal);
                }
            }
            yield return new(line[..eq].Trim(), value);
        }
    }
}

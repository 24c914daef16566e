using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Wmix.Remote.Server.Security;

/// <summary>
/// A users file for machines without PAM: one line per user,
/// <c>name:pbkdf2-sha256:iterations:salt-base64:hash-base64[:group,group]</c>, comments with <c>#</c>. Hashes are
/// PBKDF2-HMAC-SHA256 with a 16-byte random salt and <see cref="DefaultIterations"/> iterations; checks compare in
/// constant time and cost the same for unknown users. The listed groups add to the user's groups from
/// <c>/etc/group</c> for access rules. The file is re-read when it changes, so <c>wmix serve user add</c> takes
/// effect without a restart; it is written atomically with mode 0600.
/// </summary>
public sealed class UsersFile : ICredentialVerifier
{
    /// <summary>The PBKDF2 iteration count for new hashes (OWASP 2023 guidance for PBKDF2-HMAC-SHA256 is 600,000).</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>The smallest iteration count accepted when reading a file.</summary>
    public const int MinIterations = 200_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private static readonly byte[] s_dummySalt = RandomNumberGenerator.GetBytes(SaltBytes);
    private readonly string _path;
    private readonly int _iterations;
    private readonly Lock _gate = new();
    private Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private DateTime _stamp = DateTime.MinValue;

    /// <summary>Opens (without requiring it to exist yet) the users file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="iterations">PBKDF2 iterations for passwords set through this instance (tests may lower it to <see cref="MinIterations"/>).</param>
    public UsersFile(string path, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, MinIterations);
        _path = Path.GetFullPath(path);
        _iterations = iterations;
    }

    /// <inheritdoc />
    public string Name => "users-file";

    /// <summary>The file's path.</summary>
    public string FilePath => _path;

    /// <summary>The users in the file with their extra groups, sorted by name.</summary>
    /// <exception cref="FormatException">A line is malformed.</exception>
    public IReadOnlyList<(string User, IReadOnlyList<string> Groups)> List()
    {
        var entries = Current();
        return [.. entries.Values.OrderBy(e => e.User, StringComparer.Ordinal).Select(e => (e.User, (IReadOnlyList<string>)e.Groups))];
    }

    /// <summary>The extra groups the file gives <paramref name="user"/>.</summary>
    public IReadOnlyList<string> GroupsOf(string user) => Current().TryGetValue(user, out var e) ? e.Groups : [];

    /// <inheritdoc />
    public VerificationResult Verify(string user, ReadOnlySpan<char> password)
    {
        ArgumentNullException.ThrowIfNull(user);
        Dictionary<string, Entry> entries;
        try
        {
            entries = Current();
        }
        catch (FormatException e)
        {
            return VerificationResult.Failure("users file unreadable: " + e.Message);
        }
        if (!entries.TryGetValue(user, out var entry))
        {
            // Same cost as a real check, so response time does not reveal which users exist.
            _ = Derive(password, s_dummySalt, _iterations);
            return VerificationResult.Failure("unknown user");
        }
        var actual = Derive(password, entry.Salt, entry.Iterations);
        return CryptographicOperations.FixedTimeEquals(actual, entry.Hash)
            ? VerificationResult.Success
            : VerificationResult.Failure("wrong password");
    }

    /// <summary>Adds <paramref name="user"/> or replaces their password (and groups, when given); writes the file.</summary>
    /// <exception cref="ArgumentException">The name or a group contains ':' ',' or white space, or the password is empty.</exception>
    public void SetPassword(string user, ReadOnlySpan<char> password, IReadOnlyList<string>? groups = null)
    {
        ValidateName(user, nameof(user));
        if (password.IsEmpty)
        {
            throw new ArgumentException("The password must not be empty.", nameof(password));
        }
        foreach (var g in groups ?? [])
        {
            ValidateName(g, nameof(groups));
        }
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, _iterations);
        lock (_gate)
        {
            var entries = new Dictionary<string, Entry>(Current(), StringComparer.Ordinal);
            var keep = entries.TryGetValue(user, out var old) ? old.Groups : [];
            entries[user] = new Entry(user, _iterations, salt, hash, groups is null ? keep : [.. groups]);
            Save(entries);
        }
    }

    /// <summary>Removes <paramref name="user"/>; false when absent.</summary>
    public bool Remove(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            var entries = new Dictionary<string, Entry>(Current(), StringComparer.Ordinal);
            if (!entries.Remove(user))
            {
                return false;
            }
            Save(entries);
            return true;
        }
    }

    private static void ValidateName(string name, string parameter)
    {
        if (string.IsNullOrEmpty(name) || name.Any(c => c is ':' or ',' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException($"'{name}' is not a valid name (no ':', ',', spaces or control characters).", parameter);
        }
    }

    private static byte[] Derive(ReadOnlySpan<char> password, byte[] salt, int iterations)
    {
        var max = Encoding.UTF8.GetMaxByteCount(password.Length);
        var buffer = new byte[max];
        try
        {
            var n = Encoding.UTF8.GetBytes(password, buffer);
            return Rfc2898DeriveBytes.Pbkdf2(buffer.AsSpan(0, n), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private Dictionary<string, Entry> Current()
    {
        var stamp = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        lock (_gate)
        {
            // Re-read on a new modification time; the lock keeps a reader from seeing a table being replaced.
            if (stamp != _stamp)
            {
                _entries = stamp == DateTime.MinValue ? new(StringComparer.Ordinal) : Parse(File.ReadAllLines(_path), _path);
                _stamp = stamp;
            }
            return _entries;
        }
    }

    private static Dictionary<string, Entry> Parse(string[] lines, string path)
    {
        var result = new Dictionary<string, Entry>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var f = line.Split(':');
            if (f.Length is < 5 or > 6 || f[1] != Scheme
                || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < MinIterations)
            {
                throw new FormatException($"{path}:{i + 1}: expected name:{Scheme}:iterations(>= {MinIterations}):salt:hash[:groups].");
            }
            byte[] salt, hash;
            try
            {
                salt = Convert.FromBase64String(f[3]);
                hash = Convert.FromBase64String(f[4]);
            }
            catch (FormatException)
            {
                throw new FormatException($"{path}:{i + 1}: salt or hash is not base64.");
            }
            if (hash.Length != HashBytes || salt.Length < 8)
            {
                throw new FormatException($"{path}:{i + 1}: the salt or hash has the wrong length.");
            }
            var groups = f.Length == 6 ? f[5].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (!result.TryAdd(f[0], new Entry(f[0], iterations, salt, hash, groups)))
            {
                throw new FormatException($"{path}:{i + 1}: user '{f[0]}' appears twice.");
            }
        }
        return result;
    }

    private void Save(Dictionary<string, Entry> entries)
    {
        var sb = new StringBuilder("# wmix serve users file: name:pbkdf2-sha256:iterations:salt:hash[:groups]. Manage with 'wmix serve user'.\n");
        foreach (var e in entries.Values.OrderBy(e => e.User, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{e.User}:{Scheme}:{e.Iterations}:{Convert.ToBase64String(e.Salt)}:{Convert.ToBase64String(e.Hash)}");
            if (e.Groups.Length > 0)
            {
                sb.Append(':').Append(string.Join(',', e.Groups));
            }
            sb.Append('\n');
        }
        var dir = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, "." + Path.GetFileName(_path) + "." + Environment.ProcessId + ".tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
        }.WithOwnerOnly();
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(sb.ToString());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
        _entries = entries;
        _stamp = File.GetLastWriteTimeUtc(_path);
    }

    private sealed record Entry(string User, int Iterations, byte[] Salt, byte[] Hash, string[] Groups);
}

using Wmix.Providers.Linux.Sources.Internal;

namespace Wmix.Providers.Linux.Sources;

/// <summary>
/// System-wide environment variables from <c>/etc/environment</c> (the file <c>pam_env</c> reads at every login):
/// <c>NAME=VALUE</c> lines, values optionally in single or double quotes, <c>#</c> comments and blank lines skipped,
/// an optional leading <c>export </c> tolerated.
/// </summary>
public static class EnvironmentSource
{
    /// <summary>The variables in <paramref name="path"/>, in file order (a later duplicate replaces the earlier value, as pam_env does).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ReadSystem(string path = "/etc/environment") =>
        Parse(new ProcFile().ReadText(path) ?? "");

    /// <summary>Parses the text of an environment file.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var order = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
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
            var name = line[..eq].Trim();
            if (!IsName(name))
            {
                continue;
            }
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }
            values[name] = value;
        }
        return [.. order.Select(n => new KeyValuePair<string, string>(n, values[n]))];
    }

    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

using System.Text;

namespace Wmix.Providers.Linux.Providers.Internal;

/// <summary>
/// Splits a <c>Win32_Process.Create</c> command line into an argument vector with POSIX shell quoting rules and no
/// expansion: whitespace separates words; <c>'…'</c> is literal; inside <c>"…"</c> a backslash escapes <c>"</c>,
/// <c>\</c>, <c>$</c> and <c>`</c>; outside quotes a backslash escapes any character. No globbing, variables, pipes
/// or redirections: the command is executed directly, never through a shell.
/// </summary>
internal static class CommandLineSplitter
{
    /// <summary>The words of <paramref name="commandLine"/>, or null when a quote is not closed or it ends in a lone backslash.</summary>
    public static List<string>? Split(string commandLine)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                    {
                        words.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }
                    break;
                case '\'':
                    {
                        var end = commandLine.IndexOf('\'', i + 1);
                        if (end < 0)
                        {
                            return null;
                        }
                        current.Append(commandLine, i + 1, end - i - 1);
                        inWord = true;
                        i = end;
                        break;
                    }
                case '"':
                    {
                        inWord = true;
                        i++;
                        while (true)
                        {
                            if (i >= commandLine.Length)
                            {
                                return null;
                            }
                            var d = commandLine[i];
                            if (d == '"')
                            {
                                break;
                            }
                            if (d == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\' or '$' or '`')
                            {
                                current.Append(commandLine[i + 1]);
                                i += 2;
                                continue;
                            }
                            current.Append(d);
                            i++;
                        }
                        break;
                    }
                case '\\':
                    if (i + 1 >= commandLine.Length)
                    {
                        return null;
                    }
                    current.Append(commandLine[++i]);
                    inWord = true;
                    break;
                default:
                    current.Append(c);
                    inWord = true;
                    break;
            }
        }
        if (inWord)
        {
            words.Add(current.ToString());
        }
        return words;
    }
}

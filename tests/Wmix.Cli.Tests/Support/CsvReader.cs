using System.Text;

namespace Wmix.Cli.Tests.Support;

/// <summary>A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes), to check what wmix writes.</summary>
internal static class CsvReader
{
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var quoted = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }
                if (c == '"')
                {
                    quoted = false;
                    i++;
                    continue;
                }
                field.Append(c);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    i++;
                    break;
                case '"':
                    throw new FormatException($"A bare double quote inside an unquoted field at {i}.");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add([.. fields]);
                    fields.Clear();
                    i += 2;
                    break;
                case '\r' or '\n':
                    throw new FormatException($"A bare line break outside quotes at {i}.");
                default:
                    field.Append(c);
                    i++;
                    break;
            }
        }
        if (quoted)
        {
            throw new FormatException("An unterminated quoted field.");
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            throw new FormatException("The last record does not end with CRLF.");
        }
        return rows;
    }
}

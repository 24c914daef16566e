using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Wmix.Cli.Output;

/// <summary>
/// JSON: an array of objects, property name → value, printed as objects arrive; or JSON Lines (one compact object a
/// line) when streaming events. CIM types map to JSON as: integers (uint64 and sint64 too) → numbers, real32/real64 →
/// numbers (NaN and infinities → strings), boolean → true/false, string, char16, datetime (DMTF text) and reference
/// (object path) → strings, embedded objects → nested objects, arrays → arrays, NULL → null.
/// </summary>
internal sealed class JsonRecordWriter : RecordWriter
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions s_compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _output;
    private readonly bool _lines;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _json;
    private bool _started;

    public JsonRecordWriter(TextWriter output, bool lines)
    {
        _output = output;
        _lines = lines;
        _json = new Utf8JsonWriter(_buffer, lines ? s_compact : s_indented);
    }

    protected override void WriteCore(CliRecord record)
    {
        if (_lines)
        {
            WriteObject(_json, record.Properties);
            Drain();
            _json.Reset();
            _output.Write('\n');
        }
        else
        {
            StartArray();
            WriteObject(_json, record.Properties);
            Drain();
        }
        _output.Flush();
    }

    public override void Complete()
    {
        if (!_lines)
        {
            StartArray();
            _json.WriteEndArray();
            Drain();
            _output.Write('\n');
        }
        _output.Flush();
    }

    /// <summary>Writes the properties of one object as a JSON object.</summary>
    public static void WriteObject(Utf8JsonWriter json, IEnumerable<CliProperty> properties)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(properties);
        json.WriteStartObject();
        foreach (var p in properties)
        {
            json.WritePropertyName(p.Name);
            WriteValue(json, p.Value, p.Type);
        }
        json.WriteEndObject();
    }

    /// <summary>Writes one scripting value declared as <paramref name="type"/>.</summary>
    public static void WriteValue(Utf8JsonWriter json, object? value, WbemCimtypeEnum type)
    {
        ArgumentNullException.ThrowIfNull(json);
        switch (value)
        {
            case null:
                json.WriteNullValue();
                return;
            case Array array:
                json.WriteStartArray();
                foreach (var item in array)
                {
                    WriteValue(json, item, type);
                }
                json.WriteEndArray();
                return;
            case SWbemObject embedded:
                WriteObject(json, CliRecord.From(embedded).Properties);
                return;
            case bool b:
                json.WriteBooleanValue(b);
                return;
            default:
                break;
        }
        switch (type)
        {
            case WbemCimtypeEnum.wbemCimtypeUint64 when value is string s && ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var u):
                json.WriteNumberValue(u);
                return;
            case WbemCimtypeEnum.wbemCimtypeSint64 when value is string s && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                json.WriteNumberValue(l);
                return;
            case WbemCimtypeEnum.wbemCimtypeUint32 when value is int i:
                // Scripting form: the same bits in an int (spec §6.3); JSON gets the real unsigned number.
                json.WriteNumberValue(unchecked((uint)i));
                return;
            case WbemCimtypeEnum.wbemCimtypeChar16 when value is short c:
                json.WriteStringValue(((char)c).ToString());
                return;
            default:
                break;
        }
        switch (value)
        {
            case string s:
                json.WriteStringValue(s);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float or double:
                json.WriteStringValue(CliText.Format(value, type));
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong ul:
                json.WriteNumberValue(ul);
                break;
            default:
                json.WriteStringValue(CliText.Format(value, type));
                break;
        }
    }

    private void StartArray()
    {
        if (!_started)
        {
            _started = true;
            _json.WriteStartArray();
        }
    }

    /// <summary>Moves what the JSON writer produced so far to the output (the writer keeps its nesting state).</summary>
    private void Drain()
    {
        _json.Flush();
        _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _buffer.ResetWrittenCount();
    }
}

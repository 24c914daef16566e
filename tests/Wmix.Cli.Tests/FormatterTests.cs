using System.Buffers;
using System.Text;
using System.Text.Json;
using Wmix.Cli.Output;

namespace Wmix.Cli.Tests;

/// <summary>In-process tests of the value mapping and the writers, on objects built through the scripting API.</summary>
public sealed class FormatterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("lf\nonly", "\"lf\nonly\"")]
    [InlineData(" padded ", "\" padded \"")]
    public void Quote_Field_Rfc4180(string field, string expected) => Assert.Equal(expected, Csv.Quote(field));

    [Theory]
    [InlineData(-1, WbemCimtypeEnum.wbemCimtypeUint32, "4294967295")]
    [InlineData(-1, WbemCimtypeEnum.wbemCimtypeSint32, "-1")]
    [InlineData("18446744073709551615", WbemCimtypeEnum.wbemCimtypeUint64, "18446744073709551615")]
    [InlineData(true, WbemCimtypeEnum.wbemCimtypeBoolean, "True")]
    [InlineData((short)65, WbemCimtypeEnum.wbemCimtypeChar16, "A")]
    [InlineData(1.5, WbemCimtypeEnum.wbemCimtypeReal64, "1.5")]
    [InlineData(null, WbemCimtypeEnum.wbemCimtypeString, "")]
    public void Format_ScriptingValue_PrintsCimValue(object? value, WbemCimtypeEnum type, string expected) =>
        Assert.Equal(expected, CliText.Format(value, type));

    [Fact]
    public void Format_Array_Braced() =>
        Assert.Equal("{1, 4294967295}", CliText.Format(new[] { 1, -1 }, WbemCimtypeEnum.wbemCimtypeUint32));

    [Fact]
    public void WriteValue_CimTypes_MapToJson()
    {
        var json = Json(w =>
        {
            w.WriteStartArray();
            JsonRecordWriter.WriteValue(w, -1, WbemCimtypeEnum.wbemCimtypeUint32);
            JsonRecordWriter.WriteValue(w, "18446744073709551615", WbemCimtypeEnum.wbemCimtypeUint64);
            JsonRecordWriter.WriteValue(w, "-9223372036854775808", WbemCimtypeEnum.wbemCimtypeSint64);
            JsonRecordWriter.WriteValue(w, (byte)200, WbemCimtypeEnum.wbemCimtypeUint8);
            JsonRecordWriter.WriteValue(w, double.NaN, WbemCimtypeEnum.wbemCimtypeReal64);
            JsonRecordWriter.WriteValue(w, 0.25f, WbemCimtypeEnum.wbemCimtypeReal32);
            JsonRecordWriter.WriteValue(w, "20240102030405.000000+060", WbemCimtypeEnum.wbemCimtypeDatetime);
            JsonRecordWriter.WriteValue(w, new[] { "a", "b" }, WbemCimtypeEnum.wbemCimtypeString);
            JsonRecordWriter.WriteValue(w, null, WbemCimtypeEnum.wbemCimtypeString);
            JsonRecordWriter.WriteValue(w, false, WbemCimtypeEnum.wbemCimtypeBoolean);
            w.WriteEndArray();
        });

        Assert.Equal("[4294967295,18446744073709551615,-9223372036854775808,200,\"NaN\",0.25,\"20240102030405.000000+060\",[\"a\",\"b\"],null,false]", json);
    }

    [Fact]
    public void Writers_EveryFormat_OnScriptingObjects()
    {
        var records = new[] { Record("first", 7, "x,y"), Record("second", uint.MaxValue, "say \"hi\"") };

        var csv = Render(OutputFormat.Csv, records);
        Assert.Equal("Name,Count,Note\r\nfirst,7,\"x,y\"\r\nsecond,4294967295,\"say \"\"hi\"\"\"\r\n", csv);

        var table = Render(OutputFormat.Table, records);
        Assert.Equal("Name\tCount\tNote\nfirst\t7\tx,y\nsecond\t4294967295\tsay \"hi\"\n", table);

        var list = Render(OutputFormat.List, records);
        Assert.Equal("Name=first\nCount=7\nNote=x,y\n\nName=second\nCount=4294967295\nNote=say \"hi\"\n\n", list);

        using var doc = JsonDocument.Parse(Render(OutputFormat.Json, records));
        Assert.Equal(uint.MaxValue, doc.RootElement[1].GetProperty("Count").GetUInt32());
        Assert.Equal("x,y", doc.RootElement[0].GetProperty("Note").GetString());

        var lines = Render(OutputFormat.Json, records, streaming: true).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal("first", JsonDocument.Parse(lines[0]).RootElement.GetProperty("Name").GetString());

        Assert.Contains("Count = 4294967295;", Render(OutputFormat.Mof, records), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_NoObjects_EmptyArray() => Assert.Equal("[]\n", Render(OutputFormat.Json, []));

    [Fact]
    public void Csv_NoObjects_NothingAtAll() => Assert.Equal("", Render(OutputFormat.Csv, []));

    [Fact]
    public void Delimited_HeterogeneousObjects_UnionOfColumns()
    {
        var a = Record("a", 1, "n");
        var b = CliRecord.Synthetic(a.Source, [new CliProperty("Other", WbemCimtypeEnum.wbemCimtypeString, false, "o")]);

        Assert.Equal("Name\tCount\tNote\tOther\na\t1\tn\t\n\t\t\to\n", Render(OutputFormat.Table, [a, b]));
    }

    [Theory]
    [InlineData("SELECT ProcessId, Name FROM Win32_Process", new[] { "ProcessId", "Name" })]
    [InlineData("SELECT * FROM Win32_Process", null)]
    [InlineData("SELECT TargetInstance.Name, TIME_CREATED FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'", new[] { "TargetInstance.Name", "TIME_CREATED" })]
    [InlineData("SELECT TargetInstance.Name, TargetInstance.name FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'Win32_Process'", new[] { "TargetInstance.Name" })]
    [InlineData("SELEC nonsense", null)]
    public void SelectionOf_Query_PropertyPathsInOrder(string query, string[]? expected) =>
        Assert.Equal(expected, CliContext.SelectionOf(query));

    [Fact]
    public void ParseArguments_SplitsAtFirstEquals()
    {
        var parsed = Commands.CallCommand.ParseArguments(["CommandLine=a=b c", "Empty="]);

        Assert.Equal([("CommandLine", "a=b c"), ("Empty", "")], parsed);
        Assert.Throws<UsageException>(() => Commands.CallCommand.ParseArguments(["novalue"]));
    }

    [Fact]
    public void FormatError_CodeNameMessage() =>
        Assert.Equal("error 0x80041017 wbemErrInvalidQuery: bad", CliContext.FormatError(WbemErrorEnum.wbemErrInvalidQuery, "bad"));

    /// <summary>An instance of a class made through the scripting API (an unnamed class spawned into a named one).</summary>
    private static CliRecord Record(string name, uint count, string note)
    {
        var services = new SWbemLocator().ConnectServer();
        var cls = services.Get();
        cls.Path_.Class = "Cli_Test";
        cls.Properties_.Add("Name", WbemCimtypeEnum.wbemCimtypeString);
        cls.Properties_.Add("Count", WbemCimtypeEnum.wbemCimtypeUint32);
        cls.Properties_.Add("Note", WbemCimtypeEnum.wbemCimtypeString);
        var instance = cls.SpawnInstance_();
        instance.Properties_.Item("Name").Value = name;
        instance.Properties_.Item("Count").Value = count;
        instance.Properties_.Item("Note").Value = note;
        return CliRecord.From(instance);
    }

    private static string Render(OutputFormat format, IEnumerable<CliRecord> records, bool streaming = false)
    {
        using var output = new StringWriter { NewLine = "\n" };
        var writer = RecordWriter.Create(format, new OutputTarget(output, Terminal: null, streaming));
        foreach (var record in records)
        {
            writer.Write(record);
        }
        writer.Complete();
        return output.ToString();
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

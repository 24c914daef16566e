using System.Globalization;
using System.Text.Json;
using Wmix.Cli.Tests.Support;

namespace Wmix.Cli.Tests;

/// <summary>
/// The real tool against the real engine and the Linux providers: every output format of <c>query</c>, and
/// <c>get</c>, <c>describe</c>, <c>classes</c> and <c>call</c>. A child shell with a known command line (holding a
/// comma and double quotes, so CSV quoting is exercised) is the process the tests look at.
/// </summary>
public sealed class OutputFormatTests : IDisposable
{
    private const string Script = "sleep 30; echo \"a,b\" 'x'";
    private readonly System.Diagnostics.Process _child = Children.StartShell(Script);

    public void Dispose() => Children.Kill(_child);

    private string Pid => _child.Id.ToString(CultureInfo.InvariantCulture);

    private string Where => $"WHERE ProcessId = {Pid} OR ProcessId = 1";

    /// <summary>The child's Name as the kernel knows it: the file name of its executable (/bin/sh may be dash).</summary>
    private string ExeName => Path.GetFileName(File.ResolveLinkTarget($"/proc/{Pid}/exe", returnFinalTarget: true)!.FullName);

    [Fact]
    public async Task Query_Json_ArrayOfObjectsWithTypedValues()
    {
        var result = await WmixTool.RunAsync("query", $"SELECT ProcessId, Name, CommandLine, WorkingSetSize, CreationDate FROM Win32_Process {Where}", "--format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        var child = items.Single(i => i.GetProperty("ProcessId").GetInt32() == _child.Id);
        // Only the selected properties, in query order.
        Assert.Equal(["ProcessId", "Name", "CommandLine", "WorkingSetSize", "CreationDate"], child.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, child.GetProperty("ProcessId").ValueKind);
        Assert.Equal(ExeName, child.GetProperty("Name").GetString());
        Assert.Contains(Script, child.GetProperty("CommandLine").GetString(), StringComparison.Ordinal);
        // uint64 as a JSON number, equal to the resident set size the kernel reports.
        Assert.Equal(JsonValueKind.Number, child.GetProperty("WorkingSetSize").ValueKind);
        Assert.True(child.GetProperty("WorkingSetSize").GetUInt64() > 0);
        // datetime as the DMTF string.
        Assert.Matches(@"^\d{14}\.\d{6}[+-]\d{3}$", child.GetProperty("CreationDate").GetString());
    }

    [Fact]
    public async Task Query_Csv_HeaderAndOneQuotedLinePerObject()
    {
        var csv = await WmixTool.RunAsync("query", $"SELECT ProcessId, CommandLine FROM Win32_Process {Where}", "-f", "csv");
        var json = await WmixTool.RunAsync("query", $"SELECT ProcessId, CommandLine FROM Win32_Process WHERE ProcessId = {Pid}", "-f", "json");

        Assert.True(csv.ExitCode == 0, csv.ToString());
        var rows = CsvReader.Parse(csv.Stdout);
        Assert.Equal(3, rows.Count);
        Assert.Equal(["ProcessId", "CommandLine"], rows[0]);
        Assert.EndsWith("\r\n", csv.Stdout, StringComparison.Ordinal);
        var childRow = rows.Single(r => r[0] == Pid);
        var expected = JsonDocument.Parse(json.Stdout).RootElement[0].GetProperty("CommandLine").GetString();
        Assert.Equal(expected, childRow[1]);
        Assert.Contains("\"\"", csv.Stdout, StringComparison.Ordinal); // the inner quotes were doubled
    }

    [Fact]
    public async Task Query_TablePiped_TabSeparatedWithHeader()
    {
        var result = await WmixTool.RunAsync("query", $"SELECT ProcessId, Name FROM Win32_Process {Where}");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ProcessId\tName", lines[0]);
        Assert.Contains($"{Pid}\t{ExeName}", lines);
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain('\u2500', result.Stdout); // no box drawing when piped
        Assert.Empty(result.Stderr); // and no progress display
    }

    [Fact]
    public async Task Query_List_NameValueBlocks()
    {
        var result = await WmixTool.RunAsync("query", $"SELECT ProcessId, Name, ThreadCount FROM Win32_Process WHERE ProcessId = {Pid}", "-f", "list");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"ProcessId={Pid}\nName={ExeName}\nThreadCount=1\n\n", result.Stdout);
    }

    [Fact]
    public async Task Query_Mof_InstanceText()
    {
        var result = await WmixTool.RunAsync("query", $"SELECT * FROM Win32_Process WHERE ProcessId = {Pid}", "-f", "mof");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("instance of Win32_Process", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"ProcessId = {Pid};", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ByPath_PrintsTheObject()
    {
        var result = await WmixTool.RunAsync("get", $"Win32_Process.Handle=\"{Pid}\"", "-f", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var obj = JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal(_child.Id, obj.GetProperty("ProcessId").GetInt32());
        Assert.Equal(Environment.ProcessId, obj.GetProperty("ParentProcessId").GetInt32());
    }

    [Fact]
    public async Task Get_Class_PrintsItsDefinitionAsMof()
    {
        var result = await WmixTool.RunAsync("get", "Win32_Process");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("class Win32_Process : CIM_Process", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Caption=", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_SchemaQuery_OneRowPerClassWithNameAndParent()
    {
        // Classes have no property values: a table of every property of every class would be all blanks.
        var result = await WmixTool.RunAsync("query", "SELECT * FROM meta_class WHERE __this ISA 'CIM_LogicalFile'", "-f", "csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = CsvReader.Parse(result.Stdout);
        Assert.Equal(["__CLASS", "__SUPERCLASS"], rows[0]);
        Assert.Contains(rows, r => r[0] == "CIM_DataFile" && r[1] == "CIM_LogicalFile");
        Assert.Contains(rows, r => r[0] == "Win32_Directory" && r[1] == "CIM_Directory");
    }

    [Fact]
    public async Task Call_Create_ChildOutlivesWmixAndCanStillWrite()
    {
        // Win32_Process.Create detaches the child: once `wmix call` has exited, the child's writes must not fail.
        var dir = Directory.CreateTempSubdirectory("wmix-cli-create");
        try
        {
            var go = Path.Combine(dir.FullName, "go");
            var done = Path.Combine(dir.FullName, "done");
            var create = await WmixTool.RunAsync("call", "Win32_Process", "Create",
                $"CommandLine=/bin/sh -c 'while [ ! -e {go} ]; do sleep 0.05; done; echo out && echo err >&2 && touch {done}'");
            Assert.True(create.ExitCode == 0, create.ToString());

            await File.WriteAllTextAsync(go, "", TestContext.Current.CancellationToken);
            var deadline = DateTime.UtcNow + WmixTool.DefaultTimeout;
            while (!File.Exists(done) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
            Assert.True(File.Exists(done), "the created process failed to write after wmix exited");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Describe_Class_PrintsMofSchema()
    {
        var result = await WmixTool.RunAsync("describe", "Win32_Process");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("class Win32_Process : CIM_Process", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("uint32 ProcessId;", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classes_Deep_ListsProviderClasses()
    {
        var result = await WmixTool.RunAsync("classes", "--deep", "-f", "csv");

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = CsvReader.Parse(result.Stdout);
        Assert.Equal(["__CLASS", "__SUPERCLASS"], rows[0]);
        Assert.Contains(rows, r => r[0] == "Win32_Process" && r[1] == "CIM_Process");
    }

    [Fact]
    public async Task Call_CreateThenTerminate_ReturnValueFirstAndProcessGone()
    {
        var create = await WmixTool.RunAsync("call", "Win32_Process", "Create", "CommandLine=sleep 40");

        Assert.True(create.ExitCode == 0, create.ToString());
        var lines = create.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ReturnValue=0", lines[0]);
        var pid = int.Parse(lines.Single(l => l.StartsWith("ProcessId=", StringComparison.Ordinal))["ProcessId=".Length..], CultureInfo.InvariantCulture);
        Assert.True(File.Exists($"/proc/{pid}/cmdline"));
        Assert.Contains("sleep", await File.ReadAllTextAsync($"/proc/{pid}/cmdline", TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var terminate = await WmixTool.RunAsync("call", $"Win32_Process.Handle=\"{pid}\"", "Terminate", "Reason=0");

        Assert.True(terminate.ExitCode == 0, terminate.ToString());
        Assert.Equal("ReturnValue=0\n\n", terminate.Stdout);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (IsRunning(pid) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.False(IsRunning(pid));
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            // A terminated child of the (gone) wmix process is reparented and reaped; a zombie counts as ended.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}

using System.Globalization;
using System.Text;
using Wmix.Cim;
using Wmix.Hosting.Tests.Support;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests;

/// <summary>
/// Real processes on one durable repository (issue #5): <c>wmix</c> writing while this process reads, writers
/// serialised, data put through SWbemServices surviving a restart, and clear errors when the repository cannot be
/// opened.
/// </summary>
public sealed class MultiProcessTests
{
    private const int Ids = 40;
    private const int Rounds = 6;

    private static WmixHostOptions Reader(string directory) => new() { RepositoryDirectory = directory, RegisterLinuxProviders = false };

    /// <summary>One round of the writer: every Tick instance rewritten with values derived from the round, and a new subclass.</summary>
    private static string RoundMof(int round)
    {
        var mof = new StringBuilder();
        mof.Append(CultureInfo.InvariantCulture, $"class Tick_{round} : Tick {{ }};\n");
        for (var id = 0; id < Ids; id++)
        {
            mof.Append(CultureInfo.InvariantCulture,
                $"instance of Tick {{ Id = \"t{id}\"; A = {round}; B = {round * 2}; C = \"{round}\"; Pad = \"{new string((char)('a' + round), 300 + id)}\"; }};\n");
        }
        mof.Append(CultureInfo.InvariantCulture, $"instance of Tick_{round} {{ Id = \"sub{round}\"; A = {round}; B = {round * 2}; C = \"{round}\"; Pad = \"\"; }};\n");
        return mof.ToString();
    }

    /// <summary>True when an instance's values all derive from the same round (a torn object would mix two).</summary>
    private static bool IsWhole(CimInstance instance, out int round)
    {
        var r = instance["A"] is uint a ? (int)a : -1;
        round = r;
        return r >= 0 && instance["B"] is uint b && b == r * 2 && instance["C"] is string c && c == r.ToString(CultureInfo.InvariantCulture)
            && instance["Pad"] is string pad && (pad.Length == 0 || pad.All(ch => ch == (char)('a' + r)));
    }

    [Fact]
    public async Task CliWritesWhileAnotherProcessReads_ReadersNeverSeeATornObject_AndSeeNewClasses()
    {
        using var directory = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var schema = Path.Combine(directory.Path, "tick.mof");
        await File.WriteAllTextAsync(schema, "class Tick { [key] string Id; uint32 A; uint32 B; string C; string Pad; };\n" + RoundMof(0), ct);
        var first = await Processes.WmixAsync(directory.Repository, "mofcomp", schema);
        Assert.True(first.ExitCode == 0, first.ToString());

        // This process reads through its own host while the CLI writes round after round.
        using var host = WmixHost.Open(Reader(directory.Repository));
        using var session = host.Manager.OpenSession(@"root\default");
        var writer = Task.Run(async () =>
        {
            for (var round = 1; round <= Rounds; round++)
            {
                var file = Path.Combine(directory.Path, $"round{round}.mof");
                await File.WriteAllTextAsync(file, RoundMof(round), ct);
                var result = await Processes.WmixAsync(directory.Repository, "mofcomp", file);
                Assert.True(result.ExitCode == 0, result.ToString());
            }
        }, ct);
        var lastSeen = new Dictionary<string, int>();
        var reads = 0;
        var roundsSeen = new HashSet<int>();
        while (!writer.IsCompleted || reads == 0)
        {
            await foreach (var obj in session.QueryAsync("SELECT * FROM Tick", ct))
            {
                var instance = (CimInstance)obj;
                var id = (string)instance["Id"]!;
                Assert.True(IsWhole(instance, out var round), $"Torn object {id}: A={instance["A"]} B={instance["B"]} C={instance["C"]}");
                // Committed data never goes back: a later read shows the same round or a newer one.
                Assert.True(!lastSeen.TryGetValue(id, out var previous) || previous <= round, $"{id} went back from round {previous} to {round}.");
                lastSeen[id] = round;
                roundsSeen.Add(round);
            }
            reads++;
        }
        await writer;

        // After the writer: every instance at the last round, and the subclasses the other process created are seen
        // by this process's queries (its schema views follow the store's generation).
        var final = new List<CimInstance>();
        await foreach (var obj in session.QueryAsync("SELECT * FROM Tick", ct))
        {
            final.Add((CimInstance)obj);
        }
        Assert.Equal(Ids + Rounds + 1, final.Count);
        Assert.All(final.Where(i => ((string)i["Id"]!).StartsWith('t')), i => Assert.Equal((uint)Rounds, i["A"]));
        var classes = new List<string>();
        await foreach (var obj in session.QueryAsync("SELECT * FROM meta_class WHERE __this ISA 'Tick'", ct))
        {
            classes.Add(((CimClass)obj).Name);
        }
        Assert.Equal(Rounds + 2, classes.Count);
        TestContext.Current.SendDiagnosticMessage($"{reads} reads while {Rounds} rounds were written; rounds seen mid-write: {string.Join(',', roundsSeen.Order())}");

        var check = await Processes.WmixAsync(directory.Repository, "repository", "check");
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Fact]
    public async Task TwoCliWritersAtOnce_AreSerialised_AndBothFilesAreStoredWhole()
    {
        using var directory = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var schema = Path.Combine(directory.Path, "schema.mof");
        await File.WriteAllTextAsync(schema, "class Item { [key] string Id; string Writer; };\n", ct);
        var created = await Processes.WmixAsync(directory.Repository, "mofcomp", schema);
        Assert.True(created.ExitCode == 0, created.ToString());
        string File_(string writer) =>
            string.Concat(Enumerable.Range(0, 300).Select(i => $"instance of Item {{ Id = \"{writer}{i}\"; Writer = \"{writer}\"; }};\n"));
        var a = Path.Combine(directory.Path, "a.mof");
        var b = Path.Combine(directory.Path, "b.mof");
        await File.WriteAllTextAsync(a, File_("a"), ct);
        await File.WriteAllTextAsync(b, File_("b"), ct);
        var results = await Task.WhenAll(Processes.WmixAsync(directory.Repository, "mofcomp", a), Processes.WmixAsync(directory.Repository, "mofcomp", b));
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));

        using var host = WmixHost.Open(Reader(directory.Repository));
        using var session = host.Manager.OpenSession(@"root\default");
        var writers = new Dictionary<string, int>();
        await foreach (var obj in session.QueryAsync("SELECT * FROM Item", ct))
        {
            var writer = (string)((CimInstance)obj)["Writer"]!;
            writers[writer] = writers.GetValueOrDefault(writer) + 1;
        }
        Assert.Equal(300, writers["a"]);
        Assert.Equal(300, writers["b"]);
        Assert.True(host.Repository!.Check().IsConsistent);
    }

    [Fact]
    public async Task UserClassAndInstancePutThroughSWbemServices_AreSeenAfterRestart()
    {
        using var directory = new TempDirectory();
        var put = await Processes.WorkerAsync(directory.Repository, nameof(Workers.PutUserClassAndInstance), "first process");
        Assert.True(put.Reports().Contains("stored"), put.ToString());

        // A new process: the class, the instance and the namespace are there.
        var read = await Processes.WorkerAsync(directory.Repository, nameof(Workers.ReadUserClassAndInstance));
        Assert.True(read.Reports().Contains("value 42 note first process"), read.ToString());
        Assert.Contains("count 1", read.Reports());
        Assert.Contains("namespace __NAMESPACE", read.Reports());

        // And the CLI, a third program, sees the same repository.
        var query = await Processes.WmixAsync(directory.Repository, "query", "SELECT Name, Value FROM Host_Kept", "--namespace", "root/default", "--format", "csv");
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.Contains("kept,42", query.Stdout, StringComparison.Ordinal);
        var check = await Processes.WmixAsync(directory.Repository, "repository", "check");
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Fact]
    public async Task DamagedRepository_ConnectServerAndCliGiveCriticalError_AndTheNextConnectTriesAgain()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Repository);
        var file = Path.Combine(directory.Repository, "repository.db");
        await File.WriteAllBytesAsync(file, [.. Enumerable.Range(0, 16384).Select(i => (byte)(i * 31 % 253))], TestContext.Current.CancellationToken);

        var cli = await Processes.WmixAsync(directory.Repository, "query", "SELECT * FROM Win32_OperatingSystem");
        Assert.Equal(1, cli.ExitCode);
        Assert.Contains("error 0x8004100A wbemErrCriticalError", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains(file, cli.Stderr, StringComparison.Ordinal);
        Assert.Equal("", cli.Stdout);

        var worker = await Processes.WorkerAsync(directory.Repository, nameof(Workers.ConnectServerReportsRepositoryError), "fix");
        var reports = worker.Reports();
        Assert.True(reports.Count == 2, worker.ToString());
        Assert.StartsWith("error wbemErrCriticalError", reports[0], StringComparison.Ordinal);
        // Not cached: once the damaged file is moved away, the same process connects (to a fresh repository).
        Assert.Equal("connected 1", reports[1]);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task ReadOnlyLocation_ConnectServerAndCliGiveAccessDenied()
    {
        using var directory = new TempDirectory();
        Mount? mount = null;
        if (Environment.UserName == "root")
        {
            // Root ignores permissions: only a read-only file system stops it.
            Assert.SkipUnless(Mount.Available, Mount.Reason);
            mount = Mount.Tmpfs(directory.Path, "1m");
            mount.Remount("ro");
        }
        else
        {
            File.SetUnixFileMode(directory.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        try
        {
            var cli = await Processes.WmixAsync(directory.Repository, "query", "SELECT * FROM Win32_OperatingSystem");
            Assert.Equal(1, cli.ExitCode);
            Assert.Contains("error 0x80041003 wbemErrAccessDenied", cli.Stderr, StringComparison.Ordinal);
            Assert.Contains("WMIX_REPOSITORY", cli.Stderr, StringComparison.Ordinal);

            var worker = await Processes.WorkerAsync(directory.Repository, nameof(Workers.ConnectServerReportsRepositoryError));
            Assert.True(worker.Reports() is [var report] && report.StartsWith("error wbemErrAccessDenied", StringComparison.Ordinal), worker.ToString());
            Assert.False(Directory.Exists(directory.Repository));
        }
        finally
        {
            mount?.Dispose();
            if (mount is null)
            {
                File.SetUnixFileMode(directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    [Fact]
    public async Task ExistingRepositoryOnAReadOnlyFileSystem_ReadsOrAccessDenied_WritesAccessDenied_DataKept()
    {
        Assert.SkipUnless(Mount.Available, Mount.Reason);
        using var directory = new TempDirectory();
        using var mount = Mount.Tmpfs(directory.Path, "16m");
        var put = await Processes.WorkerAsync(directory.Repository, nameof(Workers.PutUserClassAndInstance), "before read-only");
        Assert.True(put.Reports().Contains("stored"), put.ToString());
        mount.Remount("ro");

        var cli = await Processes.WmixAsync(directory.Repository, "query", "SELECT Name, Value FROM Host_Kept", "--namespace", "root/default", "--format", "csv");
        // Whether SQLite can open a WAL database on a read-only file system depends on whether its -wal/-shm files were
        // left by the last writer (a process that exits without closing leaves them). So: either the data is read
        // whole, or the open fails with the repository's access-denied error naming the file — never an empty engine.
        if (cli.ExitCode == 0)
        {
            Assert.Contains("kept,42", cli.Stdout, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(cli.ExitCode == 1, cli.ToString());
            Assert.Contains("error 0x80041003 wbemErrAccessDenied", cli.Stderr, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(directory.Repository, "repository.db"), cli.Stderr, StringComparison.Ordinal);
            Assert.Equal("", cli.Stdout);
        }
        // A write is refused with access denied either way.
        var mof = Path.Combine(Path.GetTempPath(), "wmix-host-ro-" + Guid.NewGuid().ToString("N") + ".mof");
        await File.WriteAllTextAsync(mof, "instance of Host_Kept { Name = \"late\"; Value = 1; };\n", TestContext.Current.CancellationToken);
        try
        {
            var write = await Processes.WmixAsync(directory.Repository, "mofcomp", mof);
            Assert.True(write.ExitCode == 1, write.ToString());
            Assert.Contains("wbemErrAccessDenied", write.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(mof);
        }
        mount.Remount("rw");
        var read = await Processes.WorkerAsync(directory.Repository, nameof(Workers.ReadUserClassAndInstance));
        Assert.True(read.Reports().Contains("value 42 note before read-only"), read.ToString());
    }
}

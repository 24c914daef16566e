using System.Diagnostics;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class LogonProviderTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("wmix-utmp");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Run(string file, string stdin, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    [Fact]
    public void Parse_FileWrittenByUtmpdump_FieldsAtGlibcOffsets()
    {
        // utmpdump (util-linux) writes the records with glibc's own struct utmp: an independent check of the layout.
        var path = Path.Combine(_dir.FullName, "utmp");
        var text = "[7] [12345] [ts/0] [alice   ] [pts/0       ] [10.0.0.5            ] [10.0.0.5       ] [2026-11-24T06:00:01,123456+00:00]\n"
            + "[8] [00042] [ts/1] [        ] [pts/1       ] [                    ] [0.0.0.0        ] [2026-11-24T05:00:00,000000+00:00]\n";
        var info = new ProcessStartInfo("/usr/bin/utmpdump") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-r");
        using (var p = Process.Start(info)!)
        {
            p.StandardInput.Write(text);
            p.StandardInput.Close();
            using var file = File.Create(path);
            p.StandardOutput.BaseStream.CopyTo(file);
            p.WaitForExit();
        }
        var entries = UtmpReader.Read(path);
        Assert.Equal(2, entries.Count);
        var alice = entries[0];
        Assert.Equal(UtmpReader.UserProcess, alice.Type);
        Assert.Equal(12345, alice.ProcessId);
        Assert.Equal("pts/0", alice.Line);
        Assert.Equal("alice", alice.User);
        Assert.Equal("10.0.0.5", alice.Host);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 6, 0, 1, TimeSpan.Zero).AddTicks(1_234_560), alice.Time);
        Assert.Equal((short)8, entries[1].Type);
        Assert.Equal(42, entries[1].ProcessId);
        Assert.Equal("", entries[1].User);
    }

    [Fact]
    public void Format_ReadByWho_ShowsTheLogin()
    {
        // The other direction: who (glibc's utmp reader) understands what Format writes.
        var path = Path.Combine(_dir.FullName, "utmp");
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        File.WriteAllBytes(path, UtmpReader.Format([new UtmpEntry(UtmpReader.UserProcess, Environment.ProcessId, "pts/7", "wmixuser", "example.org", 0, at)]));
        var output = Run("/usr/bin/who", "", path);
        Assert.Contains("wmixuser", output, StringComparison.Ordinal);
        Assert.Contains("pts/7", output, StringComparison.Ordinal);
        Assert.Contains("(example.org)", output, StringComparison.Ordinal);
        Assert.Equal(UtmpReader.Format(UtmpReader.Read(path)), File.ReadAllBytes(path));
    }

    [Fact]
    public void Read_MissingFileOrPartialRecord_NoEntriesOrWholeOnly()
    {
        Assert.Empty(UtmpReader.Read(Path.Combine(_dir.FullName, "absent")));
        var one = UtmpReader.Format([new UtmpEntry(7, 1, "tty1", "root", "", 0, DateTimeOffset.UnixEpoch)]);
        Assert.Single(UtmpReader.Parse([.. one, .. new byte[100]]));
    }

    [Fact]
    public async Task Query_LiveAndStaleLogins_OnlyLiveSessionsAndLinks()
    {
        var path = Path.Combine(_dir.FullName, "utmp");
        var passwd = Path.Combine(_dir.FullName, "passwd");
        await File.WriteAllTextAsync(passwd, "alice:x:1000:1000::/home/alice:/bin/bash\n", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_dir.FullName, "group"), "alice:x:1000:\n", TestContext.Current.CancellationToken);
        // A pid that is certainly dead: a child that has exited and been reaped.
        int deadPid;
        using (var dead = Process.Start(new ProcessStartInfo("/bin/true"))!)
        {
            await dead.WaitForExitAsync(TestContext.Current.CancellationToken);
            deadPid = dead.Id;
        }
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        await File.WriteAllBytesAsync(path, UtmpReader.Format(
        [
            new UtmpEntry(UtmpReader.UserProcess, Environment.ProcessId, "pts/3", "alice", "203.0.113.9", 0, at),
            new UtmpEntry(UtmpReader.UserProcess, deadPid, "pts/4", "alice", "", 0, at),
            new UtmpEntry(6, Environment.ProcessId, "tty2", "LOGIN", "", 0, at),
        ]), TestContext.Current.CancellationToken);
        using var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        var accounts = new AccountSource(passwd, Path.Combine(_dir.FullName, "group"));
        manager.RegisterProvider(new CimSchemaProvider());
        manager.RegisterProvider(new AccountProvider(accounts));
        manager.RegisterProvider(new LogonProvider(path, accounts));
        using var session = manager.OpenSession(@"root\cimv2");
        var sessions = await session.QueryAsync("SELECT * FROM Win32_LogonSession", TestContext.Current.CancellationToken).ToListAsync();
        var s = Assert.Single(sessions);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), s["LogonId"]);
        Assert.Equal(10u, s["LogonType"]);
        Assert.Equal(at, CimDateTime.Parse((string)s["StartTime"]!).ToDateTimeOffset());
        Assert.Null(s["AuthenticationPackage"]);
        var users = await session.QueryAsync($"ASSOCIATORS OF {{{s.RelativePath}}} WHERE AssocClass = Win32_LoggedOnUser", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal("alice", Assert.Single(users)["Name"]);
        var back = await session.QueryAsync($"ASSOCIATORS OF {{{AccountProvider.UserPath(HostInfo.HostName, "alice")}}} WHERE ResultClass = Win32_LogonSession",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(s.RelativePath, Assert.Single(back).RelativePath);
    }

    [Fact]
    public async Task Query_Machine_MatchesWho()
    {
        using var manager = TestSupport.NewManager();
        using var session = manager.OpenSession(@"root\cimv2");
        var sessions = await session.QueryAsync("SELECT * FROM Win32_LogonSession", TestContext.Current.CancellationToken).ToListAsync();
        var live = UtmpReader.Read().Count(e => e.Type == UtmpReader.UserProcess && e.User.Length > 0 && Directory.Exists($"/proc/{e.ProcessId}"));
        Assert.Equal(live, sessions.Count);
    }
}

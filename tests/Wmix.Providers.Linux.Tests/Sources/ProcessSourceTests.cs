using System.Globalization;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Sources;

public sealed class ProcessSourceTests
{
    [Fact]
    public void TryRead_ChildWithKnownCommandLine_MatchesProc()
    {
        var child = TestSupport.StartSleep(77);
        try
        {
            // Reading cmdline faults the child's argument pages in, which raises its RSS once; read twice so the
            // second read sees the settled figure that statm shows afterwards.
            ProcessSource.TryRead(child.Id);
            var p = ProcessSource.TryRead(child.Id);
            Assert.NotNull(p);
            var stat = TestSupport.StatFields(child.Id);
            Assert.Equal(child.Id, p.ProcessId);
            Assert.Equal(Environment.ProcessId, p.ParentProcessId);
            Assert.Equal("sleep", p.Comm);
            Assert.Equal("sleep", p.Name);
            Assert.Equal("/usr/bin/sleep", p.ExecutablePath);
            Assert.Equal("/usr/bin/sleep 77", p.CommandLine);
            Assert.Equal(int.Parse(stat[6], CultureInfo.InvariantCulture), p.SessionId);
            Assert.Equal(ulong.Parse(stat[22], CultureInfo.InvariantCulture), p.StartTimeTicks);
            Assert.Equal(1, p.ThreadCount);
            Assert.Equal(0, p.Nice);
            Assert.Equal(8u, p.BasePriority);
            Assert.Equal(0u, p.Uid);
            var statm = File.ReadAllText($"/proc/{child.Id}/statm").Split(' ');
            Assert.Equal(ulong.Parse(statm[0], CultureInfo.InvariantCulture) * (ulong)Environment.SystemPageSize, p.VirtualSize);
            Assert.Equal(ulong.Parse(statm[1], CultureInfo.InvariantCulture) * (ulong)Environment.SystemPageSize, p.WorkingSetSize);
            var status = File.ReadAllLines($"/proc/{child.Id}/status");
            Assert.Equal(KbOf(status, "VmPeak:"), p.PeakVirtualKb);
            Assert.Equal(KbOf(status, "VmHWM:"), p.PeakResidentKb);
            Assert.NotNull(p.ReadOperations);
            // CreationDate: btime (whole seconds) + starttime ticks; our boot clock is finer, so allow one second.
            var btime = long.Parse(File.ReadAllLines("/proc/stat").First(l => l.StartsWith("btime ", StringComparison.Ordinal))[6..], CultureInfo.InvariantCulture);
            var expected = DateTimeOffset.FromUnixTimeSeconds(btime).AddSeconds(p.StartTimeTicks / 100.0);
            Assert.InRange((p.CreationDate - expected).TotalSeconds, -1.0, 1.0);
            Assert.InRange((DateTimeOffset.UtcNow - p.CreationDate).TotalSeconds, -1.0, 60.0);
        }
        finally
        {
            TestSupport.Kill(child);
        }
    }

    private static ulong KbOf(string[] status, string key) =>
        ulong.Parse(status.First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    [Fact]
    public void EnumerateProcesses_Always_MatchesProcListing()
    {
        var listed = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture)).ToHashSet();
        var read = ProcessSource.EnumerateProcesses(cancellationToken: TestContext.Current.CancellationToken).Select(p => p.ProcessId).ToHashSet();
        // Processes come and go; the two listings must agree on nearly everything and both contain us and init.
        Assert.Contains(Environment.ProcessId, read);
        Assert.Contains(1, read);
        Assert.True(read.Intersect(listed).Count() >= Math.Min(read.Count, listed.Count) - 5);
    }

    [Fact]
    public void TryRead_MissingProcess_Null()
    {
        Assert.Null(ProcessSource.TryRead(int.MaxValue));
        Assert.Null(ProcessSource.TryRead(0));
        Assert.Null(ProcessSource.TryRead(-5));
    }

    [Fact]
    public void TryRead_KernelThread_NoCommandLineNoExecutable()
    {
        // kthreadd is pid 2 on every Linux; its children are kernel threads.
        var kthread = ProcessSource.EnumerateProcesses(cancellationToken: TestContext.Current.CancellationToken).FirstOrDefault(p => p.ParentProcessId == 2);
        if (kthread is null)
        {
            return; // no kernel threads visible (a pid namespace)
        }
        Assert.Null(kthread.CommandLine);
        Assert.Null(kthread.ExecutablePath);
        Assert.Equal(kthread.Comm, kthread.Name);
    }

    [Theory]
    [InlineData(0, 0, 0, 8u)]
    [InlineData(-20, 0, 0, 13u)]
    [InlineData(19, 0, 0, 4u)]
    [InlineData(-10, 0, 0, 11u)]
    [InlineData(10, 0, 0, 6u)]
    [InlineData(0, 1, 50, 24u)]
    public void MapPriority_NiceAndPolicy_WindowsBasePriority(int nice, int policy, int rt, uint expected) =>
        Assert.Equal(expected, LinuxProcess.MapPriority(nice, policy, rt));

    [Fact]
    public void TryParseStat_CommWithParenthesesAndSpaces_Parsed()
    {
        var line = "123 (a b) c)) S 1 123 123 0 -1 4194560 10 0 2 0 5 6 0 0 20 0 3 0 999 4096 7 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0"u8;
        Assert.True(ProcessSource.TryParseStat(line, out var f));
        Assert.Equal("a b) c)", f.Comm);
        Assert.Equal('S', f.State);
        Assert.Equal(1, f.Ppid);
        Assert.Equal(12UL, f.MinFlt + f.MajFlt);
        Assert.Equal(5UL, f.UTime);
        Assert.Equal(6UL, f.STime);
        Assert.Equal(3, f.Threads);
        Assert.Equal(999UL, f.StartTime);
        Assert.Equal(4096UL, f.VSize);
        Assert.Equal(7UL, f.Rss);
    }

    [Fact]
    public void EnumerateThreads_OwnProcess_IncludesMainThread()
    {
        var threads = ThreadSource.EnumerateThreads(Environment.ProcessId).ToList();
        Assert.Contains(threads, t => t.ThreadId == Environment.ProcessId);
        Assert.Equal(Directory.GetDirectories($"/proc/{Environment.ProcessId}/task").Length, threads.Count, new Tolerance(3));
    }

    private sealed class Tolerance(int delta) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) => Math.Abs(x - y) <= delta;
        public int GetHashCode(int obj) => 0;
    }
}

using System.Diagnostics;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Tests.Providers;

namespace Wmix.Providers.Linux.Tests.Events;

/// <summary>CIM_DataFile / Win32_Directory instance events through the engine: inotify for watched directories, polling otherwise.</summary>
public sealed class FileEventTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly ObjectManager _manager;
    private readonly FileProvider _provider;
    private readonly CimSession _session;

    public FileEventTests()
    {
        (_manager, _provider) = FileTestSupport.NewManager(_tree.Root);
        _session = _manager.OpenSession(@"root\cimv2");
    }

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
        _tree.Dispose();
    }

    /// <summary>A running subscription whose events are collected into a list (a large buffer: bursts must not be dropped by the test's own sink).</summary>
    private sealed class Watch : IDisposable
    {
        private readonly ChannelOperationSink _sink = new(capacity: 1_000_000);
        private readonly List<CimInstance> _seen = [];

        public Watch(CimSession session, string query) => Operation = session.Connection.ExecNotificationQuery(query, "WQL", CallOptions.Default, _sink);

        public CimOperation Operation { get; }

        public List<CimInstance> Drain()
        {
            while (_sink.Reader.TryRead(out var o))
            {
                _seen.Add((CimInstance)o);
            }
            return _seen;
        }

        /// <summary>Waits (generously: the machine is shared) until <paramref name="done"/> holds for the events so far.</summary>
        public async Task<List<CimInstance>> UntilAsync(Func<List<CimInstance>, bool> done, int seconds = 30)
        {
            var sw = Stopwatch.StartNew();
            while (!done(Drain()) && sw.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
            return Drain();
        }

        public void Dispose() => Operation.Cancel();
    }

    private static string Target(CimInstance e) => (string)((CimInstance)e["TargetInstance"]!)["Name"]!;

    [Fact]
    public async Task Creation_UnderWatchedPath_FromInotifyNotPolling()
    {
        var dir = _tree.Dir("x");
        using var watch = new Watch(_session, $"SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '{dir}/'");
        Assert.False(watch.Operation.IsEnded);
        Assert.Equal(0, _manager.GetDiagnostics().ActivePolls);
        Assert.Equal(1, _provider.Events.WatchCount);
        await File.WriteAllTextAsync(Path.Combine(dir, "f.txt"), "hello", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_tree.Root, "elsewhere.txt"), "not watched", TestContext.Current.CancellationToken);
        var seen = await watch.UntilAsync(s => s.Count >= 1);
        var e = Assert.Single(seen);
        Assert.Equal("__InstanceCreationEvent", e.ClassName);
        var target = (CimInstance)e["TargetInstance"]!;
        Assert.Equal("CIM_DataFile", target.ClassName);
        Assert.Equal(dir + "/f.txt", target["Name"]);
        Assert.Equal("txt", target["Extension"]);
        Assert.Equal(dir + "/", target["Path"]);
        Assert.NotNull(e["TIME_CREATED"]);
    }

    [Fact]
    public async Task Creation_ByNameAndDrive_OnlyThatFile()
    {
        var dir = _tree.Dir("y");
        using var watch = new Watch(_session,
            $"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Drive = '' AND TargetInstance.Name = '{dir}/wanted'");
        Assert.False(watch.Operation.IsEnded); // no WITHIN and still accepted: inotify, not polling
        await File.WriteAllTextAsync(Path.Combine(dir, "other"), "", TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, "wanted"), "", TestContext.Current.CancellationToken);
        var seen = await watch.UntilAsync(s => s.Count >= 1);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal([dir + "/wanted"], watch.Drain().Select(Target));
    }

    [Fact]
    public async Task Burst_500FilesCreatedAndDeleted_EveryCreationAndDeletionReported()
    {
        var dir = _tree.Dir("burst");
        using var watch = new Watch(_session,
            $"SELECT * FROM __InstanceOperationEvent WITHIN 5 WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '{dir}/'");
        const int count = 500;
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(dir, $"f{i:D3}.tmp");
            File.Create(path).Dispose();
            File.Delete(path);
        }
        var seen = await watch.UntilAsync(s => s.Count(e => e.ClassName == "__InstanceDeletionEvent") >= count);
        var created = seen.Where(e => e.ClassName == "__InstanceCreationEvent").Select(Target).ToList();
        var deleted = seen.Where(e => e.ClassName == "__InstanceDeletionEvent").Select(Target).ToList();
        var expected = Enumerable.Range(0, count).Select(i => $"{dir}/f{i:D3}.tmp").ToList();
        Assert.Equal(expected, created);
        Assert.Equal(expected, deleted);
        Assert.Equal(0, watch.Operation.DroppedCount);
    }

    [Fact]
    public async Task Directory_CreatedAndRemoved_Win32DirectoryEvents()
    {
        var dir = _tree.Dir("d");
        using var watch = new Watch(_session,
            $"SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA 'CIM_Directory' AND TargetInstance.Path = '{dir}/'");
        Directory.CreateDirectory(Path.Combine(dir, "child"));
        await File.WriteAllTextAsync(Path.Combine(dir, "a-file"), "", TestContext.Current.CancellationToken); // not a directory: not reported here
        Directory.Delete(Path.Combine(dir, "child"));
        var seen = await watch.UntilAsync(s => s.Count >= 2);
        Assert.Equal(["__InstanceCreationEvent", "__InstanceDeletionEvent"], seen.Select(e => e.ClassName));
        Assert.All(seen, e => Assert.Equal("Win32_Directory", ((CimInstance)e["TargetInstance"]!).ClassName));
        Assert.All(seen, e => Assert.Equal(dir + "/child", Target(e)));
    }

    [Fact]
    public async Task Modification_Write_ReportedWithPreviousState()
    {
        var dir = _tree.Dir("m");
        var path = Path.Combine(dir, "grow.log");
        await File.WriteAllTextAsync(path, "1", TestContext.Current.CancellationToken);
        using var watch = new Watch(_session,
            $"SELECT * FROM __InstanceModificationEvent WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '{dir}/'");
        await File.AppendAllTextAsync(path, "2345", TestContext.Current.CancellationToken);
        var seen = await watch.UntilAsync(s => s.Any(e => (ulong?)((CimInstance)e["TargetInstance"]!)["FileSize"] == 5UL));
        var e = seen.First(x => (ulong?)((CimInstance)x["TargetInstance"]!)["FileSize"] == 5UL);
        Assert.Equal(path, Target(e));
        var previous = (CimInstance)e["PreviousInstance"]!;
        Assert.True((ulong)previous["FileSize"]! < 5UL);
    }

    [Fact]
    public async Task Cancel_LastSubscriberOfDirectory_WatchRemovedAndDescriptorClosed()
    {
        var dir = _tree.Dir("c");
        var query = $"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '{dir}/'";
        var first = new Watch(_session, query);
        var second = new Watch(_session, query);
        var other = new Watch(_session, $"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'CIM_LogicalFile' AND TargetInstance.Path = '{_tree.Root}/'");
        Assert.Equal(2, _provider.Events.WatchCount); // one per directory, shared by the two subscriptions on dir
        first.Dispose();
        Assert.Equal(2, _provider.Events.WatchCount);
        await File.WriteAllTextAsync(Path.Combine(dir, "still"), "", TestContext.Current.CancellationToken);
        Assert.Single(await second.UntilAsync(s => s.Count >= 1));
        second.Dispose();
        Assert.Equal(1, _provider.Events.WatchCount);
        other.Dispose();
        Assert.Equal(0, _provider.Events.WatchCount);
        Assert.False(_provider.Events.IsOpen);
        Assert.Equal(0, _manager.GetDiagnostics().ActiveSubscriptions);
    }

    [Fact]
    public void Subscribe_WithoutDirectoryRestriction_UsesPolling()
    {
        using var watch = new Watch(_session, "SELECT * FROM __InstanceCreationEvent WITHIN 1 WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Extension = 'txt'");
        Assert.False(watch.Operation.IsEnded);
        Assert.Equal(1, _manager.GetDiagnostics().ActivePolls);
        Assert.Equal(0, _provider.Events.WatchCount);
    }

    [Fact]
    public void Subscribe_WithoutRestrictionOrWithin_TooPrecise()
    {
        var e = Assert.Throws<WbemException>(() =>
            new Watch(_session, "SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'CIM_DataFile'"));
        Assert.Equal(WbemErrorEnum.wbemErrRegistrationTooPrecise, e.ErrorCode);
    }

    [Fact]
    public async Task Overflow_QueueOverrun_RescanReportsEveryFileAndSaysEventsWereLost()
    {
        var dir = _tree.Dir("o");
        using var watch = new Watch(_session,
            $"SELECT * FROM __InstanceCreationEvent WHERE TargetInstance ISA 'CIM_DataFile' AND TargetInstance.Path = '{dir}/'");
        using var dropped = new Watch(_session, "SELECT * FROM __EventDroppedEvent");
        // Stop reading so that the kernel's queue (fs.inotify.max_queued_events, global and left alone) overflows:
        // each file gives IN_CREATE and IN_CLOSE_WRITE.
        var limit = int.Parse((await File.ReadAllTextAsync("/proc/sys/fs/inotify/max_queued_events", TestContext.Current.CancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var count = limit / 2 + 100;
        _provider.Events.Paused = true;
        try
        {
            for (var i = 0; i < count; i++)
            {
                File.Create(Path.Combine(dir, $"o{i:D6}")).Dispose();
            }
        }
        finally
        {
            _provider.Events.Paused = false;
        }
        var seen = await watch.UntilAsync(s => s.Count >= count, seconds: 60);
        Assert.True(_provider.Events.OverflowCount >= 1);
        var names = seen.Select(Target).ToList();
        Assert.Equal(count, names.Count);
        Assert.Equal(count, names.Distinct(StringComparer.Ordinal).Count()); // none lost, none twice
        Assert.NotEmpty(await dropped.UntilAsync(s => s.Count >= 1));
    }
}

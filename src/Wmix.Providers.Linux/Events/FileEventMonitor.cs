using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Events;
using Wmix.Providers.Linux.Interop;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Events;

/// <summary>
/// Instance events of <c>CIM_DataFile</c> and <c>Win32_Directory</c> from inotify: one inotify descriptor and one reader
/// thread shared by every subscription of a provider, one watch per directory, added for its first subscriber and
/// removed with its last; descriptor and thread exist only while some directory is watched.
/// </summary>
/// <remarks>
/// <para>Every entry the kernel reports is raised, however short its life: a creation is raised with what
/// <c>statx</c> could still read, or with only its name-derived properties when it is already gone (its deletion then
/// follows). A move out of a watched directory is a deletion, a move in a creation. Changes (<c>IN_MODIFY</c>,
/// <c>IN_ATTRIB</c>, <c>IN_CLOSE_WRITE</c>) are raised as modifications when the re-read state differs from the last
/// one known (<c>PreviousInstance</c>). Deletions carry the last state known (or the name-derived properties).</para>
/// <para>The monitor keeps the last known state of each watched directory's entries. When the kernel's queue
/// overflows (<c>IN_Q_OVERFLOW</c>) events are lost: every watched directory is listed again, the differences from
/// the known state are raised as creations, deletions and modifications, and each namespace is told through
/// <see cref="ICimEventSink.ReportEventsLost"/> (and a trace warning). A watched directory that is deleted or unmounted
/// loses its watch (<c>IN_IGNORED</c>); a directory recreated under the same name is not watched again.</para>
/// </remarks>
internal sealed unsafe class FileEventMonitor
{
    private const uint WatchMask = Libc.IN_CREATE | Libc.IN_DELETE | Libc.IN_MOVED_FROM | Libc.IN_MOVED_TO | Libc.IN_MODIFY
        | Libc.IN_ATTRIB | Libc.IN_CLOSE_WRITE | Libc.IN_ONLYDIR | Libc.IN_DONT_FOLLOW | Libc.IN_EXCL_UNLINK;

    private readonly string _host;
    // Guards the watch tables, each watch's subscribers and known state, and the reader reference. Never held while
    // reading the disk or raising events (sinks never block, but statx on a slow filesystem might).
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Watch> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Watch> _byDescriptor = [];
    private Reader? _reader;
    private long _overflows;

    public FileEventMonitor(string host) => _host = host;

    /// <summary>One subscription's interest: which class to raise, for directories or for other entries.</summary>
    public sealed record Subscriber(CimClass TargetClass, bool WantsDirectories, EventSubscriptionContext Context, ICimEventSink Sink);

    /// <summary>Kernel watches in place now.</summary>
    public int WatchCount
    {
        get
        {
            lock (_gate)
            {
                return _byDescriptor.Count;
            }
        }
    }

    /// <summary>True while the inotify descriptor and its reader thread exist.</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _reader is not null;
            }
        }
    }

    /// <summary>Times the kernel's queue overflowed.</summary>
    public long OverflowCount => Interlocked.Read(ref _overflows);

    /// <summary>Tests: while true the reader does not read, so the kernel's queue fills up (and may overflow).</summary>
    internal bool Paused { get; set; }

    /// <summary>Watches <paramref name="directories"/> for <paramref name="subscriber"/> until the handle is disposed.</summary>
    /// <exception cref="WbemException">wbemErrFailed: inotify could not be initialised.</exception>
    public IDisposable Subscribe(IReadOnlyList<string> directories, Subscriber subscriber)
    {
        var added = new List<Watch>();
        lock (_gate)
        {
            _reader ??= Reader.Open(this);
            foreach (var directory in directories)
            {
                if (!_byPath.TryGetValue(directory, out var watch))
                {
                    watch = new Watch(directory);
                    var wd = Libc.inotify_add_watch(_reader.Descriptor, directory, WatchMask);
                    if (wd >= 0)
                    {
                        watch.Descriptor = wd;
                        _byDescriptor[wd] = watch;
                    }
                    else
                    {
                        // No such directory, not a directory, no permission: nothing will be reported for it.
                        Trace.TraceInformation($"Wmix: cannot watch {directory} (errno {Libc.Errno}); no file events from it.");
                    }
                    _byPath[directory] = watch;
                    added.Add(watch);
                }
                watch.Subscribers = [.. watch.Subscribers, subscriber];
            }
        }
        var lease = new Lease(this, directories, subscriber);
        try
        {
            // The baseline is read after the watch is in place, so nothing created from now on is missed; events that
            // arrive meanwhile win over it (see Watch.Touched).
            MountTable? mounts = null;
            foreach (var watch in added.Where(w => w.Descriptor >= 0))
            {
                mounts ??= MountTable.Read();
                var listing = FileSource.List(watch.Path, mounts).ToList();
                lock (_gate)
                {
                    foreach (var f in listing)
                    {
                        var name = f.FullName[(f.FullName.LastIndexOf('/') + 1)..];
                        if (!watch.Touched.Contains(name))
                        {
                            watch.Known.TryAdd(name, f);
                        }
                    }
                    watch.Ready = true;
                    watch.Touched.Clear();
                }
            }
        }
        catch
        {
            // The caller never gets the lease: release the watches (and the reader) taken for it.
            lease.Dispose();
            throw;
        }
        return lease;
    }

    private void Unsubscribe(IReadOnlyList<string> directories, Subscriber subscriber)
    {
        Reader? closing = null;
        lock (_gate)
        {
            foreach (var directory in directories)
            {
                if (!_byPath.TryGetValue(directory, out var watch))
                {
                    continue;
                }
                watch.Subscribers = [.. watch.Subscribers.Where(s => !ReferenceEquals(s, subscriber))];
                if (watch.Subscribers.Length == 0)
                {
                    _byPath.Remove(directory);
                    if (watch.Descriptor >= 0 && _reader is not null)
                    {
                        Libc.inotify_rm_watch(_reader.Descriptor, watch.Descriptor);
                        _byDescriptor.Remove(watch.Descriptor);
                        watch.Descriptor = -1;
                    }
                }
            }
            if (_byPath.Count == 0)
            {
                closing = _reader;
                _reader = null;
            }
        }
        // Stopped outside the lock: the reader thread may be waiting for it to handle its last event.
        closing?.Dispose();
    }

    /// <summary>One inotify record, on the reader thread.</summary>
    private void Handle(Reader reader, int wd, uint mask, string name)
    {
        if ((mask & Libc.IN_Q_OVERFLOW) != 0)
        {
            Interlocked.Increment(ref _overflows);
            Rescan(reader, overflow: true);
            return;
        }
        Watch? watch;
        Subscriber[] subscribers;
        LinuxFileFacts? previous;
        lock (_gate)
        {
            if (!ReferenceEquals(_reader, reader) || !_byDescriptor.TryGetValue(wd, out watch))
            {
                return; // a watch removed meanwhile, or a reader being closed
            }
            if ((mask & Libc.IN_IGNORED) != 0)
            {
                _byDescriptor.Remove(wd);
                watch.Descriptor = -1;
                return;
            }
            if (name.Length == 0)
            {
                return; // about the directory itself
            }
            if (!watch.Ready)
            {
                watch.Touched.Add(name);
            }
            subscribers = watch.Subscribers;
            previous = watch.Known.GetValueOrDefault(name);
        }
        var full = FileSource.Combine(watch.Path, name);
        var isDirectory = (mask & Libc.IN_ISDIR) != 0;
        if ((mask & (Libc.IN_CREATE | Libc.IN_MOVED_TO)) != 0)
        {
            var facts = FileSource.Read(full, reader.Mounts);
            bool duplicate;
            lock (_gate)
            {
                // A rescan after an overflow may already have reported this entry.
                duplicate = watch.RescanCreated.Remove(name);
                if (facts is not null)
                {
                    watch.Known[name] = facts;
                }
            }
            if (!duplicate)
            {
                Raise(subscribers, IntrinsicEventKind.InstanceCreation, full, facts?.IsDirectory ?? isDirectory, facts, null);
            }
        }
        else if ((mask & (Libc.IN_DELETE | Libc.IN_MOVED_FROM)) != 0)
        {
            bool duplicate;
            lock (_gate)
            {
                watch.Known.Remove(name);
                watch.RescanCreated.Remove(name);
                duplicate = previous is null && watch.RescanDeleted.Remove(name);
            }
            if (!duplicate)
            {
                Raise(subscribers, IntrinsicEventKind.InstanceDeletion, full, previous?.IsDirectory ?? isDirectory, previous, null);
            }
        }
        else if ((mask & (Libc.IN_MODIFY | Libc.IN_ATTRIB | Libc.IN_CLOSE_WRITE)) != 0)
        {
            if (FileSource.Read(full, reader.Mounts) is not { } facts)
            {
                return; // gone already: its deletion follows
            }
            lock (_gate)
            {
                watch.Known[name] = facts;
            }
            if (previous is not null && previous != facts)
            {
                Raise(subscribers, IntrinsicEventKind.InstanceModification, full, facts.IsDirectory, facts, previous);
            }
        }
    }

    /// <summary>Lists every watched directory again and raises the differences from the known state.</summary>
    internal void Rescan(Reader? reader, bool overflow)
    {
        List<Watch> watches;
        lock (_gate)
        {
            if (reader is not null && !ReferenceEquals(_reader, reader))
            {
                return;
            }
            watches = [.. _byDescriptor.Values.Distinct()];
        }
        var mounts = MountTable.Read();
        if (reader is not null)
        {
            reader.Mounts = mounts;
        }
        var namespaces = new Dictionary<string, Subscriber>(StringComparer.OrdinalIgnoreCase);
        foreach (var watch in watches)
        {
            var listing = FileSource.List(watch.Path, mounts).ToDictionary(f => f.FullName[(f.FullName.LastIndexOf('/') + 1)..], StringComparer.Ordinal);
            Dictionary<string, LinuxFileFacts> known;
            Subscriber[] subscribers;
            lock (_gate)
            {
                known = watch.Known;
                watch.Known = new Dictionary<string, LinuxFileFacts>(listing, StringComparer.Ordinal);
                subscribers = watch.Subscribers;
                foreach (var name in listing.Keys.Where(n => !known.ContainsKey(n)))
                {
                    watch.RescanCreated.Add(name);
                }
                foreach (var name in known.Keys.Where(n => !listing.ContainsKey(n)))
                {
                    watch.RescanDeleted.Add(name);
                }
            }
            foreach (var s in subscribers)
            {
                namespaces.TryAdd(s.Context.Namespace, s);
            }
            foreach (var (name, facts) in listing)
            {
                if (!known.TryGetValue(name, out var before))
                {
                    Raise(subscribers, IntrinsicEventKind.InstanceCreation, facts.FullName, facts.IsDirectory, facts, null);
                }
                else if (before != facts && before.IsDirectory == facts.IsDirectory)
                {
                    Raise(subscribers, IntrinsicEventKind.InstanceModification, facts.FullName, facts.IsDirectory, facts, before);
                }
            }
            foreach (var (name, before) in known)
            {
                if (!listing.ContainsKey(name))
                {
                    Raise(subscribers, IntrinsicEventKind.InstanceDeletion, before.FullName, before.IsDirectory, before, null);
                }
            }
        }
        if (overflow)
        {
            var reason = $"the inotify queue overflowed (IN_Q_OVERFLOW); rescanned {watches.Count} watched directories and reported the differences";
            Trace.TraceWarning("Wmix: " + reason);
            foreach (var s in namespaces.Values)
            {
                s.Sink.ReportEventsLost(reason);
            }
        }
    }

    private void Raise(Subscriber[] subscribers, IntrinsicEventKind kind, string fullName, bool isDirectory, LinuxFileFacts? facts, LinuxFileFacts? previous)
    {
        foreach (var s in subscribers)
        {
            if (s.WantsDirectories != isDirectory)
            {
                continue;
            }
            try
            {
                var target = facts is null ? FileInstances.Minimal(s.TargetClass, fullName, _host) : FileInstances.Build(s.TargetClass, facts, _host);
                var before = previous is null ? null : FileInstances.Build(s.TargetClass, previous, _host);
                s.Sink.Raise(s.Context.CreateInstanceEvent(kind, target, before));
            }
            catch (WbemException e)
            {
                // An event class missing from the namespace: nothing can be raised there; the other subscribers still get theirs.
                Trace.TraceWarning($"Wmix: raising a file event for {fullName} failed: {e.Message}");
            }
        }
    }

    /// <summary>One watched directory.</summary>
    private sealed class Watch(string path)
    {
        public string Path { get; } = path;

        public int Descriptor { get; set; } = -1;

        public Subscriber[] Subscribers { get; set; } = [];

        /// <summary>The last known state of each entry, by name.</summary>
        public Dictionary<string, LinuxFileFacts> Known { get; set; } = new(StringComparer.Ordinal);

        /// <summary>False until the baseline listing is merged.</summary>
        public bool Ready { get; set; }

        /// <summary>Names events touched before the baseline was merged (their state comes from the events).</summary>
        public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

        /// <summary>Entries a rescan reported as created or deleted whose own queued event may still arrive.</summary>
        public HashSet<string> RescanCreated { get; } = new(StringComparer.Ordinal);

        public HashSet<string> RescanDeleted { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Lease(FileEventMonitor monitor, IReadOnlyList<string> directories, Subscriber subscriber) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                monitor.Unsubscribe(directories, subscriber);
            }
        }
    }

    /// <summary>The inotify descriptor and the thread that reads it.</summary>
    internal sealed class Reader : IDisposable
    {
        private readonly FileEventMonitor _monitor;
        private readonly int _wake;
        private readonly Thread _thread;
        private volatile bool _stopping;

        private Reader(FileEventMonitor monitor, int descriptor, int wake)
        {
            _monitor = monitor;
            Descriptor = descriptor;
            _wake = wake;
            Mounts = MountTable.Read();
            _thread = new Thread(Loop) { IsBackground = true, Name = "Wmix inotify file events" };
        }

        public int Descriptor { get; }

        /// <summary>The mount table used to name filesystems; refreshed by rescans. Reader thread only.</summary>
        public MountTable Mounts { get; set; }

        public static Reader Open(FileEventMonitor monitor)
        {
            var fd = Libc.inotify_init1(Libc.IN_CLOEXEC | Libc.IN_NONBLOCK);
            if (fd < 0)
            {
                throw new WbemException(WbemErrorEnum.wbemErrFailed,
                    $"inotify_init1 failed (errno {Libc.Errno}); raise fs.inotify.max_user_instances or use WITHIN polling.");
            }
            var wake = Libc.eventfd(0, Libc.O_CLOEXEC);
            if (wake < 0)
            {
                Libc.close(fd);
                throw new WbemException(WbemErrorEnum.wbemErrFailed, $"eventfd failed (errno {Libc.Errno}).");
            }
            var reader = new Reader(monitor, fd, wake);
            reader._thread.Start();
            return reader;
        }

        public void Dispose()
        {
            _stopping = true;
            ulong one = 1;
            Libc.write(_wake, &one, 8);
            if (Thread.CurrentThread != _thread)
            {
                _thread.Join();
            }
            // Closed after the thread has left poll/read, so it never reads a reused descriptor. Closing the inotify
            // descriptor removes any watch still on it.
            Libc.close(Descriptor);
            Libc.close(_wake);
        }

        private void Loop()
        {
            var buffer = new byte[64 * 1024];
            var fds = stackalloc Libc.PollFd[2];
            while (!_stopping)
            {
                var paused = _monitor.Paused;
                fds[0] = new Libc.PollFd { Fd = paused ? -1 : Descriptor, Events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { Fd = _wake, Events = Libc.POLLIN };
                var ready = Libc.poll(fds, 2, paused ? 20 : -1);
                if (ready < 0 && Libc.Errno != Libc.EINTR)
                {
                    Trace.TraceError($"Wmix: poll on inotify failed (errno {Libc.Errno}); file events stop.");
                    return;
                }
                if (_stopping || ready <= 0 || (fds[0].Revents & Libc.POLLIN) == 0)
                {
                    continue;
                }
                nint n;
                fixed (byte* p = buffer)
                {
                    n = Libc.read(Descriptor, p, (nuint)buffer.Length);
                }
                if (n < 0)
                {
                    if (Libc.Errno is not (Libc.EAGAIN or Libc.EINTR))
                    {
                        Trace.TraceError($"Wmix: reading inotify failed (errno {Libc.Errno}); file events stop.");
                        return;
                    }
                    continue;
                }
                Parse(buffer.AsSpan(0, (int)n));
            }
        }

        private void Parse(ReadOnlySpan<byte> data)
        {
            // struct inotify_event: int wd; uint32 mask, cookie, len; char name[len] (NUL-padded).
            while (data.Length >= 16 && !_stopping)
            {
                var wd = BinaryPrimitives.ReadInt32LittleEndian(data);
                var mask = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
                var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
                var raw = data.Slice(16, Math.Min(length, data.Length - 16));
                var end = raw.IndexOf((byte)0);
                var name = Encoding.UTF8.GetString(end < 0 ? raw : raw[..end]);
                try
                {
                    _monitor.Handle(this, wd, mask, name);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    // One unreadable entry must not stop the stream.
                    Trace.TraceWarning($"Wmix: a file event for '{name}' could not be handled: {e.Message}");
                }
                data = data[Math.Min(data.Length, 16 + length)..];
            }
        }
    }
}

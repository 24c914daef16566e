using System.Diagnostics;
using Wmix.Cim;

namespace Wmix.Engine.Events;

/// <summary>
/// WITHIN polling of one provider class that raises no events: one poller per (namespace, class, interval), shared
/// by every subscription that needs it. Each poll enumerates the class (shallow) and diffs the snapshot with the
/// previous one by canonical path: new paths give <c>__InstanceCreationEvent</c>, vanished ones
/// <c>__InstanceDeletionEvent</c>, changed values (<see cref="CimObject.CompareTo"/>) <c>__InstanceModificationEvent</c>.
/// </summary>
/// <remarks>
/// <para>The first poll runs at once and only sets the baseline. The next poll is scheduled when one finishes, so
/// polls never overlap and a slow provider stretches the interval rather than piling up work. Instances without a
/// path (no keys) cannot be told apart and are ignored. A failed poll is traced and keeps the previous baseline; the
/// subscription stays (it ends only by cancel). Polls use default call options: the poller is shared, so one
/// subscriber's provider context must not reach the others' data.</para>
/// <para><see cref="Dispose"/> (the last subscriber left) stops the timer and cancels an enumeration in flight,
/// synchronously; an enumeration that is still unwinding then delivers nothing, because its subscribers' operations
/// have ended.</para>
/// </remarks>
internal sealed class InstancePoller : IDisposable
{
    private readonly IEventHost _host;
    private readonly TimeProvider _time;
    private readonly CimClass? _creation;
    private readonly CimClass? _deletion;
    private readonly CimClass? _modification;
    private readonly Lock _gate = new();
    private readonly HashSet<EventSubscription> _subscribers = [];
    private readonly CancellationTokenSource _stop = new();
    private EventSubscription[] _snapshot = [];
    private ITimer? _timer;
    private bool _running;
    private bool _stopped;
    private Dictionary<string, CimInstance>? _baseline;

    public InstancePoller(IEventHost host, TimeProvider time, string @namespace, string className, TimeSpan interval)
    {
        _host = host;
        _time = time;
        Namespace = @namespace;
        ClassName = className;
        Interval = interval;
        _creation = host.GetClass(@namespace, EventObjects.ClassNameOf(IntrinsicEventKind.InstanceCreation));
        _deletion = host.GetClass(@namespace, EventObjects.ClassNameOf(IntrinsicEventKind.InstanceDeletion));
        _modification = host.GetClass(@namespace, EventObjects.ClassNameOf(IntrinsicEventKind.InstanceModification));
    }

    public string Namespace { get; }

    public string ClassName { get; }

    public TimeSpan Interval { get; }

    /// <summary>Subscribers; read and changed under the hub's poll lock.</summary>
    public int SubscriberCount { get; private set; }

    /// <summary>Polls completed (for tests and diagnostics).</summary>
    public int PollCount => Volatile.Read(ref _pollCount);

    private int _pollCount;

    public void Add(EventSubscription subscription)
    {
        lock (_gate)
        {
            if (_subscribers.Add(subscription))
            {
                _snapshot = [.. _subscribers];
                SubscriberCount = _subscribers.Count;
            }
        }
    }

    public void Remove(EventSubscription subscription)
    {
        lock (_gate)
        {
            if (_subscribers.Remove(subscription))
            {
                _snapshot = [.. _subscribers];
                SubscriberCount = _subscribers.Count;
            }
        }
    }

    /// <summary>Starts polling: the baseline poll at once, then one poll per interval.</summary>
    public void Start()
    {
        lock (_gate)
        {
            // A poller can lose its last subscriber between creation and Start; then it never starts.
            if (_stopped || _timer is not null)
            {
                return;
            }
            _timer = _time.CreateTimer(static state => ((InstancePoller)state!).OnTimer(), this, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_stopped || _running)
            {
                return;
            }
            _running = true;
        }
        _ = PollAsync();
    }

    private async Task PollAsync()
    {
        try
        {
            var current = new Dictionary<string, CimInstance>(StringComparer.Ordinal);
            await foreach (var instance in _host.EnumerateInstancesAsync(Namespace, ClassName, deep: false, CallOptions.Default, _stop.Token)
                .ConfigureAwait(false))
            {
                if (instance?.RelativeObjectPath is { } path)
                {
                    current[path.ToCanonicalString()] = instance;
                }
            }
            var previous = _baseline;
            _baseline = current;
            Interlocked.Increment(ref _pollCount);
            if (previous is not null)
            {
                Diff(previous, current);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped while enumerating: the last subscriber left.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Trace.TraceWarning($"Wmix: polling {Namespace}:{ClassName} failed; keeping the previous snapshot: {e.Message}");
        }
        finally
        {
            lock (_gate)
            {
                _running = false;
                if (!_stopped)
                {
                    _timer?.Change(Interval, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    private void Diff(Dictionary<string, CimInstance> previous, Dictionary<string, CimInstance> current)
    {
        foreach (var (path, instance) in current)
        {
            if (!previous.TryGetValue(path, out var old))
            {
                Raise(_creation, IntrinsicEventKind.InstanceCreation, instance, null);
            }
            else if (!instance.CompareTo(old, CimComparisonFlags.IgnoreObjectSource))
            {
                Raise(_modification, IntrinsicEventKind.InstanceModification, instance, old);
            }
        }
        foreach (var (path, instance) in previous)
        {
            if (!current.ContainsKey(path))
            {
                Raise(_deletion, IntrinsicEventKind.InstanceDeletion, instance, null);
            }
        }
    }

    private void Raise(CimClass? eventClass, IntrinsicEventKind kind, CimInstance target, CimInstance? previous)
    {
        EventSubscription[] subscribers;
        lock (_gate)
        {
            subscribers = _snapshot;
        }
        if (eventClass is null || subscribers.Length == 0)
        {
            return;
        }
        var evt = EventObjects.CreateIntrinsic(eventClass, kind, target, previous, _time);
        foreach (var subscription in subscribers)
        {
            subscription.Offer(evt, classChecked: false);
        }
    }

    /// <summary>Stops polling now: no further timer, the enumeration in flight is cancelled.</summary>
    public void Dispose()
    {
        ITimer? timer;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            timer = _timer;
            _timer = null;
        }
        timer?.Dispose();
        _stop.Cancel();
    }
}

using Wmix.Cim;
using Wmix.Wql;

namespace Wmix.Engine.Events;

/// <summary>
/// GROUP WITHIN for one subscription: collects matching events into groups (one per BY value combination) from the
/// first event of a window until the window ends, then delivers one <c>__AggregateEvent</c> { NumberOfEvents,
/// Representative } per group that passes HAVING (group-clause.md, having-clause.md).
/// </summary>
/// <remarks>
/// The window starts at the first event after the previous window closed, so an idle subscription holds no timer.
/// The representative is the first event of the group. Disposing (the subscription ended) drops the open window and
/// its timer; a timer callback already running then finds the operation ended and delivers nothing.
/// </remarks>
internal sealed class EventAggregator : IDisposable
{
    private readonly CimOperation _operation;
    private readonly CimClass _aggregateClass;
    private readonly TimeSpan _window;
    private readonly IReadOnlyList<WqlPropertyPath>? _groupBy;
    private readonly WqlHaving? _having;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Dictionary<GroupKey, Group>? _groups;
    private ITimer? _timer;
    private bool _disposed;

    public EventAggregator(CimOperation operation, CimClass aggregateClass, TimeSpan window, IReadOnlyList<WqlPropertyPath>? groupBy,
        WqlHaving? having, TimeProvider time)
    {
        _operation = operation;
        _aggregateClass = aggregateClass;
        _window = window;
        _groupBy = groupBy;
        _having = having;
        _time = time;
    }

    public void Add(CimObject evt)
    {
        var key = KeyOf(evt);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _groups ??= new Dictionary<GroupKey, Group>();
            if (_groups.TryGetValue(key, out var group))
            {
                group.Count++;
            }
            else
            {
                _groups[key] = new Group(evt);
            }
            // Created under the lock so Dispose sees every timer; ITimer callbacks run on the pool, never inline.
            _timer ??= _time.CreateTimer(static state => ((EventAggregator)state!).CloseWindow(), this, _window, Timeout.InfiniteTimeSpan);
        }
    }

    private void CloseWindow()
    {
        Dictionary<GroupKey, Group>? groups;
        ITimer? timer;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            groups = _groups;
            timer = _timer;
            _groups = null;
            _timer = null;
        }
        timer?.Dispose();
        if (groups is null)
        {
            return;
        }
        foreach (var group in groups.Values)
        {
            var count = (uint)Math.Min(group.Count, uint.MaxValue);
            if (_having is not null && !_having.IsSatisfiedBy(count))
            {
                continue;
            }
            var aggregate = _aggregateClass.SpawnInstance();
            aggregate.SetValue("NumberOfEvents", count);
            aggregate.SetValue("Representative", group.Representative);
            // False once the subscription ended: a window closing in a race with Cancel delivers nothing.
            if (!_operation.TryDeliver(aggregate.Freeze()))
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        ITimer? timer;
        lock (_gate)
        {
            _disposed = true;
            timer = _timer;
            _timer = null;
            _groups = null;
        }
        timer?.Dispose();
    }

    private GroupKey KeyOf(CimObject evt)
    {
        if (_groupBy is not { Count: > 0 } paths)
        {
            return default;
        }
        var values = new object?[paths.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = evt.TryGetValueByPath(paths[i].Parts, out var v) ? v : null;
        }
        return new GroupKey(values);
    }

    private sealed class Group(CimObject representative)
    {
        public CimObject Representative { get; } = representative;

        public long Count { get; set; } = 1;
    }

    /// <summary>The BY values of a group; strings compare case-insensitively, as WQL compares them.</summary>
    private readonly struct GroupKey(object?[]? values) : IEquatable<GroupKey>
    {
        private readonly object?[]? _values = values;

        public bool Equals(GroupKey other)
        {
            if (_values is null || other._values is null)
            {
                return _values is null && other._values is null;
            }
            for (var i = 0; i < _values.Length; i++)
            {
                if (!CimValue.AreEqual(_values[i], other._values[i], ignoreCase: true))
                {
                    return false;
                }
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is GroupKey other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var value in _values ?? [])
            {
                hash.Add(CimValue.GetHashCode(value));
            }
            return hash.ToHashCode();
        }
    }
}

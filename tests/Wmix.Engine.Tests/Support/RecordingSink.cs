using Wmix.Cim;
using Wmix.Engine;

namespace Wmix.Engine.Tests.Support;

/// <summary>
/// An unbounded sink that records every event in order and flags any protocol violation: more than one
/// OnCompleted, or anything after it.
/// </summary>
internal sealed class RecordingSink : IOperationSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];
    private readonly List<CimObject> _objects = [];
    private readonly TaskCompletionSource<OperationStatus> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completions;
    private bool _violated;
    private CimObjectPath? _putPath;

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<CimObject> Objects
    {
        get
        {
            lock (_gate)
            {
                return [.. _objects];
            }
        }
    }

    public int Completions => Volatile.Read(ref _completions);

    public bool Violated
    {
        get
        {
            lock (_gate)
            {
                return _violated;
            }
        }
    }

    public CimObjectPath? PutPath
    {
        get
        {
            lock (_gate)
            {
                return _putPath;
            }
        }
    }

    public Task<OperationStatus> Completed => _completed.Task;

    public bool TryWriteObject(CimObject value)
    {
        lock (_gate)
        {
            _violated |= _completions > 0;
            _objects.Add(value);
            _events.Add("OR");
        }
        return true;
    }

    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) => new(true);

    public void OnProgress(int upperBound, int current, string? message)
    {
        lock (_gate)
        {
            _violated |= _completions > 0;
            _events.Add($"PR({upperBound},{current},{message})");
        }
    }

    public void OnObjectPut(CimObjectPath path)
    {
        lock (_gate)
        {
            _violated |= _completions > 0;
            _putPath = path;
            _events.Add("OP");
        }
    }

    public void OnCompleted(OperationStatus status)
    {
        lock (_gate)
        {
            _violated |= _completions > 0;
            _events.Add($"OC({status.Code})");
            _completions++;
        }
        _completed.TrySetResult(status);
    }
}

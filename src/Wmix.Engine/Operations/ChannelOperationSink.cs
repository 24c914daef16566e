using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Wmix.Cim;

namespace Wmix.Engine;

/// <summary>
/// A bounded, single-reader sink: the one that synchronous calls drain, semi-synchronous enumerators walk
/// forward, and the .NET surface awaits. A full buffer holds the producer back (back-pressure), never grows.
/// </summary>
public sealed class ChannelOperationSink : IOperationSink
{
    /// <summary>The default number of objects buffered ahead of the reader.</summary>
    public const int DefaultCapacity = 1024;

    private readonly Channel<CimObject> _channel;
    private readonly Action<int, int, string?>? _onProgress;
    private OperationStatus _status;
    private volatile bool _completed;
    private CimObjectPath? _putPath;

    /// <summary>Creates a sink buffering up to <paramref name="capacity"/> objects.</summary>
    /// <param name="capacity">How many objects may wait for the reader.</param>
    /// <param name="onProgress">Receives progress reports, or null to ignore them.</param>
    public ChannelOperationSink(int capacity = DefaultCapacity, Action<int, int, string?>? onProgress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _channel = Channel.CreateBounded<CimObject>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _onProgress = onProgress;
    }

    /// <summary>The reader side.</summary>
    public ChannelReader<CimObject> Reader => _channel.Reader;

    /// <summary>True once the operation has reported its final status.</summary>
    public bool IsCompleted => _completed;

    /// <summary>The final status; meaningful once <see cref="IsCompleted"/>.</summary>
    public OperationStatus Status => _status;

    /// <summary>The path a put reported, or null.</summary>
    public CimObjectPath? PutPath => Volatile.Read(ref _putPath);

    /// <inheritdoc />
    public bool TryWriteObject(CimObject value) => _channel.Writer.TryWrite(value);

    /// <inheritdoc />
    public ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken) =>
        _channel.Writer.WaitToWriteAsync(cancellationToken);

    /// <inheritdoc />
    public void OnProgress(int upperBound, int current, string? message) => _onProgress?.Invoke(upperBound, current, message);

    /// <inheritdoc />
    public void OnObjectPut(CimObjectPath path) => Volatile.Write(ref _putPath, path);

    /// <inheritdoc />
    public void OnCompleted(OperationStatus status)
    {
        _status = status;
        _completed = true;
        _channel.Writer.TryComplete();
    }

    /// <summary>
    /// The reader is gone (an enumerator released before the end): the producer's next wait fails and the
    /// operation is cancelled. Objects still buffered are released.
    /// </summary>
    public void Abandon()
    {
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>
    /// Blocks until the next object is available; false at the end. A failed operation throws its
    /// <see cref="WbemException"/> at the end, after the objects that came before the failure.
    /// </summary>
    public bool TryTake(out CimObject? value, CancellationToken cancellationToken = default)
    {
        var reader = _channel.Reader;
        while (true)
        {
            if (reader.TryRead(out value))
            {
                return true;
            }
            bool more;
            var wait = reader.WaitToReadAsync(cancellationToken);
            more = wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
            if (!more)
            {
                value = null;
                ThrowIfFailed();
                return false;
            }
        }
    }

    /// <summary>Reads every object to the end; a failed operation throws after its objects.</summary>
    public async IAsyncEnumerable<CimObject> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var value))
            {
                yield return value;
            }
        }
        ThrowIfFailed();
    }

    /// <summary>Throws the operation's failure, if it failed.</summary>
    public void ThrowIfFailed()
    {
        if (_completed && _status.ToException() is { } e)
        {
            throw e;
        }
    }
}

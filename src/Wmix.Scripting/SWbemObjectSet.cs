using System.Collections;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Scripting.Internal;

namespace Wmix.Scripting;

/// <summary>
/// The objects a query or enumeration returned (WMI's <c>SWbemObjectSet</c>); not creatable.
/// </summary>
/// <remarks>
/// <para><b>Synchronous</b> (<c>iFlags</c> without <c>wbemFlagReturnImmediately</c>): the whole result was read
/// when the call returned, and a failure was raised by the call.</para>
/// <para><b>Semi-synchronous</b> (<c>wbemFlagReturnImmediately</c> 0x10, the default): the call returned at
/// once; objects arrive while you enumerate, and a failure is raised by the enumeration (after the objects that
/// came before it).</para>
/// <para><b>Bidirectional</b> (the default): the set keeps its objects; it can be enumerated again, counted and
/// indexed. <b>Forward-only</b> (<c>wbemFlagForwardOnly</c> 0x20, recommended as 48 = 0x30): the objects are read
/// once, straight from the provider (a slow reader holds it back); a second enumeration yields nothing,
/// <see cref="Count"/> raises wbemErrFailed and <c>Clone_</c> of its objects is refused. Disposing an enumerator
/// of a forward-only set before the end, or disposing the set, cancels delivery of the rest.</para>
/// </remarks>
public sealed class SWbemObjectSet : IEnumerable<SWbemObject>, IDisposable
{
    private readonly SWbemServices _services;
    private readonly bool _forwardOnly;
    private readonly Lock _gate = new();
    private readonly List<CimObject> _buffer = [];
    private readonly ManualResetEventSlim _changed = new(false);
    private readonly ChannelOperationSink? _stream;
    private readonly CimOperation? _operation;
    private bool _ended;
    private bool _taken;
    private WbemException? _failure;

    private SWbemObjectSet(SWbemServices services, bool forwardOnly, ChannelOperationSink? stream, CimOperation? operation)
    {
        _services = services;
        _forwardOnly = forwardOnly;
        _stream = stream;
        _operation = operation;
    }

    internal static SWbemObjectSet Run(SWbemServices services, int iFlags, Func<IOperationSink, CimOperation> start)
    {
        var forwardOnly = (iFlags & SWbemServices.FlagForwardOnly) != 0;
        var sink = new ChannelOperationSink();
        var op = start(sink);
        if ((iFlags & SWbemServices.FlagReturnImmediately) == 0)
        {
            // Synchronous: read everything now; a failure is raised by the call.
            var set = new SWbemObjectSet(services, forwardOnly, null, null);
            try
            {
                while (sink.TryTake(out var value))
                {
                    set._buffer.Add(value!);
                }
            }
            catch (WbemException e) when (ScriptErrors.Record(e))
            {
                throw;
            }
            set._ended = true;
            return set;
        }
        var semi = new SWbemObjectSet(services, forwardOnly, sink, op);
        if (!forwardOnly)
        {
            // Bidirectional sets keep every object anyway, so read them in the background as they come: the
            // provider is never held back by a set nobody enumerates (and nothing leaks when it is dropped).
            _ = semi.FillInBackground();
        }
        return semi;
    }

    private async Task FillInBackground()
    {
        try
        {
            await foreach (var value in _stream!.ReadAllAsync().ConfigureAwait(false))
            {
                lock (_gate)
                {
                    _buffer.Add(value);
                }
                _changed.Set();
            }
        }
        catch (WbemException e)
        {
            lock (_gate)
            {
                _failure = e;
            }
        }
        finally
        {
            lock (_gate)
            {
                _ended = true;
            }
            _changed.Set();
        }
    }

    /// <summary>Security settings of the collection.</summary>
    public SWbemSecurity Security_ => _services.Security_;

    /// <summary>
    /// The number of objects. Not cached by WMI: it waits until the whole set has arrived.
    /// </summary>
    /// <exception cref="WbemException">wbemErrFailed on a forward-only set; the call's failure, if it failed.</exception>
    public int Count
    {
        get
        {
            if (_forwardOnly)
            {
                throw ScriptErrors.Error(WbemErrorEnum.wbemErrFailed,
                    "Count is not available on a forward-only collection (wbemFlagForwardOnly); enumerate it instead.");
            }
            WaitFor(int.MaxValue);
            lock (_gate)
            {
                ThrowIfFailedLocked();
                return _buffer.Count;
            }
        }
    }

    /// <summary>The object whose relative path is <paramref name="strObjectPath"/> (the default member); see <see cref="Item"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("ItemOf")] // "Item" is the documented method; the indexer is its C# shorthand.
    public SWbemObject this[string strObjectPath] => Item(strObjectPath);

    /// <summary>The object whose relative path is <paramref name="strObjectPath"/> (e.g. <c>Win32_LogicalDisk="C:"</c>).</summary>
    /// <exception cref="WbemException">wbemErrNotFound when no object has that path; wbemErrInvalidParameter for a malformed path; wbemErrFailed on a forward-only set.</exception>
    public SWbemObject Item(string strObjectPath, int iFlags = 0)
    {
        ScriptErrors.CheckFlags(iFlags, 0, "SWbemObjectSet.Item");
        if (_forwardOnly)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrFailed, "Item is not available on a forward-only collection (wbemFlagForwardOnly).");
        }
        if (!CimObjectPath.TryParse(strObjectPath, out var wanted) || wanted.ClassName is null)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"SWbemObjectSet.Item: '{strObjectPath}' is not an object path.");
        }
        wanted = wanted.WithLocation(null, null);
        for (var i = 0; WaitFor(i); i++)
        {
            CimObject candidate;
            lock (_gate)
            {
                candidate = _buffer[i];
            }
            if (Matches(candidate, wanted))
            {
                return new SWbemObjectEx(candidate, _services);
            }
        }
        lock (_gate)
        {
            ThrowIfFailedLocked();
        }
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"The collection has no object '{strObjectPath}'.");
    }

    /// <summary>The object at zero-based position <paramref name="lIndex"/>.</summary>
    /// <exception cref="WbemException">wbemErrInvalidParameter for a negative index; wbemErrNotFound past the end; wbemErrFailed on a forward-only set.</exception>
    public SWbemObject ItemIndex(int lIndex)
    {
        if (lIndex < 0)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrInvalidParameter, $"SWbemObjectSet.ItemIndex: {lIndex} is negative.");
        }
        if (_forwardOnly)
        {
            throw ScriptErrors.Error(WbemErrorEnum.wbemErrFailed, "ItemIndex is not available on a forward-only collection (wbemFlagForwardOnly).");
        }
        if (WaitFor(lIndex))
        {
            lock (_gate)
            {
                return new SWbemObjectEx(_buffer[lIndex], _services);
            }
        }
        lock (_gate)
        {
            ThrowIfFailedLocked();
        }
        throw ScriptErrors.Error(WbemErrorEnum.wbemErrNotFound, $"The collection has no object at index {lIndex}.");
    }

    /// <inheritdoc />
    public IEnumerator<SWbemObject> GetEnumerator() => _forwardOnly ? ForwardOnly() : Bidirectional();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Cancels delivery of objects that have not arrived yet and releases them. (.NET extension.)</summary>
    public void Dispose()
    {
        if (_stream is not null && _operation is not null && !_operation.IsEnded)
        {
            _stream.Abandon();
            _operation.Cancel();
        }
    }

    private IEnumerator<SWbemObject> Bidirectional()
    {
        for (var i = 0; WaitFor(i); i++)
        {
            CimObject value;
            lock (_gate)
            {
                value = _buffer[i];
            }
            yield return new SWbemObjectEx(value, _services);
        }
        lock (_gate)
        {
            ThrowIfFailedLocked();
        }
    }

    private IEnumerator<SWbemObject> ForwardOnly()
    {
        bool first;
        lock (_gate)
        {
            first = !_taken;
            _taken = true;
        }
        if (!first)
        {
            // Forward-only: the objects were handed out once and are gone.
            yield break;
        }
        if (_stream is null)
        {
            // Synchronous forward-only: hand out what was read and forget it as we go.
            for (var i = 0; i < _buffer.Count; i++)
            {
                var value = _buffer[i];
                _buffer[i] = null!;
                yield return new SWbemObjectEx(value, _services, forwardOnly: true);
            }
            _buffer.Clear();
            yield break;
        }
        var completed = false;
        try
        {
            while (true)
            {
                CimObject? value;
                try
                {
                    if (!_stream.TryTake(out value))
                    {
                        break;
                    }
                }
                catch (WbemException e) when (ScriptErrors.Record(e))
                {
                    throw;
                }
                yield return new SWbemObjectEx(value!, _services, forwardOnly: true);
            }
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // Released before the end (or failed): cancel delivery of the rest.
                Dispose();
            }
        }
    }

    /// <summary>Waits until the object at <paramref name="index"/> has arrived (true) or the set has ended (false).</summary>
    private bool WaitFor(int index)
    {
        while (true)
        {
            lock (_gate)
            {
                if (index < _buffer.Count)
                {
                    return true;
                }
                if (_ended)
                {
                    return false;
                }
                _changed.Reset();
            }
            _changed.Wait();
        }
    }

    private void ThrowIfFailedLocked()
    {
        if (_failure is { } f)
        {
            var e = new WbemException(f.ErrorCode, f.Message, f) { ExtendedStatus = f.ExtendedStatus };
            ScriptErrors.Record(e);
            throw e;
        }
    }

    private static bool Matches(CimObject candidate, CimObjectPath wanted)
    {
        if (!CimNames.AreEqual(candidate.ClassName, wanted.ClassName) && !(wanted.IsClass && candidate.Genus == CimGenus.Class))
        {
            return false;
        }
        if (candidate.RelativeObjectPath is not { } have)
        {
            return false;
        }
        if (wanted.HasUnnamedKey && candidate.Class.KeyIndexes.Count == 1)
        {
            var key = candidate.Properties[candidate.Class.KeyIndexes[0]].Name;
            wanted = wanted.WithKeys([new CimKeyBinding(key, wanted.Keys[0].Value)]);
        }
        return have.Equals(wanted);
    }
}

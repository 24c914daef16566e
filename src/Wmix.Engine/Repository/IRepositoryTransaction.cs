namespace Wmix.Engine.Repository;

/// <summary>
/// An all-or-nothing batch of repository writes, from <see cref="ICimRepository.BeginTransaction"/>: every write the
/// beginning flow (its thread, its async continuations and the tasks it starts, which inherit its execution context) makes until <see cref="Commit"/> is kept together, or
/// none is. Disposing without committing rolls the writes back. Used by <c>wmix mofcomp</c> so a file with an error
/// changes nothing.
/// </summary>
/// <remarks>
/// While a transaction is open, other writers to the same repository wait for it to end; reads from the
/// transaction's own flow see its writes. A transaction is used by one flow at a time.
/// </remarks>
public interface IRepositoryTransaction : IDisposable
{
    /// <summary>Makes the batch's writes permanent and visible to everyone.</summary>
    /// <exception cref="InvalidOperationException">The transaction was already committed or disposed.</exception>
    /// <exception cref="WbemException">The store could not commit (disk full, access denied…): nothing was written.</exception>
    void Commit();
}

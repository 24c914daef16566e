using Wmix.Engine.Repository;
using Wmix.Repository.Sqlite;

namespace Wmix.Repository.Tests.Contract;

public sealed class SqliteRepositoryContractTests : RepositoryContractTests
{
    private readonly TempDirectory _directory = new();
    private SqliteRepository? _current;
    private readonly List<SqliteRepository> _opened = [];

    protected override ICimRepository Create()
    {
        _current = SqliteRepository.Open(_directory.Path);
        _opened.Add(_current);
        return _current;
    }

    protected override ICimRepository Reopen()
    {
        // A second, independent instance on the same file: what another process or a restart sees.
        var again = SqliteRepository.Open(_directory.Path);
        _opened.Add(again);
        return again;
    }

    public override void Dispose()
    {
        foreach (var repository in _opened)
        {
            repository.Dispose();
        }
        _directory.Dispose();
        base.Dispose();
    }
}

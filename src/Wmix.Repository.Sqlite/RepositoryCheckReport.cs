namespace Wmix.Repository.Sqlite;

/// <summary>The result of <see cref="SqliteRepository.Check"/> (WMI's <c>winmgmt /verifyrepository</c>).</summary>
/// <param name="Problems">Each inconsistency found, in words; empty for a healthy repository.</param>
/// <param name="Namespaces">Namespaces examined.</param>
/// <param name="Classes">Classes examined.</param>
/// <param name="Instances">Instances examined.</param>
public sealed record RepositoryCheckReport(IReadOnlyList<string> Problems, int Namespaces, int Classes, long Instances)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool IsConsistent => Problems.Count == 0;

    /// <inheritdoc />
    public override string ToString() => IsConsistent
        ? $"The repository is consistent: {Namespaces} namespaces, {Classes} classes, {Instances} instances."
        : $"The repository has {Problems.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", Problems);
}

using Wmix.Repository.Sqlite;
using Wmix.Scripting;
using LocalWmi = Wmix.Hosting.WmixHost;
using LocalWmiOptions = Wmix.Hosting.WmixHostOptions;

namespace Wmix.Cli;

/// <summary>
/// Where <c>wmix</c> reaches WMI. The composition itself lives in Wmix.Hosting (<see cref="LocalWmi"/>), so every
/// command — <c>query</c>, <c>get</c>, <c>call</c>, <c>watch</c>, <c>mofcomp</c>, <c>repository</c> — sees the same durable
/// repository as any other program on this machine (issue #5). A <c>--host</c> option for remote connections plugs in
/// here.
/// </summary>
internal static class WmixHost
{
    /// <summary>Connects to <paramref name="namespace"/> on the local machine (the process-wide <see cref="LocalWmi.Local"/>).</summary>
    /// <exception cref="WbemException">
    /// The repository cannot be opened (wbemErrAccessDenied, wbemErrCriticalError…), or the namespace is not a
    /// namespace name or does not exist.
    /// </exception>
    public static SWbemServices Connect(string @namespace) => new SWbemLocator().ConnectServer(".", @namespace);

    /// <summary>
    /// The repository alone (no object manager, nothing installed): <paramref name="directory"/>, or the standard
    /// location. For <c>repository check|backup|restore</c>, which must not write built-in classes into what they inspect.
    /// </summary>
    /// <exception cref="WbemException">The repository cannot be opened (see <see cref="SqliteRepository.Open"/>).</exception>
    public static SqliteRepository OpenRepository(string? directory) =>
        SqliteRepository.Open(LocalWmi.ResolveRepositoryDirectory(Options(directory))!);

    /// <summary>
    /// The local WMI over <paramref name="directory"/> (or the standard location), providers registered and built-in
    /// classes installed (so MOF can derive from them). The caller disposes it.
    /// </summary>
    /// <exception cref="WbemException">The repository cannot be opened (see <see cref="LocalWmi.Open"/>).</exception>
    public static LocalWmi OpenDurable(string? directory) => LocalWmi.Open(Options(directory));

    private static LocalWmiOptions Options(string? directory) =>
        string.IsNullOrEmpty(directory) ? LocalWmiOptions.Default : LocalWmiOptions.Default with { RepositoryDirectory = directory };
}

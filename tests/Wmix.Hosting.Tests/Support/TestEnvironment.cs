using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Wmix.Hosting.Tests.Support;

/// <summary>
/// Keeps every repository of this test run out of the developer's home: unless a parent process chose one (for a
/// child worker), <c>WMIX_REPOSITORY</c> points at a fresh temporary directory before any test runs.
/// </summary>
internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Initialise()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WMIX_REPOSITORY")))
        {
            return;
        }
        var directory = Path.Combine(Path.GetTempPath(), "wmix-hosting-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Environment.SetEnvironmentVariable("WMIX_REPOSITORY", directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing used the default location.
            }
        };
    }
}

/// <summary>A fresh directory under the temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wmix-host-" + Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The repository directory the tests use inside it.</summary>
    public string Repository => System.IO.Path.Combine(Path, "repo");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A mount left behind by a failed test; the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException)
        {
            // A directory a test made read-only (non-root runs).
        }
    }
}

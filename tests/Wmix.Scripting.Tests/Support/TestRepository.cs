using System.Runtime.CompilerServices;
using Wmix.Hosting;
using Wmix.Repository.Sqlite;

namespace Wmix.Scripting.Tests.Support;

/// <summary>
/// Points the process-wide local WMI (what <c>SWbemLocator.ConnectServer(".")</c> reaches) at a durable repository in a
/// fresh temporary directory before any test runs, so the scripting tests exercise the real durable engine and never
/// write into the developer's own repository (issue #5). The directory is removed when the test process exits.
/// </summary>
internal static class TestRepository
{
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), "wmix-scripting-tests-" + Guid.NewGuid().ToString("N")[..12]);

    [ModuleInitializer]
    internal static void Initialise()
    {
        WmixHost.ConfigureLocal(WmixHostOptions.Default with
        {
            RepositoryDirectory = Directory,
            // Crash safety is tested elsewhere; skipping the per-commit flush keeps hundreds of small puts quick.
            Repository = SqliteRepositoryOptions.Default with { DurableAgainstPowerLoss = false },
        });
        AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"Could not remove the test repository {Directory}: {e.Message}");
            }
        };
    }
}

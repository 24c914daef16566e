using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Hosting.Tests.Support;
using Wmix.Scripting;

namespace Wmix.Hosting.Tests;

/// <summary>
/// <see cref="WmixHost.Open"/>: the composition over a durable repository — built-in classes installed put-if-absent
/// and stamped, reinstalled when a provider's set changes, user data never overwritten, no silent fallback.
/// </summary>
public sealed class HostCompositionTests
{
    private static WmixHostOptions Options(string directory, int builtInVersion = 1, bool linux = false) => new()
    {
        RepositoryDirectory = directory,
        RegisterLinuxProviders = linux,
        AdditionalProviders = [() => new BuiltInProvider(builtInVersion)],
    };

    [Fact]
    public async Task Open_FreshRepository_InstallsBuiltInsOnceThenWritesNothing()
    {
        using var directory = new TempDirectory();
        using (var host = WmixHost.Open(Options(directory.Repository, linux: true)))
        {
            Assert.Equal(BuiltInInstall.Installed, host.BuiltInInstall);
            Assert.Equal(Path.GetFullPath(directory.Repository), host.RepositoryDirectory);
            using var session = host.Manager.OpenSession(@"root\cimv2");
            var process = (CimClass)await session.GetAsync("Win32_Process", TestContext.Current.CancellationToken);
            Assert.Equal("CIM_Process", process.SuperclassName);
            Assert.NotNull(await session.GetAsync("Host_BuiltIn", TestContext.Current.CancellationToken));
            Assert.NotNull(host.Repository!.GetMetadata(WmixHost.BuiltInStampPrefix + BuiltInProvider.ProviderName));
        }
        var before = File.GetLastWriteTimeUtc(Path.Combine(directory.Repository, "repository.db"));
        var walBefore = new FileInfo(Path.Combine(directory.Repository, "repository.db-wal")) is { Exists: true } w ? w.Length : 0;
        using (var again = WmixHost.Open(Options(directory.Repository, linux: true)))
        {
            Assert.Equal(BuiltInInstall.Current, again.BuiltInInstall);
            // The providers are routed again: Win32_Process instances come from /proc.
            using var session = again.Manager.OpenSession(@"root\cimv2");
            var self = await session.GetAsync($"Win32_Process.Handle=\"{Environment.ProcessId}\"", TestContext.Current.CancellationToken);
            Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ((CimInstance)self)["Handle"]);
        }
        var walAfter = new FileInfo(Path.Combine(directory.Repository, "repository.db-wal")) is { Exists: true } w2 ? w2.Length : 0;
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(directory.Repository, "repository.db")));
        Assert.True(walAfter <= walBefore, $"A second open wrote to the repository (WAL {walBefore} -> {walAfter} bytes).");
    }

    [Fact]
    public async Task Open_BuiltInSetChanged_ReinstallsBuiltInsAndKeepsUserClassesInstancesAndModifications()
    {
        using var directory = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        using (var host = WmixHost.Open(Options(directory.Repository, builtInVersion: 1)))
        {
            using var session = host.Manager.OpenSession(@"root\cimv2");
            // A user class, then a user modification of it (a property added), and an instance with the new property.
            var user = new CimClass("Host_User");
            user.AddProperty("Name", CimType.String, isKey: true);
            user.AddProperty("X", CimType.UInt32);
            await session.PutAsync(user.Freeze(), cancellationToken: ct);
            var modified = new CimClass("Host_User");
            modified.AddProperty("Name", CimType.String, isKey: true);
            modified.AddProperty("X", CimType.UInt32);
            modified.AddProperty("Y", CimType.String);
            await session.PutAsync(modified.Freeze(), cancellationToken: ct);
            var stored = (CimClass)await session.GetAsync("Host_User", ct);
            var instance = stored.SpawnInstance();
            instance["Name"] = "mine";
            instance["X"] = 7u;
            instance["Y"] = "user data";
            await session.PutAsync(instance.Freeze(), cancellationToken: ct);
            // A user class derived from a built-in one.
            var builtIn = (CimClass)await session.GetAsync("Host_BuiltIn", ct);
            var child = builtIn.SpawnDerivedClass("Host_UserChild");
            child.AddProperty("Z", CimType.UInt32);
            await session.PutAsync(child.Freeze(), cancellationToken: ct);
        }
        using (var upgraded = WmixHost.Open(Options(directory.Repository, builtInVersion: 2)))
        {
            Assert.Equal(BuiltInInstall.Upgraded, upgraded.BuiltInInstall);
            using var session = upgraded.Manager.OpenSession(@"root\cimv2");
            var builtIn = (CimClass)await session.GetAsync("Host_BuiltIn", ct);
            Assert.Contains(builtIn.Properties, p => p.Name == "Added");
            var user = (CimClass)await session.GetAsync("Host_User", ct);
            Assert.Equal(["Name", "X", "Y"], user.Properties.Select(p => p.Name).Where(n => !n.StartsWith("__", StringComparison.Ordinal)));
            var instance = (CimInstance)await session.GetAsync("Host_User.Name=\"mine\"", ct);
            Assert.Equal(7u, instance["X"]);
            Assert.Equal("user data", instance["Y"]);
            var child = (CimClass)await session.GetAsync("Host_UserChild", ct);
            Assert.Equal("Host_BuiltIn", child.SuperclassName);
            Assert.Contains(child.Properties, p => p.Name == "Z");
        }
        using var current = WmixHost.Open(Options(directory.Repository, builtInVersion: 2));
        Assert.Equal(BuiltInInstall.Current, current.BuiltInInstall);
        Assert.True(current.Repository!.Check().IsConsistent);
    }

    [Fact]
    public async Task Open_FirstInstall_KeepsAClassTheUserStoredUnderABuiltInName()
    {
        using var directory = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        // A repository written before this provider existed, holding a user's own class of the same name.
        using (var plain = WmixHost.Open(new WmixHostOptions { RepositoryDirectory = directory.Repository, RegisterLinuxProviders = false }))
        {
            using var session = plain.Manager.OpenSession(@"root\cimv2");
            var mine = new CimClass("Host_BuiltIn");
            mine.AddProperty("Id", CimType.UInt32, isKey: true);
            mine.AddProperty("Mine", CimType.String);
            await session.PutAsync(mine.Freeze(), cancellationToken: ct);
        }
        using var host = WmixHost.Open(Options(directory.Repository));
        Assert.Equal(BuiltInInstall.Installed, host.BuiltInInstall);
        using var s = host.Manager.OpenSession(@"root\cimv2");
        var kept = (CimClass)await s.GetAsync("Host_BuiltIn", ct);
        Assert.Contains(kept.Properties, p => p.Name == "Mine");
    }

    [Fact]
    public void Open_InMemory_HasNoRepositoryAndRegistersProviders()
    {
        using var host = WmixHost.Open(WmixHostOptions.InMemory with { RegisterLinuxProviders = false, AdditionalProviders = [() => new BuiltInProvider(1)] });
        Assert.Null(host.Repository);
        Assert.Null(host.RepositoryDirectory);
        Assert.Equal(BuiltInInstall.InMemory, host.BuiltInInstall);
        using var connection = host.Connect(@"root\cimv2");
        Assert.Equal(@"root\cimv2", connection.Namespace, ignoreCase: true);
    }

    [Fact]
    public void Open_DamagedFile_RaisesCriticalErrorAndNeverFallsBackToMemory()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Repository);
        var file = Path.Combine(directory.Repository, "repository.db");
        File.WriteAllBytes(file, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7919 % 251))]);
        var ex = Assert.Throws<WbemException>(() => WmixHost.Open(Options(directory.Repository)));
        Assert.Equal(WbemErrorEnum.wbemErrCriticalError, ex.ErrorCode);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains("restore", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(8192, new FileInfo(file).Length);
    }

    [Fact]
    public void ResolveRepositoryDirectory_FollowsTheStandardLocations()
    {
        Assert.Null(WmixHost.ResolveRepositoryDirectory(WmixHostOptions.InMemory));
        Assert.Equal("/srv/x", WmixHost.ResolveRepositoryDirectory(new WmixHostOptions { RepositoryDirectory = "/srv/x" }));
        // This test assembly sets WMIX_REPOSITORY (TestEnvironment), which overrides both standard locations.
        var configured = Environment.GetEnvironmentVariable("WMIX_REPOSITORY");
        Assert.Equal(configured, WmixHost.ResolveRepositoryDirectory(WmixHostOptions.Default));
        Assert.Equal(configured, WmixHost.ResolveRepositoryDirectory(WmixHostOptions.Server));
    }

    [Fact]
    public void Local_IsTheLocatorsEngine_AndCannotBeReconfiguredOnceOpen()
    {
        // WMIX_REPOSITORY points at this run's temporary directory (TestEnvironment), so Local is safe to open here.
        var services = new SWbemLocator().ConnectServer(".", @"root\cimv2");
        Assert.True(WmixHost.IsLocalOpen);
        Assert.Equal(Environment.GetEnvironmentVariable("WMIX_REPOSITORY"), WmixHost.Local.RepositoryDirectory);
        Assert.True(services.InstancesOf("Win32_OperatingSystem").Count == 1);
        Assert.Throws<InvalidOperationException>(() => WmixHost.ConfigureLocal(WmixHostOptions.InMemory));
        WmixHost.ConfigureLocal(WmixHost.Local.Options);
    }

    /// <summary>A built-in provider whose class set changes with <c>version</c> (version 2 adds a property).</summary>
    private sealed class BuiltInProvider : CimProvider
    {
        public const string ProviderName = "HostTestBuiltIns";

        public BuiltInProvider(int version)
        {
            var cls = new CimClass("Host_BuiltIn");
            cls.AddProperty("Id", CimType.UInt32, isKey: true);
            if (version >= 2)
            {
                cls.AddProperty("Added", CimType.String);
            }
            Classes = [new ProviderClassRegistration(@"root\cimv2", (CimClass)cls.Freeze())];
        }

        public override string Name => ProviderName;

        public override IReadOnlyList<ProviderClassRegistration> Classes { get; }

        public override IAsyncEnumerable<CimInstance> EnumerateInstancesAsync(ProviderContext context, CimClass cls, CancellationToken cancellationToken) =>
            FromEnumerableAsync([], cancellationToken);
    }
}

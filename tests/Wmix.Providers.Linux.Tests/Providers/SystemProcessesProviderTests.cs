using System.Globalization;
using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32SystemProcessesContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_SystemProcesses";
    protected override CimProvider CreateProvider() => new SystemProcessesProvider();
    protected override bool IsVolatile => true;
    protected override IEnumerable<string> PushDownProperties => [];
}

public sealed class SystemProcessesProviderTests : IDisposable
{
    private readonly ObjectManager _manager = TestSupport.NewManager();
    private readonly CimSession _session;
    private readonly string _host = HostInfo.HostName;

    public SystemProcessesProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private async Task<List<CimInstance>> QueryAsync(string wql) =>
        [.. (await _session.QueryAsync(wql, TestContext.Current.CancellationToken).ToListAsync()).Cast<CimInstance>()];

    [Fact]
    public async Task Associators_ComputerSystem_ListsEveryProcess()
    {
        var child = TestSupport.StartSleep();
        try
        {
            var before = ProcessSource.EnumerateProcessIds().ToHashSet();
            var rows = await QueryAsync($"ASSOCIATORS OF {{Win32_ComputerSystem.Name=\"{_host}\"}} WHERE ResultClass = Win32_Process");
            var after = ProcessSource.EnumerateProcessIds().ToHashSet();
            Assert.All(rows, r => Assert.Equal("Win32_Process", r.ClassName));
            var pids = rows.Select(r => int.Parse((string)r["Handle"]!, CultureInfo.InvariantCulture)).ToHashSet();
            // Every process alive throughout is there; nothing that never existed is.
            Assert.Superset(before.Intersect(after).ToHashSet(), pids);
            Assert.Subset(before.Union(after).ToHashSet(), pids);
            Assert.Contains(Environment.ProcessId, pids);
            Assert.Equal("sleep", rows.Single(r => (string)r["Handle"]! == child.Id.ToString(CultureInfo.InvariantCulture))["Name"]);
        }
        finally
        {
            TestSupport.Kill(child);
        }
    }

    [Fact]
    public async Task AssociatorsAndReferences_Process_NameTheComputerSystem()
    {
        var child = TestSupport.StartSleep();
        try
        {
            var path = SystemProcessesProvider.ProcessPath(child.Id);
            var system = Assert.Single(await QueryAsync($"ASSOCIATORS OF {{{path}}} WHERE AssocClass = Win32_SystemProcesses"));
            Assert.Equal("Win32_ComputerSystem", system.ClassName);
            Assert.Equal(_host, system["Name"]);
            var link = Assert.Single(await QueryAsync($"REFERENCES OF {{{path}}} WHERE ResultClass = Win32_SystemProcesses"));
            Assert.Equal(SystemProcessesProvider.ComputerSystemPath(_host), link["GroupComponent"]);
            Assert.Equal(path, link["PartComponent"]);
            // The generic CIM_SystemComponent also reaches it.
            Assert.Contains(await QueryAsync($"REFERENCES OF {{{path}}} WHERE ResultClass = CIM_SystemComponent"), r => r.ClassName == "Win32_SystemProcesses");
        }
        finally
        {
            TestSupport.Kill(child);
        }
    }
}

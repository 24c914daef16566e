using Wmix.Cim;
using Wmix.Engine;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Providers;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Tests.Providers;

public sealed class Win32UserAccountContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_UserAccount";
    protected override CimProvider CreateProvider() => new AccountProvider();
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class Win32GroupContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_Group";
    protected override CimProvider CreateProvider() => new AccountProvider();
    protected override IEnumerable<string> PushDownProperties => ["Name"];
}

public sealed class Win32GroupUserContractTests : ProviderContractTests
{
    protected override string ClassName => "Win32_GroupUser";
    protected override CimProvider CreateProvider() => new AccountProvider();
    protected override IEnumerable<string> PushDownProperties => [];
}

public sealed class AccountProviderTests : IDisposable
{
    private readonly ObjectManager _manager = TestSupport.NewManager();
    private readonly CimSession _session;
    private readonly string _host = HostInfo.HostName;

    public AccountProviderTests() => _session = _manager.OpenSession(@"root\cimv2");

    public void Dispose()
    {
        _session.Dispose();
        _manager.Dispose();
    }

    private static List<string[]> Lines(string path) =>
        [.. File.ReadAllLines(path).Select(l => l.Split(':')).Where(f => f.Length >= 4 && uint.TryParse(f[2], out _))];

    [Fact]
    public async Task Query_UserAccounts_MatchEtcPasswd()
    {
        var passwd = Lines("/etc/passwd");
        var rows = await _session.QueryAsync("SELECT * FROM Win32_UserAccount", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(passwd.Select(f => f[0]), rows.Select(r => (string)r["Name"]!));
        foreach (var (f, r) in passwd.Zip(rows))
        {
            Assert.Equal(_host, r["Domain"]);
            Assert.Equal($"{_host}\\{f[0]}", r["Caption"]);
            Assert.Equal("S-1-22-1-" + f[2], r["SID"]);
            Assert.Equal((byte)1, r["SIDType"]);
            Assert.Equal(512u, r["AccountType"]);
            Assert.Equal(true, r["LocalAccount"]);
            Assert.Equal(f[4].Split(',')[0], r["FullName"]);
            var shell = f[6];
            if (shell.EndsWith("/nologin", StringComparison.Ordinal) || shell.EndsWith("/false", StringComparison.Ordinal))
            {
                Assert.Equal(true, r["Disabled"]);
            }
        }
        var root = rows.Single(r => (string)r["Name"]! == "root");
        Assert.Equal("S-1-22-1-0", root["SID"]);
        // Running as root: shadow is readable, so the password flags are known rather than NULL.
        if (Environment.UserName == "root" && File.Exists("/etc/shadow"))
        {
            Assert.NotNull(root["Lockout"]);
            Assert.NotNull(root["PasswordRequired"]);
        }
        Assert.Null(root["Description"]);
        Assert.Null(root["InstallDate"]);
    }

    [Fact]
    public async Task Query_Groups_MatchEtcGroup()
    {
        var group = Lines("/etc/group");
        var rows = await _session.QueryAsync("SELECT Name, SID FROM Win32_Group", TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(group.Select(f => (f[0], "S-1-22-2-" + f[2])), rows.Select(r => ((string)r["Name"]!, (string)r["SID"]!)));
    }

    [Fact]
    public async Task Get_RootUserAndGroup_Found()
    {
        var user = (CimInstance)await _session.GetAsync(AccountProvider.UserPath(_host, "root"), TestContext.Current.CancellationToken);
        Assert.Equal("S-1-22-1-0", user["SID"]);
        var group = (CimInstance)await _session.GetAsync($"Win32_Group.Domain=\"{_host}\",Name=\"root\"", TestContext.Current.CancellationToken);
        Assert.Equal("S-1-22-2-0", group["SID"]);
        var e = await Assert.ThrowsAsync<WbemException>(() => _session.GetAsync(AccountProvider.UserPath("NOT-THIS-HOST", "root"), TestContext.Current.CancellationToken));
        Assert.Equal(WbemErrorEnum.wbemErrNotFound, e.ErrorCode);
    }

    [Fact]
    public async Task Associators_RootGroup_ListsPrimaryAndListedMembers()
    {
        var passwd = Lines("/etc/passwd");
        var groupLine = Lines("/etc/group").Single(f => f[0] == "root");
        var expected = passwd.Where(f => f[3] == groupLine[2]).Select(f => f[0])
            .Concat(groupLine[3].Split(',', StringSplitOptions.RemoveEmptyEntries)).Where(n => passwd.Any(f => f[0] == n)).Distinct().Order(StringComparer.Ordinal);
        var rows = await _session.QueryAsync($"ASSOCIATORS OF {{Win32_Group.Domain=\"{_host}\",Name=\"root\"}} WHERE AssocClass = Win32_GroupUser",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(expected, rows.Select(r => (string)r["Name"]!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal("Win32_UserAccount", r.ClassName));
        Assert.Contains("root", rows.Select(r => (string)r["Name"]!));
    }

    [Fact]
    public async Task Associators_RootUser_ListsItsGroups()
    {
        var groups = Lines("/etc/group");
        var rootGid = Lines("/etc/passwd").Single(f => f[0] == "root")[3];
        var expected = groups.Where(f => f[2] == rootGid || f[3].Split(',').Contains("root")).Select(f => f[0]).Order(StringComparer.Ordinal);
        var rows = await _session.QueryAsync($"ASSOCIATORS OF {{{AccountProvider.UserPath(_host, "root")}}} WHERE ResultClass = Win32_Group",
            TestContext.Current.CancellationToken).ToListAsync();
        Assert.Equal(expected, rows.Select(r => (string)r["Name"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AccountSource_GivenFiles_PrimaryAndListedMembersOnce()
    {
        var dir = Directory.CreateTempSubdirectory("wmix-accounts");
        try
        {
            var passwd = Path.Combine(dir.FullName, "passwd");
            var group = Path.Combine(dir.FullName, "group");
            var shadow = Path.Combine(dir.FullName, "shadow");
            await File.WriteAllTextAsync(passwd, "alice:x:1000:100:Alice Liddell,,,:/home/alice:/bin/bash\nbob:x:1001:101::/home/bob:/usr/sbin/nologin\nbroken line\n",
                TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(group, "users:x:100:alice,bob,ghost\nbob:x:101:\n", TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(shadow, "alice:$6$abc:19000:0:99999:7:::\nbob:!$6$x:19000:1:90:7:::\n", TestContext.Current.CancellationToken);
            using var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
            manager.RegisterProvider(new CimSchemaProvider());
            manager.RegisterProvider(new AccountProvider(new AccountSource(passwd, group), shadow, Path.Combine(dir.FullName, "none")));
            using var session = manager.OpenSession(@"root\cimv2");
            var users = await session.QueryAsync("SELECT * FROM Win32_UserAccount", TestContext.Current.CancellationToken).ToListAsync();
            Assert.Equal(["alice", "bob"], users.Select(u => (string)u["Name"]!));
            var alice = users[0];
            Assert.Equal("Alice Liddell", alice["FullName"]);
            Assert.Equal(false, alice["Disabled"]);
            Assert.Equal(false, alice["Lockout"]);
            Assert.Equal(true, alice["PasswordRequired"]);
            Assert.Equal(false, alice["PasswordExpires"]);
            Assert.Equal(true, alice["PasswordChangeable"]);
            var bob = users[1];
            Assert.Equal(true, bob["Disabled"]);
            Assert.Equal(true, bob["Lockout"]);
            Assert.Equal(true, bob["PasswordExpires"]);
            Assert.Equal(false, bob["PasswordChangeable"]);
            var links = await session.QueryAsync("SELECT * FROM Win32_GroupUser", TestContext.Current.CancellationToken).ToListAsync();
            var host = HostInfo.HostName;
            Assert.Equal(
                [(AccountProvider.GroupPath(host, "users"), AccountProvider.UserPath(host, "alice")),
                 (AccountProvider.GroupPath(host, "users"), AccountProvider.UserPath(host, "bob")),
                 (AccountProvider.GroupPath(host, "bob"), AccountProvider.UserPath(host, "bob"))],
                links.Select(l => ((string)l["GroupComponent"]!, (string)l["PartComponent"]!)));
            Assert.Empty(await session.QueryAsync("SELECT * FROM Win32_Environment", TestContext.Current.CancellationToken).ToListAsync());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Environment_GivenFile_SystemVariables()
    {
        var dir = Directory.CreateTempSubdirectory("wmix-env");
        try
        {
            var env = Path.Combine(dir.FullName, "environment");
            await File.WriteAllTextAsync(env, "# comment\nPATH=\"/usr/bin:/bin\"\nexport LANG=C.UTF-8\n\nEMPTY=\nbad name=1\nLANG='en_GB.UTF-8'\n", TestContext.Current.CancellationToken);
            using var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
            manager.RegisterProvider(new CimSchemaProvider());
            manager.RegisterProvider(new AccountProvider(environmentPath: env));
            using var session = manager.OpenSession(@"root\cimv2");
            var rows = await session.QueryAsync("SELECT * FROM Win32_Environment", TestContext.Current.CancellationToken).ToListAsync();
            Assert.Equal([("PATH", "/usr/bin:/bin"), ("LANG", "en_GB.UTF-8"), ("EMPTY", "")],
                rows.Select(r => ((string)r["Name"]!, (string)r["VariableValue"]!)));
            Assert.All(rows, r => Assert.Equal("<SYSTEM>", r["UserName"]));
            Assert.All(rows, r => Assert.Equal(true, r["SystemVariable"]));
            var lang = (CimInstance)await session.GetAsync("Win32_Environment.Name=\"lang\",UserName=\"<SYSTEM>\"", TestContext.Current.CancellationToken);
            Assert.Equal("en_GB.UTF-8", lang["VariableValue"]);
            var one = await session.QueryAsync("SELECT * FROM Win32_Environment WHERE Name = 'PATH'", TestContext.Current.CancellationToken).ToListAsync();
            Assert.Equal("/usr/bin:/bin", Assert.Single(one)["VariableValue"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void EnvironmentSource_Parse_Machine_MatchesLines()
    {
        var text = File.Exists("/etc/environment") ? File.ReadAllText("/etc/environment") : "";
        var parsed = EnvironmentSource.Parse(text);
        Assert.All(parsed, kv => Assert.Contains(kv.Key + "=", text, StringComparison.Ordinal));
        Assert.Equal(parsed.Count, parsed.Select(kv => kv.Key).Distinct().Count());
    }
}

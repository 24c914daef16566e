using System.Text.Json;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Tests;

public sealed class UsersFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wmix-users-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SetPassword_ThenVerify_AcceptsOnlyThatPassword()
    {
        var file = new UsersFile(Path.Combine(_dir, "users"), UsersFile.MinIterations);
        file.SetPassword("alice", "s3cret", ["ops"]);
        Assert.True(file.Verify("alice", "s3cret").Succeeded);
        Assert.False(file.Verify("alice", "s3cret ").Succeeded);
        Assert.False(file.Verify("alice", "").Succeeded);
        Assert.False(file.Verify("bob", "s3cret").Succeeded);
        Assert.Equal(["ops"], file.GroupsOf("alice"));
    }

    [Fact]
    public void SetPassword_WritesOwnerOnlySaltedHashes_ReadBackByAnotherInstance()
    {
        var path = Path.Combine(_dir, "users");
        var a = new UsersFile(path, UsersFile.MinIterations);
        a.SetPassword("alice", "pw1");
        a.SetPassword("bob", "pw1");
        var text = File.ReadAllText(path);
        Assert.DoesNotContain("pw1", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(2, lines.Length);
        // Same password, different salt → different hashes.
        Assert.NotEqual(lines[0].Split(':')[4], lines[1].Split(':')[4]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var b = new UsersFile(path, UsersFile.MinIterations);
        Assert.True(b.Verify("bob", "pw1").Succeeded);
        Assert.Equal(["alice", "bob"], b.List().Select(u => u.User));
    }

    [Fact]
    public void Remove_ThenVerify_Fails_AndOtherInstanceSeesTheChange()
    {
        var path = Path.Combine(_dir, "users");
        var server = new UsersFile(path, UsersFile.MinIterations);
        var admin = new UsersFile(path, UsersFile.MinIterations);
        admin.SetPassword("carol", "x");
        Assert.True(server.Verify("carol", "x").Succeeded);
        Thread.Sleep(20); // modification times must differ for the reload check on coarse file systems
        Assert.True(admin.Remove("carol"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(1));
        Assert.False(server.Verify("carol", "x").Succeeded);
        Assert.False(admin.Remove("carol"));
    }

    [Theory]
    [InlineData("alice:pbkdf2-sha256:1000:AAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("alice:md5:600000:AAAAAAAAAAA=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("alice:pbkdf2-sha256:600000:???:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("alice")]
    public void Verify_MalformedOrWeakFile_FailsClosed(string line)
    {
        var path = Path.Combine(_dir, "users");
        File.WriteAllText(path, line + "\n");
        var file = new UsersFile(path, UsersFile.MinIterations);
        var r = file.Verify("alice", "anything");
        Assert.False(r.Succeeded);
        Assert.Throws<FormatException>(() => file.List());
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("a b")]
    [InlineData("")]
    public void SetPassword_BadName_Throws(string name)
    {
        var file = new UsersFile(Path.Combine(_dir, "users"), UsersFile.MinIterations);
        Assert.Throws<ArgumentException>(() => file.SetPassword(name, "x"));
    }

    [Fact]
    public void Constructor_TooFewIterations_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UsersFile(Path.Combine(_dir, "u"), 1000));
}

public sealed class AccessRulesTests
{
    private const string Json = """
        { "rules": [
            // comments are allowed
            { "namespace": "root/cimv2", "group": "ops", "allow": ["read", "subscribe"] },
            { "namespace": "root\\cimv2", "user": "alice", "allow": ["all"] },
            { "namespace": "root/cimv2/secret", "group": "ops", "deny": ["read"], "allow": ["subscribe"] },
            { "namespace": "root/public", "user": "*", "allow": ["read"] },
        ] }
        """;

    private static readonly AccessRules s_rules = AccessRules.Parse(Json);

    [Fact]
    public void RightsOf_NoRule_DeniesEverything() =>
        Assert.Equal(NamespaceRights.None, s_rules.RightsOf("mallory", false, ["users"], "root/cimv2"));

    [Fact]
    public void RightsOf_Root_AllowsEverythingWithoutRules() =>
        Assert.Equal(NamespaceRights.All, AccessRules.DenyAll.RightsOf("root", true, [], "root/anything"));

    [Fact]
    public void RightsOf_GroupRule_InheritsToChildNamespaces()
    {
        Assert.Equal(NamespaceRights.Read | NamespaceRights.Subscribe, s_rules.RightsOf("bob", false, ["ops"], "ROOT\\CIMV2"));
        Assert.Equal(NamespaceRights.Read | NamespaceRights.Subscribe, s_rules.RightsOf("bob", false, ["ops"], "root/cimv2/child/grandchild"));
        Assert.Equal(NamespaceRights.None, s_rules.RightsOf("bob", false, ["ops"], "root"));
    }

    [Fact]
    public void RightsOf_ChildRule_OverridesParent() =>
        Assert.Equal(NamespaceRights.Subscribe, s_rules.RightsOf("bob", false, ["ops"], "root/cimv2/secret/x"));

    [Fact]
    public void RightsOf_UserAndGroupRulesAtSameLevel_Union()
    {
        Assert.Equal(NamespaceRights.All, s_rules.RightsOf("alice", false, ["ops"], "root/cimv2"));
        // At root/cimv2/secret only the ops rule matches alice: it overrides her inherited 'all'.
        Assert.Equal(NamespaceRights.Subscribe, s_rules.RightsOf("alice", false, ["ops"], "root/cimv2/secret"));
    }

    [Fact]
    public void RightsOf_StarUser_AppliesToEveryone() =>
        Assert.Equal(NamespaceRights.Read, s_rules.RightsOf("anyone", false, [], "root/public"));

    [Theory]
    [InlineData("""{ "rules": [ { "namespace": "root", "allow": ["read"] } ] }""")]
    [InlineData("""{ "rules": [ { "namespace": "root", "user": "a", "group": "b" } ] }""")]
    [InlineData("""{ "rules": [ { "namespace": "root", "user": "a", "allow": ["fly"] } ] }""")]
    [InlineData("""{ "rules": [ { "user": "a", "allow": ["read"] } ] }""")]
    [InlineData("""{ "rules": [ { "namespace": "root", "user": "a", "colour": "red" } ] }""")]
    [InlineData("""[]""")]
    [InlineData("""{ "rules": """)]
    public void Parse_Invalid_ThrowsFormatException(string json) =>
        Assert.Throws<FormatException>(() => AccessRules.Parse(json));
}

public sealed class AuditLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wmix-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ConcurrentRecords_OneWholeJsonObjectPerLine()
    {
        var path = Path.Combine(_dir, "audit.jsonl");
        using (var log = AuditLog.Open(path))
        {
            Parallel.For(0, 200, i => log.Write(new AuditEntry("u" + i, "127.0.0.1:1", "invoke", "root/cimv2", "X.Id=1 Do", 0x80041003, i % 2 == 0 ? "why \"quoted\"" : null)));
            Assert.Equal(200, log.Count);
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal(200, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.Equal("invoke", root.GetProperty("action").GetString());
            Assert.Equal("0x80041003", root.GetProperty("result").GetString());
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("time").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}

public sealed class UnixAccountsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wmix-accounts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GroupsOf_PrimaryAndSupplementary()
    {
        var passwd = Path.Combine(_dir, "passwd");
        var group = Path.Combine(_dir, "group");
        File.WriteAllText(passwd, "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
        File.WriteAllText(group, "root:x:0:\nalice:x:1000:\nops:x:2000:bob,alice\nadm:x:4:bob\n");
        var accounts = new UnixAccounts(passwd, group);
        Assert.Equal(["alice", "ops"], accounts.GroupsOf("alice"));
        Assert.Equal(["ops", "adm"], accounts.GroupsOf("bob"));
        Assert.True(accounts.IsRoot("root"));
        Assert.False(accounts.IsRoot("alice"));
        Assert.Empty(accounts.GroupsOf("nobody-here"));
    }
}

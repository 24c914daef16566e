using System.Diagnostics;
using Wmix.Remote.Server.Security;

namespace Wmix.Remote.Server.Tests;

/// <summary>A real system user, created with useradd/chpasswd (root only) and deleted afterwards.</summary>
public sealed class SystemUser : IDisposable
{
    private SystemUser(string name, string password)
    {
        Name = name;
        Password = password;
    }

    public string Name { get; }

    public string Password { get; }

    /// <summary>Why system users cannot be made here, or null when they can.</summary>
    public static string? Unavailable =>
        Environment.UserName != "root" && geteuid() != 0 ? "creating a system user needs root"
        : !File.Exists("/usr/sbin/useradd") ? "useradd is not installed"
        : !PamCredentialVerifier.IsAvailable ? "libpam.so.0 is not installed"
        : null;

    public static SystemUser Create(string? group = null)
    {
        var name = "wmixt" + Guid.NewGuid().ToString("N")[..8];
        var password = "Pw-" + Guid.NewGuid().ToString("N");
        Run("/usr/sbin/useradd", ["-M", "-s", "/usr/sbin/nologin", .. (group is null ? Array.Empty<string>() : ["-G", group]), name]);
        var user = new SystemUser(name, password);
        Run("/usr/sbin/chpasswd", [], $"{name}:{password}\n");
        return user;
    }

    public static void Run(string file, string[] args, string? input = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = input is not null, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        if (input is not null)
        {
            p.StandardInput.Write(input);
            p.StandardInput.Close();
        }
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {err}");
        }
    }

    public void Dispose() => Run("/usr/sbin/userdel", ["-f", Name]);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}

public sealed class PamTests
{
    [Fact]
    public void Verify_RealSystemUser_RightPasswordOnly()
    {
        Assert.SkipWhen(SystemUser.Unavailable is not null, SystemUser.Unavailable ?? "");
        using var user = SystemUser.Create();
        var pam = new PamCredentialVerifier();
        Assert.True(pam.Verify(user.Name, user.Password).Succeeded);
        var wrong = pam.Verify(user.Name, user.Password + "x");
        Assert.False(wrong.Succeeded);
        Assert.Contains("pam_authenticate", wrong.Reason, StringComparison.Ordinal);
        Assert.False(pam.Verify("no-such-user-" + Guid.NewGuid().ToString("N")[..6], "x").Succeeded);
    }

    [Fact]
    public void Verify_ExpiredAccount_FailsInAccountManagement()
    {
        Assert.SkipWhen(SystemUser.Unavailable is not null, SystemUser.Unavailable ?? "");
        using var user = SystemUser.Create();
        SystemUser.Run("/usr/bin/chage", ["-E", "0", user.Name]);
        var r = new PamCredentialVerifier().Verify(user.Name, user.Password);
        Assert.False(r.Succeeded);
        Assert.Contains("pam_acct_mgmt", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NulInPassword_FailsWithoutCallingPam() =>
        Assert.False(new PamCredentialVerifier().Verify("root", "a\0b").Succeeded);
}

namespace Wmix.Remote.Server.Security;

/// <summary>The result of checking a user name and password.</summary>
/// <param name="Succeeded">True when the password is right and the account may log in now.</param>
/// <param name="Reason">Why it failed (for the audit log only; never sent to the client).</param>
public readonly record struct VerificationResult(bool Succeeded, string? Reason = null)
{
    /// <summary>Success.</summary>
    public static VerificationResult Success => new(true);

    /// <summary>A failure with <paramref name="reason"/>.</summary>
    public static VerificationResult Failure(string reason) => new(false, reason);
}

/// <summary>
/// Checks Basic credentials: the system's users through PAM (<see cref="PamCredentialVerifier"/>) or a users file
/// (<see cref="UsersFile"/>). Implementations may block (PAM sleeps after a failure); the server calls them off the
/// request thread with bounded concurrency.
/// </summary>
public interface ICredentialVerifier
{
    /// <summary>A short name for the audit log and diagnostics ("pam", "users-file").</summary>
    string Name { get; }

    /// <summary>Checks <paramref name="password"/> for <paramref name="user"/>. Never throws for a wrong password.</summary>
    VerificationResult Verify(string user, ReadOnlySpan<char> password);
}

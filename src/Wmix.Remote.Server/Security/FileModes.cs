namespace Wmix.Remote.Server.Security;

/// <summary>File-creation helpers for secrets (users file, audit log).</summary>
internal static class FileModes
{
    /// <summary>Creates the file readable and writable by its owner only (0600) where the platform has Unix modes.</summary>
    public static FileStreamOptions WithOwnerOnly(this FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        return options;
    }
}

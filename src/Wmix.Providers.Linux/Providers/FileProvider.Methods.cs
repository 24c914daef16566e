using Wmix.Cim;
using Wmix.Engine.Providers;
using Wmix.Providers.Linux.Interop;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

// CIM_LogicalFile's methods on CIM_DataFile and Win32_Directory.
public sealed partial class FileProvider
{
    private const uint Success = 0;
    private const uint AccessDenied = 2;
    private const uint UnspecifiedFailure = 8;
    private const uint InvalidObject = 9;
    private const uint AlreadyExists = 10;
    private const uint DriveNotTheSame = 13;
    private const uint DirectoryNotEmpty = 14;
    private const uint SharingViolation = 15;
    private const uint InvalidParameter = 21;

    /// <inheritdoc />
    /// <remarks>
    /// <para><c>Delete()</c>: a file (or link, which is removed, never its target) is unlinked; a directory is removed
    /// with everything in it, links inside removed rather than followed (as WMI's Win32_Directory.Delete removes the
    /// tree). <c>Rename(FileName)</c>: <c>rename(2)</c> to the absolute path <c>FileName</c>, never replacing an
    /// existing entry; across filesystems it fails with 13 ("drive not the same"), as Windows' MoveFile does across
    /// volumes. <c>Copy(FileName)</c>: copies a file (content and mode), a link (as a link) or a directory tree (links
    /// copied as links) to the absolute path <c>FileName</c>, which must not exist.</para>
    /// <para>Return values are WMI's: 0 success, 2 access denied (EACCES, EPERM, EROFS), 8 unspecified failure,
    /// 9 invalid object (the entry vanished), 10 object already exists, 13 drive not the same (EXDEV), 14 directory not
    /// empty, 15 sharing violation (EBUSY, ETXTBSY), 21 invalid parameter (FileName missing, relative or not
    /// canonical, or a directory copied into itself). A target path that names no entry of the class gives
    /// wbemErrNotFound, as for any missing instance.</para>
    /// </remarks>
    public override ValueTask<CimInstance?> InvokeMethodAsync(ProviderContext context, CimClass cls, CimObjectPath? target, CimMethod method,
        CimInstance? inParameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cls);
        ArgumentNullException.ThrowIfNull(method);
        var kind = Kind(cls);
        if (kind is not (FileClass.DataFile or FileClass.Directory))
        {
            return base.InvokeMethodAsync(context, cls, target, method, inParameters, cancellationToken);
        }
        var name = target is null
            ? throw new WbemException(WbemErrorEnum.wbemErrInvalidMethodParameters, $"{method.Name} must be called on an instance, not on the class.")
            : Key(target, "Name");
        if (name is null || Entry(cls, name, MountTable.Read()) is null)
        {
            throw new WbemException(WbemErrorEnum.wbemErrNotFound, $"No {cls.Name} has the path '{target}'.");
        }
        var output = method.OutParameters!.SpawnInstance();
        var fileName = inParameters?["FileName"] as string;
        output["ReturnValue"] = method.Name.ToUpperInvariant() switch
        {
            "DELETE" => Delete(name, kind == FileClass.Directory),
            "RENAME" => Rename(name, fileName),
            "COPY" => Copy(name, fileName, kind == FileClass.Directory),
            _ => throw new WbemException(WbemErrorEnum.wbemErrMethodNotImplemented, $"{cls.Name} has no method '{method.Name}'."),
        };
        return ValueTask.FromResult<CimInstance?>(output);
    }

    private static uint Delete(string name, bool isDirectory)
    {
        if (name == "/")
        {
            return AccessDenied;
        }
        try
        {
            if (isDirectory)
            {
                // .NET removes links inside the tree without following them.
                Directory.Delete(name, recursive: true);
            }
            else
            {
                File.Delete(name);
            }
            return Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FromException(e);
        }
    }

    private static uint Rename(string name, string? fileName)
    {
        if (!IsTarget(fileName) || name == "/")
        {
            return InvalidParameter;
        }
        if (Libc.renameat2(Libc.AT_FDCWD, name, Libc.AT_FDCWD, fileName!, Libc.RENAME_NOREPLACE) == 0)
        {
            return Success;
        }
        var errno = Libc.Errno;
        // ENOENT with the source still there: the new name's directory does not exist.
        return errno == Libc.ENOENT && Libc.statx(Libc.AT_FDCWD, name, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, out _) == 0
            ? InvalidParameter
            : FromErrno(errno);
    }

    private static uint Copy(string name, string? fileName, bool isDirectory)
    {
        if (!IsTarget(fileName) || (isDirectory && (fileName == name || fileName!.StartsWith(name == "/" ? "/" : name + "/", StringComparison.Ordinal))))
        {
            return InvalidParameter;
        }
        if (Libc.statx(Libc.AT_FDCWD, fileName!, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, out _) == 0)
        {
            return AlreadyExists;
        }
        try
        {
            CopyEntry(name, fileName!);
            return Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FromException(e);
        }
    }

    private static void CopyEntry(string source, string destination)
    {
        var info = new FileInfo(source);
        if (info.LinkTarget is { } link)
        {
            File.CreateSymbolicLink(destination, link);
        }
        else if ((info.Attributes & FileAttributes.Directory) != 0)
        {
            Directory.CreateDirectory(destination);
            foreach (var child in FileSource.ListNames(source))
            {
                CopyEntry(FileSource.Combine(source, child), FileSource.Combine(destination, child));
            }
        }
        else
        {
            File.Copy(source, destination, overwrite: false);
        }
    }

    private static bool IsTarget(string? fileName) => fileName is not null && fileName != "/" && FileSource.IsCanonical(fileName);

    private static uint FromException(Exception e) => e switch
    {
        UnauthorizedAccessException => AccessDenied,
        FileNotFoundException or DirectoryNotFoundException => InvalidObject,
        _ => UnspecifiedFailure,
    };

    private static uint FromErrno(int errno) => errno switch
    {
        Libc.EACCES or Libc.EPERM or Libc.EROFS => AccessDenied,
        Libc.ENOENT => InvalidObject,
        Libc.EEXIST => AlreadyExists,
        Libc.EXDEV => DriveNotTheSame,
        Libc.ENOTEMPTY => DirectoryNotEmpty,
        Libc.EBUSY or Libc.ETXTBSY => SharingViolation,
        Libc.EINVAL or Libc.ENOTDIR => InvalidParameter,
        _ => UnspecifiedFailure,
    };
}

using System.Globalization;
using Wmix.Cim;
using Wmix.Providers.Linux.Sources;

namespace Wmix.Providers.Linux.Providers;

/// <summary>Builds <c>CIM_DataFile</c> / <c>Win32_Directory</c> instances and their association links from <see cref="LinuxFileFacts"/>.</summary>
internal static class FileInstances
{
    /// <summary>The relative path of the instance for <paramref name="fullName"/>.</summary>
    public static string PathOf(string className, string fullName) =>
        new CimObjectPath(null, null, className, [new CimKeyBinding("Name", fullName)]).RelativePath;

    /// <summary>The class name of an entry: directories are Win32_Directory, everything else (links included) CIM_DataFile.</summary>
    public static string ClassNameOf(bool isDirectory) => isDirectory ? "Win32_Directory" : "CIM_DataFile";

    /// <summary>WMI's <c>Path</c> of <paramref name="fullName"/>: its directory with a trailing "/" ("/" for "/" itself).</summary>
    public static string WmiPath(string fullName) => fullName == "/" ? "/" : FileSource.ParentOf(fullName) is "/" ? "/" : FileSource.ParentOf(fullName) + "/";

    /// <summary>The last segment split at its last dot; a leading dot starts no extension (".bashrc" has none).</summary>
    public static (string FileName, string Extension) Split(string fullName)
    {
        var name = fullName == "/" ? "" : fullName[(fullName.LastIndexOf('/') + 1)..];
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
    }

    /// <summary>An instance of <paramref name="cls"/> with everything <paramref name="facts"/> says.</summary>
    public static CimInstance Build(CimClass cls, LinuxFileFacts facts, string host)
    {
        var i = Minimal(cls, facts.FullName, host);
        i["FileSize"] = facts.Size;
        i["CreationDate"] = Time(facts.BirthTime);
        i["LastAccessed"] = Time(facts.AccessTime);
        i["LastModified"] = Time(facts.ModifyTime);
        i["Readable"] = facts.Readable;
        i["Writeable"] = facts.Writeable;
        i["Compressed"] = facts.Compressed;
        i["Encrypted"] = facts.Encrypted;
        i["AccessMask"] = facts.AccessMask;
        i["FSName"] = facts.FileSystem;
        i["FileType"] = FileType(facts);
        i["Status"] = "OK";
        return i;
    }

    /// <summary>
    /// An instance with only what the name tells (for an entry that vanished before it could be read, e.g. a file
    /// created and deleted within a millisecond): keys, Name-derived properties and the host; the rest NULL.
    /// </summary>
    public static CimInstance Minimal(CimClass cls, string fullName, string host)
    {
        var i = cls.SpawnInstance();
        i["Name"] = fullName;
        i["Caption"] = fullName;
        i["Description"] = fullName;
        i["CreationClassName"] = cls.Name;
        i["CSCreationClassName"] = "Win32_ComputerSystem";
        i["CSName"] = host;
        i["FSCreationClassName"] = "Win32_FileSystem";
        // Linux has no drive letters: one tree, so Drive is the empty string (Path carries the whole directory).
        i["Drive"] = "";
        i["Path"] = WmiPath(fullName);
        var (fileName, extension) = Split(fullName);
        i["FileName"] = fileName;
        i["Extension"] = extension;
        i["Hidden"] = fileName.StartsWith('.');
        return i;
    }

    /// <summary>A link instance of association <paramref name="cls"/> between a directory and an entry in it.</summary>
    public static CimInstance Link(CimClass cls, string directory, string entry, bool entryIsDirectory)
    {
        var link = cls.SpawnInstance();
        link["GroupComponent"] = PathOf("Win32_Directory", directory);
        link["PartComponent"] = PathOf(ClassNameOf(entryIsDirectory), entry);
        return link;
    }

    private static string FileType(LinuxFileFacts facts) => facts.Kind switch
    {
        LinuxFileKind.Directory => "File Folder",
        LinuxFileKind.SymbolicLink => "Symbolic Link",
        LinuxFileKind.Fifo => "FIFO",
        LinuxFileKind.Socket => "Socket",
        LinuxFileKind.CharacterDevice => "Character Device",
        LinuxFileKind.BlockDevice => "Block Device",
        // Windows' fallback for a type without a registered description is "<EXT> File".
        _ => Split(facts.FullName).Extension is { Length: > 0 } ext ? ext.ToUpperInvariant() + " File" : "File",
    };

    private static string? Time(DateTimeOffset? t) =>
        t is { } value ? CimDateTime.FromDateTimeOffset(value.ToLocalTime()).ToString() : null;

    /// <summary>Invariant text of a number (for messages).</summary>
    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Wmix.Cim;
using Wmix.Engine.Providers;

namespace Wmix.Hosting.Internal;

/// <summary>The stamp of a set of built-in classes: which definitions a repository has installed.</summary>
internal static class BuiltInClasses
{
    // Bump when the meaning of the stamp changes (e.g. what goes into it), so every repository is installed again.
    private const string Format = "wmix-builtins/1";

    /// <summary>
    /// A 63-bit hash of a provider's classes (namespace and MOF text) in registration order: any change to a built-in
    /// definition, or a class added or removed, gives another stamp.
    /// </summary>
    public static long Stamp(CimProvider provider)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(Format + "\n" + provider.Name + "\n"));
        foreach (var registration in provider.Classes)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(registration.Namespace + "\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(CimMofWriter.Write(registration.Class)));
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadInt64LittleEndian(digest) & long.MaxValue;
    }
}

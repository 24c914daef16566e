using System.Runtime.InteropServices;

namespace Wmix.DBus.Internal;

/// <summary>The one libc call SASL EXTERNAL needs.</summary>
internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();
}

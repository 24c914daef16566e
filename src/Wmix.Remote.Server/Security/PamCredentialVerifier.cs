using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Wmix.Remote.Server.Security;

/// <summary>
/// Checks credentials against the system's users through PAM (<c>libpam.so.0</c>): <c>pam_start</c> with the
/// service name (default <c>wmix</c>; packaging/pam.d/wmix ships a policy, and without that file Linux-PAM applies
/// <c>/etc/pam.d/other</c>), a conversation that answers the password prompt, <c>pam_authenticate</c> and
/// <c>pam_acct_mgmt</c> (expired or locked accounts fail), then <c>pam_end</c>. Blocking (pam_unix sleeps about two
/// seconds after a failure): the server calls it on the thread pool with bounded concurrency. The server process
/// must be able to read <c>/etc/shadow</c> (root, as the systemd unit runs it) for pam_unix to check other users.
/// </summary>
public sealed unsafe partial class PamCredentialVerifier : ICredentialVerifier
{
    private const int PamSuccess = 0;
    private const int PamBufErr = 5;
    private const int PamConvErr = 19;
    private const int PamDisallowNullAuthtok = 0x1;
    private const int PamPromptEchoOff = 1;
    private const int PamPromptEchoOn = 2;
    private const string Library = "libpam.so.0";

    private readonly string _service;

    /// <summary>Uses PAM service <paramref name="service"/>.</summary>
    public PamCredentialVerifier(string service = "wmix")
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        _service = service;
    }

    /// <inheritdoc />
    public string Name => "pam";

    /// <summary>True when libpam can be loaded on this machine.</summary>
    public static bool IsAvailable
    {
        get
        {
            if (!NativeLibrary.TryLoad(Library, out var handle))
            {
                return false;
            }
            NativeLibrary.Free(handle);
            return true;
        }
    }

    /// <inheritdoc />
    public VerificationResult Verify(string user, ReadOnlySpan<char> password)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Length == 0 || user.Contains('\0', StringComparison.Ordinal) || password.Contains('\0'))
        {
            return VerificationResult.Failure("invalid user name or password");
        }
        // The conversation callback reads the password from this pinned, zeroed-after-use buffer through appdata_ptr.
        var bytes = new byte[Encoding.UTF8.GetByteCount(password) + 1];
        Encoding.UTF8.GetBytes(password, bytes);
        try
        {
            fixed (byte* pw = bytes)
            {
                var conv = new PamConv { Conv = &Converse, AppData = (nint)pw };
                nint handle;
                var rc = PamStart(_service, user, &conv, &handle);
                if (rc != PamSuccess)
                {
                    return VerificationResult.Failure($"pam_start failed ({rc})");
                }
                try
                {
                    rc = PamAuthenticate(handle, PamDisallowNullAuthtok);
                    if (rc != PamSuccess)
                    {
                        return VerificationResult.Failure("pam_authenticate: " + Describe(handle, rc));
                    }
                    rc = PamAcctMgmt(handle, PamDisallowNullAuthtok);
                    return rc == PamSuccess ? VerificationResult.Success : VerificationResult.Failure("pam_acct_mgmt: " + Describe(handle, rc));
                }
                finally
                {
                    _ = PamEnd(handle, rc);
                }
            }
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static string Describe(nint handle, int rc)
    {
        var text = PamStrerror(handle, rc);
        return text == 0 ? rc.ToString(System.Globalization.CultureInfo.InvariantCulture) : Marshal.PtrToStringUTF8(text) ?? "";
    }

    // PAM owns (and frees with free()) the response array and each string: allocate them with malloc, which is
    // what NativeMemory.Alloc calls on Unix.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Converse(int count, PamMessage** messages, PamResponse** responses, nint appData)
    {
        if (count <= 0 || count > 32)
        {
            return PamConvErr;
        }
        var replies = (PamResponse*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(PamResponse));
        if (replies == null)
        {
            return PamBufErr;
        }
        var password = (byte*)appData;
        var length = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(password).Length;
        for (var i = 0; i < count; i++)
        {
            // Linux-PAM passes an array of pointers (messages[i]); Solaris a pointer to an array. Linux is the target.
            var style = messages[i]->Style;
            if (style is PamPromptEchoOff or PamPromptEchoOn)
            {
                // Any prompt is the password prompt: the user name is already given to pam_start.
                var copy = (byte*)NativeMemory.Alloc((nuint)length + 1);
                if (copy == null)
                {
                    FreeReplies(replies, i);
                    return PamBufErr;
                }
                Buffer.MemoryCopy(password, copy, length + 1, length + 1);
                replies[i].Resp = copy;
            }
        }
        *responses = replies;
        return PamSuccess;
    }

    private static void FreeReplies(PamResponse* replies, int count)
    {
        for (var j = 0; j < count; j++)
        {
            if (replies[j].Resp != null)
            {
                NativeMemory.Free(replies[j].Resp);
            }
        }
        NativeMemory.Free(replies);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PamMessage
    {
        public int Style;
        public byte* Msg;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PamResponse
    {
        public byte* Resp;
        public int RetCode;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PamConv
    {
        public delegate* unmanaged[Cdecl]<int, PamMessage**, PamResponse**, nint, int> Conv;
        public nint AppData;
    }

    [LibraryImport(Library, EntryPoint = "pam_start", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PamStart(string service, string user, PamConv* conv, nint* handle);

    [LibraryImport(Library, EntryPoint = "pam_authenticate")]
    private static partial int PamAuthenticate(nint handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_acct_mgmt")]
    private static partial int PamAcctMgmt(nint handle, int flags);

    [LibraryImport(Library, EntryPoint = "pam_end")]
    private static partial int PamEnd(nint handle, int status);

    [LibraryImport(Library, EntryPoint = "pam_strerror")]
    private static partial nint PamStrerror(nint handle, int errnum);
}

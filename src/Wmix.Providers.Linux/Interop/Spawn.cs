using System.Runtime.InteropServices;
using System.Text;

namespace Wmix.Providers.Linux.Interop;

/// <summary>
/// Starts a detached process with <c>posix_spawnp(3)</c>, the way <c>Win32_Process.Create</c> starts one on Windows:
/// no console (standard input, output and error on <c>/dev/null</c>), a session of its own (so the caller's terminal,
/// its Ctrl+C and its exit do not reach it), default signal dispositions and an empty signal mask (the .NET runtime
/// ignores SIGPIPE, and an ignored disposition would otherwise be inherited across exec).
/// </summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process"/> cannot do this: it either shares the caller's standard streams or pipes
/// them to the caller, and a piped child dies (EPIPE) at its first write once a short-lived caller such as
/// <c>wmix call</c> has exited. The child is reaped by a small background thread blocked in <c>waitpid</c>, so it
/// never lingers as a zombie in a long-running host; the runtime's own SIGCHLD handling waits only for the children it
/// started itself, so the two never race for the same pid.
/// </remarks>
internal static unsafe partial class Spawn
{
    private const string Lib = "libc";

    // glibc and musl agree on these values.
    private const short POSIX_SPAWN_SETSIGDEF = 0x04;
    private const short POSIX_SPAWN_SETSIGMASK = 0x08;
    private const short POSIX_SPAWN_SETSID = 0x80;
    private const int O_RDONLY = 0;
    private const int O_WRONLY = 1;

    // Opaque buffers larger than glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and sigset_t
    // (128) on 64-bit Linux; the init functions write only within their own size.
    private const int FileActionsSize = 256;
    private const int AttrSize = 512;
    private const int SigSetSize = 256;

    /// <summary>
    /// Starts <paramref name="arguments"/>[0] (looked up in PATH unless it contains a '/') with <paramref name="arguments"/>
    /// as its argv and <paramref name="environment"/> ("NAME=value" entries) as its environment, in
    /// <paramref name="directory"/> (null: the caller's). Returns the pid, or the errno that made the start fail
    /// (ENOENT, EACCES, ENOEXEC… — reported synchronously by <c>posix_spawnp</c>, exec failures included).
    /// </summary>
    public static int Start(IReadOnlyList<string> arguments, IReadOnlyList<string> environment, string? directory, out int pid)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(environment);
        if (arguments.Count == 0)
        {
            throw new ArgumentException("No program to start.", nameof(arguments));
        }
        pid = 0;
        var strings = new List<nint>();
        var fileActions = (byte*)NativeMemory.AllocZeroed(FileActionsSize);
        var attr = (byte*)NativeMemory.AllocZeroed(AttrSize);
        var allSignals = (byte*)NativeMemory.AllocZeroed(SigSetSize);
        var noSignals = (byte*)NativeMemory.AllocZeroed(SigSetSize);
        var argv = (byte**)NativeMemory.AllocZeroed((nuint)(arguments.Count + 1), (nuint)sizeof(byte*));
        var envp = (byte**)NativeMemory.AllocZeroed((nuint)(environment.Count + 1), (nuint)sizeof(byte*));
        var actionsReady = false;
        var attrReady = false;
        try
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                argv[i] = Utf8(arguments[i], strings);
            }
            for (var i = 0; i < environment.Count; i++)
            {
                envp[i] = Utf8(environment[i], strings);
            }
            var devNull = Utf8("/dev/null", strings);
            int error;
            if ((error = posix_spawn_file_actions_init(fileActions)) != 0)
            {
                return error;
            }
            actionsReady = true;
            if ((error = posix_spawn_file_actions_addopen(fileActions, 0, devNull, O_RDONLY, 0)) != 0
                || (error = posix_spawn_file_actions_addopen(fileActions, 1, devNull, O_WRONLY, 0)) != 0
                || (error = posix_spawn_file_actions_adddup2(fileActions, 1, 2)) != 0
                || (directory is not null && (error = posix_spawn_file_actions_addchdir_np(fileActions, Utf8(directory, strings))) != 0))
            {
                return error;
            }
            if ((error = posix_spawnattr_init(attr)) != 0)
            {
                return error;
            }
            attrReady = true;
            sigfillset(allSignals);
            sigemptyset(noSignals);
            if ((error = posix_spawnattr_setsigdefault(attr, allSignals)) != 0
                || (error = posix_spawnattr_setsigmask(attr, noSignals)) != 0
                || (error = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID)) != 0)
            {
                return error;
            }
            int child;
            error = posix_spawnp(&child, argv[0], fileActions, attr, argv, envp);
            if (error != 0)
            {
                return error;
            }
            pid = child;
            StartReaper(child);
            return 0;
        }
        finally
        {
            if (actionsReady)
            {
                _ = posix_spawn_file_actions_destroy(fileActions);
            }
            if (attrReady)
            {
                _ = posix_spawnattr_destroy(attr);
            }
            foreach (var s in strings)
            {
                NativeMemory.Free((void*)s);
            }
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attr);
            NativeMemory.Free(allSignals);
            NativeMemory.Free(noSignals);
            NativeMemory.Free(argv);
            NativeMemory.Free(envp);
        }
    }

    /// <summary>Waits for <paramref name="pid"/> on a background thread so that its exit status is collected.</summary>
    private static void StartReaper(int pid)
    {
        var reaper = new Thread(static state =>
        {
            var child = (int)state!;
            int status;
            // EINTR: a signal arrived while waiting; wait again. ECHILD: already collected (SIGCHLD ignored).
            while (waitpid(child, &status, 0) < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
            }
        }, maxStackSize: 64 * 1024)
        {
            IsBackground = true,
            Name = "wmix-reap-" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        reaper.Start(pid);
    }

    private static byte* Utf8(string text, List<nint> owned)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        var buffer = (byte*)NativeMemory.Alloc((nuint)count + 1);
        owned.Add((nint)buffer);
        fixed (char* chars = text)
        {
            Encoding.UTF8.GetBytes(chars, text.Length, buffer, count);
        }
        buffer[count] = 0;
        return buffer;
    }

    [LibraryImport(Lib)]
    private static partial int posix_spawnp(int* pid, byte* file, byte* fileActions, byte* attr, byte** argv, byte** envp);

    [LibraryImport(Lib)]
    private static partial int posix_spawn_file_actions_init(byte* actions);

    [LibraryImport(Lib)]
    private static partial int posix_spawn_file_actions_destroy(byte* actions);

    [LibraryImport(Lib)]
    private static partial int posix_spawn_file_actions_addopen(byte* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(Lib)]
    private static partial int posix_spawn_file_actions_adddup2(byte* actions, int fd, int newFd);

    [LibraryImport(Lib)]
    private static partial int posix_spawn_file_actions_addchdir_np(byte* actions, byte* path);

    [LibraryImport(Lib)]
    private static partial int posix_spawnattr_init(byte* attr);

    [LibraryImport(Lib)]
    private static partial int posix_spawnattr_destroy(byte* attr);

    [LibraryImport(Lib)]
    private static partial int posix_spawnattr_setflags(byte* attr, short flags);

    [LibraryImport(Lib)]
    private static partial int posix_spawnattr_setsigdefault(byte* attr, byte* signals);

    [LibraryImport(Lib)]
    private static partial int posix_spawnattr_setsigmask(byte* attr, byte* signals);

    [LibraryImport(Lib)]
    private static partial int sigfillset(byte* set);

    [LibraryImport(Lib)]
    private static partial int sigemptyset(byte* set);

    [LibraryImport(Lib, SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);
}

using System.Diagnostics;
using Wmix.Engine;
using Wmix.Providers.Linux.Providers;

namespace Wmix.Providers.Linux.Tests;

/// <summary>Helpers shared by the tests: child processes and an object manager with the Linux providers.</summary>
internal static class TestSupport
{
    /// <summary>Starts <c>/usr/bin/sleep seconds</c> (stdio redirected so test output stays clean).</summary>
    public static Process StartSleep(int seconds = 60)
    {
        var info = new ProcessStartInfo("/usr/bin/sleep") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.ArgumentList.Add(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var p = Process.Start(info)!;
        // Wait until the child has exec'd (its exe is sleep, not the dotnet host), so /proc shows the final image.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                // Past the dynamic loader: sleeping in nanosleep, so sizes and the image are final.
                if (File.ResolveLinkTarget($"/proc/{p.Id}/exe", false)?.FullName == "/usr/bin/sleep"
                    && File.ReadAllText($"/proc/{p.Id}/wchan") is "hrtimer_nanosleep" or "do_nanosleep")
                {
                    break;
                }
            }
            catch (IOException)
            {
                // Not readable yet.
            }
            Thread.Sleep(1);
        }
        return p;
    }

    public static void Kill(Process p)
    {
        try
        {
            p.Kill();
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        p.Dispose();
    }

    /// <summary>A new object manager with every Linux provider registered.</summary>
    public static ObjectManager NewManager(LinuxProviderOptions? options = null)
    {
        var manager = new ObjectManager(new ObjectManagerOptions { ServerName = "TESTHOST" });
        LinuxProviders.Register(manager, options);
        return manager;
    }

    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }
        return list;
    }

    /// <summary>Fields of /proc/[pid]/stat (1-based like proc(5)); field 2 is comm.</summary>
    public static string[] StatFields(int pid)
    {
        var text = File.ReadAllText($"/proc/{pid}/stat");
        var close = text.LastIndexOf(')');
        var rest = text[(close + 2)..].Split(' ');
        return ["", text[..text.IndexOf(' ')], text[(text.IndexOf('(') + 1)..close], .. rest];
    }
}

using System.Globalization;

namespace Wmix.Providers.Linux.Sources;

/// <summary>
/// One reading of the kernel's cumulative counters that the performance classes turn into rates: <c>/proc/stat</c>
/// CPU ticks, per-CPU interrupt and softirq counts (<c>/proc/interrupts</c>, <c>/proc/softirqs</c>), and the VM event
/// counters of <c>/proc/vmstat</c>.
/// </summary>
/// <param name="Cpu">The CPU ticks.</param>
/// <param name="Interrupts">Hardware interrupts serviced per CPU name ("0", "1", …).</param>
/// <param name="SoftInterrupts">Softirqs run per CPU name.</param>
/// <param name="VmStat">The <c>/proc/vmstat</c> counters by name.</param>
public sealed record PerfSample(CpuSample Cpu, IReadOnlyDictionary<string, ulong> Interrupts, IReadOnlyDictionary<string, ulong> SoftInterrupts,
    IReadOnlyDictionary<string, ulong> VmStat)
{
    /// <summary>Reads every source now.</summary>
    public static PerfSample Read() => new(CpuSample.Read(), PerfSource.PerCpuTotals(SystemSource.ReadLines("/proc/interrupts")),
        PerfSource.PerCpuTotals(SystemSource.ReadLines("/proc/softirqs")), PerfSource.VmStat());
}

/// <summary>Parsers of the kernel's counter files.</summary>
public static class PerfSource
{
    /// <summary>
    /// The per-CPU column sums of a <c>/proc/interrupts</c>-style table (a <c>CPU0 CPU1 …</c> header, then
    /// <c>NAME: n0 n1 … description</c> rows), keyed by CPU number as text. Rows with a single global count (ERR, MIS)
    /// are not per CPU and are skipped.
    /// </summary>
    public static IReadOnlyDictionary<string, ulong> PerCpuTotals(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        string[]? cpus = null;
        ulong[]? sums = null;
        foreach (var line in lines)
        {
            var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (cpus is null)
            {
                cpus = [.. f.Where(t => t.StartsWith("CPU", StringComparison.Ordinal)).Select(t => t[3..])];
                sums = new ulong[cpus.Length];
                continue;
            }
            if (f.Length < cpus.Length + 1 || !f[0].EndsWith(':'))
            {
                continue;
            }
            var counts = new ulong[cpus.Length];
            var complete = true;
            for (var c = 0; c < cpus.Length; c++)
            {
                if (!ulong.TryParse(f[c + 1], NumberStyles.None, CultureInfo.InvariantCulture, out counts[c]))
                {
                    complete = false;
                    break;
                }
            }
            if (!complete)
            {
                continue;
            }
            for (var c = 0; c < cpus.Length; c++)
            {
                sums![c] += counts[c];
            }
        }
        for (var c = 0; c < (cpus?.Length ?? 0); c++)
        {
            result[cpus![c]] = sums![c];
        }
        return result;
    }

    /// <summary><c>/proc/vmstat</c> as name → value.</summary>
    public static IReadOnlyDictionary<string, ulong> VmStat()
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in SystemSource.ReadLines("/proc/vmstat"))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                map[line[..space]] = v;
            }
        }
        return map;
    }
}

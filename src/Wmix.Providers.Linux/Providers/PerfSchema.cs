using Wmix.Cim;
using Wmix.Providers.Linux.Providers.Internal;

namespace Wmix.Providers.Linux.Providers;

/// <summary>
/// The performance classes Win32_PerfFormattedData_PerfOS_Processor and Win32_PerfFormattedData_PerfOS_Memory, their
/// raw counterparts Win32_PerfRawData_PerfOS_Processor and Win32_PerfRawData_PerfOS_Memory, and their abstract parents
/// (CIM_StatisticalInformation → Win32_Perf → Win32_PerfFormattedData / Win32_PerfRawData), installed by
/// <see cref="PerfProvider"/>. Property names keep WMI's spelling ("InterruptsPersec"); WQL matches names
/// case-insensitively, so "InterruptsPerSec" works too.
/// </summary>
public static class PerfSchema
{
    /// <summary>CIM_StatisticalInformation.</summary>
    public static CimClass CimStatisticalInformation { get; } = new ClassBuilder("CIM_StatisticalInformation").Abstract()
        .S("Caption", "Description", "Name").Build();

    /// <summary>Win32_Perf.</summary>
    public static CimClass Perf { get; } = new ClassBuilder("Win32_Perf", CimStatisticalInformation).Abstract()
        .U64("Frequency_Object", "Frequency_PerfTime", "Frequency_Sys100NS", "Timestamp_Object", "Timestamp_PerfTime", "Timestamp_Sys100NS").Build();

    /// <summary>Win32_PerfFormattedData.</summary>
    public static CimClass PerfFormattedData { get; } = new ClassBuilder("Win32_PerfFormattedData", Perf).Abstract().Build();

    /// <summary>Win32_PerfRawData.</summary>
    public static CimClass PerfRawData { get; } = new ClassBuilder("Win32_PerfRawData", Perf).Abstract().Build();

    /// <summary>Win32_PerfFormattedData_PerfOS_Processor (one instance per CPU and "_Total").</summary>
    public static CimClass Processor { get; } = ProcessorClass("Win32_PerfFormattedData_PerfOS_Processor", PerfFormattedData);

    /// <summary>Win32_PerfRawData_PerfOS_Processor (the cumulative counters the formatted class is computed from).</summary>
    public static CimClass RawProcessor { get; } = ProcessorClass("Win32_PerfRawData_PerfOS_Processor", PerfRawData);

    /// <summary>Win32_PerfFormattedData_PerfOS_Memory (singleton).</summary>
    public static CimClass Memory { get; } = MemoryClass("Win32_PerfFormattedData_PerfOS_Memory", PerfFormattedData, raw: false);

    /// <summary>Win32_PerfRawData_PerfOS_Memory (singleton).</summary>
    public static CimClass RawMemory { get; } = MemoryClass("Win32_PerfRawData_PerfOS_Memory", PerfRawData, raw: true);

    private static CimClass ProcessorClass(string name, CimClass parent) => new ClassBuilder(name, parent).Key("Name")
        .U64("C1TransitionsPersec", "C2TransitionsPersec", "C3TransitionsPersec").U32("DPCRate", "DPCsQueuedPersec", "InterruptsPersec")
        .U64("PercentC1Time", "PercentC2Time", "PercentC3Time", "PercentDPCTime", "PercentIdleTime", "PercentInterruptTime",
            "PercentPrivilegedTime", "PercentProcessorTime", "PercentUserTime").Build();

    private static CimClass MemoryClass(string name, CimClass parent, bool raw)
    {
        var builder = new ClassBuilder(name, parent).Singleton();
        if (raw)
        {
            // The raw class carries the denominator of its one fraction counter.
            builder.U32("PercentCommittedBytesInUse_Base");
        }
        return builder
            .U64("AvailableBytes", "AvailableKBytes", "AvailableMBytes", "CacheBytes", "CacheBytesPeak").U32("CacheFaultsPersec")
            .U64("CommitLimit", "CommittedBytes").U32("DemandZeroFaultsPersec").U64("FreeAndZeroPageListBytes")
            .U32("FreeSystemPageTableEntries", "LongTermAverageStandbyCacheLifetimes").U64("ModifiedPageListBytes")
            .U32("PageFaultsPersec", "PageReadsPersec", "PagesInputPersec", "PagesOutputPersec", "PagesPersec", "PageWritesPersec",
                "PercentCommittedBytesInUse", "PoolNonpagedAllocs").U64("PoolNonpagedBytes").U32("PoolPagedAllocs")
            .U64("PoolPagedBytes", "PoolPagedResidentBytes", "StandbyCacheCoreBytes", "StandbyCacheNormalPriorityBytes", "StandbyCacheReserveBytes",
                "SystemCacheResidentBytes", "SystemCodeResidentBytes", "SystemCodeTotalBytes", "SystemDriverResidentBytes", "SystemDriverTotalBytes")
            .U32("TransitionFaultsPersec", "TransitionPagesRePurposedPersec", "WriteCopiesPersec").Build();
    }

    /// <summary>The abstract parents, in install order.</summary>
    public static IReadOnlyList<CimClass> Parents { get; } = [CimStatisticalInformation, Perf, PerfFormattedData, PerfRawData];
}

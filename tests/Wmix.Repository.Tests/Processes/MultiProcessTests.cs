using Wmix.Cim;
using Wmix.Repository.Sqlite;

namespace Wmix.Repository.Tests.Processes;

public sealed class MultiProcessTests
{
    [Fact]
    public void SigKillDuringWrites_EveryReportedWriteSurvivesWhole_AndCheckPasses()
    {
        using var directory = new TempDirectory();
        var random = new Random(Environment.TickCount);
        var confirmed = new Dictionary<string, uint>();
        const int rounds = 10;
        for (var round = 0; round < rounds; round++)
        {
            using (var child = ChildProcess.Start(nameof(ChildWorkers.CrashWriter), directory.Path, round.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                Assert.True(child.WaitFor("READY", TimeSpan.FromSeconds(60)), "the child never started writing: " + child.Output);
                Thread.Sleep(random.Next(50, 1500));
                child.Kill();
                foreach (var line in child.Lines)
                {
                    if (line.StartsWith("OK ", StringComparison.Ordinal))
                    {
                        var bar = line.LastIndexOf('|');
                        confirmed[line[3..bar]] = uint.Parse(line[(bar + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    }
                }
            }
            using var repository = SqliteRepository.Open(directory.Path);
            foreach (var (path, counter) in confirmed)
            {
                var instance = repository.GetInstance(ChildWorkers.Namespace, "Record", path);
                Assert.True(instance is not null, $"round {round}: confirmed write {path} is missing");
                Assert.Equal(counter, instance!["Counter"]);
                Assert.True(ChildWorkers.IsWhole(instance), $"round {round}: {path} is torn");
            }
            // Everything stored decodes whole, confirmed or not (a write may commit just before its report).
            foreach (var instance in repository.EnumerateInstances(ChildWorkers.Namespace, "Record"))
            {
                Assert.True(ChildWorkers.IsWhole(instance));
            }
            var report = repository.Check();
            Assert.True(report.IsConsistent, report.ToString());
        }
        Assert.True(confirmed.Count > rounds, $"only {confirmed.Count} writes were confirmed over {rounds} rounds");
    }

    [Fact]
    public void ChildWritesWhileParentReads_NeverTorn_AndSchemaChangesAreSeen()
    {
        using var directory = new TempDirectory();
        using (var setup = SqliteRepository.Open(directory.Path))
        {
            ChildWorkers.EnsureSchema(setup);
        }
        using var repository = SqliteRepository.Open(directory.Path);
        using var child = ChildProcess.Start(nameof(ChildWorkers.HotWriter), directory.Path, "3000");
        Assert.True(child.WaitFor("READY", TimeSpan.FromSeconds(60)), "the child never started writing: " + child.Output);
        var hotPath = ChildWorkers.Record(ChildWorkers.RecordClass(), "hot", 1).RelativeObjectPath!.ToCanonicalString();
        var reads = 0;
        var seenCounters = new HashSet<uint>();
        while (!child.WaitFor("DONE", TimeSpan.Zero))
        {
            if (repository.GetInstance(ChildWorkers.Namespace, "Record", hotPath) is { } hot)
            {
                Assert.True(ChildWorkers.IsWhole(hot), "a torn object was read");
                seenCounters.Add((uint)hot["Counter"]!);
                reads++;
            }
            // Every class the child reported as committed is visible here (the schema cache follows other processes).
            var lastClass = child.Lines.LastOrDefault(l => l.StartsWith("CLASS ", StringComparison.Ordinal));
            if (lastClass is not null)
            {
                Assert.NotNull(repository.GetClass(ChildWorkers.Namespace, lastClass[6..]));
            }
        }
        Assert.Equal(0, child.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.True(reads > 50 && seenCounters.Count > 10, $"{reads} reads saw {seenCounters.Count} versions");
        var classes = child.Lines.Where(l => l.StartsWith("CLASS ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
        Assert.NotEmpty(classes);
        var listed = repository.GetClasses(ChildWorkers.Namespace).Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.All(classes, c => Assert.Contains(c, listed));
        Assert.True(repository.Check().IsConsistent);
    }
}

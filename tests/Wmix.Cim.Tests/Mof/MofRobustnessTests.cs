using System.Collections.Concurrent;
using System.Diagnostics;

namespace Wmix.Cim.Tests.Mof;

/// <summary>
/// Mutated MOF — flips, truncations, insertions, deletions and duplications of snippets of the CIM schema's own
/// files — raises only <see cref="WbemException"/> and never hangs.
/// </summary>
public sealed class MofRobustnessTests
{
    private const int Inputs = 100_000;

    private static readonly string[] s_insertions =
    [
        "{", "}", "[", "]", "(", ")", ";", ",", ":", "=", "\"", "'", "\\", "/*", "*/", "//", "$", "$A", "#pragma", "#pragma include(\"x.mof\")",
        "#pragma namespace(\"sub\")", "instance of", "class", "qualifier", "REF", "ref", "object", "void", "0x", "0", "-", "1e999", "NULL",
        "TRUE", "\\x", "\n", " ", "\0", "\uFFFF", "\uD800", "é", "{instance of CIM_ManagedElement {}}", "as $A", "instance of CIM_Job as $J { };",
        "[Key]", "[Association]", "[Nope]", ": ToInstance", "EmbeddedInstance(\"CIM_Nope\")", "18446744073709551616", "101b", "'\\x263A'",
    ];

    [Fact]
    public async Task Compile_MutatedSchemaSnippets_OnlyRaiseWbemException()
    {
        var schema = CimSchemaTests.Schema;
        var classes = schema.Classes.ToDictionary(c => c.Class.Name, c => c.Class, StringComparer.OrdinalIgnoreCase);
        var compiler = new MofCompiler(MofCompilerOptions.Default with
        {
            ClassResolver = (_, name) => classes.GetValueOrDefault(name),
            IncludeResolver = _ => null,
            BaseDirectory = "/nonexistent",
        });
        var snippets = Directory.GetFiles(CimSchemaTests.SchemaDirectory, "*.mof", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllText)
            .Select(t => t.Length > 6000 ? t[..6000] : t)
            .ToArray();
        var failures = new ConcurrentQueue<string>();
        var compiled = 0;
        var rejected = 0;
        long slowestTicks = 0;
        var watch = Stopwatch.StartNew();
        var worker = Task.Run(() => Parallel.For(0, Inputs, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var random = new Random(i);
            var input = Mutate(snippets[random.Next(snippets.Length)], random);
            var start = Stopwatch.GetTimestamp();
            try
            {
                compiler.Compile(input, "fuzz.mof");
                Interlocked.Increment(ref compiled);
            }
            catch (WbemException ex)
            {
                Interlocked.Increment(ref rejected);
                if (ex.Line <= 0 && ex.ErrorCode != WbemErrorEnum.wbemErrInvalidSyntax)
                {
                    failures.Enqueue($"#{i}: no position: {ex.Message}");
                }
            }
#pragma warning disable CA1031 // The point of the test is to catch anything else.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures.Enqueue($"#{i}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}\n--- input ---\n{input}");
            }
            var elapsed = Stopwatch.GetTimestamp() - start;
            long seen;
            while (elapsed > (seen = Interlocked.Read(ref slowestTicks)) && Interlocked.CompareExchange(ref slowestTicks, elapsed, seen) != seen)
            {
            }
        }), TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(worker, Task.Delay(TimeSpan.FromMinutes(10), TestContext.Current.CancellationToken));
        Assert.True(finished == worker, "The fuzz run hung.");
        await worker;
        TestContext.Current.SendDiagnosticMessage(
            $"{Inputs} mutated inputs in {watch.ElapsedMilliseconds} ms: {compiled} compiled, {rejected} rejected, slowest {Stopwatch.GetElapsedTime(0, slowestTicks).TotalMilliseconds:F1} ms");
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures.Take(5)));
        Assert.Equal(Inputs, compiled + rejected);
        Assert.True(compiled > 100, "Some mutations (e.g. in comments or descriptions) should still compile.");
        Assert.True(Stopwatch.GetElapsedTime(0, slowestTicks) < TimeSpan.FromSeconds(5), "An input took seconds: a near-hang.");
    }

    private static string Mutate(string text, Random random)
    {
        var rounds = random.Next(1, 4);
        for (var r = 0; r < rounds; r++)
        {
            var at = text.Length == 0 ? 0 : random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0: // Flip a character.
                    if (text.Length > 0)
                    {
                        var c = random.Next(3) switch
                        {
                            0 => (char)random.Next(32, 127),
                            1 => s_insertions[random.Next(s_insertions.Length)][0],
                            _ => (char)random.Next(0, 0x10000),
                        };
                        text = string.Concat(text.AsSpan(0, at), [c], text.AsSpan(at + 1));
                    }
                    break;
                case 1: // Truncate.
                    text = text[..at];
                    break;
                case 2: // Insert a token.
                    text = text.Insert(at, s_insertions[random.Next(s_insertions.Length)]);
                    break;
                case 3: // Delete a range.
                    text = text.Remove(at, Math.Min(random.Next(1, 40), text.Length - at));
                    break;
                case 4: // Duplicate a range.
                    var length = Math.Min(random.Next(1, 200), text.Length - at);
                    text = text.Insert(at, text.Substring(at, length));
                    break;
                default: // Swap two ranges' order by moving one.
                    var len = Math.Min(random.Next(1, 80), text.Length - at);
                    var moved = text.Substring(at, len);
                    text = text.Remove(at, len);
                    text = text.Insert(text.Length == 0 ? 0 : random.Next(text.Length), moved);
                    break;
            }
        }
        return text;
    }
}

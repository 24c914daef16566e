using CsCheck;
using Wmix.Cim;

namespace Wmix.Cim.Tests.Paths;

/// <summary>
/// Hostile input: Parse raises only <see cref="WbemException"/> with a sane column, never anything else and never
/// hangs (each test has a timeout), and TryParse agrees with Parse. 100,000 random and 120,000 mutated inputs.
/// </summary>
public sealed class CimObjectPathRobustnessTests
{
    [Fact(Timeout = 300_000)]
    public Task Parse_RandomText_OnlyWbemException() =>
        Task.Run(() => PathGen.PathLikeText.Sample(Check, iter: 100_000), TestContext.Current.CancellationToken);

    [Fact(Timeout = 300_000)]
    public Task Parse_MutatedValidPaths_OnlyWbemException() =>
        Task.Run(() => PathGen.MutatedPathText.Sample(Check, iter: 120_000), TestContext.Current.CancellationToken);

    [Fact]
    public void Parse_DeeplyNestedQuotesAtMaxLength_Terminates()
    {
        var text = "C.K=\"" + string.Concat(Enumerable.Repeat("\\\"", (CimObjectPath.MaxLength - 6) / 2)) + "\"";
        Assert.True(text.Length <= CimObjectPath.MaxLength);
        var p = CimObjectPath.Parse(text);
        Assert.Equal(new string('"', (CimObjectPath.MaxLength - 6) / 2), p.Keys[0].Value);
        Assert.Equal(p, CimObjectPath.Parse(p.ToString()));
        _ = p.ToCanonicalString();
    }

    private static void Check(string text)
    {
        CimObjectPath? parsed = null;
        WbemException? error = null;
        try
        {
            parsed = CimObjectPath.Parse(text);
        }
        catch (WbemException e)
        {
            error = e;
        }

        bool ok = CimObjectPath.TryParse(text, out var tried);
        Assert.Equal(parsed is not null, ok);
        if (error is not null)
        {
            Assert.Equal(WbemErrorEnum.wbemErrInvalidObjectPath, error.ErrorCode);
            Assert.Equal(1, error.Line);
            Assert.InRange(error.Column, 1, Math.Min(text.Length, CimObjectPath.MaxLength) + 1);
            return;
        }

        // Whatever parses also formats, reads back equal and canonicalises.
        Assert.Equal(parsed, tried);
        var back = CimObjectPath.Parse(parsed!.ToString());
        Assert.Equal(parsed, back);
        Assert.Equal(parsed.ToString(), back.ToString());
        Assert.Equal(parsed.GetHashCode(), back.GetHashCode());
    }
}

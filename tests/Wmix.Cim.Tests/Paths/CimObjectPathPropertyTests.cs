using System.Text;
using CsCheck;
using Wmix.Cim;

namespace Wmix.Cim.Tests.Paths;

public sealed class CimObjectPathPropertyTests
{
    [Fact]
    public void Parse_FormattedPath_RoundTripsAndIsStable() =>
        PathGen.Path().Sample(p =>
        {
            var text = p.ToString();
            var back = CimObjectPath.Parse(text);
            Assert.Equal(p, back);
            Assert.Equal(text, back.ToString());
            Assert.Equal(p.RelativePath, back.RelativePath);
            Assert.Equal(p.ToCanonicalString(), back.ToCanonicalString());
            Assert.Equal(p.IsClass, back.IsClass);
            Assert.Equal(p.IsInstance, back.IsInstance);
            Assert.Equal(p.IsNamespacePath, back.IsNamespacePath);
            Assert.Equal(p.IsSingleton, back.IsSingleton);
            Assert.Equal(p.Keys.Count, back.Keys.Count);
        }, iter: 20_000);

    [Fact]
    public void ToCanonicalString_ParsedBack_IsIdempotent() =>
        PathGen.Path().Sample(p =>
        {
            var canonical = p.ToCanonicalString();
            var again = CimObjectPath.Parse(canonical);
            Assert.Equal(canonical, again.ToCanonicalString());
            Assert.Equal(p, again);
        }, iter: 10_000);

    [Fact]
    public void Equals_CaseFlippedShuffledAndReslashed_EqualWithSameHash() =>
        Gen.Select(PathGen.Path(), Gen.Int.Array[8]).Sample((p, random) =>
        {
            // Flip the case of ASCII letters anywhere, including inside quoted values and hex escapes.
            var text = new StringBuilder(p.ToString());
            for (int i = 0; i < text.Length; i++)
            {
                if (char.IsAsciiLetter(text[i]) && (random[i % random.Length] >> (i % 31) & 1) == 1)
                {
                    text[i] = char.IsAsciiLetterUpper(text[i]) ? char.ToLowerInvariant(text[i]) : char.ToUpperInvariant(text[i]);
                }
            }
            var flipped = CimObjectPath.Parse(text.ToString());
            Assert.Equal(p, flipped);
            Assert.Equal(p.GetHashCode(), flipped.GetHashCode());

            // Reverse the keys and use forward slashes in the location.
            var other = new CimObjectPath(p.Server, p.Namespace?.Replace('\\', '/'), p.ClassName, p.Keys.Reverse(), p.IsSingleton);
            Assert.Equal(p, other);
            Assert.Equal(p.GetHashCode(), other.GetHashCode());
        }, iter: 10_000);

    [Fact]
    public void Equals_AnyTwoPaths_EqualImpliesSameHash() =>
        Gen.Select(PathGen.Path(1), PathGen.Path(1)).Sample((a, b) =>
        {
            Assert.Equal(a.Equals(b), b.Equals(a));
            Assert.Equal(a.Equals(b), string.Equals(a.ToCanonicalString(), b.ToCanonicalString(), StringComparison.Ordinal));
            if (a.Equals(b))
            {
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }, iter: 10_000);

    [Fact]
    public void Equals_IntegerKeyAsHexOrDecimal_Equal() =>
        Gen.Long.Sample(v =>
        {
            var hex = v < 0 ? "-0x" + ((ulong)(-(v + 1)) + 1).ToString("x", null) : "0x" + v.ToString("X", null);
            var a = CimObjectPath.Parse("C.K=" + hex);
            var b = CimObjectPath.Parse("C.K=" + v.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(a, b);
            Assert.Equal(b.ToString(), a.ToString());
            Assert.Equal(v, a.Keys[0].Value);
        }, iter: 5_000);
}

using CsCheck;
using Wmix.Cim;
using Wmix.Repository.Sqlite.Serialization;

namespace Wmix.Repository.Tests.Serialization;

public sealed class CimBinaryCodecPropertyTests
{
    private static readonly Gen<int> s_seed = Gen.Int[0, int.MaxValue];

    private static Func<string, CimClass?> Resolver(IEnumerable<CimClass> classes)
    {
        var map = classes.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void DecodeClass_GeneratedHierarchies_RoundTripExactly() =>
        s_seed.Sample(seed =>
        {
            var chain = new ObjectBuilder(seed).Hierarchy();
            var resolve = Resolver(chain);
            foreach (var cls in chain)
            {
                var blob = CimBinaryCodec.EncodeClass(cls);
                var back = CimBinaryCodec.DecodeClass(blob, resolve);
                ObjectAssert.Identical(cls, back, $"seed {seed} {cls.Name}");
                Assert.Equal(blob, CimBinaryCodec.EncodeClass(back));
                var info = CimBinaryCodec.ReadInfo(blob);
                Assert.Equal((CimBlobKind.Class, cls.Name, cls.SuperclassName), (info.Kind, info.ClassName, info.SuperclassName));
            }
        }, iter: 3_000);

    [Fact]
    public void DecodeClass_ChainDecodedInOrder_MatchesOriginals() =>
        s_seed.Sample(seed =>
        {
            // Each class resolved against the decoded (not the original) parent: what the repository does.
            var chain = new ObjectBuilder(seed).Hierarchy();
            var decoded = new Dictionary<string, CimClass>(StringComparer.OrdinalIgnoreCase);
            foreach (var cls in chain)
            {
                var back = CimBinaryCodec.DecodeClass(CimBinaryCodec.EncodeClass(cls), n => decoded.GetValueOrDefault(n));
                ObjectAssert.Identical(cls, back, $"seed {seed}");
                decoded[back.Name] = back;
            }
        }, iter: 1_000);

    [Fact]
    public void DecodeInstance_GeneratedInstances_RoundTripExactly() =>
        s_seed.Sample(seed =>
        {
            var builder = new ObjectBuilder(seed);
            var chain = builder.Hierarchy();
            var cls = chain[^1];
            var resolve = Resolver(chain);
            for (var i = 0; i < 3; i++)
            {
                var instance = builder.Instance(cls);
                var blob = CimBinaryCodec.EncodeInstance(instance);
                ObjectAssert.Identical(instance, CimBinaryCodec.DecodeInstance(blob, resolve), $"seed {seed}");
                ObjectAssert.Identical(instance, CimBinaryCodec.DecodeInstance(blob, cls), $"seed {seed} (class given)");
                Assert.Equal(CimBlobKind.Instance, CimBinaryCodec.ReadInfo(blob).Kind);
            }
        }, iter: 3_000);

    [Fact]
    public void Decode_MutatedBlobs_ThrowOnlyWbemInvalidObject() =>
        Gen.Select(s_seed, Gen.Int[0, 3], Gen.Int.Array[1, 6]).Sample((seed, mode, noise) =>
        {
            var builder = new ObjectBuilder(seed);
            var chain = builder.Hierarchy(2);
            var blob = builder.Chance(50) ? CimBinaryCodec.EncodeClass(chain[^1]) : CimBinaryCodec.EncodeInstance(builder.Instance(chain[^1]));
            var damaged = Mutate(blob, mode, noise);
            if (damaged.AsSpan().SequenceEqual(blob))
            {
                return;
            }
            var ex = Assert.Throws<WbemException>(() => Decode(damaged, chain));
            Assert.True(ex.ErrorCode is WbemErrorEnum.wbemErrInvalidObject or WbemErrorEnum.wbemErrDatabaseVerMismatch, ex.ErrorName + ": " + ex.Message);
        }, iter: 20_000);

    [Fact]
    public void Decode_MutatedBodiesWithValidChecksum_ThrowOnlyWbemExceptions() =>
        Gen.Select(s_seed, Gen.Int[0, 3], Gen.Int.Array[1, 6]).Sample((seed, mode, noise) =>
        {
            // The checksum is recomputed, so the parser itself meets the damage: it must fail cleanly or decode.
            var builder = new ObjectBuilder(seed);
            var chain = builder.Hierarchy(2);
            var blob = builder.Chance(50) ? CimBinaryCodec.EncodeClass(chain[^1]) : CimBinaryCodec.EncodeInstance(builder.Instance(chain[^1]));
            var damaged = Mutate(blob, mode, noise);
            if (damaged.Length >= 8)
            {
                damaged[0] = (byte)'W';
                damaged[2] = 1;
                damaged[3] = 0;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(4), CimBinaryCodec.Checksum(damaged.AsSpan(8)));
            }
            try
            {
                var decoded = Decode(damaged, chain);
                Assert.True(decoded.IsReadOnly);
            }
            catch (WbemException ex)
            {
                Assert.True(ex.ErrorCode is WbemErrorEnum.wbemErrInvalidObject or WbemErrorEnum.wbemErrInvalidClass
                    or WbemErrorEnum.wbemErrInvalidSuperclass, ex.ErrorName + ": " + ex.Message);
            }
        }, iter: 20_000);

    private static CimObject Decode(byte[] blob, List<CimClass> chain)
    {
        var resolve = Resolver(chain);
        return blob.Length > 1 && blob[1] == (byte)'C' ? CimBinaryCodec.DecodeClass(blob, resolve) : CimBinaryCodec.DecodeInstance(blob, resolve);
    }

    private static byte[] Mutate(byte[] blob, int mode, int[] noise)
    {
        var data = (byte[])blob.Clone();
        switch (mode)
        {
            case 0: // bit flips
                foreach (var n in noise)
                {
                    var at = (int)((uint)n % (uint)data.Length);
                    data[at] ^= (byte)(1 << ((n >> 16) & 7));
                }
                return data;
            case 1: // truncation
                return data[..(int)((uint)noise[0] % (uint)data.Length)];
            case 2: // overwrite a run with noise
                var start = (int)((uint)noise[0] % (uint)data.Length);
                for (var i = 0; i < noise.Length && start + i < data.Length; i++)
                {
                    data[start + i] = (byte)noise[i];
                }
                return data;
            default: // insert bytes
                var cut = (int)((uint)noise[0] % (uint)data.Length);
                return [.. data[..cut], .. noise.Select(n => (byte)n), .. data[cut..]];
        }
    }
}

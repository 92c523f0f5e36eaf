using Xunit;

namespace Ember.Tests;

/// <summary>Tests that seed or draw from <see cref="Generator.Default"/> run alone, so no other test moves the stream under them.</summary>
[CollectionDefinition("DefaultGenerator", DisableParallelization = true)]
public sealed class DefaultGeneratorCollection;

[Collection("DefaultGenerator")]
public class RandomGoldenTests
{
    public static TheoryData<long> Seeds => new() { 0, 1, 42, 1234, int.MaxValue, (1L << 32) + 5, -7 };

    // Mirrors sequence() in tests/golden/random_ops.py: same calls, same order.
    private static (string Name, Func<Tensor> Make)[] Sequence() =>
    [
        ("rand1", () => Tensor.Rand(1)),
        ("rand5", () => Tensor.Rand(5)),
        ("rand15d", () => Tensor.Rand([15], dtype: DType.Float64)),
        ("randn1", () => Tensor.Randn(1)),
        ("randn5", () => Tensor.Randn(5)),
        ("randn15", () => Tensor.Randn(3, 5)),
        ("randn16", () => Tensor.Randn(16)),
        ("randn17", () => Tensor.Randn(17)),
        ("randn100", () => Tensor.Randn(4, 25)),
        ("randn1000", () => Tensor.Randn(1000)),
        ("randn1d", () => Tensor.Randn([1], dtype: DType.Float64)),
        ("randn5d", () => Tensor.Randn([5], dtype: DType.Float64)),
        ("randn16d", () => Tensor.Randn([16], dtype: DType.Float64)),
        ("randn17d", () => Tensor.Randn([17], dtype: DType.Float64)),
        ("randn100d", () => Tensor.Randn([100], dtype: DType.Float64)),
        ("randint", () => Tensor.RandInt(3, 17, [20])),
        ("randint_high", () => Tensor.RandInt(10, [2, 3])),
        ("randint_wide", () => Tensor.RandInt(-5, 1L << 33, [5])),
        ("randint_i32", () => Tensor.RandInt(-100, 100, [7], dtype: DType.Int32)),
        ("randint_f32", () => Tensor.RandInt(0, 1000, [7], dtype: DType.Float32)),
        ("randperm1", () => Tensor.RandPerm(1)),
        ("randperm10", () => Tensor.RandPerm(10)),
        ("randperm100", () => Tensor.RandPerm(100)),
        ("normal3", () => Tensor.Empty(3).Normal_(2.5, 0.3)),
        ("normal40", () => Tensor.Empty(40).Normal_(-1.7, 3.3)),
        ("normal3d", () => Tensor.Empty([3], DType.Float64).Normal_(2.5, 0.3)),
        ("normal40d", () => Tensor.Empty([40], DType.Float64).Normal_(-1.7, 3.3)),
        ("uniform", () => Tensor.Empty(30).Uniform_(-2.3, 7.1)),
        ("uniformd", () => Tensor.Empty([30], DType.Float64).Uniform_(-2.3, 7.1)),
        ("bern_scalar", () => Tensor.Empty(25).Bernoulli_(0.3)),
        ("bern_p", () => Probabilities(30, DType.Float32).Bernoulli()),
        ("bern_pd", () => Probabilities(30, DType.Float64).Bernoulli()),
        ("randn_t", () => Transposed(Tensor.Empty(6, 4)).Normal_()),
        ("rand_like_t", () => Tensor.RandLike(Transposed(Tensor.Zeros(5, 4)))),
        ("randn_like_t", () => Tensor.RandnLike(Transposed(Tensor.Zeros([6, 4], DType.Float64)))),
        ("randn_like", () => Tensor.RandnLike(Tensor.Zeros(4, 5))),
        ("uniform_slice", () => { var z = Tensor.Zeros(4, 6); z.WithLayout(z.Layout.Slice(1, 0, 3, 2)).Uniform_(-1, 1); return z; }),
        ("randint_t", () => { var z = Tensor.Zeros([3, 5], DType.Int64); Transposed(z).Random_(0, 50); return z; }),
        ("bern_bcast", () => Tensor.Zeros(3, 4).Bernoulli_(Tensor.From(new float[] { 0.1f, 0.5f, 0.9f, 0.7f }))),
        ("bern_p_t", () => Transposed(Reshaped(Probabilities(12, DType.Float32), 3, 4)).Bernoulli()),
        ("rand_after", () => Tensor.Rand(3)),
    ];

    private static Tensor Transposed(Tensor t) => t.WithLayout(t.Layout.Transpose(0, 1));

    private static Tensor Reshaped(Tensor t, params int[] shape) => t.WithLayout(Layout.Contiguous(shape));

    // torch.linspace(0, 1, n), as the golden script makes its probabilities.
    private static Tensor Probabilities(int n, DType dtype) => Tensor.Linspace(0, 1, n, dtype);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SequenceAfterManualSeedMatchesPyTorch(long seed)
    {
        var g = Golden.Load("random_ops");
        Tensor.ManualSeed(seed);
        foreach (var (name, make) in Sequence())
        {
            var actual = make();
            var expected = g[$"s{seed}_{name}"];
            try { TensorAssert.Equal(expected, actual); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"seed {seed}, {name}: {e.Message}"); }
        }
        Assert.Equal(g[$"s{seed}_state"].ToArray<byte>(), Generator.Default.GetState());
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ExplicitGeneratorMatchesPyTorchAndLeavesDefaultAlone(long seed)
    {
        var golden = Golden.Load("random_ops");
        Tensor.ManualSeed(99);
        byte[] before = Generator.Default.GetState();
        var gen = new Generator().ManualSeed(seed + 100);
        TensorAssert.Equal(golden[$"s{seed}_gen_rand"], Tensor.Rand([4], gen));
        TensorAssert.Equal(golden[$"s{seed}_gen_randn"], Tensor.Randn([20], gen));
        Assert.Equal(before, Generator.Default.GetState());
    }

    [Fact]
    public void StateBytesMatchTorchGetRngState()
    {
        var g = Golden.Load("random_ops");
        Tensor.ManualSeed(7);
        Assert.Equal(g["state_seed7"].ToArray<byte>(), Generator.Default.GetState());
        Tensor.Randn([1], dtype: DType.Float64);
        byte[] cached = Generator.Default.GetState();
        Assert.Equal(g["state_cached"].ToArray<byte>(), cached);
        // Restoring PyTorch's own state bytes restores the cached normal value too.
        var other = new Generator().SetState(g["state_cached"].ToArray<byte>());
        TensorAssert.Equal(g["after_cached"], Tensor.Randn([2], other, DType.Float64));
    }
}

public class RandomLargeFillTests
{
    // Per-row wrapping sums of the bit patterns, as _bitsums() in random_ops.py.
    private static Tensor BitSums(Tensor t)
    {
        var sums = new long[1000];
        if (t.DType == DType.Float32)
        {
            var v = t.ToArray<float>();
            int row = v.Length / 1000;
            for (int i = 0; i < v.Length; i++) sums[i / row] = unchecked(sums[i / row] + BitConverter.SingleToInt32Bits(v[i]));
        }
        else
        {
            var v = t.ToArray<double>();
            int row = v.Length / 1000;
            for (int i = 0; i < v.Length; i++) sums[i / row] = unchecked(sums[i / row] + BitConverter.DoubleToInt64Bits(v[i]));
        }
        return Tensor.From(sums);
    }

    [Fact]
    public void LargeFillsMatchPyTorchBitForBit()
    {
        var g = Golden.Load("random_ops");
        TensorAssert.Equal(g["bits_randn"], BitSums(Tensor.Randn([400000], new Generator(0))));
        TensorAssert.Equal(g["bits_normal"], BitSums(Tensor.Empty(400000).Normal_(1.3, 2.7, new Generator(5))));
        TensorAssert.Equal(g["bits_randn_d"], BitSums(Tensor.Randn([100000], new Generator(6), DType.Float64)));
        TensorAssert.Equal(g["bits_uniform"], BitSums(Tensor.Empty(100000).Uniform_(-3.1, 0.7, new Generator(8))));
    }
}

public class RandomGeneratorTests
{
    [Fact]
    public void NewGeneratorStartsFromPyTorchsDefaultSeed()
    {
        Assert.Equal(67280421310721UL, new Generator().InitialSeed);
        Assert.Equal(Generator.DefaultSeed, new Generator().InitialSeed);
    }

    [Fact]
    public void NegativeSeedWrapsAsInPyTorch()
    {
        var a = new Generator().ManualSeed(-7L);
        Assert.Equal(unchecked((ulong)-7L), a.InitialSeed);
        var b = new Generator().ManualSeed(unchecked((ulong)-7L));
        Assert.Equal(Tensor.Rand([8], a).ToArray<float>(), Tensor.Rand([8], b).ToArray<float>());
    }

    [Fact]
    public void SeedPicksA53BitSeedAndReseeds()
    {
        var g = new Generator();
        ulong s = g.Seed();
        Assert.True(s < 1UL << 53);
        Assert.Equal(s, g.InitialSeed);
        var x = Tensor.Rand([4], g).ToArray<float>();
        Assert.Equal(Tensor.Rand([4], new Generator(s)).ToArray<float>(), x);
    }

    [Fact]
    public void GetStateSetStateRoundTripsMidStream()
    {
        var g = new Generator(5);
        Tensor.Randn([3], g, DType.Float64); // leaves a cached normal
        Tensor.Rand([700], g);                // crosses a Mersenne Twister refill
        byte[] state = g.GetState();
        Assert.Equal(Generator.StateSize, state.Length);
        var a = Tensor.Randn([5], g, DType.Float64).ToArray<double>();
        var clone = new Generator().SetState(state);
        Assert.Equal(a, Tensor.Randn([5], clone, DType.Float64).ToArray<double>());
        g.SetState(state);
        Assert.Equal(a, Tensor.Randn([5], g, DType.Float64).ToArray<double>());
        Assert.Equal(g.GetState(), g.Clone().GetState());
    }

    [Fact]
    public void SetStateRefusesBadBytes()
    {
        var g = new Generator();
        TensorAssert.Throws<ArgumentException>(() => g.SetState(new byte[10]), "Generator.SetState", "5056", "10");
        var s = g.GetState();
        s[8] = 0; s[9] = 0; s[10] = 0; s[11] = 0; // left = 0
        TensorAssert.Throws<ArgumentException>(() => g.SetState(s), "Generator.SetState", "corrupted");
    }

    [Fact]
    public void ReseedingClearsTheCachedNormal()
    {
        var g = new Generator(3);
        Tensor.Randn([1], g, DType.Float64);
        g.ManualSeed(3);
        Assert.Equal(new Generator(3).GetState(), g.GetState());
    }

    [Fact]
    public void ConcurrentDrawsOnOneGeneratorTakeWholeRuns()
    {
        // The lock is held per fill, so two threads drawing 1000 values each see the same multiset of
        // values as one thread drawing 2000, split into two runs.
        var g = new Generator(11);
        var results = new Tensor[2];
        Parallel.For(0, 2, i => results[i] = Tensor.Rand([1000], g, DType.Float64));
        var all = Tensor.Rand([2000], new Generator(11), DType.Float64).ToArray<double>();
        var first = all.Take(1000).ToArray();
        var a = results[0].ToArray<double>();
        Assert.True(a.SequenceEqual(first) || results[1].ToArray<double>().SequenceEqual(first));
    }
}

public class RandomPropertyTests
{
    [Fact]
    public void ValuesStayInTheirRanges()
    {
        var g = new Generator(1);
        Assert.All(Tensor.Rand([5000], g).ToArray<float>(), v => Assert.InRange(v, 0f, 0.99999994f));
        Assert.All(Tensor.RandInt(-3, 4, [5000], g).ToArray<long>(), v => Assert.InRange(v, -3L, 3L));
        Assert.All(Tensor.Empty(1000).Uniform_(2, 2.5, g).ToArray<float>(), v => Assert.InRange(v, 2f, 2.5f));
        var perm = Tensor.RandPerm(500, g).ToArray<long>();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), perm.Order());
    }

    [Fact]
    public void NormalHasRoughlyTheRightMoments()
    {
        var x = Tensor.Empty([20000], DType.Float64).Normal_(3, 2, new Generator(2)).ToArray<double>();
        double mean = x.Average(), sd = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, 2.95, 3.05);
        Assert.InRange(sd, 1.95, 2.05);
    }

    [Fact]
    public void ShapesDTypesAndEmptyTensors()
    {
        var g = new Generator(4);
        Assert.Equal(DType.Float32, Tensor.Rand([2, 3], g).DType);
        Assert.Equal(DType.Float64, Tensor.Randn([2, 3], g, DType.Float64).DType);
        Assert.Equal(DType.Int64, Tensor.RandInt(5, [2], g).DType);
        Assert.Equal(DType.Int32, Tensor.RandPerm(4, g, DType.Int32).DType);
        Assert.Equal(0, Tensor.Randn([0, 3], g).Numel());
        Assert.Equal(0, Tensor.RandPerm(0, g).Numel());
        Assert.Equal(1, Tensor.Rand([], g).Numel());
        var t = Tensor.Zeros([3, 2], DType.Float64);
        Assert.Equal(DType.Float64, Tensor.RandLike(t, g).DType);
        Assert.Equal(DType.Int64, Tensor.RandIntLike(t, 5, g, DType.Int64).DType);
        Assert.Equal(new[] { 3, 2 }, Tensor.RandIntLike(t, -2, 2, g).Shape.ToArray());
    }

    [Fact]
    public void BernoulliWithZeroAndOneIsDeterministic()
    {
        var g = new Generator(8);
        var p = Tensor.From(new double[] { 0, 1, 0, 1 });
        Assert.Equal(new double[] { 0, 1, 0, 1 }, p.Bernoulli(g).ToArray<double>());
        var x = Tensor.Zeros([2, 4], DType.Bool).Bernoulli_(p.To(DType.Float32), g);  // broadcast p over rows
        Assert.Equal(new[] { false, true, false, true, false, true, false, true }, x.ToArray<bool>());
        Assert.All(Tensor.Empty(10).Bernoulli_(1.0, g).ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void InPlaceFillsWriteThroughViewsAndBumpVersion()
    {
        var g = new Generator(6);
        var t = Tensor.Zeros(4, 6);
        var sliced = t.WithLayout(t.Layout.Slice(1, 0, 3, 2)); // t[:, ::2]
        long v = t.Version;
        sliced.Uniform_(5, 6, g);
        Assert.True(t.Version > v);
        var a = t.ToArray<float>();
        for (int i = 0; i < 24; i++)
            if (i % 2 == 0) Assert.InRange(a[i], 5f, 6f); else Assert.Equal(0f, a[i]);
    }

    [Fact]
    public void StridedFillsFollowMemoryOrder()
    {
        // A transposed view is filled in storage order, as PyTorch's TensorIterator walks it.
        var t = Tensor.Zeros(5, 4);
        var view = t.WithLayout(t.Layout.Transpose(0, 1));
        view.Uniform_(0, 1, new Generator(9));
        Assert.Equal(Tensor.Rand([20], new Generator(9)).ToArray<float>(), t.ToArray<float>());
    }
}

public class RandomErrorTests
{
    [Fact]
    public void RandIntNeedsLowBelowHigh()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandInt(5, 3, [2]), "randint", "from=5 >= to=3");
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandInt(0, [2]), "randint", "from=0 >= to=0");
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandInt(0, 300, [2], dtype: DType.UInt8), "randint", "to - 1 = 299", "torch.uint8");
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandInt(-1, 3, [2], dtype: DType.UInt8), "randint", "from=-1", "torch.uint8");
    }

    [Fact]
    public void RandPermNeedsNonNegativeN()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandPerm(-1), "randperm", "non-negative", "-1");
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandPerm(300, dtype: DType.UInt8), "randperm", "300", "torch.uint8");
    }

    [Fact]
    public void FloatOnlyOpsRefuseIntegerDTypes()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Rand([2], dtype: DType.Int64), "rand", "floating-point", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Randn([2], dtype: DType.Int32), "randn", "floating-point", "torch.int32");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros([2], DType.Int64).Normal_(), "normal_", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros([2], DType.Int64).Uniform_(), "uniform_", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => Tensor.RandnLike(Tensor.Zeros([2], DType.Int64)), "randn_like", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros([2], DType.Int64).Bernoulli(), "bernoulli", "torch.int64");
    }

    [Fact]
    public void BadDistributionParameters()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3).Normal_(0, -1), "normal_", "std >= 0.0", "-1");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3).Uniform_(2, 1), "uniform_", "from=2 > to=1");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3).Uniform_(0, 1e300), "uniform_", "to=1E+300", "torch.float32");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3).Bernoulli_(1.5), "bernoulli_", "[0, 1]", "p=1.5");
        TensorAssert.Throws<ArgumentException>(() => Tensor.From(new float[] { 0.5f, 1.5f }).Bernoulli(), "bernoulli", "[0, 1]", "p=1.5");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3).Bernoulli_(Tensor.Zeros(2)), "bernoulli_", "[2]", "[3]");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Randn([-1, 2]), "randn", "negative dimension -1");
    }

    [Fact]
    public void InPlaceFillRefusesOverlappingViews()
    {
        var t = Tensor.Zeros(1, 3);
        var expanded = t.WithLayout(t.Layout.BroadcastTo([4, 3]));
        TensorAssert.Throws<InvalidOperationException>(() => expanded.Normal_(), "normal_", "single memory location");
    }
}

using Xunit;

namespace Ember.Tests;

/// <summary>Tensor.Multinomial and Tensor.Exponential_ against PyTorch 1.13 (tests/golden/multinomial.py).</summary>
public class MultinomialGoldenTests
{
    public static TheoryData<long> Seeds => new() { 0, 1, 42, 1234, -7 };

    // Mirrors CASES and TIES in tests/golden/multinomial.py.
    private static readonly (string Name, string Weights, bool Transpose, int N, bool Replacement)[] Cases =
    [
        ("w1_n1", "w1", false, 1, false),
        ("w1_n1_repl", "w1", false, 1, true),
        ("w1_n4", "w1", false, 4, false),
        ("w1_n6", "w1", false, 6, false),
        ("w1_n30_repl", "w1", false, 30, true),
        ("w1d_n3", "w1d", false, 3, false),
        ("w1d_n30_repl", "w1d", false, 30, true),
        ("w2_n1", "w2", false, 1, false),
        ("w2_n7", "w2", false, 7, false),
        ("w2_n40_repl", "w2", false, 40, true),
        ("w2d_n1", "w2d", false, 1, false),
        ("w2d_n7", "w2d", false, 7, false),
        ("w2d_n40_repl", "w2d", false, 40, true),
        ("wide_n5", "wide", false, 5, false),
        ("wide_n100", "wide", false, 100, false),
        ("wt_n1", "wt", true, 1, false),
        ("wt_n3", "wt", true, 3, false),
        ("wt_n9_repl", "wt", true, 9, true),
        ("one_n1", "one", false, 1, false),
        ("one_n5_repl", "one", false, 5, true),
        // Without replacement past the positive weights: zero-weight categories in PyTorch's tie order.
        ("w1_n8", "w1", false, 8, false),
        ("one_n3", "one", false, 3, false),
        ("sparse_n40", "sparse", false, 40, false),
        ("sparse_n25", "sparse", false, 25, false),
        ("sparse_wide_n3", "sparse_wide", false, 3, false),
    ];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void SamplesMatchPyTorchForTheSameSeed(long seed)
    {
        var g = Golden.Load("multinomial");
        foreach (var (name, key, transpose, n, replacement) in Cases)
        {
            var w = g[key];
            if (transpose) w = w.T;
            var actual = w.Multinomial(n, replacement, new Generator().ManualSeed(seed));
            try { TensorAssert.Equal(g[$"s{seed}_{name}"], actual); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"seed {seed}, {name}: {e.Message}"); }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ExponentialFillMatchesPyTorch(long seed)
    {
        var g = Golden.Load("multinomial");
        var gen = new Generator().ManualSeed(seed);
        TensorAssert.Equal(g[$"s{seed}_exp"], Tensor.Empty(20).Exponential_(1.0, gen));
        TensorAssert.Equal(g[$"s{seed}_exp_d"], Tensor.Empty([20], DType.Float64).Exponential_(2.5, gen));
        var t = Tensor.Empty(5, 3);
        t.T.Exponential_(0.5, gen);   // filled in memory order, as PyTorch's TensorIterator walks the view
        TensorAssert.Equal(g[$"s{seed}_exp_t"], t.T);
    }

    [Fact]
    public void StaticFormAndTwoDimShapes()
    {
        var w = Tensor.From(new float[,] { { 1, 0, 2 }, { 0, 3, 0 } });
        var r = Tensor.Multinomial(w, 2, generator: new Generator(3));
        Assert.Equal([2, 2], r.Shape.ToArray());
        Assert.Equal(DType.Int64, r.DType);
        Assert.Equal(1L, r[1, 0].Item<long>());          // the only positive weight of row 1 comes first
        Assert.Equal([1], Tensor.From(new[] { 0.2f, 0.8f }).Multinomial(1).Shape.ToArray());
    }

    [Fact]
    public void SampleFrequenciesFollowTheWeights()
    {
        var w = Tensor.From(new[] { 1.0, 3.0, 0.0, 6.0 });
        var s = w.Multinomial(20000, replacement: true, new Generator(11)).ToArray<long>();
        var counts = new int[4];
        foreach (long i in s) counts[i]++;
        Assert.Equal(0, counts[2]);
        Assert.InRange(counts[3] / 20000.0, 0.58, 0.62);
        Assert.InRange(counts[1] / 20000.0, 0.28, 0.32);
    }

    [Theory]
    [InlineData("3d", "prob_dist must be 1 or 2 dim")]
    [InlineData("int", "multinomial only supports floating-point dtypes for input, got: ")]
    [InlineData("zero", "cannot sample n_sample <= 0 samples")]
    [InlineData("toomany", "cannot sample n_sample > prob_dist.size(-1) samples without replacement")]
    [InlineData("negative", "probability tensor contains either `inf`, `nan` or element < 0")]
    [InlineData("nan", "probability tensor contains either `inf`, `nan` or element < 0")]
    [InlineData("inf", "probability tensor contains either `inf`, `nan` or element < 0")]
    [InlineData("zerosum", "invalid multinomial distribution (sum of probabilities <= 0)")]
    [InlineData("zerosum_repl", "invalid multinomial distribution (sum of probabilities <= 0)")]
    [InlineData("negative_repl", "invalid multinomial distribution (encountering probability entry < 0)")]
    [InlineData("inf_repl", "invalid multinomial distribution (encountering probability entry = infinity or NaN)")]
    public void BadInputGetsPyTorchsMessage(string kind, string message)
    {
        Action act = kind switch
        {
            "3d" => () => Tensor.Ones(2, 2, 2).Multinomial(1),
            "int" => () => Tensor.From(new long[] { 1, 2 }).Multinomial(1),
            "zero" => () => Tensor.Ones(3).Multinomial(0),
            "toomany" => () => Tensor.Ones(3).Multinomial(4),
            "negative" => () => Tensor.From(new[] { 1f, -1f }).Multinomial(1),
            "nan" => () => Tensor.From(new[] { 1f, float.NaN }).Multinomial(1),
            "inf" => () => Tensor.From(new[] { 1f, float.PositiveInfinity }).Multinomial(2),
            "zerosum" => () => Tensor.From(new float[,] { { 1, 2 }, { 0, 0 } }).Multinomial(1),
            "zerosum_repl" => () => Tensor.Zeros(3).Multinomial(4, replacement: true),
            "negative_repl" => () => Tensor.From(new[] { 1f, -1f }).Multinomial(3, replacement: true),
            "inf_repl" => () => Tensor.From(new[] { 1f, float.PositiveInfinity }).Multinomial(3, replacement: true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var e = Assert.ThrowsAny<ArgumentException>(act);
        Assert.StartsWith("multinomial: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void TooManyCategoriesIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Ones((1 << 24) + 1).Multinomial(1));
        Assert.Contains("number of categories cannot exceed 2^24", e.Message);
    }

    [Fact]
    public void NegativeExponentialRateIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Empty(3).Exponential_(-1));
        Assert.Contains("exponential_: expects lambda >= 0.0, but found lambda=-1", e.Message);
    }
}

/// <summary>Multinomial from the default generator: runs in the DefaultGenerator collection, alone.</summary>
[Collection("DefaultGenerator")]
public class MultinomialDefaultGeneratorTests
{
    [Theory]
    [MemberData(nameof(MultinomialGoldenTests.Seeds), MemberType = typeof(MultinomialGoldenTests))]
    public void CallsAfterManualSeedMatchPyTorch(long seed)
    {
        var g = Golden.Load("multinomial");
        Tensor.ManualSeed(seed);
        TensorAssert.Equal(g[$"s{seed}_seq1"], g["w2"].Multinomial(2));
        TensorAssert.Equal(g[$"s{seed}_seq2"], Tensor.Multinomial(g["w1"], 12, replacement: true));
        TensorAssert.Equal(g[$"s{seed}_seq3"], Tensor.Rand(3));
    }
}

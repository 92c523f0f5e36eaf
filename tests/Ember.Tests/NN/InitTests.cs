using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>nn.init against PyTorch 1.13: same seed, same numbers (golden nn_init.json).</summary>
[Collection("DefaultGenerator")]
public class InitTests
{
    private static readonly Golden G = Golden.Load("nn_init");

    // Seeds, fills a fresh tensor, then checks the values and that the next draws match PyTorch's
    // (so the init consumed exactly as many random numbers as PyTorch's).
    private static void Check(string name, long seed, int[] shape, Action<Tensor> fill, DType dtype = DType.Float32, double? rtol = 0, double? atol = 0)
    {
        Tensor.ManualSeed(seed);
        var t = Tensor.Empty(shape, dtype);
        fill(t);
        TensorAssert.Close(G[name], t, rtol, atol);
        TensorAssert.Equal(G[name + ".after"], Tensor.Rand(4));
    }

    [Fact]
    public void CalculateGainMatchesPyTorch()
    {
        foreach (string key in G.Names.Where(n => n.StartsWith("gain.", StringComparison.Ordinal)))
        {
            var parts = key.Split('.', 3);
            double? param = parts.Length == 3 ? double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : null;
            Assert.Equal(G[key].Item<double>(), Init.CalculateGain(parts[1], param));
        }
        TensorAssert.Throws<ArgumentException>(() => Init.CalculateGain("softmax"), "Unsupported nonlinearity softmax");
    }

    [Fact]
    public void FansCountTheReceptiveField()
    {
        Assert.Equal((27L, 36L), Init.CalculateFanInAndFanOut(Tensor.Empty(4, 3, 3, 3)));
        Assert.Equal((5L, 2L), Init.CalculateFanInAndFanOut(Tensor.Empty(2, 5)));
        TensorAssert.Throws<ArgumentException>(() => Init.CalculateFanInAndFanOut(Tensor.Empty(3)),
            "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions", "[3]");
    }

    [Fact]
    public void FillsMatchPyTorch()
    {
        Check("uniform", 0, [3, 4], t => Init.Uniform_(t, -1, 2));
        Check("normal_small", 1, [3, 2], t => Init.Normal_(t, 1, 0.5));
        Check("normal_vec", 2, [5, 4], t => Init.Normal_(t, 1, 0.5));
        Check("normal_f64", 3, [5, 4], t => Init.Normal_(t, -1, 2), DType.Float64);
        Check("constant", 0, [2, 3], t => Init.Constant_(t, 0.3));
        Check("ones", 0, [2, 3], t => Init.Ones_(t));
        Check("zeros", 0, [2, 3], t => Init.Zeros_(t));
        Check("eye", 0, [3, 5], t => Init.Eye_(t));
        Check("eye_tall", 0, [4, 2], t => Init.Eye_(t));
        Check("dirac3", 0, [4, 2, 3], t => Init.Dirac_(t, 2));
        Check("dirac4", 0, [2, 3, 3, 3], t => Init.Dirac_(t));
        Check("dirac5", 0, [3, 3, 2, 2, 2], t => Init.Dirac_(t));
    }

    [Fact]
    public void VarianceScalingMatchesPyTorchBitForBit()
    {
        Check("xavier_uniform", 4, [4, 5], t => Init.XavierUniform_(t, gain: 2));
        Check("xavier_normal", 5, [6, 3, 2], t => Init.XavierNormal_(t));
        Check("kaiming_uniform", 6, [8, 4], t => Init.KaimingUniform_(t));
        Check("kaiming_uniform_conv", 7, [6, 3, 3, 3], t => Init.KaimingUniform_(t, a: 0.2, mode: "fan_out"));
        Check("kaiming_uniform_relu", 8, [5, 3], t => Init.KaimingUniform_(t, mode: "FAN_IN", nonlinearity: "relu"));
        Check("kaiming_uniform_sqrt5", 9, [7, 6], t => Init.KaimingUniform_(t, a: Math.Sqrt(5)));
        Check("kaiming_uniform_f64", 10, [4, 3], t => Init.KaimingUniform_(t), DType.Float64);
        Check("kaiming_normal", 11, [5, 7], t => Init.KaimingNormal_(t, mode: "fan_out", nonlinearity: "relu"));
        Check("kaiming_normal_conv", 12, [4, 2, 3], t => Init.KaimingNormal_(t));
        Check("kaiming_uniform_empty", 13, [3, 0], t => Init.KaimingUniform_(t));
    }

    [Fact]
    public void TruncNormalMatchesPyTorch()
    {
        // erfinv's Newton steps call erf, and this erf and the C library's round differently now and
        // then, so a value may differ from PyTorch's in its last bit.
        Check("trunc_normal", 14, [20, 10], t => Init.TruncNormal_(t), rtol: 1e-6, atol: 1e-7);
        Check("trunc_normal_args", 15, [7, 9], t => Init.TruncNormal_(t, mean: 1, std: 2, a: -1, b: 4), rtol: 1e-6, atol: 1e-7);
        Check("trunc_normal_f64", 16, [6, 5], t => Init.TruncNormal_(t, std: 0.02, a: -0.04, b: 0.04), DType.Float64, rtol: 1e-13, atol: 1e-16);
        var v = Init.TruncNormal_(Tensor.Empty(1000), mean: 0.5, std: 1, a: 0, b: 1).ToArray<float>();
        Assert.All(v, x => Assert.InRange(x, 0f, 1f));
    }

    [Fact]
    public void OrthogonalMatchesPyTorchToRounding()
    {
        // PyTorch's QR is LAPACK in the tensor's dtype; Ember's runs in float64, so float32 agrees to rounding.
        Check("orthogonal_wide", 17, [4, 6], t => Init.Orthogonal_(t), rtol: 1e-5, atol: 1e-5);
        Check("orthogonal_tall", 18, [6, 4], t => Init.Orthogonal_(t), rtol: 1e-5, atol: 1e-5);
        Check("orthogonal_conv", 19, [3, 2, 2], t => Init.Orthogonal_(t, gain: 2), rtol: 1e-5, atol: 1e-5);
        Check("orthogonal_f64", 20, [5, 5], t => Init.Orthogonal_(t), DType.Float64, rtol: 1e-10, atol: 1e-12);
        var q = Init.Orthogonal_(Tensor.Empty([7, 3], DType.Float64));
        TensorAssert.Close(Tensor.Eye(3, dtype: DType.Float64), q.T.MatMul(q));
    }

    [Fact]
    public void SparseMatchesPyTorch()
    {
        Check("sparse", 21, [6, 5], t => Init.Sparse_(t, 0.3));
        Check("sparse_f64", 22, [20, 3], t => Init.Sparse_(t, 0.5, std: 1), DType.Float64);
    }

    [Fact]
    public void InitRunsUnderNoGradAndKeepsTheLeaf()
    {
        var w = new Parameter(Tensor.Empty(3, 4));
        var r = Init.KaimingNormal_(w);
        Assert.Same(w, r);
        Assert.True(w.IsLeaf);
        Assert.Null(w.GradFn);
        Assert.True(w.RequiresGrad);
    }

    [Fact]
    public void AGeneratorGivesTheSameValuesAsTheSameSeedOnTheDefault()
    {
        var a = Init.XavierUniform_(Tensor.Empty(3, 4), generator: new Generator(4));
        Tensor.ManualSeed(4);
        var b = Init.XavierUniform_(Tensor.Empty(3, 4));
        TensorAssert.Equal(b, a);
    }

    [Fact]
    public void BadInputIsReportedAsPyTorchDoes()
    {
        TensorAssert.Throws<ArgumentException>(() => Init.KaimingUniform_(Tensor.Empty(3, 4), mode: "fan_avg"), "Mode fan_avg not supported, please use one of ['fan_in', 'fan_out']");
        TensorAssert.Throws<ArgumentException>(() => Init.KaimingNormal_(Tensor.Empty(4), nonlinearity: "relu"), "fewer than 2 dimensions");
        TensorAssert.Throws<ArgumentException>(() => Init.XavierNormal_(Tensor.Empty(4)), "fewer than 2 dimensions");
        TensorAssert.Throws<ArgumentException>(() => Init.Eye_(Tensor.Empty(2, 2, 2)), "Only tensors with 2 dimensions are supported");
        TensorAssert.Throws<ArgumentException>(() => Init.Dirac_(Tensor.Empty(2, 2)), "Only tensors with 3, 4, or 5 dimensions are supported");
        TensorAssert.Throws<ArgumentException>(() => Init.Dirac_(Tensor.Empty(3, 2, 3), groups: 2), "dim 0 must be divisible by groups");
        TensorAssert.Throws<ArgumentException>(() => Init.Orthogonal_(Tensor.Empty(3)), "Only tensors with 2 or more dimensions are supported");
        TensorAssert.Throws<ArgumentException>(() => Init.Sparse_(Tensor.Empty(3), 0.1), "Only tensors with 2 dimensions are supported");
        TensorAssert.Throws<ArgumentException>(() => Init.Uniform_(Tensor.Empty([2], DType.Int64)), "uniform_");
    }
}

using System.Text.Json;
using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// FractionalMaxPool2d/3d, CrossMapLRN2d and NLLLoss2d against PyTorch (tests/golden/nn_last_layers.py):
/// values, indices and gradients, PyTorch's windows from a seed, gradcheck, printing and bad input.
/// </summary>
[Collection("DefaultGenerator")]
public class LastLayersTests
{
    private static Golden G => Golden.Load("nn_last_layers");

    public static TheoryData<string> FmpCases() => [.. G.Meta.GetProperty("fmp").EnumerateObject().Select(p => p.Name)];

    public static TheoryData<string> LrnCases() => [.. G.Meta.GetProperty("lrn").EnumerateObject().Select(p => p.Name)];

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    [Theory, MemberData(nameof(FmpCases))]
    public void FractionalMaxPoolMatchesPyTorch(string name)
    {
        var m = G.Meta.GetProperty("fmp").GetProperty(name);
        string p = "fmp." + name + ".";
        int dims = m.GetProperty("dims").GetInt32();
        var k = Ints(m.GetProperty("kernel"));
        var size = m.GetProperty("output_size").ValueKind == JsonValueKind.Null ? null : Ints(m.GetProperty("output_size"));
        var ratioJson = m.GetProperty("output_ratio");
        double[]? ratio = ratioJson.ValueKind == JsonValueKind.Null ? null : ratioJson.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Tensor? samples = G.Names.Contains(p + "samples") ? G[p + "samples"] : null;
        var x = G[p + "x"].RequiresGrad_();
        if (m.GetProperty("seed").ValueKind != JsonValueKind.Null) Tensor.ManualSeed(m.GetProperty("seed").GetInt64());
        (Tensor y, Tensor ind) = dims == 2
            ? F.FractionalMaxPool2dWithIndices(x, (k[0], k[1]), size is null ? null : (size[0], size[1]), ratio is null ? null : (ratio[0], ratio[1]), samples)
            : F.FractionalMaxPool3dWithIndices(x, (k[0], k[1], k[2]), size is null ? null : (size[0], size[1], size[2]),
                ratio is null ? null : (ratio[0], ratio[1], ratio[2]), samples);
        TensorAssert.Equal(G[p + "indices"], ind);
        TensorAssert.Equal(G[p + "out"], y.Detach());
        y.Backward(G[p + "gout"]);
        TensorAssert.Close(G[p + "grad"], x.Grad!);
    }

    [Fact]
    public void FractionalMaxPoolModulesUseTheirSamplesAndPrintAsPyTorch()
    {
        const string p = "fmp.size_f64.";
        var m = new FractionalMaxPool2d(2, outputSize: (3, 4), randomSamples: G[p + "samples"]);
        TensorAssert.Equal(G[p + "out"], m.Forward(G[p + "x"]));
        TensorAssert.Equal(G[p + "indices"], m.ForwardWithIndices(G[p + "x"]).Indices);
        Assert.Equal(["_random_samples"], m.StateDict().Keys.ToArray());
        Assert.Empty(new FractionalMaxPool2d(3, outputRatio: 0.5).StateDict());
        var repr = G.Meta.GetProperty("repr");
        Assert.Equal(repr.GetProperty("fmp2").GetString(), new FractionalMaxPool2d(3, outputRatio: 0.5).ToString());
        Assert.Equal(repr.GetProperty("fmp3").GetString(), new FractionalMaxPool3d(2, outputSize: 3).ToString());
        const string q = "fmp.three_f64.";
        var m3 = new FractionalMaxPool3d(2, outputSize: (2, 3, 4), randomSamples: G[q + "samples"]);
        TensorAssert.Equal(G[q + "out"], m3.Forward(G[q + "x"]));
    }

    [Fact]
    public void FractionalMaxPoolPassesGradcheck()
    {
        var x = Tensor.Randn([2, 2, 6, 5], dtype: DType.Float64).RequiresGrad_();
        var s2 = Tensor.Rand([2, 2, 2], dtype: DType.Float64);
        Assert.True(Ember.Autograd.GradCheck(t => F.FractionalMaxPool2d(t[0], 3, (3, 3), randomSamples: s2), [x]));
        var x3 = Tensor.Randn([1, 2, 4, 5, 4], dtype: DType.Float64).RequiresGrad_();
        var s3 = Tensor.Rand([1, 2, 3], dtype: DType.Float64);
        Assert.True(Ember.Autograd.GradCheck(t => F.FractionalMaxPool3d(t[0], 2, (2, 3, 2), randomSamples: s3), [x3]));
    }

    [Fact]
    public void FractionalMaxPoolRefusesBadArgumentsNamingTheOp()
    {
        var x = Tensor.Randn(1, 2, 5, 5);
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool2d(x, 3, 4), "fractional_max_pool2d()", "pool height 3 too large relative to input height 5");
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool2d(x, 0, 2), "fractional_max_pool2d()", "kernel_size must be positive");
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool2d(x, 2, 2, randomSamples: Tensor.Rand(1, 3, 2)), "fractional_max_pool2d()", "[1, 2, 2]", "[1, 3, 2]");
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool2d(x, 2, 2, randomSamples: Tensor.Rand([1, 2, 2], dtype: DType.Float64)), "fractional_max_pool2d()", "float32", "float64");
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool2d(Tensor.Randn(5, 5), 2, 2), "fractional_max_pool2d()", "Expected 3D or 4D", "[5, 5]");
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool2d(x, 2), "fractional_max_pool2d()", "either an output size, or a pooling ratio");
        TensorAssert.Throws<ArgumentException>(() => F.FractionalMaxPool3d(Tensor.Randn(1, 2, 5, 5, 5), 3, 4), "fractional_max_pool3d()", "pool time 3 too large relative to input time 5");
        TensorAssert.Throws<ArgumentException>(() => new FractionalMaxPool2d(2, outputRatio: 1.5), "FractionalMaxPool2d", "output_ratio must be between 0 and 1 (got 1.5)");
        TensorAssert.Throws<ArgumentException>(() => new FractionalMaxPool2d(2), "FractionalMaxPool2d requires specifying either an output size, or a pooling ratio");
        TensorAssert.Throws<ArgumentException>(() => new FractionalMaxPool2d(2, 2, 0.5), "FractionalMaxPool2d", "only one of output_size and output_ratio");
    }

    [Theory, MemberData(nameof(LrnCases))]
    public void CrossMapLrn2dMatchesPyTorchIncludingItsBackward(string name)
    {
        var a = G.Meta.GetProperty("lrn").GetProperty(name);
        string p = "lrn." + name + ".";
        var m = new CrossMapLrn2d(a[0].GetInt32(), a[1].GetDouble(), a[2].GetDouble(), a[3].GetDouble());
        var x = G[p + "x"].RequiresGrad_();
        var y = m.Forward(x);
        bool f32 = x.DType == DType.Float32;
        TensorAssert.Close(G[p + "out"], y.Detach(), f32 ? 1e-5 : 1e-12, f32 ? 1e-6 : 1e-13);
        if (!G.Names.Contains(p + "grad"))
        {
            TensorAssert.Throws<InvalidOperationException>(() => y.Backward(Tensor.OnesLike(y)), "CrossMapLRN2d", "size >= 2");
            return;
        }
        y.Backward(G[p + "gout"]);
        TensorAssert.Close(G[p + "grad"], x.Grad!, f32 ? 1e-5 : 1e-12, f32 ? 1e-6 : 1e-13);
    }

    [Fact]
    public void CrossMapLrn2dPassesGradcheckWherePyTorchsBackwardIsTheDerivative()
    {
        // PyTorch's backward is exact when the windows cover every channel (C = 1, or size >= 2C + 1).
        var one = Tensor.Randn([2, 1, 3, 2], dtype: DType.Float64).RequiresGrad_();
        Assert.True(Ember.Autograd.GradCheck(t => new CrossMapLrn2d(3, 0.5, 0.75, 1).Forward(t[0]), [one]));
        var three = Tensor.Randn([2, 3, 2, 2], dtype: DType.Float64).RequiresGrad_();
        Assert.True(Ember.Autograd.GradCheck(t => new CrossMapLrn2d(7, 0.5, 0.75, 1).Forward(t[0]), [three]));
        // ... and not elsewhere, as torch.autograd.gradcheck finds on PyTorch's layer.
        Assert.Throws<GradCheckException>(() => Ember.Autograd.GradCheck(t => new CrossMapLrn2d(3, 0.5, 0.75, 1).Forward(t[0]), [three]));
    }

    [Fact]
    public void CrossMapLrn2dPrintsAsPyTorchAndRefusesOtherRanks()
    {
        var repr = G.Meta.GetProperty("repr");
        Assert.Equal(repr.GetProperty("lrn_default").GetString(), new CrossMapLrn2d(5).ToString());
        Assert.Equal(repr.GetProperty("lrn_args").GetString(), new CrossMapLrn2d(3, 2e-4, 0.5, 2.5).ToString());
        TensorAssert.Throws<ArgumentException>(() => new CrossMapLrn2d(3).Forward(Tensor.Randn(2, 3, 4)), "CrossMapLRN2d", "4D", "[2, 3, 4]");
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossMapLrn2d(0));
    }

    [Fact]
    public void NllLoss2dIsNllLossWithPyTorchsDeprecationWarning()
    {
        using var w = Warnings.Capture();
        var loss = new NllLoss2d(G["nll2d.weight"]);
        Assert.Equal(G.Meta.GetProperty("warnings").GetProperty("nll2d")[0].GetString(), w.Messages.Single());
        Assert.Equal(G.Meta.GetProperty("repr").GetProperty("nll2d").GetString(), loss.ToString());
        var x = G["nll2d.x"].RequiresGrad_();
        var v = loss.Forward(x, G["nll2d.target"]);
        TensorAssert.Close(G["nll2d.out"], v.Detach());
        v.Backward();
        TensorAssert.Close(G["nll2d.grad"], x.Grad!);
        Assert.IsAssignableFrom<NllLoss>(loss);
    }
}

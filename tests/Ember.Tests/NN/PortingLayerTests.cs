using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The layers added for porting PyTorch programs (issue 15 item 4) against PyTorch
/// (tests/golden/nn_porting_layers.py): outputs and input gradients in float64 and float32, printed
/// text, float64 gradchecks and PyTorch's argument checks.
/// </summary>
public class PortingLayerTests
{
    private static Golden G => Golden.Load("nn_porting_layers");

    /// <summary>Each golden case: the module PyTorch ran, built the Ember way.</summary>
    private static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Cases = new()
    {
        ["zeropad2d"] = () => new ZeroPad2d(1, 2, 0, 3),
        ["constpad1d"] = () => new ConstantPad1d(2, 3.5),
        ["constpad2d_crop"] = () => new ConstantPad2d([-1, 2, 1, -2], -1.25),
        ["constpad3d"] = () => new ConstantPad3d(1, 0.5),
        ["reflpad1d"] = () => new ReflectionPad1d(3, 1),
        ["reflpad2d"] = () => new ReflectionPad2d(1, 2, 3, 0),
        ["reflpad2d_3d"] = () => new ReflectionPad2d(2),
        ["replpad1d"] = () => new ReplicationPad1d(2, 4),
        ["replpad2d"] = () => new ReplicationPad2d(3, 0, 1, 2),
        ["pixel_shuffle"] = () => new PixelShuffle(2),
        ["pixel_shuffle_batch2"] = () => new PixelShuffle(3),
        ["pixel_unshuffle"] = () => new PixelUnshuffle(2),
        ["pixel_unshuffle_3d"] = () => new PixelUnshuffle(3),
        ["softmax2d"] = () => new Softmax2d(),
        ["softmax2d_3d"] = () => new Softmax2d(),
        ["lrn"] = () => new LocalResponseNorm(3),
        ["lrn_3d_even"] = () => new LocalResponseNorm(4, alpha: 0.5, beta: 0.6, k: 2.0),
        ["lrn_5d"] = () => new LocalResponseNorm(2, alpha: 0.1),
        ["logsigmoid"] = () => new LogSigmoid(),
    };

    public static TheoryData<string, string> GoldenCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Cases.Keys) { data.Add(c, "f64"); data.Add(c, "f32"); }
        return data;
    }

    [Fact]
    public void EveryGoldenCaseIsChecked()
    {
        var inFile = G.Names.Select(n => n.Split('.')[0]).ToHashSet();
        Assert.Equal(inFile.OrderBy(s => s), Cases.Keys.OrderBy(s => s));
    }

    [Theory, MemberData(nameof(GoldenCases))]
    public void OutputAndInputGradientMatchPyTorch(string name, string tag)
    {
        Tensor Get(string n) => G[$"{name}.{tag}.{n}"];
        var x = Get("input").RequiresGrad_();
        var y = Cases[name]().Call(x);
        double rtol = tag == "f32" ? 2e-5 : 1e-10, atol = tag == "f32" ? 2e-6 : 1e-12;
        TensorAssert.Close(Get("output"), y, rtol, atol);
        TensorAssert.Close(Get("grad"), Ember.Autograd.Grad(y, x, Get("gout"))!, rtol, atol);
    }

    [Fact]
    public void ModulesPrintAsPyTorch()
    {
        var texts = G.Meta.GetProperty("texts");
        string T(string k) => texts.GetProperty(k).GetString()!;
        Assert.Equal(T("zeropad2d_1"), new ZeroPad2d(1).ToString());
        Assert.Equal(T("zeropad2d"), new ZeroPad2d(1, 2, 0, 3).ToString());
        Assert.Equal(T("constpad1d"), new ConstantPad1d(2, 3.5).ToString());
        Assert.Equal(T("constpad2d"), new ConstantPad2d([1, 0, 2, 1], 0).ToString());
        Assert.Equal(T("constpad3d"), new ConstantPad3d(1, -1).ToString());
        Assert.Equal(T("reflpad1d"), new ReflectionPad1d(2).ToString());
        Assert.Equal(T("reflpad2d"), new ReflectionPad2d(1, 0, 2, 1).ToString());
        Assert.Equal(T("replpad1d"), new ReplicationPad1d(3, 1).ToString());
        Assert.Equal(T("replpad2d"), new ReplicationPad2d(1).ToString());
        Assert.Equal(T("pixel_shuffle"), new PixelShuffle(2).ToString());
        Assert.Equal(T("pixel_unshuffle"), new PixelUnshuffle(3).ToString());
        Assert.Equal(T("softmax2d"), new Softmax2d().ToString());
        Assert.Equal(T("lrn"), new LocalResponseNorm(2).ToString());
        Assert.Equal(T("lrn_opts"), new LocalResponseNorm(5, 0.001, 0.5, 2.0).ToString());
        Assert.Equal(T("logsigmoid"), new LogSigmoid().ToString());
    }

    private static Tensor Leaf(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64).RequiresGrad_();

    [Fact]
    public void GradCheckOfTheCompositeLayers()
    {
        Assert.True(Ember.Autograd.GradCheck(a => F.PixelShuffle(a[0], 2), [Leaf(1, 1, 8, 2, 3)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.PixelUnshuffle(a[0].Transpose(-1, -2), 2), [Leaf(2, 2, 1, 4, 2)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.LocalResponseNorm(a[0], 3, alpha: 0.3, beta: 0.7, k: 1.5), [Leaf(3, 2, 5, 3)]));
        Assert.True(Ember.Autograd.GradCheck(a => new ReflectionPad2d(1, 2, 2, 0).Call(a[0]), [Leaf(4, 1, 2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(a => new ReplicationPad1d(2, 3).Call(a[0]), [Leaf(5, 2, 3)]));
        Assert.True(Ember.Autograd.GradCheck(a => new Softmax2d().Call(a[0]), [Leaf(6, 3, 2, 2)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.LocalResponseNorm(a[0], 2), [Leaf(7, 1, 3, 2)]));
    }

    [Fact]
    public void PixelUnshuffleInvertsPixelShuffle()
    {
        var x = Tensor.Randn(2, 3, 18, 4, 6);
        TensorAssert.Equal(x, F.PixelUnshuffle(F.PixelShuffle(x, 3), 3));
    }

    [Fact]
    public void BadArgumentsAreRefusedAsInPyTorch()
    {
        TensorAssert.Throws<ArgumentException>(() => new ZeroPad2d(1, 2), "ZeroPad2d", "padding must be one int or 4 ints");
        TensorAssert.Throws<ArgumentException>(() => new ReflectionPad1d(2).Call(Tensor.Randn(3, 2)), "pad", "Padding size should be less than the corresponding input dimension, but got: padding (2, 2) at dimension 1 of input [3, 2]");
        TensorAssert.Throws<ArgumentException>(() => new ReflectionPad2d(1).Call(Tensor.Randn(3, 2)), "reflect padding of 2 dim(s) needs a 3-D or 4-D input");
        TensorAssert.Throws<ArgumentException>(() => F.PixelShuffle(Tensor.Randn(3, 4), 2), "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 dimension(s)");
        TensorAssert.Throws<ArgumentException>(() => F.PixelShuffle(Tensor.Randn(1, 6, 2, 2), 2), "input.size(-3)=6 is not divisible by 4");
        TensorAssert.Throws<ArgumentException>(() => F.PixelShuffle(Tensor.Randn(1, 4, 2, 2), 0), "pixel_shuffle expects a positive upscale_factor, but got 0");
        TensorAssert.Throws<ArgumentException>(() => F.PixelUnshuffle(Tensor.Randn(1, 1, 3, 4), 2), "pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=3 is not divisible by 2");
        TensorAssert.Throws<ArgumentException>(() => F.PixelUnshuffle(Tensor.Randn(1, 1, 4, 5), 2), "input.size(-1)=5 is not divisible by 2");
        TensorAssert.Throws<ArgumentException>(() => new Softmax2d().Call(Tensor.Randn(2, 3)), "Softmax2d: expected input to be 3D or 4D, got 2D instead");
        TensorAssert.Throws<ArgumentException>(() => F.LocalResponseNorm(Tensor.Randn(2, 3), 2), "local_response_norm", "Expected 3D or higher dimensionality input (got 2 dimensions");
    }
}

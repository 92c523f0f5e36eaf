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
    private static readonly Dictionary<string, Func<DType, Module<Tensor, Tensor>>> Cases = new()
    {
        ["zeropad2d"] = _ => new ZeroPad2d(1, 2, 0, 3),
        ["constpad1d"] = _ => new ConstantPad1d(2, 3.5),
        ["constpad2d_crop"] = _ => new ConstantPad2d([-1, 2, 1, -2], -1.25),
        ["constpad3d"] = _ => new ConstantPad3d(1, 0.5),
        ["reflpad1d"] = _ => new ReflectionPad1d(3, 1),
        ["reflpad2d"] = _ => new ReflectionPad2d(1, 2, 3, 0),
        ["reflpad2d_3d"] = _ => new ReflectionPad2d(2),
        ["replpad1d"] = _ => new ReplicationPad1d(2, 4),
        ["replpad2d"] = _ => new ReplicationPad2d(3, 0, 1, 2),
        ["pixel_shuffle"] = _ => new PixelShuffle(2),
        ["pixel_shuffle_batch2"] = _ => new PixelShuffle(3),
        ["pixel_unshuffle"] = _ => new PixelUnshuffle(2),
        ["pixel_unshuffle_3d"] = _ => new PixelUnshuffle(3),
        ["softmax2d"] = _ => new Softmax2d(),
        ["softmax2d_3d"] = _ => new Softmax2d(),
        ["lrn"] = _ => new LocalResponseNorm(3),
        ["lrn_3d_even"] = _ => new LocalResponseNorm(4, alpha: 0.5, beta: 0.6, k: 2.0),
        ["lrn_5d"] = _ => new LocalResponseNorm(2, alpha: 0.1),
        ["logsigmoid"] = _ => new LogSigmoid(),
        ["in1d"] = dt => new InstanceNorm1d(3, dtype: dt),
        ["in1d_nobatch"] = dt => new InstanceNorm1d(3, dtype: dt),
        ["in2d_affine"] = dt => new InstanceNorm2d(3, affine: true, dtype: dt),
        ["in2d_track"] = dt => new InstanceNorm2d(3, momentum: 0.3, trackRunningStats: true, dtype: dt),
        ["in3d_affine_track"] = dt => new InstanceNorm3d(2, eps: 1e-3, affine: true, trackRunningStats: true, dtype: dt),
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
        var m = Cases[name](tag == "f64" ? DType.Float64 : DType.Float32);
        if (m is InstanceNormBase inorm && inorm.Affine)
            using (Ember.Autograd.NoGrad()) { inorm.Weight!.Copy_(Get("weight")); inorm.Bias!.Copy_(Get("bias")); }
        var y = m.Call(x);
        double rtol = tag == "f32" ? 2e-5 : 1e-10, atol = tag == "f32" ? 2e-6 : 1e-12;
        TensorAssert.Close(Get("output"), y, rtol, atol);
        TensorAssert.Close(Get("grad"), Ember.Autograd.Grad(y, x, Get("gout"))!, rtol, atol);
        if (m is InstanceNormBase { TrackRunningStats: true } tracked)
        {
            TensorAssert.Close(Get("running_mean"), tracked.RunningMean!, rtol, atol);
            TensorAssert.Close(Get("running_var"), tracked.RunningVar!, rtol, atol);
            m.Eval();
            TensorAssert.Close(Get("eval_output"), m.Call(Get("eval_input")), rtol, atol);
        }
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
        Assert.Equal(T("in1d"), new InstanceNorm1d(3).ToString());
        Assert.Equal(T("in2d"), new InstanceNorm2d(3, affine: true, trackRunningStats: true).ToString());
        Assert.Equal(T("in3d"), new InstanceNorm3d(4, eps: 1e-3, momentum: 0.5).ToString());
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], new InstanceNorm2d(3, affine: true, trackRunningStats: true).StateDict().Keys);
        Assert.Empty(new InstanceNorm1d(3).StateDict().Keys);
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
        Assert.True(Ember.Autograd.GradCheck(a => F.InstanceNorm(a[0], weight: a[1], bias: a[2]), [Leaf(8, 2, 3, 4), Leaf(9, 3), Leaf(10, 3)]));
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
        TensorAssert.Throws<ArgumentException>(() => new InstanceNorm2d(3).Call(Tensor.Randn(2, 3)), "InstanceNorm2d: expected 3D or 4D input (got 2D input)");
        TensorAssert.Throws<ArgumentException>(() => new InstanceNorm1d(3, affine: true).Call(Tensor.Randn(2, 4, 5)), "expected input's size at dim=1 to match num_features (3), but got: 4");
        TensorAssert.Throws<ArgumentException>(() => F.InstanceNorm(Tensor.Randn(2, 3, 1)), "instance_norm", "Expected more than 1 spatial element when training, got input size [2, 3, 1]");
        TensorAssert.Throws<ArgumentException>(() => F.LocalResponseNorm(Tensor.Randn(2, 3), 2), "local_response_norm", "Expected 3D or higher dimensionality input (got 2 dimensions");
    }
}

using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>Convolutions against PyTorch: outputs and gradients for every option, messages for bad input.</summary>
public class ConvTests
{
    public static TheoryData<string> FunctionalCases => new()
    {
        "conv2d_basic", "conv2d_stride_pad", "conv2d_dilation_groups", "conv2d_same_even", "conv2d_same_dilated",
        "conv2d_valid_nobias", "conv2d_unbatched", "conv2d_pointwise", "conv2d_float32", "conv1d_basic", "conv1d_options",
        "conv1d_same_unbatched", "convt2d_basic", "convt2d_stride_pad_outpad", "convt2d_groups_dilation", "convt2d_unbatched", "convt1d_basic",
    };

    private static Tensor Run(string name, Tensor x, Tensor? w, Tensor? b) => name switch
    {
        "conv2d_basic" => F.Conv2d(x, w!, b),
        "conv2d_stride_pad" => F.Conv2d(x, w!, b, stride: 2, padding: (1, 2)),
        "conv2d_dilation_groups" => F.Conv2d(x, w!, b, stride: (1, 2), dilation: (2, 1), groups: 2),
        "conv2d_same_even" => F.Conv2d(x, w!, b, padding: "same"),
        "conv2d_same_dilated" => F.Conv2d(x, w!, null, padding: "same", dilation: 2),
        "conv2d_valid_nobias" => F.Conv2d(x, w!, padding: "valid"),
        "conv2d_unbatched" => F.Conv2d(x, w!, b, padding: 1),
        "conv2d_pointwise" => F.Conv2d(x, w!, b, groups: 2),
        "conv2d_float32" => F.Conv2d(x, w!, b, stride: 2, padding: 1),
        "conv1d_basic" => F.Conv1d(x, w!, b),
        "conv1d_options" => F.Conv1d(x, w!, b, stride: 2, padding: 2, dilation: 2, groups: 2),
        "conv1d_same_unbatched" => F.Conv1d(x, w!, null, padding: "same"),
        "convt2d_basic" => F.ConvTranspose2d(x, w!, b),
        "convt2d_stride_pad_outpad" => F.ConvTranspose2d(x, w!, b, stride: 2, padding: 1, outputPadding: 1),
        "convt2d_groups_dilation" => F.ConvTranspose2d(x, w!, b, stride: (2, 1), padding: (0, 1), outputPadding: (1, 0), groups: 2, dilation: (1, 2)),
        "convt2d_unbatched" => F.ConvTranspose2d(x, w!, null, stride: 3),
        "convt1d_basic" => F.ConvTranspose1d(x, w!, b, stride: 2, padding: 1, outputPadding: 1),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(FunctionalCases))]
    public void FunctionalFormsMatchPyTorch(string name) => ConvGolden.Check(name, (x, w, b) => Run(name, x, w, b));

    [Theory]
    [InlineData(DType.Float32, 32, 50, 50, 1, 1, 1, 70)] // all: im2col into 288 packed rows (two K slices) x 2,500 positions (two blocks); one: direct
    [InlineData(DType.Float64, 3, 9, 7, 2, 0, 2, 5)]     // strided: im2col, packed (all) against the plain matrix (one)
    [InlineData(DType.Float32, 4, 6, 11, 1, 2, 1, 11)]   // direct: a full and a partial block of channels, padding wider than some windows
    [InlineData(DType.Float64, 2, 5, 19, 1, 0, 2, 3)]    // direct, dilated, a partial last vector of a row
    public void EachOutputChannelAloneGivesTheSameAsAll(DType dt, int c, int h, int w, int stride, int pad, int dilation, int outChannels)
    {
        // Different output channel counts take different kernels: direct convolution (forward, input
        // and weight gradients) for a few channels at unit stride, else im2col, unfolded straight into
        // the GEMM's packed order when there are several channels and as a plain matrix for one. All
        // must agree, values and gradients.
        var gen = new Generator(11);
        var x = Tensor.Randn([2, c, h, w], dtype: dt, generator: gen).RequiresGrad_();
        var weight = Tensor.Randn([outChannels, c, 3, 3], dtype: dt, generator: gen).RequiresGrad_();
        var bias = Tensor.Randn([outChannels], dtype: dt, generator: gen);
        var all = F.Conv2d(x, weight, bias, stride: stride, padding: pad, dilation: dilation);
        var gy = Tensor.Randn(all.Shape.ToArray(), dtype: dt, generator: gen);
        (all * gy).Sum().Backward();
        double tol = dt == DType.Float32 ? 2e-4 : 1e-11;
        var xGrad = Tensor.Zeros(x.Shape.ToArray(), dt);
        for (int o = 0; o < outChannels; o++)
        {
            var xo = x.Detach().RequiresGrad_();
            var wo = weight.Detach().Narrow(0, o, 1).Contiguous().RequiresGrad_();
            var one = F.Conv2d(xo, wo, bias.Narrow(0, o, 1).Contiguous(), stride: stride, padding: pad, dilation: dilation);
            TensorAssert.Close(one.Detach(), all.Detach().Narrow(1, o, 1), tol, tol);
            (one * gy.Narrow(1, o, 1)).Sum().Backward();
            TensorAssert.Close(wo.Grad!, weight.Grad!.Narrow(0, o, 1), tol, tol);
            xGrad = xGrad + xo.Grad!;
        }
        TensorAssert.Close(xGrad, x.Grad!, tol * 10, tol * 10);
    }

    [Fact]
    public void ABatchLargeEnoughToBeChunkedGivesTheSameAsOneSampleAtATime()
    {
        // 40 samples of 3x64x64 with a 5x5 kernel unfold to more than one chunk's budget, so the weight
        // gradient is summed over chunks and the unfolding runs in parallel.
        var gen = new Generator(5);
        var x = Tensor.Randn([40, 3, 64, 64], dtype: DType.Float64, generator: gen).RequiresGrad_();
        var w = Tensor.Randn([4, 3, 5, 5], dtype: DType.Float64, generator: gen).RequiresGrad_();
        var y = F.Conv2d(x, w, padding: 2, stride: 2);
        var gy = Tensor.Randn(y.Shape.ToArray(), dtype: DType.Float64, generator: gen);
        (y * gy).Sum().Backward();
        var gw = Tensor.Zeros([4, 3, 5, 5], DType.Float64);
        for (int n = 0; n < 40; n += 13)
        {
            int len = Math.Min(13, 40 - n);
            var xs = x.Detach().Narrow(0, n, len).RequiresGrad_();
            var ws = w.Detach().RequiresGrad_();
            var ys = F.Conv2d(xs, ws, padding: 2, stride: 2);
            TensorAssert.Close(ys.Detach(), y.Detach().Narrow(0, n, len), 1e-12, 1e-12);
            (ys * gy.Narrow(0, n, len)).Sum().Backward();
            TensorAssert.Close(xs.Grad!, x.Grad!.Narrow(0, n, len), 1e-12, 1e-12);
            gw = gw + ws.Grad!;
        }
        TensorAssert.Close(gw, w.Grad!, 1e-10, 1e-10);
    }

    [Fact]
    public void BadInputsGetPyTorchsMessages()
    {
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(4, 1, 32, 32), Tensor.Zeros(6, 3, 5, 5)),
            "Given groups=1, weight of size [6, 3, 5, 5], expected input[4, 1, 32, 32] to have 3 channels, but got 1 channels instead");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(4, 3), Tensor.Zeros(6, 3, 5, 5)),
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [4, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 3, 3, 3), Tensor.Zeros(6, 3, 5, 5)),
            "Calculated padded input size per channel: (3 x 3). Kernel size: (5 x 5). Kernel size can't be greater than actual input size");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(3, 2, 3, 3), groups: 2),
            "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), Tensor.Zeros(3)),
            "Given weight of size [4, 4, 3, 3], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), stride: 2, padding: "same"),
            "padding='same' is not supported for strided convolutions");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), stride: 0), "non-positive stride is not supported");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), padding: -1), "negative padding is not supported");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), dilation: 0), "dilation should be greater than zero");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8).To(DType.Float64), Tensor.Zeros(4, 4, 3, 3)),
            "expected scalar type torch.float64 but found torch.float32");
        TensorAssert.Throws<NotSupportedException>(() => F.Conv2d(Tensor.Zeros([1, 4, 8, 8], DType.Int64), Tensor.Zeros([4, 4, 3, 3], DType.Int64)), "conv2d", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => F.Conv1d(Tensor.Zeros(1, 4, 8), Tensor.Zeros(4, 4, 3, 3)), "conv1d", "3-D weight", "[4, 4, 3, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.ConvTranspose2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), stride: 2, outputPadding: 2),
            "output padding must be smaller than either stride or dilation");
        TensorAssert.Throws<ArgumentException>(() => F.ConvTranspose2d(Tensor.Zeros(1, 3, 8, 8), Tensor.Zeros(4, 4, 3, 3)),
            "Given transposed=1, weight of size [4, 4, 3, 3], expected input[1, 3, 8, 8] to have 4 channels, but got 3 channels instead");
        TensorAssert.Throws<ArgumentException>(() => F.ConvTranspose2d(Tensor.Zeros(1, 4, 1, 1), Tensor.Zeros(4, 4, 1, 1), padding: 1),
            "Calculated output size per channel: (-1 x -1). Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.Conv2d(Tensor.Zeros(1, 4, 8, 8), Tensor.Zeros(4, 4, 3, 3), padding: "full"), "Invalid padding string 'full'");
    }
}

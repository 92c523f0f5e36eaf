using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>Pooling against PyTorch: outputs, indices and gradients for every option, messages for bad input.</summary>
public class PoolingTests
{
    public static TheoryData<string> FunctionalCases => new()
    {
        "maxpool2d_basic", "maxpool2d_options", "maxpool2d_ceil", "maxpool2d_ceil_pad", "maxpool2d_unbatched", "maxpool2d_float32",
        "maxpool1d_options", "maxpool1d_unbatched", "avgpool2d_basic", "avgpool2d_pad", "avgpool2d_pad_exclude", "avgpool2d_ceil",
        "avgpool2d_ceil_exclude", "avgpool2d_divisor", "avgpool1d_basic", "adaptiveavg_basic", "adaptiveavg_none", "adaptiveavg_global",
        "adaptiveavg_up", "adaptivemax_basic", "adaptivemax_unbatched",
    };

    private static (Tensor, Tensor?) Run(string name, Tensor x) => name switch
    {
        "maxpool2d_basic" => F.MaxPool2dWithIndices(x, 2),
        "maxpool2d_options" => F.MaxPool2dWithIndices(x, (3, 2), stride: (2, 1), padding: 1, dilation: (1, 2)),
        "maxpool2d_ceil" => F.MaxPool2dWithIndices(x, 3, stride: 2, ceilMode: true),
        "maxpool2d_ceil_pad" => F.MaxPool2dWithIndices(x, 2, stride: 2, padding: 1, ceilMode: true),
        "maxpool2d_unbatched" => F.MaxPool2dWithIndices(x, 2, stride: 1),
        "maxpool2d_float32" => F.MaxPool2dWithIndices(x, 2),
        "maxpool1d_options" => F.MaxPool1dWithIndices(x, 3, stride: 2, padding: 1, dilation: 2, ceilMode: true),
        "maxpool1d_unbatched" => F.MaxPool1dWithIndices(x, 2),
        "avgpool2d_basic" => (F.AvgPool2d(x, 2), null),
        "avgpool2d_pad" => (F.AvgPool2d(x, 3, stride: 2, padding: 1), null),
        "avgpool2d_pad_exclude" => (F.AvgPool2d(x, 3, stride: 2, padding: 1, countIncludePad: false), null),
        "avgpool2d_ceil" => (F.AvgPool2d(x, (3, 2), stride: 2, padding: 1, ceilMode: true), null),
        "avgpool2d_ceil_exclude" => (F.AvgPool2d(x, 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), null),
        "avgpool2d_divisor" => (F.AvgPool2d(x, 2, stride: 1, divisorOverride: 3), null),
        "avgpool1d_basic" => (F.AvgPool1d(x, 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), null),
        "adaptiveavg_basic" => (F.AdaptiveAvgPool2d(x, (3, 4)), null),
        "adaptiveavg_none" => (F.AdaptiveAvgPool2d(x, (2, null)), null),
        "adaptiveavg_global" => (F.AdaptiveAvgPool2d(x, 1), null),
        "adaptiveavg_up" => (F.AdaptiveAvgPool2d(x, (5, 4)), null),
        "adaptivemax_basic" => F.AdaptiveMaxPool2dWithIndices(x, (3, 2)),
        "adaptivemax_unbatched" => F.AdaptiveMaxPool2dWithIndices(x, (4, 4)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(FunctionalCases))]
    public void FunctionalFormsMatchPyTorch(string name) => ConvGolden.Check(name, (x, _, _) => Run(name, x));

    [Theory]
    [InlineData(DType.Float32, 40)]   // two vectors of sixteen windows and a scalar tail per row
    [InlineData(DType.Float32, 6)]    // scalar only
    [InlineData(DType.Float64, 40)]
    public void TwoByTwoWindowsPickPyTorchsValueAndIndex(DType dt, int width)
    {
        // Small integers make ties common; NaNs and infinities test the rule "greater, or NaN" in
        // scan order (row by row), which decides both value and index.
        var rng = new Random(7);
        int n = 2 * 3 * 6 * width;
        var data = new double[n];
        for (int i = 0; i < n; i++)
        {
            int r = rng.Next(20);
            data[i] = r == 0 ? double.NaN : r == 1 ? double.NegativeInfinity : r == 2 ? double.PositiveInfinity : rng.Next(-3, 4);
        }
        var x = Tensor.From(data).Reshape(2, 3, 6, width).To(dt);
        var (y, idx) = F.MaxPool2dWithIndices(x, 2);
        var xv = x.To(DType.Float64).ToArray<double>();
        var yv = y.To(DType.Float64).ToArray<double>();
        var iv = idx.ToArray<long>();
        int ow = width / 2, q = 0;
        for (int plane = 0; plane < 6; plane++)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < ow; j++, q++)
                {
                    double best = double.NegativeInfinity;
                    long at = 2 * i * width + 2 * j;
                    foreach (var (h, w) in new[] { (2 * i, 2 * j), (2 * i, 2 * j + 1), (2 * i + 1, 2 * j), (2 * i + 1, 2 * j + 1) })
                    {
                        double v = xv[plane * 6 * width + h * width + w];
                        if (v > best || double.IsNaN(v)) { best = v; at = h * width + w; }
                    }
                    Assert.Equal(best, yv[q]);
                    Assert.Equal(at, iv[q]);
                }
    }

    [Fact]
    public void MaxUnpoolPutsValuesBackAtTheirIndices()
    {
        var g = ConvGolden.G;
        var idx = F.MaxPool2dWithIndices(g["unpool2d_src"], 2).Indices;
        ConvGolden.Check("unpool2d", (x, _, _) => F.MaxUnpool2d(x, idx, 2));
        var idx2 = F.MaxPool2dWithIndices(g["unpool2d_size_src"], 3, stride: 2, padding: 1).Indices;
        ConvGolden.Check("unpool2d_size", (x, _, _) => F.MaxUnpool2d(x, idx2, 3, stride: 2, padding: 1, outputSize: [6, 5]));
    }

    [Fact]
    public void CeilModeDropsALastWindowThatWouldStartInThePadding()
    {
        // 5 + 2·1 − 2 over stride 2, rounded up, is 4 windows; the 4th would start at 6 ≥ 5 + 1, so 3 remain.
        Assert.Equal(3, F.PoolOutputSize(5, 2, 1, 2, 1, ceilMode: true));
        Assert.Equal(4, F.PoolOutputSize(6, 2, 1, 2, 1, ceilMode: true));
        Assert.Equal(3, F.PoolOutputSize(6, 3, 0, 2, 1, ceilMode: true));
        Assert.Equal(2, F.PoolOutputSize(6, 3, 0, 2, 1, ceilMode: false));
    }

    [Fact]
    public void BadInputsGetPyTorchsMessages()
    {
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(1, 6, 4, 4), 5),
            "Given input size: (6x4x4). Calculated output size: (6x0x0). Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(6, 4, 4), 5), "Calculated output size: (6x0x0). Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(6, 4, 4), 2, padding: 2), "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(4, 4), 2), "non-empty 3D or 4D (batch mode) tensor expected for input");
        TensorAssert.Throws<ArgumentException>(() => F.AvgPool2d(Tensor.Zeros(1, 6, 4, 4), 5), "Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(1, 6, 4, 4), 0), "kernel size should be greater than zero");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool2d(Tensor.Zeros(1, 6, 4, 4), 2, stride: 0), "stride should be greater than zero");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool1d(Tensor.Zeros(1, 6, 4), 5), "max_pool1d", "Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.AdaptiveAvgPool2d(Tensor.Zeros(4, 4), 2), "non-empty 3D or 4D");
        TensorAssert.Throws<ArgumentException>(() => F.MaxUnpool2d(Tensor.Zeros(1, 1, 2, 2), Tensor.Full([1, 1, 2, 2], 100L, DType.Int64), 2),
            "Found an invalid max index: 100 (output volumes are of size 4x4");
        TensorAssert.Throws<ArgumentException>(() => F.MaxUnpool2d(Tensor.Zeros(1, 1, 2, 2), Tensor.Zeros([1, 1, 2, 2], DType.Int64), 2, outputSize: [7, 7]),
            "invalid output_size");
    }
}

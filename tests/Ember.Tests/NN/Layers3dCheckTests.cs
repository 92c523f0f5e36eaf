using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The 3-D and block layers (issue 15 item 4): float64 gradchecks (non-contiguous inputs included,
/// second order for the convolutions and Fold), identities between them, and the argument checks.
/// </summary>
public class Layers3dCheckTests
{
    private static Tensor Leaf(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64).RequiresGrad_();

    [Fact]
    public void GradCheckOfTheConvolutions()
    {
        Assert.True(Ember.Autograd.GradCheck(a => F.Conv3d(a[0], a[1], a[2], stride: (2, 1, 1), padding: (1, 0, 1), dilation: (1, 1, 2), groups: 2),
            [Leaf(1, 1, 4, 4, 3, 4), Leaf(2, 2, 2, 2, 2, 2), Leaf(3, 2)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.Conv3d(a[0].Transpose(2, 4), a[1], null, padding: "same"),
            [Leaf(4, 1, 2, 3, 3, 3), Leaf(5, 2, 2, 2, 3, 2)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.ConvTranspose3d(a[0], a[1], a[2], stride: (2, 1, 2), padding: (1, 0, 0), outputPadding: (1, 0, 1),
            groups: 2, dilation: (1, 2, 1)), [Leaf(6, 1, 2, 2, 3, 2), Leaf(7, 2, 2, 3, 2, 2), Leaf(8, 4)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.Conv3d(a[0], a[1], a[2], stride: 2, padding: 1), [Leaf(9, 1, 2, 3, 3, 3), Leaf(10, 2, 2, 2, 2, 2), Leaf(11, 2)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.ConvTranspose3d(a[0], a[1], null, stride: 2), [Leaf(12, 1, 2, 2, 2, 1), Leaf(13, 2, 1, 2, 2, 2)]));
    }

    [Fact]
    public void GradCheckOfThePools()
    {
        // Distinct values a finite difference cannot reorder: max pooling is differentiable there.
        var distinct = Tensor.RandPerm(120, new Generator(21), DType.Float64).View(1, 2, 3, 4, 5).Div(7).RequiresGrad_();
        Assert.True(Ember.Autograd.GradCheck(a => F.MaxPool3d(a[0], (2, 3, 2), stride: (1, 2, 2), padding: 1, dilation: (1, 1, 2), ceilMode: true), [distinct]));
        Assert.True(Ember.Autograd.GradCheck(a => F.AdaptiveMaxPool3d(a[0], (2, 3, 2)), [distinct]));
        Assert.True(Ember.Autograd.GradCheck(a => F.AdaptiveMaxPool1d(a[0].View(2, 3, 20), 6), [distinct]));
        Assert.True(Ember.Autograd.GradCheck(a => F.AvgPool3d(a[0], 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), [Leaf(22, 1, 2, 4, 5, 3)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.AvgPool3d(a[0].Transpose(2, 3), 2, stride: 1, divisorOverride: 3), [Leaf(23, 2, 3, 3, 2)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.AdaptiveAvgPool3d(a[0], (2, null, 3)), [Leaf(24, 1, 2, 5, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.AdaptiveAvgPool1d(a[0], 4), [Leaf(25, 2, 3, 7)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.LpPool2d(a[0].Abs() + 0.5, 2.5, (2, 3), stride: 1), [Leaf(26, 1, 2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.LpPool1d(a[0], 2, 3, stride: 2, ceilMode: true), [Leaf(27, 2, 8)]));
        var (_, idx) = F.MaxPool3dWithIndices(Tensor.Randn(1, 2, 4, 4, 4), 2);
        Assert.True(Ember.Autograd.GradCheck(a => F.MaxUnpool3d(a[0], idx, 2), [Leaf(28, 1, 2, 2, 2, 2)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.AvgPool3d(a[0], 2, stride: 1), [Leaf(29, 1, 1, 3, 3, 3)]));
    }

    [Fact]
    public void GradCheckOfFoldUnfoldAndPadding()
    {
        Assert.True(Ember.Autograd.GradCheck(a => F.Unfold(a[0], (2, 3), dilation: (2, 1), padding: 1, stride: (1, 2)), [Leaf(31, 2, 2, 4, 5)]));
        Assert.True(Ember.Autograd.GradCheck(a => F.Fold(a[0], (4, 5), (2, 3), dilation: (2, 1), padding: 1, stride: (1, 2)), [Leaf(32, 2, 12, 12)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.Fold(F.Unfold(a[0], 2) * F.Unfold(a[0], 2), (3, 4), 2), [Leaf(33, 1, 2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(a => new ReflectionPad3d(1, 2, 0, 1, 2, 1).Call(a[0]), [Leaf(34, 1, 2, 3, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(a => new ReplicationPad3d(2).Call(a[0]), [Leaf(35, 2, 2, 3, 2)]));
    }

    [Fact]
    public void UnfoldThenFoldCountsEachPixelsBlocks()
    {
        // fold(unfold(x)) = x · (the number of blocks covering each pixel), as PyTorch documents.
        var x = Tensor.Randn(2, 3, 5, 6);
        var ones = Tensor.Ones(1, 1, 5, 6);
        var counts = F.Fold(F.Unfold(ones, (2, 3), padding: 1, stride: (1, 2)), (5, 6), (2, 3), padding: 1, stride: (1, 2));
        TensorAssert.Close(x * counts, F.Fold(F.Unfold(x, (2, 3), padding: 1, stride: (1, 2)), (5, 6), (2, 3), padding: 1, stride: (1, 2)), 1e-6, 1e-6);
    }

    [Fact]
    public void UnfoldIsACopyThatKeepsNonFiniteValuesInPlace()
    {
        var x = Tensor.From([1.0, double.NaN, 3, double.PositiveInfinity], [1, 1, 2, 2]);
        var cols = F.Unfold(x, 1);
        Assert.Equal([1.0, double.NaN, 3, double.PositiveInfinity], cols.ToArray<double>());
    }

    [Fact]
    public void Conv3dMatchesConv2dOnADepthOfOne()
    {
        var x = Tensor.Randn(2, 4, 1, 6, 5);
        var w = Tensor.Randn(6, 2, 1, 3, 2);
        var b = Tensor.Randn(6);
        var y3 = F.Conv3d(x, w, b, stride: (1, 2, 1), padding: (0, 1, 1), groups: 2);
        var y2 = F.Conv2d(x.Squeeze(2), w.Squeeze(2), b, stride: (2, 1), padding: 1, groups: 2);
        TensorAssert.Close(y2, y3.Squeeze(2), 1e-5, 1e-5);
        Assert.True(y3.IsContiguous());
    }

    [Fact]
    public void BadArgumentsAreRefusedWithTheOpAndShapes()
    {
        var w = Tensor.Randn(3, 2, 3, 3, 3);
        TensorAssert.Throws<ArgumentException>(() => F.Conv3d(Tensor.Randn(2, 4, 4), w), "conv3d", "Expected 4D (unbatched) or 5D (batched) input to conv3d, but got input of size: [2, 4, 4]");
        TensorAssert.Throws<ArgumentException>(() => F.Conv3d(Tensor.Randn(1, 2, 2, 4, 4), w), "conv3d", "Calculated padded input size per channel: (2 x 4 x 4). Kernel size: (3 x 3 x 3). Kernel size can't be greater than actual input size");
        TensorAssert.Throws<ArgumentException>(() => F.Conv3d(Tensor.Randn(1, 3, 4, 4, 4), w), "conv3d", "expected input[1, 3, 4, 4, 4] to have 2 channels, but got 3 channels instead");
        TensorAssert.Throws<ArgumentException>(() => F.Conv3d(Tensor.Randn(1, 2, 4, 4, 4), Tensor.Randn(3, 2, 3, 3)), "conv3d", "expected a 5-D weight [out_channels, in_channels/groups, kD, kH, kW], but got weight of size [3, 2, 3, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.Conv3d(Tensor.Randn(1, 2, 4, 4, 4), w, stride: 2, padding: "same"), "conv3d", "padding='same' is not supported for strided convolutions");
        TensorAssert.Throws<ArgumentException>(() => new Conv3d(3, 4, 3, groups: 2), "Conv3d", "in_channels must be divisible by groups");
        TensorAssert.Throws<ArgumentException>(() => F.ConvTranspose3d(Tensor.Randn(1, 2, 1, 1, 1), Tensor.Randn(2, 2, 1, 1, 1), padding: 1), "conv_transpose3d", "Calculated output size per channel: (-1 x -1 x -1). Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.ConvTranspose3d(Tensor.Randn(1, 2, 2, 2, 2), Tensor.Randn(2, 2, 2, 2, 2), stride: 2, outputPadding: (0, 2, 0)), "conv_transpose3d", "output padding must be smaller than either stride or dilation");
        TensorAssert.Throws<ArgumentException>(() => new ConvTranspose3d(2, 2, 2, stride: 2).Forward(Tensor.Randn(1, 2, 2, 2, 2), [9, 4, 4]), "ConvTranspose3d", "requested an output size of [9, 4, 4], but valid sizes range from 4 to 5");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool3d(Tensor.Randn(2, 3, 3), 2), "max_pool3d", "non-empty 4D or 5D (batch mode) tensor expected for input, but got input of size [2, 3, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool3d(Tensor.Randn(1, 2, 3, 3, 3), 2, padding: 2), "max_pool3d", "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
        TensorAssert.Throws<ArgumentException>(() => F.MaxPool3d(Tensor.Randn(1, 2, 1, 3, 3), 2), "max_pool3d", "Given input size: (2x1x3x3). Calculated output size: (2x0x1x1). Output size is too small");
        TensorAssert.Throws<ArgumentException>(() => F.AvgPool3d(Tensor.Randn(1, 2, 3, 3, 3), (2, 0, 2)), "avg_pool3d", "kernel size should be greater than zero, but got kT: 2 kH: 0 kW: 2");
        TensorAssert.Throws<ArgumentException>(() => F.AvgPool3d(Tensor.Randn(1, 2, 3, 3, 3), 2, divisorOverride: 0), "avg_pool3d", "divisor must be not zero");
        TensorAssert.Throws<ArgumentException>(() => F.AdaptiveAvgPool3d(Tensor.Randn(1, 2, 3), 2), "adaptive_avg_pool3d", "4D or 5D");
        TensorAssert.Throws<ArgumentException>(() => F.AdaptiveMaxPool1d(Tensor.Randn(1, 2, 3, 4), 2), "adaptive_max_pool1d", "2D or 3D");
        TensorAssert.Throws<ArgumentException>(() => F.MaxUnpool3d(Tensor.Randn(1, 1, 1, 1, 1), Tensor.From([9L], [1, 1, 1, 1, 1]), 2), "max_unpool3d", "Found an invalid max index: 9 (output volumes are of size 2x2x2)");
        TensorAssert.Throws<ArgumentException>(() => F.MaxUnpool1d(Tensor.Randn(1, 2, 3, 4), Tensor.Zeros([1, 2, 3, 4], DType.Int64), 2), "max_unpool1d", "Input to max_unpooling1d should be a 2d or 3d Tensor");
        TensorAssert.Throws<ArgumentException>(() => new MaxUnpool3d(2).Forward(Tensor.Randn(1, 1, 2, 2, 2), Tensor.Zeros([1, 1, 2, 2, 2], DType.Int64), [4, 6, 4]), "max_unpool3d", "invalid output_size \"[4, 6, 4]\" (dim 1 must be between 4 and 5)");
        TensorAssert.Throws<ArgumentException>(() => new BatchNorm3d(3).Call(Tensor.Randn(2, 3, 4, 4)), "BatchNorm3d: expected 5D input (got 4D input)");
        TensorAssert.Throws<ArgumentException>(() => new ReflectionPad3d(1).Call(Tensor.Randn(3, 4, 4)), "pad", "reflect padding of 3 dim(s) needs a 4-D or 5-D input");
        TensorAssert.Throws<ArgumentException>(() => new ReflectionPad3d(2).Call(Tensor.Randn(1, 2, 2, 4, 4)), "pad", "Padding size should be less than the corresponding input dimension");
        TensorAssert.Throws<ArgumentException>(() => new ReplicationPad3d(1, 2).Call(Tensor.Randn(1, 2, 2, 4, 4)), "ReplicationPad3d", "padding must be one int or 6 ints");
        TensorAssert.Throws<ArgumentException>(() => F.Unfold(Tensor.Randn(2, 3), 2), "unfold", "Expected 3D or 4D (batch mode) tensor", "but got: [2, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.Unfold(Tensor.Randn(1, 2, 3, 3), 4), "unfold", "Given input with spatial size (3, 3), kernel_size=(4, 4), dilation=(1, 1), padding=(0, 0), calculated shape of the array of sliding blocks as (0, 0), but its components must be at least one.");
        TensorAssert.Throws<ArgumentException>(() => F.Unfold(Tensor.Randn(1, 2, 3, 3), 2, stride: 0), "unfold", "stride should be greater than zero, but got stride_height: 0 stride_width: 0");
        TensorAssert.Throws<ArgumentException>(() => F.Fold(Tensor.Randn(1, 12, 5), (4, 5), 2), "fold", "expected size of input's dimension 2 to match the calculated number of sliding blocks 3 * 4 = 12, but got input.size(2)=5.");
        TensorAssert.Throws<ArgumentException>(() => F.Fold(Tensor.Randn(1, 10, 12), (4, 5), 2), "fold", "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=10 and kernel_size=(2, 2).");
        TensorAssert.Throws<ArgumentException>(() => F.Fold(Tensor.Randn(1, 2, 3, 4), 4, 2), "fold", "Expected 2D or 3D (batch mode) tensor");
        TensorAssert.Throws<ArgumentException>(() => F.LpPool2d(Tensor.Randn(1, 2, 1, 3), 2, 2), "avg_pool2d", "Output size is too small");
    }
}

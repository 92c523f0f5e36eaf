using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>F.Interpolate and F.Pad against PyTorch: outputs and gradients for every mode, messages for bad input.</summary>
public class ResizeTests
{
    public static TheoryData<string> Cases => new()
    {
        "up_nearest_scale", "up_nearest_size", "up_nearest_frac", "up_bilinear_scale", "up_bilinear_align", "up_bilinear_down",
        "up_bilinear_frac", "up_nearest_1d", "up_bilinear_float32", "pad_constant", "pad_constant_neg", "pad_constant_3dims",
        "pad_reflect_1d", "pad_reflect_2d", "pad_replicate_1d", "pad_replicate_2d", "pad_circular_2d",
    };

    private static Tensor Run(string name, Tensor x) => name switch
    {
        "up_nearest_scale" => F.Interpolate(x, scaleFactor: [2], mode: "nearest"),
        "up_nearest_size" => F.Interpolate(x, size: [5, 7], mode: "nearest"),
        "up_nearest_frac" => F.Interpolate(x, scaleFactor: [1.5, 0.5], mode: "nearest"),
        "up_bilinear_scale" => F.Interpolate(x, scaleFactor: [2], mode: "bilinear"),
        "up_bilinear_align" => F.Interpolate(x, size: [5, 7], mode: "bilinear", alignCorners: true),
        "up_bilinear_down" => F.Interpolate(x, size: [2, 3], mode: "bilinear"),
        "up_bilinear_frac" => F.Interpolate(x, scaleFactor: [1.5, 2.5], mode: "bilinear"),
        "up_nearest_1d" => F.Interpolate(x, scaleFactor: [3], mode: "nearest"),
        "up_bilinear_float32" => F.Interpolate(x, scaleFactor: [2], mode: "bilinear", alignCorners: false),
        "pad_constant" => F.Pad(x, [1, 2, 0, 1], value: 0.5),
        "pad_constant_neg" => F.Pad(x, [-1, 2, 1, -1]),
        "pad_constant_3dims" => F.Pad(x, [1, 0, 0, 1, 2, 1]),
        "pad_reflect_1d" => F.Pad(x, [2, 3], "reflect"),
        "pad_reflect_2d" => F.Pad(x, [1, 2, 2, 1], "reflect"),
        "pad_replicate_1d" => F.Pad(x, [3, 1], "replicate"),
        "pad_replicate_2d" => F.Pad(x, [2, 1, 1, 3], "replicate"),
        "pad_circular_2d" => F.Pad(x, [1, 2, 2, 1], "circular"),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name) => ConvGolden.Check(name, (x, _, _) => Run(name, x));

    [Fact]
    public void BadInputsGetPyTorchsMessages()
    {
        var x = Tensor.Zeros(1, 6, 4);
        TensorAssert.Throws<ArgumentException>(() => F.Pad(x, [5, 5], "reflect"),
            "Padding size should be less than the corresponding input dimension, but got: padding (5, 5) at dimension 2 of input [1, 6, 4]");
        TensorAssert.Throws<ArgumentException>(() => F.Pad(x, [1]), "Padding length must be divisible by 2");
        TensorAssert.Throws<ArgumentException>(() => F.Pad(x, [1, 1, 1, 1, 1, 1, 1, 1]), "Padding length should be less than or equal to two times the input dimension");
        TensorAssert.Throws<ArgumentException>(() => F.Pad(x, [-3, -2]), "resulted in a negative output size");
        TensorAssert.Throws<ArgumentException>(() => F.Interpolate(x, scaleFactor: [2], mode: "bilinear"), "Got 3D input, but bilinear mode needs 4D input");
        TensorAssert.Throws<ArgumentException>(() => F.Interpolate(Tensor.Zeros(1, 1, 4, 4), size: [3, 3], scaleFactor: [2]), "only one of size or scale_factor should be defined");
        TensorAssert.Throws<ArgumentException>(() => F.Interpolate(Tensor.Zeros(1, 1, 4, 4), scaleFactor: [2], alignCorners: true),
            "align_corners option can only be set with the interpolating modes");
    }

    [Fact]
    public void CompositesPassGradcheckInFloat64()
    {
        var gen = new Generator(11);
        Tensor R(params int[] s) => Tensor.Randn(s, dtype: DType.Float64, generator: gen).RequiresGrad_();
        Assert.True(Ember.Autograd.GradCheck(x => F.Pad(x[0], [1, -1, 2, 1], value: 2), [R(2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(x => F.Pad(x[0], [2, 1, 1, 3], "reflect"), [R(1, 2, 4, 5)]));
        Assert.True(Ember.Autograd.GradCheck(x => F.Pad(x[0], [3, 2], "replicate"), [R(2, 3)]));
        Assert.True(Ember.Autograd.GradCheck(x => F.Pad(x[0], [1, 2, 2, 1], "circular"), [R(2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(x => F.Interpolate(x[0], scaleFactor: [1.7], mode: "nearest"), [R(1, 2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(x => F.Interpolate(x[0], size: [5, 3], mode: "bilinear", alignCorners: true), [R(1, 2, 3, 4)]));
        Assert.True(Ember.Autograd.GradCheck(x => F.Interpolate(x[0], scaleFactor: [2.5], mode: "linear"), [R(2, 2, 3)]));
    }

    [Fact]
    public void Float32ResizingMatchesPyTorchClosely()
    {
        // Nearest picks PyTorch's pixels exactly; bilinear weights are computed in float32 as PyTorch's,
        // so values agree to an ulp or so (PyTorch's vectorised kernel may fuse a multiply-add).
        var g = ConvGolden.G;
        TensorAssert.Close(g["up_bilinear_float32_y"], F.Interpolate(g["up_bilinear_float32_x"], scaleFactor: [2], mode: "bilinear", alignCorners: false), 3e-7, 1e-7);
        TensorAssert.Equal(g["up_nearest_frac_y"], F.Interpolate(g["up_nearest_frac_x"], scaleFactor: [1.5, 0.5], mode: "nearest"));
    }
}

using Ember.NN;

namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    private static IEnumerable<GradCase> ConvCases()
    {
        yield return Case("Convolution", "conv2d with bias", x => F.Conv2d(x[0], x[1], x[2]), () => [R(2, 3, 5, 5), R(4, 3, 3, 3), R(4)], gradGrad: true);
        yield return Case("Convolution", "conv2d stride 2, padding (1, 2), no bias", x => F.Conv2d(x[0], x[1], stride: 2, padding: (1, 2)), () => [R(2, 2, 5, 6), R(3, 2, 3, 2)]);
        yield return Case("Convolution", "conv2d stride (2, 1), dilation (1, 2)", x => F.Conv2d(x[0], x[1], x[2], stride: (2, 1), dilation: (1, 2)), () => [R(1, 2, 6, 7), R(2, 2, 2, 3), R(2)]);
        yield return Case("Convolution", "conv2d groups 2, padding same, even kernel", x => F.Conv2d(x[0], x[1], x[2], padding: "same", groups: 2), () => [R(2, 4, 4, 5), R(6, 2, 2, 3), R(6)], gradGrad: true);
        yield return Case("Convolution", "conv2d depthwise, dilation 2, padding same", x => F.Conv2d(x[0], x[1], padding: "same", dilation: 2, groups: 3), () => [R(1, 3, 5, 5), R(3, 1, 3, 3)]);
        yield return Case("Convolution", "conv2d 1x1 (pointwise), groups 2", x => F.Conv2d(x[0], x[1], x[2], groups: 2), () => [R(2, 4, 3, 3), R(4, 2, 1, 1), R(4)], gradGrad: true);
        yield return Case("Convolution", "conv2d unbatched, non-contiguous input", x => F.Conv2d(x[0], x[1], padding: 1), () => [NC(2, 4, 4), R(3, 2, 3, 3)]);
        yield return Case("Convolution", "conv2d, constant weight", x => F.Conv2d(x[0], x[1], stride: 2), () => [R(1, 2, 5, 5), C(2, 2, 3, 3)]);
        yield return Case("Convolution", "conv2d, only the weight requires grad", x => F.Conv2d(x[0], x[1], x[2], padding: "valid"), () => [C(3, 2, 4, 4), R(2, 2, 2, 2), R(2)]);
        yield return Case("Convolution", "conv1d stride 2, padding 1, dilation 2, bias", x => F.Conv1d(x[0], x[1], x[2], stride: 2, padding: 1, dilation: 2), () => [R(2, 3, 9), R(4, 3, 3), R(4)], gradGrad: true);
        yield return Case("Convolution", "conv1d groups 3, padding same, unbatched", x => F.Conv1d(x[0], x[1], padding: "same", groups: 3), () => [R(3, 6), R(3, 1, 4)]);

        yield return Case("ConvTranspose", "conv_transpose2d with bias", x => F.ConvTranspose2d(x[0], x[1], x[2]), () => [R(2, 3, 3, 3), R(3, 2, 3, 3), R(2)], gradGrad: true);
        yield return Case("ConvTranspose", "conv_transpose2d stride 2, padding 1, output_padding 1", x => F.ConvTranspose2d(x[0], x[1], x[2], stride: 2, padding: 1, outputPadding: 1), () => [R(1, 2, 3, 4), R(2, 3, 3, 3), R(3)]);
        yield return Case("ConvTranspose", "conv_transpose2d groups 2, dilation (2, 1), stride (1, 2)", x => F.ConvTranspose2d(x[0], x[1], null, stride: (1, 2), groups: 2, dilation: (2, 1)), () => [R(2, 4, 3, 3), R(4, 1, 2, 3)], gradGrad: true);
        yield return Case("ConvTranspose", "conv_transpose2d 1x1, unbatched", x => F.ConvTranspose2d(x[0], x[1], x[2]), () => [R(3, 2, 2), R(3, 4, 1, 1), R(4)]);
        yield return Case("ConvTranspose", "conv_transpose1d stride 3, output_padding 2, dilation 2", x => F.ConvTranspose1d(x[0], x[1], x[2], stride: 3, padding: 1, outputPadding: 2, dilation: 2), () => [R(2, 2, 4), R(2, 3, 3), R(3)]);

        yield return Case("ConvWeightGrad", "weight gradient of conv2d (stride 2, padding 1, groups 2) under createGraph",
            x => WeightGradOf(w => F.Conv2d(x[0], w, stride: 2, padding: 1, groups: 2), x[1], x[2]),
            () => [R(2, 4, 5, 5), C(2, 2, 3, 3), R(2, 2, 3, 3)], gradGrad: true);
        yield return Case("ConvWeightGrad", "weight gradient of conv_transpose2d (stride 2, dilation 2) under createGraph",
            x => WeightGradOf(w => F.ConvTranspose2d(x[0], w, stride: 2, dilation: 2), x[1], x[2]),
            () => [R(1, 2, 3, 3), C(2, 3, 2, 2), R(1, 3, 7, 7)]);
        yield return Case("ConvWeightGrad", "weight gradient of conv1d under createGraph",
            x => WeightGradOf(w => F.Conv1d(x[0], w, padding: 2), x[1], x[2]),
            () => [R(3, 2, 5), C(2, 2, 3), R(3, 2, 7)]);
    }

    /// <summary>The weight gradient of <paramref name="conv"/> at a fresh copy of <paramref name="weight"/> for the output gradient <paramref name="gy"/>, recorded for differentiation.</summary>
    private static Tensor WeightGradOf(Func<Tensor, Tensor> conv, Tensor weight, Tensor gy)
    {
        var w = weight.Detach().RequiresGrad_();
        return Ember.Autograd.Grad(conv(w), w, gy, createGraph: true)!;
    }
}

using Ember.NN;

namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    private static IEnumerable<GradCase> PoolingCases()
    {
        yield return Case("MaxPool2d", "max_pool2d 2x2", x => F.MaxPool2d(x[0], 2), () => [R(2, 2, 4, 6)], gradGrad: true);
        yield return Case("MaxPool2d", "max_pool2d overlapping, padding, dilation", x => F.MaxPool2d(x[0], (3, 2), stride: (2, 1), padding: 1, dilation: (1, 2)), () => [R(1, 2, 7, 6)]);
        yield return Case("MaxPool2d", "max_pool2d ceil mode, unbatched, non-contiguous", x => F.MaxPool2d(x[0], 3, stride: 2, ceilMode: true), () => [NC(2, 6, 6)]);
        yield return Case("MaxPool2d", "max_pool1d stride 2, padding 1, dilation 2, ceil mode", x => F.MaxPool1d(x[0], 3, stride: 2, padding: 1, dilation: 2, ceilMode: true), () => [R(2, 2, 9)]);
        yield return Case("AdaptiveMaxPool2d", "adaptive_max_pool2d (3, 2)", x => F.AdaptiveMaxPool2d(x[0], (3, 2)), () => [R(2, 2, 7, 5)], gradGrad: true);
        yield return Case("AdaptiveMaxPool2d", "adaptive_max_pool2d upsampling, unbatched", x => F.AdaptiveMaxPool2d(x[0], 4), () => [R(2, 3, 3)]);
        yield return Case("MaxPoolBackward", "max_pool2d gradient under createGraph",
            x => InputGradOf(v => F.MaxPool2d(v, 3, stride: 2, padding: 1), x[0], x[1]), () => [C(2, 2, 5, 5), R(2, 2, 3, 3)], gradGrad: true);
        yield return Case("MaxPoolBackward", "adaptive_max_pool2d gradient under createGraph",
            x => InputGradOf(v => F.AdaptiveMaxPool2d(v, (2, 3)), x[0], x[1]), () => [C(1, 2, 5, 4), R(1, 2, 2, 3)]);

        yield return Case("AvgPool2d", "avg_pool2d 2x2", x => F.AvgPool2d(x[0], 2), () => [R(2, 2, 4, 6)], gradGrad: true);
        yield return Case("AvgPool2d", "avg_pool2d padding, counting the padding", x => F.AvgPool2d(x[0], 3, stride: 2, padding: 1), () => [R(1, 2, 7, 6)]);
        yield return Case("AvgPool2d", "avg_pool2d ceil mode, not counting the padding", x => F.AvgPool2d(x[0], (3, 2), stride: 2, padding: 1, ceilMode: true, countIncludePad: false), () => [R(1, 2, 6, 7)]);
        yield return Case("AvgPool2d", "avg_pool2d divisor override, unbatched, non-contiguous", x => F.AvgPool2d(x[0], 2, stride: 1, divisorOverride: 3), () => [NC(2, 4, 4)]);
        yield return Case("AvgPool2d", "avg_pool1d ceil mode", x => F.AvgPool1d(x[0], 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), () => [R(2, 2, 8)]);
        yield return Case("AdaptiveAvgPool2d", "adaptive_avg_pool2d (3, 4)", x => F.AdaptiveAvgPool2d(x[0], (3, 4)), () => [R(2, 2, 7, 9)], gradGrad: true);
        yield return Case("AdaptiveAvgPool2d", "adaptive_avg_pool2d global, keeping the width", x => F.AdaptiveAvgPool2d(x[0], (1, null)), () => [R(2, 3, 4)]);
        yield return Case("AvgPoolBackward", "avg_pool2d gradient under createGraph",
            x => InputGradOf(v => F.AvgPool2d(v, 3, stride: 2, padding: 1, ceilMode: true), x[0], x[1]), () => [C(1, 2, 6, 6), R(1, 2, 4, 4)], gradGrad: true);
    }

    /// <summary>The input gradient of <paramref name="f"/> at a fresh copy of <paramref name="x"/> for the output gradient <paramref name="gy"/>, recorded for differentiation.</summary>
    private static Tensor InputGradOf(Func<Tensor, Tensor> f, Tensor x, Tensor gy)
    {
        var v = x.Detach().RequiresGrad_();
        return Ember.Autograd.Grad(f(v), v, gy, createGraph: true)!;
    }
}

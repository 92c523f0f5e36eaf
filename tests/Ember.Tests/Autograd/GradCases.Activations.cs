using Ember.NN;

namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    private static IEnumerable<GradCase> ActivationCases()
    {
        foreach (var c in UnaryCases("Erf", x => x.Erf(), null, Normal, gradGrad: true)) yield return c;

        foreach (var c in UnaryCases("Hardtanh", x => F.Hardtanh(x, -0.5, 0.7), x => F.Hardtanh(x, -0.5, 0.7, inplace: true), Normal, gradGrad: true)) yield return c;
        yield return Case("Hardtanh", "relu6", x => F.Relu6(x[0] * 4), () => [R(3, 4)], gradGrad: true);
        yield return Case("Hardtanh", "relu6 in place", x => F.Relu6(x[0] * 4, inplace: true), () => [R(3, 4)]);

        foreach (var c in UnaryCases("LeakyRelu", x => F.LeakyRelu(x, 0.2), x => F.LeakyRelu(x, 0.2, inplace: true), Normal, gradGrad: true)) yield return c;
        yield return Case("LeakyRelu", "negative slope", x => F.LeakyRelu(x[0], -0.3), () => [R(5)], gradGrad: true);

        foreach (var c in UnaryCases("Elu", x => F.Elu(x, 1.3), x => F.Elu(x, 1.3, inplace: true), Normal, gradGrad: true)) yield return c;
        yield return Case("Elu", "selu", x => F.Selu(x[0]), () => [R(3, 4)], gradGrad: true);
        yield return Case("Elu", "selu in place", x => F.Selu(x[0] * 1.0, inplace: true), () => [R(3, 4)], gradGrad: true);

        foreach (var c in UnaryCases("Gelu", x => F.Gelu(x), null, Normal, gradGrad: true)) yield return c;
        yield return Case("Gelu", "tanh approximation", x => F.Gelu(x[0] * 2, "tanh"), () => [R(3, 4)], gradGrad: true);

        foreach (var c in UnaryCases("Silu", x => F.Silu(x), x => F.Silu(x, inplace: true), Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Mish", x => F.Mish(x), x => F.Mish(x, inplace: true), Normal, gradGrad: true)) yield return c;
        // PyTorch's float 1/6 in the gradient is 3e-8 off, far inside gradcheck's tolerance.
        foreach (var c in UnaryCases("Hardsigmoid", x => F.Hardsigmoid(x * 2), x => F.Hardsigmoid(x, inplace: true), Normal, gradGrad: true)) yield return c;
        foreach (var c in UnaryCases("Hardswish", x => F.Hardswish(x * 3), x => F.Hardswish(x, inplace: true), Normal, gradGrad: true)) yield return c;

        foreach (var c in UnaryCases("Softplus", x => F.Softplus(x), null, Normal, gradGrad: true)) yield return c;
        // beta 2, threshold 1: inputs above 0.5 are in the linear region.
        yield return Case("Softplus", "beta and threshold", x => F.Softplus(x[0], 2, 1), () => [R(4, 5)], gradGrad: true);

        foreach (int dim in new[] { 0, 1, -1 })
        {
            yield return Case("Softmax", $"dim {dim}", x => x[0].Softmax(dim), () => [R(3, 4)], gradGrad: true);
            yield return Case("LogSoftmax", $"dim {dim}", x => x[0].LogSoftmax(dim), () => [R(3, 4)], gradGrad: true);
        }
        yield return Case("Softmax", "3-d middle dim, non-contiguous", x => x[0].Softmax(1), () => [NC(2, 3, 4)], gradGrad: true);
        yield return Case("LogSoftmax", "3-d middle dim, non-contiguous", x => x[0].LogSoftmax(1), () => [NC(2, 3, 4)], gradGrad: true);
        yield return Case("Softmax", "transposed", x => x[0].Softmax(-1), () => [T(3, 4)]);
        yield return Case("LogSoftmax", "transposed", x => x[0].LogSoftmax(-1), () => [T(3, 4)]);
        yield return Case("Softmax", "0-d", x => x[0].Softmax(0), () => [R()]);
        yield return Case("LogSoftmax", "0-d", x => x[0].LogSoftmax(0), () => [R()]);
    }
}

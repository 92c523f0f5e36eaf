using Ember.NN;

namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    // Binary cross-entropy is the one loss with its own row; inputs stay inside (0, 1), away from
    // the clamps, where the formula is smooth. Target and input are both differentiated.
    private static IEnumerable<GradCase> LossCases()
    {
        yield return Case("BinaryCrossEntropy", "none", x => F.BinaryCrossEntropy(x[0], x[1], reduction: Reduction.None),
            () => [U(0.1, 0.9, 3, 4), U(0, 1, 3, 4)], gradGrad: true);
        yield return Case("BinaryCrossEntropy", "mean, broadcast weight", x => F.BinaryCrossEntropy(x[0], x[1], x[2]),
            () => [U(0.1, 0.9, 3, 4), U(0, 1, 3, 4), U(0.5, 2, 4).Detach()], gradGrad: true);
        yield return Case("BinaryCrossEntropy", "sum, non-contiguous", x => F.BinaryCrossEntropy(x[0], x[1], reduction: Reduction.Sum),
            () => [NonContig(Uniform(0.1, 0.9), 3, 4), U(0, 1, 3, 4)]);
    }
}

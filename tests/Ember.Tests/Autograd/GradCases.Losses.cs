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
        // Cross-entropy over class indices on a CPU [N, C] or [C] input runs as one fused row node.
        var targets = Tensor.From<long>([2, 0, 3]);
        yield return Case("CrossEntropyRows", "mean", x => F.CrossEntropy(x[0], targets),
            () => [U(-2, 2, 3, 5)], gradGrad: true);
        yield return Case("CrossEntropyRows", "sum, weight, ignore_index, non-contiguous",
            x => F.CrossEntropy(x[0], targets, Tensor.From([0.5, 1.0, 2.0, 1.5, 0.7]), ignoreIndex: 0, reduction: Reduction.Sum),
            () => [NonContig(Uniform(-2, 2), 3, 5)], gradGrad: true);
        yield return Case("CrossEntropyRows", "none, unbatched", x => F.CrossEntropy(x[0], Tensor.Scalar(4L, DType.Int64)),
            () => [U(-2, 2, 5)], gradGrad: true);
        // nll_loss over a log_softmax along the class dim records one node against the logits.
        yield return Case("LogSoftmaxPick", "mean", x => F.NllLoss(x[0].LogSoftmax(1), targets),
            () => [U(-2, 2, 3, 5)], gradGrad: true);
        yield return Case("LogSoftmaxPick", "sum, weight, ignore_index, log-probabilities used twice",
            x => { var lp = x[0].LogSoftmax(-1); return F.NllLoss(lp, targets, Tensor.From([0.5, 1.0, 2.0, 1.5, 0.7]), ignoreIndex: 0, reduction: Reduction.Sum) + (lp * lp).Sum(); },
            () => [U(-2, 2, 3, 5)], gradGrad: true);
        yield return Case("LogSoftmaxPick", "none, unbatched", x => F.NllLoss(x[0].LogSoftmax(0), Tensor.Scalar(4L, DType.Int64), reduction: Reduction.None),
            () => [U(-2, 2, 5)], gradGrad: true);
        // CTC's gradient is PyTorch's, exact only through a log_softmax (its exp(log_probs) term
        // cancels there), so the checked function takes logits.
        var ctcTargets = Tensor.From(new long[] { 1, 2, 2, 3, 1, 0, 3, 3, 0 }).View(3, 3);
        yield return Case("CtcLoss", "padded, mean, through log_softmax", x => F.CtcLoss(x[0].LogSoftmax(2), ctcTargets, new[] { 7, 6, 5 }, new[] { 3, 1, 2 }),
            () => [R(7, 3, 4)]);
        yield return Case("CtcLoss", "blank 2, none, zero_infinity", x => F.CtcLoss(x[0].LogSoftmax(2), Tensor.From(new long[] { 1, 1, 0, 3, 1, 1, 1 }), new[] { 6, 5, 2 }, new[] { 2, 2, 3 }, blank: 2, reduction: Reduction.None, zeroInfinity: true),
            () => [R(6, 3, 4)]);
        // Layer norm on CPU float tensors: one fused node (input, weight, bias), over one or two trailing dims.
        yield return Case("LayerNorm", "weight and bias, last dim", x => F.LayerNorm(x[0], [5], x[1], x[2]),
            () => [R(3, 5), R(5), R(5)], gradGrad: true);
        yield return Case("LayerNorm", "two dims, no affine, non-contiguous", x => F.LayerNorm(x[0], [2, 3]),
            () => [NonContig(Normal, 4, 2, 3)], gradGrad: true);
        yield return Case("LayerNorm", "weight only", x => F.LayerNorm(x[0], [4], x[1], null, eps: 1e-3),
            () => [R(2, 3, 4), R(4)], gradGrad: true);
    }
}

using Ember.Graph;

namespace Ember;

// Loss rows of the derivative table. Most losses are composites and need none; binary
// cross-entropy is a primitive so that its gradient stays finite where the input is exactly 0 or 1
// (a sigmoid saturates to 1.0f easily), as PyTorch's binary_cross_entropy_backward does.
internal static partial class Derivatives
{
    /// <summary>State of binary_cross_entropy: the reduction, and whether a weight was saved (third).</summary>
    internal sealed record BceState(NN.Reduction Reduction, bool HasWeight, long Count);

    // PyTorch's EPSILON in binary_cross_entropy_backward is a float: 1e-12f, 9.999999960e-13 as a double.
    private const double BceEpsilon = 1e-12f;

    /// <summary>
    /// binary_cross_entropy(x, t, w) (BinaryCrossEntropyBackward0). Input: g w (x - t) / max((1 - x) x, ε), with
    /// PyTorch's ε = 1e-12f, so the gradient at x = 0 or 1 is finite and equals PyTorch's;
    /// target: g w (log(1 - x) - log x), i.e. -logit(x) (PyTorch's binary_cross_entropy_target_backward).
    /// Under the mean reduction both are divided by the element count.
    /// </summary>
    public static readonly Rule BinaryCrossEntropy = new("BinaryCrossEntropyBackward0", static (c, g) =>
    {
        var s = c.State<BceState>();
        Tensor x = c.Saved(0), t = c.Saved(1);
        var grad = s.Reduction == NN.Reduction.Mean ? g[0] / (double)s.Count : g[0];
        if (s.HasWeight) grad = grad * c.Saved(2);
        Tensor? gx = c.NeedsGrad(0) ? grad * (x - t) / ((1 - x) * x).ClampMin(BceEpsilon) : null;
        Tensor? gt = c.NeedsGrad(1) ? grad * ((1 - x).Log() - x.Log()) : null;
        return [gx, gt];
    });

    /// <summary>
    /// −log_softmax(x)[i, t[i]] per row of an [N, C] x (saved: x, t, the rows' max and log-sum-exp):
    /// g[i]·(softmax(x[i]) − onehot(t[i])), one pass (see F's CrossEntropyRows).
    /// </summary>
    public static readonly Rule CrossEntropyRows = new("CrossEntropyRowsBackward", static (c, g) =>
        [NN.F.CrossEntropyRowsBackward(c.Saved(0), c.Saved(1), c.Saved(2), g[0])]);

    /// <summary>
    /// −y[i, t[i]] where y = log_softmax(x) along the last dim of an [N, C] x, recorded against x itself
    /// (saved: y, t): log_softmax's backward of the pick's one-hot gradient, g[i]·(exp(y[i]) − onehot(t[i])),
    /// in one pass (see F's LogSoftmaxPick).
    /// </summary>
    public static readonly Rule LogSoftmaxPick = new("LogSoftmaxPickBackward", static (c, g) =>
        [NN.F.LogSoftmaxPickBackward(c.Saved(0), c.Saved(1), g[0])]);
}

internal static partial class Derivatives
{
    /// <summary>
    /// ctc_loss (CtcLossBackward0; saved: the per-sample gradient [T, N, C] that F.CtcLoss computes with
    /// the value from the alpha and beta recursions, as PyTorch's ctc_loss_backward): scaled by each
    /// sample's incoming gradient. Not differentiable again (PyTorch has no double backward either).
    /// </summary>
    public static readonly Rule CtcLoss = new("CtcLossBackward0", static (c, g) =>
    {
        var grad = c.Saved(0);
        return [grad * g[0].Reshape(1, -1, 1)];
    });
}

namespace Ember.NN;

// Negative log-likelihood losses of a distribution's parameters: Poisson (a rate) and Gaussian (a
// mean and a variance). Composites in the form of PyTorch 1.13.
public static partial class F
{
    /// <summary>
    /// The Poisson negative log-likelihood (<c>F.poisson_nll_loss</c>): exp(x) - y x where the input is
    /// the log-rate (<paramref name="logInput"/>, the default), else x - y log(x + eps). With
    /// <paramref name="full"/>, Stirling's approximation of log(y!), y log y - y + 0.5 log(2π y), is
    /// added where y &gt; 1 (PyTorch's choice: 0 for y ≤ 1).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the input is not floating point, or reduction is BatchMean.</exception>
    public static Tensor PoissonNllLoss(Tensor input, Tensor target, bool logInput = true, bool full = false, double eps = 1e-8, Reduction reduction = Reduction.Mean)
    {
        const string op = "poisson_nll_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        var loss = logInput ? input.Exp() - target * input : input - target * (input + eps).Log();
        if (full)
        {
            // Where y <= 1 the term is 0; the log's argument is 1 there, so no NaN reaches the gradient.
            var small = target <= 1;
            var y = Tensor.Where(small, 1.0, target);
            loss = loss + Tensor.Where(small, 0.0, y * y.Log() - y + 0.5 * (2 * Math.PI * y).Log());
        }
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// The Gaussian negative log-likelihood (<c>F.gaussian_nll_loss</c>): 0.5 (log v + (x - y)² / v),
    /// plus 0.5 log(2π) with <paramref name="full"/>, where x is the predicted mean, y the target and v
    /// the predicted variance. <paramref name="var"/> has the input's shape (one variance per element),
    /// or the input's shape without its last dim, or with a last dim of 1 (one variance per row). The
    /// variance is clamped below at <paramref name="eps"/> for the value only: as in PyTorch (which
    /// clamps in place under no_grad), its gradient passes as if unclamped.
    /// </summary>
    /// <exception cref="ArgumentException">var has another shape, a negative entry, or reduction is BatchMean.</exception>
    public static Tensor GaussianNllLoss(Tensor input, Tensor target, Tensor var, bool full = false, double eps = 1e-6, Reduction reduction = Reduction.Mean)
    {
        const string op = "gaussian_nll_loss";
        ArgumentNullException.ThrowIfNull(var);
        CheckPointwiseLoss(input, target, reduction, op);
        if (var.Shape != input.Shape)
        {
            var xs = input.Shape.ToArray();
            var vs = var.Shape.ToArray();
            bool rowShape = xs.Length >= 1 && xs.AsSpan(0, xs.Length - 1).SequenceEqual(vs);
            bool rowOfOne = xs.Length >= 1 && vs.Length == xs.Length && vs[^1] == 1 && xs.AsSpan(0, xs.Length - 1).SequenceEqual(vs.AsSpan(0, vs.Length - 1));
            if (rowShape) var = var.Unsqueeze(-1);
            else if (!rowOfOne)
                throw new ArgumentException($"{op}: var is of incorrect size: {var.Shape} for input of size {input.Shape} (expected the input's size, the input's size without its last dim, or with a last dim of 1).", nameof(var));
        }
        if (var.Numel() > 0 && (var < 0).Any().Item().ToBoolean())
            throw new ArgumentException($"{op}: var has negative entry/entries.", nameof(var));
        var v = ClampMinValueOnly(var, eps);
        var loss = 0.5 * (v.Log() + (input - target).Square() / v);
        if (full) loss = loss + 0.5 * Math.Log(2 * Math.PI);
        return Reduce(loss, reduction);
    }

    /// <summary>
    /// max(t, min) in value, with the gradient of t itself: what PyTorch gets by clamping in place
    /// under no_grad (gaussian_nll_loss's variance, cloned first). Where t is below min the
    /// value is min + (t - t.detach()), exactly min, and the gradient still 1.
    /// </summary>
    private static Tensor ClampMinValueOnly(Tensor t, double min)
    {
        var d = t.Detach();
        return Tensor.Where(d < min, t - d + min, t);
    }
}

namespace Ember.NN;

/// <summary>Helpers from <c>torch.nn.utils</c>.</summary>
public static partial class Utils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their joint norm (the
    /// norm of the vector of every gradient's norm) is at most <paramref name="maxNorm"/>
    /// (<c>torch.nn.utils.clip_grad_norm_</c>, PyTorch 1.13). Parameters without a gradient are ignored.
    /// The coefficient is <c>maxNorm / (total + 1e-6)</c> clamped to 1 (so gradients are always
    /// multiplied, by 1 when under the limit).
    /// </summary>
    /// <param name="parameters">The parameters whose <c>Grad</c> is clipped.</param>
    /// <param name="maxNorm">The largest allowed total norm.</param>
    /// <param name="normType">The p of the p-norm; <see cref="double.PositiveInfinity"/> for the max norm.</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or infinite instead of scaling by it.</param>
    /// <returns>The total norm of the gradients before clipping, a 0-d tensor (0-d float32 zero when no parameter has a gradient).</returns>
    /// <exception cref="InvalidOperationException">The total norm is non-finite and <paramref name="errorIfNonfinite"/> is set.</exception>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return Tensor.Scalar(0.0, DType.Float32);
        using var _ = Autograd.NoGrad();
        Tensor total;
        if (double.IsPositiveInfinity(normType))
        {
            var norms = grads.Select(g => g.Detach().Abs().Max()).ToList();
            total = norms.Count == 1 ? norms[0] : Tensor.Stack(norms).Max();
        }
        else
        {
            total = Tensor.Stack(grads.Select(g => g.Detach().Norm(normType)).ToList()).Norm(normType);
        }
        if (errorIfNonfinite && !double.IsFinite(total.Item().ToDouble()))
            throw new InvalidOperationException(
                $"The total norm of order {Ember.Optim.Optimizer.Num(normType)} for gradients from `parameters` is non-finite, so it cannot be clipped. " +
                "To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`");
        // Python's `max_norm / (total_norm + 1e-6)` is (total_norm + 1e-6).reciprocal() * max_norm.
        var clipCoef = (total + 1e-6).Reciprocal() * maxNorm;
        var clamped = clipCoef.Clamp(max: 1.0);
        foreach (var g in grads) g.Detach().Mul_(clamped);
        return total;
    }

    /// <summary>Clipping of a single parameter's gradient; see <see cref="ClipGradNorm_(IEnumerable{Tensor}, double, double, bool)"/>.</summary>
    /// <param name="parameter">The parameter whose <c>Grad</c> is clipped.</param>
    /// <param name="maxNorm">The largest allowed norm.</param>
    /// <param name="normType">The p of the p-norm.</param>
    /// <param name="errorIfNonfinite">Throw when the norm is NaN or infinite.</param>
    /// <returns>The norm before clipping.</returns>
    public static Tensor ClipGradNorm_(Tensor parameter, double maxNorm, double normType = 2, bool errorIfNonfinite = false) =>
        ClipGradNorm_([parameter], maxNorm, normType, errorIfNonfinite);

    /// <summary>
    /// Clamps every gradient of <paramref name="parameters"/> in place to
    /// [-<paramref name="clipValue"/>, <paramref name="clipValue"/>] (<c>torch.nn.utils.clip_grad_value_</c>).
    /// Parameters without a gradient are ignored.
    /// </summary>
    /// <param name="parameters">The parameters whose <c>Grad</c> is clamped.</param>
    /// <param name="clipValue">The largest allowed magnitude.</param>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var _ = Autograd.NoGrad();
        foreach (var p in parameters)
            p.Grad?.Detach().Clamp_(-clipValue, clipValue);
    }
}

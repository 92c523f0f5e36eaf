namespace Ember.NN;

// The other dropout forms of torch.nn.functional, on the same core as F.Dropout (same noise draws,
// so the same masks as PyTorch after the same seed): channel dropout for 1-d and 3-d feature maps,
// and the alpha dropouts that keep SELU networks self-normalising.
public static partial class F
{
    /// <summary>
    /// Zeroes whole channels of a (N, C, L) or unbatched (C, L) input with probability <paramref name="p"/>
    /// and scales the rest by 1 / (1 - p) (<c>F.dropout1d</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1], or the input is not 2-d or 3-d.</exception>
    public static Tensor Dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (input.NDim is not (2 or 3))
            throw new ArgumentException($"dropout1d: Expected 2D or 3D input, but received a {input.NDim}D input (shape {input.Shape}). Note that dropout1d exists to provide " +
                "channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).");
        return FeatureDropoutMaybeUnbatched(input, p, training, inplace, batched: input.NDim == 3, "dropout1d");
    }

    /// <summary>
    /// Zeroes whole channels of a (N, C, D, H, W) or unbatched (C, D, H, W) input with probability
    /// <paramref name="p"/> and scales the rest by 1 / (1 - p) (<c>F.dropout3d</c>). Other ranks are
    /// accepted with PyTorch 1.13's deprecation warning, read as unbatched.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    public static Tensor Dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckDropoutP(p);
        if (input.NDim is not (4 or 5))
            Warnings.Warn($"dropout3d: Received a {input.NDim}-D input to dropout3d, which is deprecated and will result in an error in a future " +
                "release. To retain the behavior and silence this warning, please use dropout instead. Note that dropout3d exists to provide " +
                "channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).");
        return FeatureDropoutMaybeUnbatched(input, p, training, inplace, batched: input.NDim == 5, "dropout3d");
    }

    private static Tensor FeatureDropoutMaybeUnbatched(Tensor input, double p, bool training, bool inplace, bool batched, string name)
    {
        if (batched) return DropoutCore(input, p, training, inplace, feature: true, alpha: false, name);
        // An unsqueezed view: in place, writing through it writes the input.
        var r = DropoutCore(input.Unsqueeze(0), p, training, inplace, feature: true, alpha: false, name);
        return inplace ? input : r.Squeeze(0);
    }

    /// <summary>
    /// Alpha dropout (<c>F.alpha_dropout</c>): each element is dropped with probability <paramref name="p"/>
    /// to SELU's negative saturation, and the result scaled and shifted so a zero-mean, unit-variance input
    /// keeps its mean and variance. Note <paramref name="training"/> is false by default, as in PyTorch's
    /// functional form; the modules pass their mode.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1].</exception>
    public static Tensor AlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false) =>
        DropoutCore(input, p, training, inplace, feature: false, alpha: true, "alpha_dropout");

    /// <summary>
    /// Alpha dropout of whole channels (dim 1) (<c>F.feature_alpha_dropout</c>); see <see cref="AlphaDropout"/>.
    /// <paramref name="training"/> is false by default, as in PyTorch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="p"/> is outside [0, 1], or the input has fewer than 2 dims.</exception>
    public static Tensor FeatureAlphaDropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false) =>
        DropoutCore(input, p, training, inplace, feature: true, alpha: true, "feature_alpha_dropout");
}

namespace Ember.NN;

/// <summary>
/// During training, zeroes whole channels of (N, C, L) or (C, L) inputs with probability p and scales the rest
/// by 1 / (1 - p) (<c>nn.Dropout1d</c>); in evaluation mode it returns its input. See <see cref="F.Dropout1d"/>.
/// </summary>
public sealed class Dropout1d(double p = 0.5, bool inplace = false) : DropoutNd(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout1d(input, P, Training, Inplace);
}

/// <summary>
/// During training, zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) inputs with probability p and
/// scales the rest by 1 / (1 - p) (<c>nn.Dropout3d</c>); in evaluation mode it returns its input. See <see cref="F.Dropout3d"/>.
/// </summary>
public sealed class Dropout3d(double p = 0.5, bool inplace = false) : DropoutNd(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Dropout3d(input, P, Training, Inplace);
}

/// <summary>
/// During training, alpha dropout (<c>nn.AlphaDropout</c>): dropped elements go to SELU's negative saturation
/// and the result is scaled and shifted to keep zero mean and unit variance; in evaluation mode it returns its
/// input. See <see cref="F.AlphaDropout"/>.
/// </summary>
public sealed class AlphaDropout(double p = 0.5, bool inplace = false) : DropoutNd(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AlphaDropout(input, P, Training, Inplace);
}

/// <summary>
/// During training, alpha dropout of whole channels (<c>nn.FeatureAlphaDropout</c>); in evaluation mode it
/// returns its input. See <see cref="F.FeatureAlphaDropout"/>.
/// </summary>
public sealed class FeatureAlphaDropout(double p = 0.5, bool inplace = false) : DropoutNd(p, inplace)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.FeatureAlphaDropout(input, P, Training, Inplace);
}

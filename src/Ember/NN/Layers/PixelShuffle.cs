namespace Ember.NN;

/// <summary>Rearranges [*, C r², H, W] into [*, C, H r, W r] (<c>nn.PixelShuffle(upscale_factor)</c>); see <see cref="F.PixelShuffle"/>.</summary>
/// <param name="upscaleFactor">The factor r.</param>
public sealed class PixelShuffle(int upscaleFactor) : Module<Tensor, Tensor>
{
    /// <summary>The factor (<c>upscale_factor</c>).</summary>
    public int UpscaleFactor { get; } = upscaleFactor;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.PixelShuffle(input, UpscaleFactor);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"upscale_factor={UpscaleFactor}";
}

/// <summary>Rearranges [*, C, H r, W r] into [*, C r², H, W] (<c>nn.PixelUnshuffle(downscale_factor)</c>); see <see cref="F.PixelUnshuffle"/>.</summary>
/// <param name="downscaleFactor">The factor r.</param>
public sealed class PixelUnshuffle(int downscaleFactor) : Module<Tensor, Tensor>
{
    /// <summary>The factor (<c>downscale_factor</c>).</summary>
    public int DownscaleFactor { get; } = downscaleFactor;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.PixelUnshuffle(input, DownscaleFactor);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"downscale_factor={DownscaleFactor}";
}

/// <summary>Softmax over the channels at every location (<c>nn.Softmax2d</c>): input [C, H, W] or [N, C, H, W], softmax over dim -3.</summary>
public sealed class Softmax2d : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input is not 3-d or 4-d.</exception>
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.NDim != 3 && input.NDim != 4)
            throw new ArgumentException($"Softmax2d: expected input to be 3D or 4D, got {input.NDim}D instead (size {input.Shape}).", nameof(input));
        return F.Softmax(input, -3);
    }
}

/// <summary>Local response normalisation across channels (<c>nn.LocalResponseNorm</c>); see <see cref="F.LocalResponseNorm"/>.</summary>
/// <param name="size">The number of neighbouring channels in the window.</param>
/// <param name="alpha">The scale (default 1e-4).</param>
/// <param name="beta">The exponent (default 0.75).</param>
/// <param name="k">The additive constant (default 1).</param>
public sealed class LocalResponseNorm(int size, double alpha = 1e-4, double beta = 0.75, double k = 1.0) : Module<Tensor, Tensor>
{
    /// <summary>The window size (<c>size</c>).</summary>
    public int Size { get; } = size;
    /// <summary>The scale (<c>alpha</c>).</summary>
    public double Alpha { get; } = alpha;
    /// <summary>The exponent (<c>beta</c>).</summary>
    public double Beta { get; } = beta;
    /// <summary>The additive constant (<c>k</c>).</summary>
    public double K { get; } = k;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LocalResponseNorm(input, Size, Alpha, Beta, K);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"{Size}, alpha={PyRepr.Float(Alpha)}, beta={PyRepr.Float(Beta)}, k={PyRepr.Float(K)}";
}

/// <summary>log(sigmoid(x)) (<c>nn.LogSigmoid</c>); see <see cref="F.LogSigmoid"/>.</summary>
public sealed class LogSigmoid : Module<Tensor, Tensor>
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LogSigmoid(input);
}

/// <summary>Interleaves the channels of <c>groups</c> groups (<c>nn.ChannelShuffle</c>, ShuffleNet); see <see cref="F.ChannelShuffle"/>.</summary>
/// <param name="groups">The number of channel groups.</param>
public sealed class ChannelShuffle(int groups) : Module<Tensor, Tensor>
{
    /// <summary>The number of channel groups (<c>groups</c>).</summary>
    public int Groups { get; } = groups;
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.ChannelShuffle(input, Groups);
    /// <inheritdoc/>
    public override string ExtraRepr() => $"groups={Groups}";
}

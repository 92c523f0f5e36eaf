namespace Ember.NN;

/// <summary>Extracts sliding local blocks, im2col (<c>nn.Unfold(kernel_size, dilation, padding, stride)</c>); see <see cref="F.Unfold"/>.</summary>
/// <param name="kernelSize">The block size.</param>
/// <param name="dilation">The spacing of a block's elements (default 1).</param>
/// <param name="padding">Implicit zeros on each side (default 0).</param>
/// <param name="stride">The step between blocks (default 1).</param>
public sealed class Unfold(IntOrPair kernelSize, IntOrPair? dilation = null, IntOrPair? padding = null, IntOrPair? stride = null)
    : Module<Tensor, Tensor>
{
    /// <summary>The block size.</summary>
    public IntOrPair KernelSize { get; } = kernelSize;

    /// <summary>The spacing of a block's elements.</summary>
    public IntOrPair Dilation { get; } = dilation ?? 1;

    /// <summary>Implicit zero padding on each side.</summary>
    public IntOrPair Padding { get; } = padding ?? 0;

    /// <summary>The step between blocks.</summary>
    public IntOrPair Stride { get; } = stride ?? 1;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Unfold(input, KernelSize, Dilation, Padding, Stride);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, dilation={Dilation}, padding={Padding}, stride={Stride}";
}

/// <summary>Sums sliding local blocks into a tensor, col2im (<c>nn.Fold(output_size, kernel_size, dilation, padding, stride)</c>); see <see cref="F.Fold"/>.</summary>
/// <param name="outputSize">The spatial size (H, W) of the output.</param>
/// <param name="kernelSize">The block size.</param>
/// <param name="dilation">The spacing of a block's elements (default 1).</param>
/// <param name="padding">Implicit zeros on each side (default 0).</param>
/// <param name="stride">The step between blocks (default 1).</param>
public sealed class Fold(IntOrPair outputSize, IntOrPair kernelSize, IntOrPair? dilation = null, IntOrPair? padding = null, IntOrPair? stride = null)
    : Module<Tensor, Tensor>
{
    /// <summary>The spatial size of the output.</summary>
    public IntOrPair OutputSize { get; } = outputSize;

    /// <summary>The block size.</summary>
    public IntOrPair KernelSize { get; } = kernelSize;

    /// <summary>The spacing of a block's elements.</summary>
    public IntOrPair Dilation { get; } = dilation ?? 1;

    /// <summary>Implicit zero padding on each side.</summary>
    public IntOrPair Padding { get; } = padding ?? 0;

    /// <summary>The step between blocks.</summary>
    public IntOrPair Stride { get; } = stride ?? 1;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Fold(input, OutputSize, KernelSize, Dilation, Padding, Stride);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}, kernel_size={KernelSize}, dilation={Dilation}, padding={Padding}, stride={Stride}";
}

namespace Ember.NN;

/// <summary>2-D average pooling (<c>nn.AvgPool2d</c>); see <see cref="F.AvgPool2d"/>.</summary>
public sealed class AvgPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size (<c>nn.AvgPool2d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)</c>).</summary>
    public AvgPool2d(IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding ?? 0;
        CeilMode = ceilMode; CountIncludePad = countIncludePad; DivisorOverride = divisorOverride;
    }

    /// <summary>The window size.</summary>
    public IntOrPair KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public IntOrPair Stride { get; }

    /// <summary>Implicit zero padding on each side.</summary>
    public IntOrPair Padding { get; }

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>A fixed divisor replacing the window size, or null.</summary>
    public int? DivisorOverride { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>1-D average pooling (<c>nn.AvgPool1d</c>); see <see cref="F.AvgPool1d"/>.</summary>
public sealed class AvgPool1d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size.</summary>
    public AvgPool1d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding; CeilMode = ceilMode; CountIncludePad = countIncludePad;
    }

    /// <summary>The window size.</summary>
    public int KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <summary>Implicit zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool1d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size=({KernelSize},), stride=({Stride},), padding=({Padding},)";
}

/// <summary>Adaptive average pooling to a fixed output size (<c>nn.AdaptiveAvgPool2d</c>); see <see cref="F.AdaptiveAvgPool2d(Tensor, ValueTuple{int?, int?})"/>.</summary>
public sealed class AdaptiveAvgPool2d : Module<Tensor, Tensor>
{
    private readonly bool _single;

    /// <summary>Pools to <paramref name="outputSize"/> x <paramref name="outputSize"/>.</summary>
    public AdaptiveAvgPool2d(int outputSize) { OutputSize = (outputSize, outputSize); _single = true; }

    /// <summary>Pools to (H, W); a null size keeps the input's.</summary>
    public AdaptiveAvgPool2d((int? H, int? W) outputSize) { OutputSize = outputSize; }

    /// <summary>The target size; null keeps the input's.</summary>
    public (int? H, int? W) OutputSize { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool2d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => "output_size=" + AdaptiveRepr(OutputSize, _single);

    internal static string AdaptiveRepr((int? H, int? W) s, bool single) =>
        single ? $"{s.H}" : $"({s.H?.ToString() ?? "None"}, {s.W?.ToString() ?? "None"})";
}

/// <summary>
/// Adaptive max pooling to a fixed output size (<c>nn.AdaptiveMaxPool2d</c>); see
/// <see cref="F.AdaptiveMaxPool2d(Tensor, ValueTuple{int?, int?})"/> and, for the indices, <see cref="ForwardWithIndices"/>.
/// </summary>
public sealed class AdaptiveMaxPool2d : Module<Tensor, Tensor>
{
    private readonly bool _single;

    /// <summary>Pools to <paramref name="outputSize"/> x <paramref name="outputSize"/>.</summary>
    public AdaptiveMaxPool2d(int outputSize, bool returnIndices = false) { OutputSize = (outputSize, outputSize); _single = true; ReturnIndices = returnIndices; }

    /// <summary>Pools to (H, W); a null size keeps the input's.</summary>
    public AdaptiveMaxPool2d((int? H, int? W) outputSize, bool returnIndices = false) { OutputSize = outputSize; ReturnIndices = returnIndices; }

    /// <summary>The target size; null keeps the input's.</summary>
    public (int? H, int? W) OutputSize { get; }

    /// <summary>PyTorch's <c>return_indices</c> (see <see cref="ForwardWithIndices"/>).</summary>
    public bool ReturnIndices { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool2d(input, OutputSize);

    /// <summary>The pooled values and the int64 position of each maximum.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool2dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => "output_size=" + AdaptiveAvgPool2d.AdaptiveRepr(OutputSize, _single);
}

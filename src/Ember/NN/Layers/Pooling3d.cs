namespace Ember.NN;

/// <summary>
/// 3-D max pooling (<c>nn.MaxPool3d</c>); see <see cref="F.MaxPool3d"/>. <see cref="Module{TIn, TOut}.Forward"/>
/// returns the pooled values; where PyTorch's <c>return_indices=True</c> makes the module return a
/// tuple, call <see cref="ForwardWithIndices"/> instead.
/// </summary>
public sealed class MaxPool3d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size (<c>nn.MaxPool3d(kernel_size, stride, padding, dilation, return_indices, ceil_mode)</c>).</summary>
    public MaxPool3d(IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null, IntOrTriple? dilation = null,
        bool returnIndices = false, bool ceilMode = false)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding ?? 0; Dilation = dilation ?? 1;
        ReturnIndices = returnIndices; CeilMode = ceilMode;
    }

    /// <summary>The window size.</summary>
    public IntOrTriple KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public IntOrTriple Stride { get; }

    /// <summary>Implicit negative-infinity padding on each side.</summary>
    public IntOrTriple Padding { get; }

    /// <summary>The spacing of a window's elements.</summary>
    public IntOrTriple Dilation { get; }

    /// <summary>PyTorch's <c>return_indices</c>; recorded for <see cref="ForwardWithIndices"/> users, not printed (as in PyTorch).</summary>
    public bool ReturnIndices { get; }

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool3d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>The pooled values and the int64 position of each maximum (<c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.MaxPool3dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={PyRepr.Bool(CeilMode)}";
}

/// <summary>3-D average pooling (<c>nn.AvgPool3d</c>); see <see cref="F.AvgPool3d"/>.</summary>
public sealed class AvgPool3d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size (<c>nn.AvgPool3d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)</c>).</summary>
    public AvgPool3d(IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding ?? 0;
        CeilMode = ceilMode; CountIncludePad = countIncludePad; DivisorOverride = divisorOverride;
    }

    /// <summary>The window size.</summary>
    public IntOrTriple KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public IntOrTriple Stride { get; }

    /// <summary>Implicit zero padding on each side.</summary>
    public IntOrTriple Padding { get; }

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded positions count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>A fixed divisor replacing the window size, or null.</summary>
    public int? DivisorOverride { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AvgPool3d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad, DivisorOverride);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}";
}

/// <summary>The partial inverse of <see cref="MaxPool1d"/> (<c>nn.MaxUnpool1d</c>): takes the pooled values and their indices; see <see cref="F.MaxUnpool1d"/>.</summary>
public sealed class MaxUnpool1d : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size.</summary>
    public MaxUnpool1d(int kernelSize, int? stride = null, int padding = 0)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding;
    }

    /// <summary>The pooling's window size.</summary>
    public int KernelSize { get; }

    /// <summary>The pooling's stride.</summary>
    public int Stride { get; }

    /// <summary>The pooling's padding.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor indices) => Forward(input, indices, null);

    /// <summary>Unpools to an explicit size (<c>forward(input, indices, output_size)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor indices, int[]? outputSize) => F.MaxUnpool1d(input, indices, KernelSize, Stride, Padding, outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size=({KernelSize},), stride=({Stride},), padding=({Padding},)";
}

/// <summary>The partial inverse of <see cref="MaxPool3d"/> (<c>nn.MaxUnpool3d</c>): takes the pooled values and their indices; see <see cref="F.MaxUnpool3d"/>.</summary>
public sealed class MaxUnpool3d : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size.</summary>
    public MaxUnpool3d(IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null)
    {
        KernelSize = kernelSize.ToArray(); Stride = (stride ?? kernelSize).ToArray(); Padding = (padding ?? 0).ToArray();
    }

    /// <summary>The pooling's window size.</summary>
    public int[] KernelSize { get; }

    /// <summary>The pooling's stride.</summary>
    public int[] Stride { get; }

    /// <summary>The pooling's padding.</summary>
    public int[] Padding { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor indices) => Forward(input, indices, null);

    /// <summary>Unpools to an explicit size (<c>forward(input, indices, output_size)</c>).</summary>
    public Tensor Forward(Tensor input, Tensor indices, int[]? outputSize) =>
        F.MaxUnpool3d(input, indices, Conv3d.Triple(KernelSize), Conv3d.Triple(Stride), Conv3d.Triple(Padding), outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={PyRepr.Tuple(KernelSize)}, stride={PyRepr.Tuple(Stride)}, padding={PyRepr.Tuple(Padding)}";
}

/// <summary>Power-average pooling over [N, C, L] or [C, L] (<c>nn.LPPool1d(norm_type, kernel_size, stride, ceil_mode)</c>); see <see cref="F.LpPool1d"/>.</summary>
/// <param name="normType">The power p.</param>
/// <param name="kernelSize">The window size.</param>
/// <param name="stride">The step between windows (null: the kernel size, printed as None as in PyTorch).</param>
/// <param name="ceilMode">Round output sizes up instead of down.</param>
public sealed class LPPool1d(double normType, int kernelSize, int? stride = null, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary>The power p.</summary>
    public double NormType { get; } = normType;

    /// <summary>The window size.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>The step between windows, or null for the kernel size.</summary>
    public int? Stride { get; } = stride;

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LpPool1d(input, NormType, KernelSize, Stride, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"norm_type={PyRepr.IntOrFloat(NormType)}, kernel_size={KernelSize}, stride={Stride?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"}, ceil_mode={PyRepr.Bool(CeilMode)}";
}

/// <summary>Power-average pooling over [N, C, H, W] or [C, H, W] (<c>nn.LPPool2d(norm_type, kernel_size, stride, ceil_mode)</c>); see <see cref="F.LpPool2d"/>.</summary>
/// <param name="normType">The power p.</param>
/// <param name="kernelSize">The window size.</param>
/// <param name="stride">The step between windows (null: the kernel size, printed as None as in PyTorch).</param>
/// <param name="ceilMode">Round output sizes up instead of down.</param>
public sealed class LPPool2d(double normType, IntOrPair kernelSize, IntOrPair? stride = null, bool ceilMode = false) : Module<Tensor, Tensor>
{
    /// <summary>The power p.</summary>
    public double NormType { get; } = normType;

    /// <summary>The window size.</summary>
    public IntOrPair KernelSize { get; } = kernelSize;

    /// <summary>The step between windows, or null for the kernel size.</summary>
    public IntOrPair? Stride { get; } = stride;

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; } = ceilMode;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.LpPool2d(input, NormType, KernelSize, Stride, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() =>
        $"norm_type={PyRepr.IntOrFloat(NormType)}, kernel_size={KernelSize}, stride={Stride?.ToString() ?? "None"}, ceil_mode={PyRepr.Bool(CeilMode)}";
}

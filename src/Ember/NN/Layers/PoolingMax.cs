namespace Ember.NN;

/// <summary>
/// 2-D max pooling (<c>nn.MaxPool2d</c>); see <see cref="F.MaxPool2d"/>. <see cref="Module{TIn, TOut}.Forward"/>
/// returns the pooled values; where PyTorch's <c>return_indices=True</c> makes the module return a
/// tuple, call <see cref="ForwardWithIndices"/> instead.
/// </summary>
public sealed class MaxPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size (<c>nn.MaxPool2d(kernel_size, stride, padding, dilation, return_indices, ceil_mode)</c>).</summary>
    public MaxPool2d(IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null, IntOrPair? dilation = null,
        bool returnIndices = false, bool ceilMode = false)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding ?? 0; Dilation = dilation ?? 1;
        ReturnIndices = returnIndices; CeilMode = ceilMode;
    }

    /// <summary>The window size.</summary>
    public IntOrPair KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public IntOrPair Stride { get; }

    /// <summary>Implicit negative-infinity padding on each side.</summary>
    public IntOrPair Padding { get; }

    /// <summary>The spacing of a window's elements.</summary>
    public IntOrPair Dilation { get; }

    /// <summary>PyTorch's <c>return_indices</c>; recorded for <see cref="ForwardWithIndices"/> users, not printed (as in PyTorch).</summary>
    public bool ReturnIndices { get; }

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>The pooled values and the int64 position of each maximum (<c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.MaxPool2dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={(CeilMode ? "True" : "False")}";
}

/// <summary>1-D max pooling (<c>nn.MaxPool1d</c>); see <see cref="F.MaxPool1d"/> and, for the indices, <see cref="ForwardWithIndices"/>.</summary>
public sealed class MaxPool1d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size.</summary>
    public MaxPool1d(int kernelSize, int? stride = null, int padding = 0, int dilation = 1, bool returnIndices = false, bool ceilMode = false)
    {
        KernelSize = kernelSize; Stride = stride ?? kernelSize; Padding = padding; Dilation = dilation;
        ReturnIndices = returnIndices; CeilMode = ceilMode;
    }

    /// <summary>The window size.</summary>
    public int KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <summary>Implicit negative-infinity padding on each side.</summary>
    public int Padding { get; }

    /// <summary>The spacing of a window's elements.</summary>
    public int Dilation { get; }

    /// <summary>PyTorch's <c>return_indices</c> (see <see cref="ForwardWithIndices"/>).</summary>
    public bool ReturnIndices { get; }

    /// <summary>Round output sizes up instead of down.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.MaxPool1d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <summary>The pooled values and the int64 position of each maximum.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.MaxPool1dWithIndices(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}, dilation={Dilation}, ceil_mode={(CeilMode ? "True" : "False")}";
}

/// <summary>
/// The partial inverse of <see cref="MaxPool2d"/> (<c>nn.MaxUnpool2d</c>): takes the pooled values and
/// their indices; see <see cref="F.MaxUnpool2d"/>.
/// </summary>
public sealed class MaxUnpool2d : Module<Tensor, Tensor, Tensor>
{
    /// <summary>Creates the layer; the stride defaults to the kernel size.</summary>
    public MaxUnpool2d(IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null)
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
        F.MaxUnpool2d(input, indices, (KernelSize[0], KernelSize[1]), (Stride[0], Stride[1]), (Padding[0], Padding[1]), outputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"kernel_size={ConvNd.Tuple(KernelSize)}, stride={ConvNd.Tuple(Stride)}, padding={ConvNd.Tuple(Padding)}";
}

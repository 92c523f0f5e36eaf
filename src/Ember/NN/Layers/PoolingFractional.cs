namespace Ember.NN;

/// <summary>
/// 2-D fractional max pooling (<c>nn.FractionalMaxPool2d</c>); see <see cref="F.FractionalMaxPool2d"/>.
/// Give exactly one of <c>outputSize</c> and <c>outputRatio</c> (each ratio in (0, 1)). Without
/// <c>randomSamples</c> every forward draws fresh window offsets from the default generator, as PyTorch;
/// with them (PyTorch's <c>_random_samples</c>, a buffer in the state dict) the windows are fixed.
/// <see cref="Module{TIn, TOut}.Forward"/> returns the values; <see cref="ForwardWithIndices"/> the
/// values and indices (PyTorch's <c>return_indices=True</c>).
/// </summary>
public sealed class FractionalMaxPool2d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.FractionalMaxPool2d(kernel_size, output_size, output_ratio, return_indices, _random_samples)</c>).</summary>
    /// <exception cref="ArgumentException">Neither or both of size and ratio, or a ratio outside (0, 1).</exception>
    public FractionalMaxPool2d(IntOrPair kernelSize, IntOrPair? outputSize = null, PoolRatio? outputRatio = null, bool returnIndices = false,
        Tensor? randomSamples = null)
    {
        FractionalMaxPoolArgs.Check("FractionalMaxPool2d", outputSize is null, outputRatio, 2);
        KernelSize = kernelSize; OutputSize = outputSize; OutputRatio = outputRatio; ReturnIndices = returnIndices; RandomSamples = randomSamples;
    }

    /// <summary>The window size.</summary>
    public IntOrPair KernelSize { get; }
    /// <summary>The output's height and width, or null when <see cref="OutputRatio"/> sets them.</summary>
    public IntOrPair? OutputSize { get; }
    /// <summary>The output's size as a fraction of the input's, or null when <see cref="OutputSize"/> is given.</summary>
    public PoolRatio? OutputRatio { get; }
    /// <summary>PyTorch's <c>return_indices</c>; recorded for <see cref="ForwardWithIndices"/> users.</summary>
    public bool ReturnIndices { get; }
    /// <summary>Fixed samples [N, C, 2] for the window offsets (<c>_random_samples</c>), or null to draw them per forward.</summary>
    [Buffer, Named("_random_samples")] public Tensor? RandomSamples { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Output;

    /// <summary>The pooled values and the int64 position of each maximum in its plane (<c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.FractionalMaxPool2dWithIndices(input, KernelSize, OutputSize, OutputRatio, RandomSamples);
}

/// <summary>
/// 3-D fractional max pooling (<c>nn.FractionalMaxPool3d</c>); see <see cref="F.FractionalMaxPool3d"/> and
/// <see cref="FractionalMaxPool2d"/>, with samples [N, C, 3].
/// </summary>
public sealed class FractionalMaxPool3d : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer (<c>nn.FractionalMaxPool3d(kernel_size, output_size, output_ratio, return_indices, _random_samples)</c>).</summary>
    /// <exception cref="ArgumentException">Neither or both of size and ratio, or a ratio outside (0, 1).</exception>
    public FractionalMaxPool3d(IntOrTriple kernelSize, IntOrTriple? outputSize = null, PoolRatio? outputRatio = null, bool returnIndices = false,
        Tensor? randomSamples = null)
    {
        FractionalMaxPoolArgs.Check("FractionalMaxPool3d", outputSize is null, outputRatio, 3);
        KernelSize = kernelSize; OutputSize = outputSize; OutputRatio = outputRatio; ReturnIndices = returnIndices; RandomSamples = randomSamples;
    }

    /// <summary>The window size.</summary>
    public IntOrTriple KernelSize { get; }
    /// <summary>The output's time, height and width, or null when <see cref="OutputRatio"/> sets them.</summary>
    public IntOrTriple? OutputSize { get; }
    /// <summary>The output's size as a fraction of the input's, or null when <see cref="OutputSize"/> is given.</summary>
    public PoolRatio? OutputRatio { get; }
    /// <summary>PyTorch's <c>return_indices</c>; recorded for <see cref="ForwardWithIndices"/> users.</summary>
    public bool ReturnIndices { get; }
    /// <summary>Fixed samples [N, C, 3] for the window offsets (<c>_random_samples</c>), or null to draw them per forward.</summary>
    [Buffer, Named("_random_samples")] public Tensor? RandomSamples { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => ForwardWithIndices(input).Output;

    /// <summary>The pooled values and the int64 position of each maximum in its volume (<c>return_indices=True</c>).</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) =>
        F.FractionalMaxPool3dWithIndices(input, KernelSize, OutputSize, OutputRatio, RandomSamples);
}

internal static class FractionalMaxPoolArgs
{
    // PyTorch's constructor checks, with its messages.
    public static void Check(string name, bool noSize, PoolRatio? ratio, int dims)
    {
        if (noSize && ratio is null) throw new ArgumentException($"{name} requires specifying either an output size, or a pooling ratio");
        if (!noSize && ratio is not null) throw new ArgumentException($"{name}: only one of output_size and output_ratio may be specified");
        if (ratio is { } r && r.ToArray(dims, name).Any(v => !(v > 0 && v < 1)))
            throw new ArgumentException($"{name}: output_ratio must be between 0 and 1 (got {r})");
    }
}

namespace Ember.NN;

/// <summary>Adaptive average pooling of [N, C, L] or [C, L] to a fixed length (<c>nn.AdaptiveAvgPool1d</c>); see <see cref="F.AdaptiveAvgPool1d"/>.</summary>
/// <param name="outputSize">The output length.</param>
public sealed class AdaptiveAvgPool1d(int outputSize) : Module<Tensor, Tensor>
{
    /// <summary>The output length.</summary>
    public int OutputSize { get; } = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool1d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

/// <summary>
/// Adaptive max pooling of [N, C, L] or [C, L] to a fixed length (<c>nn.AdaptiveMaxPool1d</c>); see
/// <see cref="F.AdaptiveMaxPool1d"/> and, for the indices, <see cref="ForwardWithIndices"/>.
/// </summary>
/// <param name="outputSize">The output length.</param>
/// <param name="returnIndices">PyTorch's <c>return_indices</c> (see <see cref="ForwardWithIndices"/>).</param>
public sealed class AdaptiveMaxPool1d(int outputSize, bool returnIndices = false) : Module<Tensor, Tensor>
{
    /// <summary>The output length.</summary>
    public int OutputSize { get; } = outputSize;

    /// <summary>PyTorch's <c>return_indices</c> (see <see cref="ForwardWithIndices"/>).</summary>
    public bool ReturnIndices { get; } = returnIndices;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool1d(input, OutputSize);

    /// <summary>The pooled values and the int64 position of each maximum.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool1dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => $"output_size={OutputSize}";
}

/// <summary>Adaptive average pooling of [N, C, D, H, W] or [C, D, H, W] to a fixed size (<c>nn.AdaptiveAvgPool3d</c>); see <see cref="F.AdaptiveAvgPool3d(Tensor, ValueTuple{int?, int?, int?})"/>.</summary>
public sealed class AdaptiveAvgPool3d : Module<Tensor, Tensor>
{
    private readonly bool _single;

    /// <summary>Pools to <paramref name="outputSize"/> in every dim.</summary>
    public AdaptiveAvgPool3d(int outputSize) { OutputSize = (outputSize, outputSize, outputSize); _single = true; }

    /// <summary>Pools to (D, H, W); a null size keeps the input's.</summary>
    public AdaptiveAvgPool3d((int? D, int? H, int? W) outputSize) { OutputSize = outputSize; }

    /// <summary>The target size; null keeps the input's.</summary>
    public (int? D, int? H, int? W) OutputSize { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveAvgPool3d(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => "output_size=" + Repr(OutputSize, _single);

    internal static string Repr((int? D, int? H, int? W) s, bool single) =>
        single ? $"{s.D}" : $"({s.D?.ToString() ?? "None"}, {s.H?.ToString() ?? "None"}, {s.W?.ToString() ?? "None"})";
}

/// <summary>
/// Adaptive max pooling of [N, C, D, H, W] or [C, D, H, W] to a fixed size (<c>nn.AdaptiveMaxPool3d</c>); see
/// <see cref="F.AdaptiveMaxPool3d(Tensor, ValueTuple{int?, int?, int?})"/> and, for the indices, <see cref="ForwardWithIndices"/>.
/// </summary>
public sealed class AdaptiveMaxPool3d : Module<Tensor, Tensor>
{
    private readonly bool _single;

    /// <summary>Pools to <paramref name="outputSize"/> in every dim.</summary>
    public AdaptiveMaxPool3d(int outputSize, bool returnIndices = false)
    {
        OutputSize = (outputSize, outputSize, outputSize); _single = true; ReturnIndices = returnIndices;
    }

    /// <summary>Pools to (D, H, W); a null size keeps the input's.</summary>
    public AdaptiveMaxPool3d((int? D, int? H, int? W) outputSize, bool returnIndices = false) { OutputSize = outputSize; ReturnIndices = returnIndices; }

    /// <summary>The target size; null keeps the input's.</summary>
    public (int? D, int? H, int? W) OutputSize { get; }

    /// <summary>PyTorch's <c>return_indices</c> (see <see cref="ForwardWithIndices"/>).</summary>
    public bool ReturnIndices { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.AdaptiveMaxPool3d(input, OutputSize);

    /// <summary>The pooled values and the int64 position (d · H · W + h · W + w) of each maximum.</summary>
    public (Tensor Output, Tensor Indices) ForwardWithIndices(Tensor input) => F.AdaptiveMaxPool3dWithIndices(input, OutputSize);

    /// <inheritdoc/>
    public override string ExtraRepr() => "output_size=" + AdaptiveAvgPool3d.Repr(OutputSize, _single);
}

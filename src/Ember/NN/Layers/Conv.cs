namespace Ember.NN;

/// <summary>
/// 1-D convolution over [N, C_in, L] or [C_in, L] (<c>nn.Conv1d</c>); see <see cref="F.Conv1d"/>.
/// Padding other than zeros (<c>paddingMode</c> reflect, replicate or circular) is applied with
/// <see cref="F.Pad"/> before a convolution without padding, as PyTorch does.
/// </summary>
public class Conv1d : ConvNd
{
    /// <summary>Creates the layer (<c>nn.Conv1d(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>).</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a bad size, an unknown padding mode, or "same" with a stride.</exception>
    public Conv1d(int inChannels, int outChannels, int kernelSize, int stride = 1, ConvPadding? padding = null, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base("Conv1d", false, inChannels, outChannels, [kernelSize], [stride], [(padding ?? 0).Mode is null ? (padding ?? 0).Size.First : 0],
            (padding ?? 0).Mode, [dilation], [0], groups, bias, paddingMode, dtype, device)
    {
    }

    private protected Conv1d(LazyTag _, int outChannels, int kernelSize, int stride, ConvPadding? padding, int dilation,
        int groups, bool bias, string paddingMode, DType? dtype, Device? device)
        : base("LazyConv1d", false, 0, outChannels, [kernelSize], [stride], [(padding ?? 0).Mode is null ? (padding ?? 0).Size.First : 0],
            (padding ?? 0).Mode, [dilation], [0], groups, bias, paddingMode, dtype, device, lazy: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (PaddingMode != "zeros") return F.Conv1d(PadForMode(input), Weight, Bias, Stride[0], 0, Dilation[0], Groups);
        ConvPadding pad = PaddingString is null ? Padding[0] : PaddingString;
        return F.Conv1d(input, Weight, Bias, Stride[0], pad, Dilation[0], Groups);
    }
}

/// <summary>
/// 2-D convolution over [N, C_in, H, W] or [C_in, H, W] (<c>nn.Conv2d</c>); see <see cref="F.Conv2d"/>.
/// Padding other than zeros (<c>paddingMode</c> reflect, replicate or circular) is applied with
/// <see cref="F.Pad"/> before a convolution without padding, as PyTorch does.
/// </summary>
public class Conv2d : ConvNd
{
    /// <summary>Creates the layer (<c>nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>).</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a bad size, an unknown padding mode, or "same" with a stride.</exception>
    public Conv2d(int inChannels, int outChannels, IntOrPair kernelSize, IntOrPair? stride = null, ConvPadding? padding = null,
        IntOrPair? dilation = null, int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base("Conv2d", false, inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(),
            (padding ?? 0).Mode is null ? (padding ?? 0).Size.ToArray() : [0, 0], (padding ?? 0).Mode, (dilation ?? 1).ToArray(), [0, 0],
            groups, bias, paddingMode, dtype, device)
    {
    }

    private protected Conv2d(LazyTag _, int outChannels, IntOrPair kernelSize, IntOrPair? stride, ConvPadding? padding,
        IntOrPair? dilation, int groups, bool bias, string paddingMode, DType? dtype, Device? device)
        : base("LazyConv2d", false, 0, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(),
            (padding ?? 0).Mode is null ? (padding ?? 0).Size.ToArray() : [0, 0], (padding ?? 0).Mode, (dilation ?? 1).ToArray(), [0, 0],
            groups, bias, paddingMode, dtype, device, lazy: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        IntOrPair stride = (Stride[0], Stride[1]), dilation = (Dilation[0], Dilation[1]);
        if (PaddingMode != "zeros") return F.Conv2d(PadForMode(input), Weight, Bias, stride, 0, dilation, Groups);
        ConvPadding pad = PaddingString is null ? (Padding[0], Padding[1]) : PaddingString;
        return F.Conv2d(input, Weight, Bias, stride, pad, dilation, Groups);
    }
}

/// <summary>Selects the constructors the lazy layers use (uninitialized parameters, no draws).</summary>
internal readonly struct LazyTag;

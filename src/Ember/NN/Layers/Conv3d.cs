namespace Ember.NN;

/// <summary>
/// 3-D convolution over [N, C_in, D, H, W] or [C_in, D, H, W] (<c>nn.Conv3d</c>); see <see cref="F.Conv3d"/>.
/// Padding other than zeros (<c>paddingMode</c> reflect, replicate or circular) is applied with
/// <see cref="F.Pad"/> before a convolution without padding, as PyTorch does.
/// </summary>
public class Conv3d : ConvNd
{
    /// <summary>Creates the layer (<c>nn.Conv3d(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>).</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a bad size, an unknown padding mode, or "same" with a stride.</exception>
    public Conv3d(int inChannels, int outChannels, IntOrTriple kernelSize, IntOrTriple? stride = null, ConvPadding3d? padding = null,
        IntOrTriple? dilation = null, int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base("Conv3d", false, inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(),
            (padding ?? 0).Mode is null ? (padding ?? 0).Size.ToArray() : [0, 0, 0], (padding ?? 0).Mode, (dilation ?? 1).ToArray(), [0, 0, 0],
            groups, bias, paddingMode, dtype, device)
    {
    }

    private protected Conv3d(LazyTag _, int outChannels, IntOrTriple kernelSize, IntOrTriple? stride, ConvPadding3d? padding,
        IntOrTriple? dilation, int groups, bool bias, string paddingMode, DType? dtype, Device? device)
        : base("LazyConv3d", false, 0, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(),
            (padding ?? 0).Mode is null ? (padding ?? 0).Size.ToArray() : [0, 0, 0], (padding ?? 0).Mode, (dilation ?? 1).ToArray(), [0, 0, 0],
            groups, bias, paddingMode, dtype, device, lazy: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        IntOrTriple stride = Triple(Stride), dilation = Triple(Dilation);
        if (PaddingMode != "zeros") return F.Conv3d(PadForMode(input), Weight, Bias, stride, 0, dilation, Groups);
        ConvPadding3d pad = PaddingString is null ? Triple(Padding) : PaddingString;
        return F.Conv3d(input, Weight, Bias, stride, pad, dilation, Groups);
    }

    internal static IntOrTriple Triple(int[] v) => (v[0], v[1], v[2]);
}

/// <summary>3-D transposed convolution over [N, C_in, D, H, W] or [C_in, D, H, W] (<c>nn.ConvTranspose3d</c>); see <see cref="F.ConvTranspose3d"/>.</summary>
public class ConvTranspose3d : ConvNd
{
    /// <summary>Creates the layer (<c>nn.ConvTranspose3d(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation)</c>).</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a bad size, or a padding mode other than zeros.</exception>
    public ConvTranspose3d(int inChannels, int outChannels, IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null,
        IntOrTriple? outputPadding = null, int groups = 1, bool bias = true, IntOrTriple? dilation = null, string paddingMode = "zeros",
        DType? dtype = null, Device? device = null)
        : base("ConvTranspose3d", true, inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), (padding ?? 0).ToArray(), null,
            (dilation ?? 1).ToArray(), (outputPadding ?? 0).ToArray(), groups, bias, paddingMode, dtype, device)
    {
    }

    private protected ConvTranspose3d(LazyTag _, int outChannels, IntOrTriple kernelSize, IntOrTriple? stride, IntOrTriple? padding,
        IntOrTriple? outputPadding, int groups, bool bias, IntOrTriple? dilation, string paddingMode, DType? dtype, Device? device)
        : base("LazyConvTranspose3d", true, 0, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), (padding ?? 0).ToArray(), null,
            (dilation ?? 1).ToArray(), (outputPadding ?? 0).ToArray(), groups, bias, paddingMode, dtype, device, lazy: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Run(input, OutputPadding);

    /// <summary>The forward pass with the output size (the last three sizes, or all of them) chosen among the ones the stride allows (<c>forward(input, output_size)</c>).</summary>
    /// <exception cref="ArgumentException">The size is out of range.</exception>
    public Tensor Forward(Tensor input, int[] outputSize) => Run(input, ConvTransposeSizes.OutputPadding(this, input, outputSize));

    private Tensor Run(Tensor input, int[] outputPadding) =>
        F.ConvTranspose3d(input, Weight, Bias, Conv3d.Triple(Stride), Conv3d.Triple(Padding), Conv3d.Triple(outputPadding),
            Groups, Conv3d.Triple(Dilation));
}

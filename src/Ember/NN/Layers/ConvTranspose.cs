namespace Ember.NN;

/// <summary>1-D transposed convolution over [N, C_in, L] or [C_in, L] (<c>nn.ConvTranspose1d</c>); see <see cref="F.ConvTranspose1d"/>.</summary>
public class ConvTranspose1d : ConvNd
{
    /// <summary>Creates the layer (<c>nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation)</c>).</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a bad size, or a padding mode other than zeros.</exception>
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base("ConvTranspose1d", true, inChannels, outChannels, [kernelSize], [stride], [padding], null, [dilation], [outputPadding],
            groups, bias, paddingMode, dtype, device)
    {
    }

    private protected ConvTranspose1d(LazyTag _, int outChannels, int kernelSize, int stride, int padding, int outputPadding,
        int groups, bool bias, int dilation, string paddingMode, DType? dtype, Device? device)
        : base("LazyConvTranspose1d", true, 0, outChannels, [kernelSize], [stride], [padding], null, [dilation], [outputPadding],
            groups, bias, paddingMode, dtype, device, lazy: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) =>
        F.ConvTranspose1d(input, Weight, Bias, Stride[0], Padding[0], OutputPadding[0], Groups, Dilation[0]);

    /// <summary>The forward pass with the output length chosen among the ones the stride allows (<c>forward(input, output_size)</c>).</summary>
    /// <exception cref="ArgumentException">The size is out of range.</exception>
    public Tensor Forward(Tensor input, int[] outputSize) =>
        F.ConvTranspose1d(input, Weight, Bias, Stride[0], Padding[0], ConvTransposeSizes.OutputPadding(this, input, outputSize)[0], Groups, Dilation[0]);
}

/// <summary>2-D transposed convolution over [N, C_in, H, W] or [C_in, H, W] (<c>nn.ConvTranspose2d</c>); see <see cref="F.ConvTranspose2d"/>.</summary>
public class ConvTranspose2d : ConvNd
{
    /// <summary>Creates the layer (<c>nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation)</c>).</summary>
    /// <exception cref="ArgumentException">Channels not divisible by groups, a bad size, or a padding mode other than zeros.</exception>
    public ConvTranspose2d(int inChannels, int outChannels, IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null,
        IntOrPair? outputPadding = null, int groups = 1, bool bias = true, IntOrPair? dilation = null, string paddingMode = "zeros",
        DType? dtype = null, Device? device = null)
        : base("ConvTranspose2d", true, inChannels, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), (padding ?? 0).ToArray(), null,
            (dilation ?? 1).ToArray(), (outputPadding ?? 0).ToArray(), groups, bias, paddingMode, dtype, device)
    {
    }

    private protected ConvTranspose2d(LazyTag _, int outChannels, IntOrPair kernelSize, IntOrPair? stride, IntOrPair? padding,
        IntOrPair? outputPadding, int groups, bool bias, IntOrPair? dilation, string paddingMode, DType? dtype, Device? device)
        : base("LazyConvTranspose2d", true, 0, outChannels, kernelSize.ToArray(), (stride ?? 1).ToArray(), (padding ?? 0).ToArray(), null,
            (dilation ?? 1).ToArray(), (outputPadding ?? 0).ToArray(), groups, bias, paddingMode, dtype, device, lazy: true)
    {
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Run(input, OutputPadding);

    /// <summary>The forward pass with the output size (the last two sizes, or all of them) chosen among the ones the stride allows (<c>forward(input, output_size)</c>).</summary>
    /// <exception cref="ArgumentException">The size is out of range.</exception>
    public Tensor Forward(Tensor input, int[] outputSize) => Run(input, ConvTransposeSizes.OutputPadding(this, input, outputSize));

    private Tensor Run(Tensor input, int[] outputPadding) =>
        F.ConvTranspose2d(input, Weight, Bias, (Stride[0], Stride[1]), (Padding[0], Padding[1]), (outputPadding[0], outputPadding[1]),
            Groups, (Dilation[0], Dilation[1]));
}

/// <summary>PyTorch's <c>_ConvTransposeNd._output_padding</c>: the output padding that gives a requested size.</summary>
internal static class ConvTransposeSizes
{
    public static int[] OutputPadding(ConvNd m, Tensor input, int[] outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(outputSize);
        int nd = m.KernelSize.Length;
        var size = outputSize.Length == nd + 2 || (outputSize.Length == nd + 1 && input.NDim == nd + 1) ? outputSize[^nd..] : outputSize;
        if (size.Length != nd)
            throw new ArgumentException($"{m.GetType().Name}: output_size must have {nd} or {nd + 2} elements (got {outputSize.Length})");
        var pad = new int[nd];
        for (int d = 0; d < nd; d++)
        {
            int n = input.Layout.Shape[input.NDim - nd + d];
            int min = (n - 1) * m.Stride[d] - 2 * m.Padding[d] + m.Dilation[d] * (m.KernelSize[d] - 1) + 1;
            int max = min + m.Stride[d] - 1;
            if (size[d] < min || size[d] > max)
                throw new ArgumentException($"{m.GetType().Name}: requested an output size of {Shape.Format(size)}, but valid sizes range from {min} to {max} (for an input of {Shape.Format(input.Layout.Shape.AsSpan(input.NDim - nd))})");
            pad[d] = size[d] - min;
        }
        return pad;
    }
}

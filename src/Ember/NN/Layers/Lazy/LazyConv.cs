namespace Ember.NN;

// The lazy convolutions (PyTorch's LazyConv*d / LazyConvTranspose*d): in_channels comes from the first
// input's channel dim (dim 1, or dim 0 unbatched), then the weight and bias are drawn as the plain
// layer draws them, so a seed gives PyTorch's weights; afterwards the module prints and behaves as the
// plain layer (PyTorch changes its class). Loading a state dict materializes what it holds.

/// <summary>A <see cref="Conv1d"/> whose <c>in_channels</c> is inferred from the first input (<c>nn.LazyConv1d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyConv1d : Conv1d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyConv1d(out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>).</summary>
    /// <exception cref="ArgumentException">A bad size, an unknown padding mode, or "same" with a stride.</exception>
    public LazyConv1d(int outChannels, int kernelSize, int stride = 1, ConvPadding? padding = null, int dilation = 1,
        int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base(default(LazyTag), outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The first input is not 2-D or 3-D, or its channels are not divisible by groups.</exception>
    public override Tensor Forward(Tensor input) { InitializeLazy(input); return base.Forward(input); }
}

/// <summary>A <see cref="Conv2d"/> whose <c>in_channels</c> is inferred from the first input (<c>nn.LazyConv2d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyConv2d : Conv2d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyConv2d(out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>).</summary>
    /// <exception cref="ArgumentException">A bad size, an unknown padding mode, or "same" with a stride.</exception>
    public LazyConv2d(int outChannels, IntOrPair kernelSize, IntOrPair? stride = null, ConvPadding? padding = null,
        IntOrPair? dilation = null, int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base(default(LazyTag), outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The first input is not 3-D or 4-D, or its channels are not divisible by groups.</exception>
    public override Tensor Forward(Tensor input) { InitializeLazy(input); return base.Forward(input); }
}

/// <summary>A <see cref="Conv3d"/> whose <c>in_channels</c> is inferred from the first input (<c>nn.LazyConv3d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyConv3d : Conv3d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyConv3d(out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode)</c>).</summary>
    /// <exception cref="ArgumentException">A bad size, an unknown padding mode, or "same" with a stride.</exception>
    public LazyConv3d(int outChannels, IntOrTriple kernelSize, IntOrTriple? stride = null, ConvPadding3d? padding = null,
        IntOrTriple? dilation = null, int groups = 1, bool bias = true, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base(default(LazyTag), outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The first input is not 4-D or 5-D, or its channels are not divisible by groups.</exception>
    public override Tensor Forward(Tensor input) { InitializeLazy(input); return base.Forward(input); }
}

/// <summary>A <see cref="ConvTranspose1d"/> whose <c>in_channels</c> is inferred from the first input (<c>nn.LazyConvTranspose1d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyConvTranspose1d : ConvTranspose1d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyConvTranspose1d(out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation)</c>).</summary>
    /// <exception cref="ArgumentException">A bad size, or a padding mode other than zeros.</exception>
    public LazyConvTranspose1d(int outChannels, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0,
        int groups = 1, bool bias = true, int dilation = 1, string paddingMode = "zeros", DType? dtype = null, Device? device = null)
        : base(default(LazyTag), outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The first input is not 2-D or 3-D, or its channels are not divisible by groups.</exception>
    public override Tensor Forward(Tensor input) { InitializeLazy(input); return base.Forward(input); }

    /// <summary>The forward pass with a requested output length (<c>forward(input, output_size)</c>); the first call initializes the layer.</summary>
    /// <exception cref="ArgumentException">The size is out of range, or the first input is not 2-D or 3-D.</exception>
    public new Tensor Forward(Tensor input, int[] outputSize) { InitializeLazy(input); return base.Forward(input, outputSize); }
}

/// <summary>A <see cref="ConvTranspose2d"/> whose <c>in_channels</c> is inferred from the first input (<c>nn.LazyConvTranspose2d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyConvTranspose2d : ConvTranspose2d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyConvTranspose2d(out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation)</c>).</summary>
    /// <exception cref="ArgumentException">A bad size, or a padding mode other than zeros.</exception>
    public LazyConvTranspose2d(int outChannels, IntOrPair kernelSize, IntOrPair? stride = null, IntOrPair? padding = null,
        IntOrPair? outputPadding = null, int groups = 1, bool bias = true, IntOrPair? dilation = null, string paddingMode = "zeros",
        DType? dtype = null, Device? device = null)
        : base(default(LazyTag), outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The first input is not 3-D or 4-D, or its channels are not divisible by groups.</exception>
    public override Tensor Forward(Tensor input) { InitializeLazy(input); return base.Forward(input); }

    /// <summary>The forward pass with a requested output size (<c>forward(input, output_size)</c>); the first call initializes the layer.</summary>
    /// <exception cref="ArgumentException">The size is out of range, or the first input is not 3-D or 4-D.</exception>
    public new Tensor Forward(Tensor input, int[] outputSize) { InitializeLazy(input); return base.Forward(input, outputSize); }
}

/// <summary>A <see cref="ConvTranspose3d"/> whose <c>in_channels</c> is inferred from the first input (<c>nn.LazyConvTranspose3d</c>); see <see cref="LazyLinear"/> for how lazy modules behave.</summary>
public sealed class LazyConvTranspose3d : ConvTranspose3d, ILazyModule
{
    /// <summary>Creates the layer (<c>nn.LazyConvTranspose3d(out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation)</c>).</summary>
    /// <exception cref="ArgumentException">A bad size, or a padding mode other than zeros.</exception>
    public LazyConvTranspose3d(int outChannels, IntOrTriple kernelSize, IntOrTriple? stride = null, IntOrTriple? padding = null,
        IntOrTriple? outputPadding = null, int groups = 1, bool bias = true, IntOrTriple? dilation = null, string paddingMode = "zeros",
        DType? dtype = null, Device? device = null)
        : base(default(LazyTag), outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode, dtype, device) => LazyModules.WarnCreated();

    /// <inheritdoc/>
    public bool HasUninitializedParams() => LazyModules.HasUninitialized(this);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The first input is not 4-D or 5-D, or its channels are not divisible by groups.</exception>
    public override Tensor Forward(Tensor input) { InitializeLazy(input); return base.Forward(input); }

    /// <summary>The forward pass with a requested output size (<c>forward(input, output_size)</c>); the first call initializes the layer.</summary>
    /// <exception cref="ArgumentException">The size is out of range, or the first input is not 4-D or 5-D.</exception>
    public new Tensor Forward(Tensor input, int[] outputSize) { InitializeLazy(input); return base.Forward(input, outputSize); }
}

using Ember.NN;

namespace Ember.Vision.Ops;

/// <summary>
/// A convolution, a normalisation layer and an activation applied in turn
/// (<c>torchvision.ops.Conv2dNormActivation</c>), the building block of MobileNetV2. Its children are
/// named <c>0</c>, <c>1</c>, <c>2</c> as in torchvision's (an <c>nn.Sequential</c> subclass there), so
/// state-dict keys and the printed tree match.
/// </summary>
public sealed class Conv2dNormActivation : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>Pass as <c>normLayer</c> to leave the normalisation out (torchvision's <c>norm_layer=None</c>).</summary>
    public static readonly Func<int, Module<Tensor, Tensor>> NoNorm = _ => throw new InvalidOperationException("Conv2dNormActivation.NoNorm is a marker, not a layer factory.");

    /// <summary>Pass as <c>activationLayer</c> to leave the activation out (torchvision's <c>activation_layer=None</c>).</summary>
    public static readonly Func<bool, Module<Tensor, Tensor>> NoActivation = _ => throw new InvalidOperationException("Conv2dNormActivation.NoActivation is a marker, not a layer factory.");

    /// <summary>
    /// Builds the block (<c>Conv2dNormActivation(in_channels, out_channels, kernel_size, stride, padding, groups,
    /// norm_layer, activation_layer, dilation, inplace, bias)</c>).
    /// </summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">The convolution's kernel size.</param>
    /// <param name="stride">The convolution's stride.</param>
    /// <param name="padding">The convolution's padding; null gives (kernelSize - 1) / 2 * dilation, which keeps the size at stride 1.</param>
    /// <param name="groups">The convolution's channel groups (<c>groups = channels</c> is a depthwise convolution).</param>
    /// <param name="normLayer">Makes the normalisation layer from the channel count; null is <see cref="BatchNorm2d"/>, <see cref="NoNorm"/> none.</param>
    /// <param name="activationLayer">Makes the activation from the <c>inplace</c> flag; null is <see cref="ReLU"/>, <see cref="NoActivation"/> none.</param>
    /// <param name="dilation">The convolution's dilation.</param>
    /// <param name="inplace">Passed to the activation factory.</param>
    /// <param name="bias">Whether the convolution has a bias; null means only when there is no normalisation.</param>
    public Conv2dNormActivation(int inChannels, int outChannels, int kernelSize = 3, int stride = 1, int? padding = null, int groups = 1,
        Func<int, Module<Tensor, Tensor>>? normLayer = null, Func<bool, Module<Tensor, Tensor>>? activationLayer = null,
        int dilation = 1, bool inplace = true, bool? bias = null)
    {
        bool hasNorm = !ReferenceEquals(normLayer, NoNorm);
        Add(new Conv2d(inChannels, outChannels, kernelSize, stride, padding ?? (kernelSize - 1) / 2 * dilation, dilation, groups, bias ?? !hasNorm));
        if (hasNorm) Add(normLayer is null ? new BatchNorm2d(outChannels) : normLayer(outChannels));
        if (!ReferenceEquals(activationLayer, NoActivation)) Add(activationLayer is null ? new ReLU(inplace) : activationLayer(inplace));
        OutChannels = outChannels;
    }

    /// <summary>Output channels (<c>out_channels</c>).</summary>
    public int OutChannels { get; }

    /// <summary>The number of layers: 1 to 3.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/>: the convolution first.</summary>
    public Module<Tensor, Tensor> this[int index] => _layers[index];

    private void Add(Module<Tensor, Tensor> layer)
    {
        RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        foreach (var m in _layers) input = m.Call(input);
        return input;
    }
}

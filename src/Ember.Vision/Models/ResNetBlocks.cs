using Ember.NN;

namespace Ember.Vision.Models;

/// <summary>
/// The two-convolution residual block of ResNet-18 and -34 (<c>torchvision.models.resnet.BasicBlock</c>):
/// 3x3 conv, batch norm, ReLU, 3x3 conv, batch norm, plus the input (through <see cref="Downsample"/>
/// when the shape changes), then ReLU. Submodules are named as torchvision's.
/// </summary>
public sealed class BasicBlock : Module<Tensor, Tensor>
{
    /// <summary>Output channels per <c>planes</c> (<c>BasicBlock.expansion</c>).</summary>
    public const int Expansion = 1;

    /// <summary>Builds the block (<c>BasicBlock(inplanes, planes, stride, downsample, groups, base_width, dilation)</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="groups"/> is not 1 or <paramref name="baseWidth"/> not 64.</exception>
    /// <exception cref="NotSupportedException"><paramref name="dilation"/> is above 1.</exception>
    public BasicBlock(int inplanes, int planes, int stride = 1, Module<Tensor, Tensor>? downsample = null, int groups = 1, int baseWidth = 64, int dilation = 1)
    {
        if (groups != 1 || baseWidth != 64)
            throw new ArgumentException($"BasicBlock only supports groups=1 and base_width=64, got groups={groups}, base_width={baseWidth}.");
        if (dilation > 1) throw new NotSupportedException($"BasicBlock: dilation > 1 is not supported, got dilation={dilation}.");
        Conv1 = ResNetLayers.Conv3x3(inplanes, planes, stride);
        Bn1 = new BatchNorm2d(planes);
        Relu = new ReLU(inplace: true);
        Conv2 = ResNetLayers.Conv3x3(planes, planes);
        Bn2 = new BatchNorm2d(planes);
        Downsample = downsample;
        Stride = stride;
    }

    /// <summary>The first 3x3 convolution (carries the stride).</summary>
    public Conv2d Conv1 { get; }
    /// <summary>The first batch norm.</summary>
    public BatchNorm2d Bn1 { get; }
    /// <summary>The (in-place) ReLU used after each half.</summary>
    public ReLU Relu { get; }
    /// <summary>The second 3x3 convolution.</summary>
    public Conv2d Conv2 { get; }
    /// <summary>The second batch norm (zeroed by <c>zeroInitResidual</c>).</summary>
    public BatchNorm2d Bn2 { get; }
    /// <summary>Maps the input to the output's shape (1x1 conv + batch norm), or null when shapes agree.</summary>
    public Module<Tensor, Tensor>? Downsample { get; }
    /// <summary>The stride of the block.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        Tensor identity = Downsample is null ? x : Downsample.Call(x);
        Tensor y = Relu.Call(Bn1.Call(Conv1.Call(x)));
        y = Bn2.Call(Conv2.Call(y));
        return Relu.Call(y + identity);
    }
}

/// <summary>
/// The three-convolution residual block of ResNet-50 and up (<c>torchvision.models.resnet.Bottleneck</c>,
/// "ResNet V1.5": the stride sits on the 3x3 convolution): 1x1 conv to <c>width</c>, 3x3 conv, 1x1 conv to
/// <c>planes * 4</c>, each followed by batch norm, ReLU after the first two and after adding the input.
/// </summary>
public sealed class Bottleneck : Module<Tensor, Tensor>
{
    /// <summary>Output channels per <c>planes</c> (<c>Bottleneck.expansion</c>).</summary>
    public const int Expansion = 4;

    /// <summary>Builds the block (<c>Bottleneck(inplanes, planes, stride, downsample, groups, base_width, dilation)</c>).</summary>
    public Bottleneck(int inplanes, int planes, int stride = 1, Module<Tensor, Tensor>? downsample = null, int groups = 1, int baseWidth = 64, int dilation = 1)
    {
        int width = (int)(planes * (baseWidth / 64.0)) * groups;
        Conv1 = ResNetLayers.Conv1x1(inplanes, width);
        Bn1 = new BatchNorm2d(width);
        Conv2 = ResNetLayers.Conv3x3(width, width, stride, groups, dilation);
        Bn2 = new BatchNorm2d(width);
        Conv3 = ResNetLayers.Conv1x1(width, planes * Expansion);
        Bn3 = new BatchNorm2d(planes * Expansion);
        Relu = new ReLU(inplace: true);
        Downsample = downsample;
        Stride = stride;
    }

    /// <summary>The 1x1 convolution down to the block's width.</summary>
    public Conv2d Conv1 { get; }
    /// <summary>The first batch norm.</summary>
    public BatchNorm2d Bn1 { get; }
    /// <summary>The 3x3 (grouped, strided, dilated) convolution.</summary>
    public Conv2d Conv2 { get; }
    /// <summary>The second batch norm.</summary>
    public BatchNorm2d Bn2 { get; }
    /// <summary>The 1x1 convolution up to <c>planes * 4</c>.</summary>
    public Conv2d Conv3 { get; }
    /// <summary>The third batch norm (zeroed by <c>zeroInitResidual</c>).</summary>
    public BatchNorm2d Bn3 { get; }
    /// <summary>The (in-place) ReLU.</summary>
    public ReLU Relu { get; }
    /// <summary>Maps the input to the output's shape, or null when shapes agree.</summary>
    public Module<Tensor, Tensor>? Downsample { get; }
    /// <summary>The stride of the block.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        Tensor identity = Downsample is null ? x : Downsample.Call(x);
        Tensor y = Relu.Call(Bn1.Call(Conv1.Call(x)));
        y = Relu.Call(Bn2.Call(Conv2.Call(y)));
        y = Bn3.Call(Conv3.Call(y));
        return Relu.Call(y + identity);
    }
}

/// <summary>torchvision's <c>conv3x3</c> and <c>conv1x1</c> helpers.</summary>
internal static class ResNetLayers
{
    public static Conv2d Conv3x3(int inPlanes, int outPlanes, int stride = 1, int groups = 1, int dilation = 1) =>
        new(inPlanes, outPlanes, 3, stride, dilation, dilation, groups, bias: false);

    public static Conv2d Conv1x1(int inPlanes, int outPlanes, int stride = 1) =>
        new(inPlanes, outPlanes, 1, stride, bias: false);
}

using Ember.NN;
using Ember.Vision.Models;
using Ember.Vision.Ops;
using Xunit;

namespace Ember.Tests.Vision;

/// <summary>The constructor options of Ember.Vision.Models and their errors, on small configurations.</summary>
[Collection("DefaultGenerator")]
public class VisionModelOptionTests
{
    [Fact]
    public void VisionModelZeroInitResidualZeroesTheLastBatchNormOfEveryBlock()
    {
        var basic = new ResNet(ResNetBlock.Basic, [1, 1, 1, 1], numClasses: 3, zeroInitResidual: true);
        foreach (var b in basic.Modules().OfType<BasicBlock>())
        {
            Assert.Equal(0f, b.Bn2.Weight!.Abs().Max().Item<float>());
            Assert.Equal(1f, b.Bn1.Weight!.Min().Item<float>());
        }
        var bottleneck = new ResNet(ResNetBlock.Bottleneck, [1, 1, 1, 1], numClasses: 3, zeroInitResidual: true);
        Assert.Equal(4, bottleneck.Modules().OfType<Bottleneck>().Count());
        foreach (var b in bottleneck.Modules().OfType<Bottleneck>()) Assert.Equal(0f, b.Bn3.Weight!.Abs().Max().Item<float>());
        // With the residual branches zeroed each block is the identity followed by ReLU, so training starts stable.
        basic.Eval();
        using (Ember.Autograd.NoGrad()) Assert.Equal([2, 3], (int[])basic.Call(Tensor.Randn(2, 3, 32, 32)).Shape);
    }

    [Fact]
    public void VisionModelResNetInitialisesConvolutionsKaimingNormalFanOut()
    {
        Tensor.ManualSeed(0);
        var m = new ResNet(ResNetBlock.Basic, [1, 1, 1, 1], numClasses: 3);
        var w = m.Layer4.StateDict()["0.conv2.weight"];   // 512 x 512 x 3 x 3: fan_out = 512 * 9
        double std = w.Std().Item<float>();
        Assert.InRange(std, 0.98 * Math.Sqrt(2.0 / (512 * 9)), 1.02 * Math.Sqrt(2.0 / (512 * 9)));
        Assert.InRange(w.Mean().Item<float>(), -1e-3, 1e-3);
        Assert.Equal(0f, m.Bn1.Bias!.Abs().Max().Item<float>());
    }

    [Fact]
    public void VisionModelResNetBlocksRejectWhatTorchvisionRejects()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResNet(ResNetBlock.Basic, [1, 1, 1, 1], groups: 2));
        Assert.Contains("BasicBlock only supports groups=1 and base_width=64", e.Message);
        // As in torchvision, a stage's first block keeps the previous dilation; the second one is dilated.
        Assert.Throws<NotSupportedException>(() => new ResNet(ResNetBlock.Basic, [1, 1, 1, 2], replaceStrideWithDilation: [false, false, true]));
        Assert.Contains("4 block counts", Assert.Throws<ArgumentException>(() => new ResNet(ResNetBlock.Basic, [2, 2, 2])).Message);
        Assert.Contains("3-element", Assert.Throws<ArgumentException>(() => new ResNet(ResNetBlock.Bottleneck, [1, 1, 1, 1], replaceStrideWithDilation: [true])).Message);
    }

    [Fact]
    public void VisionModelResNetDilationKeepsTheResolution()
    {
        // replace_stride_with_dilation=[False, True, True]: output stride 8 instead of 32, as segmentation backbones use.
        // A stage's first block keeps the previous stage's dilation, the others take the new one (torchvision's rule).
        var m = new ResNet(ResNetBlock.Bottleneck, [1, 1, 1, 2], numClasses: 3, replaceStrideWithDilation: [false, true, true]);
        var first = ((Bottleneck)m.Layer4[0]).Conv2;
        var second = ((Bottleneck)m.Layer4[1]).Conv2;
        Assert.Equal([1, 1], first.Stride);
        Assert.Equal([2, 2], first.Dilation);
        Assert.Equal([4, 4], second.Dilation);
        Assert.Equal([4, 4], second.Padding);
        m.Eval();
        Tensor features;
        using (Ember.Autograd.NoGrad()) features = m.Layer4.Call(m.Layer3.Call(m.Layer2.Call(m.Layer1.Call(m.Maxpool.Call(m.Conv1.Call(Tensor.Randn(1, 3, 64, 64)))))));
        Assert.Equal([1, 2048, 8, 8], (int[])features.Shape);
    }

    [Fact]
    public void VisionModelResNetHeadIsReplaceableForFineTuning()
    {
        var m = new ResNet(ResNetBlock.Basic, [1, 1, 1, 1], numClasses: 1000);
        m.Fc = new Linear(m.Fc.InFeatures, 2);
        Assert.Equal([2, 512], (int[])m.StateDict()["fc.weight"].Shape);
        m.Eval();
        using (Ember.Autograd.NoGrad()) Assert.Equal([1, 2], (int[])m.Call(Tensor.Randn(1, 3, 32, 32)).Shape);
    }

    [Theory]
    [InlineData(32 * 1.0, 8, 32)]
    [InlineData(32 * 0.5, 8, 16)]
    [InlineData(24 * 0.35, 8, 8)]
    [InlineData(1280 * 1.4, 8, 1792)]
    [InlineData(96 * 0.75, 8, 72)]
    [InlineData(20, 16, 32)]   // 16 would be more than 10% below 20
    public void VisionModelMakeDivisibleIsTorchvisions(double v, int divisor, int expected) =>
        Assert.Equal(expected, MobileNetV2.MakeDivisible(v, divisor));

    [Fact]
    public void VisionModelMobileNetV2ChecksItsSettings()
    {
        Assert.Contains("stride should be 1 or 2", Assert.Throws<ArgumentException>(() => new InvertedResidual(8, 8, 3, 6)).Message);
        Assert.Throws<ArgumentException>(() => new MobileNetV2(invertedResidualSetting: [[1, 16, 1]]));
        Assert.Throws<ArgumentException>(() => new MobileNetV2(invertedResidualSetting: []));
        Assert.True(new InvertedResidual(16, 16, 1, 6).UseResConnect);
        Assert.False(new InvertedResidual(16, 24, 1, 6).UseResConnect);
        // Expansion ratio 1 leaves the 1x1 expansion out: depthwise block, projection, batch norm.
        Assert.Equal(3, new InvertedResidual(16, 16, 1, 1).Conv.Count);
    }

    [Fact]
    public void VisionModelConv2dNormActivationFollowsTorchvisionsDefaults()
    {
        var block = new Conv2dNormActivation(4, 8, kernelSize: 3, stride: 2);
        Assert.Equal(
            "Conv2dNormActivation(\n  (0): Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)\n" +
            "  (1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n  (2): ReLU(inplace=True)\n)",
            block.ToString());
        // Without a norm layer the convolution gets a bias, as in torchvision.
        var bare = new Conv2dNormActivation(4, 8, normLayer: Conv2dNormActivation.NoNorm, activationLayer: Conv2dNormActivation.NoActivation);
        Assert.Equal(1, bare.Count);
        Assert.Equal(["0.weight", "0.bias"], bare.StateDict().Keys);
        var dilated = new Conv2dNormActivation(4, 8, kernelSize: 3, dilation: 2, activationLayer: inplace => new ReLU6(inplace));
        Assert.Equal([2, 2], ((Conv2d)dilated[0]).Padding);
        Assert.IsType<ReLU6>(dilated[2]);
    }

    [Fact]
    public void VisionModelSqueezeNetAndVggRejectUnknownConfigurations()
    {
        Assert.Contains("\"1_2\"", Assert.Throws<ArgumentException>(() => new SqueezeNet("1_2")).Message);
        Assert.Contains("-3", Assert.Throws<ArgumentException>(() => VGG.MakeLayers([64, VGG.M, -3])).Message);
    }
}

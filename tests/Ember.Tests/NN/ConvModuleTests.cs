using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>The convolution and pooling modules: PyTorch's seeded weights, printing, padding modes and forms.</summary>
[Collection("DefaultGenerator")]
public class ConvModuleTests
{
    private static string Repr(string key) => ConvGolden.Repr.GetProperty(key).GetString()!;

    [Fact]
    public void SeededInitialWeightsMatchPyTorch()
    {
        var g = ConvGolden.G;
        Func<ConvNd>[] makers =
        [
            () => new Conv2d(3, 6, 5),
            () => new Conv2d(4, 6, (3, 2), groups: 2),
            () => new Conv1d(3, 5, 3),
            () => new ConvTranspose2d(4, 6, 3, groups: 2),
            () => new ConvTranspose2d(3, 2, (2, 3), stride: 2),
            () => new Conv2d(2, 3, 3, bias: false),
        ];
        for (int seed = 0; seed < makers.Length; seed++)
        {
            Tensor.ManualSeed(seed);
            var m = makers[seed]();
            TensorAssert.Equal(g[$"init_{seed}_weight"], m.Weight.Detach());
            if (g.Has($"init_{seed}_bias")) TensorAssert.Equal(g[$"init_{seed}_bias"], m.Bias!.Detach());
            else Assert.Null(m.Bias);
        }
    }

    [Theory]
    [InlineData("reflect")]
    [InlineData("replicate")]
    [InlineData("circular")]
    public void PaddingModesPadBeforeConvolving(string mode)
    {
        var g = ConvGolden.G;
        var m = new Conv2d(2, 3, 3, padding: (1, 2), paddingMode: mode, dtype: DType.Float64);
        using (Ember.Autograd.NoGrad())
        {
            m.Weight.Copy_(g[$"conv2d_mode_{mode}_weight"]);
            m.Bias!.Copy_(g[$"conv2d_mode_{mode}_bias"]);
        }
        ConvGolden.Check($"conv2d_mode_{mode}", (x, _, _) => m.Call(x));
        TensorAssert.Close(g[$"conv2d_mode_{mode}_gweight"], m.Weight.Grad!);
        TensorAssert.Close(g[$"conv2d_mode_{mode}_gbias"], m.Bias!.Grad!);
    }

    [Fact]
    public void ModulesPrintLikePyTorch()
    {
        Assert.Equal(Repr("conv2d"), new Conv2d(3, 6, 5).ToString());
        Assert.Equal(Repr("conv2d_full"), new Conv2d(3, 6, (3, 5), stride: 2, padding: 1, dilation: 2, groups: 3, bias: false, paddingMode: "reflect").ToString());
        Assert.Equal(Repr("conv2d_same"), new Conv2d(4, 4, 3, padding: "same").ToString());
        Assert.Equal(Repr("conv1d"), new Conv1d(3, 6, 3).ToString());
        Assert.Equal(Repr("conv1d_full"), new Conv1d(2, 4, 3, stride: 2, padding: 1, dilation: 2, groups: 2).ToString());
        Assert.Equal(Repr("convt2d"), new ConvTranspose2d(3, 6, 3, stride: 2, outputPadding: 1).ToString());
        Assert.Equal(Repr("convt2d_full"), new ConvTranspose2d(4, 2, (2, 3), stride: (2, 1), padding: 1, groups: 2, dilation: 2, bias: false).ToString());
        Assert.Equal(Repr("convt1d"), new ConvTranspose1d(3, 2, 4, stride: 2).ToString());
        Assert.Equal(Repr("maxpool2d"), new MaxPool2d(2).ToString());
        Assert.Equal(Repr("maxpool2d_full"), new MaxPool2d((2, 3), stride: 1, padding: 1, dilation: (1, 2), ceilMode: true).ToString());
        Assert.Equal(Repr("maxpool1d"), new MaxPool1d(3).ToString());
        Assert.Equal(Repr("avgpool2d"), new AvgPool2d(2).ToString());
        Assert.Equal(Repr("avgpool2d_full"), new AvgPool2d(3, 2, 1, ceilMode: true, countIncludePad: false, divisorOverride: 2).ToString());
        Assert.Equal(Repr("avgpool1d"), new AvgPool1d(3, stride: 2).ToString());
        Assert.Equal(Repr("adaptiveavg"), new AdaptiveAvgPool2d((5, null)).ToString());
        Assert.Equal(Repr("adaptiveavg_int"), new AdaptiveAvgPool2d(3).ToString());
        Assert.Equal(Repr("adaptivemax"), new AdaptiveMaxPool2d((2, 3)).ToString());
        Assert.Equal(Repr("maxunpool2d"), new MaxUnpool2d(2).ToString());
        Assert.Equal(Repr("upsample"), new Upsample(scaleFactor: [2]).ToString());
        Assert.Equal(Repr("upsample_size"), new Upsample(size: [3, 4], mode: "bilinear", alignCorners: true).ToString());
        Assert.Equal(Repr("upsample_pair"), new Upsample(scaleFactor: [2, 3], mode: "bilinear").ToString());
    }

    [Fact]
    public void ModulesComputeWhatTheirFunctionalFormsDo()
    {
        var x = Tensor.Randn([2, 3, 8, 8], generator: new Generator(3));
        var conv = new Conv2d(3, 4, 3, padding: 1);
        TensorAssert.Equal(F.Conv2d(x, conv.Weight, conv.Bias, padding: 1), conv.Call(x));
        var pool = new MaxPool2d(2, returnIndices: true);
        var (y, idx) = pool.ForwardWithIndices(x);
        TensorAssert.Equal(F.MaxPool2d(x, 2), pool.Call(x));
        var unpool = new MaxUnpool2d(2);
        var back = unpool.Forward(y, idx);
        Assert.Equal([2, 3, 8, 8], back.Shape.ToArray());
        TensorAssert.Equal(y.Flatten(2), back.Flatten(2).Gather(2, idx.Flatten(2)));
        Assert.Equal([2, 3, 4, 4], new AvgPool2d(2).Call(x).Shape.ToArray());
        Assert.Equal([2, 3, 1, 1], new AdaptiveAvgPool2d(1).Call(x).Shape.ToArray());
        Assert.Equal([2, 3, 16, 16], new Upsample(scaleFactor: [2]).Call(x).Shape.ToArray());
        var convT = new ConvTranspose2d(3, 2, 3, stride: 2, padding: 1);
        Assert.Equal([2, 2, 15, 15], convT.Call(x).Shape.ToArray());
        Assert.Equal([2, 2, 16, 16], convT.Forward(x, [16, 16]).Shape.ToArray());
        TensorAssert.Throws<ArgumentException>(() => convT.Forward(x, [17, 17]), "valid sizes range from 15 to 16");
        Assert.Equal(["weight", "bias"], conv.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void ALeNetStyleStackTrainsThroughEveryLayer()
    {
        Tensor.ManualSeed(0);
        var net = new Sequential(new Conv2d(3, 6, 5), new MaxPool2d(2, 2), new Conv2d(6, 16, 5), new AdaptiveAvgPool2d(1));
        var x = Tensor.Randn(4, 3, 32, 32);
        var y = net.Call(x);
        Assert.Equal([4, 16, 1, 1], y.Shape.ToArray());
        y.Sum().Backward();
        foreach (var p in net.Parameters()) Assert.NotNull(p.Grad);
    }

    [Fact]
    public void BadHyperParametersAreRefused()
    {
        TensorAssert.Throws<ArgumentException>(() => new Conv2d(3, 6, 3, groups: 2), "in_channels must be divisible by groups");
        TensorAssert.Throws<ArgumentException>(() => new Conv2d(4, 6, 3, groups: 4), "out_channels must be divisible by groups");
        TensorAssert.Throws<ArgumentException>(() => new Conv2d(4, 6, 3, stride: 2, padding: "same"), "padding='same' is not supported for strided convolutions");
        TensorAssert.Throws<ArgumentException>(() => new Conv2d(4, 6, 3, paddingMode: "mirror"), "padding_mode must be one of");
        TensorAssert.Throws<ArgumentException>(() => new ConvTranspose2d(4, 6, 3, paddingMode: "reflect"), "Only \"zeros\" padding mode is supported for ConvTranspose2d");
        TensorAssert.Throws<ArgumentException>(() => new Upsample(), "either size or scale_factor should be defined");
    }
}

using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

public partial class NNLayerTests
{
    [Theory]
    [InlineData(0.5, "f32")]
    [InlineData(0.2, "f32")]
    [InlineData(0.9, "f32")]
    [InlineData(0.5, "f64")]
    [InlineData(0.2, "f64")]
    [InlineData(0.9, "f64")]
    public void DropoutMasksAreExactlyPyTorchsForTheSameSeed(double p, string dn)
    {
        string k = $"dropout_{p.ToString(System.Globalization.CultureInfo.InvariantCulture)}_{dn}";
        var x = G[k + "_x"].RequiresGrad_();
        Tensor.ManualSeed(42);
        var m = new Dropout(p);
        var y = m.Call(x);
        var y2 = F.Dropout(x, p);
        (y * 2).Sum().Backward();
        TensorAssert.Equal(G[k + "_y"], y.Detach());
        TensorAssert.Equal(G[k + "_y2"], y2.Detach());
        TensorAssert.Equal(G[k + "_gx"], x.Grad!);
    }

    [Theory]
    [InlineData("4d", "f32")]
    [InlineData("3d", "f32")]
    [InlineData("4d", "f64")]
    [InlineData("3d", "f64")]
    public void Dropout2dDropsWholeChannelsAsPyTorch(string shape, string dn)
    {
        string k = $"dropout2d_{shape}_{dn}";
        var x = G[k + "_x"].RequiresGrad_();
        Tensor.ManualSeed(7);
        var y = new Dropout2d().Call(x);
        y.Sum().Backward();
        TensorAssert.Equal(G[k + "_y"], y.Detach());
        TensorAssert.Equal(G[k + "_gx"], x.Grad!);
    }

    [Fact]
    public void DropoutIsTheIdentityInEvalModeAndAtPZero()
    {
        var x = Tensor.Randn(3, 4);
        var m = new Dropout(0.7);
        m.Eval();
        Assert.Same(x, m.Call(x));
        Assert.Same(x, F.Dropout(x, 0));
        Assert.Same(x, F.Dropout2d(x, 0.5, training: false));
        TensorAssert.Equal(Tensor.ZerosLike(x), F.Dropout(x, 1));
    }

    [Fact]
    public void InPlaceDropoutWritesIntoItsInput()
    {
        var x = Tensor.Randn(4, 5);
        var copy = x.Clone();
        Tensor.ManualSeed(3);
        var expected = F.Dropout(copy, 0.3);
        Tensor.ManualSeed(3);
        var y = new Dropout(0.3, inplace: true).Call(x);
        Assert.Same(x, y);
        TensorAssert.Equal(expected, x);
    }

    [Fact]
    public void DropoutPrintsAndValidatesLikePyTorch()
    {
        Assert.Equal(ExpectedText("dropout"), new Dropout().ToString());
        Assert.Equal(ExpectedText("dropout_0.2_inplace"), new Dropout(0.2, true).ToString());
        Assert.Equal(ExpectedText("dropout2d"), new Dropout2d().ToString());
        TensorAssert.Throws<ArgumentException>(() => new Dropout(1.5), "dropout probability has to be between 0 and 1, but got 1.5");
        TensorAssert.Throws<ArgumentException>(() => F.Dropout2d(Tensor.Randn(4), 0.5), "Feature dropout requires at least 2 dimensions");
    }
}

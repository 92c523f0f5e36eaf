using Xunit;

namespace Ember.Tests;

/// <summary>Tensor.Erfinv against torch.erfinv (golden nn_init.json).</summary>
public class ErfinvTests
{
    private static readonly Golden G = Golden.Load("nn_init");

    [Theory]
    [InlineData("float32", 2e-6)]
    [InlineData("float64", 1e-13)]
    public void MatchesPyTorch(string dtype, double rtol)
    {
        // PyTorch's steps are followed exactly; only erf's last-bit rounding may differ (see Tensor.Erfinv.cs).
        var x = G[$"erfinv.{dtype}.x"];
        TensorAssert.Close(G[$"erfinv.{dtype}.y"], x.Erfinv(), rtol, 0);
        TensorAssert.Close(G[$"erfinv.{dtype}.y"], x.Clone().Erfinv_(), rtol, 0);
        TensorAssert.Close(G[$"erfinv.{dtype}.y"], Tensor.Erfinv(x.T), rtol, 0);
    }

    [Fact]
    public void IntegersGiveFloatAndCannotBeWrittenInPlace()
    {
        var i = Tensor.From<long>([0, 1, -1, 2], [4]);
        var r = i.Erfinv();
        Assert.Equal(DType.Float32, r.DType);
        Assert.Equal([0f, float.PositiveInfinity, float.NegativeInfinity], r.ToArray<float>()[..3]);
        Assert.True(float.IsNaN(r.ToArray<float>()[3]));
        TensorAssert.Throws<InvalidOperationException>(() => i.Erfinv_(), "erfinv_", "Float", "Long");
    }

    [Fact]
    public void GradientIsHalfRootPiTimesExpOfTheSquare()
    {
        var x = Tensor.From<double>([0.3, -0.5], [2]).RequiresGrad_();
        var y = x.Erfinv();
        y.Sum().Backward();
        var z = y.Detach().ToArray<double>();
        Assert.Equal("ErfinvBackward0", y.GradFn!.Name);
        TensorAssert.Close(Tensor.From<double>([0.5 * Math.Sqrt(Math.PI) * Math.Exp(z[0] * z[0]), 0.5 * Math.Sqrt(Math.PI) * Math.Exp(z[1] * z[1])], [2]), x.Grad!);
    }
}

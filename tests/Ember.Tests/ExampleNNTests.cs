using Xunit;

namespace Ember.Tests;

/// <summary>
/// Examples 05-09 (chapter 20.3.7-20.3.11) replayed through the library and compared with PyTorch
/// running the same programs (tests/golden/examples_nn.py).
/// </summary>
public class ExampleNNTests
{
    private static readonly Golden G = Golden.Load("examples_nn");

    [Fact]
    public void LinearRegressionEndsWherePyTorchDoes()
    {
        Tensor.ManualSeed(100);
        var x = Tensor.Linspace(-1, 1, 100).Unsqueeze(1);
        var y = 3 * x.Pow(2) + 2 + 0.2 * Tensor.Rand(100, 1);
        var w = Tensor.Randn(1, 1).RequiresGrad_();
        var b = Tensor.Zeros(1, 1).RequiresGrad_();
        for (int step = 0; step < 800; step++)
        {
            var loss = (0.5 * (x.Pow(2).Mm(w) + b - y).Pow(2)).Sum();
            loss.Backward();
            using (Ember.Autograd.NoGrad())
            {
                w.Sub_(0.001f * w.Grad!);
                b.Sub_(0.001f * b.Grad!);
                w.Grad!.Zero_();
                b.Grad!.Zero_();
            }
        }
        TensorAssert.Close(G["linreg_w"], w.Detach(), rtol: 1e-5, atol: 1e-6);
        TensorAssert.Close(G["linreg_b"], b.Detach(), rtol: 1e-5, atol: 1e-6);
        Assert.Equal("2.9645", w.Item<float>().ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("2.1146", b.Item<float>().ToString("F4", System.Globalization.CultureInfo.InvariantCulture));
    }
}

using Xunit;

namespace Ember.Tests;

/// <summary>
/// examples/01-manual-backprop.cs, replayed through the library and compared with PyTorch running
/// the same program (tests/golden/examples.py). CI also runs the example itself and checks its output.
/// </summary>
public class ExampleManualBackpropTests
{
    private static readonly Golden G = Golden.Load("examples");

    [Fact]
    public void TinyCaseMatchesTheChapterAndPyTorch()
    {
        var x = Tensor.From(new double[,] { { 1, 2 } });
        var y = Tensor.From(new double[,] { { 1, 2 } });
        var w1 = Tensor.From(new double[,] { { 0, 0.1 }, { 0.2, 0.3 } });
        var w2 = Tensor.From(new double[,] { { 0, 0.1 }, { 0.2, 0.3 } });
        var h = x.MatMul(w1);
        var hRelu = h.Clamp(min: 0);
        var yPred = hRelu.MatMul(w2);
        var loss = (yPred - y).Pow(2).Sum();
        var gradYPred = 2.0 * (yPred - y);
        var gradW2 = hRelu.T.MatMul(gradYPred);
        var gradHRelu = gradYPred.MatMul(w2.T);
        var gradH = gradHRelu.Clone();
        gradH[h < 0] = 0;
        var gradW1 = x.T.MatMul(gradH);
        w1.Sub_(1e-6 * gradW1);
        w2.Sub_(1e-6 * gradW2);

        Assert.Equal(3.8021, loss.Item<double>(), 10);
        TensorAssert.Close(Tensor.From(new double[,] { { -0.688, -1.4 }, { -1.204, -2.45 } }), gradW2);
        TensorAssert.Close(Tensor.From(new double[,] { { -0.35, -1.394 }, { -0.7, -2.788 } }), gradW1);
        TensorAssert.Close(Tensor.From(new double[,] { { 3.5e-07, 1.00001394e-01 }, { 2.000007e-01, 3.00002788e-01 } }), w1);
        TensorAssert.Close(Tensor.From(new double[,] { { 6.88e-07, 1.000014e-01 }, { 2.00001204e-01, 3.0000245e-01 } }), w2);
        foreach (var (name, t) in new[] { ("h", h), ("h_relu", hRelu), ("y_pred", yPred), ("grad_y_pred", gradYPred), ("grad_h_relu", gradHRelu), ("w1", w1), ("w2", w2) })
            TensorAssert.Close(G["tiny_" + name], t);
    }

    [Fact]
    public void GeneralCaseLossFallsAsInPyTorch()
    {
        Tensor.ManualSeed(0);
        var x = Tensor.Randn([64, 1000], dtype: DType.Float64);
        var y = Tensor.Randn([64, 10], dtype: DType.Float64);
        var w1 = Tensor.Randn([1000, 100], dtype: DType.Float64);
        var w2 = Tensor.Randn([100, 10], dtype: DType.Float64);
        var expected = G["general_losses"].ToArray<double>();
        for (int t = 0; t < 500; t++)
        {
            var h = x.MatMul(w1);
            var hRelu = h.Clamp(min: 0);
            var yPred = hRelu.MatMul(w2);
            double loss = (yPred - y).Pow(2).Sum().Item<double>();
            // Summation order differs from OpenBLAS, so allow float64 rounding to accumulate over 500 steps.
            Assert.True(Math.Abs(loss - expected[t]) <= 1e-7 * Math.Abs(expected[t]) + 1e-9, $"step {t}: PyTorch {expected[t]:R}, Ember {loss:R}");
            var gradYPred = 2.0 * (yPred - y);
            var gradW2 = hRelu.T.MatMul(gradYPred);
            var gradH = gradYPred.MatMul(w2.T);
            gradH[h < 0] = 0;
            var gradW1 = x.T.MatMul(gradH);
            w1.Sub_(1e-6 * gradW1);
            w2.Sub_(1e-6 * gradW2);
        }
        TensorAssert.Close(G["general_w2_final"], w2, rtol: 1e-7, atol: 1e-9);
    }
}

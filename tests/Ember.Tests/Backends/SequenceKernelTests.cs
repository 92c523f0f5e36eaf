using Ember.Backends.Cpu.Kernels;
using Xunit;

namespace Ember.Tests.Backends;

/// <summary>
/// The kernels added for the word-LM training step (issue 14's benchmark): they must give the composed
/// forms' results to the bit. Vector&lt;T&gt; is 256-bit with and without AVX-512 (unless .NET is told
/// otherwise), so these cases run the same lanes as on an AVX2-only machine; the widths checked include
/// tails shorter than a vector.
/// </summary>
public class SequenceKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(33)]
    [InlineData(1000)]
    public void AddWidenedIsTheScalarLoop(int n)
    {
        var rng = new Random(n);
        var xs = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 200 - 100)).ToArray();
        var acc = Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 1e6).ToArray();
        var expected = acc.Select((a, j) => a + xs[j]).ToArray();
        ReduceMath.AddWidened(acc, xs);
        Assert.Equal(expected, acc);
    }

    [Theory]
    [InlineData(5, 3)]
    [InlineData(64, 37)]
    [InlineData(700, 1003)] // a language model's [tokens, vocabulary] shape, in the row-wise walk's parallel chunks
    public void Float32SumOverRowsIsTheFloat64ScalarLoop(int rows, int cols)
    {
        var x = Tensor.Randn(rows, cols);
        var data = x.ToArray<float>();
        var expected = new float[cols];
        for (int c = 0; c < cols; c++)
        {
            double s = 0;
            for (int r = 0; r < rows; r++) s += data[r * cols + c];
            expected[c] = (float)s;
        }
        Assert.Equal(expected, x.Sum(0).ToArray<float>());
    }

    public static TheoryData<int[], int, bool> LogSoftmaxCases => new()
    {
        { [7, 13], 1, false },
        { [7, 13], 0, false },
        { [3, 5, 6], 1, false },
        { [70, 1000], 1, false },
        { [70, 1000], 1, true },
        { [4, 9, 17], 1, true },
        { [2, 3, 19], 2, true },
    };

    [Theory]
    [MemberData(nameof(LogSoftmaxCases))]
    public void FusedLogSoftmaxBackwardIsTheComposedFormula(int[] shape, int dim, bool float64)
    {
        var dtype = float64 ? DType.Float64 : DType.Float32;
        var y = Tensor.Randn(shape).To(dtype).LogSoftmax(dim);
        var g = Tensor.Randn(shape).To(dtype);
        var composed = g - y.Exp() * g.Sum(dim, keepDim: true);
        var fused = Tensor.LogSoftmaxBackward(y, g, dim);
        // float64 rounds as the composed ops do. float32 rows along the last dim take the softmax
        // kernels' own exponential (ShiftedExp, within 2 ulp of exp), so they agree to rounding.
        if (float64) Assert.Equal(composed.ToArray<double>(), fused.ToArray<double>());
        else if (dim == shape.Length - 1) TensorAssert.Close(composed, fused, rtol: 1e-6, atol: 1e-6);
        else Assert.Equal(composed.ToArray<float>(), fused.ToArray<float>());
    }

    [Fact]
    public void LogSoftmaxGradientIsTheSameFusedAndUnderCreateGraph()
    {
        // Backward without createGraph takes the fused kernel; with it, the recorded formula. Both agree
        // (to rounding: the fused kernel's float32 exponential is ShiftedExp, the formula's Tensor.Exp).
        var x = Tensor.Randn(6, 11).RequiresGrad_();
        var w = Tensor.Randn(6, 11);
        (x.LogSoftmax(1) * w).Sum().Backward();
        var fused = x.Grad!.Clone();
        x.Grad = null;
        (x.LogSoftmax(1) * w).Sum().Backward(createGraph: true);
        TensorAssert.Close(x.Grad!, fused, rtol: 1e-6, atol: 1e-6);
    }
}

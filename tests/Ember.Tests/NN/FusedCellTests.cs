using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The fused LSTM and GRU gate kernels against the same formulas in composed tensor ops: outputs and
/// every gradient, float32 and float64, with H = 37 so the vector loop and the scalar tail both run.
/// </summary>
public class FusedCellTests
{
    private static Tensor[] Inputs(DType dtype, int gates, int hidden, int seed)
    {
        var gen = new Generator((ulong)seed);
        Tensor Make(params int[] shape) => Tensor.Randn(shape, dtype: dtype, generator: gen).RequiresGrad_();
        return [Make(5, gates * hidden), Make(5, gates * hidden), Make(5, hidden), Make(gates * hidden)];
    }

    private static Tensor[] Detached(Tensor[] xs) => xs.Select(t => t.Detach().Clone().RequiresGrad_()).ToArray();

    private static void Compare(Tensor[] a, Tensor[] b, double rtol, double atol)
    {
        for (int i = 0; i < a.Length; i++) TensorAssert.Close(a[i].Grad!, b[i].Grad!, rtol, atol);
    }

    [Theory]
    [InlineData(DType.Float32, 1e-5, 1e-6)]
    [InlineData(DType.Float64, 1e-12, 1e-13)]
    public void LstmKernelMatchesTheComposedOps(DType dtype, double rtol, double atol)
    {
        var a = Inputs(dtype, 4, 37, 1);
        var b = Detached(a);
        var (h1, c1) = FusedCells.Lstm(a[0], a[1], a[2], a[3]);
        var (h2, c2) = FusedCells.LstmComposed(b[0], b[1], b[2], b[3]);
        Assert.Equal("ThnnFusedLstmCellBackward0", h1.GradFn!.Name);
        TensorAssert.Close(h2.Detach(), h1.Detach(), rtol, atol);
        TensorAssert.Close(c2.Detach(), c1.Detach(), rtol, atol);
        var gh = Tensor.Randn([5, 37], dtype: dtype, generator: new Generator(9));
        var gc = Tensor.Randn([5, 37], dtype: dtype, generator: new Generator(10));
        ((h1 * gh).Sum() + (c1 * gc).Sum()).Backward();
        ((h2 * gh).Sum() + (c2 * gc).Sum()).Backward();
        Compare(a, b, rtol, atol);
    }

    [Theory]
    [InlineData(DType.Float32, 1e-5, 1e-6)]
    [InlineData(DType.Float64, 1e-12, 1e-13)]
    public void GruKernelMatchesTheComposedOps(DType dtype, double rtol, double atol)
    {
        var a = Inputs(dtype, 3, 37, 2);
        var b = Detached(a);
        var h1 = FusedCells.Gru(a[0], a[1], a[2], a[3]);
        var h2 = FusedCells.GruComposed(b[0], b[1], b[2], b[3]);
        Assert.Equal("ThnnFusedGruCellBackward0", h1.GradFn!.Name);
        TensorAssert.Close(h2.Detach(), h1.Detach(), rtol, atol);
        var gh = Tensor.Randn([5, 37], dtype: dtype, generator: new Generator(11));
        (h1 * gh).Sum().Backward();
        (h2 * gh).Sum().Backward();
        Compare(a, b, rtol, atol);
    }

    [Fact]
    public void AnLstmStepIsOneFusedNodeAfterTheRecurrentProduct()
    {
        var cell = new LSTMCell(4, 6);
        var (h, c) = cell.Call(Tensor.Randn(3, 4), (Tensor.Randn(3, 6), Tensor.Randn(3, 6)));
        Assert.Equal("ThnnFusedLstmCellBackward0", h.GradFn!.Name);
        Assert.Same(h.GradFn, c.GradFn);
        Assert.Equal("ThnnFusedGruCellBackward0", new GRUCell(4, 6).Call(Tensor.Randn(3, 4)).GradFn!.Name);
    }
}

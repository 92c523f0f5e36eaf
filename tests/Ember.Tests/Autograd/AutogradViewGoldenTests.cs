using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Gradients of views, indexing and copies where PyTorch's answer is a convention (repeated indices,
/// overwritten duplicates, unused outputs, casts), against <c>tests/golden/grad_views.py</c>.
/// </summary>
public class AutogradViewGoldenTests
{
    private static readonly Golden G = Golden.Load("grad_views");

    private static int N(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    // Same inputs as the script: arange / 4 - 1, and gradients arange + 1.
    private static Tensor X(params int[] shape) =>
        (Tensor.Arange(0, N(shape), dtype: DType.Float64) / 4.0 - 1.0).View(shape).Detach().RequiresGrad_();

    private static Tensor Gr(params int[] shape) => (Tensor.Arange(0, N(shape), dtype: DType.Float64) + 1.0).View(shape);

    private static Tensor L(params long[] v) => Tensor.From(v);

    [Fact]
    public void IndexReadWithRepeatedPositionsAddsUp()
    {
        var x = X(3, 4);
        x[L(2, 0, 2)][.., 1..].Backward(Gr(3, 3));
        TensorAssert.Equal(G["index_repeat"], x.Grad!);
    }

    [Fact]
    public void IndexPutWithDuplicatesGivesEveryValueItsPositionsGradient()
    {
        var x = X(4); var v = X(3);
        var y = x * 1.0;
        y.IndexPut_([L(1, 1, 2)], v);
        y.Backward(Gr(4));
        TensorAssert.Equal(G["put_dup_self"], x.Grad!);
        TensorAssert.Equal(G["put_dup_values"], v.Grad!);
    }

    [Fact]
    public void IndexPutAccumulatePassesSelfsGradientAndSumsBroadcastValues()
    {
        var x = X(4, 2); var v = X(2);
        x.IndexPut([L(3, 0, 3)], v, accumulate: true).Backward(Gr(4, 2));
        TensorAssert.Equal(G["put_acc_self"], x.Grad!);
        TensorAssert.Equal(G["put_acc_values"], v.Grad!);
    }

    [Fact]
    public void MaskedWriteOnANonLeaf()
    {
        var x = X(3, 4);
        var y = x * 2.0;
        y[y > 0] = 0;
        y.Backward(Gr(3, 4));
        TensorAssert.Equal(G["mask_write"], x.Grad!);
    }

    [Fact]
    public void ColumnWriteOfABroadcastValueIntoANonLeaf()
    {
        var x = X(3, 4); var v = X(1);
        var y = x * 1.0;
        y[.., 1] = v;
        y.Backward(Gr(3, 4));
        TensorAssert.Equal(G["col_write_self"], x.Grad!);
        TensorAssert.Equal(G["col_write_value"], v.Grad!);
    }

    [Fact]
    public void UnusedOutputsOfUnbindAndSplitGetZeros()
    {
        var x = X(3, 2);
        x.Unbind(0)[1].Backward(Gr(2));
        TensorAssert.Equal(G["unbind_unused"], x.Grad!);
        var w = X(5, 2);
        Ember.Autograd.Backward([w.Split(2)[0], w.Split(2)[2]], [Gr(2, 2), Gr(1, 2)]);
        TensorAssert.Equal(G["split_unused"], w.Grad!);
    }

    [Fact]
    public void CastGradientComesBackInTheInputsDType()
    {
        var x = X(2, 3);
        (x.Float() * 3.0f).Backward(Gr(2, 3).Float());
        TensorAssert.Equal(G["to_float"], x.Grad!);
    }
}

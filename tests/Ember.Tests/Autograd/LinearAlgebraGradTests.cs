using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>Which node each matrix product records, and what it does without grad.</summary>
public class AutogradLinearAlgebraTests
{
    private static Tensor P(params int[] shape) => Tensor.Randn(shape, dtype: DType.Float64, generator: new Generator(7)).RequiresGrad_();

    // The names PyTorch 1.13 gives torch.matmul's grad_fn for the forms it dispatches straight to
    // dot / mv / mm; the other forms go through views there (SqueezeBackward3, UnsafeViewBackward0)
    // and record one MatmulBackward0 here.
    [Theory]
    [InlineData(new[] { 3 }, new[] { 3 }, "DotBackward0")]
    [InlineData(new[] { 2, 3 }, new[] { 3 }, "MvBackward0")]
    [InlineData(new[] { 2, 3 }, new[] { 3, 4 }, "MmBackward0")]
    [InlineData(new[] { 3 }, new[] { 3, 4 }, "MatmulBackward0")]
    [InlineData(new[] { 5, 2, 3 }, new[] { 3 }, "MatmulBackward0")]
    [InlineData(new[] { 5, 1, 2, 3 }, new[] { 4, 3, 4 }, "MatmulBackward0")]
    public void MatMulRecordsThePyTorchNodeForEachForm(int[] sa, int[] sb, string node)
    {
        var r = Tensor.MatMul(P(sa), P(sb));
        Assert.Equal(node, r.GradFn!.Name);
        Assert.Equal(2, r.GradFn.NextEdges.Length);
    }

    // [.., m, k] · [k, n] folds the batch into the rows as PyTorch does: one mm under an unsafe view.
    [Fact]
    public void MatMulOfABatchByAMatrixRecordsAViewAboveOneMm()
    {
        var r = Tensor.MatMul(P(5, 2, 3), P(3, 4));
        Assert.Equal("UnsafeViewBackward0", r.GradFn!.Name);
        Assert.Equal("MmBackward0", Assert.Single(r.GradFn.NextEdges).Node!.Name);
    }

    [Fact]
    public void FixedRankProductsRecordTheirNodes()
    {
        Assert.Equal("MmBackward0", P(2, 3).Mm(P(3, 4)).GradFn!.Name);
        Assert.Equal("BmmBackward0", P(2, 2, 3).Bmm(P(2, 3, 4)).GradFn!.Name);
        Assert.Equal("MvBackward0", P(2, 3).Mv(P(3)).GradFn!.Name);
        Assert.Equal("DotBackward0", P(3).Dot(P(3)).GradFn!.Name);
        Assert.Equal("MulBackward0", P(3).Outer(P(4)).GradFn!.Name); // PyTorch's outer is a reshape and a mul
    }

    [Fact]
    public void NothingIsRecordedWithoutGradOrUnderNoGrad()
    {
        var a = P(2, 3).Detach();
        Assert.Null(a.MatMul(a.T.Contiguous()).GradFn);
        var w = P(3, 4);
        using (Ember.Autograd.NoGrad())
        {
            var r = P(2, 3).MatMul(w);
            Assert.False(r.RequiresGrad);
        }
        var ints = Tensor.Ones([2, 3], dtype: DType.Int64);
        Assert.False(ints.MatMul(ints.T).RequiresGrad);
    }

    [Fact]
    public void OuterOfAFloat32VectorAndAFloat64VectorGivesEachItsOwnDType()
    {
        var a = Tensor.Randn([3], dtype: DType.Float32, generator: new Generator(1)).RequiresGrad_();
        var b = P(4);
        var r = a.Outer(b);
        Assert.Equal(DType.Float64, r.DType);
        Ember.Autograd.Backward([r], [Tensor.OnesLike(r)]);
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal(DType.Float64, b.Grad!.DType);
    }
}

using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>Autograd of views, indexing and copies beyond gradcheck: node names, writes through the indexer, dtype round trips, misuse.</summary>
public class AutogradViewTests
{
    private static Tensor X(params int[] shape) =>
        Tensor.Arange(0, shape.Aggregate(1, (a, b) => a * b), dtype: DType.Float64).Sub(2).View(shape).Detach().RequiresGrad_();

    private static Tensor D(double[] v, params int[] shape) => Tensor.From(v).View(shape);

    [Fact]
    public void GradFnNamesMatchPyTorch()
    {
        var y = X(2, 3, 4) * 1.0;
        Assert.Equal("ViewBackward0", y.View(6, 4).GradFn!.Name);
        Assert.Equal("ReshapeAliasBackward0", y.Reshape(6, 4).GradFn!.Name);
        var copied = y.Transpose(0, 1).Reshape(-1);
        Assert.Equal("UnsafeViewBackward0", copied.GradFn!.Name);
        Assert.Equal("CloneBackward0", copied.GradFn!.NextFunctions[0].Node!.Name);
        Assert.Null(copied.ViewBase);
        Assert.Equal("PermuteBackward0", y[0].T.GradFn!.Name);
        Assert.Equal("TransposeBackward0", y.MT.GradFn!.Name);
        Assert.Equal("PermuteBackward0", y.Movedim(0, 2).GradFn!.Name);
        Assert.Equal("SqueezeBackward0", y.Squeeze().GradFn!.Name);
        Assert.Equal("SqueezeBackward1", y.Squeeze(0).GradFn!.Name);
        Assert.Equal("UnsqueezeBackward0", y.Unsqueeze(0).GradFn!.Name);
        Assert.Equal("ExpandBackward0", y[.., ..1].Expand(2, 5, 4).GradFn!.Name);
        Assert.Equal("ViewBackward0", y.Unflatten(2, 2, 2).GradFn!.Name);
        Assert.Equal("SliceBackward0", y.Narrow(1, 0, 2).GradFn!.Name);
        Assert.Equal("SelectBackward0", y.Select(1, 0).GradFn!.Name);
        Assert.Equal("UnbindBackward0", y.Unbind(1)[0].GradFn!.Name);
        Assert.Equal("SplitBackward0", y.Chunk(2, 1)[0].GradFn!.Name);
        Assert.Equal("SplitWithSizesBackward0", y.Split([1, 2], 1)[0].GradFn!.Name);
        Assert.Equal("SelectBackward0", y[0].GradFn!.Name);
        var s = y[0, 1..];
        Assert.Equal("SliceBackward0", s.GradFn!.Name);
        Assert.Equal("SelectBackward0", s.GradFn!.NextFunctions[0].Node!.Name);
        Assert.Equal("AliasBackward0", y[Tensor.Ellipsis].GradFn!.Name);
        Assert.Equal("UnsqueezeBackward0", y[Tensor.NewAxis].GradFn!.Name);
        Assert.Equal("IndexBackward0", y[new long[] { 0, 1 }].GradFn!.Name);
        Assert.Equal("IndexBackward0", y[y > 0].GradFn!.Name);
        Assert.Equal("CloneBackward0", y.Clone().GradFn!.Name);
        Assert.Equal("CloneBackward0", y.Transpose(0, 1).Contiguous().GradFn!.Name);
        Assert.Equal("ToCopyBackward0", y.Float().GradFn!.Name);
    }

    [Fact]
    public void SameDtypeToAndContiguousOfContiguousReturnThisAndRecordNothing()
    {
        var y = X(2, 3) * 1.0;
        var fn = y.GradFn;
        Assert.Same(y, y.To(DType.Float64));
        Assert.Same(y, y.Double());
        Assert.Same(y, y.Contiguous());
        Assert.Same(fn, y.GradFn);
        // Integer results do not require grad.
        Assert.False(y.Long().RequiresGrad);
    }

    [Fact]
    public void ToDtypeCastsTheGradientBack()
    {
        var x = X(2, 3);
        var y = x.Float();
        Assert.True(y.RequiresGrad);
        (y * 3.0f).Backward(Tensor.Ones([2, 3], DType.Float32));
        Assert.Equal(DType.Float64, x.Grad!.DType);
        TensorAssert.Equal(Tensor.Full([2, 3], 3.0, DType.Float64), x.Grad);
        // A float32 round trip is only as precise as float32: gradcheck with a step it can see.
        Assert.True(Ember.Autograd.GradCheck(t => t[0].Float().Double() * t[1], [X(2, 2), X(2, 2)], eps: 1e-2, atol: 1e-4, rtol: 1e-3));
    }

    [Fact]
    public void ChapterExampleMaskedWriteOnATensorThatDoesNotRequireGrad()
    {
        // From the chapter's ReLU Function: grad_input[input < 0] = 0.
        var input = D([-1.0, 2.0, -3.0, 4.0], 4);
        var gradInput = D([1.0, 1.0, 1.0, 1.0], 4).Clone();
        gradInput[input < 0] = 0;
        TensorAssert.Equal(D([0.0, 1.0, 0.0, 1.0], 4), gradInput);
        Assert.False(gradInput.RequiresGrad);
        Assert.Null(gradInput.GradFn);
    }

    [Fact]
    public void WritingAColumnOfANonLeafZeroesItsGradient()
    {
        var x = X(2, 3);
        var y = x * 2.0;
        y[.., 0] = 0;
        Assert.Equal("CopySlices", y.GradFn!.Name);
        y.Backward(Tensor.OnesLike(y));
        TensorAssert.Equal(D([0.0, 2, 2, 0, 2, 2], 2, 3), x.Grad!);
    }

    [Fact]
    public void MaskedWriteOnANonLeafRecordsIndexPut()
    {
        var x = X(2, 3);                      // -2 .. 3
        var y = x * 2.0;
        y[y > 0] = 0;
        Assert.Equal("IndexPutBackward0", y.GradFn!.Name);
        Assert.Equal("MulBackward0", y.GradFn!.NextFunctions[0].Node!.Name);
        y.Backward(Tensor.OnesLike(y));
        TensorAssert.Equal(D([2.0, 2, 2, 0, 0, 0], 2, 3), x.Grad!);
    }

    [Fact]
    public void AValueWrittenByIndexGetsItsGradient()
    {
        var v = X(2);
        var z = Tensor.Zeros([4], DType.Float64);
        z[new long[] { 3, 1 }] = v;
        Assert.True(z.RequiresGrad);
        z.Backward(D([10.0, 20, 30, 40], 4));
        TensorAssert.Equal(D([40.0, 20], 2), v.Grad!);

        // Basic-index write of a broadcast value: the value's gradient is summed over the broadcast.
        var w = X(3);
        var m = Tensor.Zeros([2, 3], DType.Float64);
        m[Tensor.Ellipsis] = w;
        m.Backward(Tensor.OnesLike(m));
        TensorAssert.Equal(Tensor.Full([3], 2.0, DType.Float64), w.Grad!);
    }

    [Fact]
    public void RepeatedIndicesAccumulateTheirGradients()
    {
        var x = X(3);
        x[new long[] { 0, 0, 2, 0 }].Backward(D([1.0, 2, 3, 4], 4));
        TensorAssert.Equal(D([7.0, 0, 3], 3), x.Grad!);
    }

    [Fact]
    public void UnusedOutputsOfUnbindAndSplitGetZeroGradients()
    {
        var x = X(3, 2);
        x.Unbind()[1].Backward(D([5.0, 6], 2));
        TensorAssert.Equal(D([0.0, 0, 5, 6, 0, 0], 3, 2), x.Grad!);
        var w = X(5);
        w.Split(2)[2].Backward(D([7.0], 1));
        TensorAssert.Equal(D([0.0, 0, 0, 0, 7], 5), w.Grad!);
    }

    [Fact]
    public void InPlaceWritesIntoLeavesThatRequireGradAreRefused()
    {
        var x = X(2, 3);
        TensorAssert.Throws<InvalidOperationException>(() => x[0] = 1.0, "copy_", "view of a leaf Variable that requires grad");
        TensorAssert.Throws<InvalidOperationException>(() => x[x > 0] = 0, "index_put_", "leaf Variable that requires grad");
        TensorAssert.Throws<InvalidOperationException>(() => x.Copy_(Tensor.Zeros([3], DType.Float64)), "copy_", "leaf Variable that requires grad");
        // Under NoGrad they are allowed (the manual SGD update).
        using (Ember.Autograd.NoGrad()) { x[0] = 1.0; x[x > 2] = 0; }
        TensorAssert.Equal(D([1.0, 1, 1, 1, 2, 0], 2, 3), x.Detach());
    }

    [Fact]
    public void WritingAValueThatRequiresGradIntoAnIntegerTensorRecordsNothing()
    {
        var x = X(3);
        var a = Tensor.Zeros([3], DType.Int64);
        a.Copy_(x);
        Assert.False(a.RequiresGrad);
        var b = Tensor.Zeros([3], DType.Int64);
        b[0] = x[2];
        b[new long[] { 1 }] = x[2];
        Assert.False(b.RequiresGrad);
        Assert.Equal(new long[] { -2, -1, 0 }, a.ToArray<long>());
        Assert.Equal(new long[] { 0, 0, 0 }, b.ToArray<long>());
    }

    [Fact]
    public void ViewsOfTensorsThatDoNotRequireGradRecordNothing()
    {
        var c = Tensor.Zeros([2, 3], DType.Float64);
        Assert.Null(c[0].GradFn);
        Assert.Null(c.T.GradFn);
        Assert.Null(c.Split(1)[0].GradFn);
        using (Ember.Autograd.NoGrad())
        {
            var x = X(2, 3);
            Assert.False(x[0].RequiresGrad);
            Assert.False(x.Clone().RequiresGrad);
        }
    }
}

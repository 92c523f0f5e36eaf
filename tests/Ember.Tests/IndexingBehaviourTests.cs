using Xunit;

namespace Ember.Tests;

/// <summary>Basic indexing as views, the setter, Nonzero, IndexPut_, and every misuse message.</summary>
public class IndexingBehaviourTests
{
    private static Tensor Arange(int n, params int[] shape) =>
        Tensor.From<float>(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), shape);

    [Fact]
    public void BasicIndexingIsAView()
    {
        var x = Arange(24, 2, 3, 4);
        var v = x[1, .., 1..3];
        Assert.Equal(new[] { 3, 2 }, v.Shape.ToArray());
        Assert.Equal(new[] { 4, 1 }, v.Stride());
        Assert.Equal(13, v.StorageOffset());
        Assert.True(v.SharesStorageWith(x));
        Assert.Equal(new float[] { 13, 14, 17, 18, 21, 22 }, v.ToArray<float>());

        var last = x[^1];
        Assert.Equal(12, last.StorageOffset());
        Assert.Equal(new[] { 3, 4 }, last.Shape.ToArray());
        Assert.Equal(new float[] { 23 }, x[^1, ^1, ^1].Reshape(1).ToArray<float>());
        Assert.Equal(new[] { 1, 3, 4 }, x[1..].Shape.ToArray());
        Assert.Equal(0, x[0, 0, 0].NDim);
    }

    [Fact]
    public void SlicesWithStepsAndClampedBounds()
    {
        var x = Arange(10, 10);
        Assert.Equal(new float[] { 1, 4, 7 }, x[TensorIndex.Slice(1, null, 3)].ToArray<float>());
        Assert.Equal(new float[] { 6, 8 }, x[TensorIndex.Slice(-4, null, 2)].ToArray<float>());
        Assert.Equal(new float[] { 0, 3, 6 }, x[TensorIndex.Slice(0..7, 3)].ToArray<float>());
        Assert.Equal(new[] { 3 }, x[TensorIndex.Slice(1, null, 3)].Stride());
        // Python clamps slice bounds: x[8:100] has 2 elements, x[5:2] none.
        Assert.Equal(new float[] { 8, 9 }, x[8..100].ToArray<float>());
        Assert.Equal(0, x[5..2].Numel());
        Assert.Equal(new float[] { 0, 1 }, x[^100..2].ToArray<float>());
    }

    [Fact]
    public void NewAxisAndEllipsis()
    {
        var x = Arange(6, 2, 3);
        Assert.Equal(new[] { 2, 1, 3 }, x[.., Tensor.NewAxis].Shape.ToArray());
        Assert.Equal(new[] { 2, 3, 1 }, x[Tensor.Ellipsis, Tensor.NewAxis].Shape.ToArray());
        Assert.Equal(new float[] { 1, 4 }, x[Tensor.Ellipsis, 1].ToArray<float>());
        Assert.Equal(new[] { 1, 2, 3 }, x[Tensor.NewAxis, Tensor.Ellipsis].Shape.ToArray());
        Assert.True(x[Tensor.Ellipsis].SharesStorageWith(x));
    }

    [Fact]
    public void BasicSetterWritesThroughAndBumpsVersion()
    {
        var x = Tensor.Zeros(2, 3);
        long v0 = x.Version;
        x[.., 1] = 5;
        x[1] = Tensor.From(new float[] { 1, 2, 3 });
        Assert.Equal(new float[] { 0, 5, 0, 1, 2, 3 }, x.ToArray<float>());
        Assert.True(x.Version > v0);
        var li = Tensor.Zeros([3], DType.Int64);
        li[0] = 2.9; // converted to the tensor's dtype, truncating as PyTorch
        Assert.Equal(2L, li[0].Item<long>());
    }

    [Fact]
    public void AdvancedReadCopies()
    {
        var x = Arange(6, 2, 3);
        var r = x[new[] { 1, 0 }];
        Assert.False(r.SharesStorageWith(x));
        Assert.Equal(new float[] { 3, 4, 5, 0, 1, 2 }, r.ToArray<float>());
        var i32 = Tensor.From(new int[] { 2, -3 });
        Assert.Equal(new float[] { 2, 0, 5, 3 }, x[.., i32].ToArray<float>());
        Assert.Equal(new float[] { 3, 4, 5 }, x[new[] { false, true }].ToArray<float>());
    }

    [Fact]
    public void SetterWithAliasingValueReadsBeforeWriting()
    {
        var x = Arange(4, 4);
        x[new[] { 1, 2, 3 }] = x[0..3];
        Assert.Equal(new float[] { 0, 0, 1, 2 }, x.ToArray<float>());
        var y = Arange(4, 4);
        y[1..] = y[..3];
        Assert.Equal(new float[] { 0, 0, 1, 2 }, y.ToArray<float>());
    }

    [Fact]
    public void MaskAssignmentWithScalar()
    {
        var h = Tensor.From(new float[] { -1, 2, -3, 4 });
        var mask = Tensor.From(new bool[] { true, false, true, false });
        long v0 = h.Version;
        h[mask] = 0;
        Assert.Equal(new float[] { 0, 2, 0, 4 }, h.ToArray<float>());
        Assert.True(h.Version > v0);
    }

    [Fact]
    public void IndexPutAccumulatesRepeatsAndTakesNullAsWholeDim()
    {
        var x = Tensor.Zeros(3, 2);
        x.IndexPut_([Tensor.From(new long[] { 0, 2, 0 })], Tensor.Ones([2]), accumulate: true);
        Assert.Equal(new float[] { 2, 2, 0, 0, 1, 1 }, x.ToArray<float>());
        x.IndexPut_([null, Tensor.From(new long[] { 1 })], Tensor.Full([3, 1], 7));
        Assert.Equal(new float[] { 2, 7, 0, 7, 1, 7 }, x.ToArray<float>());
        var y = x.IndexPut([null], Tensor.Ones([2]), accumulate: true);
        Assert.Equal(new float[] { 3, 8, 1, 8, 2, 8 }, y.ToArray<float>());
        Assert.Equal(new float[] { 2, 7, 0, 7, 1, 7 }, x.ToArray<float>());
    }

    [Fact]
    public void NonzeroListsPositionsInRowMajorOrder()
    {
        var m = Tensor.From(new double[,] { { 0, 1.5, 0 }, { -2, 0, double.NaN } });
        var nz = m.Nonzero();
        Assert.Equal(DType.Int64, nz.DType);
        Assert.Equal(new[] { 3, 2 }, nz.Shape.ToArray());
        Assert.Equal(new long[] { 0, 1, 1, 0, 1, 2 }, nz.ToArray<long>());
        var t = TestViews.Permuted(m, 1, 0); // [[0, -2], [1.5, 0], [0, NaN]]
        Assert.Equal(new long[] { 0, 1, 1, 0, 2, 1 }, t.Nonzero().ToArray<long>());
        Assert.Equal(new[] { 1, 0 }, Tensor.Scalar(3.0).Nonzero().Shape.ToArray());
        Assert.Equal(new[] { 0, 0 }, Tensor.Scalar(0.0).Nonzero().Shape.ToArray());
        Assert.Equal(new[] { 0, 2 }, Tensor.Zeros(0, 4).Nonzero().Shape.ToArray());
    }

    [Fact]
    public void OutOfBoundsIndicesNameDimAndSize()
    {
        var x = Tensor.Zeros(3, 4);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[5], "index 5 is out of bounds for dimension 0 with size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[.., -5], "index -5 is out of bounds for dimension 1 with size 4");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[^0], "index ^0 is out of bounds for dimension 0 with size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[Tensor.NewAxis, 0, 9], "index 9 is out of bounds for dimension 1 with size 4");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[new long[] { 0, 3 }], "index 3 is out of bounds for dimension 0 with size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[.., new long[] { -5 }], "index -5 is out of bounds for dimension 1 with size 4");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x[new long[] { 7 }] = 1, "index 7 is out of bounds for dimension 0 with size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => _ = x[Tensor.Scalar(3)], "index 3 is out of bounds for dimension 0 with size 3");
        // An empty result reads nothing, so PyTorch does not check its indices either.
        Assert.Equal(new[] { 0, 1 }, Tensor.Zeros(0, 3)[.., new long[] { 5 }].Shape.ToArray());
    }

    [Fact]
    public void MisuseMessages()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => _ = x[0, 0, 0], "too many indices for tensor of dimension 2");
        TensorAssert.Throws<ArgumentException>(() => _ = Tensor.Scalar(1.0)[0], "invalid index of a 0-dim tensor", "Item<T>()");
        TensorAssert.Throws<ArgumentException>(() => _ = x[Tensor.Ellipsis, 0, Tensor.Ellipsis], "an index can only have a single ellipsis");
        TensorAssert.Throws<ArgumentException>(() => _ = x[new[] { true, false, true }],
            "The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [2, 3] at index 0");
        TensorAssert.Throws<ArgumentException>(() => _ = x[.., new[] { true }], "The shape of the mask [1] at index 0 does not match the shape of the indexed tensor [2, 3] at index 1");
        TensorAssert.Throws<ArgumentException>(() => _ = x[Tensor.From(new float[] { 0, 1 })], "tensors used as indices must be long, int, byte or bool tensors", "torch.float32");
        TensorAssert.Throws<ArgumentException>(() => _ = x[new long[] { 0, 1 }, new long[] { 0, 1, 2 }],
            "shape mismatch: indexing tensors could not be broadcast together with shapes [2], [3]");
        TensorAssert.Throws<ArgumentException>(() => x[new long[] { 0, 1 }] = Tensor.Ones(3, 3),
            "index_put_", "shape mismatch: value tensor of shape [3, 3] cannot be broadcast to indexing result of shape [2, 3]");
        TensorAssert.Throws<ArgumentException>(() => x[0] = Tensor.Ones(2), "copy_", "[3]", "[2]");
        TensorAssert.Throws<ArgumentException>(() => TensorIndex.Slice(0, 2, 0), "slice step cannot be zero");
        TensorAssert.Throws<ArgumentException>(() => TensorIndex.Slice(null, null, -1), "step must be greater than zero");
        TensorAssert.Throws<ArgumentException>(() => x.IndexPut_([null, null, null], 1), "index_put_", "too many indices");
        Assert.Throws<ArgumentNullException>(() => x[0] = null!);
        TensorAssert.Throws<ArgumentException>(() => _ = x[default(TensorIndex)], "default(TensorIndex) is not an index");
    }

    [Fact]
    public void WritesToExpandedViewsAreRefused()
    {
        var e = Tensor.Zeros(3).Expand(2, 3);
        TensorAssert.Throws<InvalidOperationException>(() => e[new long[] { 0 }] = 1, "index_put_", "refers to a single memory location");
        TensorAssert.Throws<InvalidOperationException>(() => e[.., 0] = 1, "copy_", "refers to a single memory location");
        // One row of the expanded view does not overlap itself, so writing it is allowed (as PyTorch).
        e[0] = 1;
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 1 }, e.ToArray<float>());
        // A write that touches each memory location once is still refused, as the view as a whole overlaps.
        TensorAssert.Throws<InvalidOperationException>(() => e.IndexPut_([Tensor.From(new long[] { 1 })], Tensor.Ones([3]), accumulate: true), "index_put_");
    }

    [Fact]
    public void TensorIndexFormatsLikePython()
    {
        Assert.Equal("1:3", ((TensorIndex)(1..3)).ToString());
        Assert.Equal(":", ((TensorIndex)Range.All).ToString());
        Assert.Equal("::2", TensorIndex.Slice(step: 2).ToString());
        Assert.Equal("-2:", TensorIndex.Slice(-2).ToString());
        TensorIndex fromEnd = ^1;
        Assert.Equal("^1", fromEnd.ToString());
        Assert.Equal("None", Tensor.NewAxis.ToString());
        Assert.Equal("...", Tensor.Ellipsis.ToString());
    }
}

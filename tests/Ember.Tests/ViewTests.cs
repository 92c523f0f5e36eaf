using Xunit;

namespace Ember.Tests;

/// <summary>View operations: shapes, strides, shared storage, writes through views, and misuse messages.</summary>
public class ViewTests
{
    private static Tensor Arange(int n, params int[] shape) =>
        Tensor.From<float>(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), shape);

    private static void AssertViewOf(Tensor of, Func<Tensor, Tensor> view, int[] shape, int[] strides, int offset) =>
        AssertView(view(of), of, shape, strides, offset);

    private static void AssertView(Tensor view, Tensor of, int[] shape, int[] strides, int offset)
    {
        Assert.Equal(shape, view.Shape.ToArray());
        Assert.Equal(strides, view.Stride());
        Assert.Equal(offset, view.StorageOffset());
        Assert.True(view.SharesStorageWith(of), "a view shares its base's storage");
    }

    [Fact]
    public void ViewInfersOneSizeAndSharesStorage()
    {
        var x = Arange(24, 2, 3, 4);
        var v = x.View(4, -1);
        AssertView(v, x, [4, 6], [6, 1], 0);
        v[0, 0] = 100;
        Assert.Equal(100f, x[0, 0, 0].Item<float>());
        AssertView(x.View(24), x, [24], [1], 0);
        AssertViewOf(Tensor.Scalar(1.0), s => s.View(1, 1), [1, 1], [1, 1], 0);
    }

    [Fact]
    public void ViewOfNonContiguousWhenStridesAllow()
    {
        // Every other column of a 4x12 buffer: rows are strided but each row splits cleanly.
        var x = TestViews.Sliced(Arange(48, 4, 12), 1, 0, 6, 2);
        var v = x.View(4, 2, 3);
        AssertView(v, x, [4, 2, 3], [12, 6, 2], 0);
        Assert.Equal(x.ToArray<float>(), v.ToArray<float>());
        // Merging dims 0 and 1 of a transposed matrix is impossible without a copy.
        var t = TestViews.Permuted(Arange(6, 2, 3), 1, 0);
        TensorAssert.Throws<ArgumentException>(() => t.View(6),
            "view size is not compatible with input tensor's size and stride", "[3, 2]", "[1, 3]", "Use .Reshape(...) instead.");
    }

    [Fact]
    public void ViewMisuseMessages()
    {
        var x = Arange(6, 2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.View(4, 2), "view", "shape '[4, 2]' is invalid for input of size 6");
        TensorAssert.Throws<ArgumentException>(() => x.View(-1, -1), "only one dimension can be inferred");
        TensorAssert.Throws<ArgumentException>(() => x.View(-2, 3), "invalid shape dimension -2");
        TensorAssert.Throws<ArgumentException>(() => x.View(4, -1), "shape '[4, -1]' is invalid for input of size 6");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(0, 3).View(0, -1),
            "cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 can be any value and is ambiguous");
        TensorAssert.Throws<ArgumentException>(() => x.Reshape(5), "reshape", "shape '[5]' is invalid for input of size 6");
    }

    [Fact]
    public void ReshapeViewsWhenPossibleElseCopies()
    {
        var x = Arange(6, 2, 3);
        var r = x.Reshape(3, 2);
        AssertView(r, x, [3, 2], [2, 1], 0);
        var t = x.T;
        var c = t.Reshape(-1);
        Assert.False(c.SharesStorageWith(x));
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, c.ToArray<float>());
        Assert.True(c.IsContiguous());
        AssertView(x.ViewAs(Tensor.Zeros(6)), x, [6], [1], 0);
        Assert.Equal(new[] { 6, 1 }, t.ReshapeAs(Tensor.Zeros(6, 1)).Shape.ToArray());
        AssertViewOf(Tensor.Zeros(0, 4), s => s.Reshape(2, 0, 2), [2, 0, 2], [2, 2, 1], 0);
    }

    [Fact]
    public void PermuteTransposeTAndMT()
    {
        var x = Arange(24, 2, 3, 4);
        AssertView(x.Permute(2, 0, 1), x, [4, 2, 3], [1, 12, 4], 0);
        AssertView(x.Permute(-1, 0, 1), x, [4, 2, 3], [1, 12, 4], 0);
        AssertView(x.Transpose(0, -1), x, [4, 3, 2], [1, 4, 12], 0);
        AssertView(x.T, x, [4, 3, 2], [1, 4, 12], 0);
        AssertView(x.MT, x, [2, 4, 3], [12, 1, 4], 0);
        var v = Arange(3, 3);
        AssertView(v.T, v, [3], [1], 0);
        Assert.Equal(0, Tensor.Scalar(1.0).T.NDim);
        AssertViewOf(Tensor.Scalar(1.0), s => s.Transpose(0, -1), [], [], 0);
        var m = Arange(6, 2, 3);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, m.T.ToArray<float>());
        m.T[2, 1] = -1;
        Assert.Equal(-1f, m[1, 2].Item<float>());

        TensorAssert.Throws<ArgumentException>(() => x.Permute(0, 1),
            "permute", "input.dim() = 3 is not equal to len(dims) = 2");
        TensorAssert.Throws<ArgumentException>(() => x.Permute(0, 1, 1), "permute", "duplicate dims are not allowed");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Permute(0, 1, 3), "permute", "expected to be in range of [-3, 2], but got 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Transpose(0, 3), "transpose", "but got 3");
        TensorAssert.Throws<InvalidOperationException>(() => _ = v.MT, "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor");
    }

    [Fact]
    public void UnsqueezeAndSqueeze()
    {
        var x = Arange(6, 2, 3);
        AssertView(x.Unsqueeze(0), x, [1, 2, 3], [6, 3, 1], 0);
        AssertView(x.Unsqueeze(1), x, [2, 1, 3], [3, 3, 1], 0);
        AssertView(x.Unsqueeze(-1), x, [2, 3, 1], [3, 1, 1], 0);
        AssertViewOf(Tensor.Scalar(2.0), s => s.Unsqueeze(0), [1], [1], 0);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Unsqueeze(3), "unsqueeze", "expected to be in range of [-3, 2], but got 3");

        var y = TestViews.Expanded(Arange(3, 1, 3, 1), 1, 3, 1).Unsqueeze(0); // [1, 1, 3, 1]
        Assert.Equal(new[] { 3 }, y.Squeeze().Shape.ToArray());
        Assert.Equal(new[] { 1, 3, 1 }, y.Squeeze(0).Shape.ToArray());
        Assert.Equal(new[] { 1, 1, 3, 1 }, y.Squeeze(2).Shape.ToArray()); // size 3: left alone, as PyTorch
        Assert.Equal(new[] { 1, 3 }, y.Squeeze(0, -1).Shape.ToArray());
        Assert.Equal(new[] { 1, 3 }, y.Squeeze(0, 2, 3).Shape.ToArray());
        Assert.True(y.Squeeze().SharesStorageWith(y));
        Assert.Equal(0, Tensor.Scalar(1.0).Squeeze().NDim);
        Assert.Equal(0, Tensor.Scalar(1.0).Squeeze(0).NDim);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Squeeze(2), "squeeze", "but got 2");
        TensorAssert.Throws<ArgumentException>(() => y.Squeeze(0, 0), "squeeze", "dim 0 appears multiple times");
    }

    [Fact]
    public void ExpandBroadcastsWithStrideZero()
    {
        var x = Arange(3, 3, 1);
        var e = x.Expand(2, 3, 4);
        AssertView(e, x, [2, 3, 4], [0, 1, 0], 0);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2 }, e[1].ToArray<float>());
        AssertView(x.Expand(-1, 5), x, [3, 5], [1, 0], 0);
        AssertView(x.Expand(0, 3, 2), x, [0, 3, 2], [0, 1, 0], 0);
        AssertView(x.ExpandAs(Tensor.Zeros(3, 2)), x, [3, 2], [1, 0], 0);
        AssertViewOf(Tensor.Scalar(1.0), s => s.Expand(2), [2], [0], 0);

        TensorAssert.Throws<ArgumentException>(() => x.Expand(3),
            "expand", "the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)");
        TensorAssert.Throws<ArgumentException>(() => x.Expand(2, 4),
            "expand", "the expanded size of the tensor (2) must match the existing size (3) at non-singleton dimension 0.", "Target sizes: [2, 4]. Tensor sizes: [3, 1]");
        TensorAssert.Throws<ArgumentException>(() => x.Expand(-1, 3, 1), "expand", "(-1) isn't allowed in a leading, non-existing dimension 0");
        TensorAssert.Throws<ArgumentException>(() => x.Expand(3, -2), "expand", "the expanded size of the tensor (-2) must match the existing size (1) at non-singleton dimension 1");
        TensorAssert.Throws<InvalidOperationException>(() => e.Copy_(Tensor.Zeros(2, 3, 4)), "refers to a single memory location");
    }

    [Fact]
    public void FlattenAndUnflatten()
    {
        var x = Arange(24, 2, 3, 4);
        AssertView(x.Flatten(), x, [24], [1], 0);
        AssertView(x.Flatten(1), x, [2, 12], [12, 1], 0);
        AssertView(x.Flatten(0, 1), x, [6, 4], [4, 1], 0);
        AssertView(x.Flatten(1, 1), x, [2, 3, 4], [12, 4, 1], 0);
        AssertViewOf(Tensor.Scalar(3.0), s => s.Flatten(), [1], [1], 0);
        // Permuted [4, 2, 3] with strides [1, 12, 4]: dims 1 and 2 are still back to back (a view),
        // dims 0 and 1 are not (a copy).
        var p = x.Permute(2, 0, 1);
        AssertView(p.Flatten(1), x, [4, 6], [1, 4], 0);
        var f = p.Flatten(0, 1);
        Assert.False(f.SharesStorageWith(x));
        Assert.Equal(p.Contiguous().ToArray<float>(), f.ToArray<float>());
        TensorAssert.Throws<ArgumentException>(() => x.Flatten(2, 1), "flatten() has invalid args: start_dim cannot come after end_dim");

        AssertView(x.Unflatten(2, 2, 2), x, [2, 3, 2, 2], [12, 4, 2, 1], 0);
        AssertView(x.Unflatten(-1, -1, 1, 2), x, [2, 3, 2, 1, 2], [12, 4, 2, 2, 1], 0);
        AssertView(p.Unflatten(0, 2, 2), x, [2, 2, 2, 3], [2, 1, 12, 4], 0);
        TensorAssert.Throws<ArgumentException>(() => x.Unflatten(1), "unflatten: sizes must be non-empty");
        TensorAssert.Throws<ArgumentException>(() => x.Unflatten(1, 2, 2),
            "unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the input tensor");
        TensorAssert.Throws<ArgumentException>(() => x.Unflatten(1, -1, -1), "only one dimension can be inferred");
    }

    [Fact]
    public void NarrowAndSelect()
    {
        var x = Arange(24, 2, 3, 4);
        var n = x.Narrow(2, 1, 2);
        AssertView(n, x, [2, 3, 2], [12, 4, 1], 1);
        AssertView(x.Narrow(-2, -2, 2), x, [2, 2, 4], [12, 4, 1], 4);
        AssertView(n.Narrow(2, 1, 1), x, [2, 3, 1], [12, 4, 1], 2);
        AssertView(x.Narrow(1, 3, 0), x, [2, 0, 4], [12, 4, 1], 0);
        n.Copy_(0);
        Assert.Equal(new float[] { 0, 0, 0, 3 }, x[0, 0].ToArray<float>());
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).Narrow(0, 0, 1), "narrow() cannot be applied to a 0-dim tensor");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 4, 0), "narrow", "start out of range (expected to be in range of [-3, 3], but got 4)");
        TensorAssert.Throws<ArgumentException>(() => x.Narrow(1, 0, -1), "narrow(): length must be non-negative");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 2, 2), "start (2) + length (2) exceeds dimension size (3)");

        AssertView(x.Select(1, 2), x, [2, 4], [12, 1], 8);
        AssertView(x.Select(-1, -1), x, [2, 3], [12, 4], 3);
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).Select(0, 0), "select() cannot be applied to a 0-dim tensor");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Select(0, 5), "select(): index 5 out of range for tensor of size [2, 3, 4] at dimension 0");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Select(3, 0), "select", "but got 3");
    }

    [Fact]
    public void UnbindGivesViewsOfEachSlice()
    {
        var x = Arange(6, 2, 3);
        var cols = x.Unbind(1);
        Assert.Equal(3, cols.Length);
        for (int i = 0; i < 3; i++) AssertView(cols[i], x, [2], [3], i);
        Assert.Equal(new float[] { 2, 5 }, cols[2].ToArray<float>());
        Assert.Empty(Tensor.Zeros(0, 2).Unbind());
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).Unbind(), "Dimension specified as 0 but tensor has no dimensions");
    }

    [Theory]
    [InlineData(5, 2, new[] { 2, 2, 1 })]
    [InlineData(6, 3, new[] { 3, 3 })]
    [InlineData(3, 7, new[] { 3 })]
    [InlineData(0, 2, new[] { 0 })]
    [InlineData(0, 0, new[] { 0 })]
    public void SplitBySizeFollowsPyTorch(int size, int splitSize, int[] expected)
    {
        var x = Tensor.Zeros(2, size);
        var parts = x.Split(splitSize, 1);
        Assert.Equal(expected, parts.Select(p => p.Size(1)).ToArray());
        int start = 0;
        foreach (var p in parts) { Assert.True(p.SharesStorageWith(x)); if (p.Numel() > 0) Assert.Equal(start, p.StorageOffset()); start += p.Size(1); }
    }

    [Theory]
    [InlineData(5, 4, new[] { 2, 2, 1 })]
    [InlineData(6, 4, new[] { 2, 2, 2 })]
    [InlineData(4, 4, new[] { 1, 1, 1, 1 })]
    [InlineData(2, 5, new[] { 1, 1 })]
    [InlineData(0, 3, new[] { 0, 0, 0 })]
    [InlineData(13, 5, new[] { 3, 3, 3, 3, 1 })]
    public void ChunkFollowsPyTorch(int size, int chunks, int[] expected)
    {
        var parts = Tensor.Zeros(size, 2).Chunk(chunks);
        Assert.Equal(expected, parts.Select(p => p.Size(0)).ToArray());
    }

    [Fact]
    public void SplitWithSizes()
    {
        var x = Arange(12, 2, 6);
        var parts = x.Split([1, 0, 5], -1);
        Assert.Equal(new[] { 1, 0, 5 }, parts.Select(p => p.Size(1)).ToArray());
        AssertView(parts[2], x, [2, 5], [6, 1], 1);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 7, 8, 9, 10, 11 }, parts[2].ToArray<float>());
    }

    [Fact]
    public void SplitAndChunkMisuseMessages()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.Split(-1), "split expects split_size be non-negative, but got split_size=-1");
        TensorAssert.Throws<ArgumentException>(() => x.Split(0), "split_size can only be 0 if dimension size is 0, but got dimension size of 2");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).Split(1), "split expects at least a 1-dimensional tensor");
        TensorAssert.Throws<ArgumentException>(() => x.Split([1, 1], 1),
            "split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at dimension 1), but got split_sizes=[1, 1]");
        TensorAssert.Throws<ArgumentException>(() => x.Split([-1, 4], 1), "split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[-1, 4]");
        TensorAssert.Throws<ArgumentException>(() => x.Chunk(0), "chunk expects `chunks` to be greater than 0, got: 0");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).Chunk(2), "chunk expects at least a 1-dimensional tensor");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Chunk(2, 2), "chunk", "but got 2");
    }

    [Fact]
    public void MovedimKeepsOtherDimsInOrder()
    {
        var x = Tensor.Zeros(2, 3, 4, 5);
        Assert.Equal(new[] { 3, 4, 5, 2 }, x.Movedim(0, -1).Shape.ToArray());
        Assert.Equal(new[] { 5, 2, 3, 4 }, x.Movedim(3, 0).Shape.ToArray());
        Assert.Equal(new[] { 4, 5, 2, 3 }, x.Movedim([0, 1], [2, 3]).Shape.ToArray());
        Assert.Equal(new[] { 3, 5, 2, 4 }, x.Movedim([1, 3], [0, 1]).Shape.ToArray());
        Assert.True(x.Movedim(0, 1).SharesStorageWith(x));
        TensorAssert.Throws<ArgumentException>(() => x.Movedim([0, 1], [0]),
            "movedim: Invalid source or destination dims: source ([0, 1] dims) should contain the same number of dims as destination ([0] dims)");
        TensorAssert.Throws<ArgumentException>(() => x.Movedim([0, 0], [0, 1]), "movedim: repeated dim in `source` ([0, 0])");
        TensorAssert.Throws<ArgumentException>(() => x.Movedim([0, 1], [2, -2]), "movedim: repeated dim in `destination` ([2, -2])");
    }

    // Laws: a view of a view is the view of the composed layout, and data read through a chain of views
    // equals the same indexing done on plain arrays. Random chains with a fixed seed.
    [Fact]
    public void RandomViewChainsAgreeWithReferenceIndexing()
    {
        var rng = new Random(1234);
        for (int trial = 0; trial < 200; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = Enumerable.Range(0, rank).Select(_ => rng.Next(1, 5)).ToArray();
            int n = shape.Aggregate(1, (a, b) => a * b);
            var t = Arange(n, shape);
            // Reference: an explicit map from each position of the current view to a flat element index.
            var refShape = (int[])shape.Clone();
            Func<int[], int> at = idx => { int o = 0; for (int i = 0; i < idx.Length; i++) o = o * shape[i] + idx[i]; return o; };
            for (int step = 0; step < 4; step++)
            {
                int r = refShape.Length;
                var prev = at;
                switch (rng.Next(6))
                {
                    case 0 when r > 0:
                    {
                        var perm = Enumerable.Range(0, r).OrderBy(_ => rng.Next()).ToArray();
                        t = t.Permute(perm);
                        var old = refShape; refShape = perm.Select(p => old[p]).ToArray();
                        at = idx => { var o = new int[idx.Length]; for (int i = 0; i < idx.Length; i++) o[perm[i]] = idx[i]; return prev(o); };
                        break;
                    }
                    case 1 when r > 0:
                    {
                        int d = rng.Next(r), size = refShape[d];
                        int start = rng.Next(size), stop = rng.Next(start, size + 1), stp = rng.Next(1, 3);
                        t = t[Enumerable.Range(0, d).Select(_ => (TensorIndex)Range.All).Append(TensorIndex.Slice(start, stop, stp)).ToArray()];
                        int len = stop > start ? (stop - start + stp - 1) / stp : 0;
                        refShape = (int[])refShape.Clone(); refShape[d] = len;
                        at = idx => { var o = (int[])idx.Clone(); o[d] = start + idx[d] * stp; return prev(o); };
                        break;
                    }
                    case 2:
                    {
                        int d = rng.Next(r + 1);
                        t = t.Unsqueeze(d);
                        refShape = Layout.Insert(refShape, d, 1);
                        at = idx => prev(Layout.Remove(idx, d));
                        break;
                    }
                    case 3 when r > 0 && refShape.Min() > 0:
                    {
                        int d = rng.Next(r), i0 = rng.Next(refShape[d]);
                        t = t.Select(d, i0);
                        refShape = Layout.Remove(refShape, d);
                        at = idx => prev(Layout.Insert(idx, d, i0));
                        break;
                    }
                    case 4 when r > 0:
                    {
                        int d = rng.Next(r);
                        if (refShape[d] != 1) break;
                        int k = rng.Next(1, 4);
                        var target = (int[])refShape.Clone(); target[d] = k;
                        t = t.Expand(target);
                        refShape = target;
                        at = idx => { var o = (int[])idx.Clone(); o[d] = 0; return prev(o); };
                        break;
                    }
                    default:
                    {
                        // Reshape to a flat vector and back: values keep row-major order.
                        var back = (int[])refShape.Clone();
                        t = t.Reshape(-1).Reshape(back);
                        break;
                    }
                }
                Assert.Equal(refShape, t.Shape.ToArray());
                var actual = t.ToArray<float>();
                var idx = new int[refShape.Length];
                for (int flat = 0; flat < actual.Length; flat++)
                {
                    Assert.Equal((float)at(idx), actual[flat]);
                    for (int d = idx.Length - 1; d >= 0; d--) { if (++idx[d] < refShape[d]) break; idx[d] = 0; }
                }
            }
        }
    }

    [Fact]
    public void InverseViewsRestoreTheLayout()
    {
        var x = TestViews.Sliced(Arange(60, 3, 4, 5), 2, 1, 2, 2);
        var perm = new[] { 2, 0, 1 };
        var back = x.Permute(perm).Permute(1, 2, 0);
        Assert.Equal(x.Stride(), back.Stride());
        Assert.Equal(x.Shape, back.Shape);
        Assert.Equal(x.Stride(), x.Transpose(0, 2).Transpose(0, 2).Stride());
        Assert.Equal(x.Stride(), x.Unsqueeze(1).Squeeze(1).Stride());
        var y = Arange(24, 2, 3, 4);
        Assert.Equal(y.Stride(), y.View(6, 4).View(2, 3, 4).Stride());
        var nn = y.Narrow(2, 1, 3).Narrow(2, 1, 2);
        var direct = y.Narrow(2, 2, 2);
        Assert.Equal(direct.StorageOffset(), nn.StorageOffset());
        Assert.Equal(direct.Stride(), nn.Stride());
    }
}

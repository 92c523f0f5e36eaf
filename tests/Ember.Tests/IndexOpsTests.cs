using Xunit;

namespace Ember.Tests;

/// <summary>gather, scatter and scatter_add against PyTorch, plus their misuse messages.</summary>
public class IndexOpsGatherScatterTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void GatherWithIndexSmallerThanInput() => TensorAssert.Equal(G("gather_f32"), G("gather_f32_x").Gather(1, G("gather_f32_i")));

    [Fact]
    public void GatherNegativeDimIndexLongerAlongDim() => TensorAssert.Equal(G("gather_f64_neg"), G("gather_f64_x").Gather(-2, G("gather_f64_i")));

    [Fact]
    public void GatherPermutedInputAndNonContiguousIndex()
    {
        var x = TestViews.Permuted(G("gather_i64_perm_x"), 2, 0, 1);
        TensorAssert.Equal(G("gather_i64_perm"), x.Gather(0, G("gather_i64_i")));
        TensorAssert.Equal(G("gather_i64_perm"), x.Gather(0, TestViews.NonContiguous(G("gather_i64_i"))));
    }

    [Fact]
    public void GatherBoolExpandedIndex()
    {
        TensorAssert.Equal(G("gather_bool"), G("gather_bool_x").Gather(0, G("gather_bool_i")));
        var x = Tensor.From(new double[,] { { 0, 1, 2 }, { 3, 4, 5 } });
        var i = TestViews.Expanded(Tensor.From(new long[,] { { 0, 1 } }), 2, 2);
        Assert.Equal(new double[] { 0, 1, 3, 4 }, x.Gather(1, i).ToArray<double>());
    }

    [Fact]
    public void GatherEmptyAndZeroDim()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Equal(new[] { 2, 0 }, x.Gather(1, Tensor.Zeros([2, 0], DType.Int64)).Shape.ToArray());
        var s = Tensor.Scalar(5.0f);
        var r = s.Gather(0, Tensor.Scalar(0L));
        Assert.Equal(0, r.NDim);
        Assert.Equal(5f, r.Item<float>());
        Assert.Equal(new float[] { 5, 5 }, s.Gather(0, Tensor.From(new long[] { 0, 0 })).ToArray<float>());
    }

    [Fact]
    public void GatherMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.Gather(1, Tensor.Zeros([2, 2], DType.Int32)), "gather(): Expected dtype int64 for index");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Gather(1, Tensor.From(new long[,] { { 7 } })),
            "gather(): index 7 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Gather(-1, Tensor.From(new long[,] { { -1 } })),
            "gather(): index -1 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentException>(() => x.Gather(1, Tensor.From(new long[] { 0, 1 })),
            "gather(): Index tensor must have the same number of dimensions as input tensor");
        TensorAssert.Throws<ArgumentException>(() => x.Gather(1, Tensor.Zeros([3, 2], DType.Int64)),
            "gather(): Size does not match at dimension 0 expected index [3, 2] to be smaller than self [2, 3] apart from dimension 1");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Gather(2, Tensor.Zeros([2, 2], DType.Int64)),
            "gather: dimension out of range (expected to be in range of [-2, 1], but got 2)");
    }

    [Fact]
    public void ScatterFromSmallerIndexAndLargerSrc()
    {
        var s = G("scatter_f32_s");
        TensorAssert.Equal(G("scatter_f32"), s.Scatter(1, G("scatter_f32_i"), G("scatter_f32_src")));
        TensorAssert.Equal(G("scatter_f32_s"), s); // out-of-place leaves self alone
        var c = s.Clone();
        long v = c.Version;
        Assert.Same(c, c.Scatter_(1, G("scatter_f32_i"), TestViews.NonContiguous(G("scatter_f32_src"))));
        TensorAssert.Equal(G("scatter_f32"), c);
        Assert.True(c.Version > v);
    }

    [Fact]
    public void ScatterNumberValue()
    {
        TensorAssert.Equal(G("scatter_f64_value"), G("scatter_f64_s").Scatter(0, G("scatter_f64_i"), 2.5));
        TensorAssert.Equal(G("scatter_i64_value"), G("scatter_i64_s").Scatter(-1, G("scatter_i64_i"), 7));
        // A float value into an integer tensor is truncated, as PyTorch.
        var z = Tensor.Zeros([2], DType.Int64).Scatter(0, Tensor.From(new long[] { 1 }), 2.7);
        Assert.Equal(new long[] { 0, 2 }, z.ToArray<long>());
    }

    [Fact]
    public void ScatterBool() => TensorAssert.Equal(G("scatter_bool"), G("scatter_bool_s").Scatter(0, G("scatter_bool_i"), G("scatter_bool_src")));

    [Fact]
    public void ScatterAddAccumulatesDuplicates()
    {
        TensorAssert.Equal(G("scatter_add_f32"), G("scatter_add_f32_s").ScatterAdd(0, G("scatter_add_f32_i"), G("scatter_add_f32_src")));
        TensorAssert.Equal(G("scatter_add_i64"), G("scatter_add_i64_s").ScatterAdd(0, G("scatter_add_i64_i"), G("scatter_add_i64_src")));
    }

    [Fact]
    public void ScatterAddInPlaceThroughPermutedView()
    {
        var s = G("scatter_add_f64_perm_s").Clone();
        var p = TestViews.Permuted(s, 1, 0);
        long v = s.Version;
        p.ScatterAdd_(-1, G("scatter_add_f64_i"), TestViews.NonContiguous(G("scatter_add_f64_nc_src")));
        TensorAssert.Close(G("scatter_add_f64_perm"), p);
        Assert.True(s.Version > v);
        var q = TestViews.Permuted(G("scatter_add_f64_perm_s"), 1, 0);
        TensorAssert.Close(G("scatter_add_f64_perm"), q.ScatterAdd(1, G("scatter_add_f64_i"), G("scatter_add_f64_nc_src")));
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("prod")]
    [InlineData("mean")]
    [InlineData("amax")]
    [InlineData("amin")]
    public void ScatterReduce(string reduce)
    {
        TensorAssert.Close(G($"sred_f32_{reduce}"), G("sred_f32_s").ScatterReduce(1, G("sred_f32_i"), G("sred_f32_src"), reduce));
        TensorAssert.Close(G($"sred_f32_{reduce}_noself"), G("sred_f32_s").ScatterReduce(1, G("sred_f32_i"), G("sred_f32_src"), reduce, includeSelf: false));
        TensorAssert.Equal(G($"sred_i64_{reduce}"), G("sred_i64_s").ScatterReduce(0, G("sred_i64_i"), G("sred_i64_src"), reduce));
        var c = G("sred_i64_s").Clone();
        long v = c.Version;
        Assert.Same(c, c.ScatterReduce_(-2, G("sred_i64_i"), TestViews.NonContiguous(G("sred_i64_src")), reduce, includeSelf: false));
        TensorAssert.Equal(G($"sred_i64_{reduce}_noself"), c);
        Assert.True(c.Version > v);
        if (reduce != "mean")
            TensorAssert.Equal(G($"sred_bool_{reduce}_noself"), G("sred_bool_s").ScatterReduce(1, G("sred_bool_i"), G("sred_bool_src"), reduce, includeSelf: false));
    }

    [Fact]
    public void ScatterReduceMeanOnPermutedView()
    {
        var p = TestViews.Permuted(G("sred_f64_perm_s"), 1, 0);
        TensorAssert.Close(G("sred_f64_perm_mean"), p.ScatterReduce(-1, G("sred_f64_i"), G("sred_f64_src"), "mean", includeSelf: false));
    }

    [Fact]
    public void ScatterReduceMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        var i = Tensor.From(new long[,] { { 0, 1 } });
        TensorAssert.Throws<ArgumentException>(() => x.ScatterReduce(1, i, Tensor.Ones(1, 2), "max"),
            "scatter_reduce(): reduce argument must be either sum, prod, mean, amax or amin, got \"max\"");
        TensorAssert.Throws<ArgumentException>(() => x.Bool().ScatterReduce(1, i, Tensor.Ones([1, 2], DType.Bool), "mean"),
            "scatter_reduce(): reduce \"mean\" is not supported for torch.bool tensors");
        TensorAssert.Throws<ArgumentException>(() => x.ScatterReduce_(1, i, Tensor.Ones([1, 2], DType.Float64), "sum"),
            "scatter_reduce_(): Expected self.dtype to be equal to src.dtype");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.ScatterReduce(1, Tensor.From(new long[,] { { 3 } }), Tensor.Ones(1, 1), "amin", includeSelf: false),
            "scatter_reduce(): index 3 is out of bounds for dimension 1 with size 3");
        Assert.Equal(new float[6], x.ToArray<float>());
    }

    [Fact]
    public void ScatterEmptyIndexIsANoOp()
    {
        var x = Tensor.Ones(2, 3);
        var r = x.ScatterAdd(1, Tensor.Zeros([0], DType.Int64), Tensor.Ones(2, 3));
        TensorAssert.Equal(x, r);
    }

    [Fact]
    public void ScatterMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        var i = Tensor.From(new long[,] { { 0, 1 }, { 1, 0 } });
        TensorAssert.Throws<ArgumentException>(() => x.Scatter(1, i, Tensor.Ones([2, 2], DType.Float64)),
            "scatter(): Expected self.dtype to be equal to src.dtype");
        TensorAssert.Throws<ArgumentException>(() => x.ScatterAdd(1, i, Tensor.Ones([2, 2], DType.Float64)),
            "scatter_add(): Expected self.dtype to be equal to src.dtype");
        TensorAssert.Throws<ArgumentException>(() => x.Scatter(1, Tensor.Zeros([2, 2], DType.Int32), Tensor.Ones(2, 2)),
            "scatter(): Expected dtype int64 for index");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Scatter_(1, Tensor.From(new long[,] { { 5 } }), Tensor.Ones(2, 2)),
            "scatter_(): index 5 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentException>(() => x.Scatter(1, Tensor.Zeros([2, 3], DType.Int64), Tensor.Ones(2, 2)),
            "scatter(): Expected index [2, 3] to be smaller than self [2, 3] apart from dimension 1 and to be smaller size than src [2, 2]");
        TensorAssert.Throws<ArgumentException>(() => x.ScatterAdd_(1, i, Tensor.Ones(1, 1)),
            "scatter_add_(): Expected index [2, 2] to be smaller than self [2, 3] apart from dimension 1 and to be smaller size than src [1, 1]");
        TensorAssert.Throws<ArgumentException>(() => x.Scatter(1, i, Tensor.Scalar(2f)),
            "scatter(): Index tensor must have the same number of dimensions as src tensor");
        TensorAssert.Throws<ArgumentException>(() => x.Scatter(1, Tensor.From(new long[] { 0 }), 1.0),
            "scatter(): Index tensor must have the same number of dimensions as self tensor");
        TensorAssert.Throws<ArgumentException>(() => x.Scatter(0, Tensor.Zeros([1, 4], DType.Int64), 1.0),
            "scatter(): Expected index [1, 4] to be smaller than self [2, 3] apart from dimension 0");
        var e = TestViews.Expanded(Tensor.Ones(1, 3), 2, 3);
        TensorAssert.Throws<InvalidOperationException>(() => e.Scatter_(0, Tensor.Zeros([1, 1], DType.Int64), 1.0),
            "scatter_: unsupported operation: more than one element");
    }

    [Fact]
    public void FailedScatterWritesNothing()
    {
        var x = Tensor.Zeros(1, 3);
        var bad = Tensor.From(new long[,] { { 0, 9 } });
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => x.Scatter_(1, bad, 5f));
        Assert.Equal(new float[] { 0, 0, 0 }, x.ToArray<float>());
    }
}

/// <summary>index_select, index_add, index_fill against PyTorch, plus their misuse messages.</summary>
public class IndexOpsIndexTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void IndexSelect()
    {
        var x = G("isel_f32_x");
        TensorAssert.Equal(G("isel_f32"), x.IndexSelect(0, Tensor.From(new long[] { 2, 0, 2 })));
        TensorAssert.Equal(G("isel_f32_0d"), x.IndexSelect(1, Tensor.Scalar(1L)));
        var p = TestViews.Permuted(G("isel_f64_perm_x"), 2, 0, 1);
        TensorAssert.Equal(G("isel_f64_perm"), p.IndexSelect(-1, Tensor.From(new long[] { 3, 1 })));
        TensorAssert.Equal(G("isel_f64_perm"), p.IndexSelect(-1, TestViews.NonContiguous(Tensor.From(new long[] { 3, 1 }))));
        TensorAssert.Equal(G("isel_i64"), G("isel_i64_x").IndexSelect(1, Tensor.From(new int[] { 4, 0, 0, 1 })));
        TensorAssert.Equal(G("isel_bool"), G("isel_bool_x").IndexSelect(0, Tensor.From(new long[] { 1, 1 })));
    }

    [Fact]
    public void IndexSelectEmptyAndZeroDim()
    {
        var x = Tensor.Ones(2, 3);
        Assert.Equal(new[] { 2, 0 }, x.IndexSelect(1, Tensor.Zeros([0], DType.Int64)).Shape.ToArray());
        var s = Tensor.Scalar(3.0).IndexSelect(0, Tensor.From(new long[] { 0 }));
        Assert.Equal(0, s.NDim);
        Assert.Equal(3.0, s.Item<double>());
    }

    [Fact]
    public void IndexSelectMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.IndexSelect(1, Tensor.From(new long[,] { { 0 } })), "index_select(): Index is supposed to be a vector");
        TensorAssert.Throws<ArgumentException>(() => x.IndexSelect(1, Tensor.From(new float[] { 0 })), "index_select(): Expected dtype int32 or int64 for index");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(1, Tensor.From(new long[] { 5 })),
            "index_select(): index 5 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(-1, Tensor.From(new int[] { -1 })),
            "index_select(): index -1 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).IndexSelect(0, Tensor.From(new long[] { 0, 0 })),
            "index_select(): Index to scalar can have only 1 value, got 2 value(s)");
    }

    [Fact]
    public void IndexAdd()
    {
        TensorAssert.Close(G("iadd_f32"), G("iadd_f32_s").IndexAdd(0, Tensor.From(new long[] { 0, 4, 0, 2 }), G("iadd_f32_src")));
        var s = TestViews.Permuted(G("iadd_f64_perm_s"), 0, 2, 1);
        var src = TestViews.Permuted(G("iadd_f64_perm_src"), 0, 2, 1);
        TensorAssert.Close(G("iadd_f64_perm"), s.IndexAdd(-2, Tensor.From(new long[] { 2, 2 }), src, 2.5));
        TensorAssert.Equal(G("iadd_i64"), G("iadd_i64_s").IndexAdd(1, Tensor.From(new int[] { 3, 0 }), G("iadd_i64_src"), 3));
    }

    [Fact]
    public void IndexAddInPlace()
    {
        var s = G("iadd_f64_perm_s").Clone();
        var p = TestViews.Permuted(s, 0, 2, 1);
        long v = s.Version;
        Assert.Same(p, p.IndexAdd_(1, Tensor.From(new long[] { 2, 2 }), TestViews.Permuted(G("iadd_f64_perm_src"), 0, 2, 1), 2.5));
        TensorAssert.Close(G("iadd_f64_perm"), p);
        Assert.True(s.Version > v);
        // An integer alpha that is a float is truncated, as PyTorch.
        var z = Tensor.Zeros([3], DType.Int64).IndexAdd_(0, Tensor.From(new long[] { 1, 1 }), Tensor.Ones([2], DType.Int64), 2.5);
        Assert.Equal(new long[] { 0, 4, 0 }, z.ToArray<long>());
    }

    [Fact]
    public void IndexAddMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        var i = Tensor.From(new long[] { 0, 2 });
        TensorAssert.Throws<ArgumentException>(() => x.IndexAdd(1, i, Tensor.Ones([2, 2], DType.Float64)),
            "index_add(): self (torch.float32) and source (torch.float64) must have the same scalar type");
        TensorAssert.Throws<ArgumentException>(() => x.IndexAdd_(1, i, Tensor.Ones(2, 3)),
            "index_add_(): Number of indices (2) should be equal to source.size(dim): (3), for dim: 1");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.IndexAdd(1, Tensor.From(new long[] { 0, 5 }), Tensor.Ones(2, 2)),
            "index_add(): index 5 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentException>(() => x.IndexAdd(1, Tensor.From(new long[,] { { 0, 2 } }), Tensor.Ones(2, 2)),
            "index_add(): Index is supposed to be a vector, but got dim: 2");
        TensorAssert.Throws<ArgumentException>(() => x.IndexAdd(1, Tensor.From(new float[] { 0, 2 }), Tensor.Ones(2, 2)),
            "index_add(): Expected dtype int32/int64 for index but got: torch.float32");
        TensorAssert.Throws<ArgumentException>(() => x.IndexAdd(1, i, Tensor.Ones(3, 2)),
            "index_add(): source shape [3, 2] must match self shape [2, 3] except in dimension 1");
        TensorAssert.Throws<ArgumentException>(() => x.IndexAdd(1, i, Tensor.Ones(2)),
            "index_add(): Indexing dim 1 is out of bounds of the source tensor with dim 1");
    }

    [Fact]
    public void IndexFill()
    {
        TensorAssert.Equal(G("ifill_f32"), G("ifill_f32_x").IndexFill(1, Tensor.From(new long[] { 0, -1 }), 9.0));
        TensorAssert.Equal(G("ifill_i64"), G("ifill_i64_x").IndexFill(0, Tensor.Scalar(1L), Tensor.Scalar(-5L)));
        var c = G("ifill_f32_x").Clone();
        c.IndexFill_(-1, Tensor.From(new long[] { 0, 3 }), 9f);
        TensorAssert.Equal(G("ifill_f32"), c);
    }

    [Fact]
    public void IndexFillMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.IndexFill(1, Tensor.From(new long[] { 0, 5 }), 9),
            "index_fill(): index 5 is out of bounds for dimension 1 with size 3");
        TensorAssert.Throws<ArgumentException>(() => x.IndexFill(1, Tensor.From(new long[] { 0 }), Tensor.From(new float[] { 9 })),
            "index_fill(): only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s)");
        TensorAssert.Throws<ArgumentException>(() => x.IndexFill_(1, Tensor.From(new int[] { 0 }), 9), "index_fill_(): Expected dtype int64 for index");
        TensorAssert.Throws<ArgumentException>(() => x.IndexFill_(1, Tensor.From(new long[,] { { 0 } }), 9), "index_fill_(): Index has to be a vector/scalar");
    }
}

/// <summary>masked_fill and masked_select against PyTorch, plus their misuse messages.</summary>
public class IndexOpsMaskedTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void MaskedFillBroadcastsTheMask() => TensorAssert.Equal(G("mfill_f32"), G("mfill_f32_x").MaskedFill(G("mfill_f32_m"), -1.5));

    [Fact]
    public void MaskedFillBroadcastsSelfOutOfPlace()
    {
        var r = G("mfill_f64_x").MaskedFill(G("mfill_f64_m"), Tensor.Scalar(0.25));
        TensorAssert.Equal(G("mfill_f64_bcast"), r);
    }

    [Fact]
    public void MaskedFillDTypes()
    {
        TensorAssert.Equal(G("mfill_i64_trunc"), G("mfill_i64_x").MaskedFill(G("mfill_i64_m"), 2.7));
        TensorAssert.Equal(G("mfill_bool"), G("mfill_bool_x").MaskedFill(G("mfill_bool_m"), true));
    }

    [Fact]
    public void MaskedFillInPlaceOnPermutedView()
    {
        var x = G("mfill_perm_x").Clone();
        var p = TestViews.Permuted(x, 1, 0);
        TensorAssert.Equal(G("mfill_perm"), p.MaskedFill(G("mfill_perm_m"), 5.0));
        long v = x.Version;
        Assert.Same(p, p.MaskedFill_(TestViews.NonContiguous(G("mfill_perm_m")), 5.0));
        TensorAssert.Equal(G("mfill_perm"), p);
        Assert.True(x.Version > v);
    }

    [Fact]
    public void MaskedFillEmpty()
    {
        var r = Tensor.Zeros(0, 3).MaskedFill(Tensor.Zeros([3], DType.Bool), 1.0);
        Assert.Equal(new[] { 0, 3 }, r.Shape.ToArray());
    }

    [Fact]
    public void MaskedFillMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.MaskedFill(Tensor.From(new long[] { 1, 0, 1 }), 1.0),
            "masked_fill only supports boolean masks, but got mask with dtype torch.int64");
        TensorAssert.Throws<ArgumentException>(() => x.MaskedFill_(Tensor.From(new bool[] { true, false, true }), Tensor.From(new float[] { 1 })),
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).");
        TensorAssert.Throws<ArgumentException>(() => x.MaskedFill_(Tensor.From(new bool[,,] { { { true, false, true } } }), 7),
            "masked_fill_: output with shape [2, 3] doesn't match the broadcast shape [1, 2, 3]");
        TensorAssert.Throws<ArgumentException>(() => x.MaskedFill(Tensor.From(new bool[] { true, false }), 7),
            "masked_fill: shapes [2, 3] and [2] cannot be broadcast together");
        var e = TestViews.Expanded(Tensor.Ones(1, 3), 2, 3);
        TensorAssert.Throws<InvalidOperationException>(() => e.MaskedFill_(Tensor.From(new bool[] { true, false, true }), 0),
            "masked_fill_: unsupported operation: more than one element");
    }

    [Fact]
    public void MaskedSelect()
    {
        TensorAssert.Equal(G("msel_f32"), G("msel_f32_x").MaskedSelect(G("msel_f32_m")));
        TensorAssert.Equal(G("msel_f64_bcast"), G("msel_f64_x").MaskedSelect(G("msel_f64_m")));
        TensorAssert.Equal(G("msel_i64"), G("msel_i64_x").MaskedSelect(G("msel_i64_m")));
        TensorAssert.Equal(G("msel_bool_perm"), TestViews.Permuted(G("msel_bool_perm_x"), 1, 0).MaskedSelect(G("msel_bool_m")));
        TensorAssert.Equal(G("msel_f32"), TestViews.NonContiguous(G("msel_f32_x")).MaskedSelect(TestViews.NonContiguous(G("msel_f32_m"))));
    }

    [Fact]
    public void MaskedSelectEmptyAndZeroDim()
    {
        var r = Tensor.Ones(2, 3).MaskedSelect(Tensor.Zeros([2, 3], DType.Bool));
        Assert.Equal(new[] { 0 }, r.Shape.ToArray());
        var s = Tensor.Scalar(4.0).MaskedSelect(Tensor.Scalar(true));
        Assert.Equal(new[] { 1 }, s.Shape.ToArray());
        Assert.Equal(new[] { 0 }, Tensor.Zeros(0, 3).MaskedSelect(Tensor.Ones([3], DType.Bool)).Shape.ToArray());
    }

    [Fact]
    public void MaskedSelectMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.MaskedSelect(Tensor.From(new long[] { 1, 0, 1 })),
            "masked_select: expected BoolTensor for mask, but got mask with dtype torch.int64");
        TensorAssert.Throws<ArgumentException>(() => x.MaskedSelect(Tensor.From(new bool[] { true, false })),
            "masked_select: shapes [2, 3] and [2] cannot be broadcast together");
    }
}

/// <summary>take, take_along_dim and index_copy against PyTorch, plus their misuse messages.</summary>
public class IndexOpsTakeTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void TakeWithNegativeIndices()
    {
        TensorAssert.Equal(G("take_f32"), G("take_f32_x").Take(G("take_f32_i")));
        TensorAssert.Equal(G("take_f32"), TestViews.NonContiguous(G("take_f32_x")).Take(TestViews.NonContiguous(G("take_f32_i"))));
        TensorAssert.Equal(G("take_i64_perm"), TestViews.Permuted(G("take_i64_perm_x"), 1, 0).Take(Tensor.From(new long[] { 1, 4, 7 })));
        Assert.Equal(new[] { 0, 2 }, Tensor.Zeros(0).Take(Tensor.Zeros([0, 2], DType.Int64)).Shape.ToArray());
    }

    [Fact]
    public void TakeMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Take(Tensor.From(new long[] { 6 })), "take(): out of range: tried to access index 6 on a tensor of 6 elements.");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Take(Tensor.From(new long[] { -7 })), "take(): out of range: tried to access index -7 on a tensor of 6 elements.");
        TensorAssert.Throws<ArgumentException>(() => x.Take(Tensor.From(new int[] { 1 })), "take(): Expected a long tensor for index, but got torch.int32");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(0).Take(Tensor.From(new long[] { 0 })), "take(): tried to take from an empty tensor");
    }

    [Fact]
    public void TakeAlongDim()
    {
        var x = G("tad_f64_x");
        TensorAssert.Equal(G("tad_f64"), x.TakeAlongDim(G("tad_f64_i"), 1));
        TensorAssert.Equal(G("tad_f64_flat"), x.TakeAlongDim(Tensor.From(new long[] { 11, 0 })));
        TensorAssert.Equal(G("tad_f64_bcast"), x.TakeAlongDim(G("tad_f64_bi"), 0));
        TensorAssert.Equal(G("tad_f32_bcast"), G("tad_f32_x").TakeAlongDim(G("tad_f32_i"), -1));
    }

    [Fact]
    public void TakeAlongDimMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.TakeAlongDim(Tensor.From(new int[,] { { 0 }, { 2 } }), 1),
            "take_along_dim(): dtype of indices should be Long but got torch.int32");
        TensorAssert.Throws<ArgumentException>(() => x.TakeAlongDim(Tensor.From(new long[] { 0 }), 1),
            "take_along_dim(): input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices");
        TensorAssert.Throws<ArgumentException>(() => x.TakeAlongDim(Tensor.From(new long[,] { { 0, 2 } }), 0),
            "take_along_dim: shapes [1, 3] and [1, 2] cannot be broadcast together");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.TakeAlongDim(Tensor.From(new long[,] { { 5 } }), 1),
            "index 5 is out of bounds for dimension 1 with size 3");
    }

    [Fact]
    public void IndexCopy()
    {
        TensorAssert.Equal(G("icopy_f32"), G("icopy_f32_s").IndexCopy(0, Tensor.From(new long[] { 3, 1 }), G("icopy_f32_src")));
        var s = G("icopy_i64_perm_s").Clone();
        var p = TestViews.Permuted(s, 1, 0);
        long v = s.Version;
        Assert.Same(p, p.IndexCopy_(0, Tensor.From(new long[] { 0, 2 }), TestViews.Permuted(G("icopy_i64_perm_src"), 1, 0)));
        TensorAssert.Equal(G("icopy_i64_perm"), p);
        Assert.True(s.Version > v);
    }

    [Fact]
    public void IndexCopyMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        var i = Tensor.From(new long[] { 2, 0 });
        TensorAssert.Throws<ArgumentException>(() => x.IndexCopy_(1, Tensor.From(new long[,] { { 2, 0 } }), Tensor.Ones(2, 2)), "index_copy_(): Index should have dimension 1 or 0 (got 2)");
        TensorAssert.Throws<ArgumentException>(() => x.IndexCopy(1, Tensor.From(new int[] { 2, 0 }), Tensor.Ones(2, 2)), "index_copy(): Expected a long tensor for index, but got torch.int32");
        TensorAssert.Throws<ArgumentException>(() => x.IndexCopy(1, i, Tensor.Ones([2, 2], DType.Float64)),
            "index_copy(): self and source expected to have the same dtype, but got (self) torch.float32 and (source) torch.float64");
        TensorAssert.Throws<ArgumentException>(() => x.IndexCopy(1, i, Tensor.Ones(2, 3)), "index_copy(): Number of indices (2) should be equal to source.size(dim) (3)");
        TensorAssert.Throws<ArgumentException>(() => x.IndexCopy(1, i, Tensor.Ones(3, 2)), "index_copy(): source shape [3, 2] must match self shape [2, 3] except in dimension 1");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.IndexCopy(1, Tensor.From(new long[] { 2, 5 }), Tensor.Ones(2, 2)),
            "index_copy(): index 5 is out of bounds for dimension 1 with size 3");
    }
}

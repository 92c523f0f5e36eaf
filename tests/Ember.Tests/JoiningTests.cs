using Xunit;

namespace Ember.Tests;

/// <summary>cat and stack against PyTorch, plus their misuse messages.</summary>
public class JoiningTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void CatFloat32Dim0() => TensorAssert.Equal(G("cat_f32"), Tensor.Cat([G("cat_f32_a"), G("cat_f32_b")]));

    [Fact]
    public void CatFloat64NegativeDim() => TensorAssert.Equal(G("cat_f64_neg"), Tensor.Cat([G("cat_f64_a"), G("cat_f64_b")], -2));

    [Fact]
    public void CatPromotesAcrossInputs()
    {
        var r = Tensor.Cat([G("cat_mix_a"), G("cat_mix_b"), G("cat_mix_c")], 1);
        Assert.Equal(DType.Float32, r.DType);
        TensorAssert.Equal(G("cat_mix"), r);
    }

    [Fact]
    public void CatPermutedInt64() =>
        TensorAssert.Equal(G("cat_i64_perm"), Tensor.Cat([TestViews.Permuted(G("cat_i64_perm_a"), 1, 0), G("cat_i64_b")], 1));

    [Fact]
    public void CatBool() => TensorAssert.Equal(G("cat_bool"), Tensor.Cat([G("cat_bool_a"), G("cat_bool_b")]));

    [Fact]
    public void CatSkipsOneDimEmptyTensorsButPromotesThem()
    {
        var a = G("cat_skip_a");
        var r = Tensor.Cat([a, Tensor.Zeros([0], DType.Float64), a], 0);
        Assert.Equal(DType.Float64, r.DType);
        TensorAssert.Equal(G("cat_skip"), r);
        // All skipped: an empty 1-D result, and the dim is not even checked.
        var e = Tensor.Cat([Tensor.Zeros(0), Tensor.Zeros(0)], 3);
        Assert.Equal(new[] { 0 }, e.Shape.ToArray());
    }

    [Fact]
    public void CatEmptyAlongDim() =>
        TensorAssert.Equal(G("cat_empty"), Tensor.Cat([Tensor.Zeros(2, 0), G("cat_empty_a"), Tensor.Zeros(2, 0)], 1));

    [Fact]
    public void CatNonContiguousAndExpandedInputs()
    {
        var a = G("cat_f32_a");
        var row = Tensor.From(new float[] { 1, 2, 3 }, [1, 3]);
        var r = Tensor.Cat([TestViews.NonContiguous(a), TestViews.Expanded(row, 2, 3)], 0);
        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3 }, r.ToArray<float>()[6..]);
        Assert.Equal(a.ToArray<float>(), r.ToArray<float>()[..6]);
    }

    [Fact]
    public void CatResultIsANewStorage()
    {
        var a = Tensor.Ones(2);
        var r = Tensor.Cat([a]);
        Assert.False(r.SharesStorageWith(a));
    }

    [Fact]
    public void CatMisuse()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)], 0),
            "cat: Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 4)], 1),
            "cat: Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for tensor number 1 in the list.");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Cat([]), "cat: expected a non-empty list of Tensors");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(2, 3, 1)]),
            "cat: Tensors must have same number of dimensions: got 2 and 3");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Cat([Tensor.Scalar(1.0), Tensor.Scalar(2.0)]),
            "cat: zero-dimensional tensor (at position 0) cannot be concatenated");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Cat([Tensor.Zeros(2, 3), Tensor.Zeros(0)], 3),
            "cat: dimension out of range (expected to be in range of [-2, 1], but got 3)");
    }

    [Fact]
    public void StackFloat32AllDims()
    {
        var a = G("stack_f32_a"); var b = G("stack_f32_b");
        TensorAssert.Equal(G("stack_f32"), Tensor.Stack([a, b]));
        TensorAssert.Equal(G("stack_f32_neg"), Tensor.Stack([a, b], -1));
        TensorAssert.Equal(G("stack_f32_mid"), Tensor.Stack([a, b], 1));
    }

    [Fact]
    public void StackPromotesPermutedInputs() =>
        TensorAssert.Equal(G("stack_mix_perm"), Tensor.Stack([TestViews.Permuted(G("stack_mix_perm_a"), 1, 0), G("stack_mix_b")], 2));

    [Fact]
    public void StackScalarsAndBools()
    {
        TensorAssert.Equal(G("stack_scalars"), Tensor.Stack([Tensor.Scalar(1.5f), Tensor.Scalar(2.5f)]));
        TensorAssert.Equal(G("stack_bool"), Tensor.Stack([G("stack_bool_a"), G("stack_bool_b")], -1));
    }

    [Fact]
    public void StackEmpty()
    {
        var r = Tensor.Stack([Tensor.Zeros(0, 3), Tensor.Zeros(0, 3)], 1);
        Assert.Equal(new[] { 0, 2, 3 }, r.Shape.ToArray());
    }

    [Fact]
    public void StackMisuse()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Stack([Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)]),
            "stack: expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Stack([]), "stack: expects a non-empty TensorList");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([Tensor.Zeros(2, 3)], 3),
            "stack: dimension out of range (expected to be in range of [-3, 2], but got 3)");
    }
}

/// <summary>repeat, tile, flip, roll, tril and triu against PyTorch.</summary>
public class JoiningShapingTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void RepeatAndTile()
    {
        var x = G("rep_f32_x");
        TensorAssert.Equal(G("rep_f32"), x.Repeat(2, 1, 2));
        TensorAssert.Equal(G("rep_f32_same"), x.Repeat(3, 2));
        TensorAssert.Equal(G("rep_f32_zero"), x.Repeat(2, 0));
        TensorAssert.Equal(G("tile_f32_short"), x.Tile(2));
        TensorAssert.Equal(G("tile_f32_long"), x.Tile(2, 1, 1));
        TensorAssert.Equal(x, x.Tile());
        TensorAssert.Equal(G("rep_i64"), G("rep_i64_x").Repeat(2, 2));
        TensorAssert.Equal(G("rep_bool_perm"), TestViews.Permuted(G("rep_bool_perm_x"), 1, 0).Repeat(1, 2));
        TensorAssert.Equal(G("rep_f64_nc"), TestViews.NonContiguous(G("rep_f64_nc_x")).Repeat(2, 2));
        TensorAssert.Equal(G("rep_scalar"), Tensor.Scalar(4.5f).Repeat(3));
    }

    [Fact]
    public void RepeatCopiesEvenWhenAllOnes()
    {
        var x = Tensor.Ones(2, 2);
        Assert.False(x.Repeat(1, 1).SharesStorageWith(x));
    }

    [Fact]
    public void RepeatMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.Repeat(2),
            "repeat: Number of dimensions of repeat dims", "can not be smaller than number of dimensions of tensor");
        TensorAssert.Throws<ArgumentException>(() => x.Repeat(2, -1), "repeat: Trying to create tensor with negative dimension -3: [4, -3]");
        TensorAssert.Throws<ArgumentException>(() => x.Tile(-1), "repeat: Trying to create tensor with negative dimension -3: [2, -3]");
        TensorAssert.Throws<ArgumentException>(() => x.Repeat(int.MaxValue, 1), "repeat: repeating dim 0 of size 2 2147483647 times");
    }

    [Fact]
    public void Flip()
    {
        var x = G("flip_f32_x");
        TensorAssert.Equal(G("flip_f32"), x.Flip(0, 2));
        TensorAssert.Equal(G("flip_f32_neg"), x.Flip(-1));
        TensorAssert.Equal(x, x.Flip());
        TensorAssert.Equal(G("flip_i64_perm"), TestViews.Permuted(G("flip_i64_perm_x"), 1, 0).Flip(0));
        TensorAssert.Equal(G("flip_bool"), G("flip_bool_x").Flip(0, 1));
        TensorAssert.Equal(G("flip_f64_nc"), TestViews.NonContiguous(G("flip_f64_nc_x")).Flip(1));
        Assert.Equal(new[] { 0, 3 }, Tensor.Zeros(0, 3).Flip(0, 1).Shape.ToArray());
        Assert.Equal(2.0, Tensor.Scalar(2.0).Flip(0).Item<double>());
    }

    [Fact]
    public void FlipOfASliceStaysInsideIt()
    {
        var x = Tensor.From(new double[] { 0, 1, 2, 3, 4, 5, 6, 7 });
        var mid = TestViews.Sliced(x, 0, 2, 3, 2); // 2, 4, 6
        Assert.Equal(new double[] { 6, 4, 2 }, mid.Flip(0).ToArray<double>());
    }

    [Fact]
    public void FlipMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.Flip(0, -2), "flip: dim 0 appears multiple times in the list of dims");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Flip(2), "flip: dimension out of range (expected to be in range of [-2, 1], but got 2)");
    }

    [Fact]
    public void Roll()
    {
        var x = G("roll_f32_x");
        TensorAssert.Equal(G("roll_f32_flat"), x.Roll(5));
        TensorAssert.Equal(G("roll_f32_dim"), x.Roll(-1, 0));
        TensorAssert.Equal(G("roll_f32_two"), x.Roll([1, -6], [0, 1]));
        TensorAssert.Equal(G("roll_f32_same"), x.Roll([1, 2], [1, 1]));
        var p = TestViews.Permuted(G("roll_i64_perm_x"), 1, 0);
        TensorAssert.Equal(G("roll_i64_perm"), p.Roll(2, -1));
        TensorAssert.Equal(G("roll_i64_perm_flat"), p.Roll(-2));
        TensorAssert.Equal(G("roll_bool"), G("roll_bool_x").Roll(13));
        TensorAssert.Equal(G("roll_f64_nc"), TestViews.NonContiguous(G("roll_f64_nc_x")).Roll(1, 1));
        Assert.Equal(new[] { 0, 3 }, Tensor.Zeros(0, 3).Roll(1, 0).Shape.ToArray());
        Assert.Equal(new[] { 0, 3 }, Tensor.Zeros(0, 3).Roll(1).Shape.ToArray());
        Assert.Equal(2.0, Tensor.Scalar(2.0).Roll(3).Item<double>());
    }

    [Fact]
    public void RollMisuse()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentException>(() => x.Roll([1, 2]), "roll: shifts and dimensions must align. shifts: 2, dims:0");
        TensorAssert.Throws<ArgumentException>(() => x.Roll([1], [0, 1]), "roll: shifts and dimensions must align. shifts: 1, dims:2");
        TensorAssert.Throws<ArgumentException>(() => x.Roll([]), "roll: `shifts` required");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Roll([1, 2], [0, 3]), "roll: dimension out of range (expected to be in range of [-2, 1], but got 3)");
    }

    [Fact]
    public void TrilTriu()
    {
        var x = G("tri_f32_x");
        TensorAssert.Equal(G("tril_f32"), x.Tril());
        TensorAssert.Equal(G("tril_f32_p1"), x.Tril(1));
        TensorAssert.Equal(G("tril_f32_m1"), x.Tril(-1));
        TensorAssert.Equal(G("triu_f32"), x.Triu());
        TensorAssert.Equal(G("triu_f32_p2"), x.Triu(2));
        TensorAssert.Equal(G("triu_f32_m2"), x.Triu(-2));
        TensorAssert.Equal(G("tril_f32_big"), x.Tril(9));
        TensorAssert.Equal(G("triu_f32_big"), x.Triu(9));
        TensorAssert.Equal(G("tril_f64_batch"), G("tri_f64_x").Tril(-1));
        TensorAssert.Equal(G("triu_f64_batch"), G("tri_f64_x").Triu(1));
        var p = TestViews.Permuted(G("tri_i64_perm_x"), 1, 0);
        TensorAssert.Equal(G("triu_i64_perm"), p.Triu());
        TensorAssert.Equal(G("tril_i64_perm"), p.Tril(2));
        TensorAssert.Equal(G("tril_bool"), G("tri_bool_x").Tril());
        TensorAssert.Equal(G("triu_bool"), G("tri_bool_x").Triu());
        Assert.Equal(new[] { 2, 0, 3 }, Tensor.Zeros(2, 0, 3).Tril().Shape.ToArray());
        TensorAssert.Equal(x, x.Tril(int.MaxValue));
    }

    [Fact]
    public void TrilTriuInPlaceOnAView()
    {
        var x = G("tri_i64_perm_x").Clone();
        var p = TestViews.Permuted(x, 1, 0);
        long v = x.Version;
        Assert.Same(p, p.Triu_());
        TensorAssert.Equal(G("triu_i64_perm"), p);
        Assert.True(x.Version > v);
        var y = G("tri_f32_x").Clone();
        y.Tril_(-1);
        TensorAssert.Equal(G("tril_f32_m1"), y);
    }

    [Fact]
    public void TrilTriuMisuse()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(3).Tril(), "tril: input tensor must have at least 2 dimensions");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Scalar(1.0).Triu(), "triu: input tensor must have at least 2 dimensions");
        var e = TestViews.Expanded(Tensor.Ones(1, 3), 3, 3);
        TensorAssert.Throws<InvalidOperationException>(() => e.Triu_(), "triu_: unsupported operation: more than one element");
    }
}

/// <summary>vstack, hstack, dstack and column_stack against PyTorch.</summary>
public class JoiningStackVariantsTests
{
    private static Tensor G(string name) => Golden.Load("joining")[name];

    [Fact]
    public void VStackHStackDStackColumnStack()
    {
        var v = G("st_v1"); var m = G("st_m");
        TensorAssert.Equal(G("vstack"), Tensor.VStack([v, m, TestViews.Expanded(Tensor.Scalar(1.5f), 3)]));
        TensorAssert.Equal(G("hstack_1d"), Tensor.HStack([v, Tensor.Scalar(2.5f), v]));
        TensorAssert.Equal(G("hstack_2d"), Tensor.HStack([m, TestViews.Sliced(m, 1, 0, 1)]));
        TensorAssert.Equal(G("dstack_1d"), Tensor.DStack([v, v]));
        TensorAssert.Equal(G("dstack_2d"), Tensor.DStack([m, TestViews.NonContiguous(m)]));
        TensorAssert.Equal(G("column_stack"), Tensor.ColumnStack([Tensor.From(new float[] { 0, 1 }), m, TestViews.NonContiguous(Tensor.From(new float[] { 7, 8 }))]));
        TensorAssert.Equal(G("column_stack_0d"), Tensor.ColumnStack([Tensor.Scalar(1f), Tensor.Scalar(2f)]));
    }

    [Fact]
    public void StackVariantsMisuse()
    {
        TensorAssert.Throws<ArgumentException>(() => Tensor.VStack([]), "vstack: expects a non-empty TensorList");
        TensorAssert.Throws<ArgumentException>(() => Tensor.HStack([]), "hstack: expects a non-empty TensorList");
        TensorAssert.Throws<ArgumentException>(() => Tensor.VStack([Tensor.Zeros(2), Tensor.Zeros(3)]),
            "vstack: Sizes of tensors must match except in dimension 0. Expected size 2 but got size 3 for tensor number 1 in the list.");
    }
}

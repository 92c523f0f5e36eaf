using Xunit;

namespace Ember.Tests;

/// <summary>matmul / mm / bmm / mv / dot / outer against PyTorch (golden/linalg.json) and a naive reference.</summary>
public class MatMulGoldenTests
{
    private static Golden G => Golden.Load("linalg");

    // Float32 products are summed in float32 in a different order than PyTorch's BLAS.
    private static void AssertProduct(Tensor expected, Tensor actual)
    {
        if (expected.DType == DType.Float32) TensorAssert.Close(expected, actual, 1e-4, 1e-4);
        else TensorAssert.Close(expected, actual);
    }

    public static TheoryData<string> PlainCases()
    {
        var d = new TheoryData<string>();
        foreach (var n in Golden.Load("linalg").Names.Where(n => n.EndsWith(".out")).Select(n => n[..^4]))
            if (n.StartsWith("dot_") || n.StartsWith("mv_") || n.StartsWith("vecmat_") || (n.StartsWith("mm_") && !n.StartsWith("mm_tt"))
                || (n.StartsWith("b_") && !n.StartsWith("b_perm")) || n.StartsWith("int_"))
                d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void MatMulMatchesPyTorch(string name)
    {
        var a = G[name + ".a"]; var b = G[name + ".b"];
        var r = Tensor.MatMul(a, b);
        AssertProduct(G[name + ".out"], r);
        AssertProduct(G[name + ".out"], a.MatMul(b));
    }

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void NonContiguousOperandsGiveTheSameProduct(string name)
    {
        var a = TestViews.NonContiguous(G[name + ".a"]);
        var b = TestViews.NonContiguous(G[name + ".b"]);
        Assert.False(a.IsContiguous() && a.Numel() > 1 && a.Size(-1) > 1);
        AssertProduct(G[name + ".out"], Tensor.MatMul(a, b));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void TransposedOperands(string t)
    {
        var at = G[$"mm_tt_{t}.a"]; var bt = G[$"mm_tt_{t}.b"];
        var a = TestViews.Permuted(at, 1, 0); var b = TestViews.Permuted(bt, 1, 0);
        AssertProduct(G[$"mm_tt_{t}.out"], Tensor.MatMul(a, b));
        AssertProduct(G[$"mm_tt_{t}.out"], Tensor.Mm(a, b));
        var bp = G[$"b_perm_{t}.b"];
        AssertProduct(G[$"b_perm_{t}.out"], Tensor.MatMul(TestViews.Permuted(G[$"b_perm_{t}.a"], 0, 2, 1), bp));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void FixedRankForms(string t)
    {
        AssertProduct(G[$"mm_7x17x33_{t}.out"], Tensor.Mm(G[$"mm_7x17x33_{t}.a"], G[$"mm_7x17x33_{t}.b"]));
        AssertProduct(G[$"mm_7x17x33_{t}.out"], G[$"mm_7x17x33_{t}.a"].Mm(G[$"mm_7x17x33_{t}.b"]));
        AssertProduct(G[$"bmm_{t}.out"], Tensor.Bmm(G[$"bmm_{t}.a"], G[$"bmm_{t}.b"]));
        AssertProduct(G[$"bmm_{t}.out"], G[$"bmm_{t}.a"].Bmm(G[$"bmm_{t}.b"]));
        AssertProduct(G[$"mv_{t}.out"], Tensor.Mv(G[$"mv_{t}.a"], G[$"mv_{t}.b"]));
        AssertProduct(G[$"mv_{t}.out"], G[$"mv_{t}.a"].Mv(G[$"mv_{t}.b"]));
        var dot = Tensor.Dot(G[$"dot_{t}.a"], G[$"dot_{t}.b"]);
        Assert.Equal(0, dot.NDim);
        AssertProduct(G[$"dot_{t}.out"], dot);
        AssertProduct(G[$"dot_{t}.out"], G[$"dot_{t}.a"].Dot(G[$"dot_{t}.b"]));
        TensorAssert.Close(G[$"outer_{t}.out"], Tensor.Outer(G[$"outer_{t}.a"], G[$"outer_{t}.b"]));
        TensorAssert.Close(G[$"outer_{t}.out"], G[$"outer_{t}.a"].Outer(G[$"outer_{t}.b"]));
    }

    [Fact]
    public void OuterPromotesLikeMul()
    {
        var r = Tensor.Outer(G["outer_mixed.a"], G["outer_mixed.b"]);
        Assert.Equal(DType.Float64, r.DType);
        TensorAssert.Close(G["outer_mixed.out"], r, 1e-6, 1e-7);
        var bools = Tensor.Outer(Tensor.From(new[] { true, false }), Tensor.From(new[] { true, true, false }));
        Assert.Equal(new[] { true, true, false, false, false, false }, bools.ToArray<bool>());
    }

    [Fact]
    public void IntegerDot()
    {
        TensorAssert.Equal(G["dot_i64.out"], Tensor.Dot(G["dot_i64.a"], G["dot_i64.b"]));
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("f64")]
    public void BroadcastBatchThroughExpandedView(string t)
    {
        // [4, 5] expanded (stride 0) to [2, 4, 5] times [2, 5, 6] is the same as broadcasting it.
        var a = TestViews.Expanded(G[$"b_mat_batch_{t}.a"], 2, 4, 5);
        AssertProduct(G[$"b_mat_batch_{t}.out"], Tensor.MatMul(a, G[$"b_mat_batch_{t}.b"]));
        AssertProduct(G[$"b_mat_batch_{t}.out"], Tensor.Bmm(a, G[$"b_mat_batch_{t}.b"]));
    }
}

/// <summary>Shapes, empties, large and blocked sizes (checked against a naive product), and misuse.</summary>
public class MatMulShapeTests
{
    private static Tensor Random(DType dt, int seed, params int[] shape)
    {
        var rng = new Random(seed);
        int n = shape.Aggregate(1, (x, y) => x * y);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.NextDouble() * 2 - 1;
        var t = Tensor.From<double>(v, shape);
        return dt == DType.Float64 ? t : t.To(dt);
    }

    /// <summary>Naive triple loop in double over contiguous copies of 2-D operands.</summary>
    private static Tensor Reference(Tensor a, Tensor b)
    {
        int m = a.Size(0), k = a.Size(1), n = b.Size(1);
        var x = a.ToArray<double>(); var y = b.ToArray<double>();
        var r = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int q = 0; q < k; q++)
            {
                double s = x[i * k + q];
                for (int j = 0; j < n; j++) r[i * n + j] += s * y[q * n + j];
            }
        return Tensor.From<double>(r, [m, n]);
    }

    private static void AssertMatchesReference(Tensor a, Tensor b, Tensor actual)
    {
        var expected = Reference(a, b);
        double tol = a.DType == DType.Float32 ? 1e-4 : 1e-11;
        TensorAssert.Close(expected, actual, tol, tol, checkDType: false);
    }

    [Theory]
    [InlineData(DType.Float32, 200, 100, 120)]   // several row blocks: parallel over rows
    [InlineData(DType.Float64, 200, 100, 120)]
    [InlineData(DType.Float32, 7, 600, 9)]       // K spans three KC slices (accumulation across slices)
    [InlineData(DType.Float64, 13, 520, 17)]
    [InlineData(DType.Float32, 3, 5, 2100)]      // N crosses the NC block
    [InlineData(DType.Float64, 2, 3, 2053)]
    [InlineData(DType.Float32, 97, 1, 65)]       // K = 1
    [InlineData(DType.Float64, 1, 70, 130)]      // row vector times matrix
    [InlineData(DType.Float32, 130, 70, 1)]      // matrix times column
    [InlineData(DType.Float32, 25, 37, 35)]      // partial tiles in both directions (6 x 16 and 12 x 32 tiles)
    [InlineData(DType.Float64, 25, 37, 35)]
    [InlineData(DType.Float32, 24, 300, 64)]     // whole tiles only, K over one slice
    [InlineData(DType.Float64, 36, 64, 16)]
    [InlineData(DType.Float32, 100, 257, 70)]    // K one past a slice
    public void BlockedSizesMatchNaiveProduct(DType dt, int m, int k, int n)
    {
        var a = Random(dt, 1, m, k); var b = Random(dt, 2, k, n);
        AssertMatchesReference(a, b, Tensor.Mm(a, b));
        // Transposed storage of both operands, through the column-major packing paths.
        var at = TestViews.Permuted(Random(dt, 1, k, m), 1, 0);
        var bt = TestViews.Permuted(Random(dt, 2, n, k), 1, 0);
        AssertMatchesReference(at.Contiguous(), bt.Contiguous(), Tensor.Mm(at, bt));
        // Strided rows/columns (every other element).
        var an = TestViews.NonContiguous(a); var bn = TestViews.NonContiguous(b);
        AssertMatchesReference(a, b, Tensor.Mm(an, bn));
    }

    [Theory]
    [InlineData(DType.Float32, 64, 64, 64)]
    [InlineData(DType.Float32, 128, 128, 128)]  // split between threads, each reading all of B in place
    [InlineData(DType.Float32, 70, 90, 45)]     // a narrower last panel: packed, the others in place
    [InlineData(DType.Float64, 50, 33, 40)]
    public void SmallRowMajorBReadInPlaceGivesThePackedPathsBits(DType dt, int m, int k, int n)
    {
        var a = Random(dt, 5, m, k);
        var b = Random(dt, 6, k, n);
        var packed = Tensor.Mm(a, b.T.Contiguous().T); // a column-major B is always packed
        var inPlace = Tensor.Mm(a, b);
        if (dt == DType.Float32) Assert.Equal(packed.ToArray<float>(), inPlace.ToArray<float>());
        else Assert.Equal(packed.ToArray<double>(), inPlace.ToArray<double>());
        AssertMatchesReference(a, b, inPlace);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    public void ManySmallMatricesInParallelBatch(DType dt)
    {
        var a = Random(dt, 3, 16, 48, 48); var b = Random(dt, 4, 16, 48, 64);
        var r = Tensor.Bmm(a, b);
        Assert.Equal(new[] { 16, 48, 64 }, r.Shape.ToArray());
        var ra = a.ToArray<double>(); var rb = b.ToArray<double>(); var rr = r.ToArray<double>();
        foreach (int i in new[] { 0, 7, 15 })
        {
            var ai = Tensor.From<double>(ra.AsSpan(i * 48 * 48, 48 * 48), [48, 48]);
            var bi = Tensor.From<double>(rb.AsSpan(i * 48 * 64, 48 * 64), [48, 64]);
            var ci = Tensor.From<double>(rr.AsSpan(i * 48 * 64, 48 * 64), [48, 64]);
            TensorAssert.Close(Reference(ai, bi), ci, 1e-4, 1e-4);
        }
    }

    [Theory]
    [InlineData(new[] { 3 }, new[] { 3 }, new int[0])]
    [InlineData(new[] { 2, 3 }, new[] { 3 }, new[] { 2 })]
    [InlineData(new[] { 3 }, new[] { 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 5, 2, 3 }, new[] { 3 }, new[] { 5, 2 })]
    [InlineData(new[] { 3 }, new[] { 5, 3, 2 }, new[] { 5, 2 })]
    [InlineData(new[] { 3, 1, 2, 3 }, new[] { 4, 3, 2 }, new[] { 3, 4, 2, 2 })]
    [InlineData(new[] { 2, 3 }, new[] { 7, 1, 3, 4 }, new[] { 7, 1, 2, 4 })]
    public void ResultShapes(int[] sa, int[] sb, int[] expected)
    {
        var r = Tensor.MatMul(Tensor.Ones(sa), Tensor.Ones(sb));
        Assert.Equal(expected, r.Shape.ToArray());
        Assert.All(r.ToArray<float>(), v => Assert.Equal(3f, v));
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void EmptyOperands(DType dt)
    {
        // K = 0: a sum over nothing, so zeros.
        var z = Tensor.MatMul(Tensor.Ones([3, 0], dt), Tensor.Ones([0, 4], dt));
        Assert.Equal(new[] { 3, 4 }, z.Shape.ToArray());
        Assert.Equal(dt, z.DType);
        Assert.All(z.ToArray<double>(), v => Assert.Equal(0.0, v));
        Assert.Equal(0.0, Tensor.Dot(Tensor.Ones([0], dt), Tensor.Ones([0], dt)).Item<double>());
        Assert.Equal(new[] { 0, 4 }, Tensor.MatMul(Tensor.Ones([0, 3], dt), Tensor.Ones([3, 4], dt)).Shape.ToArray());
        Assert.Equal(new[] { 2, 0, 5 }, Tensor.MatMul(Tensor.Ones([2, 0, 3], dt), Tensor.Ones([3, 5], dt)).Shape.ToArray());
        Assert.Equal(new[] { 0, 2, 4 }, Tensor.MatMul(Tensor.Ones([0, 2, 3], dt), Tensor.Ones([3, 4], dt)).Shape.ToArray());
        Assert.Equal(new[] { 0 }, Tensor.MatMul(Tensor.Ones([5], dt), Tensor.Ones([5, 0], dt)).Shape.ToArray());
        var zb = Tensor.Bmm(Tensor.Ones([2, 3, 0], dt), Tensor.Ones([2, 0, 2], dt));
        Assert.All(zb.ToArray<double>(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void ResultIsANewContiguousTensor()
    {
        var a = Tensor.Ones(2, 3); var b = Tensor.Ones(3, 2);
        var r = Tensor.MatMul(a, b);
        Assert.True(r.IsContiguous());
        Assert.False(r.SharesStorageWith(a));
        Assert.Equal(DType.Float64, Tensor.MatMul(a.Double(), b.Double()).DType);
    }

    [Fact]
    public void MisuseMessages()
    {
        var f = Tensor.Zeros(4, 3);
        TensorAssert.Throws<ArgumentException>(() => Tensor.MatMul(f, Tensor.Zeros(5, 6)), "matmul: shapes [4, 3] and [5, 6] cannot be multiplied (3 != 5)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(3), Tensor.Zeros(4)), "matmul", "[3]", "[4]", "(3 != 4)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(4)), "matmul", "[2, 3]", "[4]", "(3 != 4)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Scalar(1.0f), Tensor.Zeros(3)), "matmul", "at least 1-D", "0-D");
        TensorAssert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 2, 3), Tensor.Zeros(3, 3, 4)),
            "matmul", "batch dimensions", "[2, 2, 3]", "[3, 3, 4]", "(2 != 3)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.MatMul(f, Tensor.Zeros([3, 2], DType.Float64)),
            "matmul", "same dtype", "torch.float32", "torch.float64");
        TensorAssert.Throws<NotSupportedException>(() => Tensor.MatMul(Tensor.Zeros([2, 2], DType.Bool), Tensor.Zeros([2, 2], DType.Bool)), "matmul", "torch.bool");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Mm(Tensor.Zeros(3), Tensor.Zeros(3, 3)), "mm", "2-D", "[3]");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Mm(Tensor.Zeros(3, 2), Tensor.Zeros(3, 3)), "mm: shapes [3, 2] and [3, 3] cannot be multiplied (2 != 3)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Mm(f, Tensor.Zeros([3, 2], DType.Float64)), "mm", "same dtype");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Bmm(Tensor.Zeros(3, 2), Tensor.Zeros(2, 3)), "bmm", "3-D", "[3, 2]");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Bmm(Tensor.Zeros(2, 3, 2), Tensor.Zeros(3, 2, 3)), "bmm", "batch sizes differ", "(2 != 3)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Bmm(Tensor.Zeros(2, 3, 2), Tensor.Zeros(2, 3, 3)), "bmm: shapes [2, 3, 2] and [2, 3, 3] cannot be multiplied (2 != 3)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Mv(Tensor.Zeros(3, 2), Tensor.Zeros(3)), "mv: shapes [3, 2] and [3] cannot be multiplied (2 != 3)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Mv(Tensor.Zeros(3), Tensor.Zeros(3)), "mv", "2-D matrix and a 1-D vector");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Dot(Tensor.Zeros(3, 1), Tensor.Zeros(3)), "dot", "1-D", "[3, 1]");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Dot(Tensor.Zeros(3), Tensor.Zeros(4)), "dot", "different lengths", "(3 != 4)");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Dot(Tensor.Zeros(3), Tensor.Zeros([3], DType.Float64)), "dot", "same dtype", "torch.float64");
        TensorAssert.Throws<ArgumentException>(() => Tensor.Outer(Tensor.Zeros(3, 1), Tensor.Zeros(3)), "outer", "1-D", "[3, 1]");
        Assert.Throws<ArgumentNullException>(() => Tensor.MatMul(f, null!));
    }
}

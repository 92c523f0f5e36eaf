using Xunit;

namespace Ember.Tests;

public class ReductionGoldenTests
{
    public static IEnumerable<object[]> Cases => ReductionGolden.Cases(op => op is not ("sort" or "topk"));

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name) => ReductionGolden.Check(name);
}

public class ReductionTests
{

    private static Tensor RandomTensor(Random rng, int[] shape, DType dtype)
    {
        long n = 1; foreach (int d in shape) n *= d;
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = rng.NextDouble() * 4 - 2;
        return Tensor.From<double>(data, shape).To(dtype);
    }

    [Fact]
    public void SumOverAllDimsEqualsSumOverEachInTurn()
    {
        var rng = new Random(1234);
        for (int trial = 0; trial < 40; trial++)
        {
            int rank = rng.Next(1, 5);
            var shape = Enumerable.Range(0, rank).Select(_ => rng.Next(0, 5)).ToArray();
            var dtype = trial % 2 == 0 ? DType.Float64 : DType.Float32;
            var x = RandomTensor(rng, shape, dtype);
            if (trial % 3 == 1 && rank > 1) x = TestViews.Permuted(x, Enumerable.Range(0, rank).Reverse().ToArray());
            var order = Enumerable.Range(0, rank).OrderBy(_ => rng.Next()).ToArray();
            var y = x;
            // Reduce one dim at a time in a random order; a dim's index shifts down once dims before it are gone.
            var left = Enumerable.Range(0, rank).ToList();
            foreach (int d in order) { y = y.Sum(left.IndexOf(d)); left.Remove(d); }
            TensorAssert.Close(x.Sum(), y, rtol: 1e-5, atol: 1e-5);
            // keepDim keeps every dim as size 1, in the same order of reduction.
            var z = x;
            foreach (int d in order) z = z.Sum(d, keepDim: true);
            Assert.Equal(Enumerable.Repeat(1, rank).ToArray(), z.Shape.ToArray());
            TensorAssert.Close(x.Sum(), z.Sum(), rtol: 1e-5, atol: 1e-5);
            // And the multi-dim form agrees with both.
            TensorAssert.Close(x.Sum(), x.Sum(order), rtol: 1e-5, atol: 1e-5);
        }
    }

    [Fact]
    public void MaxOverAllDimsEqualsMaxOverEachInTurn()
    {
        var rng = new Random(99);
        for (int trial = 0; trial < 20; trial++)
        {
            int rank = rng.Next(1, 4);
            var shape = Enumerable.Range(0, rank).Select(_ => rng.Next(1, 6)).ToArray();
            var x = RandomTensor(rng, shape, DType.Float32);
            var y = x;
            for (int d = rank - 1; d >= 0; d--) y = y.Amax(d);
            TensorAssert.Equal(x.Max(), y);
            TensorAssert.Equal(x.Amax([]), y);
        }
    }

    [Fact]
    public void LongFloat32SumStaysAccurate()
    {
        // Same formula as reductions.py: exact IEEE steps, so both sides hold identical float32 values.
        var data = new float[100003];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(((i * 7919L) % 1000) / 7.0 + 0.1);
        var x = Tensor.From(data);
        var g = ReductionGolden.G;
        double exact = g["long32|sum64"].Item<double>();
        Assert.True(Math.Abs(x.Sum().Item<float>() - exact) <= 1e-6 * exact, $"sum {x.Sum().Item<float>()} vs exact {exact}");
        TensorAssert.Close(g["long32|sum"], x.Sum(), rtol: 1e-6, atol: 0);
        TensorAssert.Close(g["long32|mean"], x.Mean(), rtol: 1e-6, atol: 0);
        Assert.True(Math.Abs(x.CumSum(0).ToArray<float>()[^1] - exact) <= 1e-6 * exact);
        // Strided and reversed walks of the same values give the same accuracy.
        var nc = TestViews.NonContiguous(x);
        Assert.True(Math.Abs(nc.Sum().Item<float>() - exact) <= 1e-6 * exact);
    }

    [Fact]
    public void LongRunsMatchScalarLoops()
    {
        // Long contiguous runs take the vectorised span paths; compare them with plain loops.
        var rng = new Random(7);
        var data = new double[5000];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextDouble() * 100 - 50;
        data[3001] = 77; data[4000] = 77; data[17] = -80; data[2500] = -80;
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64 })
        {
            var x = Tensor.From(data).To(dtype);
            var xs = x.ToArray<double>();
            Assert.Equal(xs.Max(), x.Max().Item<double>());
            Assert.Equal(xs.Min(), x.Min().Item<double>());
            Assert.Equal(3001L, x.ArgMax().Item<long>());
            Assert.Equal(17L, x.ArgMin().Item<long>());
            var two = TestViews.Permuted(Tensor.From<double>(data, [50, 100]).To(dtype), 1, 0); // [100, 50], strided
            TensorAssert.Close(Tensor.From<double>(data, [50, 100]).To(dtype).Sum(1), two.Sum(0), rtol: 1e-6, atol: 1e-4);
        }
        var nan = Tensor.From(data.Select((v, i) => i == 4321 ? double.NaN : v).ToArray());
        Assert.True(double.IsNaN(nan.Max().Item<double>()));
        Assert.True(double.IsNaN(nan.Min().Item<double>()));
        Assert.Equal(4321L, nan.ArgMax().Item<long>());
        Assert.Equal(4321L, nan.ArgMin().Item<long>());
    }

    [Fact]
    public void LargeReductionsMatchScalarLoops()
    {
        // Big enough to run in parallel chunks; dim 0 takes the row-wise walk, dim 1 the per-output one.
        const int R = 130, C = 1030; // C spans several column blocks of the row-wise walk
        var rng = new Random(5);
        var data = new double[R * C];
        for (int i = 0; i < data.Length; i++) data[i] = Math.Round(rng.NextDouble() * 20 - 10, 1);
        var x = Tensor.From<double>(data, [R, C]);
        double At(int r, int c) => data[r * C + c];
        var colSum = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, R).Sum(r => At(r, c))).ToArray();
        var rowSum = Enumerable.Range(0, R).Select(r => Enumerable.Range(0, C).Sum(c => At(r, c))).ToArray();
        var colArgMax = Enumerable.Range(0, C).Select(c => (long)Enumerable.Range(0, R).First(r => At(r, c) == Enumerable.Range(0, R).Max(q => At(q, c)))).ToArray();
        var colMin = Enumerable.Range(0, C).Select(c => Enumerable.Range(0, R).Min(r => At(r, c))).ToArray();
        TensorAssert.Close(Tensor.From(colSum), x.Sum(0), rtol: 1e-12, atol: 1e-9);
        TensorAssert.Close(Tensor.From(rowSum), x.Sum(1), rtol: 1e-12, atol: 1e-9);
        TensorAssert.Close(Tensor.From(colSum).Float(), x.Float().Sum(0), rtol: 1e-5, atol: 1e-4);
        Assert.Equal(colArgMax, x.ArgMax(0).ToArray<long>());
        Assert.Equal(colArgMax, x.Max(0).Indices.ToArray<long>());
        Assert.Equal(colMin, x.Amin(0).ToArray<double>());
        Assert.Equal(colMin.Select(v => (float)v).ToArray(), x.Float().Amin(0).ToArray<float>());
        var xt = TestViews.Permuted(x, 1, 0); // [C, R], strided
        TensorAssert.Close(Tensor.From(colSum), xt.Sum(1), rtol: 1e-12, atol: 1e-9);
        Assert.Equal(colArgMax, xt.ArgMax(1).ToArray<long>());
        var ones = Tensor.Ones([R, C]);
        Assert.True(ones.All().Item<bool>());
        Assert.Equal(new bool[C], Tensor.Zeros([R, C]).Any(0).ToArray<bool>());
        Assert.Equal(Enumerable.Repeat(true, C).ToArray(), ones.All(0).ToArray<bool>());
    }

    [Fact]
    public void ResultDTypesFollowPyTorch()
    {
        var i32 = Tensor.From(new int[] { 1, 2, 3 });
        Assert.Equal(DType.Int64, i32.Sum().DType);
        Assert.Equal(DType.Int64, i32.Prod().DType);
        Assert.Equal(DType.Int64, i32.CumSum(0).DType);
        Assert.Equal(DType.Int32, i32.Max().DType);
        Assert.Equal(DType.Int64, Tensor.From(new bool[] { true, true }).Sum().DType);
        Assert.Equal(DType.UInt8, Tensor.From(new byte[] { 1, 2 }).All().DType);
        Assert.Equal(DType.Bool, Tensor.From(new float[] { 1, 2 }).Any().DType);
        Assert.Equal(DType.Float64, i32.Mean(dtype: DType.Float64).DType);
        Assert.Equal(DType.Float32, i32.LogSumExp(0).DType);
        Assert.Equal(DType.Float32, Tensor.From(new double[] { 1, 2 }).Sum(DType.Float32).DType);
    }

    [Fact]
    public void MaxWithDimDeconstructs()
    {
        var x = Tensor.From(new float[,] { { 1, 3, 3 }, { 2, 2, 0 } });
        var (values, indices) = x.Max(1);
        Assert.Equal(new float[] { 3, 2 }, values.ToArray<float>());
        Assert.Equal(new long[] { 1, 0 }, indices.ToArray<long>());
        var (v2, i2) = x.Min(0, keepDim: true);
        Assert.Equal(new[] { 1, 3 }, v2.Shape.ToArray());
        Assert.Equal(new long[] { 0, 1, 1 }, i2.ToArray<long>());
    }

    [Fact]
    public void BadDimsAreRefused()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Sum(5), "sum", "dimension out of range", "[-2, 1]", "got 5");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Mean([0, -3]), "mean", "got -3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Max(2), "max", "got 2");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.CumSum(-3), "cumsum", "got -3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.ArgMin(7), "argmin", "got 7");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1.0).Sum(1), "sum", "[-1, 0]", "got 1");
        TensorAssert.Throws<ArgumentException>(() => x.Sum([0, 0]), "sum", "dim 0 appears multiple times");
        TensorAssert.Throws<ArgumentException>(() => x.Amax([1, -1]), "amax", "dim 1 appears multiple times");
        TensorAssert.Throws<ArgumentException>(() => x.Var([0, -2]), "var", "dim 0 appears multiple times");
        TensorAssert.Throws<ArgumentException>(() => x.Norm(2, [1, 1]), "norm", "dim 1 appears multiple times");
        TensorAssert.Throws<ArgumentException>(() => x.LogSumExp([0, 0]), "logsumexp", "appears multiple times");
    }

    [Fact]
    public void EmptyReductionsWithoutIdentityAreRefused()
    {
        var e = Tensor.Zeros(0, 3);
        TensorAssert.Throws<ArgumentException>(() => e.Max(0), "max(): Expected reduction dim 0 to have non-zero size", "[0, 3]");
        TensorAssert.Throws<ArgumentException>(() => e.Min(-2), "min(): Expected reduction dim 0 to have non-zero size");
        TensorAssert.Throws<ArgumentException>(() => e.Amax([0, 1]), "amax(): Expected reduction dim 0 to have non-zero size");
        TensorAssert.Throws<ArgumentException>(() => e.ArgMax(0), "argmax(): Expected reduction dim 0 to have non-zero size");
        TensorAssert.Throws<ArgumentException>(() => e.Max(), "max(): Expected reduction dim to be specified for input.numel() == 0", "'dim' argument");
        TensorAssert.Throws<ArgumentException>(() => e.ArgMin(), "argmin(): Expected reduction dim to be specified for input.numel() == 0");
        // Over the non-empty dim the result is simply empty.
        Assert.Equal(new[] { 0 }, e.Max(1).Values.Shape.ToArray());
    }

    [Fact]
    public void FloatOnlyReductionsRefuseIntegers()
    {
        var i = Tensor.From(new long[] { 1, 2 });
        TensorAssert.Throws<ArgumentException>(() => i.Mean(), "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long");
        TensorAssert.Throws<ArgumentException>(() => Tensor.From(new float[] { 1 }).Mean(DType.Int64), "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: Long");
        TensorAssert.Throws<ArgumentException>(() => i.Var(), "var", "std and var only support floating point", "torch.int64");
        TensorAssert.Throws<ArgumentException>(() => i.Std(0), "std", "std and var only support floating point");
        TensorAssert.Throws<ArgumentException>(() => i.Norm(), "norm", "input dtype should be either floating point or complex", "Long");
        TensorAssert.Throws<ArgumentException>(() => Tensor.From(new bool[] { true }).ArgMax(), "argmax", "Bool");
    }

    [Fact]
    public void KeepDimFalseIsAView()
    {
        var x = Tensor.From(new double[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });
        var s = x.Sum([0, 2]);
        Assert.Equal(new[] { 2 }, s.Shape.ToArray());
        Assert.Equal(new double[] { 1 + 2 + 5 + 6, 3 + 4 + 7 + 8 }, s.ToArray<double>());
        Assert.True(s.IsContiguous());
    }

    [Theory]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float32, 511)]
    [InlineData(DType.Float32, 100_003)]
    [InlineData(DType.Float64, 1025)]
    [InlineData(DType.Float64, 100_003)]
    public void TheWholeTensorsTwoNormIsOnePassWithTheComposedRounding(DType dtype, int n)
    {
        // Norm() of a whole contiguous tensor sums the squares in one pass; it must round exactly as
        // sqrt((x * x).sum()) does, keepDim or not.
        Tensor.ManualSeed(3);
        var x = (Tensor.Randn(n) * 3).To(dtype);
        var composed = (x * x).Sum().Sqrt();
        Assert.Equal(composed.ToDouble(), x.Norm().ToDouble());
        Assert.Equal(composed.ToDouble(), x.View(1, n).Norm(2, [0, 1], keepDim: true).View([]).ToDouble());
        Assert.Equal(new[] { 1, 1 }, x.View(1, n).Norm(2, [0, 1], keepDim: true).Shape.ToArray());
    }
}

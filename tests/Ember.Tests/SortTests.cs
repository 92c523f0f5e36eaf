using Xunit;

namespace Ember.Tests;

public class SortGoldenTests
{
    public static IEnumerable<object[]> Cases => ReductionGolden.Cases(op => op is "sort" or "topk");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name) => ReductionGolden.Check(name);
}

public class SortTests
{
    [Fact]
    public void SortIsStableBothWays()
    {
        var x = Tensor.From(new float[] { 2, 1, 2, 1, 2 });
        var (v, i) = x.Sort();
        Assert.Equal(new float[] { 1, 1, 2, 2, 2 }, v.ToArray<float>());
        Assert.Equal(new long[] { 1, 3, 0, 2, 4 }, i.ToArray<long>());
        (v, i) = x.Sort(descending: true);
        Assert.Equal(new float[] { 2, 2, 2, 1, 1 }, v.ToArray<float>());
        Assert.Equal(new long[] { 0, 2, 4, 1, 3 }, i.ToArray<long>());
    }

    [Fact]
    public void LongSortsMatchAStableReference()
    {
        var rng = new Random(11);
        foreach (bool descending in new[] { false, true })
            foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64, DType.UInt8 })
            {
                var data = Enumerable.Range(0, 3 * 700).Select(_ => (double)rng.Next(0, 40)).ToArray();
                if (dtype.IsFloatingPoint()) for (int i = 0; i < data.Length; i += 97) data[i] = double.NaN;
                var x = Tensor.From<double>(data, [3, 700]).To(dtype);
                var (v, ix) = TestViews.Permuted(x, 1, 0).Sort(0, descending); // sort columns of the [700, 3] view
                var vals = TestViews.Permuted(v, 1, 0).ToArray<double>();
                var idx = TestViews.Permuted(ix, 1, 0).ToArray<long>();
                for (int row = 0; row < 3; row++)
                {
                    // NaN as largest; OrderBy is stable, so ties stay in original order.
                    double Key(int i) => double.IsNaN(data[row * 700 + i]) ? double.PositiveInfinity : data[row * 700 + i];
                    int Rank(int i) => double.IsNaN(data[row * 700 + i]) ? 1 : 0;
                    var expect = descending
                        ? Enumerable.Range(0, 700).OrderByDescending(Rank).ThenByDescending(Key).ToArray()
                        : Enumerable.Range(0, 700).OrderBy(Rank).ThenBy(Key).ToArray();
                    Assert.Equal(expect.Select(i => (long)i).ToArray(), idx.Skip(row * 700).Take(700).ToArray());
                    Assert.Equal(expect.Select(i => data[row * 700 + i]).ToArray(), vals.Skip(row * 700).Take(700).ToArray());
                }
            }
    }

    [Fact]
    public void NaNSortsAsLargest()
    {
        var x = Tensor.From(new double[] { 1, double.NaN, 5, double.NaN, double.NegativeInfinity });
        var (v, i) = x.Sort();
        Assert.Equal(new long[] { 4, 0, 2, 1, 3 }, i.ToArray<long>());
        var (tv, ti) = x.TopK(2);
        Assert.True(tv.ToArray<double>().All(double.IsNaN));
        Assert.Equal(new long[] { 1, 3 }, ti.ToArray<long>());
        var (sv, si) = x.TopK(2, largest: false);
        Assert.Equal(new double[] { double.NegativeInfinity, 1 }, sv.ToArray<double>());
        Assert.Equal(new long[] { 4, 0 }, si.ToArray<long>());
        _ = v;
    }

    [Fact]
    public void TopKAlongFirstDimOfAView()
    {
        var x = Tensor.From(new long[,] { { 5, 1, 9 }, { 7, 3, 2 }, { 6, 8, 4 } });
        var t = TestViews.Permuted(x, 1, 0); // [[5,7,6],[1,3,8],[9,2,4]]
        var (v, i) = t.TopK(2, dim: 0);
        Assert.Equal(new long[] { 9, 7, 8, 5, 3, 6 }, v.ToArray<long>());
        Assert.Equal(new long[] { 2, 0, 1, 0, 1, 0 }, i.ToArray<long>());
        Assert.Equal(new[] { 2, 3 }, v.Shape.ToArray());
    }

    [Fact]
    public void MedianIsTheLowerMiddleAndPropagatesNaN()
    {
        var x = Tensor.From(new float[,] { { 3, 1, 2, 4 }, { 5, float.NaN, 1, float.NaN } });
        var (v, i) = x.Median(1);
        Assert.Equal(2f, v.ToArray<float>()[0]);
        Assert.True(float.IsNaN(v.ToArray<float>()[1]));
        Assert.Equal(new long[] { 2, 1 }, i.ToArray<long>());
        Assert.True(float.IsNaN(x.Median().Item<float>()));
        Assert.Equal(new[] { 2, 1 }, x.Median(1, keepDim: true).Values.Shape.ToArray());
        TensorAssert.Throws<ArgumentException>(() => Tensor.Zeros(0, 2).Median(0), "median(): Expected reduction dim 0 to have non-zero size");
        TensorAssert.Throws<ArgumentException>(() => Tensor.From(new bool[] { true }).Median(), "median", "Bool");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Median(2), "median", "got 2");
    }

    [Fact]
    public void KOutOfRangeIsRefused()
    {
        var x = Tensor.Zeros(2, 3);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.TopK(4), "topk", "selected index k out of range", "k = 4", "size 3");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.TopK(-1, 0), "topk", "k = -1", "size 2");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1.0).TopK(2), "topk", "k = 2", "size 1");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.TopK(1, 2), "topk", "dimension out of range", "got 2");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => x.Sort(-3), "sort", "dimension out of range", "got -3");
        Assert.Equal(new[] { 2, 0 }, x.TopK(0).Values.Shape.ToArray());
    }
}

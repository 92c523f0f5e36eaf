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

using Xunit;

namespace Ember.Tests;

/// <summary>Advanced indexing against PyTorch (golden/indexing.json, made by tests/golden/indexing.py).</summary>
public class IndexingGoldenTests
{
    private static readonly Golden G = Golden.Load("indexing");
    private static Tensor I(string name) => G["idx_" + name];

    public static TheoryData<string, string> ReadCases()
    {
        var d = new TheoryData<string, string>();
        foreach (var dt in new[] { "float32", "float64", "int64" })
            foreach (var c in Reads.Keys) d.Add(dt, c);
        return d;
    }

    public static TheoryData<string, string> WriteCases()
    {
        var d = new TheoryData<string, string>();
        foreach (var dt in new[] { "float32", "float64", "int64" })
            foreach (var c in Writes.Keys) d.Add(dt, c);
        return d;
    }

    // Each entry mirrors the Python expression of the same name in indexing.py.
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Reads = new()
    {
        ["int_tensor"] = x => x[I("i0")],
        ["idx_2d"] = x => x[I("i2d")],
        ["slice_then_idx"] = x => x[1..3, I("i5")],
        ["two_adjacent"] = x => x[.., I("i1"), I("i2")],
        ["adjacent_broadcast"] = x => x[.., I("i1")[.., Tensor.NewAxis], I("ib")],
        ["nonadjacent"] = x => x[I("ia"), .., I("ib")],
        ["int_then_slice_idx"] = x => x[0, .., I("i2")],
        ["idx_int_idx"] = x => x[I("ia"), 1, I("ib")],
        ["mask_full"] = x => x[I("m3")],
        ["mask_rows"] = x => x[I("m0")],
        ["mask_2d"] = x => x[I("m01")],
        ["mask_mid"] = x => x[.., I("m1")],
        ["mask_and_idx"] = x => x[I("m0"), .., I("ib")],
        ["newaxis_idx"] = x => x[Tensor.NewAxis, I("i0"), Tensor.Ellipsis, Tensor.NewAxis],
        ["ellipsis_idx"] = x => x[Tensor.Ellipsis, I("i2")],
        ["step_idx_step"] = x => x[TensorIndex.Slice(step: 2), I("i5"), TensorIndex.Slice(1, null, 2)],
        ["permuted"] = x => x.Permute(2, 0, 1)[.., TensorIndex.Slice(step: 2)][I("ia"), .., I("ic")],
        ["expanded"] = x => x[0..1].Expand(3, 5, 6)[I("icol"), I("ia")],
        ["empty_idx"] = x => x[I("empty")],
        ["empty_mask"] = x => x[I("mfalse")],
        ["bool0d_true"] = x => x[Tensor.Scalar(true)],
        ["bool0d_false"] = x => x[Tensor.Scalar(false)],
        ["int0d"] = x => x[Tensor.Scalar(-2)],
        ["neg_basic"] = x => x[-1, -2],
    };

    private static Tensor Seq(DType dt, Func<int, double> f, params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        return Tensor.From<double>(Enumerable.Range(0, n).Select(f).ToArray(), shape).To(dt);
    }

    private static readonly Dictionary<string, Action<Tensor>> Writes = new()
    {
        ["scalar_idx"] = y => y[I("i0")] = 7,
        ["scalar_mask"] = y => y[I("m3")] = 0,
        ["mask_values"] = y => y[I("m3")] = Seq(y.DType, i => i, I("m3").ToArray<bool>().Count(b => b)),
        ["broadcast_value"] = y => y[.., I("i1"), I("i2")] = Seq(y.DType, i => i + 1, 4, 1),
        ["nonadjacent"] = y => y[I("ia"), .., I("ib")] = Seq(y.DType, i => i + 100, 2, 5),
        ["basic_view"] = y => y[1, 2..4] = Seq(y.DType, i => -i, 2, 6),
        ["negative"] = y => y[-1, new long[] { -1, -5 }] = Tensor.Scalar(9, y.DType),
        ["prefix_ones"] = y => y[I("i0")] = Tensor.Full([1, 3, 5, 6], 3, y.DType),
        ["float_into"] = y => y[I("m0")] = 2.7,
        ["accumulate_dup"] = y => y.IndexPut_([I("idup")], Seq(y.DType, i => i, 5, 6), accumulate: true),
        ["accumulate_mask"] = y => y.IndexPut_([I("m01")], Tensor.Ones([6], y.DType), accumulate: true),
        ["mask_mid_row"] = y => y[.., I("m1")] = Seq(y.DType, i => i, 6),
    };

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void ReadMatchesPyTorch(string dtype, string name)
    {
        var x = G[dtype + "/x"];
        var r = Reads[name](x);
        TensorAssert.Equal(G[$"{dtype}/read/{name}"], r);
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public void ReadOfNonContiguousInputMatches(string dtype, string name)
    {
        var x = TestViews.NonContiguous(G[dtype + "/x"]);
        Assert.False(x.IsContiguous());
        TensorAssert.Equal(G[$"{dtype}/read/{name}"], Reads[name](x));
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public void WriteMatchesPyTorch(string dtype, string name)
    {
        var y = G[dtype + "/x"].Clone();
        long v = y.Version;
        Writes[name](y);
        TensorAssert.Equal(G[$"{dtype}/write/{name}"], y);
        Assert.True(y.Version > v, "an indexed write bumps the version");
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public void WriteThroughNonContiguousTensorMatches(string dtype, string name)
    {
        var y = TestViews.NonContiguous(G[dtype + "/x"]);
        Writes[name](y);
        TensorAssert.Equal(G[$"{dtype}/write/{name}"], y);
    }

    [Fact]
    public void ZeroDimAndEmptyInputs()
    {
        var z = Tensor.Scalar(5.5f);
        TensorAssert.Equal(G["zero_d/none"], z[Tensor.NewAxis]);
        TensorAssert.Equal(G["zero_d/true"], z[Tensor.Scalar(true)]);
        TensorAssert.Equal(G["zero_d/false"], z[Tensor.Scalar(false)]);
        var e = Tensor.Zeros(0, 3);
        TensorAssert.Equal(G["empty/idx"], e[I("empty")]);
        TensorAssert.Equal(G["empty/cols"], e[.., new long[] { 2, 0 }]);
        Assert.True(z[Tensor.Ellipsis].SharesStorageWith(z));
    }
}

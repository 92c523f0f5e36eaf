using Xunit;

namespace Ember.Tests.Autograd;

/// <summary>
/// Gradients of joining/index ops where PyTorch fixes a convention (ties in amax/amin, zeros in prod,
/// repeated indices), against PyTorch 1.13 (tests/golden/grad_join.py), plus recording behaviour.
/// </summary>
public class JoiningGradGoldenTests
{
    private static readonly Golden G = Golden.Load("grad_join");

    private static Tensor F(params double[] v) => Tensor.From<double>(v, [v.Length]);
    private static Tensor L(params double[] v) => F(v).RequiresGrad_();
    private static Tensor Idx(params long[] v) => Tensor.From<long>(v, [v.Length]);

    [Theory]
    [InlineData("amax_ties", new[] { 1.0, 3, 2 }, new long[] { 0, 1, 1, 2, 1 }, new[] { 1.0, 3, 0, 2, 3 }, "amax", true)]
    [InlineData("amin_ties", new[] { 1.0, 3, 2 }, new long[] { 0, 1, 1, 2, 1 }, new[] { 1.0, 3, 5, 2, 3 }, "amin", true)]
    [InlineData("amax_noself_srctie", new[] { 0.0, 5 }, new long[] { 0, 0 }, new[] { 4.0, 4 }, "amax", false)]
    [InlineData("prod_zeros_self", new[] { 2.0, 0, 3, 4 }, new long[] { 0, 0, 1, 2, 2, 3 }, new[] { 0.0, 5, 2, 0, 0, 3 }, "prod", true)]
    [InlineData("prod_zeros_noself", new[] { 2.0, 0, 3, 4 }, new long[] { 0, 0, 1, 2, 2, 3 }, new[] { 0.0, 5, 2, 0, 0, 3 }, "prod", false)]
    [InlineData("mean_noself", new[] { 1.0, 2, 3 }, new long[] { 0, 0, 2 }, new[] { 4.0, 5, 6 }, "mean", false)]
    public void ScatterReduceGradientsMatchPyTorch(string name, double[] self, long[] index, double[] src, string reduce, bool includeSelf)
    {
        var s = L(self);
        var x = L(src);
        var g = Enumerable.Range(1, self.Length).Select(i => (double)i).ToArray();
        var outT = s.ScatterReduce(0, Idx(index), x, reduce, includeSelf);
        Assert.Equal("ScatterReduceBackward0", outT.GradFn!.Name);
        outT.Backward(F(g));
        TensorAssert.Close(G[name + "_out"], outT.Detach());
        TensorAssert.Close(G[name + "_gself"], s.Grad!);
        TensorAssert.Close(G[name + "_gsrc"], x.Grad!);
    }

    [Fact]
    public void AmaxWithoutSelfDoesNotCountAnExcludedSelfAsATie()
    {
        // Deliberate difference: PyTorch 1.13 gives src.grad [0.5, 0] here, counting the excluded self
        // value 3 as a tie; out[0] = max(3, 1) depends on src[0] alone, so its derivative is 1.
        var s = L(3, 5);
        var src = L(3, 1);
        s.ScatterReduce(0, Idx(0, 0), src, "amax", includeSelf: false).Backward(F(1, 1));
        TensorAssert.Close(F(1, 0), src.Grad!);
        TensorAssert.Close(F(0, 1), s.Grad!);
    }

    [Fact]
    public void ScatterWithARepeatedIndexGivesEverySrcElementItsTargetsGradient()
    {
        var s = L(1, 2, 3);
        var src = L(4, 5, 6);
        s.Scatter(0, Idx(1, 1, 0), src).Backward(F(1, 2, 3));
        TensorAssert.Close(G["scatter_dup_gself"], s.Grad!);
        TensorAssert.Close(G["scatter_dup_gsrc"], src.Grad!);
    }

    [Fact]
    public void IndexFillValueGradientCountsEachFilledSliceOnce()
    {
        var x = Tensor.From<double>([1, 2, 3, 4, 5, 6], [3, 2]).RequiresGrad_();
        var v = Tensor.Scalar(7.0, DType.Float64).RequiresGrad_();
        var y = x.IndexFill(0, Idx(0, 2, 0), v);
        Assert.Equal("IndexFillBackward1", y.GradFn!.Name);
        y.Backward(Tensor.From<double>([1, 2, 3, 4, 5, 6], [3, 2]));
        TensorAssert.Close(G["index_fill_gx"], x.Grad!);
        TensorAssert.Close(G["index_fill_gv"], v.Grad!);
    }

    [Fact]
    public void IndexCopyWithARepeatedIndexMatchesPyTorch()
    {
        var x = Tensor.From<double>([1, 2, 3, 4], [2, 2]).RequiresGrad_();
        var src = Tensor.From<double>([5, 6, 7, 8], [2, 2]).RequiresGrad_();
        x.IndexCopy(0, Idx(1, 1), src).Backward(Tensor.From<double>([1, 2, 3, 4], [2, 2]));
        TensorAssert.Close(G["index_copy_gx"], x.Grad!);
        TensorAssert.Close(G["index_copy_gsrc"], src.Grad!);
    }

    [Fact]
    public void MaskedFillAndMaskedSelectWithBroadcastSelf()
    {
        var m = Tensor.From<bool>([true, false, true, false, false, true], [2, 3]);
        var x = L(1, 2, 3);
        var v = Tensor.Scalar(0.5, DType.Float64).RequiresGrad_();
        var y = x.MaskedFill(m, v);
        Assert.Equal("MaskedFillBackward1", y.GradFn!.Name);
        y.Backward(Tensor.From<double>([1, 2, 3, 4, 5, 6], [2, 3]));
        TensorAssert.Close(G["masked_fill_gx"], x.Grad!);
        TensorAssert.Close(G["masked_fill_gv"], v.Grad!);

        var x2 = Tensor.From<double>([1, 2, 3], [1, 3]).RequiresGrad_();
        x2.MaskedSelect(m).Backward(F(1, 2, 3));
        TensorAssert.Close(G["masked_select_gx"], x2.Grad!);
    }

    [Fact]
    public void TakeRepeatAndRollGradients()
    {
        var x = Tensor.From<double>([1, 2, 3, 4, 5, 6], [2, 3]).RequiresGrad_();
        x.Take(Tensor.From<long>([-1, 0, 5, 5], [2, 2])).Backward(Tensor.From<double>([1, 2, 3, 4], [2, 2]));
        TensorAssert.Close(G["take_gx"], x.Grad!);

        var r = Tensor.From<double>([1, 2], [1, 2]).RequiresGrad_();
        r.Repeat(2, 2, 1).Backward(Tensor.Arange(0, 8, dtype: DType.Float64).View(2, 2, 2));
        TensorAssert.Close(G["repeat_gx"], r.Grad!);

        var q = Tensor.From<double>([1, 2, 3, 4, 5, 6], [2, 3]).RequiresGrad_();
        q.Roll([1, 2, -1], [0, 1, 1]).Backward(Tensor.Arange(0, 6, dtype: DType.Float64).View(2, 3));
        TensorAssert.Close(G["roll_gx"], q.Grad!);
    }

    [Fact]
    public void CompositesRecordTheirPartsNodes()
    {
        var x = Tensor.From<double>([1, 2, 3, 4, 5, 6], [2, 3]).RequiresGrad_();
        Assert.Equal("CatBackward0", Tensor.VStack([x, x]).GradFn!.Name);
        Assert.Equal("CatBackward0", Tensor.Concat([x, x], 1).GradFn!.Name);
        Assert.Equal("StackBackward0", Tensor.Stack([x, x]).GradFn!.Name);
        Assert.Equal("RepeatBackward0", x.Tile(2).GradFn!.Name);
        Assert.Equal("GatherBackward0", x.TakeAlongDim(Tensor.From<long>([0, 2, 1, 1, 0, 0], [2, 3]), 1).GradFn!.Name);
        Assert.Equal("RollBackward0", x.Roll(1).GradFn!.Name);
    }

    [Fact]
    public void ASkippedLegacyEmptyInputOfCatGetsNoGradient()
    {
        var e = Tensor.Zeros([0], DType.Float64).RequiresGrad_();
        var a = L(1, 2);
        Tensor.Cat([e, a]).Backward(F(3, 4));
        Assert.Null(e.Grad);
        TensorAssert.Close(F(3, 4), a.Grad!);
    }

    [Fact]
    public void IntegerResultsRecordNothing()
    {
        var i = Tensor.From<long>([1, 2, 3], [3]);
        Assert.Null(i.Flip(0).GradFn);
        Assert.False(Tensor.Cat([i, i]).RequiresGrad);
    }

    [Fact]
    public void InPlaceOnALeafThatRequiresGradIsRefused()
    {
        var x = L(1, 2, 3);
        var ex = Assert.Throws<InvalidOperationException>(() => x.Scatter_(0, Idx(0), 5.0));
        Assert.Contains("scatter_: a leaf Variable that requires grad", ex.Message);
        ex = Assert.Throws<InvalidOperationException>(() => x.MaskedFill_(Tensor.From<bool>([true, false, false], [3]), 0.0));
        Assert.Contains("masked_fill_: a leaf Variable that requires grad", ex.Message);
        var m = Tensor.From<double>([1, 2, 3, 4], [2, 2]).RequiresGrad_();
        ex = Assert.Throws<InvalidOperationException>(() => m.Tril_());
        Assert.Contains("tril_: a leaf Variable", ex.Message);
        // Under NoGrad it is allowed, as in PyTorch.
        using (Ember.Autograd.NoGrad()) x.IndexFill_(0, Idx(1), 0.0);
        TensorAssert.Close(F(1, 0, 3), x.Detach());
    }

    [Fact]
    public void ASavedIndexModifiedInPlaceIsRefusedAtBackward()
    {
        var x = L(1, 2, 3);
        var idx = Idx(2, 0);
        var y = x.Gather(0, idx);
        idx.MaskedFill_(Tensor.From<bool>([true, false], [2]), 1L);
        var ex = Assert.Throws<InvalidOperationException>(() => y.Backward(F(1, 1)));
        Assert.Contains("modified by an inplace operation", ex.Message);
    }

    [Fact]
    public void InPlaceOpsKeepHistoryThroughTheWrite()
    {
        var x = L(1, 2, 3, 4);
        var y = x * 2.0;
        y.IndexAdd_(0, Idx(3, 3), L(1, 1) * 1.0, alpha: 0.5);
        Assert.Equal("IndexAddBackward0", y.GradFn!.Name);
        y.Backward(F(1, 1, 1, 1));
        TensorAssert.Close(F(2, 2, 2, 2), x.Grad!);
    }
}

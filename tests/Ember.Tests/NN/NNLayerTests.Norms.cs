using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

public partial class NNLayerTests
{
    private static BatchNormBase MakeBatchNorm(string name, DType dt) => name switch
    {
        "bn1d" or "bn1d_3d" => new BatchNorm1d(3, dtype: dt),
        "bn2d" => new BatchNorm2d(3, dtype: dt),
        "bn2d_cumulative" => new BatchNorm2d(3, momentum: null, dtype: dt),
        "bn1d_noaffine" => new BatchNorm1d(3, affine: false, dtype: dt),
        "bn1d_notrack" => new BatchNorm1d(3, trackRunningStats: false, dtype: dt),
        "bn2d_eps_mom" => new BatchNorm2d(3, eps: 1e-3, momentum: 0.3, dtype: dt),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string, string> BatchNorms()
    {
        var d = new TheoryData<string, string>();
        foreach (var n in new[] { "bn1d", "bn1d_3d", "bn2d", "bn2d_cumulative", "bn1d_noaffine", "bn1d_notrack", "bn2d_eps_mom" })
            foreach (var dn in new[] { "f32", "f64" }) d.Add(n, dn);
        return d;
    }

    [Theory]
    [MemberData(nameof(BatchNorms))]
    public void BatchNormTrainsAndEvaluatesAsPyTorch(string name, string dn)
    {
        string k = $"{name}_{dn}";
        var m = MakeBatchNorm(name, Dt(dn));
        Assert.Equal(ExpectedText(name), m.ToString());
        if (m.Affine)
        {
            using (Ember.Autograd.NoGrad()) { m.Weight!.Copy_(G[k + "_w0"]); m.Bias!.Copy_(G[k + "_b0"]); }
        }
        Tensor? x = null, y = null;
        for (int step = 0; step < 3; step++)
        {
            x = G[$"{k}_x{step}"].RequiresGrad_();
            y = m.Call(x);
            y.Backward(G[$"{k}_gy{step}"]);
        }
        Close(G[k + "_y"], y!.Detach(), dn);
        Close(G[k + "_gx"], x!.Grad!, dn);
        if (m.Affine)
        {
            Close(G[k + "_gw"], m.Weight!.Grad!, dn);
            Close(G[k + "_gb"], m.Bias!.Grad!, dn);
        }
        if (m.TrackRunningStats)
        {
            Close(G[k + "_rm"], m.RunningMean!, dn);
            Close(G[k + "_rv"], m.RunningVar!, dn);
            TensorAssert.Equal(G[k + "_nbt"], m.NumBatchesTracked!);
        }
        else Assert.Null(m.RunningMean);
        m.Eval();
        Close(G[k + "_ye"], m.Call(G[k + "_xe"]), dn);
    }

    [Fact]
    public void BatchNormStateDictHasPyTorchsKeys()
    {
        var keys = new BatchNorm2d(4).StateDict().Keys.ToArray();
        Assert.Equal(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }, keys);
        Assert.Empty(new BatchNorm1d(4, affine: false, trackRunningStats: false).StateDict());
        Assert.Equal(DType.Int64, new BatchNorm1d(2).NumBatchesTracked!.DType);
    }

    [Fact]
    public void BatchNormRefusesBadInputs()
    {
        TensorAssert.Throws<ArgumentException>(() => new BatchNorm2d(3).Call(Tensor.Randn(2, 3)), "expected 4D input (got 2D input)");
        TensorAssert.Throws<ArgumentException>(() => new BatchNorm1d(3).Call(Tensor.Randn(2, 3, 4, 5)), "expected 2D or 3D input (got 4D input)");
        TensorAssert.Throws<ArgumentException>(() => new BatchNorm1d(3).Call(Tensor.Randn(1, 3)), "Expected more than 1 value per channel when training");
        TensorAssert.Throws<ArgumentException>(() => new BatchNorm1d(4).Call(Tensor.Randn(2, 3)), "running_mean should contain 3 elements not 4");
    }

    private static Module<Tensor, Tensor> MakeNorm(string name, DType dt) => name switch
    {
        "ln_4" => new LayerNorm(4, dtype: dt),
        "ln_3x4" => new LayerNorm([3, 4], dtype: dt),
        "ln_noaffine" => new LayerNorm(4, elementwiseAffine: false, dtype: dt),
        "ln_eps" => new LayerNorm(4, eps: 1e-2, dtype: dt),
        "gn_2_4" => new GroupNorm(2, 4, dtype: dt),
        "gn_4_4" => new GroupNorm(4, 4, dtype: dt),
        "gn_1_4_noaffine" => new GroupNorm(1, 4, affine: false, dtype: dt),
        "gn_eps" => new GroupNorm(2, 6, eps: 1e-3, dtype: dt),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string, string> Norms()
    {
        var d = new TheoryData<string, string>();
        foreach (var n in new[] { "ln_4", "ln_3x4", "ln_noaffine", "ln_eps", "gn_2_4", "gn_4_4", "gn_1_4_noaffine", "gn_eps" })
            foreach (var dn in new[] { "f32", "f64" }) d.Add(n, dn);
        return d;
    }

    [Theory]
    [MemberData(nameof(Norms))]
    public void LayerAndGroupNormMatchPyTorch(string name, string dn)
    {
        string k = $"{name}_{dn}";
        var m = MakeNorm(name, Dt(dn));
        Assert.Equal(ExpectedText(name), m.ToString());
        var ps = m.Parameters().ToArray();
        if (ps.Length > 0)
            using (Ember.Autograd.NoGrad()) { ps[0].Copy_(G[k + "_w0"]); ps[1].Copy_(G[k + "_b0"]); }
        var x = G[k + "_x"].RequiresGrad_();
        var y = m.Call(x);
        y.Backward(G[k + "_gy"]);
        Close(G[k + "_y"], y.Detach(), dn);
        Close(G[k + "_gx"], x.Grad!, dn);
        if (ps.Length > 0)
        {
            Close(G[k + "_gw"], ps[0].Grad!, dn);
            Close(G[k + "_gb"], ps[1].Grad!, dn);
        }
    }

    [Fact]
    public void LayerAndGroupNormRefuseBadShapes()
    {
        TensorAssert.Throws<ArgumentException>(() => new LayerNorm(4).Call(Tensor.Randn(2, 5)), "normalized_shape=[4]", "[*, 4]", "[2, 5]");
        TensorAssert.Throws<ArgumentException>(() => new GroupNorm(3, 4), "divisible");
        TensorAssert.Throws<ArgumentException>(() => F.GroupNorm(Tensor.Randn(2, 6, 3), 4), "divisible by num_groups");
    }
}

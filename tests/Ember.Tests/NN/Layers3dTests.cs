using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The 3-D and block layers (issue 15 item 4) against PyTorch (tests/golden/nn_layers3d.py): outputs,
/// indices and input/weight/bias gradients in float64 and float32, seeded weights and printed text.
/// </summary>
[Collection("DefaultGenerator")]
public class Layers3dTests
{
    private static Golden G => Golden.Load("nn_layers3d");

    /// <summary>What a case returns: the output, the indices (or null), and the tensors holding the weight and bias gradients.</summary>
    private readonly record struct Run(Tensor Y, Tensor? Idx = null, Tensor? W = null, Tensor? B = null);

    private delegate Run Case(DType dt, Tensor x, Tensor? w, Tensor? b, Tensor? aux);

    private static Run Y(Tensor y, Tensor? w = null, Tensor? b = null) => new(y, null, w, b);

    private static Run I((Tensor Output, Tensor Indices) r) => new(r.Output, r.Indices);

    /// <summary>Each golden case, written the Ember way with PyTorch's options.</summary>
    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["conv3d_basic"] = (_, x, w, b, _) => Y(F.Conv3d(x, w!, b), w, b),
        ["conv3d_opts"] = (_, x, w, b, _) => Y(F.Conv3d(x, w!, b, stride: (2, 1, 2), padding: (1, 2, 0), dilation: (2, 1, 1), groups: 2), w, b),
        ["conv3d_same_even"] = (_, x, w, b, _) => Y(F.Conv3d(x, w!, b, padding: "same", dilation: (1, 2, 1)), w, b),
        ["conv3d_valid_unbatched"] = (_, x, w, _, _) => Y(F.Conv3d(x, w!, padding: "valid"), w),
        ["conv3d_pointwise"] = (_, x, w, b, _) => Y(F.Conv3d(x, w!, b, stride: 2), w, b),
        ["convt3d_basic"] = (_, x, w, b, _) => Y(F.ConvTranspose3d(x, w!, b), w, b),
        ["convt3d_opts"] = (_, x, w, b, _) => Y(F.ConvTranspose3d(x, w!, b, stride: (2, 1, 3), padding: (1, 0, 1), outputPadding: (1, 0, 2),
            groups: 2, dilation: (1, 2, 1)), w, b),
        ["convt3d_unbatched"] = (_, x, w, _, _) => Y(F.ConvTranspose3d(x, w!, stride: 2), w),
        ["convt3d_dil_pad"] = (_, x, w, b, _) => Y(F.ConvTranspose3d(x, w!, b, stride: 3, padding: 2, dilation: 2, outputPadding: 1), w, b),
        ["mod_conv3d_reflect"] = (dt, x, w, b, _) => Module(new Conv3d(2, 3, (2, 3, 3), padding: (1, 1, 2), paddingMode: "reflect", dtype: dt), x, w, b),
        ["mod_conv3d_circular_same"] = (dt, x, w, _, _) =>
            Module(new Conv3d(2, 2, (2, 3, 4), padding: "same", bias: false, paddingMode: "circular", dtype: dt), x, w, null),
        ["maxpool3d_basic"] = (_, x, _, _, _) => I(F.MaxPool3dWithIndices(x, 2)),
        ["maxpool3d_opts"] = (_, x, _, _, _) => I(new MaxPool3d((3, 2, 3), stride: (2, 1, 2), padding: 1, dilation: (1, 2, 1), returnIndices: true,
            ceilMode: true).ForwardWithIndices(x)),
        ["maxpool3d_ties"] = (_, x, _, _, _) => I(F.MaxPool3dWithIndices(x, 3, stride: 1, padding: 1)),
        ["maxpool3d_unbatched"] = (_, x, _, _, _) => I(F.MaxPool3dWithIndices(x, 2, stride: 1)),
        ["avgpool3d_basic"] = (_, x, _, _, _) => Y(new AvgPool3d(2).Call(x)),
        ["avgpool3d_pad"] = (_, x, _, _, _) => Y(F.AvgPool3d(x, 3, stride: 2, padding: 1)),
        ["avgpool3d_exclude_ceil"] = (_, x, _, _, _) => Y(F.AvgPool3d(x, (3, 2, 3), stride: 2, padding: 1, ceilMode: true, countIncludePad: false)),
        ["avgpool3d_include_ceil"] = (_, x, _, _, _) => Y(F.AvgPool3d(x, 3, stride: 2, padding: 1, ceilMode: true)),
        ["avgpool3d_divisor"] = (_, x, _, _, _) => Y(F.AvgPool3d(x, 2, stride: 1, padding: 1, divisorOverride: 3)),
        ["adaptiveavg1d"] = (_, x, _, _, _) => Y(new AdaptiveAvgPool1d(3).Call(x)),
        ["adaptiveavg1d_up"] = (_, x, _, _, _) => Y(F.AdaptiveAvgPool1d(x, 6)),
        ["adaptivemax1d"] = (_, x, _, _, _) => I(new AdaptiveMaxPool1d(4, returnIndices: true).ForwardWithIndices(x)),
        ["adaptivemax1d_unbatched"] = (_, x, _, _, _) => I(F.AdaptiveMaxPool1dWithIndices(x, 3)),
        ["adaptiveavg3d"] = (_, x, _, _, _) => Y(new AdaptiveAvgPool3d((2, 3, 4)).Call(x)),
        ["adaptiveavg3d_none"] = (_, x, _, _, _) => Y(F.AdaptiveAvgPool3d(x, (null, 2, 3))),
        ["adaptiveavg3d_global"] = (_, x, _, _, _) => Y(F.AdaptiveAvgPool3d(x, 1)),
        ["adaptivemax3d"] = (_, x, _, _, _) => I(new AdaptiveMaxPool3d((2, 3, 3), returnIndices: true).ForwardWithIndices(x)),
        ["adaptivemax3d_ties"] = (_, x, _, _, _) => I(F.AdaptiveMaxPool3dWithIndices(x, (2, 2, 2))),
        ["unpool1d"] = (_, x, _, _, aux) => Y(new MaxUnpool1d(2).Call(x, aux!)),
        ["unpool3d"] = (_, x, _, _, aux) => Y(new MaxUnpool3d(2).Call(x, aux!)),
        ["unpool3d_size"] = (_, x, _, _, aux) => Y(new MaxUnpool3d(3, stride: 2, padding: 1).Forward(x, aux!, [5, 6, 6])),
        ["lppool1d"] = (_, x, _, _, _) => Y(new LPPool1d(2, 3, stride: 2).Call(x)),
        ["lppool1d_p1_ceil"] = (_, x, _, _, _) => Y(F.LpPool1d(x, 1, 2, ceilMode: true)),
        ["lppool2d"] = (_, x, _, _, _) => Y(new LPPool2d(2, (2, 3), stride: 1, ceilMode: true).Call(x)),
        ["lppool2d_frac"] = (_, x, _, _, _) => Y(F.LpPool2d(x, 1.5, 2)),
        ["mod_bn3d"] = (dt, x, w, b, _) => Module(new BatchNorm3d(3, dtype: dt), x, w, b),
        ["reflpad3d"] = (_, x, _, _, _) => Y(new ReflectionPad3d(1, 2, 0, 1, 2, 1).Call(x)),
        ["reflpad3d_4d"] = (_, x, _, _, _) => Y(new ReflectionPad3d(1).Call(x)),
        ["replpad3d"] = (_, x, _, _, _) => Y(new ReplicationPad3d(2, 0, 1, 3, 1, 2).Call(x)),
        ["pad_circular_3d"] = (_, x, _, _, _) => Y(F.Pad(x, [1, 2, 2, 0, 1, 1], "circular")),
        ["unfold_basic"] = (_, x, _, _, _) => Y(new Unfold(2).Call(x)),
        ["unfold_opts"] = (_, x, _, _, _) => Y(F.Unfold(x, (2, 3), dilation: (1, 2), padding: (1, 0), stride: (2, 1))),
        ["unfold_unbatched"] = (_, x, _, _, _) => Y(F.Unfold(x, 3, padding: 1)),
        ["fold_basic"] = (_, x, _, _, _) => Y(new Fold((4, 5), 2).Call(x)),
        ["fold_opts"] = (_, x, _, _, _) => Y(F.Fold(x, (5, 6), (2, 3), dilation: (1, 2), padding: (1, 0), stride: (2, 1))),
        ["fold_unbatched"] = (_, x, _, _, _) => Y(F.Fold(x, 4, 3, padding: 1, stride: 2)),
    };

    /// <summary>Loads PyTorch's weight and bias into a module's parameters and runs it.</summary>
    private static Run Module(Module<Tensor, Tensor> m, Tensor x, Tensor? w, Tensor? b)
    {
        var (pw, pb) = m switch
        {
            ConvNd c => (c.Weight, c.Bias),
            BatchNormBase n => (n.Weight!, n.Bias),
            _ => throw new ArgumentException(m.GetType().Name),
        };
        using (Ember.Autograd.NoGrad())
        {
            pw.Copy_(w!);
            if (b is not null) pb!.Copy_(b);
        }
        return Y(m.Call(x), pw, b is null ? null : pb);
    }

    public static TheoryData<string, string> GoldenCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in Cases.Keys) { data.Add(c, "f64"); data.Add(c, "f32"); }
        return data;
    }

    [Fact]
    public void EveryGoldenCaseIsChecked()
    {
        var inFile = G.Names.Where(n => n.Contains('.') && !n.StartsWith("mod_bn3d_stats", StringComparison.Ordinal))
            .Select(n => n.Split('.')[0]).ToHashSet();
        Assert.Equal(inFile.OrderBy(s => s), Cases.Keys.OrderBy(s => s));
    }

    [Theory, MemberData(nameof(GoldenCases))]
    public void OutputIndicesAndGradientsMatchPyTorch(string name, string tag)
    {
        var g = G;
        string key(string t) => $"{name}.{tag}.{t}";
        Tensor? Opt(string t) => g.Has(key(t)) ? g[key(t)] : null;
        var x = g[key("x")].RequiresGrad_();
        Tensor? w = Opt("w")?.RequiresGrad_(), b = Opt("b")?.RequiresGrad_();
        var r = Cases[name](tag == "f64" ? DType.Float64 : DType.Float32, x, w, b, Opt("aux"));
        double rtol = tag == "f32" ? 1e-5 : 1e-10, atol = tag == "f32" ? 5e-6 : 1e-12;
        TensorAssert.Close(g[key("y")], r.Y.Detach(), rtol, atol);
        if (Opt("idx") is { } idx) TensorAssert.Equal(idx, r.Idx!);
        else Assert.Null(r.Idx);
        (r.Y * g[key("gy")]).Sum().Backward();
        TensorAssert.Close(g[key("gx")], x.Grad!, rtol, atol);
        // Weight and bias gradients sum hundreds of float32 products (both sides round differently).
        double prtol = tag == "f32" ? 5e-5 : rtol, patol = tag == "f32" ? 2e-5 : atol;
        if (Opt("gw") is { } gw) TensorAssert.Close(gw, r.W!.Grad!, prtol, patol);
        if (Opt("gb") is { } gb) TensorAssert.Close(gb, r.B!.Grad!, prtol, patol);
    }

    [Theory]
    [InlineData("f64")]
    [InlineData("f32")]
    public void BatchNorm3dTracksRunningStatisticsAsPyTorch(string tag)
    {
        var g = G;
        var m = new BatchNorm3d(3, momentum: 0.3, dtype: tag == "f64" ? DType.Float64 : DType.Float32);
        m.Call(g[$"mod_bn3d.{tag}.x"]);
        TensorAssert.Close(g[$"mod_bn3d_stats.{tag}.running_mean"], m.RunningMean!);
        TensorAssert.Close(g[$"mod_bn3d_stats.{tag}.running_var"], m.RunningVar!);
    }

    [Fact]
    public void SeededInitialWeightsMatchPyTorch()
    {
        var g = G;
        Func<ConvNd>[] makers =
        [
            () => new Conv3d(2, 4, 3),
            () => new Conv3d(4, 6, (1, 2, 3), groups: 2),
            () => new ConvTranspose3d(4, 6, (2, 3, 2), groups: 2),
            () => new Conv3d(2, 3, 2, bias: false),
        ];
        for (int seed = 0; seed < makers.Length; seed++)
        {
            Tensor.ManualSeed(seed);
            var m = makers[seed]();
            TensorAssert.Equal(g[$"init_{seed}_weight"], m.Weight.Detach());
            if (g.Has($"init_{seed}_bias")) TensorAssert.Equal(g[$"init_{seed}_bias"], m.Bias!.Detach());
            else Assert.Null(m.Bias);
        }
    }

    [Fact]
    public void ModulesPrintAsPyTorch()
    {
        var texts = G.Meta.GetProperty("texts");
        string T(string k) => texts.GetProperty(k).GetString()!;
        Assert.Equal(T("conv3d"), new Conv3d(2, 4, 3).ToString());
        Assert.Equal(T("conv3d_full"), new Conv3d(2, 4, (1, 2, 3), stride: 2, padding: 1, dilation: 2, groups: 2, bias: false, paddingMode: "reflect").ToString());
        Assert.Equal(T("conv3d_same"), new Conv3d(2, 2, 3, padding: "same").ToString());
        Assert.Equal(T("convt3d"), new ConvTranspose3d(2, 4, 3, stride: 2, outputPadding: 1).ToString());
        Assert.Equal(T("convt3d_full"), new ConvTranspose3d(4, 2, (2, 3, 1), stride: (2, 1, 1), padding: 1, groups: 2, dilation: 2, bias: false).ToString());
        Assert.Equal(T("maxpool3d"), new MaxPool3d(2).ToString());
        Assert.Equal(T("maxpool3d_full"), new MaxPool3d((1, 2, 3), stride: 1, padding: 1, dilation: 2, ceilMode: true).ToString());
        Assert.Equal(T("avgpool3d"), new AvgPool3d(2).ToString());
        Assert.Equal(T("avgpool3d_full"), new AvgPool3d((1, 2, 3), 1, 0, true, false, 2).ToString());
        Assert.Equal(T("adaptiveavg1d"), new AdaptiveAvgPool1d(3).ToString());
        Assert.Equal(T("adaptiveavg3d"), new AdaptiveAvgPool3d((2, null, 3)).ToString());
        Assert.Equal(T("adaptiveavg3d_int"), new AdaptiveAvgPool3d(2).ToString());
        Assert.Equal(T("adaptivemax1d"), new AdaptiveMaxPool1d(3, true).ToString());
        Assert.Equal(T("adaptivemax3d"), new AdaptiveMaxPool3d((1, 2, 3)).ToString());
        Assert.Equal(T("maxunpool1d"), new MaxUnpool1d(2).ToString());
        Assert.Equal(T("maxunpool3d"), new MaxUnpool3d(2, stride: 1).ToString());
        Assert.Equal(T("lppool1d"), new LPPool1d(2, 3).ToString());
        Assert.Equal(T("lppool2d"), new LPPool2d(1.5, (2, 3), stride: 1, ceilMode: true).ToString());
        Assert.Equal(T("bn3d"), new BatchNorm3d(4).ToString());
        Assert.Equal(T("reflpad3d"), new ReflectionPad3d(1).ToString());
        Assert.Equal(T("replpad3d"), new ReplicationPad3d(1, 2, 3, 4, 5, 6).ToString());
        Assert.Equal(T("fold"), new Fold((4, 5), 2).ToString());
        Assert.Equal(T("fold_full"), new Fold(4, (2, 3), dilation: 2, padding: 1, stride: (1, 2)).ToString());
        Assert.Equal(T("unfold"), new Unfold(2).ToString());
        Assert.Equal(T("unfold_full"), new Unfold((2, 3), 1, (0, 1), 2).ToString());
        Assert.Equal(["weight", "bias"], new Conv3d(2, 4, 3).StateDict().Keys);
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], new BatchNorm3d(3).StateDict().Keys);
    }
}

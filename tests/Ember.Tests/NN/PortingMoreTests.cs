using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The activations, dropouts, channel shuffle, upsampling layers and the triplet loss with a distance
/// function added for porting (issue 15 item 4) against PyTorch (tests/golden/nn_porting_more.py):
/// values and gradients in float64 and float32, the random layers' streams after the same seed, module
/// printing, float64 gradchecks and PyTorch's argument checks.
/// </summary>
[Collection("DefaultGenerator")]
public class PortingMoreTests
{
    private static Golden G => Golden.Load("nn_porting_more");

    private static readonly Dictionary<string, Func<Func<string, Tensor>, Reduction, Tensor>> Cases = new()
    {
        ["celu"] = (t, _) => F.Celu(t("input")),
        ["celu_a2"] = (t, _) => F.Celu(t("input"), 2.0),
        ["glu"] = (t, _) => F.Glu(t("input")),
        ["glu_dim0"] = (t, _) => F.Glu(t("input"), 0),
        ["hardshrink"] = (t, _) => F.Hardshrink(t("input")),
        ["hardshrink_1"] = (t, _) => F.Hardshrink(t("input"), 1.0),
        ["hardsigmoid"] = (t, _) => F.Hardsigmoid(t("input")),
        ["softshrink"] = (t, _) => F.Softshrink(t("input")),
        ["softshrink_03"] = (t, _) => F.Softshrink(t("input"), 0.3),
        ["softsign"] = (t, _) => F.Softsign(t("input")),
        ["tanhshrink"] = (t, _) => F.Tanhshrink(t("input")),
        ["threshold"] = (t, _) => F.Threshold(t("input"), 0.1, 20.0),
        ["softmin"] = (t, _) => F.Softmin(t("input"), 1),
        ["softmin_dim0"] = (t, _) => F.Softmin(t("input"), 0),
        ["rrelu_eval"] = (t, _) => F.Rrelu(t("input"), 0.1, 0.3, training: false),
        ["channel_shuffle"] = (t, _) => F.ChannelShuffle(t("input"), 3),
        ["upsample_nearest2d"] = (t, _) => new UpsamplingNearest2d(scaleFactor: [2]).Call(t("input")),
        ["upsample_bilinear2d"] = (t, _) => new UpsamplingBilinear2d(size: [5, 7]).Call(t("input")),
        ["upsample_bilinear2d_scale"] = (t, _) => new UpsamplingBilinear2d(scaleFactor: [2]).Call(t("input")),
        ["triplet_dist"] = (t, r) => F.TripletMarginWithDistanceLoss(t("anchor"), t("positive"), t("negative"), reduction: r),
        ["triplet_dist_cos_swap"] = (t, r) => F.TripletMarginWithDistanceLoss(t("anchor"), t("positive"), t("negative"),
            (u, v) => 1.0 - F.CosineSimilarity(u, v), margin: 0.5, swap: true, reduction: r),
    };

    private static readonly (string Name, Reduction Reduction)[] ReductionNames = [("none", Reduction.None), ("mean", Reduction.Mean), ("sum", Reduction.Sum)];

    public static TheoryData<string, string, string> GoldenCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in Cases.Keys)
            foreach (var tag in new[] { "f64", "f32" })
                foreach (var (r, _) in ReductionNames)
                    if (G.Has($"{c}.{tag}.{r}.value")) data.Add(c, tag, r);
        return data;
    }

    [Fact]
    public void EveryGoldenCaseIsChecked()
    {
        var inFile = G.Names.Where(n => !n.StartsWith("rand.", StringComparison.Ordinal)).Select(n => n.Split('.')[0]).ToHashSet();
        Assert.Equal(inFile.OrderBy(s => s), Cases.Keys.OrderBy(s => s));
        var rand = G.Names.Where(n => n.StartsWith("rand.", StringComparison.Ordinal)).Select(n => n.Split('.')[1]).ToHashSet();
        Assert.Equal(rand.OrderBy(s => s), RandomCases.Keys.OrderBy(s => s));
    }

    [Theory, MemberData(nameof(GoldenCases))]
    public void ValueAndGradientsMatchPyTorch(string name, string tag, string red)
    {
        string prefix = $"{name}.{tag}.";
        string gradPrefix = $"{prefix}{red}.grad.";
        var gradNames = G.Names.Where(n => n.StartsWith(gradPrefix, StringComparison.Ordinal)).Select(n => n[gradPrefix.Length..]).ToArray();
        var leaves = gradNames.ToDictionary(n => n, n => G[prefix + n].RequiresGrad_());
        Tensor Get(string n) => leaves.TryGetValue(n, out var l) ? l : G[prefix + n];
        var y = Cases[name](Get, ReductionNames.Single(r => r.Name == red).Reduction);
        double rtol = tag == "f32" ? 2e-5 : 1e-10, atol = tag == "f32" ? 2e-6 : 1e-12;
        TensorAssert.Close(G[$"{prefix}{red}.value"], y, rtol, atol);
        if (gradNames.Length == 0) return;
        var grads = Ember.Autograd.Grad([y], gradNames.Select(n => leaves[n]).ToArray(), red == "none" ? [G[prefix + "gout"]] : null);
        for (int i = 0; i < gradNames.Length; i++)
            TensorAssert.Close(G[gradPrefix + gradNames[i]], grads[i]!, rtol, atol);
    }

    // ---------------------------------------------------------------- random layers

    private static readonly Dictionary<string, Func<Tensor, Tensor>> RandomCases = new()
    {
        ["rrelu"] = x => F.Rrelu(x, 0.1, 0.3, training: true),
        ["rrelu_default"] = x => new RReLU().Call(x),
        ["dropout1d"] = x => F.Dropout1d(x, 0.4),
        ["dropout1d_unbatched"] = x => new Dropout1d(0.5).Call(x),
        ["dropout3d"] = x => F.Dropout3d(x, 0.3),
        ["dropout3d_unbatched"] = x => new Dropout3d(0.6).Call(x),
        ["alpha_dropout"] = x => F.AlphaDropout(x, 0.2, training: true),
        ["feature_alpha_dropout"] = x => new FeatureAlphaDropout(0.5).Call(x),
    };

    public static TheoryData<string, string> RandomNames()
    {
        var d = new TheoryData<string, string>();
        foreach (var c in RandomCases.Keys) foreach (var tag in new[] { "f64", "f32" }) d.Add(c, tag);
        return d;
    }

    [Theory, MemberData(nameof(RandomNames))]
    public void RandomLayersDrawPyTorchsStream(string name, string tag)
    {
        string p = $"rand.{name}.{tag}.";
        var x = G[p + "input"].RequiresGrad_();
        Tensor.ManualSeed(G.Meta.GetProperty("seeds").GetProperty(name).GetInt64());
        var y = RandomCases[name](x);
        y.Backward(G[p + "gout"]);
        double rtol = tag == "f32" ? 1e-6 : 1e-14;
        TensorAssert.Close(G[p + "value"], y.Detach(), rtol, 1e-7);
        TensorAssert.Close(G[p + "grad"], x.Grad!, rtol, 1e-7);
    }

    [Fact]
    public void RreluSlopesFollowTheirUniformLawAndEvalUsesTheMidpoint()
    {
        var x = -Tensor.Ones([200_000], DType.Float64);
        var slopes = -F.Rrelu(x, 0.2, 0.5, training: true, generator: new Generator(3));
        Assert.InRange(slopes.Min().ToDouble(), 0.2, 0.5);
        Assert.InRange(slopes.Max().ToDouble(), 0.2, 0.5);
        Assert.Equal(0.35, slopes.Mean().ToDouble(), 2);
        Assert.InRange(slopes.Var().ToDouble(), 0.3 * 0.3 / 12 * 0.98, 0.3 * 0.3 / 12 * 1.02);   // uniform: (b - a)^2 / 12
        var m = new RReLU(0.2, 0.5);
        m.Eval();
        TensorAssert.Close(Tensor.From(new[] { -0.35, 2.0 }), m.Call(Tensor.From(new[] { -1.0, 2.0 })));
        // Positive elements draw nothing: the stream does not move for them.
        var g1 = new Generator(9);
        F.Rrelu(Tensor.Ones(50), training: true, generator: g1);
        Assert.Equal(new Generator(9).GetState(), g1.GetState());
    }

    [Fact]
    public void AlphaDropoutKeepsZeroMeanAndUnitVariance()
    {
        Tensor.ManualSeed(5);
        var x = Tensor.Randn([400_000], dtype: DType.Float64);
        var y = F.AlphaDropout(x, 0.3, training: true);
        Assert.Equal(0, y.Mean().ToDouble(), 2);
        Assert.Equal(1, y.Var().ToDouble(), 2);
        var m = new AlphaDropout(0.3);
        m.Eval();
        Assert.Same(x, m.Call(x));
        Assert.Same(x, F.AlphaDropout(x, 0.3));   // the functional form's training defaults to false, as PyTorch
        var x2 = x.View(100, 4000);
        Assert.Same(x2, F.FeatureAlphaDropout(x2, 0.3));
    }

    [Fact]
    public void InPlaceFormsWriteIntoTheirInput()
    {
        var x = Tensor.From(new[] { -4.0, -1, 0, 0.05, 0.5, 4 });
        var expected = F.Hardsigmoid(x);
        Assert.Same(x, F.Hardsigmoid(x, inplace: true));
        TensorAssert.Close(expected, x);
        x = Tensor.From(new[] { -4.0, -1, 0, 0.05, 0.5, 4 });
        expected = F.Threshold(x, 0.05, -7);
        Assert.Same(x, new Threshold(0.05, -7, inplace: true).Call(x));
        TensorAssert.Close(expected, x);
        x = Tensor.From(new[] { -4.0, -1, 0, 0.05, 0.5, 4 });
        expected = F.Celu(x, 2);
        Assert.Same(x, new CELU(2, inplace: true).Call(x));
        TensorAssert.Close(expected, x);
        x = Tensor.From(new[] { -4.0, -1, 0, 0.05, 0.5, 4 });
        Assert.Same(x, new RReLU(inplace: true).Call(x));
        Assert.True(x[0].ToDouble() is < -0.4 and > -1.4);
        var c = Tensor.Ones(3, 4, 5);
        Tensor.ManualSeed(1);
        Assert.Same(c, F.Dropout1d(c, 0.5, inplace: true));
        var u = Tensor.Ones(4, 5);
        Assert.Same(u, F.Dropout1d(u, 0.5, inplace: true));
        Assert.True(u.Eq(0).Any(1).LogicalXor(u.Eq(2).All(1)).All().ToDouble() == 1);   // whole rows dropped or doubled
        // A leaf that requires grad cannot be overwritten, as in PyTorch.
        TensorAssert.Throws<InvalidOperationException>(() => F.Threshold(Tensor.Ones(3).RequiresGrad_(), 0, 0, inplace: true), "threshold_");
    }

    // ---------------------------------------------------------------- gradcheck (float64)

    private static Tensor Leaf(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64).Mul(2).RequiresGrad_();

    public static TheoryData<string> GradCheckNames() => new(GradChecks.Keys);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> Fn, Func<Tensor[]> Inputs)> GradChecks = new()
    {
        ["celu"] = (a => F.Celu(a[0], 1.5), () => [Leaf(1, 3, 4)]),
        ["glu"] = (a => F.Glu(a[0], 1), () => [Leaf(2, 3, 4, 2)]),
        ["hardshrink"] = (a => F.Hardshrink(a[0], 0.3), () => [Leaf(3, 3, 4)]),
        ["softshrink"] = (a => F.Softshrink(a[0], 0.3), () => [Leaf(4, 3, 4)]),
        ["hardsigmoid"] = (a => F.Hardsigmoid(a[0]), () => [Leaf(5, 3, 4)]),
        ["softsign"] = (a => F.Softsign(a[0]), () => [Leaf(6, 3, 4)]),
        ["tanhshrink"] = (a => F.Tanhshrink(a[0]), () => [Leaf(7, 3, 4)]),
        ["threshold"] = (a => F.Threshold(a[0], 0.2, -1), () => [Leaf(8, 3, 4)]),
        ["softmin"] = (a => F.Softmin(a[0], 0), () => [Leaf(9, 3, 4)]),
        ["rrelu_train"] = (a => F.Rrelu(a[0], 0.1, 0.4, training: true, generator: new Generator(5)), () => [Leaf(10, 3, 4)]),
        ["channel_shuffle"] = (a => F.ChannelShuffle(a[0], 2), () => [Leaf(11, 2, 4, 3)]),
        ["upsample_bilinear2d"] = (a => new UpsamplingBilinear2d(size: [4, 5]).Call(a[0]), () => [Leaf(12, 1, 2, 3, 3)]),
        ["triplet_dist_swap"] = (a => F.TripletMarginWithDistanceLoss(a[0], a[1], a[2], (u, v) => (u - v).Pow(2).Sum(-1), margin: 4, swap: true),
            () => [Leaf(13, 4, 3), Leaf(14, 4, 3), Leaf(15, 4, 3)]),
        ["alpha_dropout"] = (a => { Tensor.ManualSeed(3); return F.AlphaDropout(a[0], 0.4, training: true); }, () => [Leaf(16, 3, 4)]),
    };

    [Theory, MemberData(nameof(GradCheckNames))]
    public void GradCheck(string name)
    {
        var (fn, inputs) = GradChecks[name];
        Assert.True(Ember.Autograd.GradCheck(fn, inputs()), name);
    }

    // ---------------------------------------------------------------- modules

    [Fact]
    public void ModulesPrintAsPyTorch()
    {
        var r = G.Meta.GetProperty("repr");
        string E(string k) => r.GetProperty(k).GetString()!;
        Assert.Equal(E("CELU()"), new CELU().ToString());
        Assert.Equal(E("CELU(2.0, True)"), new CELU(2.0, true).ToString());
        Assert.Equal(E("GLU()"), new GLU().ToString());
        Assert.Equal(E("Hardshrink()"), new Hardshrink().ToString());
        Assert.Equal(E("Softshrink(0.3)"), new Softshrink(0.3).ToString());
        Assert.Equal(E("Hardsigmoid(True)"), new Hardsigmoid(true).ToString());
        Assert.Equal(E("Softsign()"), new Softsign().ToString());
        Assert.Equal(E("Tanhshrink()"), new Tanhshrink().ToString());
        Assert.Equal(E("Threshold(0.1, 20.5, True)"), new Threshold(0.1, 20.5, true).ToString());
        Assert.Equal(E("Softmin()"), new Softmin().ToString());
        Assert.Equal(E("Softmin(1)"), new Softmin(1).ToString());
        Assert.Equal(E("RReLU()"), new RReLU().ToString());
        Assert.Equal(E("RReLU(0.1, 0.3, True)"), new RReLU(0.1, 0.3, true).ToString());
        Assert.Equal(E("Dropout1d()"), new Dropout1d().ToString());
        Assert.Equal(E("Dropout3d(0.2)"), new Dropout3d(0.2).ToString());
        Assert.Equal(E("AlphaDropout()"), new AlphaDropout().ToString());
        Assert.Equal(E("FeatureAlphaDropout(0.3, True)"), new FeatureAlphaDropout(0.3, true).ToString());
        Assert.Equal(E("ChannelShuffle(2)"), new ChannelShuffle(2).ToString());
        Assert.Equal(E("UpsamplingNearest2d(scale_factor=2)"), new UpsamplingNearest2d(scaleFactor: [2]).ToString());
        Assert.Equal(E("UpsamplingBilinear2d(size=(3, 4))"), new UpsamplingBilinear2d(size: [3, 4]).ToString());
        Assert.Equal(E("TripletMarginWithDistanceLoss()"), new TripletMarginWithDistanceLoss().ToString());
        Assert.Equal(E("TripletMarginWithDistanceLoss(lambda)"), new TripletMarginWithDistanceLoss((u, v) => (u - v).Abs().Sum(-1)).ToString());
        Assert.Equal(E("TripletMarginWithDistanceLoss(CosineSimilarity())"), new TripletMarginWithDistanceLoss(new CosineSimilarity()).ToString());
        Assert.Equal("Hardshrink(1)", new Hardshrink(1).ToString());
    }

    [Fact]
    public void TheTripletModuleAndTheUpsamplingFunctionsComputeTheirFunctions()
    {
        Tensor Get(string c, string n) => G[$"{c}.f64.{n}"];
        const string c1 = "triplet_dist_cos_swap";
        var loss = new TripletMarginWithDistanceLoss((u, v) => 1.0 - F.CosineSimilarity(u, v), 0.5, true, Reduction.Sum);
        TensorAssert.Close(G[c1 + ".f64.sum.value"], loss.Call(Get(c1, "anchor"), Get(c1, "positive"), Get(c1, "negative")));
        TensorAssert.Close(G["triplet_dist.f64.mean.value"], new TripletMarginWithDistanceLoss().Call(Get("triplet_dist", "anchor"), Get("triplet_dist", "positive"), Get("triplet_dist", "negative")));
        using var w = Warnings.Capture();
        TensorAssert.Close(G["upsample_bilinear2d.f64.none.value"], F.UpsampleBilinear(Get("upsample_bilinear2d", "input"), [5, 7]));
        TensorAssert.Close(G["upsample_nearest2d.f64.none.value"], F.UpsampleNearest(Get("upsample_nearest2d", "input"), scaleFactor: [2]));
        Assert.Contains(w, m => m.Message.Contains("upsample_bilinear is deprecated", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- errors

    [Fact]
    public void BadArgumentsAreRefusedAsInPyTorch()
    {
        TensorAssert.Throws<ArgumentException>(() => F.Softshrink(Tensor.Ones(2), -1), "softshrink", "lambda must be greater or equal to 0, but found to be -1.0");
        TensorAssert.Throws<ArgumentException>(() => F.Celu(Tensor.Ones(2), 0), "celu", "alpha cannot be 0");
        TensorAssert.Throws<ArgumentException>(() => F.Glu(Tensor.Ones(3, 3)), "glu", "Halving dimension must be even, but dimension 1 is size 3");
        TensorAssert.Throws<ArgumentException>(() => F.Glu(Tensor.Scalar(1.0)), "glu", "does not support scalars");
        TensorAssert.Throws<ArgumentException>(() => F.Rrelu(Tensor.Ones(3), 0.5, 0.1), "rrelu", "Lower bound should be less than or equal to the upper bound");
        TensorAssert.Throws<ArgumentException>(() => F.Dropout1d(Tensor.Ones(2, 3, 4, 5)), "dropout1d", "Expected 2D or 3D input, but received a 4D input");
        TensorAssert.Throws<ArgumentException>(() => F.FeatureAlphaDropout(Tensor.Ones(5), 0.5, training: true), "feature_alpha_dropout", "at least 2 dimensions");
        TensorAssert.Throws<ArgumentException>(() => new AlphaDropout(1.5), "dropout probability has to be between 0 and 1, but got 1.5");
        TensorAssert.Throws<ArgumentException>(() => F.ChannelShuffle(Tensor.Ones(2, 3), 2), "channel_shuffle", "> 2 dims", "[2, 3]");
        TensorAssert.Throws<ArgumentException>(() => F.ChannelShuffle(Tensor.Ones(2, 3, 4), 2), "channel_shuffle", "Got 3 channels and 2 groups");
        TensorAssert.Throws<ArgumentException>(() => F.ChannelShuffle(Tensor.Ones(2, 4, 4), 0), "channel_shuffle", "must be positive");
        TensorAssert.Throws<NotSupportedException>(() => F.Hardshrink(Tensor.Ones(2).Long()), "hardshrink", "int64");
        using var w = Warnings.Capture();
        F.Dropout3d(Tensor.Ones(2, 3, 4), training: false);
        Assert.Contains(w, m => m.Message.Contains("Received a 3-D input to dropout3d", StringComparison.Ordinal));
        new Softmin().Call(Tensor.Ones(2, 3));
        Assert.Contains(w, m => m.Message.Contains("Implicit dimension choice for softmin", StringComparison.Ordinal));
    }
}

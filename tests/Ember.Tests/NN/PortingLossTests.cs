using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The losses and distances added for porting PyTorch programs (issue 15 item 4) against PyTorch
/// (tests/golden/nn_porting_losses.py): values and the gradients of every differentiable input, per
/// reduction, in float64 and float32; float64 gradchecks; module printing; PyTorch's argument checks.
/// </summary>
public class PortingLossTests
{
    private static Golden G => Golden.Load("nn_porting_losses");

    /// <summary>Each golden case: the loss of the case's tensors (by name) under a reduction.</summary>
    private static readonly Dictionary<string, Func<Func<string, Tensor>, Reduction, Tensor>> Cases = new()
    {
        ["margin_ranking"] = (t, r) => F.MarginRankingLoss(t("input1"), t("input2"), t("target"), reduction: r),
        ["margin_ranking_m05"] = (t, r) => F.MarginRankingLoss(t("input1"), t("input2"), t("target"), 0.5, r),
        ["hinge"] = (t, r) => F.HingeEmbeddingLoss(t("input"), t("target"), reduction: r),
        ["hinge_m2"] = (t, r) => F.HingeEmbeddingLoss(t("input"), t("target"), 2.3, r),
        ["soft_margin"] = (t, r) => F.SoftMarginLoss(t("input"), t("target"), r),
        ["cosine_emb"] = (t, r) => F.CosineEmbeddingLoss(t("input1"), t("input2"), t("target"), reduction: r),
        ["cosine_emb_m"] = (t, r) => F.CosineEmbeddingLoss(t("input1"), t("input2"), t("target"), -0.4, r),
        ["cosine_emb_1d"] = (t, r) => F.CosineEmbeddingLoss(t("input1"), t("input2"), t("target"), reduction: r),
        ["triplet"] = (t, r) => F.TripletMarginLoss(t("anchor"), t("positive"), t("negative"), margin: 2.0, reduction: r),
        ["triplet_p1_swap"] = (t, r) => F.TripletMarginLoss(t("anchor"), t("positive"), t("negative"), margin: 3.0, p: 1, swap: true, reduction: r),
        ["triplet_p3_eps"] = (t, r) => F.TripletMarginLoss(t("anchor"), t("positive"), t("negative"), margin: 1.5, p: 3, eps: 1e-3, reduction: r),
        ["multilabel_soft"] = (t, r) => F.MultiLabelSoftMarginLoss(t("input"), t("target"), reduction: r),
        ["multilabel_soft_w"] = (t, r) => F.MultiLabelSoftMarginLoss(t("input"), t("target"), t("weight"), r),
        ["multilabel_margin"] = (t, r) => F.MultiLabelMarginLoss(t("input"), t("target"), r),
        ["multilabel_margin_1d"] = (t, r) => F.MultiLabelMarginLoss(t("input"), t("target"), r),
        ["multi_margin"] = (t, r) => F.MultiMarginLoss(t("input"), t("target"), reduction: r),
        ["multi_margin_p2_w"] = (t, r) => F.MultiMarginLoss(t("input"), t("target"), p: 2, margin: 0.7, weight: t("weight"), reduction: r),
        ["multi_margin_1d"] = (t, r) => F.MultiMarginLoss(t("input"), t("target"), margin: 2.0, reduction: r),
        ["poisson"] = (t, r) => F.PoissonNllLoss(t("input"), t("target"), reduction: r),
        ["poisson_full"] = (t, r) => F.PoissonNllLoss(t("input"), t("target"), full: true, reduction: r),
        ["poisson_rate_full"] = (t, r) => F.PoissonNllLoss(t("input"), t("target"), logInput: false, full: true, eps: 1e-4, reduction: r),
        ["gaussian"] = (t, r) => F.GaussianNllLoss(t("input"), t("target"), t("var"), reduction: r),
        ["gaussian_full_row"] = (t, r) => F.GaussianNllLoss(t("input"), t("target"), t("var"), full: true, eps: 1e-3, reduction: r),
        ["gaussian_row1"] = (t, r) => F.GaussianNllLoss(t("input"), t("target"), t("var"), reduction: r),
        ["cos_sim"] = (t, _) => F.CosineSimilarity(t("x1"), t("x2")),
        ["cos_sim_dim0_bcast"] = (t, _) => F.CosineSimilarity(t("x1"), t("x2"), dim: 0),
        ["cos_sim_eps"] = (t, _) => F.CosineSimilarity(t("x1"), t("x2"), dim: -1, eps: 1e-3),
        ["pdist"] = (t, _) => F.PairwiseDistance(t("x1"), t("x2")),
        ["pdist_p1_keep"] = (t, _) => F.PairwiseDistance(t("x1"), t("x2"), p: 1, keepDim: true),
        ["pdist_inf"] = (t, _) => F.PairwiseDistance(t("x1"), t("x2"), p: double.PositiveInfinity, eps: 1e-2),
        ["pdist_p3"] = (t, _) => F.PairwiseDistance(t("x1"), t("x2"), p: 3),
        ["logsigmoid"] = (t, _) => F.LogSigmoid(t("input")),
    };

    private static readonly (string Name, Reduction Reduction)[] ReductionNames =
        [("none", Reduction.None), ("mean", Reduction.Mean), ("sum", Reduction.Sum)];

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
        var inFile = G.Names.Select(n => n.Split('.')[0]).ToHashSet();
        Assert.Equal(inFile.OrderBy(s => s), Cases.Keys.OrderBy(s => s));
    }

    [Theory, MemberData(nameof(GoldenCases))]
    public void ValueAndGradientsMatchPyTorch(string name, string tag, string red)
    {
        string prefix = $"{name}.{tag}.";
        string gradPrefix = $"{prefix}{red}.grad.";
        var gradNames = G.Names.Where(n => n.StartsWith(gradPrefix, StringComparison.Ordinal)).Select(n => n[gradPrefix.Length..]).ToArray();
        var leaves = gradNames.ToDictionary(n => n, n => G[prefix + n].RequiresGrad_());
        Tensor Get(string n) => leaves.TryGetValue(n, out var l) ? l : G[prefix + n];
        var reduction = ReductionNames.Single(r => r.Name == red).Reduction;
        var loss = Cases[name](Get, reduction);
        double rtol = tag == "f32" ? 2e-5 : 1e-10, atol = tag == "f32" ? 2e-6 : 1e-12;
        TensorAssert.Close(G[$"{prefix}{red}.value"], loss, rtol, atol);
        var grads = Ember.Autograd.Grad([loss], gradNames.Select(n => leaves[n]).ToArray(), red == "none" ? [G[prefix + "gout"]] : null);
        for (int i = 0; i < gradNames.Length; i++)
            TensorAssert.Close(G[gradPrefix + gradNames[i]], grads[i]!, rtol, atol);
    }

    // ---------------------------------------------------------------- gradcheck (float64)

    private static Tensor Rn(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64);
    private static Tensor Leaf(ulong seed, params int[] shape) => Rn(seed, shape).RequiresGrad_();
    private static Tensor Uniform(ulong seed, double lo, double hi, params int[] shape) =>
        (Tensor.Rand(shape, new Generator(seed), DType.Float64) * (hi - lo) + lo).Detach();
    private static Tensor Signs(params double[] s) => Tensor.From(s);

    public static TheoryData<string> GradCheckNames() => new(GradChecks.Keys);

    private static readonly Dictionary<string, (Func<Tensor[], Reduction, Tensor> Fn, Func<Tensor[]> Inputs)> GradChecks = new()
    {
        ["margin_ranking"] = ((a, r) => F.MarginRankingLoss(a[0], a[1], Signs(1, -1, -1, 1, 1), 0.3, r), () => [Leaf(1, 5), Leaf(2, 5)]),
        ["hinge"] = ((a, r) => F.HingeEmbeddingLoss(a[0], Signs(1, -1, -1, 1, -1, 1), 1.5, r), () => [Uniform(3, 0.1, 2.5, 6).RequiresGrad_()]),
        ["soft_margin"] = ((a, r) => F.SoftMarginLoss(a[0], Signs(1, -1, -1, 1), r), () => [Leaf(4, 4)]),
        ["cosine_emb"] = ((a, r) => F.CosineEmbeddingLoss(a[0], a[1], Signs(1, -1, -1, 1), -0.5, r), () => [Leaf(5, 4, 3), Leaf(6, 4, 3)]),
        ["triplet_swap"] = ((a, r) => F.TripletMarginLoss(a[0], a[1], a[2], margin: 3, swap: true, reduction: r), () => [Leaf(7, 4, 3), Leaf(8, 4, 3), Leaf(9, 4, 3)]),
        ["triplet_p1"] = ((a, r) => F.TripletMarginLoss(a[0], a[1], a[2], margin: 4, p: 1, reduction: r), () => [Leaf(10, 4, 3), Leaf(11, 4, 3), Leaf(12, 4, 3)]),
        ["multilabel_soft_w"] = ((a, r) => F.MultiLabelSoftMarginLoss(a[0], a[1], Uniform(13, 0.5, 2, 4), r), () => [Leaf(14, 3, 4), Uniform(15, 0, 1, 3, 4).RequiresGrad_()]),
        ["multilabel_margin"] = ((a, r) => F.MultiLabelMarginLoss(a[0], Tensor.From(new long[] { 1, 3, -1, 0, 2, -1, 0, 0 }).View(2, 4), r), () => [Leaf(16, 2, 4)]),
        ["multi_margin_p2_w"] = ((a, r) => F.MultiMarginLoss(a[0], Tensor.From(new long[] { 2, 0, 3 }), 2, 0.8, Uniform(17, 0.5, 2, 4), r), () => [Leaf(18, 3, 4)]),
        ["poisson_full"] = ((a, r) => F.PoissonNllLoss(a[0], a[1], full: true, reduction: r), () => [Leaf(19, 3, 4), Uniform(20, 0.5, 4, 3, 4).RequiresGrad_()]),
        ["poisson_rate"] = ((a, r) => F.PoissonNllLoss(a[0], a[1], logInput: false, reduction: r), () => [Uniform(21, 0.2, 3, 3, 4).RequiresGrad_(), Uniform(22, 0, 4, 3, 4).RequiresGrad_()]),
        ["gaussian_row"] = ((a, r) => F.GaussianNllLoss(a[0], a[1], a[2], full: true, reduction: r), () => [Leaf(23, 3, 4), Leaf(24, 3, 4), Uniform(25, 0.3, 2, 3).RequiresGrad_()]),
        ["cos_sim_bcast"] = ((a, _) => F.CosineSimilarity(a[0], a[1], dim: -1), () => [Leaf(26, 3, 4), Leaf(27, 1, 4)]),
        ["pdist_p3"] = ((a, _) => F.PairwiseDistance(a[0], a[1], p: 3, keepDim: true), () => [Leaf(28, 3, 4), Leaf(29, 4)]),
        ["logsigmoid"] = ((a, _) => F.LogSigmoid(a[0]), () => [Leaf(30, 7).Mul(5).Detach().RequiresGrad_()]),
    };

    [Theory, MemberData(nameof(GradCheckNames))]
    public void GradCheckUnderEveryReduction(string name)
    {
        var (fn, inputs) = GradChecks[name];
        foreach (var r in new[] { Reduction.None, Reduction.Mean, Reduction.Sum })
            Assert.True(Ember.Autograd.GradCheck(a => fn(a, r), inputs()), $"{name} under {r}");
    }

    [Fact]
    public void SecondDerivativesGoThroughTheComposites()
    {
        Assert.True(Ember.Autograd.GradGradCheck(a => F.CosineEmbeddingLoss(a[0], a[1], Signs(1, -1, 1)), [Leaf(41, 3, 4), Leaf(42, 3, 4)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.GaussianNllLoss(a[0], a[1], a[2]), [Leaf(43, 2, 3), Leaf(44, 2, 3), Uniform(45, 0.5, 2, 2, 3).RequiresGrad_()]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.CosineSimilarity(a[0], a[1]), [Leaf(46, 2, 3), Leaf(47, 2, 3)]));
    }

    // ---------------------------------------------------------------- modules

    [Fact]
    public void ModulesPrintAsPyTorchAndComputeTheirFunctions()
    {
        Assert.Equal("MarginRankingLoss()", new MarginRankingLoss(0.5).ToString());
        Assert.Equal("HingeEmbeddingLoss()", new HingeEmbeddingLoss().ToString());
        Assert.Equal("TripletMarginLoss()", new TripletMarginLoss(2, 3, swap: true).ToString());
        Assert.Equal("CosineEmbeddingLoss()", new CosineEmbeddingLoss().ToString());
        Assert.Equal("MultiLabelSoftMarginLoss()", new MultiLabelSoftMarginLoss().ToString());
        Assert.Equal("MultiLabelMarginLoss()", new MultiLabelMarginLoss().ToString());
        Assert.Equal("SoftMarginLoss()", new SoftMarginLoss().ToString());
        Assert.Equal("PoissonNLLLoss()", new PoissonNllLoss().ToString());
        Assert.Equal("GaussianNLLLoss()", new GaussianNllLoss().ToString());
        Assert.Equal("MultiMarginLoss()", new MultiMarginLoss().ToString());
        Assert.Equal("CosineSimilarity()", new CosineSimilarity().ToString());
        Assert.Equal("PairwiseDistance()", new PairwiseDistance().ToString());
        Assert.Equal(["weight"], new MultiMarginLoss(weight: Tensor.Ones(3)).StateDict().Keys);

        Tensor Get(string c, string n) => G[$"{c}.f64.{n}"];
        TensorAssert.Close(G["margin_ranking_m05.f64.sum.value"], new MarginRankingLoss(0.5, Reduction.Sum).Call(Get("margin_ranking_m05", "input1"), Get("margin_ranking_m05", "input2"), Get("margin_ranking_m05", "target")));
        TensorAssert.Close(G["triplet_p1_swap.f64.mean.value"], new TripletMarginLoss(3.0, 1, swap: true).Call(Get("triplet_p1_swap", "anchor"), Get("triplet_p1_swap", "positive"), Get("triplet_p1_swap", "negative")));
        TensorAssert.Close(G["cosine_emb_m.f64.none.value"], new CosineEmbeddingLoss(-0.4, Reduction.None).Call(Get("cosine_emb_m", "input1"), Get("cosine_emb_m", "input2"), Get("cosine_emb_m", "target")));
        TensorAssert.Close(G["gaussian_full_row.f64.mean.value"], new GaussianNllLoss(full: true, eps: 1e-3).Call(Get("gaussian_full_row", "input"), Get("gaussian_full_row", "target"), Get("gaussian_full_row", "var")));
        TensorAssert.Close(G["hinge_m2.f64.mean.value"], new HingeEmbeddingLoss(2.3).Call(Get("hinge_m2", "input"), Get("hinge_m2", "target")));
        TensorAssert.Close(G["soft_margin.f64.sum.value"], new SoftMarginLoss(Reduction.Sum).Call(Get("soft_margin", "input"), Get("soft_margin", "target")));
        TensorAssert.Close(G["multilabel_soft_w.f64.mean.value"], new MultiLabelSoftMarginLoss(Get("multilabel_soft_w", "weight")).Call(Get("multilabel_soft_w", "input"), Get("multilabel_soft_w", "target")));
        TensorAssert.Close(G["multilabel_margin.f64.none.value"], new MultiLabelMarginLoss(Reduction.None).Call(Get("multilabel_margin", "input"), Get("multilabel_margin", "target")));
        TensorAssert.Close(G["multi_margin_p2_w.f64.sum.value"], new MultiMarginLoss(2, 0.7, Get("multi_margin_p2_w", "weight"), Reduction.Sum).Call(Get("multi_margin_p2_w", "input"), Get("multi_margin_p2_w", "target")));
        TensorAssert.Close(G["poisson_rate_full.f64.mean.value"], new PoissonNllLoss(false, true, 1e-4).Call(Get("poisson_rate_full", "input"), Get("poisson_rate_full", "target")));
        TensorAssert.Close(G["cos_sim_eps.f64.none.value"], new CosineSimilarity(-1, 1e-3).Call(Get("cos_sim_eps", "x1"), Get("cos_sim_eps", "x2")));
        TensorAssert.Close(G["pdist_p1_keep.f64.none.value"], new PairwiseDistance(1, keepDim: true).Call(Get("pdist_p1_keep", "x1"), Get("pdist_p1_keep", "x2")));
    }

    [Fact]
    public void CosineSimilarityPromotesMixedFloatsAndClampsEachNorm()
    {
        // 1.13 clamps each norm at eps: two tiny equal vectors still have similarity 1.
        var tiny = Tensor.From(new[] { 1e-5, 0 }).View(1, 2);
        TensorAssert.Close(Tensor.From(new[] { 1.0 }), F.CosineSimilarity(tiny, tiny));
        Assert.Equal(DType.Float64, F.CosineSimilarity(Tensor.Randn(2, 3), Tensor.Randn([2, 3], dtype: DType.Float64)).DType);
    }

    // ---------------------------------------------------------------- errors

    [Fact]
    public void BadArgumentsAreRefusedAsInPyTorch()
    {
        var x = Tensor.Randn(3, 4);
        TensorAssert.Throws<ArgumentException>(() => F.MarginRankingLoss(Tensor.Randn(3), Tensor.Randn(3, 1), Tensor.Randn(3)),
            "margin_ranking_loss", "All input tensors should have same dimension but got sizes: input1: [3], input2: [3, 1], target: [3]");
        TensorAssert.Throws<ArgumentException>(() => F.CosineEmbeddingLoss(x, x, Tensor.Randn(3, 1)), "cosine_embedding_loss", "0D or 1D target tensor expected, multi-target not supported");
        TensorAssert.Throws<ArgumentException>(() => F.CosineEmbeddingLoss(x, Tensor.Randn(3), Tensor.Randn(3)), "1D target tensor expects 2D input tensors, but found inputs with sizes [3, 4] and [3]");
        TensorAssert.Throws<ArgumentException>(() => F.TripletMarginLoss(x, Tensor.Randn(3), Tensor.Randn(3)), "triplet_margin_loss", "All inputs should have same dimension but got 2D, 1D and 1D inputs");
        TensorAssert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, Tensor.From(new long[] { 0, 1, 2 }), p: 3), "multi_margin_loss", "only p == 1 and p == 2 supported");
        TensorAssert.Throws<ArgumentException>(() => new MultiMarginLoss(p: 3), "only p == 1 and p == 2 supported");
        TensorAssert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, Tensor.From(new long[] { 0, 1 })), "multi_margin_loss", "inconsistent target size, got: [2]");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.MultiMarginLoss(x, Tensor.From(new long[] { 0, 1, 7 })), "multi_margin_loss", "target out of range");
        TensorAssert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, Tensor.From(new long[] { 0, 1, 2 }), weight: Tensor.Ones(3)), "multi_margin_loss", "weight tensor should be defined either for all 4 classes");
        TensorAssert.Throws<ArgumentException>(() => F.MultiMarginLoss(x, Tensor.From(new[] { 0, 1, 2 })), "multi_margin_loss", "int64", "torch.int32");
        TensorAssert.Throws<ArgumentException>(() => F.MultiMarginLoss(Tensor.Randn(3, 0), Tensor.From(new long[] { 0, 1, 2 })), "Expected non-empty vector or matrix with optional 0-dim batch size, but got: [3, 0]");
        TensorAssert.Throws<ArgumentException>(() => F.MultiLabelMarginLoss(x, Tensor.From(new long[] { 0, 1, 2 })), "multilabel_margin_loss", "inconsistent target size: [3] for input of size: [3, 4]");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.MultiLabelMarginLoss(x, Tensor.From(new long[] { 0, 1, 2, 9 }).View(1, 4).Expand(3, 4)), "multilabel_margin_loss", "'target' is out of range", "got class 9");
        TensorAssert.Throws<ArgumentException>(() => F.GaussianNllLoss(x, x, Tensor.Ones(3, 2)), "gaussian_nll_loss", "var is of incorrect size: [3, 2] for input of size [3, 4]");
        TensorAssert.Throws<ArgumentException>(() => F.GaussianNllLoss(x, x, -Tensor.Ones(3, 4)), "gaussian_nll_loss", "var has negative entry/entries");
        TensorAssert.Throws<ArgumentException>(() => F.HingeEmbeddingLoss(x, Tensor.Randn(2, 4)), "hinge_embedding_loss", "must match");
        TensorAssert.Throws<ArgumentException>(() => F.SoftMarginLoss(x.Long(), x.Long()), "soft_margin_loss", "floating-point input");
        TensorAssert.Throws<ArgumentException>(() => F.PoissonNllLoss(x, x, reduction: Reduction.BatchMean), "poisson_nll_loss", "batchmean");
        TensorAssert.Throws<ArgumentException>(() => new TripletMarginLoss(reduction: Reduction.BatchMean), "triplet_margin_loss", "batchmean");
        TensorAssert.Throws<ArgumentException>(() => F.CosineSimilarity(x.Long(), x.Long()), "cosine_similarity", "expected common dtype to be floating point, yet common dtype is torch.int64");
        TensorAssert.Throws<ArgumentException>(() => F.CosineSimilarity(x, Tensor.Randn(2, 4)), "cosine_similarity", "must match");
        TensorAssert.Throws<ArgumentException>(() => F.PairwiseDistance(x, Tensor.Randn(2, 4)), "pairwise_distance", "must match");
    }
}

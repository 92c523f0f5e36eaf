using Ember.NN;
using Xunit;

namespace Ember.Tests.NN;

/// <summary>
/// The losses against PyTorch (tests/golden/nn_losses.py): values and input gradients of every case,
/// option and reduction in float64 and float32; float64 gradchecks; module printing and state; and
/// the errors for bad shapes, targets and options.
/// </summary>
public class NNLossTests
{
    private static Golden G => Golden.Load("nn_losses");

    /// <summary>Each golden case: the loss as a function of the input, the case's other tensors (by name) and the reduction.</summary>
    private static readonly Dictionary<string, Func<Tensor, Func<string, Tensor>, Reduction, Tensor>> Cases = new()
    {
        ["mse"] = (x, g, r) => F.MseLoss(x, g("target"), r),
        ["mse_bcast"] = (x, g, r) => F.MseLoss(x, g("target"), r),
        ["l1"] = (x, g, r) => F.L1Loss(x, g("target"), r),
        ["smooth_l1"] = (x, g, r) => F.SmoothL1Loss(x, g("target"), r),
        ["smooth_l1_b05"] = (x, g, r) => F.SmoothL1Loss(x, g("target"), r, beta: 0.5),
        ["smooth_l1_b0"] = (x, g, r) => F.SmoothL1Loss(x, g("target"), r, beta: 0),
        ["huber"] = (x, g, r) => F.HuberLoss(x, g("target"), r),
        ["huber_d05"] = (x, g, r) => F.HuberLoss(x, g("target"), r, delta: 0.5),
        ["huber_d2"] = (x, g, r) => F.HuberLoss(x, g("target"), r, delta: 2),
        ["nll"] = (x, g, r) => F.NllLoss(x, g("target"), reduction: r),
        ["nll_w"] = (x, g, r) => F.NllLoss(x, g("target"), g("weight"), reduction: r),
        ["nll_ign"] = (x, g, r) => F.NllLoss(x, g("target"), reduction: r),
        ["nll_w_ign2"] = (x, g, r) => F.NllLoss(x, g("target"), g("weight"), ignoreIndex: 2, reduction: r),
        ["nll_1d"] = (x, g, r) => F.NllLoss(x, g("target"), g("weight"), reduction: r),
        ["nll_nd"] = (x, g, r) => F.NllLoss(x, g("target"), g("weight"), reduction: r),
        ["nll_all_ign"] = (x, g, r) => F.NllLoss(x, g("target"), reduction: r),
        ["ce"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r),
        ["ce_w"] = (x, g, r) => F.CrossEntropy(x, g("target"), g("weight"), reduction: r),
        ["ce_ign"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r),
        ["ce_ls"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r, labelSmoothing: 0.1),
        ["ce_w_ign_ls"] = (x, g, r) => F.CrossEntropy(x, g("target"), g("weight"), reduction: r, labelSmoothing: 0.25),
        ["ce_ls_ign2"] = (x, g, r) => F.CrossEntropy(x, g("target"), ignoreIndex: 2, reduction: r, labelSmoothing: 0.3),
        ["ce_1d"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r, labelSmoothing: 0.2),
        ["ce_nd"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r),
        ["ce_nd_w_ls"] = (x, g, r) => F.CrossEntropy(x, g("target"), g("weight"), reduction: r, labelSmoothing: 0.15),
        ["cep"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r),
        ["cep_w"] = (x, g, r) => F.CrossEntropy(x, g("target"), g("weight"), reduction: r),
        ["cep_w_ls"] = (x, g, r) => F.CrossEntropy(x, g("target"), g("weight"), reduction: r, labelSmoothing: 0.2),
        ["cep_1d"] = (x, g, r) => F.CrossEntropy(x, g("target"), reduction: r),
        ["cep_nd"] = (x, g, r) => F.CrossEntropy(x, g("target"), g("weight"), reduction: r),
        ["bce"] = (x, g, r) => F.BinaryCrossEntropy(x, g("target"), reduction: r),
        ["bce_w"] = (x, g, r) => F.BinaryCrossEntropy(x, g("target"), g("weight"), r),
        ["bcel"] = (x, g, r) => F.BinaryCrossEntropyWithLogits(x, g("target"), reduction: r),
        ["bcel_w"] = (x, g, r) => F.BinaryCrossEntropyWithLogits(x, g("target"), g("weight"), r),
        ["bcel_pw"] = (x, g, r) => F.BinaryCrossEntropyWithLogits(x, g("target"), reduction: r, posWeight: g("pos_weight")),
        ["bcel_w_pw"] = (x, g, r) => F.BinaryCrossEntropyWithLogits(x, g("target"), g("weight"), r, g("pos_weight")),
        ["kl"] = (x, g, r) => F.KlDiv(x, g("target"), r),
        ["kl_log"] = (x, g, r) => F.KlDiv(x, g("target"), r, logTarget: true),
    };

    private static readonly (string Name, Reduction Reduction)[] ReductionNames =
        [("none", Reduction.None), ("mean", Reduction.Mean), ("sum", Reduction.Sum), ("batchmean", Reduction.BatchMean)];

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
    public void ValueAndInputGradientMatchPyTorch(string name, string tag, string red)
    {
        Tensor Get(string n) => G[$"{name}.{tag}.{n}"];
        var reduction = ReductionNames.Single(r => r.Name == red).Reduction;
        var x = Get("input").RequiresGrad_();
        var loss = Cases[name](x, Get, reduction);
        double rtol = tag == "f32" ? 2e-5 : 1e-10, atol = tag == "f32" ? 2e-6 : 1e-12;
        TensorAssert.Close(Get($"{red}.value"), loss, rtol, atol);
        var grad = Ember.Autograd.Grad(loss, x, red == "none" ? Get("gout") : null);
        TensorAssert.Close(Get($"{red}.grad"), grad!, rtol, atol);
    }

    // ---------------------------------------------------------------- gradcheck (float64)

    private static Tensor Rn(ulong seed, params int[] shape) => Tensor.Randn(shape, new Generator(seed), DType.Float64);
    private static Tensor Leaf(ulong seed, params int[] shape) => Rn(seed, shape).RequiresGrad_();
    private static Tensor Uniform(ulong seed, double lo, double hi, params int[] shape) =>
        (Tensor.Rand(shape, new Generator(seed), DType.Float64) * (hi - lo) + lo).Detach();

    public static TheoryData<string> GradCheckNames() => new(GradChecks.Keys);

    /// <summary>Each loss under each reduction, with the target differentiated too where PyTorch does.</summary>
    private static readonly Dictionary<string, (Func<Tensor[], Reduction, Tensor> Fn, Func<Tensor[]> Inputs)> GradChecks = new()
    {
        ["mse"] = ((a, r) => F.MseLoss(a[0], a[1], r), () => [Leaf(1, 3, 4), Leaf(2, 4)]),
        ["l1"] = ((a, r) => F.L1Loss(a[0], a[1], r), () => [Leaf(3, 3, 4), Leaf(4, 3, 4)]),
        ["smooth_l1"] = ((a, r) => F.SmoothL1Loss(a[0], a[1], r, beta: 0.7), () => [Leaf(5, 3, 4), Leaf(6, 3, 4)]),
        ["huber"] = ((a, r) => F.HuberLoss(a[0], a[1], r, delta: 0.6), () => [Leaf(7, 3, 4), Leaf(8, 3, 4)]),
        ["nll_nd_w_ign"] = ((a, r) => F.NllLoss(a[0], Tensor.From(new long[] { 0, 2, -100, 1, 2, 0 }).View(2, 3), a[1], reduction: r),
            () => [Leaf(9, 2, 3, 3), Uniform(10, 0.5, 2, 3).RequiresGrad_()]),
        ["ce_w_ign_ls"] = ((a, r) => F.CrossEntropy(a[0], Tensor.From(new long[] { 3, -100, 0, 1, 3 }), a[1].Detach(), reduction: r, labelSmoothing: 0.2),
            () => [Leaf(11, 5, 4), Uniform(12, 0.5, 2, 4)]),
        ["ce_1d"] = ((a, r) => F.CrossEntropy(a[0], Tensor.Scalar(2L), reduction: r, labelSmoothing: 0.1), () => [Leaf(13, 4)]),
        ["ce_probs_nd"] = ((a, r) => F.CrossEntropy(a[0], (a[1] - a[1].LogSumExp(1, keepDim: true)).Exp(), reduction: r, labelSmoothing: 0.3), () => [Leaf(14, 2, 3, 2), Leaf(15, 2, 3, 2)]),
        ["bce_w"] = ((a, r) => F.BinaryCrossEntropy(a[0], a[1], Uniform(16, 0.5, 2, 4), r), () => [Uniform(17, 0.1, 0.9, 3, 4).RequiresGrad_(), Uniform(18, 0, 1, 3, 4).RequiresGrad_()]),
        ["bcel_w_pw"] = ((a, r) => F.BinaryCrossEntropyWithLogits(a[0], a[1], a[2], r, a[3]),
            () => [Leaf(19, 3, 4).Mul(3).Detach().RequiresGrad_(), Uniform(20, 0, 1, 3, 4).RequiresGrad_(), Uniform(21, 0.5, 2, 4).RequiresGrad_(), Uniform(22, 0.5, 3, 4).RequiresGrad_()]),
        ["kl"] = ((a, r) => F.KlDiv(a[0], a[1], r), () => [Leaf(23, 3, 4), Uniform(24, 0.1, 1, 3, 4).RequiresGrad_()]),
        ["kl_log"] = ((a, r) => F.KlDiv(a[0], a[1], r, logTarget: true), () => [Leaf(25, 3, 4), Leaf(26, 3, 4)]),
    };

    [Theory, MemberData(nameof(GradCheckNames))]
    public void GradCheckUnderEveryReduction(string name)
    {
        var (fn, inputs) = GradChecks[name];
        var reductions = name.StartsWith("kl", StringComparison.Ordinal)
            ? new[] { Reduction.None, Reduction.Mean, Reduction.Sum, Reduction.BatchMean }
            : new[] { Reduction.None, Reduction.Mean, Reduction.Sum };
        foreach (var r in reductions)
            Assert.True(Ember.Autograd.GradCheck(a => fn(a, r), inputs()), $"{name} under {r}");
    }

    [Fact]
    public void SecondDerivativesGoThroughTheCompositeLosses()
    {
        var t = Tensor.From(new long[] { 2, 0, -100, 1 });
        Assert.True(Ember.Autograd.GradGradCheck(a => F.CrossEntropy(a[0], t, labelSmoothing: 0.1), [Leaf(31, 4, 3)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.BinaryCrossEntropyWithLogits(a[0], a[1], posWeight: a[2]),
            [Leaf(32, 2, 3), Uniform(33, 0, 1, 2, 3), Uniform(34, 0.5, 2, 3)]));
        Assert.True(Ember.Autograd.GradGradCheck(a => F.HuberLoss(a[0], a[1], delta: 0.5), [Leaf(35, 2, 3), Leaf(36, 2, 3)]));
    }

    [Fact]
    public void NonContiguousInputsGiveTheSameLossAndGradient()
    {
        var logitsT = Rn(41, 4, 5);                         // used as its transpose, [5, 4]
        var t = Tensor.From(new long[] { 1, 3, 0, -100, 2 });
        var w = Uniform(42, 0.5, 2, 8, 2)[.., 0];           // a strided weight view, [8]
        var a = logitsT.Detach().RequiresGrad_();
        var b = logitsT.Detach().T.Contiguous().RequiresGrad_();
        var la = F.CrossEntropy(a.T, t, Uniform(43, 0.5, 2, 4, 2)[.., 1], labelSmoothing: 0.2);
        var lb = F.CrossEntropy(b, t, Uniform(43, 0.5, 2, 4, 2)[.., 1].Contiguous(), labelSmoothing: 0.2);
        TensorAssert.Close(lb, la);
        TensorAssert.Close(Ember.Autograd.Grad(lb, b)!.T, Ember.Autograd.Grad(la, a)!);
        var x = Uniform(44, 0.1, 0.9, 8, 2);
        TensorAssert.Close(F.BinaryCrossEntropy(x.Contiguous().T.Contiguous(), Tensor.FullLike(x.T, 0.3), w.Contiguous()),
            F.BinaryCrossEntropy(x.T, Tensor.FullLike(x.T, 0.3), w));
    }

    [Fact]
    public void EmptyBatchesGiveNaNMeansAndZeroSums()
    {
        var e = Tensor.Empty([0, 3], DType.Float32);
        Assert.True(double.IsNaN(F.NllLoss(e, Tensor.Empty([0], DType.Int64)).Item().ToDouble()));
        Assert.True(double.IsNaN(F.CrossEntropy(e, Tensor.Empty([0, 3], DType.Float32)).Item().ToDouble()));
        Assert.True(double.IsNaN(F.MseLoss(e, e).Item().ToDouble()));
        Assert.Equal(0.0, F.CrossEntropy(e, Tensor.Empty([0], DType.Int64), reduction: Reduction.Sum).Item().ToDouble());
        Assert.Equal([0], F.NllLoss(e, Tensor.Empty([0], DType.Int64), reduction: Reduction.None).Shape.ToArray());
    }

    // ---------------------------------------------------------------- modules

    [Fact]
    public void ModulesPrintAsPyTorch()
    {
        Assert.Equal("MSELoss()", new MseLoss().ToString());
        Assert.Equal("L1Loss()", new L1Loss().ToString());
        Assert.Equal("SmoothL1Loss()", new SmoothL1Loss(beta: 0.5).ToString());
        Assert.Equal("HuberLoss()", new HuberLoss(delta: 2).ToString());
        Assert.Equal("CrossEntropyLoss()", new CrossEntropyLoss(Tensor.Ones(3), labelSmoothing: 0.1).ToString());
        Assert.Equal("NLLLoss()", new NllLoss().ToString());
        Assert.Equal("BCELoss()", new BceLoss().ToString());
        Assert.Equal("BCEWithLogitsLoss()", new BceWithLogitsLoss(posWeight: Tensor.Ones(3)).ToString());
        Assert.Equal("KLDivLoss()", new KlDivLoss(Reduction.BatchMean, logTarget: true).ToString());
    }

    [Fact]
    public void WeightsAreBuffersInTheStateDictAsInPyTorch()
    {
        Assert.Equal(["weight"], new CrossEntropyLoss(Tensor.Ones(3)).StateDict().Keys);
        Assert.Empty(new NllLoss().StateDict().Keys);
        Assert.Equal(["pos_weight"], new BceWithLogitsLoss(posWeight: Tensor.Ones(3)).StateDict().Keys);
        Assert.Equal(["weight", "pos_weight"], new BceWithLogitsLoss(Tensor.Ones(3), posWeight: Tensor.Ones(3)).StateDict().Keys);
        Assert.Empty(new MseLoss().Parameters());
    }

    [Fact]
    public void ModulesComputeWhatTheirFunctionsCompute()
    {
        Tensor Get(string c, string n) => G[$"{c}.f64.{n}"];
        TensorAssert.Equal(F.MseLoss(Get("mse", "input"), Get("mse", "target"), Reduction.Sum), new MseLoss(Reduction.Sum).Call(Get("mse", "input"), Get("mse", "target")));
        TensorAssert.Equal(F.L1Loss(Get("l1", "input"), Get("l1", "target")), new L1Loss().Forward(Get("l1", "input"), Get("l1", "target")));
        TensorAssert.Close(G["smooth_l1_b05.f64.none.value"], new SmoothL1Loss(Reduction.None, 0.5).Forward(Get("smooth_l1_b05", "input"), Get("smooth_l1_b05", "target")));
        TensorAssert.Close(G["huber_d2.f64.mean.value"], new HuberLoss(delta: 2).Forward(Get("huber_d2", "input"), Get("huber_d2", "target")));
        TensorAssert.Close(G["nll_w_ign2.f64.mean.value"], new NllLoss(Get("nll_w_ign2", "weight"), 2).Forward(Get("nll_w_ign2", "input"), Get("nll_w_ign2", "target")));
        TensorAssert.Close(G["ce_w_ign_ls.f64.sum.value"], new CrossEntropyLoss(Get("ce_w_ign_ls", "weight"), reduction: Reduction.Sum, labelSmoothing: 0.25).Forward(Get("ce_w_ign_ls", "input"), Get("ce_w_ign_ls", "target")));
        TensorAssert.Close(G["bce_w.f64.mean.value"], new BceLoss(Get("bce_w", "weight")).Forward(Get("bce_w", "input"), Get("bce_w", "target")));
        TensorAssert.Close(G["bcel_w_pw.f64.none.value"], new BceWithLogitsLoss(Get("bcel_w_pw", "weight"), Reduction.None, Get("bcel_w_pw", "pos_weight")).Forward(Get("bcel_w_pw", "input"), Get("bcel_w_pw", "target")));
        TensorAssert.Close(G["kl_log.f64.batchmean.value"], new KlDivLoss(Reduction.BatchMean, logTarget: true).Forward(Get("kl_log", "input"), Get("kl_log", "target")));
    }

    [Fact]
    public void BceGradientNodeIsNamedAsPyTorchsAndIsFiniteAtZeroAndOne()
    {
        var x = Tensor.From(new[] { 0f, 1f, 0.5f }).RequiresGrad_();
        var loss = F.BinaryCrossEntropy(x, Tensor.From(new[] { 1f, 0f, 1f }), reduction: Reduction.Sum);
        Assert.Equal("BinaryCrossEntropyBackward0", loss.GradFn!.Name);
        TensorAssert.Close(Tensor.Scalar(200.6931f), loss, 1e-6);
        loss.Backward();
        TensorAssert.Close(Tensor.From(new[] { -1e12f, 1e12f, -2f }), x.Grad!, 1e-6);
    }

    // ---------------------------------------------------------------- errors

    [Fact]
    public void BatchMeanIsOnlyForKlDiv()
    {
        var x = Tensor.Randn(2, 3);
        TensorAssert.Throws<ArgumentException>(() => F.MseLoss(x, x, Reduction.BatchMean), "mse_loss", "batchmean is not a valid value for reduction", "KlDiv");
        TensorAssert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 1 }), reduction: Reduction.BatchMean), "cross_entropy", "batchmean");
        TensorAssert.Throws<ArgumentException>(() => new L1Loss(Reduction.BatchMean), "l1_loss", "batchmean");
        TensorAssert.Throws<ArgumentException>(() => new BceWithLogitsLoss(reduction: Reduction.BatchMean), "binary_cross_entropy_with_logits", "batchmean");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.MseLoss(x, x, (Reduction)17), "mse_loss", "17 is not a valid value for reduction");
        Assert.Equal(Reduction.BatchMean, new KlDivLoss(Reduction.BatchMean).Reduction);
    }

    [Fact]
    public void ClassTargetsAreCheckedLikePyTorch()
    {
        var x = Tensor.Randn(3, 4);
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.NllLoss(x, Tensor.From(new long[] { 0, 1, 5 })), "nll_loss", "Target 5 is out of bounds");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, -1, 2 })), "cross_entropy", "Target -1 is out of bounds");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(x, Tensor.From(new long[] { 0, 1 })), "Expected input batch_size (3) to match target batch_size (2)");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(Tensor.Randn(2, 3, 4), Tensor.Zeros([2, 5], DType.Int64)), "Expected target size [2, 4], got [2, 5]");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(Tensor.Randn(3), Tensor.Zeros([1], DType.Int64)), "Expected target size [], got [1]");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(Tensor.Scalar(1.0), Tensor.Scalar(0L)), "Expected 1 or more dimensions (got 0)");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(x, Tensor.From(new[] { 0, 1, 1 })), "int64", "torch.int32");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(x, Tensor.From(new long[] { 0, 1, 1 }), Tensor.Ones(3)),
            "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]");
        TensorAssert.Throws<ArgumentException>(() => F.NllLoss(x, Tensor.From(new long[] { 0, 1, 1 }), Tensor.Ones([4], DType.Float64)), "torch.float32", "torch.float64");
        TensorAssert.Throws<ArgumentException>(() => F.CrossEntropy(x.Long(), Tensor.From(new long[] { 0, 1, 2 })), "cross_entropy", "floating-point input", "torch.int64");
    }

    [Fact]
    public void ProbabilityTargetsAndLabelSmoothingAreCheckedLikePyTorch()
    {
        var x = Tensor.Randn(3, 4);
        TensorAssert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.Rand(3, 4), ignoreIndex: 1), "ignore_index is not supported for floating point target");
        TensorAssert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.Zeros([3, 4], DType.Int64)), "Expected floating point type for target with class probabilities, got torch.int64");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.CrossEntropy(x, Tensor.From(new long[] { 0, 1, 2 }), labelSmoothing: 1.5), "label_smoothing must be between 0.0 and 1.0. Got: 1.5");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss(labelSmoothing: -0.1), "label_smoothing must be between 0.0 and 1.0");
        TensorAssert.Throws<ArgumentException>(() => F.CrossEntropy(x, Tensor.Rand(3, 4), Tensor.Ones(3)),
            "cross_entropy: weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]");
    }

    [Fact]
    public void BinaryLossesAreCheckedLikePyTorch()
    {
        var half = Tensor.From(new[] { 0.5f, 0.5f });
        TensorAssert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.From(new[] { 0.5f, 1.5f }), half), "binary_cross_entropy", "all elements of input should be between 0 and 1");
        TensorAssert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.From(new[] { float.NaN, 0.5f }), half), "all elements of input should be between 0 and 1");
        TensorAssert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(half, Tensor.From(new[] { 0f, 1f, 1f })),
            "Using a target size ([3]) that is different to the input size ([2]) is deprecated");
        TensorAssert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(half, half, Tensor.Ones(3)), "binary_cross_entropy", "expanded size");
        TensorAssert.Throws<ArgumentException>(() => F.BinaryCrossEntropy(half, half, Tensor.Ones(2).RequiresGrad_()), "not differentiable with respect to argument 'weight'");
        TensorAssert.Throws<ArgumentException>(() => F.BinaryCrossEntropyWithLogits(half, Tensor.From(new[] { 0f, 1f, 1f })), "Target size ([3]) must be the same as input size ([2])");
    }

    [Fact]
    public void PointwiseLossesAreCheckedLikePyTorch()
    {
        var x = Tensor.Randn(2, 3);
        TensorAssert.Throws<ArgumentException>(() => F.MseLoss(x, Tensor.Randn(4, 3)), "mse_loss", "size of tensor a (2) must match the size of tensor b (4)");
        TensorAssert.Throws<ArgumentException>(() => F.KlDiv(x, Tensor.Randn(4, 3)), "kl_div", "must match");
        TensorAssert.Throws<ArgumentException>(() => F.L1Loss(x.Long(), x.Long()), "l1_loss", "floating-point input");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => F.SmoothL1Loss(x, x, beta: -1), "smooth_l1_loss does not support negative values for beta");
        TensorAssert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss(delta: 0), "huber_loss does not support non-positive values for delta");
    }
}

using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>ZeroGrad, closures, argument validation, in-place no-grad updates, gradient clipping.</summary>
public class OptimBehaviourTests
{
    [Fact]
    public void OptimZeroGradSetsToNoneOrZeroesInPlace()
    {
        var ps = OptimCases.InitialParams(DType.Float32);
        var opt = new Sgd(ps, lr: 0.1);
        OptimCases.SetGrads(ps, DType.Float32, 0);
        var g0 = ps[0].Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(g0, ps[0].Grad);
        TensorAssert.Equal(Tensor.ZerosLike(ps[0]), g0);
        opt.ZeroGrad();
        Assert.Null(ps[0].Grad);
        Assert.Null(ps[1].Grad);
        opt.Step(); // no gradients: nothing moves
        TensorAssert.Equal(Golden.Load("optim")["init.float32.p0"], ps[0].Detach());
    }

    [Fact]
    public void OptimStepUpdatesInPlaceWithoutRecording()
    {
        var w = Tensor.From(new double[] { 1.5, -2.0, 0.5 }).RequiresGrad_();
        var storage = w.Storage;
        var opt = new Adam([w], lr: 0.1);
        for (int i = 0; i < 200; i++)
        {
            opt.ZeroGrad();
            var loss = (w * w).Sum();
            loss.Backward();
            opt.Step();
        }
        Assert.True(w.IsLeaf);
        Assert.Null(w.GradFn);
        Assert.True(w.RequiresGrad);
        Assert.Same(storage, w.Storage);
        Assert.True(w.Abs().Max().Item<double>() < 0.05, w.ToString());
    }

    [Fact]
    public void OptimStepWithClosureReturnsTheLoss()
    {
        var w = Tensor.From(new double[] { 3.0 }).RequiresGrad_();
        var opt = new Sgd([w], lr: 0.25);
        var loss = opt.Step(() => { opt.ZeroGrad(); var l = (w * w).Sum(); l.Backward(); return l; });
        Assert.Equal(9.0, loss.Item<double>());
        Assert.Equal(1.5, w.Item<double>()); // 3 - 0.25 * 6
    }

    public static TheoryData<string, string> BadArguments() => new()
    {
        { "sgd lr", "Invalid learning rate: -0.1" },
        { "sgd momentum", "Invalid momentum value: -0.5" },
        { "sgd wd", "Invalid weight_decay value: -1.0" },
        { "sgd nesterov", "Nesterov momentum requires a momentum and zero dampening" },
        { "sgd nesterov dampening", "Nesterov momentum requires a momentum and zero dampening" },
        { "sgd group lr", "parameter group didn't specify a value of required optimization parameter lr" },
        { "adam lr", "Invalid learning rate: -0.001" },
        { "adam eps", "Invalid epsilon value: -1e-08" },
        { "adam beta0", "Invalid beta parameter at index 0: 1.0" },
        { "adam beta1", "Invalid beta parameter at index 1: -0.1" },
        { "adamw wd", "Invalid weight_decay value: -0.01" },
        { "adagrad lr_decay", "Invalid lr_decay value: -0.1" },
        { "adagrad init", "Invalid initial_accumulator_value value: -1.0" },
        { "adagrad eps", "Invalid epsilon value: -1e-10" },
        { "rmsprop alpha", "Invalid alpha value: -0.99" },
        { "rmsprop momentum", "Invalid momentum value: -0.9" },
        { "adadelta rho", "Invalid rho value: 1.5" },
        { "adamax beta", "Invalid beta parameter at index 1: 1.0" },
        { "nadam momentum_decay", "Invalid momentum_decay value: -0.004" },
        { "radam eps", "Invalid epsilon value: -1.0" },
        { "empty", "Sgd: optimizer got an empty parameter list." },
        { "non-leaf", "Adam: can't optimize a non-leaf Tensor" },
        { "duplicate", "Adam: some parameters appear in more than one parameter group." },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void OptimArgumentValidationUsesPyTorchMessages(string what, string message)
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        Action make = what switch
        {
            "sgd lr" => () => new Sgd([p], lr: -0.1),
            "sgd momentum" => () => new Sgd([p], lr: 0.1, momentum: -0.5),
            "sgd wd" => () => new Sgd([p], lr: 0.1, weightDecay: -1),
            "sgd nesterov" => () => new Sgd([p], lr: 0.1, nesterov: true),
            "sgd nesterov dampening" => () => new Sgd([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true),
            "sgd group lr" => () => new Sgd([new ParamGroup([p])]),
            "adam lr" => () => new Adam([p], lr: -0.001),
            "adam eps" => () => new Adam([p], eps: -1e-8),
            "adam beta0" => () => new Adam([p], betas: (1.0, 0.999)),
            "adam beta1" => () => new Adam([p], betas: (0.9, -0.1)),
            "adamw wd" => () => new AdamW([p], weightDecay: -0.01),
            "adagrad lr_decay" => () => new Adagrad([p], lrDecay: -0.1),
            "adagrad init" => () => new Adagrad([p], initialAccumulatorValue: -1),
            "adagrad eps" => () => new Adagrad([p], eps: -1e-10),
            "rmsprop alpha" => () => new RmsProp([p], alpha: -0.99),
            "rmsprop momentum" => () => new RmsProp([p], momentum: -0.9),
            "adadelta rho" => () => new Adadelta([p], rho: 1.5),
            "adamax beta" => () => new Adamax([p], betas: (0.9, 1.0)),
            "nadam momentum_decay" => () => new NAdam([p], momentumDecay: -0.004),
            "radam eps" => () => new RAdam([p], eps: -1),
            "empty" => () => new Sgd(Array.Empty<Tensor>(), lr: 0.1),
            "non-leaf" => () => new Adam([p * 2]),
            "duplicate" => () => new Adam([new ParamGroup([p]), new ParamGroup([p])]),
            _ => throw new ArgumentException(what),
        };
        var ex = TensorAssert.Throws<ArgumentException>(make, message);
        if (message.StartsWith("Invalid", StringComparison.Ordinal) || message.StartsWith("Nesterov", StringComparison.Ordinal))
            Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void OptimDefaultsArePyTorchs()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var adam = new Adam([p]).ParamGroups[0];
        Assert.Equal(1e-3, adam.Lr);
        Assert.Equal((0.9, 0.999), adam["betas"]);
        Assert.Equal(1e-8, adam["eps"]);
        Assert.Equal(0.0, adam["weight_decay"]);
        Assert.Equal(1e-2, new AdamW([p]).ParamGroups[0]["weight_decay"]);
        Assert.Equal(1e-2, new Adagrad([p]).ParamGroups[0].Lr);
        Assert.Equal(1e-10, new Adagrad([p]).ParamGroups[0]["eps"]);
        Assert.Equal(0.99, new RmsProp([p]).ParamGroups[0]["alpha"]);
        Assert.Equal(1.0, new Adadelta([p]).ParamGroups[0].Lr);
        Assert.Equal(1e-6, new Adadelta([p]).ParamGroups[0]["eps"]);
        Assert.Equal(2e-3, new Adamax([p]).ParamGroups[0].Lr);
        Assert.Equal(4e-3, new NAdam([p]).ParamGroups[0]["momentum_decay"]);
        Assert.Equal(1e-3, new RAdam([p]).ParamGroups[0].Lr);
    }

    [Fact]
    public void OptimGroupOptionsOverrideDefaultsAndLrCanChange()
    {
        var ps = OptimCases.InitialParams(DType.Float64);
        var opt = new Sgd([new ParamGroup([ps[0]]), new ParamGroup([ps[1]]) { ["lr"] = 0.5, ["momentum"] = 0.0 }], lr: 0.1, momentum: 0.9);
        Assert.Equal(0.9, opt.ParamGroups[0]["momentum"]);
        Assert.Equal(0.0, opt.ParamGroups[1]["momentum"]);
        opt.ParamGroups[1].Lr = 0.25;
        var before = ps[1].Detach().Clone();
        OptimCases.SetGrads(ps, DType.Float64, 0);
        opt.Step();
        TensorAssert.Close(before - 0.25 * ps[1].Grad!, ps[1].Detach());
    }

    public static TheoryData<string, string, string> ClipNormCases()
    {
        var d = new TheoryData<string, string, string>();
        foreach (var dt in new[] { "float32", "float64" })
            foreach (var n in new[] { "2", "1", "inf", "3" })
                foreach (var m in new[] { "clip", "noclip" })
                    d.Add(dt, n, m);
        return d;
    }

    [Theory]
    [MemberData(nameof(ClipNormCases))]
    public void OptimClipGradNormMatchesPyTorch(string dtype, string norm, string mode)
    {
        var dt = dtype == "float32" ? DType.Float32 : DType.Float64;
        var g = Golden.Load("optim");
        var ps = OptimCases.InitialParams(dt);
        OptimCases.SetGrads(ps, dt, 1);
        double normType = norm == "inf" ? double.PositiveInfinity : double.Parse(norm, System.Globalization.CultureInfo.InvariantCulture);
        var total = Utils.ClipGradNorm_(ps, mode == "clip" ? 0.5 : 100.0, normType);
        string key = $"clipnorm.{dtype}.{norm}.{mode}";
        TensorAssert.Close(g[key + ".total"], total);
        for (int i = 0; i < ps.Count; i++) TensorAssert.Close(g[$"{key}.g{i}"], ps[i].Grad!);
    }

    [Fact]
    public void OptimClipGradNormEdgeCases()
    {
        var a = Tensor.From(new float[] { 3, 4 }).RequiresGrad_();
        var b = Tensor.From(new float[] { 1 }).RequiresGrad_(); // no grad: ignored
        a.Grad = Tensor.From(new float[] { 3, 4 });
        var total = Utils.ClipGradNorm_([a, b], 1.0);
        Assert.Equal(5f, total.Item<float>());
        Assert.Null(b.Grad);
        TensorAssert.Close(Tensor.From(new float[] { 0.6f, 0.8f }), a.Grad!);

        var none = Utils.ClipGradNorm_([b], 1.0);
        Assert.Equal(DType.Float32, none.DType);
        Assert.Equal(0f, none.Item<float>());

        a.Grad = Tensor.From(new float[] { float.NaN, 1 });
        TensorAssert.Throws<InvalidOperationException>(() => Utils.ClipGradNorm_(a, 1.0, errorIfNonfinite: true),
            "The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped.");
        TensorAssert.Throws<InvalidOperationException>(() => Utils.ClipGradNorm_(a, 1.0, double.PositiveInfinity, errorIfNonfinite: true), "order inf");
        Assert.True(double.IsNaN(Utils.ClipGradNorm_(a, 1.0).Item<double>()));

        // Mixed dtypes: the per-parameter norms are stacked with promotion (torch.stack), gradients keep their dtype.
        var c = Tensor.From(new float[] { 3 }).RequiresGrad_();
        var d = Tensor.From(new double[] { 4 }).RequiresGrad_();
        c.Grad = Tensor.From(new float[] { 3 });
        d.Grad = Tensor.From(new double[] { 4 });
        var mixed = Utils.ClipGradNorm_([c, d], 2.5);
        Assert.Equal(DType.Float64, mixed.DType);
        Assert.Equal(5.0, mixed.Item<double>(), 12);
        Assert.Equal(DType.Float32, c.Grad!.DType);
        Assert.Equal(1.5, c.Grad.Item<double>(), 5);
        Assert.Equal(2.0, d.Grad!.Item<double>(), 5);
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("float64")]
    public void OptimClipGradValueMatchesPyTorch(string dtype)
    {
        var dt = dtype == "float32" ? DType.Float32 : DType.Float64;
        var g = Golden.Load("optim");
        var ps = OptimCases.InitialParams(dt);
        OptimCases.SetGrads(ps, dt, 1);
        var extra = Tensor.Zeros(3).RequiresGrad_();
        Utils.ClipGradValue_([ps[0], ps[1], extra], 0.7);
        for (int i = 0; i < ps.Count; i++) TensorAssert.Equal(g[$"clipvalue.{dtype}.g{i}"], ps[i].Grad!);
        Assert.Null(extra.Grad);
    }
}

/// <summary>Shapes the golden file does not cover: 0-d and empty parameters, both update paths.</summary>
public class OptimShapeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OptimZeroDimAndEmptyParameters(bool asView)
    {
        var scalar = Tensor.Scalar(2.0, DType.Float64);
        var empty = Tensor.Zeros([0, 3], DType.Float64);
        if (asView) empty = TestViews.Permuted(Tensor.Zeros([3, 0], DType.Float64), 1, 0);
        scalar.RequiresGrad_();
        empty.RequiresGrad_();
        scalar.Grad = Tensor.Scalar(0.5, DType.Float64);
        empty.Grad = Tensor.Zeros([0, 3], DType.Float64);
        var opt = new Adam([scalar, empty], lr: 0.1);
        opt.Step();
        // First Adam step moves by lr * g / (|g| + eps') = lr (up to eps).
        double afterAdam = scalar.Item<double>();
        Assert.Equal(1.9, afterAdam, 7);
        Assert.Equal(new[] { 0, 3 }, empty.Shape.ToArray());
        var sgd = new Sgd([scalar], lr: 1.0, momentum: 0.5);
        sgd.Step();
        sgd.Step();
        Assert.Equal(afterAdam - 0.5 - 0.75, scalar.Item<double>(), 12);
    }
}

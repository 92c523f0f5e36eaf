using Ember.Optim;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>State dicts: PyTorch's layout, independent copies, and resumed runs that continue bit for bit.</summary>
public class OptimStateDictTests
{
    public static TheoryData<string, string> Resumable()
    {
        var d = new TheoryData<string, string>();
        foreach (var dt in new[] { "float32", "float64" })
            foreach (var n in new[] { "sgd_nesterov", "sgd_wd", "adam_maximize", "adamw_lr", "adagrad_opts", "rmsprop_all", "adadelta_opts", "adamax_opts", "nadam_opts", "radam_betas", "sgd_groups", "adam_groups", "rmsprop_groups", "adagrad_groups" })
                d.Add(n, dt);
        return d;
    }

    [Theory]
    [MemberData(nameof(Resumable))]
    public void ResumedRunContinuesExactly(string name, string dtype)
    {
        var dt = dtype == "float32" ? DType.Float32 : DType.Float64;
        bool groups = OptimCases.Groups.ContainsKey(name);
        var ps = OptimCases.InitialParams(dt);
        var opt = OptimCases.Make(name, ps);
        const int split = 3;
        for (int s = 0; s < split; s++) { OptimCases.SetGrads(ps, dt, s, groups); opt.Step(); }

        var saved = opt.StateDict();
        // A fresh model (parameter values restored separately, as a module state dict would) and a fresh optimizer.
        var ps2 = ps.Select(p => p.Detach().Clone().RequiresGrad_()).ToList();
        var opt2 = OptimCases.Make(name, ps2);
        opt2.LoadStateDict(saved);

        for (int s = split; s < OptimCases.Steps; s++)
        {
            OptimCases.SetGrads(ps, dt, s, groups); opt.Step();
            OptimCases.SetGrads(ps2, dt, s, groups); opt2.Step();
            for (int i = 0; i < ps.Count; i++) TensorAssert.Equal(ps[i].Detach(), ps2[i].Detach());
        }
        // And the resumed run still matches PyTorch's uninterrupted one.
        var g = Golden.Load("optim");
        for (int i = 0; i < ps.Count; i++)
            TensorAssert.Close(g[$"{name}.{dtype}.p{i}"][OptimCases.Steps - 1], ps2[i].Detach(),
                dt == DType.Float32 ? 1e-5 : 1e-11, dt == DType.Float32 ? 1e-6 : 1e-13);
    }

    [Fact]
    public void OptimStateDictHasPyTorchLayout()
    {
        var ps = OptimCases.InitialParams(DType.Float64);
        var opt = new Adam([new ParamGroup([ps[0]]), new ParamGroup([ps[1]]) { ["lr"] = 0.5 }], lr: 0.01, amsgrad: true);
        OptimCases.SetGrads(ps, DType.Float64, 0);
        opt.Step();
        var sd = opt.StateDict();

        Assert.Equal(2, sd.ParamGroups.Count);
        Assert.Equal(new long[] { 0 }, (long[])sd.ParamGroups[0]["params"]);
        Assert.Equal(new long[] { 1 }, (long[])sd.ParamGroups[1]["params"]);
        Assert.Equal(0.01, sd.ParamGroups[0]["lr"]);
        Assert.Equal(0.5, sd.ParamGroups[1]["lr"]);
        Assert.Equal((0.9, 0.999), sd.ParamGroups[1]["betas"]);
        Assert.Equal(true, sd.ParamGroups[0]["amsgrad"]);
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step" }, sd.State[0].Keys.Order(StringComparer.Ordinal));
        var step = (Tensor)sd.State[1]["step"];
        Assert.Equal(DType.Float32, step.DType);
        Assert.Equal(0, step.NDim);
        Assert.Equal(1.0, step.Item<double>());

        // The saved tensors are copies: stepping again leaves them alone.
        var savedAvg = ((Tensor)sd.State[0]["exp_avg"]).Clone();
        Assert.NotSame(opt.State[ps[0]]["exp_avg"], sd.State[0]["exp_avg"]);
        OptimCases.SetGrads(ps, DType.Float64, 1);
        opt.Step();
        TensorAssert.Equal(savedAvg, (Tensor)sd.State[0]["exp_avg"]);
        Assert.Equal(1.0, ((Tensor)sd.State[0]["step"]).Item<double>());
    }

    [Fact]
    public void OptimLoadStateDictRestoresGroupOptionsAndKeepsStepDTypes()
    {
        var ps = OptimCases.InitialParams(DType.Float64);
        var opt = new NAdam(ps, lr: 0.05);
        OptimCases.SetGrads(ps, DType.Float64, 0);
        opt.Step();
        var sd = opt.StateDict();

        var ps2 = ps.Select(p => p.Detach().Clone().RequiresGrad_()).ToList();
        var opt2 = new NAdam(ps2, lr: 1.0);
        opt2.LoadStateDict(sd);
        Assert.Equal(0.05, opt2.ParamGroups[0].Lr);
        // 0-d step and mu_product stay float32 (PyTorch 1.13 casts mu_product to the parameter's dtype on load, which makes its resumed runs drift).
        Assert.Equal(DType.Float32, ((Tensor)opt2.State[ps2[0]]["mu_product"]).DType);
        Assert.Equal(DType.Float32, ((Tensor)opt2.State[ps2[0]]["step"]).DType);
        Assert.Equal(DType.Float64, ((Tensor)opt2.State[ps2[0]]["exp_avg"]).DType);
        Assert.NotSame(sd.State[0]["exp_avg"], opt2.State[ps2[0]]["exp_avg"]);
    }

    [Fact]
    public void OptimAdagradStateExistsBeforeTheFirstStep()
    {
        var ps = OptimCases.InitialParams(DType.Float32);
        var opt = new Adagrad(ps, initialAccumulatorValue: 0.25);
        var sd = opt.StateDict();
        Assert.Equal(2, sd.State.Count);
        Assert.Equal(0.0, ((Tensor)sd.State[0]["step"]).Item<double>());
        TensorAssert.Equal(Tensor.FullLike(ps[1], 0.25), (Tensor)sd.State[1]["sum"]);
    }

    [Fact]
    public void OptimLoadStateDictMismatchMessages()
    {
        var ps = OptimCases.InitialParams(DType.Float32);
        var sd = new Sgd(ps, lr: 0.1).StateDict();
        TensorAssert.Throws<ArgumentException>(() => new Sgd([new ParamGroup([ps[0]]), new ParamGroup([ps[1]])], lr: 0.1).LoadStateDict(sd),
            "Sgd.LoadStateDict: loaded state dict has 1 parameter groups, the optimizer has 2.");
        TensorAssert.Throws<ArgumentException>(() => new Sgd([ps[0]], lr: 0.1).LoadStateDict(sd),
            "loaded state dict contains a parameter group (0) of 2 parameters that doesn't match the size of the optimizer's group (1)");
    }
}

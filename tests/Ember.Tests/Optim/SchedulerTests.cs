using System.Text.Json;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Optim;

/// <summary>LR schedulers against PyTorch 1.13 (golden schedulers.json): every lr bit for bit, state dicts with PyTorch's keys, and exact resumes.</summary>
public class SchedulerTests
{
    private static readonly Golden G = Golden.Load("schedulers");
    private static readonly JsonElement Keys = Golden.Load("schedulers").Meta.GetProperty("keys");

    public static TheoryData<string> Names() => new(SchedulerCases.All.Keys);

    public static TheoryData<string> PlateauNames() => new(SchedulerCases.Plateaus.Keys);

    private static Tensor Rows(List<double[]> rows) => Tensor.From<double>(rows.SelectMany(r => r).ToArray(), [rows.Count, rows[0].Length]);

    private static IEnumerable<string> ExpectedKeys(string name) => Keys.GetProperty(name).EnumerateArray().Select(e => e.GetString()!);

    [Theory]
    [MemberData(nameof(Names))]
    public void LearningRatesMatchPyTorchBitForBit(string name)
    {
        var c = SchedulerCases.All[name];
        var opt = c.Opt();
        var s = c.Make(opt);
        var lrs = new List<double[]> { s.GetLastLr().ToArray() };
        var moms = new List<double[]> { SchedulerCases.Momenta(opt) };
        for (int i = 0; i < c.Steps; i++)
        {
            SchedulerCases.StepOnce(s, c, i);
            lrs.Add([.. s.GetLastLr()]);
            moms.Add(SchedulerCases.Momenta(opt));
            Assert.Equal(s.GetLastLr(), opt.ParamGroups.Select(g => g.Lr));
        }
        TensorAssert.Equal(G[name + ".lr"], Rows(lrs));
        if (c.Momentum) TensorAssert.Equal(G[name + ".momentum"], Rows(moms));
        Assert.Equal(ExpectedKeys(name), s.StateDict().Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PlateauNames))]
    public void ReduceLROnPlateauMatchesPyTorch(string name)
    {
        var opt = SchedulerCases.Sgd();
        var s = SchedulerCases.Plateaus[name](opt);
        var lrs = new List<double[]> { s.GetLastLr().ToArray() };
        for (int i = 0; i < SchedulerCases.Plateau.Length; i++)
        {
            s.Step(SchedulerCases.Metric(name, i));
            lrs.Add([.. s.GetLastLr()]);
        }
        TensorAssert.Equal(G[name + ".lr"], Rows(lrs));
        Assert.Equal(ExpectedKeys(name), s.StateDict().Keys.Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, int> Splits()
    {
        var d = new TheoryData<string, int>();
        foreach (var (name, c) in SchedulerCases.All)
            foreach (int split in new[] { 1, c.Steps / 2, c.Steps - 1 })
                d.Add(name, split);
        return d;
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void ResumingFromStateDictsContinuesExactly(string name, int split)
    {
        var c = SchedulerCases.All[name];
        var opt = c.Opt();
        var s = c.Make(opt);
        for (int i = 0; i < split; i++) SchedulerCases.StepOnce(s, c, i);
        var optState = opt.StateDict();
        var schedState = s.StateDict();

        // A fresh optimizer and scheduler, as a program restarting from a checkpoint builds them, then both states loaded.
        var opt2 = c.Opt();
        var s2 = c.Make(opt2);
        opt2.LoadStateDict(optState);
        s2.LoadStateDict(schedState);
        Assert.Equal(s.GetLastLr(), s2.GetLastLr());
        Assert.Equal(s.LastEpoch, s2.LastEpoch);
        var expected = G[name + ".lr"].ToArray<double>();
        int groups = opt.ParamGroups.Count;
        for (int i = split; i < c.Steps; i++)
        {
            SchedulerCases.StepOnce(s2, c, i);
            Assert.Equal(expected.Skip((i + 1) * groups).Take(groups), s2.GetLastLr());
            if (c.Momentum) Assert.Equal(G[name + ".momentum"].ToArray<double>().Skip((i + 1) * groups).Take(groups), SchedulerCases.Momenta(opt2));
        }
    }

    [Theory]
    [MemberData(nameof(PlateauNames))]
    public void ReduceLROnPlateauResumesExactly(string name)
    {
        const int split = 9;
        var opt = SchedulerCases.Sgd();
        var s = SchedulerCases.Plateaus[name](opt);
        for (int i = 0; i < split; i++) s.Step(SchedulerCases.Metric(name, i));
        var opt2 = SchedulerCases.Sgd();
        var s2 = SchedulerCases.Plateaus[name](opt2);
        opt2.LoadStateDict(opt.StateDict());
        s2.LoadStateDict(s.StateDict());
        var expected = G[name + ".lr"].ToArray<double>();
        for (int i = split; i < SchedulerCases.Plateau.Length; i++)
        {
            s2.Step(SchedulerCases.Metric(name, i));
            Assert.Equal(expected.Skip((i + 1) * 2).Take(2), s2.GetLastLr());
        }
    }

    [Fact]
    public void StateDictsAreCopies()
    {
        var opt = SchedulerCases.Sgd();
        var s = new StepLR(opt, 2);
        var d = s.StateDict();
        ((double[])d["base_lrs"]!)[0] = 42;
        Assert.Equal(0.1, s.BaseLrs[0]);
        Assert.Equal(0.1, (double)opt.ParamGroups[0]["initial_lr"]);
        Assert.Null(((object?[])new LambdaLR(opt, e => 1.0).StateDict()["lr_lambdas"]!)[0]);
    }

    [Fact]
    public void SchedulersDriveTheOptimizersLearningRate()
    {
        var w = Tensor.From<double>([1.0], [1]).RequiresGrad_();
        var opt = new Sgd([w], lr: 1.0);
        var s = new StepLR(opt, stepSize: 1, gamma: 0.5);
        for (int i = 0; i < 3; i++)
        {
            w.Grad = Tensor.From<double>([1.0], [1]);
            opt.Step();
            s.Step();
        }
        Assert.Equal(1.0 - 1.0 - 0.5 - 0.25, w.Item<double>());
        Assert.Equal(0.125, opt.ParamGroups[0].Lr);
    }

    [Fact]
    public void BadArgumentsAreReportedAsPyTorchDoes()
    {
        var opt = SchedulerCases.Sgd();
        TensorAssert.Throws<KeyNotFoundException>(() => new StepLR(opt, 2, lastEpoch: 3), "param 'initial_lr' is not specified in param_groups[0] when resuming an optimizer");
        TensorAssert.Throws<ArgumentException>(() => new LinearLR(opt, startFactor: 1.5), "Starting multiplicative factor expected to be between 0 and 1.");
        TensorAssert.Throws<ArgumentException>(() => new LinearLR(opt, endFactor: -0.5), "Ending multiplicative factor expected to be between 0 and 1.");
        TensorAssert.Throws<ArgumentException>(() => new LambdaLR(opt, [e => 1.0]), "Expected 2 lr_lambdas, but got 1");
        TensorAssert.Throws<ArgumentException>(() => new CosineAnnealingWarmRestarts(opt, 0), "Expected positive integer T_0, but got 0");
        TensorAssert.Throws<ArgumentException>(() => new CosineAnnealingWarmRestarts(opt, 2, tMult: 0), "Expected integer T_mult >= 1, but got 0");
        TensorAssert.Throws<ArgumentException>(() => new CosineAnnealingWarmRestarts(opt, 2).Step(-1.0), "Expected non-negative epoch, but got -1.0");
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1), "You must define either total_steps OR (epochs AND steps_per_epoch)");
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1, totalSteps: 0), "Expected positive integer total_steps, but got 0");
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1, epochs: 2), "Expected positive integer steps_per_epoch, but got None");
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1, totalSteps: 5, pctStart: 1.5), "Expected float between 0 and 1 pct_start, but got 1.5");
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(opt, 0.1, totalSteps: 5, annealStrategy: "exp"), "anneal_strategy must by one of 'cos' or 'linear', instead got exp");
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(opt, [0.1], totalSteps: 5), "expected 2 values for max_lr, got 1");
        var adagrad = new Adagrad([Tensor.Zeros(1).RequiresGrad_()]);
        TensorAssert.Throws<ArgumentException>(() => new OneCycleLR(adagrad, 0.1, totalSteps: 5), "optimizer must support momentum with `cycle_momentum` option enabled");
        var oc = new OneCycleLR(SchedulerCases.Sgd(0.9), 0.1, totalSteps: 2);
        oc.Step();
        oc.Step();
        TensorAssert.Throws<InvalidOperationException>(oc.Step, "Tried to step 4 times. The specified number of total steps is 2");
        var other = SchedulerCases.Sgd();
        TensorAssert.Throws<ArgumentException>(() => new SequentialLR(opt, [new StepLR(other, 2)], []), "got schedulers at index 0 to be different than the optimizer passed in.");
        TensorAssert.Throws<ArgumentException>(() => new SequentialLR(opt, [new StepLR(opt, 2), new StepLR(opt, 3)], []),
            "expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers 2 and the number of milestones to be equal to 0");
        TensorAssert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, factor: 1.0), "Factor should be < 1.0.");
        TensorAssert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, mode: "median"), "mode median is unknown!");
        TensorAssert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, thresholdMode: "pct"), "threshold mode pct is unknown!");
        TensorAssert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, "min", 0.1, 10, 1e-4, "rel", 0, [0.1]), "expected 2 min_lrs, got 1");
    }
}

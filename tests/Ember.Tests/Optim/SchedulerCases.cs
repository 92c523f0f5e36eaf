using Ember.Optim;

namespace Ember.Tests.Optim;

/// <summary>The scheduler cases of tests/golden/schedulers.py, built the same way in Ember.</summary>
public static class SchedulerCases
{
    public sealed record Case(Func<Optimizer> Opt, Func<Optimizer, LRScheduler> Make, int Steps, double[]? Epochs = null, bool Momentum = false);

    public static readonly double[] Plateau = [1.0, 0.95, 0.93, 0.94, 0.92, 0.96, 0.90, 0.80, 0.81, 0.82, 0.83, 0.79, 0.85, 0.86, 0.87, 0.88, 0.90, 0.91, 0.92, 0.93];

    /// <summary>SGD over one single-parameter group per lr (0.1 and 0.05 by default).</summary>
    public static Sgd Sgd(double momentum = 0, params double[] lrs)
    {
        if (lrs.Length == 0) lrs = [0.1, 0.05];
        return new Sgd(lrs.Select(lr => new ParamGroup([Tensor.Zeros(1).RequiresGrad_()]) { ["lr"] = lr }), momentum: momentum);
    }

    private static Adam Adam() => new([new ParamGroup([Tensor.Zeros(1).RequiresGrad_()])], lr: 0.001, betas: (0.9, 0.99));

    private static LRScheduler ResumedCosine(Optimizer o)
    {
        foreach (var g in o.ParamGroups) g["initial_lr"] = g.Lr * 2;
        return new CosineAnnealingLR(o, tMax: 10, etaMin: 0.001, lastEpoch: 4);
    }

    public static readonly Dictionary<string, Case> All = new()
    {
        ["step"] = new(() => Sgd(), o => new StepLR(o, stepSize: 3, gamma: 0.5), 12),
        ["step_closed"] = new(() => Sgd(), o => new StepLR(o, stepSize: 3, gamma: 0.5), 6, [1, 3, 7, 2, 9, 0]),
        ["multistep"] = new(() => Sgd(), o => new MultiStepLR(o, [2, 5, 5, 9], gamma: 0.3), 12),
        ["multistep_closed"] = new(() => Sgd(), o => new MultiStepLR(o, [2, 5, 5, 9], gamma: 0.3), 5, [5, 1, 9, 4, 12]),
        ["exponential"] = new(() => Sgd(), o => new ExponentialLR(o, gamma: 0.9), 15),
        ["exponential_closed"] = new(() => Sgd(), o => new ExponentialLR(o, gamma: 0.9), 4, [3, 10, 1, 0]),
        ["cosine"] = new(() => Sgd(), o => new CosineAnnealingLR(o, tMax: 10, etaMin: 0.001), 35),
        ["cosine_eta0"] = new(() => Sgd(), o => new CosineAnnealingLR(o, tMax: 7), 20),
        ["cosine_closed"] = new(() => Sgd(), o => new CosineAnnealingLR(o, tMax: 10, etaMin: 0.001), 6, [3, 7, 2, 10, 15, 0]),
        ["cosine_resume"] = new(() => Sgd(), ResumedCosine, 12),
        ["warm"] = new(() => Sgd(), o => new CosineAnnealingWarmRestarts(o, t0: 3, tMult: 2, etaMin: 0.01), 25),
        ["warm_mult1"] = new(() => Sgd(), o => new CosineAnnealingWarmRestarts(o, t0: 4), 15),
        ["warm_frac"] = new(() => Sgd(), o => new CosineAnnealingWarmRestarts(o, t0: 3, tMult: 2, etaMin: 0.01), 8, [0.5, 1.0, 2.7, 3.1, 7.5, 12.25, 20.0, 2.0]),
        ["warm_frac_mult1"] = new(() => Sgd(), o => new CosineAnnealingWarmRestarts(o, t0: 4), 5, [0.5, 5.25, 9.0, 3.75, 17.5]),
        ["linear"] = new(() => Sgd(), o => new LinearLR(o, startFactor: 0.25, totalIters: 4), 8),
        ["linear_decay"] = new(() => Sgd(), o => new LinearLR(o, startFactor: 1.0, endFactor: 0.1, totalIters: 6), 9),
        ["linear_closed"] = new(() => Sgd(), o => new LinearLR(o, startFactor: 0.25, totalIters: 4), 4, [2, 6, 1, 4]),
        ["lambda"] = new(() => Sgd(), o => new LambdaLR(o, e => Math.Pow(0.95, e)), 10),
        ["lambda_groups"] = new(() => Sgd(), o => new LambdaLR(o, [e => 1.0 / (e + 1), e => Math.Pow(0.9, e)]), 10),
        ["onecycle_cos"] = new(() => Sgd(momentum: 0.9), o => new OneCycleLR(o, [1.0, 0.5], totalSteps: 20), 20, Momentum: true),
        ["onecycle_linear_three"] = new(() => Sgd(momentum: 0.9), o => new OneCycleLR(o, 0.3, epochs: 4, stepsPerEpoch: 5, pctStart: 0.25,
            annealStrategy: "linear", threePhase: true, divFactor: 10, finalDivFactor: 100, baseMomentum: 0.8, maxMomentum: 0.9), 19, Momentum: true),
        ["onecycle_adam"] = new(Adam, o => new OneCycleLR(o, 0.01, totalSteps: 15), 14, Momentum: true),
        ["onecycle_nomomentum"] = new(() => Sgd(), o => new OneCycleLR(o, 0.2, totalSteps: 10, cycleMomentum: false, pctStart: 0.5), 9, Momentum: true),
        ["sequential"] = new(() => Sgd(), o => new SequentialLR(o, [new LinearLR(o, startFactor: 0.1, totalIters: 4), new ExponentialLR(o, gamma: 0.9)], [4]), 12),
        ["sequential3"] = new(() => Sgd(), o => new SequentialLR(o, [new StepLR(o, 2, 0.5), new CosineAnnealingLR(o, tMax: 5), new ExponentialLR(o, 0.8)], [3, 8]), 14),
    };

    public static readonly Dictionary<string, Func<Optimizer, ReduceLROnPlateau>> Plateaus = new()
    {
        ["plateau"] = o => new ReduceLROnPlateau(o, "min", factor: 0.5, patience: 2, threshold: 0.05, "rel", cooldown: 1, minLr: [0.01, 0.02]),
        ["plateau_max_abs"] = o => new ReduceLROnPlateau(o, mode: "max", factor: 0.3, patience: 1, threshold: 0.01, thresholdMode: "abs", minLr: 0.004, eps: 0.002),
        ["plateau_default"] = o => new ReduceLROnPlateau(o),
    };

    /// <summary>The metric fed to a plateau case at step <paramref name="i"/> (negated for mode max, as the script does).</summary>
    public static double Metric(string name, int i) => name == "plateau_max_abs" ? -Plateau[i] : Plateau[i];

    /// <summary>One scheduler step of a case: plain, or to the case's epoch (fractional for warm restarts).</summary>
    public static void StepOnce(LRScheduler s, Case c, int i)
    {
        if (c.Epochs is null) s.Step();
        else if (s is CosineAnnealingWarmRestarts w) w.Step(c.Epochs[i]);
        else s.Step((int)c.Epochs[i]);
    }

    /// <summary>Each group's momentum, or beta1 for optimizers with betas.</summary>
    public static double[] Momenta(Optimizer o) =>
        [.. o.ParamGroups.Select(g => g.Has("betas") ? g.Get<(double, double)>("betas").Item1 : g.Get<double>("momentum"))];
}

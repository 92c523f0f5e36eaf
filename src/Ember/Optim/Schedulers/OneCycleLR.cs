namespace Ember.Optim;

/// <summary>
/// The 1cycle policy (<c>torch.optim.lr_scheduler.OneCycleLR</c>, Smith &amp; Topin 2017): the lr rises
/// from max_lr/<c>divFactor</c> to max_lr over the first <c>pctStart</c> of the steps, then falls to
/// initial_lr/<c>finalDivFactor</c>; with <c>threePhase</c> it first comes back down to the initial lr and
/// then falls to the minimum. With <c>cycleMomentum</c> the momentum (SGD's <c>"momentum"</c>, or beta1 of
/// optimizers with <c>"betas"</c> such as Adam) moves the opposite way between <c>maxMomentum</c> and
/// <c>baseMomentum</c>. Step it once per batch; it can be stepped <c>totalSteps</c> times after construction.
/// </summary>
/// <remarks>
/// Like PyTorch, it keeps its per-group numbers as group options (<c>"initial_lr"</c>, <c>"max_lr"</c>,
/// <c>"min_lr"</c>, <c>"max_momentum"</c>, <c>"base_momentum"</c>), so they travel in the optimizer's state dict.
/// </remarks>
public sealed class OneCycleLR : LRScheduler
{
    private sealed record Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum);

    private Phase[] _phases;

    /// <summary>One maximum lr for every group.</summary>
    /// <param name="optimizer">The optimizer whose lrs (and momenta) to set.</param>
    /// <param name="maxLr">The peak lr.</param>
    /// <param name="totalSteps">The number of steps in the cycle; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">Epochs, multiplied by <paramref name="stepsPerEpoch"/> when <paramref name="totalSteps"/> is null.</param>
    /// <param name="stepsPerEpoch">Steps per epoch.</param>
    /// <param name="pctStart">The fraction of the cycle spent increasing the lr.</param>
    /// <param name="annealStrategy">"cos" or "linear".</param>
    /// <param name="cycleMomentum">Whether to cycle the momentum inversely to the lr.</param>
    /// <param name="baseMomentum">The lowest momentum (at the peak lr).</param>
    /// <param name="maxMomentum">The highest momentum (at the start and end).</param>
    /// <param name="divFactor">initial_lr = max_lr / divFactor.</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / finalDivFactor.</param>
    /// <param name="threePhase">Use the three-phase schedule (up, back down to initial_lr, then to min_lr).</param>
    /// <param name="lastEpoch">The last step already done (-1 to start afresh).</param>
    public OneCycleLR(Optimizer optimizer, double maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, Repeat(optimizer, maxLr), totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum,
            baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch) { }

    /// <summary>One maximum lr per group; the other arguments as in the other constructor.</summary>
    /// <exception cref="ArgumentException">
    /// Neither <paramref name="totalSteps"/> nor both <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>, a count
    /// that is not positive, <paramref name="pctStart"/> outside [0, 1], an unknown strategy, the wrong number of max lrs,
    /// or <paramref name="cycleMomentum"/> with an optimizer that has neither momentum nor betas.
    /// </exception>
    public OneCycleLR(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps = null, int? epochs = null, int? stepsPerEpoch = null,
        double pctStart = 0.3, string annealStrategy = "cos", bool cycleMomentum = true, double baseMomentum = 0.85,
        double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false, int lastEpoch = -1)
        : base(Prepare(optimizer, maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum, baseMomentum,
            maxMomentum, divFactor, finalDivFactor, lastEpoch, out int total, out bool useBeta1), lastEpoch)
    {
        TotalSteps = total;
        _phases = Phases(threePhase, pctStart, total);
        AnnealStrategy = annealStrategy;
        CycleMomentum = cycleMomentum;
        UseBeta1 = useBeta1;
        InitialStep();
    }

    /// <summary>The number of steps in the cycle (<c>total_steps</c>).</summary>
    public int TotalSteps { get; private set; }

    /// <summary>"cos" or "linear" (PyTorch keeps the function itself as <c>anneal_func</c>).</summary>
    public string AnnealStrategy { get; private set; }

    /// <summary>Whether the momentum cycles (<c>cycle_momentum</c>).</summary>
    public bool CycleMomentum { get; private set; }

    /// <summary>True when the cycled momentum is beta1 of the groups' <c>"betas"</c> (<c>use_beta1</c>).</summary>
    public bool UseBeta1 { get; private set; }

    private static double[] Repeat(Optimizer optimizer, double v)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return [.. Enumerable.Repeat(v, optimizer.ParamGroups.Count)];
    }

    // PyTorch's __init__ up to super().__init__: checks, then the per-group options the base reads.
    private static Optimizer Prepare(Optimizer optimizer, IReadOnlyList<double> maxLr, int? totalSteps, int? epochs, int? stepsPerEpoch,
        double pctStart, string annealStrategy, bool cycleMomentum, double baseMomentum, double maxMomentum, double divFactor,
        double finalDivFactor, int lastEpoch, out int total, out bool useBeta1)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(maxLr);
        if (totalSteps is null && epochs is null && stepsPerEpoch is null)
            throw new ArgumentException("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (totalSteps is int ts)
        {
            if (ts <= 0) throw new ArgumentException($"Expected positive integer total_steps, but got {ts}", nameof(totalSteps));
            total = ts;
        }
        else
        {
            if (epochs is not int ep || ep <= 0) throw new ArgumentException($"Expected positive integer epochs, but got {(epochs?.ToString() ?? "None")}", nameof(epochs));
            if (stepsPerEpoch is not int spe || spe <= 0) throw new ArgumentException($"Expected positive integer steps_per_epoch, but got {(stepsPerEpoch?.ToString() ?? "None")}", nameof(stepsPerEpoch));
            total = checked(ep * spe);
        }
        if (!(pctStart >= 0 && pctStart <= 1))
            throw new ArgumentException($"Expected float between 0 and 1 pct_start, but got {Optimizer.Num(pctStart)}", nameof(pctStart));
        if (annealStrategy is not ("cos" or "linear"))
            throw new ArgumentException($"anneal_strategy must by one of 'cos' or 'linear', instead got {annealStrategy}", nameof(annealStrategy));
        var groups = optimizer.ParamGroups;
        if (maxLr.Count != groups.Count)
            throw new ArgumentException($"expected {groups.Count} values for max_lr, got {maxLr.Count}", nameof(maxLr));
        if (lastEpoch == -1)
            for (int i = 0; i < groups.Count; i++)
            {
                groups[i]["initial_lr"] = maxLr[i] / divFactor;
                groups[i]["max_lr"] = maxLr[i];
                groups[i]["min_lr"] = groups[i].Get<double>("initial_lr") / finalDivFactor;
            }
        useBeta1 = false;
        if (cycleMomentum)
        {
            if (!optimizer.Defaults.ContainsKey("momentum") && !optimizer.Defaults.ContainsKey("betas"))
                throw new ArgumentException("optimizer must support momentum with `cycle_momentum` option enabled");
            useBeta1 = optimizer.Defaults.ContainsKey("betas");
            if (lastEpoch == -1)
                foreach (var g in groups)
                {
                    SetMomentum(g, maxMomentum, useBeta1);
                    g["max_momentum"] = maxMomentum;
                    g["base_momentum"] = baseMomentum;
                }
        }
        return optimizer;
    }

    private static Phase[] Phases(bool threePhase, double pctStart, int total) => threePhase
        ?
        [
            new(pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            new(2 * pctStart * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
            new(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
        ]
        :
        [
            new(pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
            new(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
        ];

    private static void SetMomentum(ParamGroup g, double m, bool useBeta1)
    {
        if (useBeta1) g["betas"] = (m, g.Get<(double, double)>("betas").Item2);
        else g["momentum"] = m;
    }

    private double Anneal(double start, double end, double pct)
    {
        if (AnnealStrategy == "linear") return (end - start) * pct + start;
        double cosOut = Math.Cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">Stepped more than <see cref="TotalSteps"/> times.</exception>
    protected override double[] GetLr()
    {
        int stepNum = LastEpoch;
        if (stepNum > TotalSteps)
            throw new InvalidOperationException($"Tried to step {stepNum + 1} times. The specified number of total steps is {TotalSteps}");
        var lrs = new double[Groups.Count];
        for (int gi = 0; gi < lrs.Length; gi++)
        {
            var group = Groups[gi];
            double startStep = 0, lr = 0, momentum = 0;
            for (int i = 0; i < _phases.Length; i++)
            {
                var phase = _phases[i];
                if (stepNum <= phase.EndStep || i == _phases.Length - 1)
                {
                    double pct = (stepNum - startStep) / (phase.EndStep - startStep);
                    lr = Anneal(group.Get<double>(phase.StartLr), group.Get<double>(phase.EndLr), pct);
                    if (CycleMomentum) momentum = Anneal(group.Get<double>(phase.StartMomentum), group.Get<double>(phase.EndMomentum), pct);
                    break;
                }
                startStep = phase.EndStep;
            }
            lrs[gi] = lr;
            if (CycleMomentum) SetMomentum(group, momentum, UseBeta1);
        }
        return lrs;
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["total_steps"] = TotalSteps;
        state["_schedule_phases"] = _phases.Select(p => new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["end_step"] = p.EndStep, ["start_lr"] = p.StartLr, ["end_lr"] = p.EndLr,
            ["start_momentum"] = p.StartMomentum, ["end_momentum"] = p.EndMomentum,
        }).ToArray();
        state["anneal_func"] = AnnealStrategy;
        state["cycle_momentum"] = CycleMomentum;
        if (CycleMomentum) state["use_beta1"] = UseBeta1;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (TryRead(state, "total_steps", out int t)) TotalSteps = t;
        if (state.TryGetValue("_schedule_phases", out var ph) && ph is IEnumerable<IReadOnlyDictionary<string, object>> phases)
            _phases = [.. phases.Select(p => new Phase(SchedulerState.Convert<double>(p["end_step"], "end_step"), (string)p["start_lr"], (string)p["end_lr"],
                (string)p["start_momentum"], (string)p["end_momentum"]))];
        if (state.TryGetValue("anneal_func", out var a) && a is string s) AnnealStrategy = s;
        if (state.TryGetValue("cycle_momentum", out var c) && c is bool cm) CycleMomentum = cm;
        if (state.TryGetValue("use_beta1", out var u) && u is bool ub) UseBeta1 = ub;
    }
}

namespace Ember.Optim;

/// <summary>
/// Cosine annealing from each group's initial lr down to <see cref="EtaMin"/> over <see cref="TMax"/>
/// epochs (<c>torch.optim.lr_scheduler.CosineAnnealingLR</c>, SGDR without restarts). Past
/// <see cref="TMax"/> the lr climbs back up along the same cosine, as PyTorch's does.
/// </summary>
/// <remarks>
/// <see cref="LRScheduler.Step()"/> uses PyTorch 1.13's recursive form, which derives the new lr from the
/// group's current one (so it composes with other changes to the lr), in PyTorch's exact order of
/// operations; <see cref="LRScheduler.Step(int)"/> uses the closed form
/// eta_min + (base_lr - eta_min)(1 + cos(pi·epoch/T_max))/2. The two differ in the last bits.
/// </remarks>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Creates the scheduler and takes its first step.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="tMax">The number of epochs of one half cosine (<c>T_max</c>).</param>
    /// <param name="etaMin">The lowest lr (<c>eta_min</c>).</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tMax"/> is not positive.</exception>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), $"CosineAnnealingLR: T_max must be positive, got {tMax}.");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    /// <summary>The half period in epochs (<c>T_max</c>).</summary>
    public int TMax { get; private set; }

    /// <summary>The lowest lr (<c>eta_min</c>).</summary>
    public double EtaMin { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        var res = new double[lrs.Length];
        for (int i = 0; i < lrs.Length; i++)
        {
            double baseLr = BaseLrs[i];
            if (LastEpoch == 0) res[i] = lrs[i];
            else if (StepCount == 1 && LastEpoch > 0) // resumed: start from the closed form
                res[i] = EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(LastEpoch * Math.PI / TMax)) / 2;
            else if (FloorMod(LastEpoch - 1 - TMax, 2 * TMax) == 0) // at the bottom: the recursion would divide by zero
                res[i] = lrs[i] + (baseLr - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            else
                res[i] = (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / (1 + Math.Cos(Math.PI * (LastEpoch - 1) / TMax)) * (lrs[i] - EtaMin) + EtaMin;
        }
        return res;
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr() =>
        [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2)];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["T_max"] = TMax;
        state["eta_min"] = EtaMin;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (TryRead(state, "T_max", out int t)) TMax = t;
        if (TryRead(state, "eta_min", out double e)) EtaMin = e;
    }
}

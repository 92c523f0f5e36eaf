namespace Ember.Optim;

/// <summary>
/// Scales each group's lr by a factor that moves linearly from <see cref="StartFactor"/> to
/// <see cref="EndFactor"/> over <see cref="TotalIters"/> epochs, then stays (<c>torch.optim.lr_scheduler.LinearLR</c>);
/// the usual warm-up.
/// </summary>
public sealed class LinearLR : LRScheduler
{
    /// <summary>Creates the scheduler and takes its first step.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="startFactor">The factor at epoch 0, in [0, 1] (PyTorch 1.13's range).</param>
    /// <param name="endFactor">The factor from epoch <paramref name="totalIters"/> on, in [0, 1].</param>
    /// <param name="totalIters">The number of epochs the factor takes to move.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    /// <exception cref="ArgumentException">A factor is outside [0, 1].</exception>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1)
        : base(Check(optimizer, startFactor, endFactor), lastEpoch)
    {
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    // PyTorch checks the factors before touching the optimizer's groups.
    private static Optimizer Check(Optimizer optimizer, double start, double end)
    {
        if (start > 1.0 || start < 0) throw new ArgumentException("Starting multiplicative factor expected to be between 0 and 1.");
        if (end > 1.0 || end < 0) throw new ArgumentException("Ending multiplicative factor expected to be between 0 and 1.");
        return optimizer;
    }

    /// <summary>The factor at epoch 0 (<c>start_factor</c>).</summary>
    public double StartFactor { get; private set; }

    /// <summary>The final factor (<c>end_factor</c>).</summary>
    public double EndFactor { get; private set; }

    /// <summary>The length of the ramp in epochs (<c>total_iters</c>).</summary>
    public int TotalIters { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return [.. lrs.Select(lr => lr * StartFactor)];
        if (LastEpoch > TotalIters) return lrs;
        return [.. lrs.Select(lr => lr * (1.0 + (EndFactor - StartFactor) / (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor))))];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr() =>
        [.. BaseLrs.Select(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters))];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["start_factor"] = StartFactor;
        state["end_factor"] = EndFactor;
        state["total_iters"] = TotalIters;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (TryRead(state, "start_factor", out double s)) StartFactor = s;
        if (TryRead(state, "end_factor", out double e)) EndFactor = e;
        if (TryRead(state, "total_iters", out int t)) TotalIters = t;
    }
}

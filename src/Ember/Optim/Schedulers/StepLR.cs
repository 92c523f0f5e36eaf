namespace Ember.Optim;

/// <summary>
/// Multiplies each group's lr by <see cref="Gamma"/> every <see cref="StepSize"/> epochs
/// (<c>torch.optim.lr_scheduler.StepLR</c>).
/// </summary>
public sealed class StepLR : LRScheduler
{
    /// <summary>Creates the scheduler and takes its first step.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="stepSize">The period, in epochs, of the decay.</param>
    /// <param name="gamma">The factor applied each period.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> is not positive (PyTorch fails later, at the first step, with a division by zero).</exception>
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"StepLR: step_size must be positive, got {stepSize}.");
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The decay period in epochs (<c>step_size</c>).</summary>
    public int StepSize { get; private set; }

    /// <summary>The decay factor (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        LastEpoch == 0 || FloorMod(LastEpoch, StepSize) != 0 ? CurrentLrs() : [.. CurrentLrs().Select(lr => lr * Gamma)];

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(Gamma, FloorDiv(LastEpoch, StepSize)))];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["step_size"] = StepSize;
        state["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (TryRead(state, "step_size", out int s)) StepSize = s;
        if (TryRead(state, "gamma", out double g)) Gamma = g;
    }
}

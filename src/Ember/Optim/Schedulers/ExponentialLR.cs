namespace Ember.Optim;

/// <summary>Multiplies each group's lr by <see cref="Gamma"/> every epoch (<c>torch.optim.lr_scheduler.ExponentialLR</c>).</summary>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Creates the scheduler and takes its first step.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="gamma">The factor applied each epoch.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The decay factor (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr() => LastEpoch == 0 ? CurrentLrs() : [.. CurrentLrs().Select(lr => lr * Gamma)];

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr() => [.. BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch))];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (TryRead(state, "gamma", out double g)) Gamma = g;
    }
}

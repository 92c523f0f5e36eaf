namespace Ember.Optim;

/// <summary>
/// Multiplies each group's lr by <see cref="Gamma"/> at each milestone epoch
/// (<c>torch.optim.lr_scheduler.MultiStepLR</c>); a milestone listed twice applies gamma twice.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    private Dictionary<int, int> _milestones;

    /// <summary>Creates the scheduler and takes its first step.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="milestones">The epochs at which to decay.</param>
    /// <param name="gamma">The factor applied at each milestone.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        // A multiset, as PyTorch's Counter.
        _milestones = milestones.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>How many times each milestone epoch was given (<c>milestones</c>, a Counter in PyTorch).</summary>
    public IReadOnlyDictionary<int, int> Milestones => _milestones;

    /// <summary>The decay factor (<c>gamma</c>).</summary>
    public double Gamma { get; private set; }

    /// <inheritdoc/>
    protected override double[] GetLr()
    {
        if (!_milestones.TryGetValue(LastEpoch, out int n)) return CurrentLrs();
        return [.. CurrentLrs().Select(lr => lr * Math.Pow(Gamma, n))];
    }

    /// <inheritdoc/>
    protected override double[]? GetClosedFormLr()
    {
        // bisect_right over the sorted milestones: how many are <= last_epoch.
        int passed = _milestones.Where(kv => kv.Key <= LastEpoch).Sum(kv => kv.Value);
        return [.. BaseLrs.Select(b => b * Math.Pow(Gamma, passed))];
    }

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["milestones"] = new Dictionary<int, int>(_milestones);
        state["gamma"] = Gamma;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (state.TryGetValue("milestones", out var m) && m is IReadOnlyDictionary<int, int> d) _milestones = new Dictionary<int, int>(d);
        if (TryRead(state, "gamma", out double g)) Gamma = g;
    }
}

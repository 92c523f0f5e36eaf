namespace Ember.Optim;

/// <summary>
/// Runs schedulers one after another, switching at the milestone epochs (<c>torch.optim.lr_scheduler.SequentialLR</c>):
/// scheduler i drives the lr from milestone i-1 on, and starts at its own epoch 0 there.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private int[] _milestones;

    /// <summary>Chains <paramref name="schedulers"/> (all on <paramref name="optimizer"/>) at <paramref name="milestones"/>.</summary>
    /// <param name="optimizer">The optimizer the schedulers share.</param>
    /// <param name="schedulers">The schedulers, in order; each was constructed (and so stepped once) already.</param>
    /// <param name="milestones">The epochs at which to switch to the next scheduler, one fewer than the schedulers.</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    /// <exception cref="ArgumentException">A scheduler belongs to another optimizer, or the counts don't fit.</exception>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones, int lastEpoch = -1)
        : base(Check(optimizer, schedulers, milestones), -1)
    {
        _schedulers = [.. schedulers];
        _milestones = [.. milestones];
        LastEpoch = lastEpoch + 1;
        // As PyTorch: undo the sub-schedulers' construction steps and restart the first from the initial lrs.
        foreach (var g in Groups) g.Lr = g.Get<double>("initial_lr");
        foreach (var s in _schedulers) s.LastEpoch -= 1;
        _schedulers[0].InitialStep();
        SetLastLr(_schedulers[0].GetLastLr());
    }

    private static Optimizer Check(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        for (int i = 0; i < schedulers.Count; i++)
        {
            if (!ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException("Sequential Schedulers expects all schedulers to belong to the same optimizer, but " +
                    $"got schedulers at index {i} to be different than the optimizer passed in.");
            if (!ReferenceEquals(schedulers[i].Optimizer, schedulers[0].Optimizer))
                throw new ArgumentException("Sequential Schedulers expects all schedulers to belong to the same optimizer, but " +
                    $"got schedulers at index 0 and {i} to be different.");
        }
        if (milestones.Count != schedulers.Count - 1)
            throw new ArgumentException("Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, " +
                $"but got number of schedulers {schedulers.Count} and the number of milestones to be equal to {milestones.Count}");
        return optimizer;
    }

    /// <summary>The chained schedulers.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    /// <summary>Advances one epoch with the scheduler whose stretch it is; at a milestone, that scheduler starts from epoch 0.</summary>
    public override void Step()
    {
        LastEpoch++;
        int idx = _milestones.Count(m => m <= LastEpoch); // bisect_right
        var scheduler = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) scheduler.Step(0);
        else scheduler.Step();
        SetLastLr(scheduler.GetLastLr());
    }

    /// <summary>Not supported: PyTorch's <c>SequentialLR.step()</c> takes no epoch.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void Step(int epoch) => throw new NotSupportedException("SequentialLR.Step takes no epoch (PyTorch's SequentialLR.step() has none).");

    /// <inheritdoc/>
    protected override double[] GetLr() => CurrentLrs();

    /// <summary>PyTorch's keys: <c>"_milestones"</c>, <c>"last_epoch"</c>, <c>"_last_lr"</c> and <c>"_schedulers"</c> (each scheduler's state dict).</summary>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["_milestones"] = (int[])_milestones.Clone();
        state["last_epoch"] = LastEpoch;
        state["_last_lr"] = GetLastLr().ToArray();
        state["_schedulers"] = _schedulers.Select(s => s.StateDict()).ToArray();
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (TryRead(state, "_milestones", out int[]? m) && m is not null) _milestones = m;
        if (TryRead(state, "last_epoch", out int e)) LastEpoch = e;
        if (TryRead(state, "_last_lr", out double[]? l) && l is not null) SetLastLr(l);
        if (state.TryGetValue("_schedulers", out var s) && s is IEnumerable<IReadOnlyDictionary<string, object?>> subs)
        {
            int i = 0;
            foreach (var sd in subs) _schedulers[i++].LoadStateDict(sd);
        }
    }
}

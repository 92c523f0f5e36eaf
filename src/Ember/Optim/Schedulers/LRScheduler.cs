namespace Ember.Optim;

/// <summary>
/// The base of the epoch-based learning-rate schedulers (<c>torch.optim.lr_scheduler._LRScheduler</c>,
/// PyTorch 1.13; <c>LRScheduler</c> in PyTorch 2). A scheduler changes its optimizer's group
/// <c>"lr"</c> each time <see cref="Step()"/> is called, once per epoch (or per batch, for OneCycleLR),
/// after <c>optimizer.Step()</c>. Constructing one already takes the first step (epoch 0).
/// </summary>
/// <remarks>
/// Like PyTorch, a new scheduler (<c>lastEpoch = -1</c>) records each group's starting lr as the group
/// option <c>"initial_lr"</c> (unless already there) and uses those as <see cref="BaseLrs"/>; resuming with
/// another <c>lastEpoch</c> requires <c>"initial_lr"</c> to be present. Most schedulers compute the next
/// lr from the group's current one (PyTorch's chainable <c>get_lr</c>, kept operation for operation so
/// the values agree with PyTorch to the bit); <see cref="Step(int)"/> jumps to an epoch with the closed
/// form where PyTorch has one. PyTorch's <c>verbose</c> printing and its step-order warnings are not reproduced.
/// </remarks>
public abstract class LRScheduler : Ember.Serialization.IStateful
{
    // Checkpoints hold schedulers through IStateful, whose StateDict is read-only.
    IReadOnlyDictionary<string, object?> Ember.Serialization.IStateful.StateDict() => StateDict();

    private double[] _baseLrs;
    private double[] _lastLr = [];

    /// <summary>Attaches to <paramref name="optimizer"/>; derived constructors set their options, then call <see cref="InitialStep"/>.</summary>
    /// <exception cref="KeyNotFoundException"><paramref name="lastEpoch"/> is not -1 and a group has no <c>"initial_lr"</c>.</exception>
    protected LRScheduler(Optimizer optimizer, int lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            if (lastEpoch == -1) { if (!groups[i].Has("initial_lr")) groups[i]["initial_lr"] = groups[i].Lr; }
            else if (!groups[i].Has("initial_lr"))
                throw new KeyNotFoundException($"param 'initial_lr' is not specified in param_groups[{i}] when resuming an optimizer");
        }
        _baseLrs = groups.Select(g => g.Get<double>("initial_lr")).ToArray();
        LastEpoch = lastEpoch;
    }

    /// <summary>The optimizer whose learning rates this scheduler sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Each group's starting learning rate (<c>base_lrs</c>, from <c>"initial_lr"</c>).</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>The number of the last epoch stepped to (<c>last_epoch</c>); 0 right after construction.</summary>
    public int LastEpoch { get; protected internal set; }

    /// <summary>How many times <see cref="Step()"/> ran, the constructor's step included (<c>_step_count</c>).</summary>
    protected int StepCount { get; set; }

    /// <summary>The optimizer's parameter groups.</summary>
    protected IReadOnlyList<ParamGroup> Groups => Optimizer.ParamGroups;

    /// <summary>The learning rates the last step set, one per group (<c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> GetLastLr() => (double[])_lastLr.Clone();

    /// <summary>Takes the first step (epoch 0, or <c>lastEpoch + 1</c> when resuming), as PyTorch's <c>_initial_step</c>.</summary>
    protected internal void InitialStep()
    {
        Optimizer.StepCount = 0;
        StepCount = 0;
        Step();
    }

    /// <summary>
    /// Advances one epoch and sets each group's lr (<c>scheduler.step()</c>). The first call after the
    /// constructor's warns, as in PyTorch, when <c>optimizer.Step()</c> has not run since: the order
    /// is optimizer first, then scheduler, or the schedule's first value is skipped.
    /// </summary>
    public virtual void Step()
    {
        WarnIfBeforeOptimizerStep();
        StepCount++;
        LastEpoch++;
        Apply(GetLr());
    }

    /// <summary>
    /// Jumps to <paramref name="epoch"/> (<c>scheduler.step(epoch)</c>, deprecated in PyTorch, which
    /// warns, as Ember does): the lr comes from the closed form where the scheduler has one, else from
    /// the chainable form.
    /// </summary>
    public virtual void Step(int epoch)
    {
        WarnIfBeforeOptimizerStep();
        StepCount++;
        Warnings.Warn(
            "The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. Please use " +
            "`scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, the closed form is " +
            "used instead of the new chainable form, where available. Please open an issue if you are unable to replicate your use " +
            "case: https://github.com/pytorch/pytorch/issues/new/choose.");
        LastEpoch = epoch;
        Apply(GetClosedFormLr() ?? GetLr());
    }

    // PyTorch's check for the pre-1.1 order, made on the first step after the constructor's.
    private void WarnIfBeforeOptimizerStep()
    {
        if (StepCount == 1 && Optimizer.StepCount < 1)
            Warnings.Warn(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them " +
                "in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch " +
                "skipping the first value of the learning rate schedule. See more details at " +
                "https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate");
    }

    /// <summary>The learning rates for <see cref="LastEpoch"/>, usually from the groups' current ones (<c>get_lr</c>).</summary>
    protected abstract double[] GetLr();

    /// <summary>The learning rates for <see cref="LastEpoch"/> from <see cref="BaseLrs"/> alone, or null where PyTorch has no closed form.</summary>
    protected virtual double[]? GetClosedFormLr() => null;

    /// <summary>Each group's current lr.</summary>
    protected double[] CurrentLrs() => Groups.Select(g => g.Lr).ToArray();

    /// <summary>Writes the lrs into the groups and remembers them for <see cref="GetLastLr"/>.</summary>
    protected void Apply(IReadOnlyList<double> lrs)
    {
        ArgumentNullException.ThrowIfNull(lrs);
        for (int i = 0; i < Groups.Count && i < lrs.Count; i++) Groups[i].Lr = lrs[i];
        _lastLr = CurrentLrs();
    }

    /// <summary>Sets what <see cref="GetLastLr"/> returns (for schedulers that delegate, like SequentialLR).</summary>
    protected void SetLastLr(IReadOnlyList<double> lrs) => _lastLr = [.. lrs];

    /// <summary>
    /// The scheduler's state with PyTorch's keys (<c>state_dict()</c>: every attribute but the
    /// optimizer): <c>"base_lrs"</c>, <c>"last_epoch"</c>, <c>"_step_count"</c>, <c>"_last_lr"</c>,
    /// <c>"verbose"</c>, <c>"_get_lr_called_within_step"</c> and each scheduler's options. Lists are
    /// <c>double[]</c>, counts <c>int</c>; everything is copied.
    /// </summary>
    public Dictionary<string, object?> StateDict()
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        SaveState(d);
        return d;
    }

    /// <summary>
    /// Restores a state from <see cref="StateDict"/> (<c>load_state_dict</c>): like PyTorch's
    /// <c>__dict__.update</c>, the keys present replace the scheduler's values and others stay. Load the
    /// optimizer's state too: the chainable forms continue from the groups' current lrs.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        LoadState(stateDict);
    }

    /// <summary>Adds this scheduler's entries to a state dict; overrides call the base first.</summary>
    protected virtual void SaveState(Dictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state["base_lrs"] = (double[])_baseLrs.Clone();
        state["last_epoch"] = LastEpoch;
        state["verbose"] = false;
        state["_step_count"] = StepCount;
        state["_get_lr_called_within_step"] = false;
        state["_last_lr"] = (double[])_lastLr.Clone();
    }

    /// <summary>Reads this scheduler's entries back; overrides call the base first.</summary>
    protected virtual void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (TryRead(state, "base_lrs", out double[]? b) && b is not null) _baseLrs = b;
        if (TryRead(state, "last_epoch", out int e)) LastEpoch = e;
        if (TryRead(state, "_step_count", out int s)) StepCount = s;
        if (TryRead(state, "_last_lr", out double[]? l) && l is not null) _lastLr = l;
    }

    /// <summary>
    /// Reads an entry when present, converting numbers (int, long, double) and copying arrays and
    /// number lists into <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="InvalidCastException">The entry has a type that can't become <typeparamref name="T"/>.</exception>
    protected static bool TryRead<T>(IReadOnlyDictionary<string, object?> state, string key, out T value)
    {
        ArgumentNullException.ThrowIfNull(state);
        value = default!;
        if (!state.TryGetValue(key, out var o)) return false;
        value = SchedulerState.Convert<T>(o, key);
        return true;
    }

    /// <summary>Python's floor division (<c>a // b</c>), which rounds toward negative infinity.</summary>
    protected static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);

    /// <summary>Python's modulo (<c>a % b</c>), whose result has the divisor's sign.</summary>
    protected static int FloorMod(int a, int b) => ((a % b) + b) % b;
}

// Conversions for values read back from a scheduler state dict, which may have been built by hand
// or read from elsewhere (numbers as long or double, lists as arrays or lists).
internal static class SchedulerState
{
    public static T Convert<T>(object? o, string key)
    {
        if (o is T t) return t is double[] a ? (T)(object)a.Clone() : t;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (typeof(T) == typeof(double) && o is IConvertible c) return (T)(object)c.ToDouble(inv);
        if (typeof(T) == typeof(int) && o is IConvertible ci) return (T)(object)ci.ToInt32(inv);
        if (typeof(T) == typeof(double[]) && o is System.Collections.IEnumerable e)
            return (T)(object)e.Cast<object>().Select(x => System.Convert.ToDouble(x, inv)).ToArray();
        if (typeof(T) == typeof(int[]) && o is System.Collections.IEnumerable ei)
            return (T)(object)ei.Cast<object>().Select(x => System.Convert.ToInt32(x, inv)).ToArray();
        throw new InvalidCastException($"scheduler state '{key}' is {o?.GetType().Name ?? "null"}, not {typeof(T).Name}.");
    }
}

namespace Ember.Optim;

/// <summary>
/// Reduces each group's lr by <see cref="Factor"/> when a metric has stopped improving for
/// <see cref="Patience"/> epochs (<c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>). Call
/// <see cref="Step(double)"/> with the metric (a validation loss, say) once per epoch.
/// </summary>
/// <remarks>
/// "Improving" means, with mode "min" and threshold mode "rel", below best · (1 - threshold); "abs" uses
/// best - threshold; mode "max" mirrors both. After a reduction, <see cref="Cooldown"/> epochs pass
/// before bad epochs count again. An lr never goes below the group's min_lr, and a reduction smaller
/// than <see cref="Eps"/> is skipped. As in PyTorch 1.13 this is not an <see cref="LRScheduler"/>; its
/// <see cref="GetLastLr"/> starts as the groups' lrs at construction (as PyTorch 2's does).
/// </remarks>
public sealed class ReduceLROnPlateau : Ember.Serialization.IStateful
{
    private double[] _minLrs;
    private double[] _lastLr;

    /// <summary>One minimum lr for every group.</summary>
    /// <param name="optimizer">The optimizer whose lrs to reduce.</param>
    /// <param name="mode">"min" (the metric should fall) or "max" (it should rise).</param>
    /// <param name="factor">The factor applied at a reduction (below 1).</param>
    /// <param name="patience">Epochs without improvement tolerated before reducing.</param>
    /// <param name="threshold">The least change that counts as an improvement.</param>
    /// <param name="thresholdMode">"rel" (relative to the best) or "abs".</param>
    /// <param name="cooldown">Epochs to wait after a reduction before counting bad epochs again.</param>
    /// <param name="minLr">The lowest lr.</param>
    /// <param name="eps">The least reduction worth applying.</param>
    public ReduceLROnPlateau(Optimizer optimizer, string mode = "min", double factor = 0.1, int patience = 10, double threshold = 1e-4,
        string thresholdMode = "rel", int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, Repeat(optimizer, minLr), eps) { }

    /// <summary>One minimum lr per group; the other arguments as in the other constructor.</summary>
    /// <exception cref="ArgumentException"><paramref name="factor"/> is 1 or more, the number of minimum lrs is not the number of groups, or a mode is unknown.</exception>
    public ReduceLROnPlateau(Optimizer optimizer, string mode, double factor, int patience, double threshold,
        string thresholdMode, int cooldown, IReadOnlyList<double> minLr, double eps = 1e-8)
    {
        if (factor >= 1.0) throw new ArgumentException("Factor should be < 1.0.", nameof(factor));
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLr);
        Optimizer = optimizer;
        Factor = factor;
        if (minLr.Count != optimizer.ParamGroups.Count)
            throw new ArgumentException($"expected {optimizer.ParamGroups.Count} min_lrs, got {minLr.Count}", nameof(minLr));
        _minLrs = [.. minLr];
        Patience = patience;
        Cooldown = cooldown;
        Eps = eps;
        LastEpoch = 0;
        InitIsBetter(mode, threshold, thresholdMode);
        Reset();
        _lastLr = [.. optimizer.ParamGroups.Select(g => g.Lr)];
    }

    private static double[] Repeat(Optimizer optimizer, double v)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return [.. Enumerable.Repeat(v, optimizer.ParamGroups.Count)];
    }

    /// <summary>The optimizer whose lrs this reduces.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>"min" or "max".</summary>
    public string Mode { get; private set; } = "min";

    /// <summary>The factor applied at a reduction.</summary>
    public double Factor { get; private set; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; private set; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double Threshold { get; private set; }

    /// <summary>"rel" or "abs".</summary>
    public string ThresholdMode { get; private set; } = "rel";

    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; private set; }

    /// <summary>The least reduction worth applying.</summary>
    public double Eps { get; private set; }

    /// <summary>Each group's lowest lr (<c>min_lrs</c>).</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>The best metric seen so far (starts at +inf for "min", -inf for "max").</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement (<c>num_bad_epochs</c>).</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left (<c>cooldown_counter</c>).</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of the last epoch stepped (<c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }

    private double ModeWorse => Mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>The groups' lrs after the last step (<c>_last_lr</c>).</summary>
    public IReadOnlyList<double> GetLastLr() => (double[])_lastLr.Clone();

    private void Reset()
    {
        Best = ModeWorse;
        CooldownCounter = 0;
        NumBadEpochs = 0;
    }

    /// <summary>Records this epoch's metric and reduces the lrs if it has not improved for too long (<c>scheduler.step(metrics)</c>).</summary>
    public void Step(double metrics)
    {
        double current = metrics;
        int epoch = LastEpoch + 1;
        LastEpoch = epoch;
        if (IsBetter(current, Best))
        {
            Best = current;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // bad epochs in cooldown don't count
        }
        if (NumBadEpochs > Patience)
        {
            ReduceLr();
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLr = [.. Optimizer.ParamGroups.Select(g => g.Lr)];
    }

    /// <summary>Records a metric held in a one-element tensor (<c>scheduler.step(loss)</c>).</summary>
    public void Step(Tensor metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Step(metrics.Item<double>());
    }

    private void ReduceLr()
    {
        var groups = Optimizer.ParamGroups;
        for (int i = 0; i < groups.Count; i++)
        {
            double oldLr = groups[i].Lr;
            double newLr = Math.Max(oldLr * Factor, _minLrs[i]);
            if (oldLr - newLr > Eps) groups[i].Lr = newLr;
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        ("min", "rel") => a < best * (1.0 - Threshold),
        ("min", _) => a < best - Threshold,
        (_, "rel") => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    private void InitIsBetter(string mode, double threshold, string thresholdMode)
    {
        if (mode is not ("min" or "max")) throw new ArgumentException($"mode {mode} is unknown!", nameof(mode));
        if (thresholdMode is not ("rel" or "abs")) throw new ArgumentException($"threshold mode {thresholdMode} is unknown!", nameof(thresholdMode));
        Mode = mode;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
    }

    /// <summary>The state with PyTorch's keys (every attribute but the optimizer); see <see cref="LRScheduler.StateDict"/>.</summary>
    public Dictionary<string, object?> StateDict() => new(StringComparer.Ordinal)
    {
        ["factor"] = Factor, ["min_lrs"] = (double[])_minLrs.Clone(), ["patience"] = Patience, ["verbose"] = false,
        ["cooldown"] = Cooldown, ["cooldown_counter"] = CooldownCounter, ["mode"] = Mode, ["threshold"] = Threshold,
        ["threshold_mode"] = ThresholdMode, ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["mode_worse"] = ModeWorse,
        ["eps"] = Eps, ["last_epoch"] = LastEpoch, ["_last_lr"] = (double[])_lastLr.Clone(),
    };

    /// <summary>Restores a state from <see cref="StateDict"/>; keys present replace the current values, as PyTorch's <c>__dict__.update</c>.</summary>
    /// <exception cref="ArgumentException">The state names an unknown mode.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, object?> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        T Get<T>(string k, T current) => stateDict.TryGetValue(k, out var o) ? SchedulerState.Convert<T>(o, k) : current;
        Factor = Get("factor", Factor);
        _minLrs = Get("min_lrs", _minLrs);
        Patience = Get("patience", Patience);
        Cooldown = Get("cooldown", Cooldown);
        CooldownCounter = Get("cooldown_counter", CooldownCounter);
        Best = Get("best", Best);
        NumBadEpochs = Get("num_bad_epochs", NumBadEpochs);
        Eps = Get("eps", Eps);
        LastEpoch = Get("last_epoch", LastEpoch);
        _lastLr = Get("_last_lr", _lastLr);
        InitIsBetter(Get("mode", Mode), Get("threshold", Threshold), Get("threshold_mode", ThresholdMode));
    }

    IReadOnlyDictionary<string, object?> Ember.Serialization.IStateful.StateDict() => StateDict();
}

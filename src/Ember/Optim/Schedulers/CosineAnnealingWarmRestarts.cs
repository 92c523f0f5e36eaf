namespace Ember.Optim;

/// <summary>
/// Cosine annealing with warm restarts (<c>torch.optim.lr_scheduler.CosineAnnealingWarmRestarts</c>,
/// SGDR): lr = eta_min + (base_lr - eta_min)(1 + cos(pi·T_cur/T_i))/2, where T_cur counts epochs since
/// the last restart and the period T_i starts at <see cref="T0"/> and is multiplied by
/// <see cref="TMult"/> at each restart.
/// </summary>
/// <remarks>
/// Meant to be stepped per batch with a fractional epoch, <c>Step(epoch + i / (double)iters)</c>, or
/// once per epoch with <see cref="Step()"/>. As in PyTorch, <see cref="LRScheduler.LastEpoch"/> is the
/// floor of the last epoch given.
/// </remarks>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    /// <summary>Creates the scheduler and takes its first step.</summary>
    /// <param name="optimizer">The optimizer whose lrs to set.</param>
    /// <param name="t0">The number of epochs before the first restart (<c>T_0</c>).</param>
    /// <param name="tMult">The factor by which the period grows after each restart (<c>T_mult</c>).</param>
    /// <param name="etaMin">The lowest lr (<c>eta_min</c>).</param>
    /// <param name="lastEpoch">The last epoch already done (-1 to start afresh).</param>
    /// <exception cref="ArgumentException"><paramref name="t0"/> is not positive or <paramref name="tMult"/> is below 1.</exception>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (t0 <= 0) throw new ArgumentException($"Expected positive integer T_0, but got {t0}", nameof(t0));
        if (tMult < 1) throw new ArgumentException($"Expected integer T_mult >= 1, but got {tMult}", nameof(tMult));
        T0 = t0;
        Ti = t0;
        TMult = tMult;
        EtaMin = etaMin;
        TCur = lastEpoch;
        InitialStep();
    }

    /// <summary>The first period in epochs (<c>T_0</c>).</summary>
    public int T0 { get; private set; }

    /// <summary>The period's growth factor (<c>T_mult</c>).</summary>
    public int TMult { get; private set; }

    /// <summary>The lowest lr (<c>eta_min</c>).</summary>
    public double EtaMin { get; private set; }

    /// <summary>The current period in epochs (<c>T_i</c>).</summary>
    public int Ti { get; private set; }

    /// <summary>Epochs since the last restart, possibly fractional (<c>T_cur</c>).</summary>
    public double TCur { get; private set; }

    /// <summary>Advances one epoch, restarting when the period is over.</summary>
    /// <remarks>As PyTorch's override, this does not count toward <c>_step_count</c>.</remarks>
    public override void Step()
    {
        if (LastEpoch < 0) { Step(0.0); return; }
        int epoch = LastEpoch + 1;
        TCur += 1;
        if (TCur >= Ti)
        {
            TCur -= Ti;
            Ti *= TMult;
        }
        LastEpoch = epoch;
        Apply(GetLr());
    }

    /// <summary>Jumps to <paramref name="epoch"/>; same as <see cref="Step(double)"/>.</summary>
    public override void Step(int epoch) => Step((double)epoch);

    /// <summary>Jumps to a possibly fractional <paramref name="epoch"/>, finding the period it falls in.</summary>
    /// <exception cref="ArgumentException"><paramref name="epoch"/> is negative.</exception>
    public void Step(double epoch)
    {
        if (!(epoch >= 0)) throw new ArgumentException($"Expected non-negative epoch, but got {Optimizer.Num(epoch)}", nameof(epoch));
        if (epoch >= T0)
        {
            if (TMult == 1) TCur = epoch % T0;
            else
            {
                // n restarts have happened when T_0 (T_mult^n - 1)/(T_mult - 1) <= epoch; Python's math.log(x, base) is log(x)/log(base).
                int n = (int)(Math.Log(epoch / T0 * (TMult - 1) + 1) / Math.Log(TMult));
                long pow = 1;
                for (int k = 0; k < n; k++) pow *= TMult;
                TCur = epoch - (double)(T0 * (pow - 1)) / (TMult - 1);
                Ti = checked((int)(T0 * pow));
            }
        }
        else
        {
            Ti = T0;
            TCur = epoch;
        }
        LastEpoch = (int)Math.Floor(epoch);
        Apply(GetLr());
    }

    /// <inheritdoc/>
    protected override double[] GetLr() =>
        [.. BaseLrs.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * TCur / Ti)) / 2)];

    /// <inheritdoc/>
    protected override void SaveState(Dictionary<string, object?> state)
    {
        base.SaveState(state);
        state["T_0"] = T0;
        state["T_i"] = Ti;
        state["T_mult"] = TMult;
        state["eta_min"] = EtaMin;
        state["T_cur"] = TCur;
    }

    /// <inheritdoc/>
    protected override void LoadState(IReadOnlyDictionary<string, object?> state)
    {
        base.LoadState(state);
        if (TryRead(state, "T_0", out int t0)) T0 = t0;
        if (TryRead(state, "T_i", out int ti)) Ti = ti;
        if (TryRead(state, "T_mult", out int tm)) TMult = tm;
        if (TryRead(state, "eta_min", out double e)) EtaMin = e;
        if (TryRead(state, "T_cur", out double c)) TCur = c;
    }
}

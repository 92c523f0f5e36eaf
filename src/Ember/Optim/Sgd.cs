namespace Ember.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay
/// (<c>torch.optim.SGD</c>, PyTorch 1.13 single-tensor update). State: <c>"momentum_buffer"</c>
/// (only when momentum is non-zero; PyTorch stores <c>None</c> there otherwise).
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>SGD over <paramref name="parameters"/>; <paramref name="lr"/> is required, as in PyTorch 1.13.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor (0 = none).</param>
    /// <param name="dampening">Dampening for momentum.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and zero dampening).</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    /// <summary>SGD over parameter groups; a group's own options override these. With <paramref name="lr"/> null every group must set <c>"lr"</c>.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Default learning rate (null: each group must give one).</param>
    /// <param name="momentum">Momentum factor (0 = none).</param>
    /// <param name="dampening">Dampening for momentum.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum &gt; 0 and zero dampening).</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Sgd(IEnumerable<ParamGroup> groups, double? lr = null, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, momentum, dampening, weightDecay, nesterov, maximize)) { }

    private static Dictionary<string, object> MakeDefaults(double? lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize)
    {
        if (lr is double l) Require(l >= 0, "learning rate", l);
        Require(momentum >= 0, "momentum value", momentum);
        Require(weightDecay >= 0, "weight_decay value", weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening");
        var d = new Dictionary<string, object>(StringComparer.Ordinal);
        if (lr is double lv) d["lr"] = lv;
        d["momentum"] = momentum;
        d["dampening"] = dampening;
        d["weight_decay"] = weightDecay;
        d["nesterov"] = nesterov;
        d["maximize"] = maximize;
        return d;
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, momentum = group.Get<double>("momentum"), dampening = group.Get<double>("dampening");
        double weightDecay = group.Get<double>("weight_decay");
        bool nesterov = group.Get<bool>("nesterov"), maximize = group.Get<bool>("maximize");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            if (FusedUpdates.Eligible(p, grad))
            {
                Tensor? b = null;
                bool fresh = false;
                if (momentum != 0)
                {
                    var st = StateOf(p);
                    if (st.TryGetValue("momentum_buffer", out var ob) && ob is Tensor existing && FusedUpdates.Eligible(p, grad, existing)) b = existing;
                    else if (ob is null) { st["momentum_buffer"] = b = Tensor.ZerosLike(p); fresh = true; }
                }
                if (momentum == 0 || b is not null)
                {
                    FusedUpdates.Sgd(p, grad, b, fresh, lr, momentum, dampening, weightDecay, nesterov, maximize);
                    continue;
                }
            }
            var dp = maximize ? grad.Neg() : grad;
            if (weightDecay != 0) dp = dp.Add(p, weightDecay);
            if (momentum != 0)
            {
                var state = StateOf(p);
                if (state.TryGetValue("momentum_buffer", out var o) && o is Tensor buf)
                    buf.Mul_(momentum).Add_(dp, 1 - dampening);
                else
                    state["momentum_buffer"] = buf = dp.Clone();
                dp = nesterov ? dp.Add(buf, momentum) : buf;
            }
            p.Add_(dp, -lr);
        }
    }
}

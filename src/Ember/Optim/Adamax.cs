namespace Ember.Optim;

/// <summary>
/// Adamax, Adam with the infinity norm (<c>torch.optim.Adamax</c>, PyTorch 1.13 single-tensor update).
/// State: <c>"step"</c> (0-d float32 tensor), <c>"exp_avg"</c>, <c>"exp_inf"</c>.
/// </summary>
public sealed class Adamax : Optimizer
{
    /// <summary>Adamax over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first moment and of the infinity norm.</param>
    /// <param name="eps">Added to the norm for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adamax(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, maximize)) { }

    /// <summary>Adamax over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first moment and of the infinity norm.</param>
    /// <param name="eps">Added to the norm for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adamax(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool maximize = false)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, maximize)) { }

    private static Dictionary<string, object> MakeDefaults(double lr, (double, double) betas, double eps, double weightDecay, bool maximize)
    {
        Adam.CheckAdamLike(lr, betas, eps, weightDecay);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        };
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        bool maximize = group.Get<bool>("maximize");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            var expAvg = StateTensor(state, "exp_avg", () => Tensor.ZerosLike(p));
            var expInf = StateTensor(state, "exp_inf", () => Tensor.ZerosLike(p));
            double step = IncrementStep(state);
            double clr = lr / (1 - Math.Pow(beta1, step));
            if (FusedUpdates.Eligible(p, grad, expAvg, expInf))
            {
                FusedUpdates.Adamax(p, grad, expAvg, expInf, maximize, weightDecay, beta1, beta2, eps, clr);
                continue;
            }
            if (maximize) grad = grad.Neg();
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);

            expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
            // PyTorch: amax(cat([exp_inf * beta2, |grad| + eps]), 0); maximum gives the same values (NaN included).
            expInf.Mul_(beta2);
            expInf.Copy_(Tensor.Maximum(expInf, grad.Abs().Add_(eps)));
            p.Addcdiv_(expAvg, expInf, -clr);
        }
    }
}

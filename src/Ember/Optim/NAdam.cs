namespace Ember.Optim;

/// <summary>
/// NAdam, Adam with Nesterov momentum (<c>torch.optim.NAdam</c>, PyTorch 1.13 single-tensor update;
/// 1.13 has no <c>maximize</c> or decoupled decay here). State: <c>"step"</c> and <c>"mu_product"</c>
/// (0-d float32 tensors, as in PyTorch, so the momentum product is accumulated in float32),
/// <c>"exp_avg"</c>, <c>"exp_avg_sq"</c>.
/// </summary>
public sealed class NAdam : Optimizer
{
    /// <summary>NAdam over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentumDecay">Momentum decay (the schedule <c>mu_t = beta1 (1 - 0.5 * 0.96^(t * momentum_decay))</c>).</param>
    public NAdam(IEnumerable<Tensor> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, momentumDecay)) { }

    /// <summary>NAdam over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentumDecay">Momentum decay.</param>
    public NAdam(IEnumerable<ParamGroup> groups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, double momentumDecay = 4e-3)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, momentumDecay)) { }

    private static Dictionary<string, object> MakeDefaults(double lr, (double, double) betas, double eps, double weightDecay, double momentumDecay)
    {
        Adam.CheckAdamLike(lr, betas, eps, weightDecay);
        Require(momentumDecay >= 0, "momentum_decay value", momentumDecay);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = weightDecay, ["momentum_decay"] = momentumDecay,
        };
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        double momentumDecay = group.Get<double>("momentum_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            var muProduct = StateTensor(state, "mu_product", static () => Tensor.Scalar(1.0, DType.Float32));
            var expAvg = StateTensor(state, "exp_avg", () => Tensor.ZerosLike(p));
            var expAvgSq = StateTensor(state, "exp_avg_sq", () => Tensor.ZerosLike(p));
            double step = IncrementStep(state);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);

            double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * momentumDecay));
            double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
            muProduct.Mul_(mu);
            var muProductNext = muProduct * mu * muNext;

            double s1 = -lr * (1.0 - mu) / (1.0 - muProduct.Item<double>());
            double s2 = -lr * muNext / (1.0 - muProductNext.Item<double>());
            if (FusedUpdates.Eligible(p, grad, expAvg, expAvgSq))
            {
                FusedUpdates.NAdam(p, grad, expAvg, expAvgSq, weightDecay, beta1, beta2, biasCorrection2, eps, s1, s2);
                continue;
            }
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);
            expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
            expAvgSq.Mul_(beta2).Addcmul_(grad, grad, 1 - beta2);
            var denom = expAvgSq.Div(biasCorrection2).Sqrt().Add_(eps);
            p.Addcdiv_(grad, denom, s1);
            p.Addcdiv_(expAvg, denom, s2);
        }
    }
}

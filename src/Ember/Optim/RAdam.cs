namespace Ember.Optim;

/// <summary>
/// RAdam, rectified Adam (<c>torch.optim.RAdam</c>, PyTorch 1.13 single-tensor update; 1.13 has no
/// <c>maximize</c> or decoupled decay here). While the variance is intractable (rho_t &lt;= 5) the
/// step is un-adapted momentum SGD. State: <c>"step"</c> (0-d float32 tensor), <c>"exp_avg"</c>,
/// <c>"exp_avg_sq"</c>.
/// </summary>
public sealed class RAdam : Optimizer
{
    /// <summary>RAdam over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    public RAdam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay)) { }

    /// <summary>RAdam over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    public RAdam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay)) { }

    private static Dictionary<string, object> MakeDefaults(double lr, (double, double) betas, double eps, double weightDecay)
    {
        Adam.CheckAdamLike(lr, betas, eps, weightDecay);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = weightDecay,
        };
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            var expAvg = StateTensor(state, "exp_avg", () => Tensor.ZerosLike(p));
            var expAvgSq = StateTensor(state, "exp_avg_sq", () => Tensor.ZerosLike(p));
            double step = IncrementStep(state);
            double biasCorrection1 = 1 - Math.Pow(beta1, step);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * step * Math.Pow(beta2, step) / biasCorrection2;
            double? rectOrNull = rhoT > 5.0 ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
            if (FusedUpdates.Eligible(p, grad, expAvg, expAvgSq))
            {
                FusedUpdates.RAdam(p, grad, expAvg, expAvgSq, weightDecay, beta1, beta2, biasCorrection1, Math.Sqrt(biasCorrection2), eps, lr, rectOrNull);
                continue;
            }
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);

            expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
            expAvgSq.Mul_(beta2).Addcmul_(grad, grad, 1 - beta2);
            var biasCorrectedExpAvg = expAvg / biasCorrection1;
            if (rectOrNull is double rect)
            {
                // Python's `number / tensor` is tensor.reciprocal() * number.
                var adaptiveLr = expAvgSq.Sqrt().Add_(eps).Reciprocal() * Math.Sqrt(biasCorrection2);
                p.Add_(biasCorrectedExpAvg * lr * adaptiveLr * rect, -1.0);
            }
            else p.Add_(biasCorrectedExpAvg * lr, -1.0);
        }
    }
}

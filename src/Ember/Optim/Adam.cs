namespace Ember.Optim;

/// <summary>
/// Adam (<c>torch.optim.Adam</c>, PyTorch 1.13 single-tensor update), with L2 weight decay added to
/// the gradient, AMSGrad and maximize. State: <c>"step"</c> (0-d float32 tensor), <c>"exp_avg"</c>,
/// <c>"exp_avg_sq"</c> and, with AMSGrad, <c>"max_exp_avg_sq"</c>.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Adam over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="amsgrad">Use the AMSGrad variant (running maximum of the second moment).</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    /// <summary>Adam over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="amsgrad">Use the AMSGrad variant (running maximum of the second moment).</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    private protected Adam(IEnumerable<Tensor> parameters, Dictionary<string, object> defaults) : base(parameters, defaults) { }

    private protected Adam(IEnumerable<ParamGroup> groups, Dictionary<string, object> defaults) : base(groups, defaults) { }

    private protected static Dictionary<string, object> MakeDefaults(double lr, (double, double) betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        CheckAdamLike(lr, betas, eps, weightDecay);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize,
        };
    }

    /// <summary>The checks Adam, AdamW, Adamax, NAdam and RAdam share, with PyTorch's messages.</summary>
    internal static void CheckAdamLike(double lr, (double, double) betas, double eps, double weightDecay)
    {
        Require(lr >= 0, "learning rate", lr);
        Require(eps >= 0, "epsilon value", eps);
        Require(betas.Item1 >= 0 && betas.Item1 < 1, "beta parameter at index 0", betas.Item1);
        Require(betas.Item2 >= 0 && betas.Item2 < 1, "beta parameter at index 1", betas.Item2);
        Require(weightDecay >= 0, "weight_decay value", weightDecay);
    }

    /// <summary>True for AdamW: decoupled weight decay (the parameter shrinks) instead of an L2 term in the gradient.</summary>
    private protected virtual bool Decoupled => false;

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, eps = group.Get<double>("eps"), weightDecay = group.Get<double>("weight_decay");
        var (beta1, beta2) = group.Get<(double, double)>("betas");
        bool amsgrad = group.Get<bool>("amsgrad"), maximize = group.Get<bool>("maximize");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            var expAvg = StateTensor(state, "exp_avg", () => Tensor.ZerosLike(p));
            var expAvgSq = StateTensor(state, "exp_avg_sq", () => Tensor.ZerosLike(p));
            var maxExpAvgSq = amsgrad ? StateTensor(state, "max_exp_avg_sq", () => Tensor.ZerosLike(p)) : null;
            double step = IncrementStep(state);
            if (FusedUpdates.Eligible(p, grad, expAvg, expAvgSq, maxExpAvgSq))
            {
                double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
                FusedUpdates.Adam(p, grad, expAvg, expAvgSq, maxExpAvgSq, maximize, Decoupled, lr, weightDecay, beta1, beta2,
                    Math.Sqrt(bc2), eps, lr / bc1);
                continue;
            }
            if (maximize) grad = grad.Neg();
            if (Decoupled) p.Mul_(1 - lr * weightDecay);
            else if (weightDecay != 0) grad = grad.Add(p, weightDecay);

            expAvg.Mul_(beta1).Add_(grad, 1 - beta1);
            expAvgSq.Mul_(beta2).Addcmul_(grad, grad, 1 - beta2);

            double biasCorrection1 = 1 - Math.Pow(beta1, step);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            double stepSize = lr / biasCorrection1;
            double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
            Tensor denom;
            if (maxExpAvgSq is not null)
            {
                maxExpAvgSq.Copy_(Tensor.Maximum(maxExpAvgSq, expAvgSq));
                denom = maxExpAvgSq.Sqrt().Div_(biasCorrection2Sqrt).Add_(eps);
            }
            else denom = expAvgSq.Sqrt().Div_(biasCorrection2Sqrt).Add_(eps);
            p.Addcdiv_(expAvg, denom, -stepSize);
        }
    }
}

/// <summary>
/// AdamW (<c>torch.optim.AdamW</c>, PyTorch 1.13 single-tensor update): Adam with decoupled weight
/// decay (each step multiplies the parameter by <c>1 - lr * weight_decay</c>); default weight decay 0.01.
/// Same state as <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>AdamW over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Decoupled weight decay coefficient.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    /// <summary>AdamW over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="betas">Decay rates of the first and second moment averages.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">Decoupled weight decay coefficient.</param>
    /// <param name="amsgrad">Use the AMSGrad variant.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
        double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize)) { }

    private protected override bool Decoupled => true;
}

namespace Ember.Optim;

/// <summary>
/// RMSprop (<c>torch.optim.RMSprop</c>, PyTorch 1.13 single-tensor update), optionally centered and
/// with momentum. State: <c>"step"</c> (a plain <c>long</c>, as PyTorch 1.13 keeps an int),
/// <c>"square_avg"</c>, <c>"momentum_buffer"</c> (momentum &gt; 0) and <c>"grad_avg"</c> (centered).
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>RMSprop over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant of the squared-gradient average.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentum">Momentum factor (0 = none).</param>
    /// <param name="centered">Normalise by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public RmsProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(parameters, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    /// <summary>RMSprop over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Smoothing constant of the squared-gradient average.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="momentum">Momentum factor (0 = none).</param>
    /// <param name="centered">Normalise by the estimated variance of the gradient instead of its second moment.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public RmsProp(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(groups, MakeDefaults(lr, alpha, eps, weightDecay, momentum, centered, maximize)) { }

    private static Dictionary<string, object> MakeDefaults(double lr, double alpha, double eps, double weightDecay, double momentum, bool centered, bool maximize)
    {
        Require(lr >= 0, "learning rate", lr);
        Require(eps >= 0, "epsilon value", eps);
        Require(momentum >= 0, "momentum value", momentum);
        Require(weightDecay >= 0, "weight_decay value", weightDecay);
        Require(alpha >= 0, "alpha value", alpha);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["momentum"] = momentum, ["alpha"] = alpha, ["eps"] = eps, ["centered"] = centered,
            ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        };
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, alpha = group.Get<double>("alpha"), eps = group.Get<double>("eps");
        double weightDecay = group.Get<double>("weight_decay"), momentum = group.Get<double>("momentum");
        bool centered = group.Get<bool>("centered"), maximize = group.Get<bool>("maximize");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            var squareAvg = StateTensor(state, "square_avg", () => Tensor.ZerosLike(p));
            var buf = momentum > 0 ? StateTensor(state, "momentum_buffer", () => Tensor.ZerosLike(p)) : null;
            var gradAvg = centered ? StateTensor(state, "grad_avg", () => Tensor.ZerosLike(p)) : null;
            IncrementIntStep(state);
            if (FusedUpdates.Eligible(p, grad, squareAvg, buf, gradAvg))
            {
                FusedUpdates.RmsProp(p, grad, squareAvg, buf, gradAvg, maximize, lr, alpha, eps, weightDecay, momentum);
                continue;
            }

            if (maximize) grad = grad.Neg();
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);
            squareAvg.Mul_(alpha).Addcmul_(grad, grad, 1 - alpha);
            Tensor avg;
            if (gradAvg is not null)
            {
                gradAvg.Mul_(alpha).Add_(grad, 1 - alpha);
                avg = squareAvg.Addcmul(gradAvg, gradAvg, -1).Sqrt_();
            }
            else avg = squareAvg.Sqrt();
            avg.Add_(eps);
            if (buf is not null)
            {
                buf.Mul_(momentum).Addcdiv_(grad, avg);
                p.Add_(buf, -lr);
            }
            else p.Addcdiv_(grad, avg, -lr);
        }
    }
}

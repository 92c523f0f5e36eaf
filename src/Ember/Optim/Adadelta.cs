namespace Ember.Optim;

/// <summary>
/// Adadelta (<c>torch.optim.Adadelta</c>, PyTorch 1.13 single-tensor update). State: <c>"step"</c>
/// (a plain <c>long</c>), <c>"square_avg"</c>, <c>"acc_delta"</c>.
/// </summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>Adadelta over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Coefficient that scales the delta before it is applied.</param>
    /// <param name="rho">Decay of the running averages.</param>
    /// <param name="eps">Added inside the square roots for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0, bool maximize = false)
        : base(parameters, MakeDefaults(lr, rho, eps, weightDecay, maximize)) { }

    /// <summary>Adadelta over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Coefficient that scales the delta before it is applied.</param>
    /// <param name="rho">Decay of the running averages.</param>
    /// <param name="eps">Added inside the square roots for numerical stability.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adadelta(IEnumerable<ParamGroup> groups, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0, bool maximize = false)
        : base(groups, MakeDefaults(lr, rho, eps, weightDecay, maximize)) { }

    private static Dictionary<string, object> MakeDefaults(double lr, double rho, double eps, double weightDecay, bool maximize)
    {
        Require(lr >= 0, "learning rate", lr);
        Require(rho >= 0 && rho <= 1, "rho value", rho);
        Require(eps >= 0, "epsilon value", eps);
        Require(weightDecay >= 0, "weight_decay value", weightDecay);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["rho"] = rho, ["eps"] = eps, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        };
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, rho = group.Get<double>("rho"), eps = group.Get<double>("eps");
        double weightDecay = group.Get<double>("weight_decay");
        bool maximize = group.Get<bool>("maximize");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            var squareAvg = StateTensor(state, "square_avg", () => Tensor.ZerosLike(p));
            var accDelta = StateTensor(state, "acc_delta", () => Tensor.ZerosLike(p));
            IncrementIntStep(state);
            if (FusedUpdates.Eligible(p, grad, squareAvg, accDelta))
            {
                FusedUpdates.Adadelta(p, grad, squareAvg, accDelta, maximize, lr, rho, eps, weightDecay);
                continue;
            }

            if (maximize) grad = grad.Neg();
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);
            squareAvg.Mul_(rho).Addcmul_(grad, grad, 1 - rho);
            var std = squareAvg.Add(eps).Sqrt_();
            var delta = accDelta.Add(eps).Sqrt_().Div_(std).Mul_(grad);
            accDelta.Mul_(rho).Addcmul_(delta, delta, 1 - rho);
            p.Add_(delta, -lr);
        }
    }
}

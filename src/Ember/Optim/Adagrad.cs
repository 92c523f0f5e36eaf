namespace Ember.Optim;

/// <summary>
/// Adagrad (<c>torch.optim.Adagrad</c>, PyTorch 1.13 single-tensor update, dense gradients). As in
/// PyTorch the state (<c>"step"</c>, a 0-d float32 tensor, and <c>"sum"</c>, filled with
/// <c>initial_accumulator_value</c>) exists from construction, so state dicts match before the first step.
/// </summary>
public sealed class Adagrad : Optimizer
{
    /// <summary>Adagrad over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The tensors to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="lrDecay">Learning-rate decay: step t uses <c>lr / (1 + (t - 1) * lr_decay)</c>.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sum.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(parameters, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)) { }

    /// <summary>Adagrad over parameter groups; a group's own options override these.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="lrDecay">Learning-rate decay: step t uses <c>lr / (1 + (t - 1) * lr_decay)</c>.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient.</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sum.</param>
    /// <param name="eps">Added to the denominator for numerical stability.</param>
    /// <param name="maximize">Maximise the objective instead of minimising it.</param>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
        double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(groups, MakeDefaults(lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)) { }

    private static Dictionary<string, object> MakeDefaults(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps, bool maximize)
    {
        Require(lr >= 0, "learning rate", lr);
        Require(lrDecay >= 0, "lr_decay value", lrDecay);
        Require(weightDecay >= 0, "weight_decay value", weightDecay);
        Require(initialAccumulatorValue >= 0, "initial_accumulator_value value", initialAccumulatorValue);
        Require(eps >= 0, "epsilon value", eps);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["initial_accumulator_value"] = initialAccumulatorValue, ["maximize"] = maximize,
        };
    }

    // PyTorch creates the state in __init__ (from the constructor's initial_accumulator_value; here the
    // group's, which is the same unless the group overrides it). Groups added later get state too,
    // where PyTorch 1.13 would fail at the first step.
    /// <inheritdoc/>
    protected override void OnGroupAdded(ParamGroup group)
    {
        double init = group.Get<double>("initial_accumulator_value");
        foreach (var p in group.Params) InitState(p, init);
    }

    private void InitState(Tensor p, double init)
    {
        var state = StateOf(p);
        StateTensor(state, "step", static () => Tensor.Scalar(0.0, DType.Float32));
        StateTensor(state, "sum", () => Tensor.FullLike(p, init));
    }

    /// <inheritdoc/>
    protected override void StepGroup(ParamGroup group)
    {
        double lr = group.Lr, lrDecay = group.Get<double>("lr_decay"), eps = group.Get<double>("eps");
        double weightDecay = group.Get<double>("weight_decay");
        bool maximize = group.Get<bool>("maximize");
        foreach (var p in group.Params)
        {
            if (p.Grad is not Tensor grad) continue;
            var state = StateOf(p);
            if (!state.ContainsKey("sum")) InitState(p, group.Get<double>("initial_accumulator_value"));
            var sum = (Tensor)state["sum"];
            double step = IncrementStep(state);
            double clr = lr / (1 + (step - 1) * lrDecay);
            if (FusedUpdates.Eligible(p, grad, sum))
            {
                FusedUpdates.Adagrad(p, grad, sum, maximize, weightDecay, clr, eps);
                continue;
            }
            if (maximize) grad = grad.Neg();
            if (weightDecay != 0) grad = grad.Add(p, weightDecay);
            sum.Addcmul_(grad, grad, 1);
            var std = sum.Sqrt().Add_(eps);
            p.Addcdiv_(grad, std, -clr);
        }
    }
}

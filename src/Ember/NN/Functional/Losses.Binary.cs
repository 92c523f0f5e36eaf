namespace Ember.NN;

// Binary cross-entropy, on probabilities (a primitive with its own derivative row) and on logits
// (a composite, in PyTorch's stable form).
public static partial class F
{
    /// <summary>
    /// The binary cross-entropy between probabilities and targets (<c>F.binary_cross_entropy</c>):
    /// -w (t log x + (1 - t) log(1 - x)) per element, each log clamped at -100 as in PyTorch, so an
    /// input of exactly 0 or 1 gives a finite loss (and a finite gradient, whose denominator x (1 - x)
    /// is clamped at 1e-12). The target must have the input's shape and dtype; the weight broadcasts to
    /// that shape. As in PyTorch, the weight cannot require grad, and the target gets a gradient.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or dtypes differ, an input element lies outside [0, 1], the weight requires grad, or reduction is BatchMean.</exception>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "binary_cross_entropy";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        CheckFloatingInput(input, op);
        if (input.Shape != target.Shape)
            throw new ArgumentException($"{op}: Using a target size ({target.Shape}) that is different to the input size ({input.Shape}) is deprecated. Please ensure they have the same size.", nameof(target));
        if (target.DType != input.DType)
            throw new ArgumentException($"{op}: expected a target of the input's dtype {input.DType.TorchName()}, but found {target.DType.TorchName()}.", nameof(target));
        if (weight is not null)
        {
            if (weight.RequiresGrad && Autograd.IsGradEnabled)
                throw new ArgumentException($"{op}: The function 'binary_cross_entropy' is not differentiable with respect to argument 'weight'. This input cannot have requires_grad True.", nameof(weight));
            if (weight.DType != input.DType)
                throw new ArgumentException($"{op}: expected a weight of the input's dtype {input.DType.TorchName()}, but found {weight.DType.TorchName()}.", nameof(weight));
            Dims.CheckBroadcastTo(weight.Shape.AsSpan(), input.Shape.AsSpan(), op);
            weight = weight.Expand(input.Shape.ToArray());
        }
        // NaN fails the check too, as in PyTorch's kernel (x >= 0 && x <= 1).
        if (input.Numel() > 0 && ((input >= 0) & (input <= 1)).LogicalNot().Any().Item().ToBoolean())
            throw new ArgumentException($"{op}: all elements of input should be between 0 and 1 (input shape {input.Shape}).", nameof(input));

        Tensor value;
        using (Autograd.NoGrad())
        {
            // PyTorch's kernel: (t - 1) max(log(1 - x), -100) - t max(log x, -100).
            var loss = (target - 1) * (1 - input).Log().ClampMin(-100) - target * input.Log().ClampMin(-100);
            if (weight is not null) loss = loss * weight;
            value = Reduce(loss, reduction);
        }
        if (Autograd.Recording(input, target))
        {
            var state = new Derivatives.BceState(reduction, weight is not null, input.Numel());
            Tensor[] saved = weight is null ? [input, target] : [input, target, weight];
            Derivatives.BinaryCrossEntropy.Record(value, [input, target], saved, state);
        }
        return value;
    }

    /// <summary>
    /// Binary cross-entropy on logits (<c>F.binary_cross_entropy_with_logits</c>): sigmoid and
    /// <see cref="BinaryCrossEntropy"/> in one, computed in PyTorch's stable form
    /// (1 - t) x + l (log(e^-m + e^(-x-m)) + m) with m = max(-x, 0) and l = 1 + (p - 1) t, so large
    /// logits of either sign neither overflow nor lose the loss. <paramref name="posWeight"/> (p, one per
    /// class, broadcast along the last dimension) weighs the positive term, trading recall against
    /// precision; <paramref name="weight"/> multiplies each element's loss.
    /// </summary>
    /// <exception cref="ArgumentException">The target's shape differs from the input's, a weight does not broadcast, or reduction is BatchMean.</exception>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null)
    {
        const string op = "binary_cross_entropy_with_logits";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        CheckFloatingInput(input, op);
        if (input.Shape != target.Shape)
            throw new ArgumentException($"{op}: Target size ({target.Shape}) must be the same as input size ({input.Shape}).", nameof(target));
        if (weight is not null) Dims.CheckBroadcastTo(weight.Shape.AsSpan(), input.Shape.AsSpan(), op + " (weight)");
        if (posWeight is not null) Dims.CheckBroadcastTo(posWeight.Shape.AsSpan(), input.Shape.AsSpan(), op + " (pos_weight)");

        var maxVal = (-input).ClampMin(0);
        var logSum = ((-maxVal).Exp() + (-input - maxVal).Exp()).Log();
        Tensor loss = posWeight is null
            ? (1 - target) * input + maxVal + logSum
            : (1 - target) * input + ((posWeight - 1) * target + 1) * (logSum + maxVal);
        if (weight is not null) loss = loss * weight;
        return Reduce(loss, reduction);
    }
}

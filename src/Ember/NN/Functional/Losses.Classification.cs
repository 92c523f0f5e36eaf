namespace Ember.NN;

// Negative log-likelihood and cross-entropy. Cross-entropy is the fused log_softmax followed by
// nll_loss (a composite: its gradient comes from the rows of LogSoftmax, Gather and the pointwise ops).
public static partial class F
{
    /// <summary>
    /// The negative log-likelihood loss (<c>F.nll_loss</c>): -weight[t] * input[t] for each target
    /// class t, with the input holding log-probabilities (e.g. from log_softmax). The input is [C]
    /// with a 0-d target, [N, C] with target [N], or [N, C, d1, ...] with target [N, d1, ...]; targets
    /// are int64 class indices in [0, C). Targets equal to <paramref name="ignoreIndex"/> contribute 0
    /// and are left out of the mean. <see cref="Reduction.Mean"/> divides by the sum of the weights of
    /// the targets not ignored (their count without weights), as PyTorch; when every target is
    /// ignored the mean is NaN. Unlike PyTorch, which refuses a weight that requires grad, the weight
    /// gets its gradient.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, dtypes or the weight do not fit, or reduction is BatchMean.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, C) and not the ignore index.</exception>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        const string op = "nll_loss";
        int classDim = CheckClassIndices(input, target, weight, ignoreIndex, reduction, op);
        return NllCore(input, target, weight, ignoreIndex, reduction, classDim);
    }

    /// <summary>
    /// The cross-entropy loss between logits and targets (<c>F.cross_entropy</c>), log_softmax over the
    /// class dimension then <see cref="NllLoss"/>. Two kinds of target, told apart as PyTorch does:
    /// <list type="bullet">
    /// <item>class indices (int64), shaped as for <see cref="NllLoss"/> (input [C], [N, C] or
    /// [N, C, d1, ...]), with <paramref name="weight"/>, <paramref name="ignoreIndex"/> and the mean
    /// weighted as there;</item>
    /// <item>class probabilities: a floating target of the input's own shape. The mean divides by the
    /// number of samples (elements / C), not by the weights, and <paramref name="ignoreIndex"/> must
    /// stay negative (it has no meaning here).</item>
    /// </list>
    /// <paramref name="labelSmoothing"/> in [0, 1] mixes the target with the uniform distribution:
    /// (1 - s) * target + s / C. PyTorch ignores a negative value; Ember refuses it.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, dtypes, weight or label smoothing do not fit, or reduction is BatchMean.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside [0, C) and not the ignore index.</exception>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, int ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, double labelSmoothing = 0.0)
    {
        const string op = "cross_entropy";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckLabelSmoothing(labelSmoothing);
        if (input.NDim >= 1 && input.Shape == target.Shape) return CrossEntropyProbabilities(input, target, weight, ignoreIndex, reduction, labelSmoothing);

        int classDim = CheckClassIndices(input, target, weight, ignoreIndex, reduction, op);
        if (labelSmoothing == 0 && FusedCrossEntropyApplies(input, weight))
            return NllCore(input, target, weight, ignoreIndex, reduction, classDim, fused: true);
        var logp = LogSoftmax(input, classDim);
        var nll = NllCore(logp, target, weight, ignoreIndex, reduction, classDim);
        if (labelSmoothing == 0) return nll;

        // The smoothing term: the (weighted) sum of -log p over all classes, zero where the target is
        // ignored, reduced with the same denominator as the nll term.
        int classes = input.Size(classDim);
        var valid = target.Ne(ignoreIndex);
        var smooth = -(weight is null ? logp : logp * weight.Reshape(ClassShape(input.NDim, classDim, classes))).Sum(classDim);
        smooth = Tensor.Where(valid, smooth, 0.0);
        Tensor smoothReduced = reduction switch
        {
            Reduction.None => smooth,
            Reduction.Sum => smooth.Sum(),
            _ => smooth.Sum() / MeanDenominator(target, valid, weight, input.DType),
        };
        return (1 - labelSmoothing) * nll + smoothReduced * (labelSmoothing / classes);
    }

    private static Tensor CrossEntropyProbabilities(Tensor input, Tensor target, Tensor? weight, int ignoreIndex, Reduction reduction, double labelSmoothing)
    {
        const string op = "cross_entropy";
        CheckReduction(reduction, op);
        CheckFloatingInput(input, op);
        if (!target.DType.IsFloatingPoint())
            throw new ArgumentException($"{op}: Expected floating point type for target with class probabilities, got {target.DType.TorchName()}.", nameof(target));
        if (ignoreIndex >= 0)
            throw new ArgumentException($"{op}: ignore_index is not supported for floating point target (got ignoreIndex {ignoreIndex}; class probabilities have no index to ignore).", nameof(ignoreIndex));
        int classDim = input.NDim == 1 ? 0 : 1;
        int classes = input.Size(classDim);
        CheckClassWeight(weight, classes, input.DType, op);

        var logp = LogSoftmax(input, classDim);
        var t = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / classes : target;
        var prod = logp * t;
        if (weight is not null) prod = prod * weight.Reshape(ClassShape(input.NDim, classDim, classes));
        return reduction switch
        {
            Reduction.None => -prod.Sum(classDim),
            Reduction.Sum => -prod.Sum(),
            // The number of samples: elements / C (NaN for an empty input, as PyTorch).
            _ => input.Numel() == 0 ? -prod.Sum() * double.NaN : -prod.Sum() / (double)(input.Numel() / classes),
        };
    }

    /// <summary>
    /// nll_loss on checked arguments; <paramref name="classDim"/> is 0 for a [C] input, else 1. With
    /// <paramref name="fused"/>, <paramref name="logp"/> holds logits and the log-softmax and the pick
    /// run as one node (<see cref="CrossEntropyRows"/>); the weighting, masking and reduction are shared.
    /// </summary>
    private static Tensor NllCore(Tensor logp, Tensor target, Tensor? weight, int ignoreIndex, Reduction reduction, int classDim, bool fused = false)
    {
        var valid = target.Ne(ignoreIndex);
        // Ignored targets read class 0 (always there); Where then zeroes them, so an infinite
        // log-probability in class 0 cannot turn into NaN through 0 * inf.
        var safe = Tensor.Where(valid, target, 0L);
        Tensor per;
        if (fused)
        {
            var negPicked = CrossEntropyRows(logp, safe);
            per = weight is null ? negPicked : negPicked * weight.Take(safe);
        }
        else if (LogSoftmaxPickSource(logp, classDim) is { } source)
        {
            var negPicked = LogSoftmaxPick(logp, safe, source);
            per = weight is null ? negPicked : negPicked * weight.Take(safe);
        }
        else
        {
            var picked = logp.Gather(classDim, safe.Unsqueeze(classDim)).Squeeze(classDim);
            per = weight is null ? -picked : -(picked * weight.Take(safe));
        }
        per = Tensor.Where(valid, per, 0.0);
        return reduction switch
        {
            Reduction.None => per,
            Reduction.Sum => per.Sum(),
            _ => per.Sum() / MeanDenominator(target, valid, weight, logp.DType),
        };
    }

    /// <summary>The sum of the weights of the targets not ignored, or their count without weights.</summary>
    private static Tensor MeanDenominator(Tensor target, Tensor valid, Tensor? weight, DType dtype) =>
        weight is null ? valid.Sum().To(dtype) : Tensor.Where(valid, weight.Take(Tensor.Where(valid, target, 0L)), 0.0).Sum();

    /// <summary>[1, C, 1, ...]: a [C] weight viewed to broadcast along the class dimension.</summary>
    private static int[] ClassShape(int rank, int classDim, int classes)
    {
        var s = new int[rank];
        Array.Fill(s, 1);
        s[classDim] = classes;
        return s;
    }

    /// <summary>Checks the arguments of nll_loss (and of cross-entropy with class indices); returns the class dim.</summary>
    private static int CheckClassIndices(Tensor input, Tensor target, Tensor? weight, int ignoreIndex, Reduction reduction, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        CheckFloatingInput(input, op);
        if (input.NDim < 1) throw new ArgumentException($"{op}: Expected 1 or more dimensions (got 0) for the input.", nameof(input));
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: expected a target of class indices with dtype int64 (Long), but found {target.DType.TorchName()}.", nameof(target));
        int classDim = input.NDim == 1 ? 0 : 1;
        int classes = input.Size(classDim);
        var expected = input.Shape.ToArray().Where((_, i) => i != classDim).ToArray();
        if (input.NDim >= 2 && (target.NDim == 0 || target.Size(0) != input.Size(0)))
            throw new ArgumentException($"{op}: Expected input batch_size ({input.Size(0)}) to match target batch_size ({(target.NDim == 0 ? "none: the target is 0-d" : target.Size(0))}); input shape {input.Shape}, target shape {target.Shape}.", nameof(target));
        if (!target.Shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"{op}: Expected target size {Shape.Format(expected)}, got {target.Shape} (input shape {input.Shape}).", nameof(target));
        CheckClassWeight(weight, classes, input.DType, op);

        // Any class index outside [0, C) that is not the ignore index. One reduction (and one read
        // back to the host), so the kernel never sees an index it cannot use.
        var bad = ((target < 0) | (target >= classes)) & target.Ne(ignoreIndex);
        if (target.Numel() > 0 && bad.Any().Item().ToBoolean())
        {
            long first = target.MaskedSelect(bad).ToArray<long>()[0];
            throw new ArgumentOutOfRangeException(nameof(target), $"{op}: Target {first} is out of bounds (expected a class index in [0, {classes}) or the ignore index {ignoreIndex}).");
        }
        return classDim;
    }

    private static void CheckClassWeight(Tensor? weight, int classes, DType dtype, string op)
    {
        if (weight is null) return;
        if (weight.NDim != 1 || weight.Size(0) != classes)
            throw new ArgumentException($"{op}: weight tensor should be defined either for all {classes} classes or no classes but got weight tensor of shape: {weight.Shape}.", nameof(weight));
        if (weight.DType != dtype)
            throw new ArgumentException($"{op}: expected a weight of the input's dtype {dtype.TorchName()}, but found {weight.DType.TorchName()}.", nameof(weight));
    }

    internal static void CheckLabelSmoothing(double labelSmoothing)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: {labelSmoothing}.");
    }
}

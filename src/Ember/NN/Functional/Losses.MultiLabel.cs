namespace Ember.NN;

// The multi-class and multi-label margin losses: multi_margin_loss (one class per sample),
// multilabel_margin_loss (a -1-terminated list of classes per sample) and multilabel_soft_margin_loss
// (a 0/1 target per class). Composites: the hinge is Relu, whose gradient at the kink is 0, as in
// PyTorch's kernels (which add a term only where it is positive).
public static partial class F
{
    /// <summary>
    /// log(sigmoid(x)) (<c>F.logsigmoid</c>), computed as -softplus(-x) so that it neither overflows
    /// nor loses precision for large |x|; its gradient is sigmoid(-x).
    /// </summary>
    public static Tensor LogSigmoid(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckFloatingInput(input, "log_sigmoid");
        return -Softplus(-input);
    }

    /// <summary>
    /// The multi-label one-versus-all loss on logits (<c>F.multilabel_soft_margin_loss</c>): per sample,
    /// the mean over the C classes (the last dim) of -(y log σ(x) + (1 - y) log σ(-x)), each class's term
    /// times <paramref name="weight"/> (broadcast) when given. Reductions apply to the per-sample values.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast, the input is not floating point, or reduction is BatchMean.</exception>
    public static Tensor MultiLabelSoftMarginLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "multilabel_soft_margin_loss";
        CheckPointwiseLoss(input, target, reduction, op);
        if (weight is not null) Dims.Broadcast(input.Shape.AsSpan(), weight.Shape.AsSpan(), op + " (weight)");
        var loss = -(target * LogSigmoid(input) + (1 - target) * LogSigmoid(-input));
        if (weight is not null) loss = loss * weight;
        if (input.NDim == 0) return Reduce(loss, reduction);
        int classDim = input.NDim - 1;
        return Reduce(loss.Sum(classDim) / input.Size(classDim), reduction);
    }

    /// <summary>
    /// The multi-class hinge loss (<c>F.multi_margin_loss</c>): for a sample x with class y,
    /// Σ_{i≠y} w[y] max(0, margin - x[y] + x[i])^p / C. The input is [N, C] with an int64 target [N],
    /// or [C] with a 0-d or one-element target; p is 1 or 2.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes, dtypes or the weight do not fit, p is not 1 or 2, or reduction is BatchMean.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, C).</exception>
    public static Tensor MultiMarginLoss(Tensor input, Tensor target, int p = 1, double margin = 1, Tensor? weight = null, Reduction reduction = Reduction.Mean)
    {
        const string op = "multi_margin_loss";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        if (p != 1 && p != 2) throw new ArgumentException($"{op}: only p == 1 and p == 2 supported (got p = {p}).", nameof(p));
        CheckFloatingInput(input, op);
        var (n, c) = MarginLossFrames(input, op);
        if (target.NDim > 1 || target.Numel() != n)
            throw new ArgumentException($"{op}: inconsistent target size, got: {target.Shape}; expected {n} class index(es) for input of size {input.Shape}.", nameof(target));
        CheckInt64Target(target, op);
        CheckClassWeight(weight, c, input.DType, op);
        var t = target.Reshape(n, 1);
        if (n > 0 && ((t < 0) | (t >= c)).Any().Item().ToBoolean())
            throw new ArgumentOutOfRangeException(nameof(target), $"{op}: target out of range (expected class indices in [0, {c}), got {target.Shape} target for input of size {input.Shape}).");
        var x = input.Reshape(n, c);
        var z = (margin - x.Gather(1, t) + x).Relu();
        if (p == 2) z = z * z;
        if (weight is not null) z = z * weight.Take(t);
        var notTarget = Tensor.Arange(0, c, device: input.Device).Reshape(1, c).Ne(t);
        var per = Tensor.Where(notTarget, z, 0.0).Sum(1) / c;
        return Reduce(per.Reshape(target.Shape.ToArray()), reduction);
    }

    /// <summary>
    /// The multi-label hinge loss (<c>F.multilabel_margin_loss</c>). The target holds, per sample, the
    /// indices of its classes, ending at the first negative entry (-1) or the row's end; the loss is
    /// Σ_j Σ_{i not a target} max(0, 1 - (x[y_j] - x[i])) / C. The input is [N, C] with a target
    /// [N, C], or [C] with a target [C] (an int64 tensor of the input's shape).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes or dtypes do not fit, or reduction is BatchMean.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target index is C or more.</exception>
    public static Tensor MultiLabelMarginLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        const string op = "multilabel_margin_loss";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckReduction(reduction, op);
        CheckFloatingInput(input, op);
        var (n, c) = MarginLossFrames(input, op);
        if (input.NDim <= 1 ? target.NDim > 1 || target.Numel() != c : target.NDim != 2 || target.Size(0) != n || target.Size(1) != c)
            throw new ArgumentException($"{op}: inconsistent target size: {target.Shape} for input of size: {input.Shape} (expected an int64 target of the input's shape).", nameof(target));
        CheckInt64Target(target, op);

        // Which entries are targets (up to the first negative one) and which classes they name: a
        // host pass over the int64 target, which decides the masks but carries no gradient.
        var idx = target.Contiguous().Cpu().ToArray<long>();
        var valid = new bool[n * c];
        var isTarget = new bool[n * c];
        var safe = new long[n * c];
        for (int s = 0; s < n; s++)
            for (int j = 0; j < c; j++)
            {
                long k = idx[s * c + j];
                if (k < 0) break;
                if (k >= c)
                    throw new ArgumentOutOfRangeException(nameof(target), $"{op}: argument #2 'target' is out of range (got class {k}; expected indices in [0, {c}) ended by -1, input of size {input.Shape}).");
                valid[s * c + j] = true;
                isTarget[s * c + (int)k] = true;
                safe[s * c + j] = k;
            }
        var x = input.Reshape(n, c);
        var dev = input.Device;
        var xy = x.Gather(1, Tensor.From(safe, dev).Reshape(n, c));                         // [N, C_j]
        var z = (1 - xy.Unsqueeze(2) + x.Unsqueeze(1)).Relu();                               // [N, C_j, C_i]
        var mask = Tensor.From(valid, dev).Reshape(n, c, 1) & Tensor.From(isTarget, dev).Reshape(n, 1, c).LogicalNot();
        var per = Tensor.Where(mask, z, 0.0).Sum([1, 2]) / c;
        return Reduce(input.NDim <= 1 ? per.Reshape() : per, reduction);
    }

    /// <summary>The (frames, classes) of a margin loss's input: [C] is one frame, [N, C] N; empty class dims are refused as in PyTorch.</summary>
    private static (int N, int C) MarginLossFrames(Tensor input, string op)
    {
        int nd = input.NDim;
        if (!((nd == 2 && input.Size(1) != 0) || (nd == 1 && input.Size(0) != 0) || nd == 0))
            throw new ArgumentException($"{op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: {input.Shape}.", nameof(input));
        return nd == 2 ? (input.Size(0), input.Size(1)) : (1, nd == 0 ? 1 : input.Size(0));
    }

    private static void CheckInt64Target(Tensor target, string op)
    {
        if (target.DType != DType.Int64)
            throw new ArgumentException($"{op}: expected a target of class indices with dtype int64 (Long), but found {target.DType.TorchName()}.", nameof(target));
    }
}
